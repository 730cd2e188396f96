/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: packs a PDF's small objects into an object stream and compresses its streams (see
 * pdf_pack.h). */
#define _GNU_SOURCE /* memmem */
#include "pdf_pack.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

/* ---- a growable output buffer ---- */

typedef struct obuf {
    unsigned char *p;
    size_t n, cap;
    bool oom;
} obuf;

static void put(obuf *b, const void *data, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

/* Makes room for |cap| bytes in all, a hint (growing by doubling from 4 KB copies what was
 * written at each step): a failed allocation leaves |b| as it was, to grow when it must. */
static void reserve(obuf *b, size_t cap)
{
    if (b->oom || cap <= b->cap)
        return;
    unsigned char *q = realloc(b->p, cap);
    if (q) {
        b->p = q;
        b->cap = cap;
    }
}

/* The bytes of the values in |v| (NULL: none). */
static size_t values_len(const cr_pdf_values *v)
{
    size_t sum = 0;
    for (size_t i = 0; v && i < v->n; i++)
        sum += v->v[i].len;
    return sum;
}

static void put_str(obuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* |v| in decimal, then |after|. */
static void put_num(obuf *b, size_t v, const char *after)
{
    char d[24];
    size_t i = sizeof d;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(b, d + i, sizeof d - i);
    put_str(b, after);
}

/* Flate-compresses (zlib format, as /FlateDecode reads it) the |n| bytes at |in| into |z|
 * (replacing its content), with |c|. */
static void deflate_bytes(struct libdeflate_compressor *c, const unsigned char *in, size_t n,
                          obuf *z)
{
    z->n = 0;
    if (z->oom)
        return;
    size_t cap = libdeflate_zlib_compress_bound(c, n);
    if (!z->p || z->cap < cap) {
        unsigned char *q = realloc(z->p, cap);
        if (!q) {
            z->oom = true;
            return;
        }
        z->p = q;
        z->cap = cap;
    }
    size_t got = libdeflate_zlib_compress(c, in, n, z->p, cap);
    if (got == 0)
        z->oom = true; /* cannot happen with a buffer of the bound's size */
    else
        z->n = got;
}

static void deflate_into(struct libdeflate_compressor *c, const obuf *b, obuf *z)
{
    if (b->oom) {
        z->oom = true;
        return;
    }
    deflate_bytes(c, b->p, b->n, z);
}

/* A stream object: "ID 0 obj\n<<DICT /Filter /FlateDecode /Length N>>\nstream\n...". */
static void put_stream(obuf *o, size_t id, const char *dict, const obuf *z)
{
    put_num(o, id, " 0 obj\n<<");
    put_str(o, dict);
    put_str(o, " /Filter /FlateDecode /Length ");
    put_num(o, z->n, ">>\nstream\n");
    put(o, z->p, z->n);
    put(o, "\nendstream\nendobj\n", 18);
}

/* ---- objects without their layout whitespace ---- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(unsigned char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

/* Appends the object value [s, s + n) with the whitespace libharu lays it out with removed:
 * a run of whitespace is dropped next to a delimiter ("<<\n/S /P\n>>" becomes "<</S/P>>") and
 * becomes one space between two other tokens ("12 0 R"). Strings are copied as they are: a
 * literal string with its nested parentheses and escapes, a hex string up to its ">". The
 * value means the same (ISO 32000-1, 7.2); a tagged report's small objects shrink by a third
 * before compression. */
static void put_min(obuf *b, const unsigned char *s, size_t n)
{
    size_t i = 0, start = b->n;
    while (i < n && !b->oom) {
        unsigned char c = s[i];
        if (is_space(c)) {
            while (i < n && is_space(s[i]))
                i++;
            if (b->n > start && i < n && !is_delim(b->p[b->n - 1]) && !is_delim(s[i]))
                put(b, " ", 1);
        } else if (c == '(') { /* a literal string */
            size_t j = i + 1;
            int depth = 1;
            while (j < n && depth > 0) {
                if (s[j] == '\\')
                    j++;
                else if (s[j] == '(')
                    depth++;
                else if (s[j] == ')')
                    depth--;
                j++;
            }
            put(b, s + i, (j < n ? j : n) - i);
            i = j;
        } else if (c == '<' && i + 1 < n && s[i + 1] != '<') { /* a hex string */
            const unsigned char *e = memchr(s + i, '>', n - i);
            size_t j = e ? (size_t)(e - s) + 1 : n;
            put(b, s + i, j - i);
            i = j;
        } else {
            size_t j = i + 1;
            while (j < n && !is_space(s[j]) && s[j] != '(' && !(s[j] == '<' && s[j - 1] != '<'))
                j++;
            put(b, s + i, j - i);
            i = j;
        }
    }
}

/* ---- reading libharu's output ---- */

typedef struct obj {
    size_t id, off, end;   /* the object's bytes: [off, end) */
    size_t body, body_end; /* its value, between "obj" and "endobj" */
    bool packed;
    size_t new_off, index; /* where it went: offset in the output, or index in the stream */
    /* A stream that goes out compressed: its dictionary [dict, dict_end) (up to its closing
     * ">>"), the /Length entry [len_key, len_end) left out of it, its data [data, data + data_len).
     * A dropped object (the number libharu writes a stream's length into) becomes free. */
    bool compress, dropped;
    size_t dict, dict_end, len_key, len_end, data, data_len, len_obj;
    size_t value;   /* 1 + the index of its value in the caller's values, or 0 */
    size_t svalue;  /* 1 + the index of its data in the caller's streams or deflated, or 0 */
    bool sdeflated; /* that data is in |deflated|, compressed already */
} obj;

/* Parses a decimal number at *p (no sign), at most |maxd| digits. */
static bool number(const unsigned char **p, const unsigned char *end, size_t maxd, size_t *v)
{
    size_t n = 0, d = 0;
    while (*p < end && **p >= '0' && **p <= '9' && d < maxd) {
        n = n * 10 + (size_t)(**p - '0');
        (*p)++;
        d++;
    }
    *v = n;
    return d > 0;
}

static bool skip_eol(const unsigned char **p, const unsigned char *end)
{
    bool any = false;
    while (*p < end && (**p == '\r' || **p == '\n' || **p == ' ')) {
        (*p)++;
        any = true;
    }
    return any;
}

/* "/KEY N 0 R" in the trailer [p, end): N, or 0 when absent. */
static size_t trailer_ref(const unsigned char *p, const unsigned char *end, const char *key)
{
    const unsigned char *k = memmem(p, (size_t)(end - p), key, strlen(key));
    if (!k)
        return 0;
    k += strlen(key);
    while (k < end && *k == ' ')
        k++;
    size_t v = 0;
    if (!number(&k, end, 10, &v) || end - k < 4 || memcmp(k, " 0 R", 4) != 0)
        return 0;
    return v;
}

static int by_offset(const void *a, const void *b)
{
    const obj *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int by_id(const void *a, const void *b)
{
    const obj *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Sorts |o| by |cmp| unless it is in that order already: libharu writes its objects in the order
 * of their numbers, so both orders are usually the one the xref table gives (and glibc's qsort
 * copies the 130-byte entries about even when nothing moves). */
static void sort_objs(obj *o, size_t n, int (*cmp)(const void *, const void *))
{
    for (size_t i = 1; i < n; i++)
        if (cmp(&o[i - 1], &o[i]) > 0) {
            qsort(o, n, sizeof *o, cmp);
            return;
        }
}

/* Reads the xref table and trailer of |in|: the objects (sorted by id) and /Root, /Info. false
 * when |in| is not in the form libharu writes. */
static bool read_objects(const unsigned char *in, size_t len, obj **objs, size_t *nobjs,
                         size_t *size, size_t *root, size_t *info, size_t *xref_at, bool *oom)
{
    const unsigned char *end = in + len;
    size_t tail = len < 1024 ? len : 1024;
    const unsigned char *sx = NULL;
    for (const unsigned char *q = end - tail; q && q < end;) { /* the last "startxref" */
        const unsigned char *hit = memmem(q, (size_t)(end - q), "startxref", 9);
        if (!hit)
            break;
        sx = hit;
        q = hit + 9;
    }
    if (!sx)
        return false;
    const unsigned char *p = sx + 9;
    size_t xo;
    if (!skip_eol(&p, end) || !number(&p, end, 12, &xo) || xo >= len)
        return false;
    p = in + xo;
    size_t first, count;
    if (end - p < 5 || memcmp(p, "xref", 4) != 0)
        return false;
    p += 4;
    if (!skip_eol(&p, end) || !number(&p, end, 10, &first) || first != 0 || p >= end ||
        *p++ != ' ' || !number(&p, end, 10, &count) || count < 2 || !skip_eol(&p, end))
        return false;
    if ((size_t)(end - p) / 20 < count)
        return false;
    const unsigned char *entries = p, *trailer = p + 20 * count;
    if (end - trailer < 7 || memcmp(trailer, "trailer", 7) != 0 ||
        memmem(trailer, (size_t)(end - trailer), "/Encrypt", 8) ||
        memmem(trailer, (size_t)(end - trailer), "/ID", 3))
        return false;
    *root = trailer_ref(trailer, sx, "/Root");
    *info = trailer_ref(trailer, sx, "/Info");
    if (*root == 0 || *root >= count || *info >= count)
        return false;

    obj *o = calloc(count, sizeof *o);
    if (!o) {
        *oom = true;
        return false;
    }
    size_t n = 0;
    for (size_t id = 1; id < count; id++) {
        const unsigned char *e = entries + 20 * id;
        size_t off, gen;
        const unsigned char *q = e;
        if (!number(&q, e + 10, 10, &off) || q != e + 10 || e[10] != ' ')
            goto bad;
        q = e + 11;
        if (!number(&q, e + 16, 5, &gen) || q != e + 16 || e[16] != ' ')
            goto bad;
        if (e[17] == 'f')
            continue;
        if (e[17] != 'n' || gen != 0 || off >= xo)
            goto bad;
        o[n++] = (obj){.id = id, .off = off};
    }
    if (n == 0)
        goto bad;
    sort_objs(o, n, by_offset);
    for (size_t i = 0; i < n; i++) {
        o[i].end = i + 1 < n ? o[i + 1].off : xo;
        const unsigned char *s = in + o[i].off, *e = in + o[i].end;
        const unsigned char *b = s, *last = NULL;
        size_t head_id;
        if (!number(&b, e, 20, &head_id) || head_id != o[i].id || e - b < 6 ||
            memcmp(b, " 0 obj", 6) != 0)
            goto bad;
        b += 6;
        /* The last "endobj" of the span: libharu ends every object with one, followed only by a
         * line end, so it is found from the end of the span (a stream's data is not scanned). */
        const unsigned char *t = e;
        while (t > b && (t[-1] == '\r' || t[-1] == '\n' || t[-1] == ' '))
            t--;
        bool at_end = t - b >= 6 && memcmp(t - 6, "endobj", 6) == 0;
        if (at_end)
            last = t - 6;
        for (const unsigned char *q = b; !at_end && q < e;) { /* else search the span */
            const unsigned char *hit = memmem(q, (size_t)(e - q), "endobj", 6);
            if (!hit)
                break;
            last = hit;
            q = hit + 6;
        }
        if (!last)
            goto bad;
        while (b < last && (*b == '\r' || *b == '\n' || *b == ' '))
            b++;
        const unsigned char *be = last;
        while (be > b && (be[-1] == '\r' || be[-1] == '\n' || be[-1] == ' '))
            be--;
        if (be == b)
            goto bad;
        o[i].body = (size_t)(b - in);
        o[i].body_end = (size_t)(be - in);
        /* Streams stay where they are: a stream's body ends with "endstream" (no other value
         * can end so but a name, which would only keep that object out of the object stream). */
        o[i].packed = be - b < 9 || memcmp(be - 9, "endstream", 9) != 0;
    }
    *objs = o;
    *nobjs = n;
    *size = count;
    *xref_at = xo;
    return true;
bad:
    free(o);
    return false;
}

/* The body of object |id| as a number (libharu's indirect stream lengths), or SIZE_MAX. */
static size_t number_object(const unsigned char *in, const obj *o, const size_t *index_of,
                            size_t size, size_t id)
{
    if (id == 0 || id >= size || index_of[id] == SIZE_MAX)
        return SIZE_MAX;
    const obj *x = &o[index_of[id]];
    const unsigned char *p = in + x->body, *end = in + x->body_end;
    size_t v;
    if (!number(&p, end, 12, &v) || p != end)
        return SIZE_MAX;
    return v;
}

/* Decides whether stream object |x| goes out compressed: a stream libharu wrote unfiltered (the
 * XMP metadata too: PDF/UA-1 does not ask for it uncompressed, and 1.3 KB become 0.6 KB), whose
 * dictionary and /Length are in the form libharu writes. Fills in the fields the rewrite needs. */
static void plan_stream(const unsigned char *in, obj *o, size_t i, const size_t *index_of,
                        size_t size)
{
    obj *x = &o[i];
    const unsigned char *b = in + x->body, *be = in + x->body_end;
    if (be - b < 2 || b[0] != '<' || b[1] != '<')
        return;
    const unsigned char *kw = memmem(b, (size_t)(be - b), "\nstream", 7);
    if (!kw)
        return;
    const unsigned char *de = kw;
    while (de > b && (de[-1] == ' ' || de[-1] == '\r' || de[-1] == '\n'))
        de--;
    if (de - b < 4 || de[-1] != '>' || de[-2] != '>')
        return;
    de -= 2; /* the closing ">>" */
    if (memmem(b, (size_t)(de - b), "/Filter", 7))
        return;
    const unsigned char *lk = memmem(b, (size_t)(de - b), "/Length ", 8);
    if (!lk)
        return;
    const unsigned char *p = lk + 8;
    size_t v, gen, len;
    if (!number(&p, de, 12, &v))
        return;
    size_t len_obj = 0;
    if (de - p > 3 && p[0] == ' ' && p[2] == ' ' && p[3] == 'R') { /* "N 0 R" */
        const unsigned char *q = p + 1;
        if (!number(&q, de, 1, &gen) || gen != 0)
            return;
        p += 4;
        len_obj = v;
        len = number_object(in, o, index_of, size, v);
        if (len == SIZE_MAX)
            return;
    } else {
        len = v;
    }
    while (p < de && (*p == ' ' || *p == '\r' || *p == '\n'))
        p++;
    const unsigned char *data = kw + 7;
    if (data < be && *data == '\r')
        data++;
    if (data >= be || *data != '\n')
        return;
    data++;
    if ((size_t)(be - data) < len)
        return;
    const unsigned char *after = data + len;
    while (after < be && (*after == '\r' || *after == '\n'))
        after++;
    if (be - after < 9 || memcmp(after, "endstream", 9) != 0)
        return;
    x->compress = true;
    x->dict = x->body;
    x->dict_end = (size_t)(de - in);
    x->len_key = (size_t)(lk - in);
    x->len_end = (size_t)(p - in);
    x->data = (size_t)(data - in);
    x->data_len = len;
    x->len_obj = len_obj;
}

/* The stream object |x| written with its data compressed: its own, or the caller's. */
static void put_compressed(obuf *res, const unsigned char *in, const obj *x,
                           const cr_pdf_values *streams, const cr_pdf_values *deflated,
                           struct libdeflate_compressor *c, obuf *z)
{
    if (x->svalue && x->sdeflated) {
        const cr_pdf_value *v = &deflated->v[x->svalue - 1];
        z->n = 0;
        put(z, deflated->text + v->off, v->len);
    } else if (x->svalue) {
        const cr_pdf_value *v = &streams->v[x->svalue - 1];
        deflate_bytes(c, (const unsigned char *)streams->text + v->off, v->len, z);
    } else {
        deflate_bytes(c, in + x->data, x->data_len, z);
    }
    /* The dictionary without its /Length and libharu's layout whitespace (put_min), then the
     * filter and the new length: "<</Length1 8430/Filter/FlateDecode/Length 4813>>". */
    put_num(res, x->id, " 0 obj\n");
    put_min(res, in + x->dict, x->len_key - x->dict);
    const unsigned char *rest = in + x->len_end, *rest_end = in + x->dict_end;
    while (rest < rest_end && is_space(*rest))
        rest++;
    if (rest < rest_end && !is_delim(*rest) && !is_delim(res->p[res->n - 1]))
        put(res, " ", 1); /* two tokens the /Length entry stood between */
    put_min(res, rest, (size_t)(rest_end - rest));
    put_str(res, "/Filter/FlateDecode/Length ");
    put_num(res, z->n, ">>\nstream\n");
    put(res, z->p, z->n);
    put(res, "\nendstream\nendobj\n", 18);
}

cr_status cr_pdf_pack(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
                      cr_error *err)
{
    return cr_pdf_pack_values(in, len, NULL, NULL, 0, out, out_len, err);
}

cr_status cr_pdf_pack_values(const unsigned char *in, size_t len, const char *text,
                             const cr_pdf_value *values, size_t nvalues, unsigned char **out,
                             size_t *out_len, cr_error *err)
{
    cr_pdf_values objs = {.text = text, .v = values, .n = nvalues};
    return cr_pdf_pack_all(in, len, &objs, NULL, NULL, out, out_len, err);
}

cr_status cr_pdf_deflate(const unsigned char *in, size_t n, int level, unsigned char **out,
                         size_t *out_len, cr_error *err)
{
    *out = NULL;
    *out_len = 0;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
    obuf z = {0};
    if (c)
        deflate_bytes(c, in, n, &z);
    libdeflate_free_compressor(c);
    if (!c || z.oom) {
        free(z.p);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    *out = z.p;
    *out_len = z.n;
    return CR_OK;
}

cr_status cr_pdf_pack_all(const unsigned char *in, size_t len, const cr_pdf_values *objs,
                          const cr_pdf_values *streams, const cr_pdf_values *deflated,
                          unsigned char **out, size_t *out_len, cr_error *err)
{
    return cr_pdf_pack_add(in, len, objs, streams, deflated, NULL, out, out_len, err);
}

cr_status cr_pdf_pack_add(const unsigned char *in, size_t len, const cr_pdf_values *objs,
                          const cr_pdf_values *streams, const cr_pdf_values *deflated,
                          const cr_pdf_values *added, unsigned char **out, size_t *out_len,
                          cr_error *err)
{
    const char *text = objs ? objs->text : NULL;
    const cr_pdf_value *values = objs ? objs->v : NULL;
    size_t nvalues = objs ? objs->n : 0;
    *out = NULL;
    *out_len = 0;
    /* PDF 1.5 or later, and offsets that fit the 4 bytes of the xref stream's entries. */
    if (len < 16 || memcmp(in, "%PDF-1.", 7) != 0 || in[7] < '5' || in[7] > '9' ||
        len > UINT32_MAX / 2)
        return CR_OK;
    obj *o = NULL;
    size_t n = 0, size = 0, root = 0, info = 0, xo = 0;
    bool oom = false;
    if (!read_objects(in, len, &o, &n, &size, &root, &info, &xo, &oom))
        return oom ? cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory") : CR_OK;

    /* The streams to compress, and their length objects, which are dropped. */
    size_t *index_of = malloc(size * sizeof *index_of);
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(CR_PDF_PACK_LEVEL);
    if (!index_of || !c) {
        free(index_of);
        libdeflate_free_compressor(c);
        free(o);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t id = 0; id < size; id++)
        index_of[id] = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        index_of[o[i].id] = i;
    for (size_t i = 0; i < n; i++)
        if (!o[i].packed)
            plan_stream(in, o, i, index_of, size);
    for (size_t v = 0; v < nvalues; v++) { /* the caller's values: placeholders, not streams */
        size_t id = values[v].id;
        obj *x = id < size && index_of[id] != SIZE_MAX ? &o[index_of[id]] : NULL;
        if (!x || !x->packed || x->value) {
            free(index_of);
            libdeflate_free_compressor(c);
            free(o);
            return CR_OK;
        }
        x->value = v + 1;
    }
    for (int kind = 0; kind < 2; kind++) { /* the caller's stream data */
        const cr_pdf_values *sv = kind ? deflated : streams;
        for (size_t v = 0; sv && v < sv->n; v++) {
            size_t id = sv->v[v].id;
            obj *x = id < size && index_of[id] != SIZE_MAX ? &o[index_of[id]] : NULL;
            if (!x || !x->compress || x->data_len != 0 || x->svalue) {
                free(index_of);
                libdeflate_free_compressor(c);
                free(o);
                return CR_OK;
            }
            x->svalue = v + 1;
            x->sdeflated = kind == 1;
        }
    }
    size_t nadded = added ? added->n : 0;
    for (size_t v = 0; v < nadded; v++)
        if (added->v[v].id != size + v) {
            free(index_of);
            libdeflate_free_compressor(c);
            free(o);
            return CR_OK;
        }
    for (size_t i = 0; i < n; i++)
        if (o[i].compress && o[i].len_obj && index_of[o[i].len_obj] != SIZE_MAX) {
            obj *l = &o[index_of[o[i].len_obj]];
            l->dropped = true;
            l->packed = false;
        }
    free(index_of);

    obuf res = {0}, hdr = {0}, bodies = {0}, z = {0};
    /* Sized once: the object stream's values and index ("id offset " pairs, at most 24 bytes)
     * and the file: what libharu wrote, the font programs, the page content and the object
     * stream (deflated to a quarter or a third in the samples; half leaves room). */
    size_t vsum = values_len(objs) + values_len(added), ssum = values_len(streams);
    if (vsum < SIZE_MAX / 8 && ssum < SIZE_MAX / 8 && n + nadded < SIZE_MAX / 64) {
        reserve(&bodies, vsum + len / 2 + n + nadded + 1);
        reserve(&hdr, 24 * (n + nadded) + bodies.cap);
        reserve(&res, len + values_len(deflated) + ssum / 2 + vsum / 2 + 8192);
    }
    /* The new objects' numbers: the added ones, the object stream, the xref stream. */
    size_t stm = size + nadded, xref = stm + 1, k = 0;
    /* The object stream: "id offset" pairs, then the values. At most 65535 (the index field). */
    for (size_t i = 0; i < n; i++) {
        if (!o[i].packed)
            continue;
        if (k == 65535) {
            o[i].packed = false;
            continue;
        }
        o[i].index = k++;
        put_num(&hdr, o[i].id, " ");
        put_num(&hdr, bodies.n, " ");
        if (o[i].value)
            put(&bodies, text + values[o[i].value - 1].off, values[o[i].value - 1].len);
        else
            put_min(&bodies, in + o[i].body, o[i].body_end - o[i].body);
        put(&bodies, "\n", 1);
    }
    if (k + nadded > 65535) { /* the added objects have no other place */
        free(hdr.p);
        free(bodies.p);
        free(o);
        libdeflate_free_compressor(c);
        return CR_OK;
    }
    size_t added_index = k;
    for (size_t v = 0; v < nadded; v++) {
        put_num(&hdr, added->v[v].id, " ");
        put_num(&hdr, bodies.n, " ");
        put(&bodies, added->text + added->v[v].off, added->v[v].len);
        put(&bodies, "\n", 1);
    }
    k += nadded;
    size_t first = hdr.n;
    put(&hdr, bodies.p, bodies.n);
    deflate_into(c, &hdr, &z);

    /* The file: the header (up to the first object), the objects left as they were, the object
     * stream, the xref stream. */
    put(&res, in, o[0].off);
    obuf zs = {0};
    for (size_t i = 0; i < n; i++) {
        if (o[i].packed || o[i].dropped)
            continue;
        o[i].new_off = res.n;
        if (o[i].compress) {
            put_compressed(&res, in, &o[i], streams, deflated, c, &zs);
        } else if (o[i].value) { /* past the object stream's 65535: an object of its own */
            put_num(&res, o[i].id, " 0 obj\n");
            put(&res, text + values[o[i].value - 1].off, values[o[i].value - 1].len);
            put_str(&res, "\nendobj\n");
        } else {
            put(&res, in + o[i].off, o[i].end - o[i].off);
        }
    }
    size_t stm_off = res.n;
    char dict[96];
    snprintf(dict, sizeof dict, "/Type /ObjStm /N %zu /First %zu", k, first);
    put_stream(&res, stm, dict, &z);
    size_t xref_off = res.n;

    sort_objs(o, n, by_id);
    /* The xref stream's rows with the PNG "Up" predictor (each row the difference from the
     * one above, after a filter-type byte 2): consecutive entries differ in a byte or two, so
     * 1.6 KB compressed becomes 0.4 KB (gold-city). */
    obuf rows = {0};
    reserve(&rows, 8 * (xref + 1));
    size_t j = 0;
    unsigned char above[7] = {0};
    for (size_t id = 0; id < xref + 1; id++) {
        unsigned char row[7] = {0};
        size_t f2 = 0, f3 = 0;
        if (id == 0) {
            f3 = 65535;
        } else if (j < n && o[j].id == id && o[j].dropped) {
            j++; /* a free object */
        } else if (j < n && o[j].id == id) {
            row[0] = o[j].packed ? 2 : 1;
            f2 = o[j].packed ? stm : o[j].new_off;
            f3 = o[j].packed ? o[j].index : 0;
            j++;
        } else if (id >= size && id < size + nadded) {
            row[0] = 2;
            f2 = stm;
            f3 = added_index + (id - size);
        } else if (id == stm || id == xref) {
            row[0] = 1;
            f2 = id == stm ? stm_off : xref_off;
        } /* else a free object: type 0 */
        row[1] = (unsigned char)(f2 >> 24);
        row[2] = (unsigned char)(f2 >> 16);
        row[3] = (unsigned char)(f2 >> 8);
        row[4] = (unsigned char)f2;
        row[5] = (unsigned char)(f3 >> 8);
        row[6] = (unsigned char)f3;
        unsigned char up[1 + sizeof row] = {2};
        for (size_t b = 0; b < sizeof row; b++)
            up[1 + b] = (unsigned char)(row[b] - above[b]);
        memcpy(above, row, sizeof row);
        put(&rows, up, sizeof up);
    }
    deflate_into(c, &rows, &z);
    char xdict[224];
    if (info)
        snprintf(xdict, sizeof xdict,
                 "/Type /XRef /Size %zu /W [1 4 2] /Root %zu 0 R /Info %zu 0 R "
                 "/DecodeParms <</Columns 7 /Predictor 12>>",
                 xref + 1, root, info);
    else
        snprintf(xdict, sizeof xdict,
                 "/Type /XRef /Size %zu /W [1 4 2] /Root %zu 0 R "
                 "/DecodeParms <</Columns 7 /Predictor 12>>",
                 xref + 1, root);
    put_stream(&res, xref, xdict, &z);
    put_str(&res, "startxref\n");
    put_num(&res, xref_off, "\n%%EOF\n");

    bool failed = res.oom || hdr.oom || bodies.oom || z.oom || rows.oom || zs.oom;
    libdeflate_free_compressor(c);
    free(zs.p);
    free(o);
    free(hdr.p);
    free(bodies.p);
    free(z.p);
    free(rows.p);
    if (failed) {
        free(res.p);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    *out = res.p;
    *out_len = res.n;
    return CR_OK;
}
