/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the drawing primitives the layouts share (see layout_draw.h). */
#include "layout_draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cr_draw_init(cr_draw *d, const cr_catalog *cat, const cr_layout_spec *sp, const cr_strings *st,
                  const cr_fonts *f, const cr_peers *peers, cr_error *err)
{
    memset(d, 0, sizeof *d);
    d->cat = cat;
    d->sp = sp;
    d->st = st;
    d->f = f;
    d->peers = peers;
    d->err = err;
    d->x0 = sp->margin_left;
    d->x1 = sp->page_w - sp->margin_right;
    d->top = sp->margin_top;
    d->bottom = sp->page_h - sp->margin_bottom;
    d->tmp = cr_arena_new();
    d->out = cr_arena_new();
    if (!d->tmp || !d->out)
        d->oom = true;
    return !d->oom;
}

bool cr_draw_use_cache(cr_draw *d, cr_layout_cache *cache)
{
    if (cache) {
        d->cache = cache;
        return true;
    }
    cr_error ignored;
    cr_error_init(&ignored);
    d->cache = cr_layout_cache_new(d->f, 1024u * 1024u, &ignored);
    d->own_cache = d->cache != NULL;
    if (!d->cache)
        d->oom = true;
    return !d->oom;
}

bool cr_draw_balance(cr_draw *d)
{
    if (d->oom || d->npages < 2)
        return false;
    float room = cr_draw_page_room(d), min = room * (float)d->sp->min_fill / 100.0f;
    bool again = false;
    for (size_t p = 1; p + 1 < d->npages; p++) {
        const cr_page *pg = &d->pages[p];
        if (!pg->cont || pg->end - d->top >= min || pg->row == 0)
            continue;
        /* Break that table a row earlier: replace the break asked for, or add one. */
        size_t k = 0;
        while (k < d->nbreaks && d->breaks[k].table != pg->table)
            k++;
        if (k == d->nbreaks) {
            if (k == CR_MAX_BREAKS)
                continue;
            d->nbreaks++;
        } else if (d->breaks[k].row <= pg->row - 1) {
            continue; /* asked already, and refused (the page before would keep too few) */
        }
        d->breaks[k] = (cr_break){pg->table, pg->row - 1};
        again = true;
    }
    return again;
}

void cr_draw_restart(cr_draw *d)
{
    for (size_t i = 0; i < d->npages; i++)
        free(d->pages[i].ops);
    d->npages = 0;
    d->nanchors = 0;
    d->depth = 0;
    d->ntables = 0;
    d->y = d->top;
}

void cr_draw_release(cr_draw *d)
{
    if (d->oom)
        cr_error_set(d->err, CR_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < d->npages; i++)
        free(d->pages[i].ops);
    free(d->pages);
    cr_arena_free(d->tmp);
    cr_arena_free(d->out);
    d->out = NULL;
    if (d->own_cache)
        cr_layout_cache_free(d->cache);
    d->cache = NULL;
    d->own_cache = false;
    d->pages = NULL;
    d->npages = d->pcap = 0;
    d->tmp = NULL;
}

cr_display *cr_draw_finish(cr_draw *d, cr_draw_decorate decorate, void *data,
                           const cr_doc_info *info)
{
    if (cr_arena_failed(d->tmp) || cr_arena_failed(d->out)) /* a text built from a failed */
        d->oom = true;                                      /* allocation would be missing */
    if (d->oom)
        return NULL;
    /* The pages' ops have their strings and points in |out| already: it becomes the display's
     * arena, and they go in as they are. */
    cr_dlist dl;
    cr_arena *arena = d->out;
    d->out = NULL; /* the list's now: freed with it (also when it fails) */
    if (!cr_dlist_init_arena(&dl, d->sp->page_w, d->sp->page_h, arena)) {
        d->oom = true;
        return NULL;
    }
    /* Room for every op at once (the pages' and some 16 of decoration each), instead of growing
     * the list by doubling and copying it each time. */
    size_t want = 8 + d->npages * 16;
    for (size_t pi = 0; pi < d->npages; pi++)
        want += d->pages[pi].n;
    cr_dlist_reserve(&dl, want); /* else cr_dlist_add grows it as it goes */
    const cr_op begin_doc = {.kind = CR_OP_BEGIN, .role = CR_ROLE_DOCUMENT},
                end = {.kind = CR_OP_END};
    for (size_t pi = 0; pi < d->npages; pi++) {
        cr_op po = {.kind = CR_OP_PAGE};
        cr_dlist_add(&dl, &po);
        if (d->tagged && pi == 0)
            cr_dlist_add(&dl, &begin_doc);
        cr_dlist_add_kept(&dl, d->pages[pi].ops, d->pages[pi].n);
        for (; d->tagged && pi + 1 == d->npages && d->depth > 0; d->depth--)
            cr_dlist_add(&dl, &end); /* an element left open (not expected) */
        if (decorate)
            decorate(d, pi, &dl, data);
    }
    if (d->tagged && d->npages)
        cr_dlist_add(&dl, &end);
    cr_display *out = cr_dlist_finish(&dl);
    if (!out) {
        d->oom = true;
        return NULL;
    }
    out->nanchors = d->nanchors;
    cr_dlist tmp = {.d = out};
    out->info.title = cr_dlist_str(&tmp, info->title);
    out->info.subject = cr_dlist_str(&tmp, info->subject);
    out->info.author = cr_dlist_str(&tmp, info->author);
    out->info.keywords = cr_dlist_str(&tmp, info->keywords);
    out->info.creator = cr_dlist_str(&tmp, info->creator);
    out->info.lang = cr_dlist_str(&tmp, info->lang);
    out->info.created = info->created;
    if (tmp.oom || d->oom) {
        cr_display_free(out);
        d->oom = true;
        return NULL;
    }
    return out;
}

static void emit_op(cr_draw *d, size_t page, const cr_op *op, bool kept);

/* Adds text op |o| -- to |dl| when given, else to the current page -- split into runs by font
 * (cr_fonts_run): each run an op of its own, placed after the runs before it, with its font in
 * op.font; ignorable characters are left out. A text the face covers (every Latin text) stays one
 * op, exactly as it was. */
