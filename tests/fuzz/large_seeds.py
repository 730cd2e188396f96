#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds of large shapes for the fuzz targets (up to 2 MiB each), made from the samples.

usage: large_seeds.py SOURCE_DIR OUT_DIR [--size BYTES]

Writes OUT_DIR/submission/, OUT_DIR/audit/ and OUT_DIR/report/: each a real sample with one part
blown up to the size (default 2 MiB) in a shape that costs a parser the most: thousands of
attributes or namespace declarations on one element (refused by the pre-scan), elements of 64
attributes (the most it lets through), deep nesting, many small or unknown elements, text split
by comments, CDATA sections, processing instructions or elements, long texts and attribute
values, character and entity references, thousands of namespaced elements, repeated responses,
many events, a long comment. They are generated rather than committed (2 MiB each); the ctest
fuzz_replay_large replays them through the targets in every build, and a fuzzing session starts
from them with -max_len=2097152 (README.md).
"""
import os
import sys

SUB_AT = '<response criterion="DM3" answer="yes"/>'
SUB_OPEN = '<response criterion="DM3" answer="yes">'


def fill(unit, size):
    """Units unit(0), unit(1), ... joined, about |size| characters."""
    out, n, i = [], 0, 0
    while n < size:
        u = unit(i)
        out.append(u)
        n += len(u)
        i += 1
    return ''.join(out)


def attrs64(i):
    return '<x' + ''.join(' a%d="1"' % k for k in range(64)) + '/>'


def event(i):
    m = i
    return ('<event at="%04d-%02d-%02dT%02d:%02d:00Z" by="R" type="comment" criterion="DM%d">'
            '<comment>n</comment></event>\n' % (2024 + m // 480000, 1 + m // 40320 % 12, 1 + m // 1440 % 28,
                                                m // 60 % 24, m % 60, 1 + m % 8))


def submission_shapes(sub, size):
    """(name, text) pairs, each about |size| bytes."""
    room = size - len(sub)

    def in_response(inner):
        return sub.replace(SUB_AT, SUB_OPEN + inner + '</response>', 1)

    def in_evidence(unit):
        return in_response('<evidence>' + fill(unit, room) + '</evidence>')

    return [
        ('large-attributes', sub.replace('<city ', '<city' + fill(lambda i: ' a%d="1"' % i, room) + ' ', 1)),
        ('large-namespaces', sub.replace('<city ', '<city' + fill(lambda i: ' xmlns:n%d="urn:x"' % i, room) + ' ', 1)),
        ('large-attributes-64', in_evidence(attrs64)),
        ('large-deep', in_response(fill(lambda i: '<evidence>', room) + 'x')),
        ('large-unknown-elements', in_evidence(lambda i: '<x/>')),
        ('large-evidence-elements', in_response(fill(lambda i: '<evidence>e</evidence>', room))),
        ('large-text', in_evidence(lambda i: 'word ')),
        ('large-charrefs', in_evidence(lambda i: '&#65;')),
        ('large-amp', in_evidence(lambda i: '&amp;')),
        ('large-split-comments', in_evidence(lambda i: 'a<!---->')),
        ('large-split-elements', in_evidence(lambda i: 'a<x/>')),
        ('large-cdata', in_evidence(lambda i: '<![CDATA[a]]>')),
        ('large-pi', in_evidence(lambda i: '<?p?>')),
        ('large-namespaced-elements', in_evidence(lambda i: '<p%d:x xmlns:p%d="urn:%d"/>' % (i % 1000, i % 1000, i))),
        ('large-attribute-value', sub.replace('name="', 'name="' + fill(lambda i: 'x' * 16, room), 1)),
        ('large-responses', sub.replace(SUB_AT, fill(lambda i: '<response criterion="DM1" answer="yes"/>\n', room), 1)),
        ('large-whitespace', sub.replace('</submission>', fill(lambda i: ' ' * 63 + '\n', room) + '</submission>')),
    ]


def audit_shapes(aud, size):
    room = size - len(aud)
    end = '</audit>'
    return [
        ('large-events', aud.replace(end, fill(event, room) + end)),
        ('large-comment', aud.replace(end, '<event at="2024-01-01T00:00:00Z" by="R" type="comment" criterion="DM1"><comment>'
                                      + fill(lambda i: 'word ', room) + '</comment></event>\n' + end)),
        ('large-attributes', aud.replace(end, '<event at="2024-01-01T00:00:00Z"' + fill(lambda i: ' a%d="1"' % i, room)
                                         + ' by="R" type="step" step="debrief"/>\n' + end)),
        ('large-comment-elements', aud.replace(end, '<event at="2024-01-01T00:00:00Z" by="R" type="comment" criterion="DM1"><comment>'
                                               + fill(lambda i: '<x/>', room) + '</comment></event>\n' + end)),
    ]


def main():
    args = sys.argv[1:]
    size = 2 * 1024 * 1024
    if '--size' in args:
        k = args.index('--size')
        size = int(args[k + 1])
        del args[k:k + 2]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    src, out = args
    samples = os.path.join(src, 'samples', 'cohort')
    sub = open(os.path.join(samples, 'gold-city.submission.xml'), encoding='utf-8').read()
    aud = open(os.path.join(samples, 'gold-city.audit.xml'), encoding='utf-8').read()
    written = 0
    for target, shapes in (('submission', submission_shapes(sub, size)), ('audit', audit_shapes(aud, size))):
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for name, text in shapes:
            with open(os.path.join(out, target, name + '.xml'), 'w', encoding='utf-8') as f:
                f.write(text)
            written += 1
    # The report target: a few submissions, and one followed by a large audit log.
    os.makedirs(os.path.join(out, 'report'), exist_ok=True)
    for name, text in submission_shapes(sub, size):
        if name in ('large-attributes', 'large-split-comments', 'large-text', 'large-namespaced-elements'):
            with open(os.path.join(out, 'report', name + '.xml'), 'w', encoding='utf-8') as f:
                f.write(text)
            written += 1
    events = dict(audit_shapes(aud, size - len(sub)))['large-events']
    with open(os.path.join(out, 'report', 'large-with-events.xml'), 'w', encoding='utf-8') as f:
        f.write(sub + events)
    written += 1
    print('%d seeds of about %d bytes in %s' % (written, size, out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
