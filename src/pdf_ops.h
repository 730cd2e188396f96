/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): a page content stream written directly (ISO 32000-1, 8-9).
 *
 * The PDF backend used to draw through libharu's per-operator calls, which format every number
 * with libharu's own routine, append each operator to a memory stream piece by piece, and measure
 * every string again (HPDF_Page_ShowText) although the layout has measured it. This writer
 * appends the operators of one page to a growable buffer, which the backend hands to libharu
 * whole. Numbers are written in the C locale with a fixed number of decimals (trailing zeros
 * dropped), so the bytes are the same on every machine. A failed allocation is sticky: later
 * calls do nothing, and the caller checks `oom` once per page. */
#ifndef CR_PDF_OPS_H
#define CR_PDF_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cr_ops {
    char *p;
    size_t n, cap;
    bool oom;
} cr_ops;

/* Frees the buffer (the struct itself is the caller's). */
void cr_ops_free(cr_ops *o);

/* Makes room for |cap| bytes in all, a hint: the renderer sizes its buffers once from the display
 * list instead of doubling them from 4 KB (each doubling copies what was written). A failed
 * allocation is not sticky here: the buffer grows as before when it must. */
void cr_ops_reserve(cr_ops *o, size_t cap);

/* cr_ops_raw when the buffer must grow (or is out of memory). */
void cr_ops_raw_grow(cr_ops *o, const char *s, size_t n);

/* Appends |n| bytes as they are. Inline: the renderer appends some 10,000 pieces per report. */
static inline void cr_ops_raw(cr_ops *o, const char *s, size_t n)
{
    if (n && n <= o->cap - o->n) { /* capacity > 0: o->p is a buffer; oom leaves cap as it was */
        memcpy(o->p + o->n, s, n);
        o->n += n;
        return;
    }
    cr_ops_raw_grow(o, s, n);
}

/* Appends the NUL-terminated |s| as it is. */
static inline void cr_ops_str(cr_ops *o, const char *s)
{
    cr_ops_raw(o, s, strlen(s));
}

/* Appends |v| rounded to |decimals| (0..4) decimals, trailing zeros and a trailing point left out,
 * never "-0", then a space. Values beyond +-1e9 are clamped (no page coordinate comes near). */
void cr_ops_num(cr_ops *o, double v, int decimals);

/* Appends the whole number |v| in decimal, with no space after it (object numbers, MCIDs). */
void cr_ops_uint(cr_ops *o, unsigned long v);

/* Appends |hundredths| / 100 (exact), then a space. */
void cr_ops_cents(cr_ops *o, long hundredths);

/* Appends the colour operator |op| ("rg" or "RG") for 8-bit components: each component as
 * c / 255 with 3 decimals, which tells all 256 values apart. */
void cr_ops_rgb(cr_ops *o, uint8_t r, uint8_t g, uint8_t b, const char *op);

/* Appends |n| bytes as a literal string "(...)": the delimiters ( ) \ escaped, control bytes and
 * DEL as 3-digit octal escapes (so no end of line is read differently), other bytes as they are. */
void cr_ops_literal(cr_ops *o, const unsigned char *s, size_t n);

/* Appends 16-bit codes as a hex string "<...>" (4 upper-case digits each). */
void cr_ops_hex16_begin(cr_ops *o);
void cr_ops_hex16(cr_ops *o, uint32_t code);
void cr_ops_hex16_end(cr_ops *o);

#endif
