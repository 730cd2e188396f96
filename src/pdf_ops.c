/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: a page content stream written directly (see pdf_ops.h). */
#include "pdf_ops.h"

#include <stdlib.h>
#include <string.h>

void cr_ops_free(cr_ops *o)
{
    free(o->p);
    o->p = NULL;
    o->n = o->cap = 0;
    o->oom = false;
}

/* Room for |n| more bytes; false (and sticky oom) when out of memory. */
static bool reserve(cr_ops *o, size_t n)
{
    if (o->oom)
        return false;
    if (o->n + n <= o->cap)
        return true;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->n + n)
        cap *= 2;
    char *q = realloc(o->p, cap);
    if (!q) {
        o->oom = true;
        o->cap = o->n; /* sticky: cr_ops_raw's inline path finds no room either */
        return false;
    }
    o->p = q;
    o->cap = cap;
    return true;
}

void cr_ops_reserve(cr_ops *o, size_t cap)
{
    if (o->oom || cap <= o->cap)
        return;
    char *q = realloc(o->p, cap);
    if (q) {
        o->p = q;
        o->cap = cap;
    }
}

void cr_ops_raw_grow(cr_ops *o, const char *s, size_t n)
{
    if (n == 0 || !reserve(o, n))
        return;
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* |mag| (>= 0) as an integer part and |decimals| digits of fraction |frac| (< 10^decimals),
 * trailing zeros dropped, then a space. */
static void put_fixed(cr_ops *o, bool neg, unsigned long ip, unsigned long frac, int decimals)
{
    char d[40];
    size_t k = sizeof d;
    d[--k] = ' ';
    while (decimals > 0 && frac % 10 == 0) { /* trailing zeros */
        frac /= 10;
        decimals--;
    }
    if (decimals > 0) {
        for (int i = 0; i < decimals; i++) {
            d[--k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        d[--k] = '.';
    }
    do {
        d[--k] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    if (neg)
        d[--k] = '-';
    cr_ops_raw(o, d + k, sizeof d - k);
}

void cr_ops_num(cr_ops *o, double v, int decimals)
{
    static const unsigned long scale[] = {1, 10, 100, 1000, 10000};
    if (decimals < 0)
        decimals = 0;
    if (decimals > 4)
        decimals = 4;
    if (!(v == v)) /* NaN: the backend checks coordinates first; write something valid */
        v = 0;
    if (v > 1e9)
        v = 1e9;
    if (v < -1e9)
        v = -1e9;
    bool neg = v < 0;
    double m = (neg ? -v : v) * (double)scale[decimals] + 0.5;
    unsigned long units = (unsigned long)m;
    if (units == 0)
        neg = false; /* never "-0" */
    put_fixed(o, neg, units / scale[decimals], units % scale[decimals], decimals);
}

void cr_ops_uint(cr_ops *o, unsigned long v)
{
    char d[24];
    size_t k = sizeof d;
    do {
        d[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    cr_ops_raw(o, d + k, sizeof d - k);
}

void cr_ops_cents(cr_ops *o, long hundredths)
{
    bool neg = hundredths < 0;
    unsigned long m = neg ? 0ul - (unsigned long)hundredths : (unsigned long)hundredths;
    put_fixed(o, neg, m / 100, m % 100, 2);
}

void cr_ops_rgb(cr_ops *o, uint8_t r, uint8_t g, uint8_t b, const char *op)
{
    const uint8_t c[3] = {r, g, b};
    for (int i = 0; i < 3; i++) {
        unsigned long thousandths = ((unsigned long)c[i] * 1000 + 127) / 255;
        put_fixed(o, false, thousandths / 1000, thousandths % 1000, 3);
    }
    cr_ops_str(o, op);
    cr_ops_raw(o, "\n", 1);
}

void cr_ops_literal(cr_ops *o, const unsigned char *s, size_t n)
{
    /* At most 4 bytes per input byte, plus the parentheses. */
    if (!reserve(o, 4 * n + 2))
        return;
    char *w = o->p + o->n;
    *w++ = '(';
    for (size_t i = 0; i < n; i++) {
        unsigned char b = s[i];
        if (b == '(' || b == ')' || b == '\\') {
            *w++ = '\\';
            *w++ = (char)b;
        } else if (b < 0x20 || b == 0x7F) {
            *w++ = '\\';
            *w++ = (char)('0' + (b >> 6));
            *w++ = (char)('0' + ((b >> 3) & 7));
            *w++ = (char)('0' + (b & 7));
        } else {
            *w++ = (char)b;
        }
    }
    *w++ = ')';
    o->n = (size_t)(w - o->p);
}

void cr_ops_hex16_begin(cr_ops *o)
{
    cr_ops_raw(o, "<", 1);
}

void cr_ops_hex16(cr_ops *o, uint32_t code)
{
    static const char hex[] = "0123456789ABCDEF";
    char d[4] = {hex[(code >> 12) & 15], hex[(code >> 8) & 15], hex[(code >> 4) & 15],
                 hex[code & 15]};
    cr_ops_raw(o, d, 4);
}

void cr_ops_hex16_end(cr_ops *o)
{
    cr_ops_raw(o, ">", 1);
}