static void text_runs_n(cr_draw *d, cr_dlist *dl, const cr_op *o, size_t len, bool in_face,
                        bool kept)
{
    if (!len)
        return;
    unsigned font = CR_FONT_FACE;
    size_t n = in_face ? len : cr_fonts_run(d->f, o->face, o->text, len, &font);
    if (n == len && font == CR_FONT_FACE) {
        if (dl)
            cr_dlist_add(dl, o);
        else
            emit_op(d, d->npages - 1, o, kept);
        return;
    }
    float x = o->x;
    for (size_t at = 0; at < len; at += n) {
        n = cr_fonts_run(d->f, o->face, o->text + at, len - at, &font);
        if (font != CR_FONT_IGNORABLE) {
            char *t = cr_arena_alloc_uninit(dl ? d->tmp : d->out, n + 1);
            if (!t) {
                d->oom = true;
                return;
            }
            memcpy(t, o->text + at, n);
            t[n] = '\0';
            cr_op r = *o;
            r.x = x;
            r.text = t;
            r.font = (unsigned char)font;
            if (dl)
                cr_dlist_add(dl, &r);
            else
                emit_op(d, d->npages - 1, &r, true); /* |t| is in |out|; a text op has no more */
        }
        x += cr_fonts_width(d->f, o->face, o->size, o->text + at, n);
    }
}

static void text_runs(cr_draw *d, cr_dlist *dl, const cr_op *o)
{
    if (o->text)
        text_runs_n(d, dl, o, strlen(o->text), false, false);
}

void cr_draw_header_footer(cr_draw *d, size_t page, cr_dlist *dl, const char *left,
                           const char *right)
{
    const cr_layout_spec *sp = d->sp;
    char n[32], m[32];
    cr_fmt_long(n, (long)page + 1);
    cr_fmt_long(m, (long)d->npages);
    float fy = sp->page_h - sp->margin_bottom + 24;
    cr_arg pa[] = {{"n", n}, {"m", m}};
    cr_arg ea[] = {{"edition", d->cat->edition}};
    const char *pageno = cr_draw_tpl(d, "footer.page", pa, 2),
               *ed = cr_draw_tpl(d, "footer.edition", ea, 1);
    cr_op ops[8];
    size_t k = 0;
    if (d->tagged)
        ops[k++] = (cr_op){.kind = CR_OP_BEGIN, .role = CR_ROLE_ARTIFACT};
    ops[k++] = (cr_op){.kind = CR_OP_LINE,
                       .x = d->x0,
                       .y = fy - 10,
                       .w = d->x1 - d->x0,
                       .stroke_color = sp->rule,
                       .line_width = 0.5f};
    ops[k++] = (cr_op){.kind = CR_OP_TEXT,
                       .x = d->x0,
                       .y = fy,
                       .face = CR_FACE_REGULAR,
                       .size = SZ_SMALL(d),
                       .color = sp->muted,
                       .text = ed};
    ops[k++] = (cr_op){.kind = CR_OP_TEXT,
                       .x = d->x1 - cr_draw_width(d, CR_FACE_REGULAR, SZ_SMALL(d), pageno),
                       .y = fy,
                       .face = CR_FACE_REGULAR,
                       .size = SZ_SMALL(d),
                       .color = sp->muted,
                       .text = pageno};
    if (page > 0) {
        float hy = sp->margin_top - 18;
        ops[k++] = (cr_op){.kind = CR_OP_TEXT,
                           .x = d->x0,
                           .y = hy,
                           .face = CR_FACE_BOLD,
                           .size = SZ_SMALL(d),
                           .color = sp->muted,
                           .text = left};
        ops[k++] = (cr_op){.kind = CR_OP_TEXT,
                           .x = d->x1 - cr_draw_width(d, CR_FACE_REGULAR, SZ_SMALL(d), right),
                           .y = hy,
                           .face = CR_FACE_REGULAR,
                           .size = SZ_SMALL(d),
                           .color = sp->muted,
                           .text = right};
        ops[k++] = (cr_op){.kind = CR_OP_LINE,
                           .x = d->x0,
                           .y = hy + 6,
                           .w = d->x1 - d->x0,
                           .stroke_color = sp->rule,
                           .line_width = 0.5f};
    }
    if (d->tagged)
        ops[k++] = (cr_op){.kind = CR_OP_END};
    for (size_t i = 0; i < k; i++) {
        if (ops[i].kind == CR_OP_TEXT)
            text_runs(d, dl, &ops[i]);
        else
            cr_dlist_add(dl, &ops[i]);
    }
}

/* ---- structure ---- */

void cr_draw_begin(cr_draw *d, cr_role role, const char *alt)
{
    cr_draw_begin_lang(d, role, alt, NULL);
}

void cr_draw_begin_lang(cr_draw *d, cr_role role, const char *alt, const char *lang)
{
    d->bounds++;
    d->artifact += role == CR_ROLE_ARTIFACT;
    if (!d->tagged)
        return;
    cr_op o = {.kind = CR_OP_BEGIN, .role = role, .text = alt, .lang = lang};
    cr_draw_emit(d, &o);
    d->depth++;
}

void cr_draw_end(cr_draw *d)
{
    d->bounds++;
    if (d->artifact) /* an artifact holds no element: it is the innermost */
        d->artifact--;
    if (!d->tagged || d->depth == 0)
        return;
    cr_op o = {.kind = CR_OP_END};
    cr_draw_emit(d, &o);
    d->depth--;
}

/* ---- ops ---- */

/* Adds |op| at the end of page |page|'s ops; its strings and points are copied into |out|,
 * unless |kept| (they are there already). */
static void emit_op(cr_draw *d, size_t page, const cr_op *op, bool kept)
{
    if (d->oom)
        return;
    cr_page *p = &d->pages[page];
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 512;
        cr_op *n = realloc(p->ops, cap * sizeof *n);
        if (!n) {
            d->oom = true;
            return;
        }
        p->ops = n;
        p->cap = cap;
    }
    cr_op *o = &p->ops[p->n];
    *o = *op;
    if (!kept) {
        if (op->text && !(o->text = cr_arena_strdup(d->out, op->text)))
            d->oom = true;
        if (op->uri && !(o->uri = cr_arena_strdup(d->out, op->uri)))
            d->oom = true;
        if (op->npoints) {
            cr_point *pts = cr_arena_calloc(d->out, op->npoints, sizeof *pts);
            if (pts)
                memcpy(pts, op->pts, op->npoints * sizeof *pts);
            else
                d->oom = true;
            o->pts = pts;
        }
        if (d->oom)
            return;
    }
    p->n++;
}

void cr_draw_emit(cr_draw *d, const cr_op *op)
{
    if (d->npages)
        emit_op(d, d->npages - 1, op, false);
}

