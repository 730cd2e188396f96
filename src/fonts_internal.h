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

/* ---- Embedded font programs, once per process (the PDF backend) ----
 *
 * A PDF embeds a subset of each font: the glyphs it draws. Making the subset (libharu's
 * HPDF_TTFontDef_SaveFontData) and compressing it were a fifth of a report's render, and reports
 * in one language mostly draw the same glyphs. So a cr_fonts keeps the subsets it has seen,
 * compressed, keyed by the font (|slot|: a face, or CR_FACE_COUNT + a fallback) and the exact
 * set of glyphs used (|used|: one byte per glyph of the font, non-zero when used). Bounded: when
 * an entry would pass the bound, the cache is emptied first. Thread-safe (a mutex): renders in
 * several threads may share one cr_fonts. */

/* The default bound of the cache, in bytes (entries' data and keys). */
#define CR_FONTS_EMBED_BOUND (4u * 1024u * 1024u)

/* On a hit, a malloc'd copy of the compressed font program (zlib format) in *z (caller frees),
 * its size in *zlen and the program's own size in *raw_len; true. false on a miss (or out of
 * memory). */
bool cr_fonts_embed_get(const cr_fonts *f, int slot, const unsigned char *used, size_t nglyphs,
                        unsigned char **z, size_t *zlen, size_t *raw_len);

/* Keeps a copy of the compressed program |z| (|zlen| bytes, |raw_len| uncompressed) for |slot|
 * and |used|. Nothing when it is larger than the bound or memory is short. */
void cr_fonts_embed_put(const cr_fonts *f, int slot, const unsigned char *used, size_t nglyphs,
                        const unsigned char *z, size_t zlen, size_t raw_len);

typedef struct cr_fonts_embed_stats {
    size_t hits, misses, entries, bytes, bound;
} cr_fonts_embed_stats;

/* The cache's counters and size. */
cr_fonts_embed_stats cr_fonts_embed_stats_get(const cr_fonts *f);

/* Sets the bound (tests); 0: nothing is kept. Empties the cache. */
void cr_fonts_embed_set_bound(const cr_fonts *f, size_t bound);

/* The PDF renderer's spare document (its fonts parsed already), kept between reports: taken by
 * one render at a time (NULL when there is none, or another render holds it), given back after
 * (freed with |free_fn| when one is kept already, and by cr_fonts_free). Opaque here. */
void *cr_fonts_spare_take(const cr_fonts *f);
void cr_fonts_spare_give(const cr_fonts *f, void *doc, void (*free_fn)(void *));

#endif
