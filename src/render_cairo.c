/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the cairo backend (see certreport/render.h). Paints a display list as a PDF (every
 * page), or one page as an SVG or a PNG, into memory.
 *
 * Fonts: cairo draws with FreeType faces opened on copies of the very bytes the layout measured
 * (cr_fonts_data), with hinting and metric hinting off, so what was measured is what is drawn.
 * A text run in a fallback font (op.font, display.h) is drawn with that font, opened the first
 * time the render needs it; a placeholder run with the face, whose .notdef box cairo draws for
 * each character it lacks.
 *
 * Threads: batch runs render in parallel, so nothing here is global and mutable. Every call opens
 * its own FT_Library per face. cairo may keep a font face alive after the call returns (its
 * scaled-font cache holds recently used fonts and may release them later, from whichever thread
 * happens to push them out), so each face owns everything it needs -- its own FT_Library, its
 * FT_Face and a private copy of the font bytes -- and frees it all in the font face's user-data
 * destructor, whenever and wherever cairo calls it. Nothing it needs belongs to the caller.
 *
 * Errors: the display list is checked before anything is drawn (valid UTF-8, finite numbers,
 * anchors that exist), because some mistakes put a cairo context in a permanent error state;
 * cairo's own status is checked after each page and at the end. On failure |out| is empty. */
#define _POSIX_C_SOURCE 200809L
#include "certreport/render.h"
#include "args.h"
#include "pdf_untag.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo.h>
#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "text.h"

#define MAX_PNG_SIDE 20000 /* pixels per side of a PNG (cairo's own limit is 32767) */
#define MAX_OUTLINE_DEPTH 32

/* ---- output: a growing memory buffer ---- */

typedef struct sink {
    unsigned char *data;
    size_t len, cap;
    int oom;
} sink;

/* Out of memory, the sink drops the rest and remembers; it never reports a write error, because
 * cairo 1.16 reads freed memory while finishing a PDF surface after one (the failing-allocator
 * test found it). The caller checks |oom| after the surface is finished. */