void cr_draw_new_page(cr_draw *d)
{
    if (d->oom)
        return;
    if (d->npages == d->pcap) {
        size_t cap = d->pcap ? d->pcap * 2 : 16;
        cr_page *n = realloc(d->pages, cap * sizeof *n);
        if (!n) {
            d->oom = true;
            return;
        }
        d->pages = n;
        d->pcap = cap;
    }
    if (d->npages)
        d->pages[d->npages - 1].end = d->y;
    memset(&d->pages[d->npages++], 0, sizeof(cr_page));
    d->y = d->top;
}

void cr_draw_need(cr_draw *d, float h)
{
    if (d->y + h > d->bottom && d->y > d->top + 1)
        cr_draw_new_page(d);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\n';
}

/* Before a text run at (x, y) that begins with |first|: the word boundary after the last run,
 * when it needs one (see cr_draw_text). The space goes at the end of the last run's last op, or,
 * when that op is in a fallback font (which may have no space), after it as an op of its own on
 * the same page: either way still inside the same element. */
static void word_boundary(cr_draw *d, float x, float y, char first)
{
    struct cr_last_text *l = &d->last;
    if (!l->set || !l->open || l->bounds != d->bounds || is_space(first) || d->artifact || d->oom)
        return;
    if (!l->measured) { /* measured only now that it is needed */
        l->x_end = l->x + cr_fonts_width(d->f, l->face, l->size, l->text, l->len);
        l->measured = true;
    }
    if (fabsf(y - l->y) < 0.01f && fabsf(x - l->x_end) <= 0.25f * l->size)
        return; /* it goes on where the last run ended */
    l->open = false;
    cr_op *o = &d->pages[l->page].ops[l->op];
    if (o->font == CR_FONT_FACE) {
        size_t n = strlen(o->text);
        char *t = cr_arena_alloc_uninit(d->out, n + 2);
        if (!t) {
            d->oom = true;
            return;
        }
        memcpy(t, o->text, n);
        t[n] = ' ';
        t[n + 1] = '\0';
        o->text = t;
    } else {
        cr_op sp = {.kind = CR_OP_TEXT,
                    .x = l->x_end,
                    .y = l->y,
                    .face = o->face,
                    .size = o->size,
                    .color = o->color,
                    .text = " "};
        emit_op(d, l->page, &sp, false);
    }
}

float cr_draw_page_room(const cr_draw *d)
{
    return d->bottom - d->top;
}

/* ---- keeping blocks together ---- */

/* Whether item |i| is taller than the layout's keep-max share of a page. */
static bool keep_huge(const cr_draw *d, const cr_keep *kp, size_t i)
{
    return kp->h[i] > cr_draw_page_room(d) * (float)d->sp->keep_max / 100.0f;
}

void cr_keep_init(const cr_draw *d, cr_keep *kp, const float *h, size_t n, float tail, bool list)
{
    const cr_layout_spec *sp = d->sp;
    memset(kp, 0, sizeof *kp);
    kp->h = h;
    kp->n = h ? n : 0;
    kp->tail = tail;
    kp->min = sp->keep_rows ? sp->keep_rows : 1;
    float sum = tail;
    bool huge = false;
    for (size_t i = 0; i < kp->n; i++) {
        sum += h[i];
        huge |= keep_huge(d, kp, i);
    }
    /* A short list is whole when it is not tall; a table too short to split without leaving
     * fewer than |min| rows on a page is whole when it fits a page and has no huge row. */
    float max = cr_draw_page_room(d) * (float)sp->keep_max / 100.0f;
    kp->whole = list ? kp->n <= sp->keep_list && sum <= max
                     : kp->n < 2 * kp->min && !huge && sum <= cr_draw_page_room(d);
    kp->page = (size_t)-1;
}

float cr_keep_lead(const cr_draw *d, const cr_keep *kp)
{
    float lead = 0;
    size_t first = kp->whole ? kp->n : kp->min < kp->n ? kp->min : kp->n;
    bool huge = false;
    for (size_t i = 0; i < first; i++) {
        lead += kp->h[i];
        huge |= keep_huge(d, kp, i);
    }
    if (first == kp->n)
        lead += kp->tail;
    float room = cr_draw_page_room(d);
    if (kp->n && (huge || lead > room)) /* a huge row among the first: it alone */
        lead = kp->h[0];
    return lead < room ? lead : room;
}

bool cr_keep_break(const cr_draw *d, cr_keep *kp, size_t i)
{
    if (i >= kp->n || d->y <= d->top + 1)
        return false; /* at the top of a page: a new one would hold no more */
    if (d->npages != kp->page)
        kp->k = 0; /* the page changed since the last item (it was split, or the caller broke) */
    float room = d->bottom - d->y, page = cr_draw_page_room(d);
    if (i == 0)
        return cr_keep_lead(d, kp) > room;
    bool last = i + 1 == kp->n;
    float need = kp->h[i] + (last ? kp->tail : 0);
    if (need > room)
        return need <= page; /* a taller one is split wherever it starts */
    /* The last |min| items: together, unless this page would keep fewer than |min|. */
    if (kp->n - i == kp->min && i >= kp->min && kp->k >= kp->min) {
        float rest = kp->tail;
        bool huge = false;
        for (size_t j = i; j < kp->n; j++) {
            rest += kp->h[j];
            huge |= keep_huge(d, kp, j);
        }
        if (rest > room && !huge && rest <= page)
            return true;
    }
    return false;
}

void cr_keep_placed(const cr_draw *d, cr_keep *kp)
{
    if (d->npages != kp->page) {
        kp->page = d->npages;
        kp->k = 0;
    }
    kp->k++;
}

/* cr_draw_text of the |len| bytes of |s| (s[len] is NUL); |in_face|: every character is in the
 * face's own font (cr_line.face), else not known. */
static void draw_text_n(cr_draw *d, float x, float y, cr_face face, float size, cr_rgb c,
                        const char *s, size_t len, bool in_face, bool kept)
{
    if (!len || !d->npages)
        return;
    word_boundary(d, x, y, s[0]);
    cr_op o = {
        .kind = CR_OP_TEXT, .x = x, .y = y, .face = face, .size = size, .color = c, .text = s};
    cr_page *p = &d->pages[d->npages - 1];
    size_t before = p->n;
    text_runs_n(d, NULL, &o, len, in_face, kept);
    if (d->oom || p->n == before)
        return;
    d->last = (struct cr_last_text){.set = true,
                                    .bounds = d->bounds,
                                    .page = d->npages - 1,
                                    .op = p->n - 1,
                                    .x = x,
                                    .text = s,
                                    .len = len,
                                    .face = face,
                                    .y = y,
                                    .size = size,
                                    .open = !is_space(s[len - 1])};
}

