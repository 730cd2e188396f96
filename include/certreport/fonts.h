/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the report's fonts and their metrics.
 *
 * Loaded once (a batch worker loads them once, not per report); immutable afterwards, so one set
 * may be shared by threads. The layout measures text with these metrics; the backends embed the
 * same files, so what was measured is what is drawn.
 *
 * The measuring functions below take no error record and are called per character: a NULL set or
 * text, or a |face| that is not a cr_face below CR_FACE_COUNT, is not read. They return 0 (widths,
 * runs, metrics, code points), false, NULL (paths, data, with *len 0) or CR_FONT_PLACEHOLDER
 * (cr_fonts_pick) instead: a documented answer, never a crash. */
#ifndef CERTREPORT_FONTS_H
#define CERTREPORT_FONTS_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "display.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_fonts cr_fonts;

/* At most this many fallback fonts in a chain. */
#define CR_FONTS_MAX_FALLBACK 16

/* Loads the four faces (regular, bold, italic, bold italic), in that order, from |paths|.
 * Returns a set owned by the caller (cr_fonts_free), or NULL with |err| set (CR_EIO when a file
 * is missing or not a TrueType font). The set has no fallback fonts. */
CR_API cr_fonts *cr_fonts_load(const char *const paths[CR_FACE_COUNT], cr_error *err);

/* The same with a chain of |nfallback| fallback fonts (at most CR_FONTS_MAX_FALLBACK), for the
 * characters the faces lack: a character uses the first font that has it, the requested face
 * first, then the fallbacks in order (they serve every face). Only their metrics and coverage
 * are read here; a backend embeds a fallback only in a document that uses it. */
CR_API cr_fonts *cr_fonts_load_chain(const char *const paths[CR_FACE_COUNT],
                                     const char *const *fallbacks, size_t nfallback, cr_error *err);
CR_API void cr_fonts_free(cr_fonts *f);

/* The number of fallback fonts, and the file and bytes of fallback |i|. Borrowed. NULL (*len 0)
 * for |i| out of range; |len| may be NULL. */
CR_API size_t cr_fonts_fallback_count(const cr_fonts *f);
CR_API const char *cr_fonts_fallback_path(const cr_fonts *f, size_t i);
CR_API const unsigned char *cr_fonts_fallback_data(const cr_fonts *f, size_t i, size_t *len);

/* Characters that are drawn as nothing, with no width: zero-width spaces and joiners, bidi
 * controls (U+200B-200F, U+202A-202E, U+2060-2069), variation selectors (U+FE00-FE0F) and the
 * byte order mark U+FEFF. The layout leaves them out of the text runs. */
CR_API bool cr_fonts_ignorable(uint32_t cp);

/* True for a character drawn over the one before it: a combining mark (U+0300-036F, 1AB0-1AFF,
 * 1DC0-1DFF, 20D0-20FF, FE20-FE2F), a variation selector, a zero-width (non-)joiner or an
 * emoji skin-tone modifier. Line breaking keeps it with its base. */
CR_API bool cr_fonts_combining(uint32_t cp);

/* The font that draws |cp| in face |face| (display.h): CR_FONT_FACE, 1 + the index of the first
 * fallback that has it, CR_FONT_PLACEHOLDER when no font of the chain has it, or
 * CR_FONT_IGNORABLE (cr_fonts_ignorable, unless the face has it). Control characters (below
 * U+0020) count as the face's. */
#define CR_FONT_IGNORABLE 0x100u
CR_API unsigned cr_fonts_pick(const cr_fonts *f, cr_face face, uint32_t cp);

/* The length in bytes of the first run of |len| bytes of UTF-8 |text|: the longest prefix whose
 * characters have one font (cr_fonts_pick, stored in *font; a run of ignorable characters has
 * CR_FONT_IGNORABLE). Returns 0 only when |len| is 0, or the set, |face| or |text| is not
 * usable (see above). |font| may be NULL. */
CR_API size_t cr_fonts_run(const cr_fonts *f, cr_face face, const char *text, size_t len,
                           unsigned *font);

/* Width in points of |len| bytes of valid UTF-8 at |size| points, each character measured with
 * the font that draws it (cr_fonts_pick); ignorable characters have no width, a placeholder the
 * width of the face's .notdef glyph. */
CR_API float cr_fonts_width(const cr_fonts *f, cr_face face, float size, const char *text,
                            size_t len);

/* True when |face| itself has a glyph for code point |cp| (fallbacks aside). */
CR_API bool cr_fonts_has(const cr_fonts *f, cr_face face, uint32_t cp);

/* True when some font of the chain draws |cp| in |face| (or it is ignorable or a control
 * character): it is not drawn as a placeholder. */
CR_API bool cr_fonts_covers(const cr_fonts *f, cr_face face, uint32_t cp);

/* The first code point of |text| (UTF-8) that face |face| itself lacks, or 0 when all are
 * covered (control characters are not checked). */
CR_API uint32_t cr_fonts_missing(const cr_fonts *f, cr_face face, const char *text);

/* Ascender and descender (positive, below the baseline) at |size| points. */
CR_API float cr_fonts_ascent(const cr_fonts *f, cr_face face, float size);
CR_API float cr_fonts_descent(const cr_fonts *f, cr_face face, float size);

/* The font file of |face| (for backends that embed it), and its bytes. Borrowed. |len| may be
 * NULL. */
CR_API const char *cr_fonts_path(const cr_fonts *f, cr_face face);
CR_API const unsigned char *cr_fonts_data(const cr_fonts *f, cr_face face, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
