/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the fallback chain of fonts (issue #11 part 3, "every character drawn").
 *
 * Which font each character gets, that measuring and wrapping use the same per-run fonts the
 * display list names, the coverage warnings, and both backends drawing a report whose city name
 * and a reviewer comment hold characters from every fallback plus one no font has. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_text.h"
#include "text.h"
#include "layouttest.h"

#define UNICODE_DIR CR_TEST_DATA "/unicode"
/* The characters cities and reviewers type, one from each font of the chain, and one (東) no
 * font has. */
static const char *const wanted[] = {"≥", "→", "✓", "−", "ʼ", "g̃", "ư", "Ω", "Ж", "ᐊ", "👍", "東"};

typedef struct state {
    layout_fixture base;
    cr_assessment a;
    cr_peers *peers;
} state;

static int setup(void **st)
{
    state *s = layout_fixture_new(sizeof *s);
    if (!s)
        return -1;
    cr_error err;
    cr_error_init(&err);
    if (cr_assessment_load(&s->a, UNICODE_DIR "/unicode.submission.xml",
                           UNICODE_DIR "/unicode.audit.xml", s->base.fx->catalog,
                           s->base.fx->schemas, &err) != CR_OK)
        return -1;
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    s->peers = c ? cr_cohort_stats(c, s->base.fx->catalog, s->base.fx->schemas, NULL, &err) : NULL;
    cr_cohort_free(c);
    *st = s;
    return s->peers ? 0 : -1;
}

static int teardown(void **st)
{
    state *s = *st;
    cr_peers_free(s->peers);
    cr_assessment_free(&s->a);
    layout_fixture_free(s);
    return 0;
}

static cr_display *layout(state *s, bool untagged)
{
    cr_report_request req = {.catalog = s->base.fx->catalog,
                             .assessment = &s->a,
                             .peers = s->peers,
                             .spec = s->base.env.spec,
                             .strings = s->base.env.strings,
                             .fonts = s->base.env.fonts,
                             .created = 1689336000,
                             .untagged = untagged};
    cr_error err;
    cr_error_init(&err);
    cr_display *d = cr_layout_report(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    return d;
}

static uint32_t cp_of(const char *s)
{
    return cr_utf8_next(&s);
}

/* The chain of layouts/default.xml: which font draws what. */
static void test_pick(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    assert_int_equal(cr_fonts_fallback_count(f), 6);
    const struct {
        const char *c;
        unsigned font;
    } cases[] = {
        {"A", CR_FONT_FACE},
        {"é", CR_FONT_FACE},
        {"€", CR_FONT_FACE},
        {"ʼ", 1},
        {"\xCC\x83", 1},
        {"ư", 1},
        {"Ω", 1},
        {"Ж", 1},
        {"\u202F", 1},
        {"≥", 2},
        {"→", 2},
        {"−", 2},
        {"✓", 4},
        {"ᐊ", 5},
        {"👍", 6},
        {"東", CR_FONT_PLACEHOLDER},
        {"\u200B", CR_FONT_IGNORABLE},
        {"\u202E", CR_FONT_IGNORABLE},
        {"\uFEFF", CR_FONT_IGNORABLE},
        {"\u2066", CR_FONT_IGNORABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int face = 0; face < CR_FACE_COUNT; face++)
            if (cr_fonts_pick(f, (cr_face)face, cp_of(cases[i].c)) != cases[i].font)
                fail_msg("%s in face %d: font %u, not %u", cases[i].c, face,
                         cr_fonts_pick(f, (cr_face)face, cp_of(cases[i].c)), cases[i].font);
        assert_true(cr_fonts_covers(f, CR_FACE_BOLD, cp_of(cases[i].c)) ==
                    (cases[i].font != CR_FONT_PLACEHOLDER));
    }
    /* The fallback files are the shipped ones. */
    assert_non_null(strstr(cr_fonts_fallback_path(f, 0), "NotoSans-Extra.ttf"));
    assert_non_null(strstr(cr_fonts_fallback_path(f, 5), "Symbola-Emoji.ttf"));
    /* Without a chain, nothing falls back. */
    const char *const *faces = cr_layout_spec_fonts(s->base.env.spec);
    cr_error err;
    cr_error_init(&err);
    cr_fonts *bare = cr_fonts_load(faces, &err);
    assert_non_null(bare);
    assert_int_equal(cr_fonts_pick(bare, CR_FACE_REGULAR, cp_of("≥")), CR_FONT_PLACEHOLDER);
    cr_fonts_free(bare);
}

/* cr_fonts_run over ASCII (which it skips eight bytes at a time) stops exactly where the first
 * character of another font than the first's is, wherever it falls: each character's font from
 * cr_fonts_pick is the reference. */
static void test_run_ascii(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    const char *const others[] = {"\x7F", "\xC3\xA9", "\xE2\x89\xA5", "\xE6\x9D\xB1", "\x01"};
    for (size_t o = 0; o < sizeof others / sizeof *others; o++)
        for (size_t at = 0; at < 24; at++) {
            char t[64];
            snprintf(t, sizeof t, "%.*s%s%s", (int)at, "The quick brown fox jumps", others[o],
                     " over");
            size_t len = strlen(t);
            unsigned font;
            size_t n = cr_fonts_run(f, CR_FACE_REGULAR, t, len, &font);
            /* The reference: character by character. */
            const char *p = t;
            unsigned first = cr_fonts_pick(f, CR_FACE_REGULAR, cr_utf8_next(&p));
            size_t want = (size_t)(p - t);
            while (want < len) {
                const char *q = t + want;
                if (cr_fonts_pick(f, CR_FACE_REGULAR, cr_utf8_next(&q)) != first)
                    break;
                want = (size_t)(q - t);
            }
            assert_int_equal(font, first);
            assert_int_equal(n, want);
        }
}

/* Widths: a text measures as the sum of its runs, each in its own font; ignorable characters have
 * no width; Latin text measures exactly as before (the face alone). */
static void test_width_and_runs(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    const char *t = "ab≥Ж👍東\u200Bcd";
    size_t len = strlen(t), at = 0, runs = 0;
    float sum = 0;
    unsigned fonts[16];
    while (at < len) {
        unsigned font;
        size_t n = cr_fonts_run(f, CR_FACE_REGULAR, t + at, len - at, &font);
        assert_true(n > 0);
        fonts[runs++] = font;
        sum += cr_fonts_width(f, CR_FACE_REGULAR, 10, t + at, n);
        if (font == CR_FONT_IGNORABLE)
            assert_float_equal(cr_fonts_width(f, CR_FACE_REGULAR, 10, t + at, n), 0, 0);
        at += n;
    }
    const unsigned expect[] = {CR_FONT_FACE,      2,           1, 6, CR_FONT_PLACEHOLDER,
                               CR_FONT_IGNORABLE, CR_FONT_FACE};
    assert_int_equal(runs, sizeof expect / sizeof *expect);
    for (size_t i = 0; i < runs; i++)
        assert_int_equal(fonts[i], expect[i]);
    assert_float_equal(sum, cr_fonts_width(f, CR_FACE_REGULAR, 10, t, len), 0.01);
    /* Every character has a width of its own font: none counts as a .notdef box, but 東. */
    float box = cr_fonts_width(f, CR_FACE_REGULAR, 10, "東", strlen("東"));
    assert_true(box > 1);
    assert_true(cr_fonts_width(f, CR_FACE_REGULAR, 10, "Ж", strlen("Ж")) != box);
}

/* Wrapping cuts a word too long for its line between characters, never between a base and its
 * combining mark. */
static void test_wrap_keeps_marks(void **st)
{
    state *s = *st;
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    const char *t = "g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83";
    float one = cr_fonts_width(s->base.env.fonts, CR_FACE_REGULAR, 10, "g", 1);
    cr_line *lines;
    size_t n = cr_wrap(a, s->base.env.fonts, CR_FACE_REGULAR, 10, t, one * 2.5f, &lines);
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        assert_true(lines[i].len % 3 == 0); /* whole "g" + U+0303 pairs */
        assert_memory_equal(lines[i].start, "g\xCC\x83", 3);
    }
    cr_arena_free(a);
}

/* The report's display list names each run's font; every wanted character is drawn by the font
 * that has it (東 as a placeholder); nothing leaves the margins or overlaps. */
static void test_display_runs(void **st)
{
    state *s = *st;
    cr_display *d = layout(s, false);
    check_geometry(d, &s->base.env);
    char *all = page_text(d, (size_t)-1);
    for (size_t k = 0; k < sizeof wanted / sizeof *wanted; k++) {
        bool drawn = false;
        uint32_t cp = cp_of(wanted[k]);
        for (size_t i = 0; i < d->nops && !drawn; i++) {
            const cr_op *o = &d->ops[i];
            if (o->kind != CR_OP_TEXT || !strstr(o->text, wanted[k]))
                continue;
            drawn = o->font == cr_fonts_pick(s->base.env.fonts, o->face, cp);
        }
        if (!drawn && strcmp(wanted[k], "g̃") != 0)
            fail_msg("%s is not drawn with its font", wanted[k]);
    }
    /* g and its mark: two runs, the mark in the fallback that has it. */
    size_t mark = find_op(d, 0, "\xCC\x83");
    assert_true(mark != (size_t)-1);
    assert_int_equal(d->ops[mark].font, 1);
    free(all);
    /* The dump says the font of text outside the faces only. */
    cr_error err;
    cr_error_init(&err);
    char *dump = cr_display_dump(d, &err);
    assert_non_null(dump);
    assert_non_null(strstr(dump, " fallback 5 \"👍\""));
    assert_non_null(strstr(dump, " placeholder \"東\""));
    free(dump);
    cr_display_free(d);
}

static void count_warning(void *data, const cr_error *problem)
{
    if (problem->warning)
        ++*(int *)data;
}

/* The coverage check: one warning per character no font has, per text, naming file and line. */
static void test_check_inputs(void **st)
{
    state *s = *st;
    cr_error err;
    cr_error_init(&err);
    int warnings = 0;
    err.sink = count_warning;
    err.sink_data = &warnings;
    size_t n = cr_fonts_check_inputs(s->base.env.fonts, s->a.submission, s->a.log, &err);
    assert_int_equal(n, 2); /* 東 in the city name, 東 in the comment */
    assert_int_equal(warnings, 2);
    assert_int_equal(err.code, CR_OK);
    assert_int_equal(err.warnings, 2);
    /* The catalog and strings need no fallback at all: a Latin-only report embeds none. */
    const char *const *faces = cr_layout_spec_fonts(s->base.env.spec);
    cr_fonts *bare = cr_fonts_load(faces, &err);
    assert_non_null(bare);
    cr_error e2;
    cr_error_init(&e2);
    assert_int_equal(cr_layout_check_texts(s->base.fx->catalog, s->base.env.strings, bare, &e2),
                     CR_OK);
    assert_int_equal(e2.warnings, 0);
    cr_fonts_free(bare);
}

static bool file_has(const char *path, const char *needle, size_t nlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    for (size_t i = 0; i + nlen <= n; i++)
        if (memcmp(buf + i, needle, nlen) == 0)
            return true;
    return false;
}

/* Both backends draw it; pdftotext finds every character as written, in the tagged and the
 * plain PDF; the fallback fonts are embedded. */
static void test_backends(void **st)
{
    state *s = *st;
    for (int untagged = 0; untagged < 2; untagged++) {
        cr_display *d = layout(s, untagged);
        char pdf[512], txt[512], cmd[2048];
        snprintf(pdf, sizeof pdf, "%s/fonts-%d.pdf", CR_TEST_TMP, untagged);
        snprintf(txt, sizeof txt, "%s/fonts-%d.txt", CR_TEST_TMP, untagged);
        write_pdf(d, s->base.env.fonts, pdf);
        snprintf(cmd, sizeof cmd, "pdftotext '%s' '%s' && qpdf --check '%s' >/dev/null", pdf, txt,
                 pdf);
        assert_int_equal(system(cmd), 0);
        for (size_t k = 0; k < sizeof wanted / sizeof *wanted; k++)
            if (!file_has(txt, wanted[k], strlen(wanted[k])))
                fail_msg("pdftotext (%s) lacks %s", untagged ? "plain" : "tagged", wanted[k]);
        const char *name = "Tempe ≥ → ✓ − ʼ g̃ ư Ω Ж ᐊ 👍 東";
        assert_true(file_has(txt, name, strlen(name)));
        snprintf(cmd, sizeof cmd,
                 "f=$(pdffonts '%s') && for n in NotoSansExtra-Regular NotoSansMath-Regular "
                 "NotoSansSymbols2-Regular NotoSansCanadianAboriginal-Regular Symbola; do "
                 "echo \"$f\" | grep -q \"+$n \" || exit 1; done",
                 pdf);
        assert_int_equal(system(cmd), 0);

        cr_buffer png = {0};
        cr_error err;
        cr_error_init(&err);
        assert_int_equal(cr_render_cairo(d, s->base.env.fonts, CR_CAIRO_PNG, 0, 96, &png, &err),
                         CR_OK);
        assert_true(png.len > 8 && memcmp(png.data, "\x89PNG", 4) == 0);
        cr_buffer_free(&png);
        cr_buffer cpdf = {0};
        assert_int_equal(cr_render_cairo(d, s->base.env.fonts, CR_CAIRO_PDF, 0, 96, &cpdf, &err),
                         CR_OK);
        cr_buffer_free(&cpdf);
        cr_display_free(d);
    }
}

/* A hand-made display list with ops the layout would not make: a fallback index past the chain
 * is refused by both backends (a usage error, nothing written). */
static void test_bad_font_index(void **st)
{
    state *s = *st;
    cr_op ops[] = {{.kind = CR_OP_PAGE},
                   {.kind = CR_OP_TEXT, .x = 10, .y = 20, .size = 10, .text = "x", .font = 7}};
    cr_display d = {.page_w = 200, .page_h = 200, .npages = 1, .ops = ops, .nops = 2};
    cr_buffer out = {0};
    cr_error err;
    cr_error_init(&err);
    assert_int_not_equal(cr_render_pdf(&d, s->base.env.fonts, &out, &err), CR_OK);
    assert_null(out.data);
    cr_error_init(&err);
    assert_int_not_equal(cr_render_cairo(&d, s->base.env.fonts, CR_CAIRO_PNG, 0, 72, &out, &err),
                         CR_OK);
    assert_null(out.data);
}

/* The one UTF-8 decoder (text.h over utf8proc_iterate): code points of every length, and a byte
 * that starts no well-formed sequence (a stray continuation, an overlong form, a surrogate, a
 * sequence cut short) as U+FFFD, one byte at a time; cr_utf8_check names what is wrong. */
static void test_utf8_decoder(void **st)
{
    (void)st;
    const char *p = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x91\x8d";
    const uint32_t want[] = {'a', 0xE9, 0x20AC, 0x1F44D};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(cr_utf8_next(&p), want[i]);
    assert_int_equal(*p, '\0');
    static const char *const bad[] = {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *q = bad[i];
        assert_int_equal(cr_utf8_next(&q), 0xFFFD);
        assert_ptr_equal(q, bad[i] + 1);
    }
    long line = 0;
    const char *what = NULL;
    assert_true(cr_utf8_check("caf\xc3\xa9\n\xf0\x9f\x91\x8d", 10, &line, &what));
    assert_false(cr_utf8_check("ok\ncaf\xc3", 7, &line, &what));
    assert_int_equal(line, 2);
    assert_string_equal(what, "truncated UTF-8 sequence");
    assert_false(cr_utf8_check("\xc0\xaf", 2, &line, &what));
    assert_string_equal(what, "invalid UTF-8");
    assert_false(cr_utf8_check("\xed\xa0\x80", 3, &line, &what));
    assert_string_equal(what, "invalid UTF-8");
    assert_false(cr_utf8_check("\xc2\x85", 2, &line, &what)); /* C1 control */
    assert_string_equal(what, "control character");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_width_and_runs),
        cmocka_unit_test(test_wrap_keeps_marks),
        cmocka_unit_test(test_display_runs),
        cmocka_unit_test(test_run_ascii),
        cmocka_unit_test(test_check_inputs),
        cmocka_unit_test(test_backends),
        cmocka_unit_test(test_bad_font_index),
        cmocka_unit_test(test_utf8_decoder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