void cr_draw_text(cr_draw *d, float x, float y, cr_face face, float size, cr_rgb c, const char *s)
{
    if (s)
        draw_text_n(d, x, y, face, size, c, s, strlen(s), false, false);
}

void cr_draw_rect(cr_draw *d, float x, float y, float w, float h, cr_rgb c)
{
    cr_op o = {.kind = CR_OP_RECT, .x = x, .y = y, .w = w, .h = h, .color = c, .fill = true};
    cr_draw_emit(d, &o);
}

void cr_draw_hline(cr_draw *d, float x, float y, float w, cr_rgb c, float lw)
{
    cr_op o = {
        .kind = CR_OP_LINE, .x = x, .y = y, .w = w, .h = 0, .stroke_color = c, .line_width = lw};
    cr_draw_emit(d, &o);
}

void cr_draw_vline(cr_draw *d, float x, float y, float h, cr_rgb c, float lw)
{
    cr_op o = {
        .kind = CR_OP_LINE, .x = x, .y = y, .w = 0, .h = h, .stroke_color = c, .line_width = lw};
    cr_draw_emit(d, &o);
}

void cr_draw_poly(cr_draw *d, const cr_point *pts, size_t n, cr_rgb c)
{
    cr_op o = {.kind = CR_OP_POLY, .pts = pts, .npoints = n, .color = c};
    cr_draw_emit(d, &o);
}

void cr_draw_circle(cr_draw *d, float cx, float cy, float r, cr_rgb c)
{
    cr_point *pts = cr_arena_alloc_uninit(d->out, CR_CIRCLE_POINTS * sizeof *pts);
    if (!pts) {
        d->oom = true;
        return;
    }
    if (!d->circle_made) { /* the unit circle's points, once per layout */
        for (int i = 0; i < CR_CIRCLE_POINTS; i++) {
            double t = 6.283185307179586 * i / CR_CIRCLE_POINTS;
            d->circle_cos[i] = (float)cos(t);
            d->circle_sin[i] = (float)sin(t);
        }
        d->circle_made = true;
    }
    for (int i = 0; i < CR_CIRCLE_POINTS; i++) {
        pts[i].x = cx + r * d->circle_cos[i];
        pts[i].y = cy + r * d->circle_sin[i];
    }
    cr_op o = {.kind = CR_OP_POLY, .pts = pts, .npoints = CR_CIRCLE_POINTS, .color = c};
    if (d->npages)
        emit_op(d, d->npages - 1, &o, true); /* its points are in |out| */
}

int cr_draw_anchor(cr_draw *d, float y)
{
    int id = d->nanchors++;
    cr_op o = {.kind = CR_OP_ANCHOR, .x = d->x0, .y = y, .target = id};
    cr_draw_emit(d, &o);
    return id;
}

void cr_draw_bookmark(cr_draw *d, const char *title, int level, int target)
{
    cr_op o = {.kind = CR_OP_BOOKMARK, .text = title, .level = level, .target = target};
    cr_draw_emit(d, &o);
}

void cr_draw_link(cr_draw *d, float x, float y, float w, float h, const char *uri, const char *text)
{
    cr_op o = {.kind = CR_OP_LINK, .x = x, .y = y, .w = w, .h = h, .uri = uri, .text = text};
    cr_draw_emit(d, &o);
}

size_t cr_draw_goto(cr_draw *d, float x, float y, float w, float h, int target, const char *text)
{
    cr_op o = {.kind = CR_OP_GOTO, .x = x, .y = y, .w = w, .h = h, .target = target, .text = text};
    size_t index = d->npages ? d->pages[d->npages - 1].n : 0;
    cr_draw_emit(d, &o);
    return index;
}

void cr_draw_set_target(cr_draw *d, size_t page, size_t index, int target)
{
    if (page < d->npages && index < d->pages[page].n &&
        d->pages[page].ops[index].kind == CR_OP_GOTO)
        d->pages[page].ops[index].target = target;
}

/* ---- text ---- */

const char *cr_draw_str(cr_draw *d, const char *key)
{
    const char *s = cr_strings_get(d->st, key);
    return s ? s : key;
}

/* A string of the table by a key built from |prefix| and a code in lower case, or NULL. */
static const char *str_of_code(cr_draw *d, const char *prefix, const char *code)
{
    char key[64];
    int w = snprintf(key, sizeof key, "%s%s", prefix, code);
    if (w < 0 || (size_t)w >= sizeof key)
        return NULL;
    for (char *k = key; *k; k++)
        if (*k >= 'A' && *k <= 'Z')
            *k = (char)(*k - 'A' + 'a');
    return cr_strings_get(d->st, key);
}

const char *cr_draw_country(cr_draw *d, const char *code)
{
    const char *name = code ? str_of_code(d, "country.", code) : NULL;
    return name ? name : code ? code : "";
}

const char *cr_draw_place(cr_draw *d, const char *country, const char *subdivision)
{
    const char *sub = subdivision ? str_of_code(d, "subdivision.", subdivision) : NULL;
    if (!sub && subdivision && strchr(subdivision, '-'))
        sub = strchr(subdivision, '-') + 1; /* a code the table does not name: "AZ" */
    if (!sub)
        return cr_draw_country(d, country);
    cr_arg a[] = {{"subdivision", sub}, {"country", cr_draw_country(d, country)}};
    return cr_draw_tpl(d, "place", a, 2);
}

const char *cr_draw_tpl(cr_draw *d, const char *key, const cr_arg *args, size_t n)
{
    const char *s = cr_tpl(d->tmp, d->st, key, args, n);
    if (!s)
        d->oom = true;
    return s ? s : "";
}

const char *cr_draw_tpl_n(cr_draw *d, const char *key, long n, const cr_arg *args, size_t na)
{
    const char *k = cr_plural_key(d->tmp, d->st, key, n);
    if (!k) {
        d->oom = true;
        return "";
    }
    return cr_draw_tpl(d, k, args, na);
}

const char *cr_draw_num(cr_draw *d, long v)
{
    bool small = v >= 0 && v < CR_DRAW_MEMO;
    if (small && d->num_memo[v])
        return d->num_memo[v];
    char b[32];
    cr_fmt_long(b, v);
    const char *s = cr_arena_strdup(d->tmp, b);
    if (!s)
        d->oom = true;
    else if (small)
        d->num_memo[v] = s;
    return s ? s : "";
}

unsigned cr_round_pct(double v)
{
    return (unsigned)floor(v + 0.5);
}