static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (s->oom)
        return CAIRO_STATUS_SUCCESS;
    if (length > s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 64u * 1024u;
        while (cap - s->len < length) {
            if (cap > SIZE_MAX / 2) {
                s->oom = 1;
                return CAIRO_STATUS_SUCCESS;
            }
            cap *= 2;
        }
        unsigned char *n = realloc(s->data, cap);
        if (!n) {
            s->oom = 1;
            return CAIRO_STATUS_SUCCESS;
        }
        s->data = n;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* ---- fonts ---- */

typedef struct ft_holder {
    FT_Library lib;
    FT_Face face;
    unsigned char *data;
} ft_holder;

static const cairo_user_data_key_t ft_holder_key; /* its address is the key; never written */

static void ft_holder_free(void *p)
{
    ft_holder *h = p;
    if (!h)
        return;
    if (h->face)
        FT_Done_Face(h->face);
    if (h->lib)
        FT_Done_FreeType(h->lib);
    free(h->data);
    free(h);
}

/* A cairo font face for |face| of |fonts| (|face| >= CR_FACE_COUNT: fallback font
 * |face| - CR_FACE_COUNT), or NULL with |err| set. */
static cairo_font_face_t *make_face(const cr_fonts *fonts, int face, cr_error *err)
{
    size_t len = 0;
    const unsigned char *bytes;
    const char *path;
    if (face < CR_FACE_COUNT) {
        bytes = cr_fonts_data(fonts, (cr_face)face, &len);
        path = cr_fonts_path(fonts, (cr_face)face);
    } else {
        bytes = cr_fonts_fallback_data(fonts, (size_t)(face - CR_FACE_COUNT), &len);
        path = cr_fonts_fallback_path(fonts, (size_t)(face - CR_FACE_COUNT));
    }
    if (!bytes || len == 0 || len > (size_t)LONG_MAX) {
        cr_error_set(err, CR_EUSAGE, path, 0, "font data missing");
        return NULL;
    }
    ft_holder *h = calloc(1, sizeof *h);
    if (!h || !(h->data = malloc(len))) {
        free(h);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    memcpy(h->data, bytes, len);
    if (FT_Init_FreeType(&h->lib) != 0) {
        h->lib = NULL;
        ft_holder_free(h);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "cannot start FreeType");
        return NULL;
    }
    if (FT_New_Memory_Face(h->lib, h->data, (FT_Long)len, 0, &h->face) != 0) {
        h->face = NULL;
        ft_holder_free(h);
        cr_error_set(err, CR_EIO, path, 0, "not a usable TrueType font");
        return NULL;
    }
    cairo_font_face_t *ff = cairo_ft_font_face_create_for_ft_face(h->face, FT_LOAD_NO_HINTING);
    if (cairo_font_face_status(ff) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(ff);
        ft_holder_free(h);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "cairo cannot use the font");
        return NULL;
    }
    if (cairo_font_face_set_user_data(ff, &ft_holder_key, h, ft_holder_free) !=
        CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(ff); /* before the face it uses goes */
        ft_holder_free(h);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    return ff;
}

/* ---- attribute strings for cairo tags (C locale by hand: snprintf's %f follows setlocale) ---- */

typedef struct attrs {
    char *buf;
    size_t len, cap;
    int oom;
} attrs;

static void attrs_put(attrs *a, const char *s, size_t n)
{
    if (a->oom)
        return;
    if (n + 1 > a->cap - a->len) {
        size_t cap = a->cap ? a->cap : 256;
        while (n + 1 > cap - a->len)
            cap *= 2;
        char *b = realloc(a->buf, cap);
        if (!b) {
            a->oom = 1;
            return;
        }
        a->buf = b;
        a->cap = cap;
    }
    memcpy(a->buf + a->len, s, n);
    a->len += n;
    a->buf[a->len] = '\0';
}

static void attrs_str(attrs *a, const char *s)
{
    attrs_put(a, s, strlen(s));
}

/* A number to 0.01, C locale. */
static void attrs_num(attrs *a, double v)
{
    char b[64];
    long long c = llround(v * 100.0);
    const char *sign = c < 0 ? "-" : "";
    if (c < 0)
        c = -c;
    int n = snprintf(b, sizeof b, "%s%lld.%02lld", sign, c / 100, c % 100);
    attrs_put(a, b, (size_t)n);
}

/* A quoted URI. cairo 1.16 copies it into the PDF string unescaped, so a backslash or an
 * unbalanced parenthesis would break the file: those, spaces, controls and non-ASCII bytes are
 * percent-encoded (the same URI for any browser; a PDF URI is 7-bit ASCII anyway). */
static void attrs_uri(attrs *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    attrs_put(a, "'", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '(' || c == ')') {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            attrs_put(a, e, 3);
            continue;
        }
        if (c == '\'')
            attrs_put(a, "\\", 1);
        attrs_put(a, s, 1);
    }
    attrs_put(a, "'", 1);
}

static void attrs_anchor(attrs *a, int target)
{
    char b[32];
    int n = snprintf(b, sizeof b, "'a%d'", target);
    attrs_put(a, b, (size_t)n);
}

static void attrs_rect(attrs *a, const cr_op *o)
{
    attrs_str(a, " rect=[");
    attrs_num(a, o->x);
    attrs_str(a, " ");
    attrs_num(a, o->y);
    attrs_str(a, " ");
    attrs_num(a, o->w);
    attrs_str(a, " ");
    attrs_num(a, o->h);
    attrs_str(a, "]");
}

/* ---- painting ---- */

