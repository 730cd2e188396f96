/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: layout text tools (see layout_text.h). */
#include "layout_text.h"

#include <linebreak.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "args.h"
#include "fonts_internal.h"
#include "text.h"

#define TPL_ARGS 16 /* arguments whose lengths are measured once (more: measured each time) */

const char *cr_tpl(cr_arena *a, const cr_strings *s, const char *key, const cr_arg *args, size_t n)
{
    const char *t = cr_strings_get(s, key);
    if (!t)
        t = key;
    size_t tlen = strlen(t), cap = tlen + 1;
    size_t name_len[TPL_ARGS], value_len[TPL_ARGS];
    for (size_t i = 0; i < n; i++) {
        size_t vl = args[i].value ? strlen(args[i].value) : 0;
        if (i < TPL_ARGS) {
            name_len[i] = strlen(args[i].name);
            value_len[i] = vl;
        }
        cap += vl * 4; /* a name may repeat */
    }
    char *out = cr_arena_alloc_uninit(a, cap); /* written up to its NUL */
    if (!out)
        return NULL;
    char *w = out;
    const char *p = t, *stop = t + tlen;
    while (p < stop) {
        /* The text up to the next brace as it is. */
        const char *brace = memchr(p, '{', (size_t)(stop - p));
        size_t plain = brace ? (size_t)(brace - p) : (size_t)(stop - p);
        memcpy(w, p, plain);
        w += plain;
        p += plain;
        if (!brace)
            break;
        const char *end = memchr(p, '}', (size_t)(stop - p));
        bool done = false;
        for (size_t i = 0; end && i < n; i++) {
            size_t len = i < TPL_ARGS ? name_len[i] : strlen(args[i].name);
            if ((size_t)(end - p - 1) == len && memcmp(p + 1, args[i].name, len) == 0) {
                size_t vl = i < TPL_ARGS ? value_len[i] : args[i].value ? strlen(args[i].value) : 0;
                if ((size_t)(w - out) + vl + (size_t)(stop - end) + 1 > cap)
                    return NULL; /* cannot happen with the sizing above */
                memcpy(w, args[i].value ? args[i].value : "", vl);
                w += vl;
                p = end + 1;
                done = true;
                break;
            }
        }
        if (!done)
            *w++ = *p++; /* a brace that opens no argument: as it is */
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

char *cr_fmt_long(char *buf, long v)
{
    char rev[24];
    size_t n = 0;
    /* In unsigned arithmetic, so that LONG_MIN has its digits too. */
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    char *w = buf;
    if (v < 0)
        *w++ = '-';
    while (n)
        *w++ = rev[--n];
    *w = '\0';
    return buf;
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

/* Lines kept on the stack while a text is broken; a text of more lines moves them to the arena. */
#define WRAP_STACK_LINES 64
#define WRAP_STACK_BYTES 1024

/* Whether |text| has a character after which a line must break (UAX #14 classes BK, CR, LF, NL:
 * VT, FF, CR, LF, U+0085, U+2028, U+2029). */
static bool has_hard_break(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c >= 0x0A && c <= 0x0D) ||
            (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0x85) ||
            (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
             ((unsigned char)text[i + 2] == 0xA8 || (unsigned char)text[i + 2] == 0xA9)))
            return true;
    }
    return false;
}

/* The greedy line breaking of cr_wrap, without the cache. */
/* Whether every character of |text| is in |face|'s own font (see cr_line.face). */
static bool face_only(const cr_fonts *f, cr_face face, const char *text, size_t len)
{
    unsigned font;
    return len == 0 || (cr_fonts_run(f, face, text, len, &font) == len && font == CR_FONT_FACE);
}