const char *cr_draw_pct(cr_draw *d, double v)
{
    /* The language's way: "72%" in English, "72 %" (no-break space) in French. */
    unsigned p = cr_round_pct(v);
    bool small = p < CR_DRAW_MEMO;
    if (small && d->pct_memo[p])
        return d->pct_memo[p];
    char b[32];
    cr_fmt_long(b, (long)p);
    cr_arg a[] = {{"n", b}};
    const char *s = cr_draw_tpl(d, "number.percent", a, 1);
    if (small && !d->oom)
        d->pct_memo[p] = s;
    return s;
}

/* |items| separated by |comma|, the last two by |and_|. */
static const char *join(cr_draw *d, const char *const *items, size_t n, const char *comma,
                        const char *and_)
{
    size_t sep = strlen(and_) > strlen(comma) ? strlen(and_) : strlen(comma);
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(items[i]) + sep; /* separators sized from the string table itself */
    char *s = cr_arena_alloc(d->tmp, cap);
    if (!s) {
        d->oom = true;
        return "";
    }
    s[0] = '\0';
    char *w = s;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            w = stpcpy(w, i + 1 == n ? and_ : comma);
        w = stpcpy(w, items[i]);
    }
    return s;
}

const char *cr_draw_join(cr_draw *d, const char *const *items, size_t n)
{
    return join(d, items, n, cr_draw_str(d, "list.comma"), cr_draw_str(d, "list.and"));
}

const char *cr_draw_join_or(cr_draw *d, const char *const *items, size_t n)
{
    return join(d, items, n, cr_draw_str(d, "list.comma"), cr_draw_str(d, "list.or"));
}

const char *cr_draw_list(cr_draw *d, const char *const *items, size_t n, const char *sep_key)
{
    const char *sep = cr_draw_str(d, sep_key);
    return join(d, items, n, sep, sep);
}

float cr_draw_width(cr_draw *d, cr_face face, float size, const char *s)
{
    return cr_fonts_width(d->f, face, size, s, strlen(s));
}

float cr_draw_fit_size(cr_draw *d, cr_face face, float size, float min, const char *const *texts,
                       size_t n, float w)
{
    float widest = 0; /* at |size|; widths scale with the size */
    for (size_t i = 0; i < n; i++) {
        float tw = cr_draw_width(d, face, size, texts[i]);
        if (tw > widest)
            widest = tw;
    }
    if (widest <= w)
        return size;
    float fit = floorf(size * w / widest * 10.0f) / 10.0f;
    return fit > min ? fit : min;
}

size_t cr_draw_wrap(cr_draw *d, cr_face face, float size, const char *s, float w, cr_line **lines)
{
    size_t n = cr_wrap_cached(d->cache, d->tmp, d->f, face, size, s ? s : "", w, lines);
    if (!*lines)
        d->oom = true;
    return n;
}

void cr_draw_line(cr_draw *d, float x, float y, cr_face face, float size, cr_rgb c,
                  const cr_line *ln)
{
    char *s = cr_arena_alloc_uninit(d->out, ln->len + 2); /* the op's text: the display's */
    if (!s) {
        d->oom = true;
        return;
    }
    memcpy(s, ln->start, ln->len);
    size_t n = ln->len;
    bool in_face = ln->face;
    if (ln->space && n > 0) {
        s[n++] = ' ';
        in_face = in_face && cr_fonts_pick(d->f, face, ' ') == CR_FONT_FACE;
    }
    s[n] = '\0';
    draw_text_n(d, x, y, face, size, c, s, n, in_face, true);
    if (ln->joined)
        d->last.open = false; /* the next line goes on with this word */
}

float cr_draw_para_height(cr_draw *d, cr_face face, float size, const char *s, float w)
{
    cr_line *lines;
    return (float)cr_draw_wrap(d, face, size, s, w, &lines) * size * LEAD(d);
}

