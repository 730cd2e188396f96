/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: render backends. Each paints a display list; none decides anything about layout.
 * Output goes to memory, so the caller can write it atomically (never a half-written file). */
#ifndef CERTREPORT_RENDER_H
#define CERTREPORT_RENDER_H

#include "export.h"

#include <stddef.h>

#include "display.h"
#include "error.h"
#include "fonts.h"
#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The PDF through libharu (the default writer): the fonts embedded as subsets, bookmarks, links,
 * document info. Byte-reproducible: the creation date comes from d->info.created.
 * On success |out| holds the file; on failure it is empty and |err| says why. */
CR_API cr_status cr_render_pdf(const cr_display *d, const cr_fonts *fonts, cr_buffer *out,
                               cr_error *err);

typedef enum cr_cairo_format { CR_CAIRO_PDF, CR_CAIRO_SVG, CR_CAIRO_PNG } cr_cairo_format;

/* The same display list through cairo: a PDF (all pages), an SVG or a PNG of page |page|
 * (0-based; PDF ignores it) at |dpi| (PNG only). CR_EUSAGE for a |page| the display list does
 * not have (CR_NONE included) or a |format| out of the enum. */
CR_API cr_status cr_render_cairo(const cr_display *d, const cr_fonts *fonts, cr_cairo_format format,
                                 size_t page, double dpi, cr_buffer *out, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
