/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: font metrics (see certreport/fonts.h). FreeType reads each face once; the advance
 * widths of every mapped code point are kept in a sorted table (plus a direct table for the
 * Latin range), after which FreeType is closed: measuring is a table look-up, with no shared
 * mutable state. The fallback fonts are read the same way but with FT_Get_Advance (the hmtx
 * table, no outline loaded): a chain of some 6,000 glyphs costs well under a millisecond. */
#include "certreport/fonts.h"
#include "args.h"
#include "fonts_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_ADVANCES_H

#include "text.h"
#include "fileio.h"

#define DIRECT 0x300 /* code points below this are looked up directly */

typedef struct glyph_width {
    uint32_t cp;
    uint16_t advance; /* font units */
} glyph_width;

typedef struct face_metrics {
    char *path;
    unsigned char *data;
    size_t len;
    unsigned units_per_em;
    int ascent, descent; /* font units; descent positive */
    uint16_t notdef;
    int32_t direct[DIRECT]; /* advance, or -1 when unmapped */
    bool ascii;             /* every printable ASCII character (space to tilde) is mapped */
    glyph_width *table;     /* all mapped code points, sorted */
    size_t ntable;
} face_metrics;

/* One embedded font program (cr_fonts_embed_get): the key (slot, glyphs used) and the data. */
typedef struct embed_entry {
    int slot;
    unsigned char *used; /* nglyphs bytes, 0 or 1 */
    size_t nglyphs;
    unsigned char *z; /* compressed program */
    size_t zlen, raw_len;
} embed_entry;

typedef struct embed_cache {
    pthread_mutex_t lock;
    embed_entry *e;
    size_t n, cap, bytes, bound;
    size_t hits, misses;
    void *spare;                /* a renderer's document kept between reports (or NULL) */
    void (*spare_free)(void *); /* how to free it */
} embed_cache;

struct cr_fonts {
    face_metrics face[CR_FACE_COUNT];
    face_metrics fallback[CR_FONTS_MAX_FALLBACK];
    size_t nfallback;
    embed_cache *embed; /* mutable through a const cr_fonts: see fonts_internal.h */
};

/* |fast|: advances from FT_Get_Advance (fallback fonts); else from loading each glyph unscaled
 * (the four faces, as the layout has always measured them). */