/* A paragraph at the cursor, as an element of |role| unless |tag| is false. */
static void para(cr_draw *d, bool tag, cr_role role, float x, float w, cr_face face, float size,
                 cr_rgb c, const char *s)
{
    cr_line *lines;
    size_t n = cr_draw_wrap(d, face, size, s, w, &lines);
    float lh = size * LEAD(d);
    tag = tag && n > 0;
    if (tag) {
        cr_draw_need(d, lh); /* what the first line does: the element opens on its page */
        cr_draw_begin(d, role, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        cr_draw_need(d, lh);
        cr_draw_line(d, x, d->y + size, face, size, c, &lines[i]);
        d->y += lh;
    }
    if (tag)
        cr_draw_end(d);
}

void cr_draw_para(cr_draw *d, float x, float w, cr_face face, float size, cr_rgb c, const char *s)
{
    para(d, false, CR_ROLE_P, x, w, face, size, c, s);
}

void cr_draw_elem_para(cr_draw *d, cr_role role, float x, float w, cr_face face, float size,
                       cr_rgb c, const char *s)
{
    para(d, true, role, x, w, face, size, c, s);
}

/* A paragraph in a box, as an element of |role| unless |tag| is false. */
static float para_at(cr_draw *d, bool tag, cr_role role, float x, float y, float w, cr_face face,
                     float size, cr_rgb c, const char *s)
{
    cr_line *lines;
    size_t n = cr_draw_wrap(d, face, size, s, w, &lines);
    tag = tag && n > 0;
    if (tag)
        cr_draw_begin(d, role, NULL);
    for (size_t i = 0; i < n; i++)
        cr_draw_line(d, x, y + size + (float)i * size * LEAD(d), face, size, c, &lines[i]);
    if (tag)
        cr_draw_end(d);
    return (float)n * size * LEAD(d);
}

float cr_draw_para_at(cr_draw *d, float x, float y, float w, cr_face face, float size, cr_rgb c,
                      const char *s)
{
    return para_at(d, false, CR_ROLE_P, x, y, w, face, size, c, s);
}

float cr_draw_elem_para_at(cr_draw *d, cr_role role, float x, float y, float w, cr_face face,
                           float size, cr_rgb c, const char *s)
{
    return para_at(d, true, role, x, y, w, face, size, c, s);
}

void cr_draw_elem_text(cr_draw *d, cr_role role, float x, float y, cr_face face, float size,
                       cr_rgb c, const char *s)
{
    if (!s || !*s)
        return;
    cr_draw_begin(d, role, NULL);
    cr_draw_text(d, x, y, face, size, c, s);
    cr_draw_end(d);
}

void cr_draw_text_right(cr_draw *d, float xr, float y, cr_face face, float size, cr_rgb c,
                        const char *s)
{
    cr_draw_text(d, xr - cr_draw_width(d, face, size, s), y, face, size, c, s);
}

void cr_draw_text_center(cr_draw *d, float xc, float y, cr_face face, float size, cr_rgb c,
                         const char *s)
{
    cr_draw_text(d, xc - cr_draw_width(d, face, size, s) / 2, y, face, size, c, s);
}

cr_rgb cr_draw_area_color(cr_draw *d, size_t area)
{
    for (size_t i = 0; i < d->sp->nareas; i++)
        if (strcmp(d->sp->areas[i].code, d->cat->areas[area].code) == 0)
            return d->sp->areas[i].color;
    return d->sp->accent;
}

const char *cr_draw_area_short(cr_draw *d, size_t area)
{
    const cr_area *a = &d->cat->areas[area];
    return a->short_name ? a->short_name : a->name;
}

int cr_draw_title_section(cr_draw *d, const char *kicker, const char *title, const char *meta)
{
    const cr_layout_spec *sp = d->sp;
    cr_draw_begin(d, CR_ROLE_SECT, NULL);
    int id = cr_draw_anchor(d, d->y);
    cr_draw_bookmark(d, title, 0, id);
    cr_draw_rect(d, d->x0, d->y, 40, 3, sp->accent);
    d->y += 14;
    cr_draw_elem_text(d, CR_ROLE_P, d->x0, d->y + 8, CR_FACE_BOLD, 8.5f, sp->accent, kicker);
    d->y += 14;
    d->y += cr_draw_elem_para_at(d, CR_ROLE_H1, d->x0, d->y, d->x1 - d->x0, CR_FACE_BOLD, 24,
                                 sp->text, title) +
            2;
    cr_draw_elem_para(d, CR_ROLE_P, d->x0, d->x1 - d->x0, CR_FACE_REGULAR, SZ_BODY(d), sp->muted,
                      meta);
    d->y += 10;
    return id;
}

void cr_draw_panel(cr_draw *d, const char *text)
{
    const cr_layout_spec *sp = d->sp;
    float h = cr_draw_para_height(d, CR_FACE_REGULAR, 11, text, d->x1 - d->x0 - 28);
    cr_draw_rect(d, d->x0, d->y, d->x1 - d->x0, h + 20, sp->shade);
    cr_draw_rect(d, d->x0, d->y, 4, h + 20, sp->accent);
    cr_draw_elem_para_at(d, CR_ROLE_P, d->x0 + 16, d->y + 9, d->x1 - d->x0 - 28, CR_FACE_REGULAR,
                         11, sp->text, text);
    d->y += h + 28;
}

/* A heading, after opening a Sect when |sect|. */
static int heading(cr_draw *d, const char *title, int level, float keep, bool sect)
{
    float size = level == 0 ? SZ_H1(d) : SZ_H2(d);
    /* What the heading takes (space above, the line, the rule under a level 0), and |keep|. */
    cr_draw_need(d, size * 2.1f + (level == 0 ? 8 : 0) + keep);
    if (sect)
        cr_draw_begin(d, CR_ROLE_SECT, NULL);
    if (d->y > d->top + 1)
        d->y += size * 0.6f;
    int id = cr_draw_anchor(d, d->y);
    cr_draw_bookmark(d, title, level, id);
    cr_draw_elem_text(d, level == 0 ? CR_ROLE_H1 : CR_ROLE_H2, d->x0, d->y + size, CR_FACE_BOLD,
                      size, level == 0 ? d->sp->accent : d->sp->text, title);
    d->y += size * 1.5f;
    if (level == 0) {
        cr_draw_hline(d, d->x0, d->y, d->x1 - d->x0, d->sp->accent, 1.2f);
        d->y += 8;
    }
    return id;
}

int cr_draw_heading(cr_draw *d, const char *title, int level, float keep)
{
    return heading(d, title, level, keep, false);
}

int cr_draw_section(cr_draw *d, const char *title, float keep)
{
    return heading(d, title, 0, keep, true);
}

void cr_draw_unseen_heading(cr_draw *d, cr_role role, const char *title)
{
    cr_draw_begin(d, role, title);
    cr_draw_end(d);
}

/* ---- tables ---- */

typedef struct cell_line {
    cr_face face;
    float size;
    cr_rgb color;
    cr_line line;
    float gap;  /* extra space before this line (between paragraphs) */
    size_t par; /* the cell paragraph it belongs to */
    const char *lang;
    const char *uri, *text; /* its paragraph's link (cr_cell_par.uri) and whole text */
} cell_line;

/* A row's cells as cr_table_row draws them: each cell's lines and how it is drawn. */
struct cr_row_lines {
    cell_line *lines[CR_TABLE_MAX_COLS];
    size_t n[CR_TABLE_MAX_COLS];
    bool pars[CR_TABLE_MAX_COLS];   /* a P per paragraph (see row_draw) */
    bool center[CR_TABLE_MAX_COLS]; /* cr_cell.center */
    bool shade;
    float h; /* the tallest cell's lines (the row's height less its padding) */
};

static size_t cell_lines(cr_draw *d, const cr_cell *c, float w, cell_line **out)
{
    size_t total = 0;
    cr_line *lines[MAX_PARS];
    size_t counts[MAX_PARS];
    for (size_t p = 0; p < c->npar; p++) {
        counts[p] = cr_draw_wrap(d, c->par[p].face, c->size[p] ? c->size[p] : SZ_TABLE(d),
                                 c->par[p].text, w, &lines[p]);
        total += counts[p];
    }
    cell_line *cl = cr_arena_alloc_uninit(d->tmp, (total ? total : 1) * sizeof *cl); /* all set */
    if (!cl) {
        d->oom = true;
        *out = NULL;
        return 0;
    }
    size_t k = 0;
    for (size_t p = 0; p < c->npar; p++)
        for (size_t i = 0; i < counts[p]; i++) {
            cl[k].face = c->par[p].face;
            cl[k].size = c->size[p] ? c->size[p] : SZ_TABLE(d);
            cl[k].color = c->par[p].color;
            cl[k].line = lines[p][i];
            cl[k].gap = (i == 0 && p > 0 && !c->tight) ? SZ_TABLE(d) * 0.5f : 0;
            cl[k].par = p;
            cl[k].lang = c->lang[p];
            cl[k].uri = c->par[p].uri;
            cl[k].text = c->par[p].text;
            k++;
        }
    *out = cl;
    return total;
}

/* The height a cell's line takes (with the space above it, between paragraphs). */
static float line_h(const cr_draw *d, const cell_line *cl)
{
    return cl->size * TABLE_LEAD(d) + cl->gap;
}

/* Breaks the lines of row |cells| into |rl|; returns the row's height (unsplit, as drawn). */
static float row_lines(cr_draw *d, const cr_table *t, const cr_cell *cells, bool shade,
                       struct cr_row_lines *rl)
{
    float h = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        rl->n[c] = cell_lines(d, &cells[c], t->widths[c] - 2 * PAD_X(d), &rl->lines[c]);
        rl->pars[c] = cells[c].npar > 1 || (cells[c].npar == 1 && cells[c].lang[0]);
        rl->center[c] = cells[c].center;
        float hc = 0;
        for (size_t i = 0; i < rl->n[c]; i++)
            hc += line_h(d, &rl->lines[c][i]);
        if (hc > h)
            h = hc;
    }
    rl->shade = shade;
    rl->h = h;
    return h + 2 * PAD_Y(d);
}

