/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): text measured in font units, for the layout's line breaking. A text
 * measured in pieces (each piece's units added) gives the width cr_fonts_width gives for the
 * whole text, to the bit: the units are integers, turned into points once. */
#ifndef CR_FONTS_INTERNAL_H
#define CR_FONTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "certreport/fonts.h"

/* Advance widths summed in font units, per font of the chain. Zero it to start. */
typedef struct cr_units {
    long face;                      /* the face's own font (and its placeholders) */
    long fb[CR_FONTS_MAX_FALLBACK]; /* each fallback font's */
    bool any_fb;                    /* some character was in a fallback font */
} cr_units;

/* Adds the advances of |len| bytes of valid UTF-8 (whole characters) to |u|, each character in
 * the font that draws it (cr_fonts_pick). Nothing for a set or face that is not usable. */
void cr_fonts_units_add(const cr_fonts *f, cr_face face, const char *text, size_t len, cr_units *u);

/* The width in points of |u| at |size|: cr_fonts_width of the text |u| was summed from. */
float cr_fonts_units_width(const cr_fonts *f, cr_face face, float size, const cr_units *u);

#endif
