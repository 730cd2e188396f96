/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the display list (see certreport/display.h and dlist.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certreport/display.h"
#include "certreport/fonts.h"
#include "certreport/io.h"
#include "args.h"
#include "dlist.h"
#include "text.h"

bool cr_dlist_init(cr_dlist *l, float w, float h)
{
    return cr_dlist_init_arena(l, w, h, cr_arena_new());
}

bool cr_dlist_init_arena(cr_dlist *l, float w, float h, cr_arena *a)
{
    memset(l, 0, sizeof *l);
    if (!a)
        return false;
    l->d = cr_arena_alloc(a, sizeof *l->d);
    if (!l->d) {
        cr_arena_free(a);
        return false;
    }
    l->d->arena_ = a;
    l->d->page_w = w;
    l->d->page_h = h;
    return true;
}

const char *cr_dlist_str(cr_dlist *l, const char *s)
{
    const char *c = cr_arena_strdup(l->d->arena_, s);
    if (s && !c)
        l->oom = true;
    return c;
}

bool cr_dlist_reserve(cr_dlist *l, size_t cap)
{
    if (l->oom)
        return false;
    if (cap <= l->cap)
        return true;
    /* In the list's arena, where the finished display keeps them: no copy when it is handed
     * over. A block outgrown stays in the arena until the display is freed (when the room
     * reserved was too little: not expected). */
    cr_op *n = cap <= SIZE_MAX / sizeof *n ? cr_arena_alloc_uninit(l->d->arena_, cap * sizeof *n)
                                           : NULL; /* each op written whole when added */
    if (!n) {
        l->oom = true;
        return false;
    }
    if (l->d->nops && l->ops)
        memcpy(n, l->ops, l->d->nops * sizeof *n);
    l->ops = n;
    l->cap = cap;
    return true;
}

cr_op *cr_dlist_add(cr_dlist *l, const cr_op *op)
{
    if (l->oom)
        return NULL;
    if (l->d->nops == l->cap && !cr_dlist_reserve(l, l->cap ? l->cap * 2 : 1024))
        return NULL;
    cr_op *o = &l->ops[l->d->nops];
    *o = *op;
    o->text = cr_dlist_str(l, op->text);
    o->uri = cr_dlist_str(l, op->uri);
    if (op->npoints) {
        cr_point *p = cr_arena_calloc(l->d->arena_, op->npoints, sizeof *p);
        if (!p) {
            l->oom = true;
            return NULL;
        }
        memcpy(p, op->pts, op->npoints * sizeof *p);
        o->pts = p;
    }
    if (l->oom)
        return NULL;
    l->d->nops++;
    if (op->kind == CR_OP_PAGE)
        l->d->npages++;
    return o;
}

void cr_dlist_add_kept(cr_dlist *l, const cr_op *ops, size_t n)
{
    if (l->oom || !n || (l->cap - l->d->nops < n && !cr_dlist_reserve(l, l->d->nops + n + l->cap)))
        return;
    memcpy(l->ops + l->d->nops, ops, n * sizeof *ops);
    l->d->nops += n;
    for (size_t i = 0; i < n; i++)
        l->d->npages += ops[i].kind == CR_OP_PAGE;
}

cr_display *cr_dlist_finish(cr_dlist *l)
{
    if (l->oom) {
        cr_dlist_discard(l);
        return NULL;
    }
    /* The ops are in the arena already: one free releases everything. */
    if (!l->ops && !cr_dlist_reserve(l, 1)) {
        cr_dlist_discard(l);
        return NULL;
    }
    l->d->ops = l->ops;
    l->ops = NULL;
    cr_display *d = l->d;
    l->d = NULL;
    return d;
}

void cr_dlist_discard(cr_dlist *l)
{
    if (l->d)
        cr_arena_free(l->d->arena_);
    memset(l, 0, sizeof *l);
}

void cr_display_free(cr_display *d)
{
    if (d)
        cr_arena_free(d->arena_);
}

const char *cr_role_name(cr_role role)
{
    static const char *const names[CR_ROLE_COUNT] = {
        "Document", "Sect", "H1", "H2", "H3",     "P",       "L",    "LI",   "Lbl",     "LBody",
        "Table",    "TR",   "TH", "TD", "Figure", "Caption", "Link", "Span", "Artifact"};
    return (int)role >= 0 && role < CR_ROLE_COUNT ? names[role] : NULL;
}

/* Numbers to 0.01 in the C locale, whatever setlocale says: printed by hand. */
static void num(FILE *f, float v)
{
    long c = (long)(v * 100.0f + (v < 0 ? -0.5f : 0.5f));
    if (c < 0) {
        fputc('-', f);
        c = -c;
    }
    fprintf(f, "%ld.%02ld", c / 100, c % 100);
}

static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void rgb(FILE *f, cr_rgb c)
{
    fprintf(f, " #%02x%02x%02x", c.r, c.g, c.b);
}

char *cr_display_dump(const cr_display *d, cr_error *err)
{
    static const char *const faces[] = {"regular", "bold", "italic", "bold-italic"};
    char *buf = NULL;
    size_t len = 0;
    if (CR_ARG_NULL(d, err) || (d->nops && CR_ARG_NULL(d->ops, err)))
        return NULL;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    fprintf(f, "display ");
    num(f, d->page_w);
    fputc(' ', f);
    num(f, d->page_h);
    fprintf(f, " pages %zu anchors %d\n", d->npages, d->nanchors);
    fprintf(f, "info title ");
    quoted(f, d->info.title);
    fprintf(f, " lang ");
    quoted(f, d->info.lang);
    fprintf(f, " created %lld\n", d->info.created);
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        switch (o->kind) {
        case CR_OP_PAGE:
            fprintf(f, "page\n");
            continue;
        case CR_OP_TEXT:
            fprintf(f, "  text ");
            break;
        case CR_OP_RECT:
            fprintf(f, "  rect ");
            break;
        case CR_OP_LINE:
            fprintf(f, "  line ");
            break;
        case CR_OP_POLY:
            fprintf(f, "  poly");
            for (size_t k = 0; k < o->npoints; k++) {
                fputc(' ', f);
                num(f, o->pts[k].x);
                fputc(',', f);
                num(f, o->pts[k].y);
            }
            rgb(f, o->color);
            fputc('\n', f);
            continue;
        case CR_OP_LINK:
            fprintf(f, "  link ");
            break;
        case CR_OP_GOTO:
            fprintf(f, "  goto ");
            break;
        case CR_OP_ANCHOR:
            fprintf(f, "  anchor ");
            break;
        case CR_OP_BOOKMARK:
            fprintf(f, "  bookmark %d ", o->level);
            quoted(f, o->text);
            fprintf(f, " -> %d\n", o->target);
            continue;
        case CR_OP_BEGIN:
            fprintf(f, "  <%s", cr_role_name(o->role) ? cr_role_name(o->role) : "?");
            if (o->text) {
                fputc(' ', f);
                quoted(f, o->text);
            }
            if (o->lang) {
                fputs(" lang ", f);
                quoted(f, o->lang);
            }
            fprintf(f, ">\n");
            continue;
        case CR_OP_END:
            fprintf(f, "  </>\n");
            continue;
        }
        num(f, o->x);
        fputc(' ', f);
        num(f, o->y);
        if (o->kind != CR_OP_TEXT && o->kind != CR_OP_ANCHOR) {
            fputc(' ', f);
            num(f, o->w);
            fputc(' ', f);
            num(f, o->h);
        }
        switch (o->kind) {
        case CR_OP_TEXT:
            fprintf(f, " %s ", (unsigned)o->face < CR_FACE_COUNT ? faces[o->face] : "?");
            num(f, o->size);
            rgb(f, o->color);
            if (o->font == CR_FONT_PLACEHOLDER) /* only text outside the faces says its font */
                fprintf(f, " placeholder");
            else if (o->font != CR_FONT_FACE)
                fprintf(f, " fallback %u", (unsigned)o->font - 1u);
            fputc(' ', f);
            quoted(f, o->text);
            break;
        case CR_OP_RECT:
            if (o->fill)
                rgb(f, o->color);
            if (o->stroke) {
                fprintf(f, " stroke");
                rgb(f, o->stroke_color);
                fputc(' ', f);
                num(f, o->line_width);
            }
            break;
        case CR_OP_LINE:
            rgb(f, o->stroke_color);
            fputc(' ', f);
            num(f, o->line_width);
            break;
        case CR_OP_LINK:
            fputc(' ', f);
            quoted(f, o->uri);
            break;
        case CR_OP_GOTO:
        case CR_OP_ANCHOR:
            fprintf(f, " -> %d", o->target);
            break;
        default:
            break;
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0 || !buf) {
        free(buf);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    return buf;
}

void cr_buffer_free(cr_buffer *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

/* ---- the one check of a display list, before any backend paints it ---- */

static bool finite4(const cr_op *op)
{
    return isfinite(op->x) && isfinite(op->y) && isfinite(op->w) && isfinite(op->h);
}

static bool page_side(float v)
{
    return v >= CR_DISPLAY_MIN_PAGE && v <= CR_DISPLAY_MAX_PAGE;
}

static const char *bad_utf8(const char *s)
{
    long line;
    const char *why = NULL;
    if (s && !cr_utf8_check(s, strlen(s), &line, &why))
        return why ? why : "invalid";
    return NULL;
}

/* What is wrong with op |i| taken alone (NULL: nothing); |depth|, |artifact| and |placed| follow
 * the structure and the anchors. */
static const char *bad_op(const cr_display *d, const struct cr_fonts *fonts, const cr_op *op,
                          size_t pages, size_t *depth, bool *artifact, unsigned char *placed,
                          char *why, size_t size)
{
    const char *u = NULL;
    if (op->kind != CR_OP_PAGE && op->kind != CR_OP_BOOKMARK && pages == 0)
        return "drawing before the first page";
    if (op->kind != CR_OP_POLY && op->kind != CR_OP_BOOKMARK &&
        (!finite4(op) || !isfinite(op->size) || !isfinite(op->line_width)))
        return "non-finite coordinates";
    switch (op->kind) {
    case CR_OP_PAGE:
        if ((op->w > 0 && !page_side(op->w)) || (op->h > 0 && !page_side(op->h)))
            return "bad page size";
        return NULL;
    case CR_OP_TEXT:
        if ((unsigned)op->face >= CR_FACE_COUNT)
            return "no such face";
        if (!(op->size > 0 && op->size <= CR_DISPLAY_MAX_FONT_SIZE))
            return "bad font size";
        if (op->font != CR_FONT_FACE && op->font != CR_FONT_PLACEHOLDER &&
            op->font > cr_fonts_fallback_count(fonts))
            return "no such fallback font";
        u = bad_utf8(op->text);
        break;
    case CR_OP_RECT:
    case CR_OP_LINE:
        if ((op->kind == CR_OP_LINE || op->stroke) &&
            !(op->line_width >= 0 && op->line_width <= CR_DISPLAY_MAX_LINE_WIDTH))
            return "bad line width";
        return NULL;
    case CR_OP_POLY:
        if (op->npoints > 0 && !op->pts)
            return "polygon without points";
        for (size_t k = 0; k < op->npoints; k++)
            if (!isfinite(op->pts[k].x) || !isfinite(op->pts[k].y))
                return "non-finite coordinates";
        return NULL;
    case CR_OP_LINK:
        u = bad_utf8(op->uri);
        break;
    case CR_OP_GOTO:
        return op->target < 0 || op->target >= d->nanchors ? "anchor number out of range" : NULL;
    case CR_OP_BOOKMARK:
        if (op->target < 0 || op->target >= d->nanchors)
            return "anchor number out of range";
        u = bad_utf8(op->text);
        break;
    case CR_OP_ANCHOR:
        if (op->target < 0 || op->target >= d->nanchors)
            return "anchor number out of range";
        if (placed[op->target])
            return "anchor placed twice";
        placed[op->target] = 1;
        return NULL;
    case CR_OP_BEGIN:
        if (!cr_role_name(op->role))
            return "no such structure role";
        if (*artifact)
            return "structure element inside an artifact";
        if (op->role == CR_ROLE_ARTIFACT)
            *artifact = true;
        else if (*depth == CR_DISPLAY_MAX_DEPTH)
            return "structure nested too deep";
        else
            ++*depth;
        u = bad_utf8(op->text) ? bad_utf8(op->text) : bad_utf8(op->lang); /* alt text, language */
        break;
    case CR_OP_END:
        if (*artifact)
            *artifact = false;
        else if (*depth == 0)
            return "END without BEGIN";
        else
            --*depth;
        return NULL;
    default:
        return "unknown op";
    }
    if (!u)
        return NULL;
    snprintf(why, size, "invalid UTF-8 in the display list (%s)", u);
    return why;
}

cr_status cr_display_check(const cr_display *d, const struct cr_fonts *fonts, size_t *npages,
                           cr_error *err)
{
    if (npages)
        *npages = 0;
    if (CR_ARG_NULL(d, err) || CR_ARG_NULL(fonts, err))
        return CR_EUSAGE;
    if (!page_side(d->page_w) || !page_side(d->page_h))
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "display list: bad page size %.2f x %.2f",
                            (double)d->page_w, (double)d->page_h);
    if (d->nops > 0 && !d->ops)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_display_check: ops NULL with nops %zu",
                            d->nops);
    if (d->nanchors < 0)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "display list: negative anchor count");
    const char *const info[] = {d->info.title,   d->info.author,   d->info.subject,
                                d->info.creator, d->info.keywords, d->info.lang};
    for (size_t k = 0; k < sizeof info / sizeof *info; k++) {
        const char *u = bad_utf8(info[k]);
        if (u)
            return cr_error_set(err, CR_EUSAGE, NULL, 0,
                                "invalid UTF-8 in the display list (document info: %s)", u);
    }
    unsigned char *placed = calloc(d->nanchors > 0 ? (size_t)d->nanchors : 1, 1);
    if (!placed)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    cr_status st = CR_OK;
    size_t pages = 0, depth = 0;
    bool artifact = false;
    char why[200];
    for (size_t i = 0; i < d->nops && st == CR_OK; i++) {
        const cr_op *op = &d->ops[i];
        pages += op->kind == CR_OP_PAGE;
        const char *bad = bad_op(d, fonts, op, pages, &depth, &artifact, placed, why, sizeof why);
        if (bad)
            st = cr_error_set(err, CR_EUSAGE, NULL, 0, "display list op %zu: %s", i, bad);
    }
    if (st == CR_OK && pages == 0)
        st = cr_error_set(err, CR_EUSAGE, NULL, 0, "display list: no pages");
    /* Links and bookmarks may point forward: checked once every anchor is known. */
    for (size_t i = 0; i < d->nops && st == CR_OK; i++) {
        const cr_op *op = &d->ops[i];
        if ((op->kind == CR_OP_GOTO || op->kind == CR_OP_BOOKMARK) && !placed[op->target])
            st = cr_error_set(err, CR_EUSAGE, NULL, 0,
                              "display list op %zu: %s to anchor %d, which is not placed", i,
                              op->kind == CR_OP_GOTO ? "link" : "bookmark", op->target);
    }
    free(placed);
    if (st == CR_OK && (depth || artifact))
        st = cr_error_set(err, CR_EUSAGE, NULL, 0,
                          "display list: a structure element is never closed");
    if (st == CR_OK && npages)
        *npages = pages;
    return st;
}