void cr_table_columns(cr_draw *d, cr_table *t, const char *name)
{
    const cr_layout_spec *sp = d->sp;
    const cr_columns *cols = NULL;
    for (size_t k = 0; k < sp->ntables && !cols; k++)
        if (strcmp(sp->tables[k].name, name) == 0)
            cols = &sp->tables[k];
    float w = d->x1 - d->x0, given = 0;
    size_t n = cols ? cols->n : 0;
    if (n > t->ncols)
        n = t->ncols;
    for (size_t c = 0; c < n; c++) {
        t->widths[c] = cols->widths[c] * w / sp->grid;
        given += t->widths[c];
    }
    /* The columns the layout does not give share what is left of the width. */
    for (size_t c = n; c < t->ncols; c++)
        t->widths[c] = (w - given) / (float)(t->ncols - n);
}

/* The header row's type size. */
static float header_size(const cr_draw *d)
{
    return SZ_SMALL(d) - 0.5f;
}

void cr_table_measure(cr_draw *d, cr_table *t)
{
    size_t most = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        size_t n = cr_draw_wrap(d, CR_FACE_BOLD, header_size(d), t->headers[c],
                                t->widths[c] - 2 * PAD_X(d), &t->header_lines[c]);
        t->header_n[c] = n;
        if (n > most)
            most = n;
    }
    t->measured = !d->oom;
    t->header_h = (float)most * header_size(d) * TABLE_LEAD(d) + 2 * PAD_Y(d);
}

/* The header row at the cursor; a TR of TH cells when |cells| (else inside an artifact). */
static void table_header(cr_draw *d, const cr_table *t, bool cells)
{
    if (cells)
        cr_draw_begin(d, CR_ROLE_TR, NULL);
    cr_draw_rect(d, d->x0, d->y, d->x1 - d->x0, t->header_h, d->sp->text);
    float x = d->x0;
    float size = header_size(d);
    for (size_t c = 0; c < t->ncols; c++) {
        if (cells)
            cr_draw_begin(d, CR_ROLE_TH, NULL);
        cr_line *lines = t->header_lines[c];
        size_t n = t->header_n[c];
        if (!t->measured)
            n = cr_draw_wrap(d, CR_FACE_BOLD, size, t->headers[c], t->widths[c] - 2 * PAD_X(d),
                             &lines);
        for (size_t i = 0; i < n; i++)
            cr_draw_line(d, t->center[c] ? x + (t->widths[c] - lines[i].width) / 2 : x + PAD_X(d),
                         d->y + PAD_Y(d) - 1 + size + (float)i * size * TABLE_LEAD(d), CR_FACE_BOLD,
                         size, CR_WHITE, &lines[i]);
        if (cells)
            cr_draw_end(d);
        x += t->widths[c];
    }
    if (cells)
        cr_draw_end(d);
    d->y += t->header_h;
}

void cr_table_begin(cr_draw *d, const cr_table *t)
{
    cr_draw_begin(d, CR_ROLE_TABLE, NULL);
    table_header(d, t, true);
}

void cr_table_end(cr_draw *d)
{
    cr_draw_end(d);
}

void cr_table_continue(cr_draw *d, const cr_table *t)
{
    cr_draw_new_page(d);
    cr_draw_begin(d, CR_ROLE_ARTIFACT, NULL);
    cr_arg a[] = {{"title", t->title}};
    cr_draw_text(d, d->x0, d->y + SZ_BODY(d), CR_FACE_BOLD, SZ_BODY(d), d->sp->muted,
                 cr_draw_tpl(d, "continued", a, 1));
    d->y += SZ_BODY(d) * 1.8f;
    table_header(d, t, false);
    cr_draw_end(d);
}

float cr_table_row_height(cr_draw *d, const cr_table *t, const cr_cell *cells)
{
    struct cr_row_lines rl;
    return row_lines(d, t, cells, false, &rl);
}

/* Zeroes what a fill wrote into |cells| (see cr_table_fill: nothing past each cell's npar), so
 * the next row starts from zeroed cells without clearing all 1.4 KB of each. */
static void cells_clear(cr_cell *cells, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++) {
        cr_cell *cl = &cells[c];
        size_t n = cl->npar ? cl->npar : 1;
        if (n > MAX_PARS)
            n = MAX_PARS;
        memset(cl->par, 0, n * sizeof cl->par[0]);
        memset(cl->lang, 0, n * sizeof cl->lang[0]);
        memset(cl->size, 0, n * sizeof cl->size[0]);
        cl->npar = 0;
        cl->center = cl->tight = false;
    }
}

/* The layout's cells for a row's fill, zeroed (NULL when out of memory): zeroed once, then
 * cleared after each row by cells_clear. */
static cr_cell *blank_cells(cr_draw *d)
{
    if (!d->cells && !(d->cells = cr_arena_calloc(d->tmp, CR_TABLE_MAX_COLS, sizeof *d->cells)))
        d->oom = true;
    return d->cells;
}

float *cr_table_heights(cr_draw *d, const cr_table *t, size_t n, cr_table_fill fill, void *data)
{
    float *h = cr_arena_calloc(d->tmp, n ? n : 1, sizeof *h);
    /* The rows' lines, kept for cr_table_rows: each row filled and broken once. */
    struct cr_row_lines *rows = cr_arena_alloc_uninit(d->tmp, (n ? n : 1) * sizeof *rows);
    if (!h || !rows) {
        d->oom = true;
        return NULL;
    }
    cr_cell *cells = blank_cells(d);
    for (size_t r = 0; r < n && cells && !d->oom; r++) {
        bool shade = false;
        fill(d, data, r, cells, &shade);
        h[r] = row_lines(d, t, cells, shade, &rows[r]);
        cells_clear(cells, t->ncols);
    }
    if (d->oom)
        return NULL;
    d->rows = rows;
    d->rows_h = h;
    d->rows_t = t;
    d->rows_n = n;
    return h;
}

