/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: render backends. Each paints a display list; none decides anything about layout.
 * Output goes to memory, so the caller can write it atomically (never a half-written file). */
#ifndef CERTREPORT_RENDER_H
#define CERTREPORT_RENDER_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "display.h"
#include "error.h"
#include "fonts.h"
#include "io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a report is written as: the format, and for a PDF the writer. PNG and SVG are cairo's. */
typedef enum cr_output_format { CR_OUTPUT_PDF, CR_OUTPUT_PNG, CR_OUTPUT_SVG } cr_output_format;
typedef enum cr_backend { CR_BACKEND_HARU, CR_BACKEND_CAIRO } cr_backend;

typedef struct cr_render_target {
    cr_output_format format;
    cr_backend backend; /* PDF: haru (tagged when the display list is) or cairo; PNG, SVG: cairo */
    size_t page;        /* to memory, and SVG to a file: the page (0-based) of a PNG or an SVG */
    double dpi;         /* PNG: resolution; <= 0 means 96 */
    /* Optional: called with the bytes of every file cr_render writes to a path, in page order,
     * once each is written (a caller hashing its output sees exactly what is on disk). */
    void (*wrote)(void *data, const void *bytes, size_t len);
    void *wrote_data;
} cr_render_target;

#define CR_RENDER_TARGET_INIT                                                                      \
    {                                                                                              \
        CR_OUTPUT_PDF, CR_BACKEND_HARU, 0, 96, NULL, NULL                                          \
    }

/* The one path from a display list to output: picks the backend for t->format and t->backend.
 * |path| NULL: |out| gets the file in memory (a PDF of every page, or page t->page as a PNG or
 * an SVG). |path| given (|out| may be NULL): writes it atomically, never a half-written file: a
 * PDF, an SVG of page t->page, or PNG: every page, as a folder |path| of 1.png ... N.png put in
 * place as one set (an old set there replaced in the same step). On failure nothing is written,
 * |out| is empty, |err| says why, and *write_failed (when given) tells a report that could not be
 * written (the output's fault: CR_EIO, CR_ENOMEM) from one that could not be made. CR_EUSAGE for
 * a NULL |d|, |fonts| or |t|, both or neither of |path| and |out|, a format or backend out of its
 * enum, or a display list cr_display_check refuses. */
CR_API cr_status cr_render(const cr_display *d, const cr_fonts *fonts, const cr_render_target *t,
                           const char *path, cr_buffer *out, bool *write_failed, cr_error *err);

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
