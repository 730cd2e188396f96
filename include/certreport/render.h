/* certreport: render backends. Each paints a display list; none decides anything about layout.
 * Output goes to memory, so the caller can write it atomically (never a half-written file). */
#ifndef CERTREPORT_RENDER_H
#define CERTREPORT_RENDER_H

#include "export.h"

#include <stddef.h>

#include "display.h"
#include "error.h"
#include "fonts.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_buffer {
    unsigned char *data; /* malloc'd; the caller frees */
    size_t len;
} cr_buffer;

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

/* Frees the bytes and empties |b|; NULL does nothing. */
CR_API void cr_buffer_free(cr_buffer *b);

/* Writes |len| bytes to |path| atomically (a temporary file in the same folder, flushed, then
 * renamed): an existing file is replaced only by a complete one, never damaged. |data| may be
 * NULL only when |len| is 0. */
CR_API cr_status cr_write_file_atomic(const char *path, const void *data, size_t len,
                                      cr_error *err);

/* Writes |n| pages as the folder |dir| holding 1.png ... N.png, as one unit: the pages go to a
 * temporary folder beside |dir| (".certreport-tmp-NAME.XXXXXX"), flushed, then swapped with the
 * old set in one rename (renameat2 RENAME_EXCHANGE) and the old set removed. A reader sees the
 * old set whole or the new one whole, never a mix, never stale pages; on failure the old set
 * stays as it was. An existing |dir| must be such a set (only N.png files) or empty: any other
 * folder, file or symbolic link there is refused (CR_EIO) and left alone. */
cr_status cr_write_pages_atomic(const char *dir, const cr_buffer *pages, size_t n, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