static size_t wrap_text(cr_arena *a, const cr_fonts *f, cr_face face, float size, const char *text,
                        size_t len, float maxw, cr_line **lines)
{
    *lines = NULL;
    bool in_face = face_only(f, face, text, len);
    /* A text that fits one line and has no hard break is that line, whatever its break
     * opportunities: every candidate line below is a prefix of it, no wider (advances are not
     * negative), so the greedy loop would take the last. Most table cells are such texts. */
    size_t first = 0, stop = len;
    while (first < len && text[first] == ' ')
        first++;
    while (stop > first && text[stop - 1] == ' ')
        stop--;
    /* Not tried for a text too long to fit even were each byte 0.15 em wide (no Latin letter is
     * that narrow): measuring it whole would be a wasted pass. */
    if ((float)(stop - first) * size * 0.15f <= maxw && !has_hard_break(text, len)) {
        float w = cr_fonts_width(f, face, size, text + first, stop - first);
        if (w <= maxw) {
            cr_line *one = cr_arena_alloc(a, sizeof *one);
            if (!one)
                return 0;
            *one =
                (cr_line){.start = text + first, .len = stop - first, .width = w, .face = in_face};
            *lines = one;
            return first < len; /* no line at all when it is only spaces */
        }
    }
    char stack_brks[WRAP_STACK_BYTES];
    cr_line stack_lines[WRAP_STACK_LINES];
    char *brks = len < sizeof stack_brks ? stack_brks : cr_arena_alloc(a, len + 1);
    cr_line *out = stack_lines;
    size_t cap = WRAP_STACK_LINES;
    if (!brks)
        return 0;
    if (len)
        set_linebreaks_utf8((const utf8_t *)text, len, NULL, brks);
    size_t n = 0;
    size_t start = 0;
    while (start < len && text[start] == ' ')
        start++;
    while (start < len) {
        /* Greedy: take segments (up to each break opportunity) while they fit. Each candidate
         * line [start, e) is measured in font units from where the last one ended (|at|), so a
         * line costs its length once, and its width is what cr_fonts_width gives for it. */
        size_t end = start, fit_end = start, at = start;
        float fit_w = 0;
        cr_units acc = {0}; /* the units of text[start, at) */
        for (size_t i = start; i < len; i++) {
            if (brks[i] != LINEBREAK_ALLOWBREAK && brks[i] != LINEBREAK_MUSTBREAK && i + 1 < len)
                continue;
            /* A candidate line [start, i]; measure without trailing spaces. */
            size_t e = i + 1;
            while (e > start && (text[e - 1] == ' ' || text[e - 1] == '\n'))
                e--;
            if (e < at) { /* not expected: trailing spaces back past the last candidate */
                memset(&acc, 0, sizeof acc);
                at = start;
            }
            cr_fonts_units_add(f, face, text + at, e - at, &acc);
            at = e;
            float w = cr_fonts_units_width(f, face, size, &acc);
            if (w > maxw && fit_end > start)
                break;
            if (w > maxw) {
                /* One word wider than the line: cut it between characters. */
                const char *p = text + start, *last = p;
                float acc_w = 0;
                while (p < text + e) {
                    const char *q = p;
                    cr_utf8_next(&q);
                    /* Combining marks, joiners and variation selectors stay with their base. */
                    for (const char *m = q; m < text + e && cr_fonts_combining(cr_utf8_next(&m));)
                        q = m;
                    float cw = cr_fonts_width(f, face, size, p, (size_t)(q - p));
                    if (acc_w + cw > maxw && p > text + start)
                        break;
                    acc_w += cw;
                    p = q;
                    last = p;
                }
                fit_end = (size_t)(last - text);
                fit_w = acc_w;
                end = fit_end;
                break;
            }
            fit_end = e;
            fit_w = w;
            end = i + 1;
            if (brks[i] == LINEBREAK_MUSTBREAK && i + 1 < len)
                break;
        }
        if (n == cap) { /* more lines than the stack holds: at most one per character, plus one */
            cr_line *big = cr_arena_alloc(a, (len + 1) * sizeof *big);
            if (!big)
                return 0;
            memcpy(big, out, n * sizeof *big);
            out = big;
            cap = len + 1;
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
        out[n].face = in_face;
        n++;
    }
    if (out == stack_lines) {
        cr_line *copy = cr_arena_alloc(a, (n ? n : 1) * sizeof *copy);
        if (!copy)
            return 0;
        memcpy(copy, out, n * sizeof *copy);
        out = copy;
    }
    *lines = out;
    return n;
}

size_t cr_wrap(cr_arena *a, const cr_fonts *f, cr_face face, float size, const char *text,
               float maxw, cr_line **lines)
{
    return wrap_text(a, f, face, size, text, strlen(text), maxw, lines);
}

/* ---- the cache of line breaks ---- */

/* A line of a cached text: a slice of it, by offset. */
typedef struct cached_line {
    uint32_t off, len;
    float width;
    bool space, joined;
} cached_line;

/* One text broken into lines: the key (face, size, width, the text's bytes) and the lines. One
 * malloc block: the entry, its lines, then the text. */
typedef struct cache_entry {
    uint64_t hash;
    uint64_t used; /* the cache's clock when last hit, for the eviction in its set */
    uint32_t len, nlines;
    float size, maxw;
    cr_face face;
    bool in_face;        /* the lines' cr_line.face (the same for every line of a text) */
    cached_line lines[]; /* then the text, |len| bytes */
} cache_entry;

#define CACHE_WAYS 4 /* entries per set: the least recently used goes */
#define CACHE_DEFAULT (4u * 1024u * 1024u)
#define CACHE_MIN (64u * 1024u)
#define CACHE_BYTES_PER_SLOT 512u /* slots for an average entry of this size */

struct cr_layout_cache {
    const cr_fonts *fonts;
    cache_entry **slots;      /* nsets * CACHE_WAYS, NULL when empty */
    size_t nsets;             /* a power of two */
    cr_layout_cache_stats st; /* the bound, what it holds, what it did */
    uint64_t clock;
};

cr_layout_cache *cr_layout_cache_new(const cr_fonts *fonts, size_t max_bytes, cr_error *err)
{
    if (CR_ARG_NULL(fonts, err))
        return NULL;
    if (max_bytes == 0)
        max_bytes = CACHE_DEFAULT;
    if (max_bytes < CACHE_MIN)
        max_bytes = CACHE_MIN;
    cr_layout_cache *c = calloc(1, sizeof *c);
    if (!c) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    c->fonts = fonts;
    c->st.max_bytes = max_bytes;
    c->nsets = 1;
    while (c->nsets * CACHE_WAYS * CACHE_BYTES_PER_SLOT < max_bytes)
        c->nsets *= 2;
    c->slots = calloc(c->nsets * CACHE_WAYS, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    c->st.bytes = sizeof *c + c->nsets * CACHE_WAYS * sizeof *c->slots;
    return c;
}

/* The bytes entry |e| takes (one block: the entry, its lines, its text). */
static size_t entry_bytes(size_t nlines, size_t len)
{
    return sizeof(cache_entry) + nlines * sizeof(cached_line) + len;
}

/* Drops every entry (the cache is full). */
static void cache_flush(cr_layout_cache *c)
{
    for (size_t i = 0; i < c->nsets * CACHE_WAYS; i++) {
        if (c->slots[i])
            c->st.bytes -= entry_bytes(c->slots[i]->nlines, c->slots[i]->len);
        free(c->slots[i]);
        c->slots[i] = NULL;
    }
    c->st.entries = 0;
}

void cr_layout_cache_free(cr_layout_cache *c)
{
    if (!c)
        return;
    cache_flush(c);
    free(c->slots);
    free(c);
}

void cr_layout_cache_get_stats(const cr_layout_cache *c, cr_layout_cache_stats *out)
{
    if (out)
        *out = c ? c->st : (cr_layout_cache_stats){0};
}

const cr_fonts *cr_layout_cache_fonts(const cr_layout_cache *c)
{
    return c ? c->fonts : NULL;
}

static uint32_t float_bits(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* XXH3 over the text, seeded with the rest of the key. */
static uint64_t key_hash(cr_face face, float size, float maxw, const char *text, size_t len)
{
    uint64_t seed = ((uint64_t)float_bits(size) << 32 | float_bits(maxw)) ^ (uint64_t)face;
    return XXH3_64bits_withSeed(text, len, seed);
}

static bool entry_is(const cache_entry *e, uint64_t hash, cr_face face, float size, float maxw,
                     const char *text, size_t len)
{
    return e && e->hash == hash && e->len == len && e->face == face &&
           float_bits(e->size) == float_bits(size) && float_bits(e->maxw) == float_bits(maxw) &&
           memcmp((const char *)(e->lines + e->nlines), text, len) == 0;
}

/* Stores |n| lines of |text| (from wrap_text); nothing when it would not fit the bound. */
static void cache_put(cr_layout_cache *c, cache_entry **set, uint64_t hash, cr_face face,
                      float size, float maxw, const char *text, size_t len, const cr_line *lines,
                      size_t n)
{
    size_t need = entry_bytes(n, len);
    if (len > UINT32_MAX || need > c->st.max_bytes / 16)
        return; /* a text too long to be worth keeping */
    /* The way to fill: an empty one, else the least recently used. */
    size_t w = 0;
    for (size_t k = 0; k < CACHE_WAYS; k++) {
        if (!set[k]) {
            w = k;
            break;
        }
        if (set[k]->used < set[w]->used)
            w = k;
    }
    if (set[w]) {
        c->st.bytes -= entry_bytes(set[w]->nlines, set[w]->len);
        free(set[w]);
        set[w] = NULL;
        c->st.entries--;
        c->st.evictions++;
    }
    if (c->st.bytes + need > c->st.max_bytes) {
        cache_flush(c);
        c->st.flushes++;
    }
    cache_entry *e = malloc(need);
    if (!e)
        return; /* the cache is an aid: the text was broken all the same */
    e->hash = hash;
    e->used = c->clock;
    e->len = (uint32_t)len;
    e->nlines = (uint32_t)n;
    e->size = size;
    e->maxw = maxw;
    e->face = face;
    e->in_face = n > 0 && lines[0].face;
    for (size_t i = 0; i < n; i++)
        e->lines[i] = (cached_line){(uint32_t)(lines[i].start - text), (uint32_t)lines[i].len,
                                    lines[i].width, lines[i].space, lines[i].joined};
    memcpy((char *)(e->lines + n), text, len);
    set[w] = e;
    c->st.bytes += need;
    c->st.entries++;
}

size_t cr_wrap_cached(cr_layout_cache *c, cr_arena *a, const cr_fonts *f, cr_face face, float size,
                      const char *text, float maxw, cr_line **lines)
{
    size_t len = strlen(text);
    if (!c || c->fonts != f)
        return wrap_text(a, f, face, size, text, len, maxw, lines);
    uint64_t hash = key_hash(face, size, maxw, text, len);
    cache_entry **set = c->slots + (hash & (c->nsets - 1)) * CACHE_WAYS;
    c->clock++;
    for (size_t k = 0; k < CACHE_WAYS; k++) {
        cache_entry *e = set[k];
        if (!entry_is(e, hash, face, size, maxw, text, len))
            continue;
        c->st.hits++;
        e->used = c->clock;
        cr_line *out = cr_arena_alloc_uninit(a, (e->nlines ? e->nlines : 1) * sizeof *out);
        *lines = out;
        if (!out)
            return 0;
        for (size_t i = 0; i < e->nlines; i++)
            out[i] = (cr_line){text + e->lines[i].off, e->lines[i].len,    e->lines[i].width,
                               e->lines[i].space,      e->lines[i].joined, e->in_face};
        return e->nlines;
    }
    c->st.misses++;
    size_t n = wrap_text(a, f, face, size, text, len, maxw, lines);
    if (*lines)
        cache_put(c, set, hash, face, size, maxw, text, len, *lines, n);
    return n;
}