static int load_face(FT_Library lib, const char *path, face_metrics *m, bool fast, cr_error *err)
{
    size_t len;
    m->data = (unsigned char *)cr_read_file(path, 16u * 1024u * 1024u, &len, err);
    if (!m->data)
        return -1;
    m->len = len;
    m->path = strdup(path);
    FT_Face face;
    if (!m->path || FT_New_Memory_Face(lib, m->data, (FT_Long)len, 0, &face) != 0) {
        cr_error_set(err, CR_EIO, path, 0, "not a usable TrueType font");
        return -1;
    }
    int rc = -1;
    if (!FT_IS_SFNT(face) || !FT_IS_SCALABLE(face)) {
        cr_error_set(err, CR_EIO, path, 0, "not a TrueType font");
        goto done;
    }
    m->units_per_em = face->units_per_EM;
    TT_OS2 *os2 = FT_Get_Sfnt_Table(face, FT_SFNT_OS2);
    /* Typographic ascender/descender: what PDF viewers and cairo use for line boxes. */
    m->ascent = os2 && os2->version != 0xFFFF ? os2->sTypoAscender : face->ascender;
    m->descent = -(os2 && os2->version != 0xFFFF ? os2->sTypoDescender : face->descender);
    if (FT_Load_Glyph(face, 0, FT_LOAD_NO_SCALE) == 0)
        m->notdef = (uint16_t)face->glyph->advance.x;
    for (size_t i = 0; i < DIRECT; i++)
        m->direct[i] = -1;
    FT_UInt gi;
    size_t n = 0;
    for (FT_ULong cp = FT_Get_First_Char(face, &gi); gi != 0; cp = FT_Get_Next_Char(face, cp, &gi))
        n++;
    m->table = calloc(n ? n : 1, sizeof *m->table);
    if (!m->table) {
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    for (FT_ULong cp = FT_Get_First_Char(face, &gi); gi != 0;
         cp = FT_Get_Next_Char(face, cp, &gi)) {
        uint16_t adv;
        if (fast) {
            FT_Fixed a;
            if (FT_Get_Advance(face, gi, FT_LOAD_NO_SCALE, &a) != 0)
                continue;
            adv = (uint16_t)a;
        } else {
            if (FT_Load_Glyph(face, gi, FT_LOAD_NO_SCALE) != 0)
                continue;
            adv = (uint16_t)face->glyph->advance.x;
        }
        m->table[m->ntable].cp = (uint32_t)cp;
        m->table[m->ntable++].advance = adv;
        if (cp < DIRECT)
            m->direct[cp] = adv;
    }
    m->ascii = true;
    for (unsigned c = 0x20; c < 0x7F; c++)
        m->ascii &= m->direct[c] >= 0;
    rc = 0;
done:
    FT_Done_Face(face);
    return rc;
}

/* The argument checks of both loaders: every path given, at most CR_FONTS_MAX_FALLBACK fallbacks.
 */
static bool paths_ok(const char *fn, const char *const *paths, const char *const *fallbacks,
                     size_t nfallback, cr_error *err)
{
    if (!paths)
        return !cr_arg_null(err, fn, "paths");
    if (nfallback && !fallbacks)
        return !cr_arg_null(err, fn, "fallbacks");
    for (int k = 0; k < CR_FACE_COUNT; k++)
        if (!paths[k]) {
            cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: paths[%d] is NULL", fn, k);
            return false;
        }
    if (nfallback > CR_FONTS_MAX_FALLBACK) {
        cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: more than %d fallback fonts", fn,
                     CR_FONTS_MAX_FALLBACK);
        return false;
    }
    for (size_t k = 0; k < nfallback; k++)
        if (!fallbacks[k]) {
            cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: fallbacks[%zu] is NULL", fn, k);
            return false;
        }
    return true;
}

cr_fonts *cr_fonts_load(const char *const paths[CR_FACE_COUNT], cr_error *err)
{
    if (!paths_ok(__func__, paths, NULL, 0, err))
        return NULL;
    return cr_fonts_load_chain(paths, NULL, 0, err);
}

cr_fonts *cr_fonts_load_chain(const char *const paths[CR_FACE_COUNT], const char *const *fallbacks,
                              size_t nfallback, cr_error *err)
{
    if (!paths_ok(__func__, paths, fallbacks, nfallback, err))
        return NULL;
    cr_fonts *f = calloc(1, sizeof *f);
    if (f) {
        f->embed = calloc(1, sizeof *f->embed);
        if (!f->embed || pthread_mutex_init(&f->embed->lock, NULL) != 0) {
            free(f->embed);
            free(f);
            cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
            return NULL;
        }
        f->embed->bound = CR_FONTS_EMBED_BOUND;
    }
    FT_Library lib = NULL;
    if (!f || FT_Init_FreeType(&lib) != 0) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "cannot start FreeType");
        cr_fonts_free(f);
        return NULL;
    }
    for (int k = 0; k < CR_FACE_COUNT; k++) {
        if (load_face(lib, paths[k], &f->face[k], false, err) != 0) {
            FT_Done_FreeType(lib);
            cr_fonts_free(f);
            return NULL;
        }
    }
    for (size_t k = 0; k < nfallback; k++) {
        f->nfallback = k + 1;
        if (load_face(lib, fallbacks[k], &f->fallback[k], true, err) != 0) {
            FT_Done_FreeType(lib);
            cr_fonts_free(f);
            return NULL;
        }
    }
    FT_Done_FreeType(lib);
    return f;
}

