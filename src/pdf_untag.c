/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the structure claim out of a cairo PDF (see pdf_untag.h). */
#include "pdf_untag.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last occurrence of |needle| in |hay| (|len| bytes), or NULL. */
static const char *find_last(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* The first occurrence of |needle| in [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* Reads an unsigned number after optional blanks; NULL when none. */
static const char *number(const char *p, const char *end, unsigned long *v)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return NULL;
    unsigned long x = 0;
    while (p < end && *p >= '0' && *p <= '9' && x < 100000000ul)
        x = x * 10 + (unsigned long)(*p++ - '0');
    *v = x;
    return p;
}

/* Removes from |dict| (NUL-terminated, edited in place) the entry |key| whose value is an
 * indirect reference ("N 0 R") or a one-level dictionary ("<< ... >>"). */
static void drop_entry(char *dict, const char *key)
{
    char *k = strstr(dict, key);
    if (!k)
        return;
    char *v = k + strlen(key), *end = NULL;
    while (*v == ' ' || *v == '\n' || *v == '\r')
        v++;
    if (v[0] == '<' && v[1] == '<') {
        char *close = strstr(v + 2, ">>");
        end = close ? close + 2 : NULL;
    } else {
        char *r = strchr(v, 'R');
        end = r ? r + 1 : NULL;
    }
    if (end)
        memmove(k, end, strlen(end) + 1);
}

cr_status cr_pdf_untag(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
                       cr_error *err)
{
    *out = NULL;
    *out_len = 0;
    const char *s = (const char *)in, *end = s + len;
    const char *trailer = find_last(s, len, "trailer");
    const char *sx = find_last(s, len, "startxref");
    if (!trailer || !sx || sx < trailer)
        return CR_OK;
    unsigned long root = 0, size = 0, prev = 0;
    const char *r = find(trailer, sx, "/Root");
    const char *z = find(trailer, sx, "/Size");
    if (!r || !z || !number(r + 5, sx, &root) || !number(z + 5, sx, &size) ||
        !number(sx + 9, end, &prev))
        return CR_OK;
    const char *info = find(trailer, sx, "/Info");
    unsigned long info_obj = 0;
    if (info && !number(info + 5, sx, &info_obj))
        return CR_OK;
    char head[32];
    snprintf(head, sizeof head, "\n%lu 0 obj", root);
    const char *obj = find(s, end, head);
    if (!obj)
        return CR_OK;
    const char *d0 = find(obj, end, "<<"), *endobj = find(obj, end, "endobj");
    if (!d0 || !endobj || d0 > endobj)
        return CR_OK;
    const char *d1 = find_last(d0, (size_t)(endobj - d0), ">>");
    if (!d1 || (!find(d0, d1, "/StructTreeRoot") && !find(d0, d1, "/MarkInfo")))
        return CR_OK;
    size_t dlen = (size_t)(d1 + 2 - d0);
    char *dict = malloc(dlen + 1);
    if (!dict)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    memcpy(dict, d0, dlen);
    dict[dlen] = '\0';
    drop_entry(dict, "/StructTreeRoot");
    drop_entry(dict, "/MarkInfo");
    /* The update: the catalog's new version, its one-entry xref section, a trailer. */
    size_t cap = len + strlen(dict) + 512;
    char *buf = malloc(cap);
    if (!buf) {
        free(dict);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    memcpy(buf, in, len);
    size_t at = len;
    if (at > 0 && buf[at - 1] != '\n')
        buf[at++] = '\n';
    size_t offset = at;
    int w = snprintf(buf + at, cap - at, "%lu 0 obj\n%s\nendobj\n", root, dict);
    at += (size_t)w;
    size_t xref = at;
    char info_ref[48] = "";
    if (info)
        snprintf(info_ref, sizeof info_ref, " /Info %lu 0 R", info_obj);
    w = snprintf(
        buf + at, cap - at,
        "xref\n%lu 1\n%010zu 00000 n \ntrailer\n<< /Size %lu /Root %lu 0 R%s /Prev %lu >>\n"
        "startxref\n%zu\n%%%%EOF\n",
        root, offset, size, root, info_ref, prev, xref);
    at += (size_t)w;
    free(dict);
    *out = (unsigned char *)buf;
    *out_len = at;
    return CR_OK;
}
