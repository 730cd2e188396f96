/* certreport: the report's fonts and their metrics.
 *
 * Loaded once (a batch worker loads them once, not per report); immutable afterwards, so one set
 * may be shared by threads. The layout measures text with these metrics; the backends embed the
 * same files, so what was measured is what is drawn. */
#ifndef CERTREPORT_FONTS_H
#define CERTREPORT_FONTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "display.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_fonts cr_fonts;

/* Loads the four faces (regular, bold, italic, bold italic), in that order, from |paths|.
 * Returns a set owned by the caller (cr_fonts_free), or NULL with |err| set (CR_EIO when a file
 * is missing or not a TrueType font). */
cr_fonts *cr_fonts_load(const char *const paths[CR_FACE_COUNT], cr_error *err);
void cr_fonts_free(cr_fonts *f);

/* Width in points of |len| bytes of valid UTF-8 at |size| points. Characters the face lacks
 * count as its .notdef width (check coverage first with cr_fonts_missing). */
float cr_fonts_width(const cr_fonts *f, cr_face face, float size, const char *text, size_t len);

/* True when |face| has a glyph for code point |cp|. */
bool cr_fonts_has(const cr_fonts *f, cr_face face, uint32_t cp);

/* The first code point of |text| (UTF-8) that face |face| lacks, or 0 when all are covered. */
uint32_t cr_fonts_missing(const cr_fonts *f, cr_face face, const char *text);

/* Ascender and descender (positive, below the baseline) at |size| points. */
float cr_fonts_ascent(const cr_fonts *f, cr_face face, float size);
float cr_fonts_descent(const cr_fonts *f, cr_face face, float size);

/* The font file of |face| (for backends that embed it), and its bytes. Borrowed. */
const char *cr_fonts_path(const cr_fonts *f, cr_face face);
const unsigned char *cr_fonts_data(const cr_fonts *f, cr_face face, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
