/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the one path from a display list to output (see cr_render in certreport/render.h).
 * The program's render and batch and the one-call API all come through here: the backend is
 * picked in one place, and every file is written atomically. */
#include "certreport/render.h"

#include <stdlib.h>

#include "args.h"
#include "fileio.h"

/* One page (or the whole PDF) into |out|. */
static cr_status render_one(const cr_display *d, const cr_fonts *fonts, const cr_render_target *t,
                            size_t page, cr_buffer *out, cr_error *err)
{
    double dpi = t->dpi > 0 ? t->dpi : 96;
    switch (t->format) {
    case CR_OUTPUT_PDF:
        return t->backend == CR_BACKEND_HARU
                   ? cr_render_pdf(d, fonts, out, err)
                   : cr_render_cairo(d, fonts, CR_CAIRO_PDF, 0, dpi, out, err);
    case CR_OUTPUT_SVG:
        return cr_render_cairo(d, fonts, CR_CAIRO_SVG, page, dpi, out, err);
    case CR_OUTPUT_PNG:
        return cr_render_cairo(d, fonts, CR_CAIRO_PNG, page, dpi, out, err);
    }
    return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_render: no such format %d", (int)t->format);
}

/* Every page as PNG into a page set at |path|: each page rendered, then written into the
 * temporary folder, the set swapped in at the end. */
static cr_status write_pages(const cr_display *d, const cr_fonts *fonts, const cr_render_target *t,
                             const char *path, bool *write_failed, cr_error *err)
{
    cr_stage stage;
    cr_buffer page = {0};
    if (cr_stage_begin(&stage, path, err) != CR_OK) {
        *write_failed = err && err->code == CR_ENOMEM;
        return err ? err->code : CR_EIO;
    }
    cr_status st = CR_OK;
    for (size_t p = 0; p < d->npages && st == CR_OK; p++) {
        if ((st = render_one(d, fonts, t, p, &page, err)) != CR_OK)
            break;
        if ((st = cr_stage_add(&stage, page.data, page.len, err)) != CR_OK)
            *write_failed = true;
        else if (t->wrote)
            t->wrote(t->wrote_data, page.data, page.len);
        cr_buffer_free(&page);
    }
    if (st != CR_OK) {
        cr_stage_abort(&stage);
        return st;
    }
    if ((st = cr_stage_commit(&stage, err)) != CR_OK)
        *write_failed = true;
    return st;
}

cr_status cr_render(const cr_display *d, const cr_fonts *fonts, const cr_render_target *t,
                    const char *path, cr_buffer *out, bool *write_failed, cr_error *err)
{
    bool wf = false;
    if (!write_failed)
        write_failed = &wf;
    *write_failed = false;
    if (out) {
        out->data = NULL;
        out->len = 0;
    }
    if (CR_ARG_NULL(d, err) || CR_ARG_NULL(fonts, err) || CR_ARG_NULL(t, err))
        return CR_EUSAGE;
    if (!path == !out)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_render: give either a path or a buffer");
    if ((unsigned)t->format > CR_OUTPUT_SVG || (unsigned)t->backend > CR_BACKEND_CAIRO)
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "cr_render: format %d or backend %d out of range", (int)t->format,
                            (int)t->backend);
    if (out)
        return render_one(d, fonts, t, t->page, out, err);
    if (t->format == CR_OUTPUT_PNG)
        return write_pages(d, fonts, t, path, write_failed, err);
    cr_buffer file = {0};
    cr_status st = render_one(d, fonts, t, t->page, &file, err);
    if (st == CR_OK) {
        if ((st = cr_write_atomic(path, file.data, file.len, err)) != CR_OK)
            *write_failed = true;
        else if (t->wrote)
            t->wrote(t->wrote_data, file.data, file.len);
    }
    cr_buffer_free(&file);
    return st;
}
