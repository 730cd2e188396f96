/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): text and number helpers, locale-independent by construction. */
#ifndef CR_TEXT_H
#define CR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certreport/input.h"

/* Checks that |buf| is well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF) with no control characters other than tab, newline and carriage return (C0, DEL
 * and C1). On failure returns false and sets *line (1-based) and *what to a short reason. */
bool cr_utf8_check(const char *buf, size_t len, long *line, const char **what);

/* Whether the |len| bytes at |buf| are all ASCII (below 0x80). */
bool cr_ascii_only(const char *buf, size_t len);

/* The 1-based line of byte |at| of |buf|: one plus the line feeds before it. */
long cr_utf8_line(const char *buf, size_t at);

/* Decodes one code point at *p (NUL-terminated, already checked) and advances *p past it; a byte
 * that starts no well-formed sequence decodes as U+FFFD and is skipped alone. The library's one
 * UTF-8 decoder, with cr_utf8_check (both wrap utf8proc_iterate). */
uint32_t cr_utf8_next(const char **p);

/* ASCII letters of |s| to upper or lower case, in place (other bytes unchanged). */
void cr_ascii_upper(char *s);
void cr_ascii_lower(char *s);

/* An answer as a person or another tool writes it: yes, no, in-progress, in any case, with
 * "in progress" or "in_progress" too. False when it is none of them. */
bool cr_parse_answer(const char *s, cr_answer *out);

/* Collapses runs of XML whitespace to one space and trims both ends, in place. */
void cr_text_squeeze(char *s);

/* Strict non-negative integer: digits only, no sign, no separators, at most |max|. */
bool cr_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Strict decimal: -?digits(.digits)?, no exponent, no separators, C-locale semantics. */
bool cr_parse_decimal(const char *s, double *out);

/* YYYY-MM-DD, a real calendar date between years 1900 and 2199. */
bool cr_parse_date(const char *s, cr_date *out);

/* YYYY-MM-DD[THH:MM[:SS][Z|+hh:mm|-hh:mm]] to seconds since 1970 UTC (no zone: UTC). */
bool cr_parse_datetime(const char *s, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t cr_days_from_civil(int y, int m, int d);

#endif