void cr_fonts_free(cr_fonts *f)
{
    if (!f)
        return;
    if (f->embed && f->embed->spare) /* before the font bytes its fonts read */
        f->embed->spare_free(f->embed->spare);
    for (int k = 0; k < CR_FACE_COUNT; k++) {
        free(f->face[k].path);
        free(f->face[k].data);
        free(f->face[k].table);
    }
    for (size_t k = 0; k < f->nfallback; k++) {
        free(f->fallback[k].path);
        free(f->fallback[k].data);
        free(f->fallback[k].table);
    }
    if (f->embed) {
        cr_fonts_embed_set_bound(f, 0);
        free(f->embed->e);
        pthread_mutex_destroy(&f->embed->lock);
        free(f->embed);
    }
    free(f);
}

static int32_t advance_of(const face_metrics *m, uint32_t cp)
{
    if (cp < DIRECT)
        return m->direct[cp];
    size_t lo = 0, hi = m->ntable;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->table[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->ntable && m->table[lo].cp == cp ? m->table[lo].advance : -1;
}

bool cr_fonts_ignorable(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

bool cr_fonts_combining(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200C ||
           cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

/* The font of |cp| (cr_fonts_pick) and its advance in that font's units in *adv. */
static unsigned classify(const cr_fonts *f, cr_face face, uint32_t cp, int32_t *adv)
{
    const face_metrics *m = &f->face[face];
    int32_t a = advance_of(m, cp);
    if (a >= 0 || cp < 0x20) {
        *adv = a >= 0 ? a : m->notdef;
        return CR_FONT_FACE;
    }
    if (cr_fonts_ignorable(cp)) {
        *adv = 0;
        return CR_FONT_IGNORABLE;
    }
    for (size_t k = 0; k < f->nfallback; k++)
        if ((a = advance_of(&f->fallback[k], cp)) >= 0) {
            *adv = a;
            return (unsigned)k + 1;
        }
    *adv = m->notdef;
    return CR_FONT_PLACEHOLDER;
}

/* A set and a face the getters below can read (they return 0, NULL or false otherwise). */
static bool usable(const cr_fonts *f, cr_face face)
{
    return f && (unsigned)face < CR_FACE_COUNT;
}

unsigned cr_fonts_pick(const cr_fonts *f, cr_face face, uint32_t cp)
{
    if (!usable(f, face))
        return CR_FONT_PLACEHOLDER;
    int32_t adv;
    return classify(f, face, cp, &adv);
}

/* The first byte from |p| on that is not ASCII below DEL (checked eight bytes at a time), or
 * the last eight or fewer bytes before |end|. */
static const char *skip_ascii(const char *p, const char *end)
{
    const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        uint64_t del = w ^ (0x7Fu * ones); /* a zero byte where w has DEL */
        if ((w & high) || ((del - ones) & ~del & high))
            break;
        p += 8;
    }
    return p;
}

size_t cr_fonts_run(const cr_fonts *f, cr_face face, const char *text, size_t len, unsigned *font)
{
    unsigned ignored;
    if (!font)
        font = &ignored;
    *font = CR_FONT_FACE;
    if (!usable(f, face) || !text)
        return 0;
    const char *p = text, *end = text + len;
    int32_t adv;
    if (p >= end)
        return 0;
    const int32_t *direct = f->face[face].direct;
    unsigned char b = (unsigned char)*p;
    if (b < 0x80 && (direct[b] >= 0 || b < 0x20)) { /* what classify says, without decoding */
        *font = CR_FONT_FACE;
        p++;
    } else {
        *font = classify(f, face, cr_utf8_next(&p), &adv);
    }
    if (*font == CR_FONT_FACE) { /* a run of ASCII the face has (or controls): no decoding */
        if (f->face[face].ascii)
            p = skip_ascii(p, end);
        while (p < end && (unsigned char)*p < 0x80 &&
               (direct[(unsigned char)*p] >= 0 || (unsigned char)*p < 0x20))
            p++;
    }
    while (p < end) {
        const char *q = p;
        if (classify(f, face, cr_utf8_next(&q), &adv) != *font)
            break;
        p = q;
    }
    return (size_t)(p - text);
}

void cr_fonts_units_add(const cr_fonts *f, cr_face face, const char *text, size_t len, cr_units *u)
{
    if (!usable(f, face) || !text)
        return;
    const face_metrics *m = &f->face[face];
    const char *p = text, *end = text + len;
    while (p < end) {
        unsigned char b = (unsigned char)*p;
        int32_t a;
        if (b < 0x80 && (a = m->direct[b]) >= 0) { /* ASCII the face has: most of every text */
            u->face += a;
            p++;
            continue;
        }
        uint32_t cp = cr_utf8_next(&p);
        a = advance_of(m, cp);
        if (a >= 0) { /* the common case first */
            u->face += a;
            continue;
        }
        unsigned font = classify(f, face, cp, &a);
        if (font >= 1 && font <= CR_FONTS_MAX_FALLBACK) {
            u->fb[font - 1] += a;
            u->any_fb = true;
        } else {
            u->face += a;
        }
    }
}

float cr_fonts_units_width(const cr_fonts *f, cr_face face, float size, const cr_units *u)
{
    if (!usable(f, face))
        return 0;
    float w = (float)u->face * size / (float)f->face[face].units_per_em;
    for (size_t k = 0; u->any_fb && k < f->nfallback; k++)
        if (u->fb[k])
            w += (float)u->fb[k] * size / (float)f->fallback[k].units_per_em;
    return w;
}

float cr_fonts_width(const cr_fonts *f, cr_face face, float size, const char *text, size_t len)
{
    if (!usable(f, face) || !text)
        return 0;
    cr_units u = {0};
    cr_fonts_units_add(f, face, text, len, &u);
    return cr_fonts_units_width(f, face, size, &u);
}

bool cr_fonts_has(const cr_fonts *f, cr_face face, uint32_t cp)
{
    if (!usable(f, face))
        return false;
    return advance_of(&f->face[face], cp) >= 0;
}

bool cr_fonts_covers(const cr_fonts *f, cr_face face, uint32_t cp)
{
    if (!usable(f, face))
        return false;
    return cr_fonts_pick(f, face, cp) != CR_FONT_PLACEHOLDER;
}

uint32_t cr_fonts_missing(const cr_fonts *f, cr_face face, const char *text)
{
    if (!usable(f, face) || !text)
        return 0;
    const char *p = text;
    while (*p) {
        uint32_t cp = cr_utf8_next(&p);
        if (cp >= 0x20 && !cr_fonts_has(f, face, cp))
            return cp;
    }
    return 0;
}

float cr_fonts_ascent(const cr_fonts *f, cr_face face, float size)
{
    if (!usable(f, face))
        return 0;
    return (float)f->face[face].ascent * size / (float)f->face[face].units_per_em;
}

float cr_fonts_descent(const cr_fonts *f, cr_face face, float size)
{
    if (!usable(f, face))
        return 0;
    return (float)f->face[face].descent * size / (float)f->face[face].units_per_em;
}

const char *cr_fonts_path(const cr_fonts *f, cr_face face)
{
    if (!usable(f, face))
        return NULL;
    return f->face[face].path;
}

const unsigned char *cr_fonts_data(const cr_fonts *f, cr_face face, size_t *len)
{
    size_t ignored;
    if (!len)
        len = &ignored;
    *len = 0;
    if (!usable(f, face))
        return NULL;
    *len = f->face[face].len;
    return f->face[face].data;
}

size_t cr_fonts_fallback_count(const cr_fonts *f)
{
    return f ? f->nfallback : 0;
}

const char *cr_fonts_fallback_path(const cr_fonts *f, size_t i)
{
    return f && i < f->nfallback ? f->fallback[i].path : NULL;
}

const unsigned char *cr_fonts_fallback_data(const cr_fonts *f, size_t i, size_t *len)
{
    bool ok = f && i < f->nfallback;
    if (len)
        *len = ok ? f->fallback[i].len : 0;
    return ok ? f->fallback[i].data : NULL;
}

/* ---- Embedded font programs (fonts_internal.h) ---- */

static void embed_clear(embed_cache *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].used);
        free(c->e[i].z);
    }
    c->n = 0;
    c->bytes = 0;
}