typedef struct painter {
    cairo_t *cr;
    cairo_surface_t *surface;
    int pdf;
    cairo_font_face_t *faces[CR_FACE_COUNT + CR_FONTS_MAX_FALLBACK]; /* fallbacks: on demand */
    const cr_fonts *fonts;
    cr_error *err;
    int font_failed;                /* a fallback font could not be opened (|err| says why) */
    int outline[MAX_OUTLINE_DEPTH]; /* id of the last bookmark at each level */
    int depth;                      /* levels open */
    attrs a;
} painter;

static void set_rgb(cairo_t *cr, cr_rgb c)
{
    cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0);
}

static void paint_op(painter *p, const cr_op *o)
{
    cairo_t *cr = p->cr;
    switch (o->kind) {
    case CR_OP_PAGE:
        break;
    case CR_OP_TEXT:
        if (!o->text || !*o->text)
            break;
        int slot = o->font == CR_FONT_FACE || o->font == CR_FONT_PLACEHOLDER
                       ? (int)o->face
                       : CR_FACE_COUNT + o->font - 1;
        if (!p->faces[slot] && !(p->faces[slot] = make_face(p->fonts, slot, p->err))) {
            p->font_failed = 1;
            break;
        }
        cairo_set_font_face(cr, p->faces[slot]);
        cairo_set_font_size(cr, o->size);
        set_rgb(cr, o->color);
        cairo_move_to(cr, o->x, o->y);
        cairo_show_text(cr, o->text);
        cairo_new_path(cr);
        break;
    case CR_OP_RECT:
        if (!o->fill && !(o->stroke && o->line_width > 0.0f))
            break;
        cairo_rectangle(cr, o->x, o->y, o->w, o->h);
        if (o->fill) {
            set_rgb(cr, o->color);
            if (o->stroke && o->line_width > 0.0f)
                cairo_fill_preserve(cr);
            else
                cairo_fill(cr);
        }
        if (o->stroke && o->line_width > 0.0f) {
            set_rgb(cr, o->stroke_color);
            cairo_set_line_width(cr, o->line_width);
            cairo_stroke(cr);
        }
        break;
    case CR_OP_LINE:
        if (!(o->line_width > 0.0f))
            break;
        set_rgb(cr, o->stroke_color);
        cairo_set_line_width(cr, o->line_width);
        cairo_move_to(cr, o->x, o->y);
        cairo_line_to(cr, (double)o->x + o->w, (double)o->y + o->h);
        cairo_stroke(cr);
        break;
    case CR_OP_POLY:
        if (o->npoints < 3)
            break;
        cairo_move_to(cr, o->pts[0].x, o->pts[0].y);
        for (size_t k = 1; k < o->npoints; k++)
            cairo_line_to(cr, o->pts[k].x, o->pts[k].y);
        cairo_close_path(cr);
        set_rgb(cr, o->color);
        cairo_fill(cr);
        break;
    case CR_OP_LINK:
    case CR_OP_GOTO:
        if (!p->pdf || (o->kind == CR_OP_LINK && (!o->uri || !*o->uri)))
            break;
        p->a.len = 0;
        attrs_str(&p->a, o->kind == CR_OP_LINK ? "uri=" : "dest=");
        if (o->kind == CR_OP_LINK)
            attrs_uri(&p->a, o->uri);
        else
            attrs_anchor(&p->a, o->target);
        attrs_rect(&p->a, o);
        if (p->a.oom)
            break;
        cairo_tag_begin(cr, CAIRO_TAG_LINK, p->a.buf);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        break;
    case CR_OP_ANCHOR:
        if (!p->pdf)
            break;
        p->a.len = 0;
        attrs_str(&p->a, "name=");
        attrs_anchor(&p->a, o->target);
        attrs_str(&p->a, " x=");
        attrs_num(&p->a, o->x);
        attrs_str(&p->a, " y=");
        attrs_num(&p->a, o->y);
        if (p->a.oom)
            break;
        cairo_tag_begin(cr, CAIRO_TAG_DEST, p->a.buf);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        break;
    case CR_OP_BOOKMARK: {
        if (!p->pdf)
            break;
        int level = o->level < 0 ? 0 : o->level;
        if (level > p->depth) /* no skipping levels: hang it under the deepest open one */
            level = p->depth;
        if (level >= MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH - 1;
        p->a.len = 0;
        attrs_str(&p->a, "dest=");
        attrs_anchor(&p->a, o->target);
        if (p->a.oom)
            break;
        int parent = level == 0 ? CAIRO_PDF_OUTLINE_ROOT : p->outline[level - 1];
        p->outline[level] = cairo_pdf_surface_add_outline(
            p->surface, parent, o->text ? o->text : "", p->a.buf, CAIRO_PDF_OUTLINE_FLAG_OPEN);
        p->depth = level + 1;
        break;
    }
    case CR_OP_BEGIN: /* structure: cairo 1.16 can set neither alternative text nor /Lang, so */
    case CR_OP_END:   /* this backend does not tag (the libharu backend does) */
        break;
    }
}

/* cairo numbers SVG surfaces from a process-wide counter, so the page group's id
 * (<g id="surface1234">) differs from one render to the next. When that is the only mention of a
 * surface (nothing refers to it) it becomes "surface1": the same list gives the same bytes. */
static void svg_fixed_surface_id(sink *s)
{
    static const char tag[] = "<g id=\"surface";
    const size_t tn = sizeof tag - 1;
    size_t at = SIZE_MAX, mentions = 0;
    for (size_t i = 0; i + 7 <= s->len; i++)
        if (memcmp(s->data + i, "surface", 7) == 0) {
            mentions++;
            if (i >= tn - 7 && memcmp(s->data + i - (tn - 7), tag, tn) == 0)
                at = i + 7;
        }
    if (mentions != 1 || at == SIZE_MAX)
        return;
    size_t end = at;
    while (end < s->len && s->data[end] >= '0' && s->data[end] <= '9')
        end++;
    if (end == at || end >= s->len || s->data[end] != '"')
        return;
    s->data[at] = '1';
    memmove(s->data + at + 1, s->data + end, s->len - end);
    s->len -= end - at - 1;
}

/* ISO 8601 UTC of |t| ("2023-07-14T12:00:00Z"); false when out of range. */
static int iso_date(long long t, char *buf, size_t size)
{
    if (t < -62135596800LL || t > 253402300799LL) /* years 1 .. 9999 */
        return 0;
    time_t tt = (time_t)t;
    struct tm tm;
    if ((long long)tt != t || !gmtime_r(&tt, &tm))
        return 0;
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return 1;
}

static cr_status cairo_failure(cairo_status_t s, const sink *out, cr_error *err)
{
    if (s == CAIRO_STATUS_NO_MEMORY || out->oom)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    return cr_error_set(err, CR_EIO, NULL, 0, "cairo: %s", cairo_status_to_string(s));
}

cr_status cr_render_cairo(const cr_display *d, const cr_fonts *fonts, cr_cairo_format format,
                          size_t page, double dpi, cr_buffer *out, cr_error *err)
{
    if (out) {
        out->data = NULL;
        out->len = 0;
    }
    if (CR_ARG_NULL(d, err) || CR_ARG_NULL(fonts, err) || CR_ARG_NULL(out, err))
        return CR_EUSAGE;
    if (format != CR_CAIRO_PDF && format != CR_CAIRO_SVG && format != CR_CAIRO_PNG)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_render_cairo: unknown format %d",
                            (int)format);
    size_t npages = 0;
    cr_status st = cr_display_check(d, fonts, &npages, err);
    if (st != CR_OK)
        return st;
    if (format != CR_CAIRO_PDF && page >= npages)
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "page %zu does not exist: the report has %zu page%s (numbered from 0)",
                            page, npages, npages == 1 ? "" : "s");
    int pw = 0, ph = 0;
    char date[80];
    if (format == CR_CAIRO_PNG) {
        if (!isfinite(dpi) || dpi < 1.0 || dpi > 4800.0)
            return cr_error_set(err, CR_EUSAGE, NULL, 0,
                                "resolution %g dpi is not usable (1 to 4800)", dpi);
        double w = floor(d->page_w * dpi / 72.0 + 0.5), h = floor(d->page_h * dpi / 72.0 + 0.5);
        if (w > MAX_PNG_SIDE || h > MAX_PNG_SIDE)
            return cr_error_set(err, CR_EUSAGE, NULL, 0,
                                "a PNG of %.0f x %.0f pixels is too large (at most %d per side)", w,
                                h, MAX_PNG_SIDE);
        pw = w < 1 ? 1 : (int)w;
        ph = h < 1 ? 1 : (int)h;
    } else if (format == CR_CAIRO_PDF && !iso_date(d->info.created, date, sizeof date)) {
        return cr_error_set(err, CR_EINPUT, NULL, 0, "creation date %lld is out of range",
                            d->info.created);
    }

    painter p;
    memset(&p, 0, sizeof p);
    p.pdf = format == CR_CAIRO_PDF;
    p.fonts = fonts;
    p.err = err;
    for (int k = 0; k < CR_FACE_COUNT; k++) {
        p.faces[k] = make_face(fonts, k, err);
        if (!p.faces[k]) {
            for (int j = 0; j < k; j++)
                cairo_font_face_destroy(p.faces[j]);
            return err ? err->code : CR_ENOMEM;
        }
    }

    sink s;
    memset(&s, 0, sizeof s);
    switch (format) {
    case CR_CAIRO_PDF:
        p.surface = cairo_pdf_surface_create_for_stream(sink_write, &s, d->page_w, d->page_h);
        break;
    case CR_CAIRO_SVG:
        p.surface = cairo_svg_surface_create_for_stream(sink_write, &s, d->page_w, d->page_h);
        break;
    case CR_CAIRO_PNG:
        p.surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
        break;
    }
    p.cr = cairo_create(p.surface);
    cairo_status_t cs = cairo_status(p.cr);
    if (cs == CAIRO_STATUS_SUCCESS && format == CR_CAIRO_PDF) {
        const struct {
            cairo_pdf_metadata_t key;
            const char *value;
        } meta[] = {
            {CAIRO_PDF_METADATA_TITLE, d->info.title},
            {CAIRO_PDF_METADATA_AUTHOR, d->info.author},
            {CAIRO_PDF_METADATA_SUBJECT, d->info.subject},
            {CAIRO_PDF_METADATA_KEYWORDS, d->info.keywords},
            {CAIRO_PDF_METADATA_CREATOR, d->info.creator},
            /* Fixed dates keep the file byte-reproducible (cairo would use the clock). cairo 1.16
             * writes them as "(20230714120000Z)": a PDF date without its "D:" prefix, which
             * poppler and qpdf accept; later cairo versions add the prefix. */
            {CAIRO_PDF_METADATA_CREATE_DATE, date},
            {CAIRO_PDF_METADATA_MOD_DATE, date},
        };
        for (size_t k = 0; k < sizeof meta / sizeof *meta; k++)
            if (meta[k].value && *meta[k].value)
                cairo_pdf_surface_set_metadata(p.surface, meta[k].key, meta[k].value);
    } else if (cs == CAIRO_STATUS_SUCCESS && format == CR_CAIRO_SVG) {
        cairo_svg_surface_set_document_unit(p.surface, CAIRO_SVG_UNIT_PT);
    }
    if (cs == CAIRO_STATUS_SUCCESS) {
        /* Unhinted outlines and advances: the layout's widths are exact. */
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_set_font_options(p.cr, fo);
        cairo_font_options_destroy(fo);
        if (format == CR_CAIRO_PNG) {
            cairo_set_source_rgb(p.cr, 1, 1, 1);
            cairo_paint(p.cr);
            cairo_scale(p.cr, dpi / 72.0, dpi / 72.0);
        }
        cairo_set_line_join(p.cr, CAIRO_LINE_JOIN_MITER);
        cairo_set_line_cap(p.cr, CAIRO_LINE_CAP_BUTT);
        cs = cairo_status(p.cr);
    }

    /* cairo 1.16 makes a structure element of every link but writes the structure tree only
     * when there is a structure tag besides links: without one the file refers to objects it
     * never writes (qpdf: "file is damaged"). So a PDF with links gets one "Document" element
     * around all its pages (and with it a /StructTreeRoot and /MarkInfo). */
    int document_tag = 0;
    if (format == CR_CAIRO_PDF && cs == CAIRO_STATUS_SUCCESS) {
        for (size_t i = 0; i < d->nops && !document_tag; i++)
            document_tag = d->ops[i].kind == CR_OP_LINK || d->ops[i].kind == CR_OP_GOTO;
        if (document_tag)
            cairo_tag_begin(p.cr, "Document", NULL);
    }

    size_t cur = 0; /* 1-based number of the page being painted */
    for (size_t i = 0; i < d->nops && cs == CAIRO_STATUS_SUCCESS; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind == CR_OP_PAGE) {
            if (format != CR_CAIRO_PDF && cur == page + 1)
                break; /* the one page is done */
            if (cur > 0) {
                cs = cairo_status(p.cr);
                if (cs != CAIRO_STATUS_SUCCESS)
                    break;
                if (format == CR_CAIRO_PDF)
                    cairo_show_page(p.cr);
            }
            cur++;
            continue;
        }
        if (format != CR_CAIRO_PDF && cur != page + 1)
            continue;
        paint_op(&p, o);
        if (p.a.oom) {
            s.oom = 1;
            cs = CAIRO_STATUS_NO_MEMORY;
        }
        if (p.font_failed)
            break;
    }
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_status(p.cr);
    if (cs == CAIRO_STATUS_SUCCESS && document_tag)
        cairo_tag_end(p.cr, "Document");
    if (cs == CAIRO_STATUS_SUCCESS && format == CR_CAIRO_PDF)
        cairo_show_page(p.cr);
    cairo_destroy(p.cr);
    if (cs == CAIRO_STATUS_SUCCESS) {
        if (format == CR_CAIRO_PNG) {
            cairo_surface_flush(p.surface);
            cs = cairo_surface_write_to_png_stream(p.surface, sink_write, &s);
        } else {
            cairo_surface_finish(p.surface); /* writes the rest of the file */
            cs = cairo_surface_status(p.surface);
        }
    }
    cairo_surface_destroy(p.surface);
    for (size_t k = 0; k < sizeof p.faces / sizeof *p.faces; k++)
        if (p.faces[k])
            cairo_font_face_destroy(p.faces[k]);
    free(p.a.buf);
    if (p.font_failed) {
        free(s.data);
        return err && err->code != CR_OK ? err->code : CR_EIO;
    }
    if (cs == CAIRO_STATUS_SUCCESS && !s.oom && s.len == 0)
        cs = CAIRO_STATUS_WRITE_ERROR;
    if (cs != CAIRO_STATUS_SUCCESS || s.oom) {
        free(s.data);
        return cairo_failure(cs, &s, err);
    }
    if (format == CR_CAIRO_SVG)
        svg_fixed_surface_id(&s);
    if (format == CR_CAIRO_PDF) { /* not tagged, and saying so (see pdf_untag.h) */
        unsigned char *untagged = NULL;
        size_t ulen = 0;
        if (cr_pdf_untag(s.data, s.len, &untagged, &ulen, err) != CR_OK) {
            free(s.data);
            return CR_ENOMEM;
        }
        if (untagged) {
            free(s.data);
            s.data = untagged;
            s.len = ulen;
        }
    }
    /* Give back only what is used. */
    unsigned char *fit = realloc(s.data, s.len);
    out->data = fit ? fit : s.data;
    out->len = s.len;
    return CR_OK;
}