float cr_table_lead(cr_draw *d, const cr_table *t, const float *h, size_t n, float tail)
{
    cr_keep kp;
    cr_keep_init(d, &kp, h, n, tail, false);
    float lead = t->header_h + cr_keep_lead(d, &kp);
    return lead < cr_draw_page_room(d) ? lead : cr_draw_page_room(d);
}

static void row_draw(cr_draw *d, const cr_table *t, const struct cr_row_lines *rl);

void cr_table_rows(cr_draw *d, const cr_table *t, const float *h, size_t n, float tail,
                   cr_table_fill fill, void *data)
{
    if (!h)
        return;
    cr_keep kp;
    cr_keep_init(d, &kp, h, n, tail, false);
    kp.page = d->npages; /* the header row is on this page: the rows continue under it */
    size_t table = d->ntables++;
    /* The rows cr_table_heights broke for these heights, else filled again here. */
    const struct cr_row_lines *kept =
        d->rows_h == h && d->rows_t == t && d->rows_n == n ? d->rows : NULL;
    cr_cell *cells = kept ? NULL : blank_cells(d);
    for (size_t r = 0; r < n && (kept || cells) && !d->oom; r++) {
        struct cr_row_lines rl;
        if (!kept) {
            bool shade = false;
            fill(d, data, r, cells, &shade);
            row_lines(d, t, cells, shade, &rl);
            cells_clear(cells, t->ncols);
        }
        /* A break an earlier pass asked for, when this page keeps enough rows before it. */
        bool asked = false;
        for (size_t b = 0; b < d->nbreaks; b++)
            asked |= d->breaks[b].table == table && d->breaks[b].row == r && kp.page == d->npages &&
                     kp.k >= kp.min && n - r >= kp.min;
        if (r > 0 && (asked || cr_keep_break(d, &kp, r))) {
            cr_table_continue(d, t);
            cr_page *pg = &d->pages[d->npages - 1];
            pg->cont = true;
            pg->table = table;
            pg->row = r;
        }
        row_draw(d, t, kept ? &kept[r] : &rl);
        cr_keep_placed(d, &kp);
    }
    if (kept)
        d->rows = NULL, d->rows_h = NULL, d->rows_t = NULL, d->rows_n = 0;
}

void cr_table_row(cr_draw *d, const cr_table *t, const cr_cell *cells, bool shade)
{
    struct cr_row_lines rl;
    row_lines(d, t, cells, shade, &rl);
    row_draw(d, t, &rl);
}

static void row_draw(cr_draw *d, const cr_table *t, const struct cr_row_lines *rl)
{
    const cr_layout_spec *sp = d->sp;
    cell_line *const *lines = rl->lines;
    const size_t *n = rl->n;
    size_t next[CR_TABLE_MAX_COLS] = {0};
    if (d->oom)
        return;
    float h = rl->h + 2 * PAD_Y(d);
    float page_room = d->bottom - d->top - t->header_h - SZ_BODY(d) * 2;
    if (d->y + h > d->bottom && h <= page_room)
        cr_table_continue(d, t);
    bool more = true;
    while (more) {
        /* Draw as many lines of each cell as fit (all of them, unless the row is huge). */
        float avail = d->bottom - d->y - 2 * PAD_Y(d), used = 0;
        more = false;
        for (size_t c = 0; c < t->ncols; c++) {
            float y = 0;
            size_t i = next[c];
            while (i < n[c] && y + line_h(d, &lines[c][i]) <= avail) {
                y += line_h(d, &lines[c][i]);
                i++;
            }
            if (y > used)
                used = y;
        }
        float rh = used + 2 * PAD_Y(d);
        cr_draw_begin(d, CR_ROLE_TR, NULL);
        if (rl->shade)
            cr_draw_rect(d, d->x0, d->y, d->x1 - d->x0, rh, sp->shade);
        float x = d->x0;
        for (size_t c = 0; c < t->ncols; c++) {
            float y = d->y + PAD_Y(d);
            /* A P per paragraph (one open), when there are several or one in another language. */
            bool pars = rl->pars[c], open = false;
            bool started = false;
            const cell_line *link = NULL; /* a line of the linked paragraph being drawn */
            float link_y = 0;
            cr_draw_begin(d, CR_ROLE_TD, NULL);
            while (next[c] < n[c]) {
                const cell_line *cl = &lines[c][next[c]];
                if (y - d->y - PAD_Y(d) + line_h(d, cl) > avail)
                    break;
                if (!started || (next[c] > 0 && cl->par != lines[c][next[c] - 1].par)) {
                    if (link) { /* the paragraph before was a link: its area, then close it */
                        cr_draw_link(d, x + PAD_X(d), link_y, t->widths[c] - 2 * PAD_X(d),
                                     y - link_y, link->uri, link->text);
                        cr_draw_end(d);
                        link = NULL;
                    }
                    if (pars) {
                        if (open)
                            cr_draw_end(d);
                        cr_draw_begin_lang(d, CR_ROLE_P, NULL, cl->lang);
                        open = true;
                    }
                    if (cl->uri) {
                        link = cl;
                        link_y = y + cl->gap;
                        cr_draw_begin(d, CR_ROLE_LINK, NULL);
                    }
                    started = true;
                }
                y += cl->gap;
                float tx = rl->center[c] ? x + (t->widths[c] - cl->line.width) / 2 : x + PAD_X(d);
                cr_draw_line(d, tx, y + cl->size, cl->face, cl->size, cl->color, &cl->line);
                y += cl->size * TABLE_LEAD(d);
                next[c]++;
            }
            if (link) {
                cr_draw_link(d, x + PAD_X(d), link_y, t->widths[c] - 2 * PAD_X(d), y - link_y,
                             link->uri, link->text);
                cr_draw_end(d);
            }
            if (open)
                cr_draw_end(d);
            cr_draw_end(d);
            if (next[c] < n[c])
                more = true;
            x += t->widths[c];
        }
        cr_draw_end(d);
        d->y += rh;
        cr_draw_hline(d, d->x0, d->y, d->x1 - d->x0, sp->rule, 0.5f);
        if (more)
            cr_table_continue(d, t);
    }
}