/* The entry for |slot| and |used|, or NULL. Under the lock. */
static embed_entry *embed_find(embed_cache *c, int slot, const unsigned char *used, size_t n)
{
    for (size_t i = 0; i < c->n; i++) {
        embed_entry *e = &c->e[i];
        if (e->slot == slot && e->nglyphs == n && memcmp(e->used, used, n) == 0)
            return e;
    }
    return NULL;
}

bool cr_fonts_embed_get(const cr_fonts *f, int slot, const unsigned char *used, size_t nglyphs,
                        unsigned char **z, size_t *zlen, size_t *raw_len)
{
    *z = NULL;
    *zlen = *raw_len = 0;
    if (!f || !f->embed)
        return false;
    embed_cache *c = f->embed;
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    embed_entry *e = embed_find(c, slot, used, nglyphs);
    if (e && (*z = malloc(e->zlen)) != NULL) {
        memcpy(*z, e->z, e->zlen);
        *zlen = e->zlen;
        *raw_len = e->raw_len;
        hit = true;
    }
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void cr_fonts_embed_put(const cr_fonts *f, int slot, const unsigned char *used, size_t nglyphs,
                        const unsigned char *z, size_t zlen, size_t raw_len)
{
    if (!f || !f->embed)
        return;
    embed_cache *c = f->embed;
    size_t size = zlen + nglyphs + sizeof(embed_entry);
    pthread_mutex_lock(&c->lock);
    if (size > c->bound || embed_find(c, slot, used, nglyphs))
        goto done;
    if (c->bytes + size > c->bound)
        embed_clear(c);
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        embed_entry *q = realloc(c->e, cap * sizeof *q);
        if (!q)
            goto done;
        c->e = q;
        c->cap = cap;
    }
    embed_entry e = {.slot = slot, .nglyphs = nglyphs, .zlen = zlen, .raw_len = raw_len};
    e.used = malloc(nglyphs ? nglyphs : 1);
    e.z = malloc(zlen ? zlen : 1);
    if (!e.used || !e.z) {
        free(e.used);
        free(e.z);
        goto done;
    }
    memcpy(e.used, used, nglyphs);
    memcpy(e.z, z, zlen);
    c->e[c->n++] = e;
    c->bytes += size;
done:
    pthread_mutex_unlock(&c->lock);
}

