/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): text tools of the layout: templates, number and date formatting, and
 * line breaking with real metrics (libunibreak finds the break opportunities). */
#ifndef CR_LAYOUT_TEXT_H
#define CR_LAYOUT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "certreport/fonts.h"
#include "certreport/layout.h"

/* One name/value pair for a template. */
typedef struct cr_arg {
    const char *name, *value;
} cr_arg;

/* The string |key| with each {name} replaced by its value; unknown names stay as written.
 * A missing key gives the key itself (so a gap shows, and the translation test catches it).
 * Allocated in |a|; NULL when out of memory. */
const char *cr_tpl(cr_arena *a, const cr_strings *s, const char *key, const cr_arg *args, size_t n);

/* True when the count |n| takes the singular in the language: one of the counts listed in its
 * "plural.one" string ("1" in English and Spanish, "0 1" in French and Brazilian Portuguese);
 * n == 1 when the table has no such string. */
bool cr_plural_one(const cr_strings *s, long n);

/* The key of the form for count |n|: "|key|.one" when |n| takes the singular and the table has
 * that key, else |key| itself (the other form). Allocated in |a|; NULL when out of memory. */
const char *cr_plural_key(cr_arena *a, const cr_strings *s, const char *key, long n);

/* |v| in decimal digits (as "%ld" prints it) into |buf| (at least 21 bytes); returns |buf|. */
char *cr_fmt_long(char *buf, long v);

/* An integer with the language's thousands separator ("7,743,955"). */
const char *cr_fmt_int(cr_arena *a, const cr_strings *s, long v);

/* A date in the language's words ("July 14, 2023"). */
const char *cr_fmt_date(cr_arena *a, const cr_strings *s, int year, int month, int day);

typedef struct cr_line {
    const char *start;
    size_t len;
    float width;
    /* How the text goes on after this line: |space| when the break dropped spaces (or a
     * newline), a word boundary the drawn text must keep; |joined| when the next line goes on
     * with no space (a break after a hyphen or slash, between ideographs, or inside a word
     * too long for a line). Neither on the last line. */
    bool space, joined;
    bool face; /* every character of the text is in the face's own font (cr_fonts_run gives one
                * run of it): drawn as one op, with no run to split */
} cr_line;

/* Breaks |text| into lines no wider than |maxw| at |size| points in |face|. Lines are slices of
 * |text| (trailing spaces left out of len and width; see cr_line.space). A word wider than a
 * line is broken between characters.
 * Returns the number of lines; *lines is allocated in |a| (NULL and 0 when out of memory). */
size_t cr_wrap(cr_arena *a, const cr_fonts *f, cr_face face, float size, const char *text,
               float maxw, cr_line **lines);

/* cr_wrap through cache |c| (layout.h): the same lines, from the cache when it has this face,
 * size, width and text, else broken and kept. Without |c|, or with one made for other fonts than
 * |f|, just cr_wrap. */
size_t cr_wrap_cached(cr_layout_cache *c, cr_arena *a, const cr_fonts *f, cr_face face, float size,
                      const char *text, float maxw, cr_line **lines);

/* The fonts cache |c| was made for (NULL for a NULL |c|). */
const cr_fonts *cr_layout_cache_fonts(const cr_layout_cache *c);

#endif
