/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: layout text tools (see layout_text.h). */
#include "layout_text.h"

#include <linebreak.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *cr_tpl(cr_arena *a, const cr_strings *s, const char *key, const cr_arg *args, size_t n)
{
    const char *t = cr_strings_get(s, key);
    if (!t)
        t = key;
    size_t cap = strlen(t) + 1;
    for (size_t i = 0; i < n; i++)
        cap += args[i].value ? strlen(args[i].value) * 4 : 0; /* a name may repeat */
    char *out = cr_arena_alloc(a, cap);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *p = t; *p;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            bool done = false;
            for (size_t i = 0; end && i < n; i++) {
                size_t len = strlen(args[i].name);
                if ((size_t)(end - p - 1) == len && strncmp(p + 1, args[i].name, len) == 0) {
                    size_t vl = args[i].value ? strlen(args[i].value) : 0;
                    if ((size_t)(w - out) + vl + strlen(end) + 1 > cap)
                        return NULL; /* cannot happen with the sizing above */
                    memcpy(w, args[i].value ? args[i].value : "", vl);
                    w += vl;
                    p = end + 1;
                    done = true;
                    break;
                }
            }
            if (done)
                continue;
        }
        *w++ = *p++;
    }
    *w = '\0';
    return out;
}

bool cr_plural_one(const cr_strings *s, long n)
{
    const char *list = cr_strings_get(s, "plural.one");
    if (!list)
        return n == 1;
    for (const char *p = list; *p;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break; /* not a number: the rest is ignored (test_strings checks the lists) */
        if (v == n)
            return true;
        p = end;
    }
    return false;
}

const char *cr_plural_key(cr_arena *a, const cr_strings *s, const char *key, long n)
{
    if (!cr_plural_one(s, n))
        return key;
    size_t size = strlen(key) + sizeof ".one";
    char *one = cr_arena_alloc(a, size);
    if (!one)
        return NULL;
    snprintf(one, size, "%s.one", key);
    return cr_strings_get(s, one) ? one : key;
}

const char *cr_fmt_int(cr_arena *a, const cr_strings *s, long v)
{
    const char *sep = cr_strings_get(s, "number.thousands");
    char digits[32], out[64];
    snprintf(digits, sizeof digits, "%ld", v < 0 ? -v : v);
    size_t n = strlen(digits), w = 0;
    if (v < 0)
        out[w++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0 && sep)
            for (const char *q = sep; *q && w < sizeof out - 8; q++)
                out[w++] = *q;
        out[w++] = digits[i];
    }
    out[w] = '\0';
    return cr_arena_strdup(a, out);
}

const char *cr_fmt_date(cr_arena *a, const cr_strings *s, int year, int month, int day)
{
    char key[16], y[8], d[8];
    snprintf(key, sizeof key, "month.%d", month);
    snprintf(y, sizeof y, "%d", year);
    snprintf(d, sizeof d, "%d", day);
    const char *m = cr_strings_get(s, key);
    const char *first = day == 1 ? cr_strings_get(s, "day.first") : NULL; /* "1er", "1º" */
    cr_arg args[] = {{"month", m ? m : key}, {"day", first ? first : d}, {"year", y}};
    return cr_tpl(a, s, "date", args, 3);
}

size_t cr_wrap(cr_arena *a, const cr_fonts *f, cr_face face, float size, const char *text,
               float maxw, cr_line **lines)
{
    size_t len = strlen(text);
    *lines = NULL;
    char *brks = cr_arena_alloc(a, len + 1);
    /* At most one line per character, plus one. */
    cr_line *out = cr_arena_calloc(a, len + 1, sizeof *out);
    if (!brks || !out)
        return 0;
    if (len)
        set_linebreaks_utf8((const utf8_t *)text, len, NULL, brks);
    size_t n = 0;
    size_t start = 0;
    while (start < len && text[start] == ' ')
        start++;
    while (start < len) {
        /* Greedy: take segments (up to each break opportunity) while they fit. */
        size_t end = start, fit_end = start;
        float fit_w = 0;
        for (size_t i = start; i < len; i++) {
            if (brks[i] != LINEBREAK_ALLOWBREAK && brks[i] != LINEBREAK_MUSTBREAK && i + 1 < len)
                continue;
            /* A candidate line [start, i]; measure without trailing spaces. */
            size_t e = i + 1;
            while (e > start && (text[e - 1] == ' ' || text[e - 1] == '\n'))
                e--;
            float w = cr_fonts_width(f, face, size, text + start, e - start);
            if (w > maxw && fit_end > start)
                break;
            if (w > maxw) {
                /* One word wider than the line: cut it between characters. */
                const char *p = text + start, *last = p;
                float acc = 0;
                while (p < text + e) {
                    const char *q = p;
                    cr_utf8_next(&q);
                    /* Combining marks, joiners and variation selectors stay with their base. */
                    for (const char *m = q; m < text + e && cr_fonts_combining(cr_utf8_next(&m));)
                        q = m;
                    float cw = cr_fonts_width(f, face, size, p, (size_t)(q - p));
                    if (acc + cw > maxw && p > text + start)
                        break;
                    acc += cw;
                    p = q;
                    last = p;
                }
                fit_end = (size_t)(last - text);
                fit_w = acc;
                end = fit_end;
                break;
            }
            fit_end = e;
            fit_w = w;
            end = i + 1;
            if (brks[i] == LINEBREAK_MUSTBREAK && i + 1 < len)
                break;
        }
        out[n].start = text + start;
        out[n].len = fit_end - start;
        out[n].width = fit_w;
        start = end > start ? end : fit_end;
        while (start < len && (text[start] == ' ' || text[start] == '\n'))
            start++;
        bool gap = false; /* the break dropped spaces or a newline: a word boundary */
        for (size_t k = fit_end; k < start; k++)
            gap |= text[k] == ' ' || text[k] == '\n';
        out[n].space = start < len && gap;
        out[n].joined = start < len && !gap;
        n++;
    }
    *lines = out;
    return n;
}