cr_fonts_embed_stats cr_fonts_embed_stats_get(const cr_fonts *f)
{
    cr_fonts_embed_stats s = {0};
    if (!f || !f->embed)
        return s;
    pthread_mutex_lock(&f->embed->lock);
    s = (cr_fonts_embed_stats){.hits = f->embed->hits,
                               .misses = f->embed->misses,
                               .entries = f->embed->n,
                               .bytes = f->embed->bytes,
                               .bound = f->embed->bound};
    pthread_mutex_unlock(&f->embed->lock);
    return s;
}

void cr_fonts_embed_set_bound(const cr_fonts *f, size_t bound)
{
    if (!f || !f->embed)
        return;
    pthread_mutex_lock(&f->embed->lock);
    embed_clear(f->embed);
    f->embed->bound = bound;
    pthread_mutex_unlock(&f->embed->lock);
}

void *cr_fonts_spare_take(const cr_fonts *f)
{
    embed_cache *c = f->embed;
    pthread_mutex_lock(&c->lock);
    void *doc = c->spare;
    c->spare = NULL;
    pthread_mutex_unlock(&c->lock);
    return doc;
}

void cr_fonts_spare_give(const cr_fonts *f, void *doc, void (*free_fn)(void *))
{
    embed_cache *c = f->embed;
    pthread_mutex_lock(&c->lock);
    bool kept = !c->spare;
    if (kept) {
        c->spare = doc;
        c->spare_free = free_fn;
    }
    pthread_mutex_unlock(&c->lock);
    if (!kept)
        free_fn(doc);
}
