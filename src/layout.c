/* certreport: the report layout (see certreport/layout.h).
 *
 * A cursor flows down the content box of each page; blocks ask for room (`need`) and start a new
 * page when it is missing, so headings stay with what follows and table rows are never split
 * unless taller than a page. Ops are kept per page; running headers and "Page N of M" footers
 * are added at the end, when the page count is known. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlist.h"
#include "layout_internal.h"
#include "layout_text.h"
#include "text.h"

/* Type scale, points. */
#define SZ_BODY 9.0f
#define SZ_SMALL 7.5f
#define SZ_TABLE 8.0f
#define SZ_H1 15.0f
#define SZ_H2 11.5f
#define LEAD 1.32f /* line height / size */

typedef struct page {
    cr_op *ops;
    size_t n, cap;
} page;

typedef struct lay {
    const cr_report_request *req;
    const cr_catalog *cat;
    const cr_layout_spec *sp;
    const cr_strings *st;
    const cr_fonts *f;
    const cr_submission *sub;
    const cr_audited *au;
    const cr_scorecard *sc;
    const cr_peers *peers;
    cr_arena *tmp; /* scratch strings, freed with the layout */
    cr_error *err;
    bool oom;
    float x0, x1, top, bottom, y;
    page *pages;
    size_t npages, pcap;
    int nanchors;
    int area_anchor[CR_MAX_LIST];
    /* The status band's boxes: linked to the area sections once those are placed. */
    struct {
        size_t page;
        float x, y, w, h;
    } band_box[CR_MAX_LIST];
    size_t nband;
} lay;

static const cr_rgb WHITE = {255, 255, 255};

/* ---- ops ---- */

static void emit(lay *L, const cr_op *op)
{
    if (L->oom)
        return;
    page *p = &L->pages[L->npages - 1];
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        cr_op *n = realloc(p->ops, cap * sizeof *n);
        if (!n) {
            L->oom = true;
            return;
        }
        p->ops = n;
        p->cap = cap;
    }
    p->ops[p->n++] = *op;
}

static void new_page(lay *L)
{
    if (L->oom)
        return;
    if (L->npages == L->pcap) {
        size_t cap = L->pcap ? L->pcap * 2 : 16;
        page *n = realloc(L->pages, cap * sizeof *n);
        if (!n) {
            L->oom = true;
            return;
        }
        L->pages = n;
        L->pcap = cap;
    }
    memset(&L->pages[L->npages++], 0, sizeof(page));
    L->y = L->top;
}

/* Makes sure |h| points fit below the cursor; otherwise starts a new page. */
static void need(lay *L, float h)
{
    if (L->y + h > L->bottom)
        new_page(L);
}

static void text_at(lay *L, float x, float y, cr_face face, float size, cr_rgb c, const char *s)
{
    if (!s || !*s)
        return;
    cr_op o = {.kind = CR_OP_TEXT, .x = x, .y = y, .face = face, .size = size, .color = c, .text = s};
    emit(L, &o);
}

static void rect(lay *L, float x, float y, float w, float h, cr_rgb c)
{
    cr_op o = {.kind = CR_OP_RECT, .x = x, .y = y, .w = w, .h = h, .color = c, .fill = true};
    emit(L, &o);
}

static void hline(lay *L, float x, float y, float w, cr_rgb c, float lw)
{
    cr_op o = {.kind = CR_OP_LINE, .x = x, .y = y, .w = w, .h = 0, .stroke_color = c, .line_width = lw};
    emit(L, &o);
}

static void vline(lay *L, float x, float y, float h, cr_rgb c, float lw)
{
    cr_op o = {.kind = CR_OP_LINE, .x = x, .y = y, .w = 0, .h = h, .stroke_color = c, .line_width = lw};
    emit(L, &o);
}

static void poly(lay *L, const cr_point *pts, size_t n, cr_rgb c)
{
    cr_op o = {.kind = CR_OP_POLY, .pts = pts, .npoints = n, .color = c};
    emit(L, &o);
}

static void circle(lay *L, float cx, float cy, float r, cr_rgb c)
{
    cr_point *pts = cr_arena_calloc(L->tmp, 24, sizeof *pts);
    if (!pts) {
        L->oom = true;
        return;
    }
    for (int i = 0; i < 24; i++) {
        double t = 6.283185307179586 * i / 24;
        pts[i].x = cx + r * (float)cos(t);
        pts[i].y = cy + r * (float)sin(t);
    }
    poly(L, pts, 24, c);
}

static int anchor(lay *L, float y)
{
    int id = L->nanchors++;
    cr_op o = {.kind = CR_OP_ANCHOR, .x = L->x0, .y = y, .target = id};
    emit(L, &o);
    return id;
}

static void bookmark(lay *L, const char *title, int level, int target)
{
    cr_op o = {.kind = CR_OP_BOOKMARK, .text = title, .level = level, .target = target};
    emit(L, &o);
}

static void link_uri(lay *L, float x, float y, float w, float h, const char *uri)
{
    cr_op o = {.kind = CR_OP_LINK, .x = x, .y = y, .w = w, .h = h, .uri = uri};
    emit(L, &o);
}

/* ---- text ---- */

static const char *S(lay *L, const char *key)
{
    const char *s = cr_strings_get(L->st, key);
    return s ? s : key;
}

static const char *T(lay *L, const char *key, const cr_arg *args, size_t n)
{
    const char *s = cr_tpl(L->tmp, L->st, key, args, n);
    if (!s)
        L->oom = true;
    return s ? s : "";
}

static const char *num(lay *L, long v)
{
    char b[32];
    snprintf(b, sizeof b, "%ld", v);
    const char *s = cr_arena_strdup(L->tmp, b);
    if (!s)
        L->oom = true;
    return s ? s : "";
}

static float width(lay *L, cr_face face, float size, const char *s)
{
    return cr_fonts_width(L->f, face, size, s, strlen(s));
}

static size_t wrap(lay *L, cr_face face, float size, const char *s, float w, cr_line **lines)
{
    size_t n = cr_wrap(L->tmp, L->f, face, size, s ? s : "", w, lines);
    if (!*lines)
        L->oom = true;
    return n;
}

static void line_text(lay *L, float x, float y, cr_face face, float size, cr_rgb c, const cr_line *ln)
{
    char *s = cr_arena_alloc(L->tmp, ln->len + 1);
    if (!s) {
        L->oom = true;
        return;
    }
    memcpy(s, ln->start, ln->len);
    s[ln->len] = '\0';
    text_at(L, x, y, face, size, c, s);
}

/* Height of |s| wrapped to |w|. */
static float para_height(lay *L, cr_face face, float size, const char *s, float w)
{
    cr_line *lines;
    return (float)wrap(L, face, size, s, w, &lines) * size * LEAD;
}

/* Draws a wrapped paragraph at the cursor, breaking pages between lines. */
static void para(lay *L, float x, float w, cr_face face, float size, cr_rgb c, const char *s)
{
    cr_line *lines;
    size_t n = wrap(L, face, size, s, w, &lines);
    float lh = size * LEAD;
    for (size_t i = 0; i < n; i++) {
        need(L, lh);
        line_text(L, x, L->y + size, face, size, c, &lines[i]);
        L->y += lh;
    }
}

/* Draws a wrapped paragraph in a box at (x, y) without touching the cursor; returns its height. */
static float para_at(lay *L, float x, float y, float w, cr_face face, float size, cr_rgb c, const char *s)
{
    cr_line *lines;
    size_t n = wrap(L, face, size, s, w, &lines);
    for (size_t i = 0; i < n; i++)
        line_text(L, x, y + size + (float)i * size * LEAD, face, size, c, &lines[i]);
    return (float)n * size * LEAD;
}

static void text_right(lay *L, float xr, float y, cr_face face, float size, cr_rgb c, const char *s)
{
    text_at(L, xr - width(L, face, size, s), y, face, size, c, s);
}

static void text_center(lay *L, float xc, float y, cr_face face, float size, cr_rgb c, const char *s)
{
    text_at(L, xc - width(L, face, size, s) / 2, y, face, size, c, s);
}

/* "a, b and c" */
static const char *join(lay *L, const char *const *items, size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(items[i]) + 16;
    char *s = cr_arena_alloc(L->tmp, cap);
    if (!s) {
        L->oom = true;
        return "";
    }
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(s, i + 1 == n ? S(L, "list.and") : S(L, "list.comma"));
        strcat(s, items[i]);
    }
    return s;
}

static cr_rgb area_color(lay *L, size_t area)
{
    for (size_t i = 0; i < L->sp->nareas; i++)
        if (strcmp(L->sp->areas[i].code, L->cat->areas[area].code) == 0)
            return L->sp->areas[i].color;
    return L->sp->accent;
}

/* A section heading with its anchor and bookmark. Keeps |keep| points of what follows with it. */
static int heading(lay *L, const char *title, int level, float keep)
{
    float size = level == 0 ? SZ_H1 : SZ_H2;
    need(L, size * 2.2f + keep);
    if (L->y > L->top + 1)
        L->y += size * 0.6f;
    int id = anchor(L, L->y);
    bookmark(L, title, level, id);
    text_at(L, L->x0, L->y + size, CR_FACE_BOLD, size, level == 0 ? L->sp->accent : L->sp->text, title);
    L->y += size * 1.5f;
    if (level == 0) {
        hline(L, L->x0, L->y, L->x1 - L->x0, L->sp->accent, 1.2f);
        L->y += 8;
    }
    return id;
}

/* ---- peers ---- */

static double area_share(lay *L, size_t area, size_t band)
{
    const cr_area *a = &L->cat->areas[area];
    const cr_peers *p = L->peers;
    double sum = 0;
    for (size_t i = a->first; i < a->first + a->count; i++)
        sum += cr_peers_share(p, i, band);
    return a->count ? sum / (double)a->count : 0;
}

static unsigned round_pct(double v)
{
    return (unsigned)floor(v + 0.5);
}

static const char *pct(lay *L, double v)
{
    char b[16];
    snprintf(b, sizeof b, "%u%%", round_pct(v));
    const char *s = cr_arena_strdup(L->tmp, b);
    if (!s)
        L->oom = true;
    return s ? s : "";
}

/* ---- sections ---- */

static const char *tier_name(lay *L, size_t t)
{
    return L->cat->tiers[t].name;
}

static const char *outcomes_phrase(lay *L, unsigned n)
{
    if (n == 1)
        return S(L, "outcomes.one");
    cr_arg a[] = {{"n", num(L, n)}};
    return T(L, "outcomes.many", a, 1);
}

static const char *status_sentence(lay *L)
{
    const cr_scorecard *sc = L->sc;
    const cr_submission *sub = L->sub;
    cr_arg a[] = {{"city", sub->city.name},
                  {"met", num(L, sc->met)},
                  {"total", num(L, sc->total)},
                  {"percent", num(L, sc->percent)},
                  {"areas", num(L, (long)L->cat->nareas)},
                  {"outcomes", outcomes_phrase(L, sc->outcomes_met)},
                  {"tier", ""},
                  {"blockers", ""},
                  {"min", cr_fmt_int(L->tmp, L->st, L->cat->min_population)},
                  {"population", cr_fmt_int(L->tmp, L->st, sub->city.population)}};
    size_t na = sizeof a / sizeof a[0];
    if (sc->eligibility == CR_INELIGIBLE_REGION)
        return T(L, "status.ineligible.region", a, na);
    if (sc->eligibility == CR_INELIGIBLE_POPULATION)
        return T(L, "status.ineligible.population", a, na);
    if (sc->awarded != CR_NONE) {
        a[6].value = tier_name(L, sc->awarded);
        return T(L, "status.awarded", a, na);
    }
    if (sc->tier != CR_NONE) {
        a[6].value = tier_name(L, sc->tier);
        return T(L, "status.qualifies", a, na);
    }
    /* Not certified: say what blocks the first tier. */
    const char *parts[3];
    size_t np = 0;
    if (sc->ncore_missing) {
        const char *codes[CR_MAX_LIST];
        for (size_t i = 0; i < sc->ncore_missing; i++)
            codes[i] = L->cat->criteria[sc->core_missing[i]].code;
        cr_arg b[] = {{"list", join(L, codes, sc->ncore_missing)}};
        parts[np++] = T(L, sc->ncore_missing == 1 ? "blocker.core.one" : "blocker.core", b, 1);
    }
    if (sc->next.tier != CR_NONE && sc->next.more_criteria) {
        cr_arg b[] = {{"n", num(L, sc->next.more_criteria)}, {"tier", tier_name(L, sc->next.tier)}};
        parts[np++] = T(L, "blocker.more", b, 2);
    }
    if (sc->outcomes_met == 0)
        parts[np++] = S(L, "blocker.outcome");
    a[7].value = join(L, parts, np);
    return T(L, "status.none", a, na);
}

static void section_status(lay *L)
{
    const cr_scorecard *sc = L->sc;
    const cr_submission *sub = L->sub;
    const cr_layout_spec *sp = L->sp;
    int id = anchor(L, L->y);
    bookmark(L, S(L, "section.status"), 0, id);
    /* Title block. */
    rect(L, L->x0, L->y, 40, 3, sp->accent);
    L->y += 14;
    text_at(L, L->x0, L->y + 8, CR_FACE_BOLD, 8.5f, sp->accent, S(L, "status.kicker"));
    L->y += 14;
    L->y += para_at(L, L->x0, L->y, L->x1 - L->x0, CR_FACE_BOLD, 24, sp->text, sub->city.name) + 2;
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", sub->cycle);
    cr_arg m[] = {{"region", sc->region != CR_NONE ? L->cat->regions[sc->region].name : sub->city.country},
                  {"band", sc->band != CR_NONE ? L->cat->bands[sc->band].name : ""},
                  {"population", cr_fmt_int(L->tmp, L->st, sub->city.population)},
                  {"cycle", cycle}};
    para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->muted,
         T(L, sc->band != CR_NONE ? "status.meta" : "status.meta.noband", m, 4));
    L->y += 10;
    /* The outcome in one sentence, on a shaded panel. */
    const char *sentence = status_sentence(L);
    float h = para_height(L, CR_FACE_REGULAR, 11, sentence, L->x1 - L->x0 - 28);
    rect(L, L->x0, L->y, L->x1 - L->x0, h + 20, sp->shade);
    rect(L, L->x0, L->y, 4, h + 20, sp->accent);
    para_at(L, L->x0 + 16, L->y + 9, L->x1 - L->x0 - 28, CR_FACE_REGULAR, 11, sp->text, sentence);
    L->y += h + 28;
    if (sc->nstale) {
        const char *codes[CR_MAX_LIST];
        for (size_t i = 0; i < sc->nstale; i++)
            codes[i] = L->cat->criteria[sc->stale[i]].code;
        cr_arg s[] = {{"n", num(L, (long)sc->nstale)}, {"list", join(L, codes, sc->nstale)}};
        para(L, L->x0, L->x1 - L->x0, CR_FACE_ITALIC, SZ_BODY, sp->text,
             T(L, sc->nstale == 1 ? "status.stale.one" : "status.stale", s, 2));
        L->y += 8;
    }

    /* The band: one box per area with its percentage, each linking to the area's section. */
    text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, S(L, "status.band"));
    text_right(L, L->x1, L->y + SZ_H2, CR_FACE_ITALIC, SZ_SMALL, sp->muted, S(L, "status.band.hint"));
    L->y += SZ_H2 + 8;
    size_t na = L->cat->nareas;
    float gap = 5, bw = (L->x1 - L->x0 - gap * (float)(na - 1)) / (float)na;
    float name_h = 0;
    for (size_t k = 0; k < na; k++) {
        float hk = para_height(L, CR_FACE_BOLD, 7, L->cat->areas[k].name, bw - 8);
        if (hk > name_h)
            name_h = hk;
    }
    float box_h = 8 + 22 + 6 + name_h + 6;
    need(L, box_h);
    for (size_t k = 0; k < na; k++) {
        float x = L->x0 + (float)k * (bw + gap);
        cr_rgb c = area_color(L, k);
        rect(L, x, L->y, bw, box_h, sp->shade);
        rect(L, x, L->y, bw, 4, c);
        text_at(L, x + 5, L->y + 8 + 20, CR_FACE_BOLD, 20, c, pct(L, sc->areas[k].percent));
        para_at(L, x + 5, L->y + 8 + 28, bw - 8, CR_FACE_BOLD, 7, sp->text, L->cat->areas[k].name);
        L->area_anchor[k] = -1; /* resolved when the area section is laid out */
        L->band_box[k].page = L->npages - 1;
        L->band_box[k].x = x;
        L->band_box[k].y = L->y;
        L->band_box[k].w = bw;
        L->band_box[k].h = box_h;
        L->nband = k + 1;
    }
    L->y += box_h + 16;

    /* The tier gauge: 0-100% with each tier's threshold, and the city's mark. */
    need(L, 80);
    text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, S(L, "gauge.title"));
    L->y += SZ_H2 + 24;
    float gx = L->x0, gw = L->x1 - L->x0, gy = L->y, gh = 14;
    static const cr_rgb tier_colors[] = {{0xb8, 0xc2, 0xcc}, {0xd4, 0xa7, 0x2c}, {0x5b, 0x6b, 0x82}};
    rect(L, gx, gy, gw, gh, sp->shade);
    for (size_t t = 0; t < L->cat->ntiers; t++) {
        float from = (float)L->cat->tiers[t].percent / 100.0f;
        float to = t + 1 < L->cat->ntiers ? (float)L->cat->tiers[t + 1].percent / 100.0f : 1.0f;
        cr_rgb c = tier_colors[t < 3 ? t : 2];
        rect(L, gx + gw * from, gy, gw * (to - from), gh, c);
        cr_arg a[] = {{"tier", L->cat->tiers[t].name}, {"percent", num(L, L->cat->tiers[t].percent)}};
        vline(L, gx + gw * from, gy - 2, gh + 6, sp->text, 0.6f);
        text_at(L, gx + gw * from + 2, gy + gh + 11, CR_FACE_REGULAR, SZ_SMALL, sp->muted, T(L, "gauge.tier", a, 2));
    }
    text_at(L, gx + 2, gy + gh + 11, CR_FACE_REGULAR, SZ_SMALL, sp->muted, S(L, "gauge.below"));
    /* The mark: a triangle above the bar at the exact share met. */
    float mx = gx + gw * (float)sc->met / (float)(sc->total ? sc->total : 1);
    cr_point *tri = cr_arena_calloc(L->tmp, 3, sizeof *tri);
    if (tri) {
        tri[0] = (cr_point){mx - 5, gy - 9};
        tri[1] = (cr_point){mx + 5, gy - 9};
        tri[2] = (cr_point){mx, gy - 1};
        poly(L, tri, 3, sp->text);
    }
    vline(L, mx, gy, gh, sp->text, 1.5f);
    cr_arg you[] = {{"percent", num(L, sc->percent)}};
    const char *yl = T(L, "gauge.you", you, 1);
    float yw = width(L, CR_FACE_BOLD, 8.5f, yl);
    float lx = mx - yw / 2;
    if (lx < gx)
        lx = gx;
    if (lx + yw > gx + gw)
        lx = gx + gw - yw;
    text_at(L, lx, gy - 12, CR_FACE_BOLD, 8.5f, sp->text, yl);
    L->y = gy + gh + 22;
}

static void section_process(lay *L)
{
    const cr_layout_spec *sp = L->sp;
    const cr_audited *au = L->au;
    float colw = (L->x1 - L->x0) / CR_STEP_COUNT;
    /* Room for circles, titles, dates and the step texts. */
    float texth = 0;
    for (int s = 0; s < CR_STEP_COUNT; s++) {
        char key[48];
        snprintf(key, sizeof key, "step.%s.text", cr_step_name((cr_step)s));
        float h = para_height(L, CR_FACE_REGULAR, SZ_SMALL, S(L, key), colw - 10);
        if (h > texth)
            texth = h;
    }
    heading(L, S(L, "section.process"), 0, 90 + texth);
    float cy = L->y + 12;
    hline(L, L->x0 + colw / 2, cy, colw * (CR_STEP_COUNT - 1), sp->rule, 2);
    float maxh = 0;
    for (int s = 0; s < CR_STEP_COUNT; s++) {
        float cx = L->x0 + colw * ((float)s + 0.5f);
        bool reached = au->steps[s].reached;
        bool current = au->current_step == s;
        bool skipped = !reached && au->current_step > s;
        circle(L, cx, cy, current ? 11 : 9, reached ? sp->accent : skipped ? sp->shade : sp->rule);
        text_center(L, cx, cy + 3.5f, CR_FACE_BOLD, 9, reached ? WHITE : sp->muted, num(L, s + 1));
        float y = cy + 22;
        char key[48];
        snprintf(key, sizeof key, "step.%s", cr_step_name((cr_step)s));
        y += para_at(L, L->x0 + colw * (float)s + 5, y, colw - 10, CR_FACE_BOLD, 8.5f, sp->text, S(L, key));
        const char *state;
        if (reached) {
            const cr_event *e = au->steps[s].event;
            cr_date d;
            char ymd[11];
            snprintf(ymd, sizeof ymd, "%.10s", e->at);
            cr_arg a[] = {{"date", cr_parse_date(ymd, &d) ? cr_fmt_date(L->tmp, L->st, d.year, d.month, d.day) : e->at}};
            state = T(L, "step.done", a, 1);
        } else {
            state = S(L, skipped ? "step.skipped" : "step.pending");
        }
        y += para_at(L, L->x0 + colw * (float)s + 5, y, colw - 10, CR_FACE_REGULAR, SZ_SMALL,
                     reached ? sp->text : sp->muted, state);
        if (current)
            y += para_at(L, L->x0 + colw * (float)s + 5, y, colw - 10, CR_FACE_BOLD, SZ_SMALL, sp->accent,
                         S(L, "step.current"));
        snprintf(key, sizeof key, "step.%s.text", cr_step_name((cr_step)s));
        y += 3 + para_at(L, L->x0 + colw * (float)s + 5, y + 3, colw - 10, CR_FACE_REGULAR, SZ_SMALL, sp->muted, S(L, key));
        if (y - L->y > maxh)
            maxh = y - L->y;
    }
    L->y += maxh + 12;
}

/* One horizontal bar chart: a row per group with its label, bar, value and a note; an optional
 * vertical mark (the city's own score). */
static void bar_chart(lay *L, const char *title, const char *const *labels, const double *values,
                      const char *const *notes, size_t n, double mark, const char *mark_label)
{
    const cr_layout_spec *sp = L->sp;
    float row = 22, labw = 120, notew = 80;
    need(L, SZ_H2 * 2 + row * (float)n + 20);
    text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, title);
    L->y += SZ_H2 + 20;
    float bx = L->x0 + labw, bw = L->x1 - L->x0 - labw - notew - 34;
    float top = L->y;
    for (size_t i = 0; i < n; i++) {
        float y = L->y + (float)i * row;
        text_at(L, L->x0, y + 12, CR_FACE_REGULAR, SZ_BODY, sp->text, labels[i]);
        rect(L, bx, y + 3, bw, 12, sp->shade);
        rect(L, bx, y + 3, bw * (float)(values[i] / 100.0), 12, sp->peers);
        text_at(L, bx + bw + 4, y + 12, CR_FACE_BOLD, SZ_BODY, sp->text, pct(L, values[i]));
        text_right(L, L->x1, y + 12, CR_FACE_REGULAR, SZ_SMALL, sp->muted, notes[i]);
    }
    if (mark >= 0) {
        float mx = bx + bw * (float)(mark / 100.0);
        vline(L, mx, top - 4, row * (float)n + 2, sp->accent, 1.5f);
        float lw = width(L, CR_FACE_BOLD, SZ_SMALL, mark_label);
        float lx = mx - lw / 2 < bx ? bx : mx - lw / 2;
        text_at(L, lx, top - 7, CR_FACE_BOLD, SZ_SMALL, sp->accent, mark_label);
    }
    L->y += row * (float)n + 14;
}

static void section_field(lay *L)
{
    const cr_catalog *cat = L->cat;
    const cr_peers *p = L->peers;
    heading(L, S(L, "section.field"), 0, 140);
    cr_arg a[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->applicants)}};
    para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, L->sp->muted, T(L, "field.intro", a, 1));
    L->y += 10;
    const char *labels[CR_MAX_LIST], *notes[CR_MAX_LIST];
    double values[CR_MAX_LIST];
    cr_arg you[] = {{"percent", num(L, L->sc->percent)}};
    const char *mark = T(L, "field.you", you, 1);
    double own = 100.0 * L->sc->met / (L->sc->total ? L->sc->total : 1);
    for (size_t r = 0; r < cat->nregions && r < CR_MAX_LIST; r++) {
        labels[r] = cat->regions[r].name;
        values[r] = cr_peers_average(p, &p->regions[r]);
        cr_arg n[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->regions[r].applicants)}};
        notes[r] = p->regions[r].applicants == 1 ? S(L, "field.one") : T(L, "field.applicants", n, 1);
    }
    bar_chart(L, S(L, "field.regions"), labels, values, notes, cat->nregions, own, mark);
    for (size_t b = 0; b < cat->nbands && b < CR_MAX_LIST; b++) {
        labels[b] = cat->bands[b].name;
        values[b] = cr_peers_average(p, &p->bands[b]);
        cr_arg n[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->bands[b].applicants)}};
        notes[b] = p->bands[b].applicants == 1 ? S(L, "field.one") : T(L, "field.applicants", n, 1);
    }
    bar_chart(L, S(L, "field.bands"), labels, values, notes, cat->nbands, own, mark);
}

static void section_measure(lay *L)
{
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    size_t band = L->sc->band;
    heading(L, S(L, "section.measure"), 0, 120);
    para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->muted, S(L, "measure.intro"));
    L->y += 8;
    cr_arg b[] = {{"band", band != CR_NONE ? cat->bands[band].name : "-"}};
    const char *series[3] = {S(L, "legend.city"), S(L, "legend.all"), T(L, "legend.size", b, 1)};
    float labw = 0;
    for (int k = 0; k < 3; k++) {
        float w = width(L, CR_FACE_BOLD, SZ_SMALL, series[k]) + 6;
        if (w > labw)
            labw = w;
    }
    float descw = (L->x1 - L->x0) * 0.48f, cx = L->x0 + descw + 14;
    float bx = cx + labw, bw = L->x1 - bx - 30;
    for (size_t k = 0; k < cat->nareas; k++) {
        const cr_area *a = &cat->areas[k];
        cr_rgb c = area_color(L, k);
        float dh = SZ_BODY * LEAD + 2 + para_height(L, CR_FACE_REGULAR, SZ_SMALL + 0.5f, a->description, descw - 9);
        float ch = 3 * 13 + 4;
        float h = dh > ch ? dh : ch;
        need(L, h + 14);
        float y0 = L->y;
        rect(L, L->x0, y0, 3, h, c);
        text_at(L, L->x0 + 9, y0 + SZ_BODY + 1, CR_FACE_BOLD, SZ_BODY + 1, c, a->name);
        para_at(L, L->x0 + 9, y0 + SZ_BODY * LEAD + 2, descw - 9, CR_FACE_REGULAR, SZ_SMALL + 0.5f, sp->muted, a->description);
        double vals[3] = {L->sc->areas[k].percent, area_share(L, k, CR_NONE),
                          band != CR_NONE ? area_share(L, k, band) : 0};
        cr_rgb colors[3] = {c, sp->peers, sp->size};
        for (int s = 0; s < 3; s++) {
            float y = y0 + 2 + (float)s * 13;
            text_at(L, cx, y + 8, s == 0 ? CR_FACE_BOLD : CR_FACE_REGULAR, SZ_SMALL, sp->text, series[s]);
            rect(L, bx, y + 1, bw, 9, sp->shade);
            rect(L, bx, y + 1, bw * (float)(vals[s] / 100.0), 9, colors[s]);
            text_at(L, bx + bw + 3, y + 8, s == 0 ? CR_FACE_BOLD : CR_FACE_REGULAR, SZ_SMALL, sp->text,
                    s == 2 && band == CR_NONE ? "-" : pct(L, vals[s]));
        }
        L->y += h + 12;
    }
}

/* ---- tables ---- */

typedef struct cell_par {
    cr_face face;
    cr_rgb color;
    const char *text;
} cell_par;

#define MAX_PARS 32

typedef struct cell {
    cell_par par[MAX_PARS];
    size_t npar;
    bool center;
} cell;

typedef struct cell_line {
    cr_face face;
    cr_rgb color;
    cr_line line;
    float gap; /* extra space before this line (between paragraphs) */
} cell_line;

typedef struct table {
    size_t ncols;
    float widths[8];
    const char *headers[8];
    const char *title; /* for the "continued" heading after a page break */
    float header_h;    /* set once by table_measure, used on every page and row */
} table;

#define PAD 4.0f

static size_t cell_lines(lay *L, const cell *c, float w, cell_line **out)
{
    size_t total = 0;
    cr_line *lines[MAX_PARS];
    size_t counts[MAX_PARS];
    for (size_t p = 0; p < c->npar; p++) {
        counts[p] = wrap(L, c->par[p].face, SZ_TABLE, c->par[p].text, w, &lines[p]);
        total += counts[p];
    }
    cell_line *cl = cr_arena_calloc(L->tmp, total ? total : 1, sizeof *cl);
    if (!cl) {
        L->oom = true;
        *out = NULL;
        return 0;
    }
    size_t k = 0;
    for (size_t p = 0; p < c->npar; p++)
        for (size_t i = 0; i < counts[p]; i++) {
            cl[k].face = c->par[p].face;
            cl[k].color = c->par[p].color;
            cl[k].line = lines[p][i];
            cl[k].gap = (i == 0 && p > 0) ? SZ_TABLE * 0.5f : 0;
            k++;
        }
    *out = cl;
    return total;
}

/* Measures the header row once per table: every page break repeats it and every row asks
 * whether it fits under it. */
static void table_measure(lay *L, table *t)
{
    float h = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        float hc = para_height(L, CR_FACE_BOLD, SZ_SMALL - 0.5f, t->headers[c], t->widths[c] - 2 * PAD);
        if (hc > h)
            h = hc;
    }
    t->header_h = h + 2 * PAD;
}

static void table_header(lay *L, const table *t)
{
    rect(L, L->x0, L->y, L->x1 - L->x0, t->header_h, L->sp->text);
    float x = L->x0;
    for (size_t c = 0; c < t->ncols; c++) {
        para_at(L, x + PAD, L->y + PAD - 1, t->widths[c] - 2 * PAD, CR_FACE_BOLD, SZ_SMALL - 0.5f, WHITE, t->headers[c]);
        x += t->widths[c];
    }
    L->y += t->header_h;
}

static void table_continue(lay *L, const table *t)
{
    new_page(L);
    cr_arg a[] = {{"title", t->title}};
    text_at(L, L->x0, L->y + SZ_BODY, CR_FACE_BOLD, SZ_BODY, L->sp->muted, T(L, "continued", a, 1));
    L->y += SZ_BODY * 1.8f;
    table_header(L, t);
}

/* One row. Kept whole on a page; a row taller than a whole page is split between lines. */
static void table_row(lay *L, const table *t, const cell *cells, bool shade)
{
    const cr_layout_spec *sp = L->sp;
    cell_line *lines[8];
    size_t n[8], next[8];
    float lh = SZ_TABLE * LEAD, h = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        n[c] = cell_lines(L, &cells[c], t->widths[c] - 2 * PAD, &lines[c]);
        next[c] = 0;
        float hc = 0;
        for (size_t i = 0; i < n[c]; i++)
            hc += lh + lines[c][i].gap;
        if (hc > h)
            h = hc;
    }
    if (L->oom)
        return;
    h += 2 * PAD;
    float page_room = L->bottom - L->top - t->header_h - SZ_BODY * 2;
    if (L->y + h > L->bottom && h <= page_room)
        table_continue(L, t);
    bool more = true;
    while (more) {
        /* Draw as many lines of each cell as fit (all of them, unless the row is huge). */
        float avail = L->bottom - L->y - 2 * PAD, used = 0;
        more = false;
        for (size_t c = 0; c < t->ncols; c++) {
            float y = 0;
            size_t i = next[c];
            while (i < n[c] && y + lh + lines[c][i].gap <= avail) {
                y += lh + lines[c][i].gap;
                i++;
            }
            if (y > used)
                used = y;
        }
        float rh = used + 2 * PAD;
        if (shade)
            rect(L, L->x0, L->y, L->x1 - L->x0, rh, sp->shade);
        float x = L->x0;
        for (size_t c = 0; c < t->ncols; c++) {
            float y = L->y + PAD;
            while (next[c] < n[c]) {
                const cell_line *cl = &lines[c][next[c]];
                if (y - L->y - PAD + lh + cl->gap > avail)
                    break;
                y += cl->gap;
                float tx = cells[c].center ? x + (t->widths[c] - cl->line.width) / 2 : x + PAD;
                line_text(L, tx, y + SZ_TABLE, cl->face, SZ_TABLE, cl->color, &cl->line);
                y += lh;
                next[c]++;
            }
            if (next[c] < n[c])
                more = true;
            x += t->widths[c];
        }
        L->y += rh;
        hline(L, L->x0, L->y, L->x1 - L->x0, sp->rule, 0.5f);
        if (more)
            table_continue(L, t);
    }
}

static const char *answer_label(lay *L, cr_answer a)
{
    return S(L, a == CR_ANSWER_YES ? "answer.yes" : a == CR_ANSWER_IN_PROGRESS ? "answer.in-progress" : "answer.no");
}

static void section_areas(lay *L)
{
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_audited *au = L->au;
    size_t band = L->sc->band;
    table t = {.ncols = 5,
               .widths = {200, 66, 52, 52, 134},
               .headers = {S(L, "table.criterion"), S(L, "table.response"), S(L, "table.all"),
                           S(L, "table.size"), S(L, "table.notes")}};
    float scale = (L->x1 - L->x0) / 504.0f;
    for (size_t c = 0; c < t.ncols; c++)
        t.widths[c] *= scale;
    table_measure(L, &t);
    for (size_t k = 0; k < cat->nareas; k++) {
        const cr_area *a = &cat->areas[k];
        cr_rgb color = area_color(L, k);
        /* Each area starts on a new page, as the report's readers expect to find them. */
        new_page(L);
        int id = anchor(L, L->y);
        L->area_anchor[k] = id;
        if (k == 0)
            bookmark(L, S(L, "section.areas"), 0, id);
        bookmark(L, a->name, 1, id);
        rect(L, L->x0, L->y, L->x1 - L->x0, 4, color);
        L->y += 10;
        text_at(L, L->x0, L->y + SZ_H1, CR_FACE_BOLD, SZ_H1, color, a->name);
        L->y += SZ_H1 * 1.6f;
        cr_arg ar[] = {{"percent", num(L, L->sc->areas[k].percent)},
                       {"area", a->name},
                       {"met", num(L, L->sc->areas[k].met)},
                       {"total", num(L, L->sc->areas[k].total)}};
        para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, 10, sp->text, T(L, "area.achieved", ar, 4));
        L->y += 8;
        t.title = a->name;
        table_header(L, &t);
        bool any_core = false, any_changed = false, any_stale = false;
        for (size_t i = a->first; i < a->first + a->count; i++) {
            const cr_criterion *cr = &cat->criteria[i];
            const cr_criterion_state *s = &au->criteria[i];
            cell cells[5];
            memset(cells, 0, sizeof cells);
            cr_arg ca[] = {{"code", cr->code}, {"core", cr->core ? "**" : ""}, {"name", cr->name}};
            any_core |= cr->core;
            cells[0].par[0] = (cell_par){CR_FACE_BOLD, sp->text, T(L, "table.code", ca, 3)};
            cells[0].par[1] = (cell_par){CR_FACE_REGULAR, sp->text, cr->statement};
            cells[0].npar = 2;
            char resp[64];
            snprintf(resp, sizeof resp, "%s%s", answer_label(L, s->answer), s->changed ? "*" : "");
            any_changed |= s->changed;
            cr_rgb rc = s->answer == CR_ANSWER_YES ? sp->text : sp->muted;
            cells[1].par[0] = (cell_par){CR_FACE_BOLD, rc, cr_arena_strdup(L->tmp, resp)};
            cells[1].npar = 1;
            if (s->stale) {
                cells[1].par[1] = (cell_par){CR_FACE_ITALIC, sp->accent, S(L, "answer.stale")};
                cells[1].npar = 2;
                any_stale = true;
            }
            cells[2].par[0] = (cell_par){CR_FACE_REGULAR, sp->text, pct(L, cr_peers_share(L->peers, i, CR_NONE))};
            cells[2].npar = 1;
            cells[2].center = true;
            cells[3].par[0] = (cell_par){CR_FACE_REGULAR, sp->text, band != CR_NONE ? pct(L, cr_peers_share(L->peers, i, band)) : "-"};
            cells[3].npar = 1;
            cells[3].center = true;
            /* Reviewer comments, the latest last; a flood of them is summarised, not dropped. */
            size_t np = 0, shown = s->nnotes < MAX_PARS - 6 ? s->nnotes : MAX_PARS - 6;
            for (size_t c = s->nnotes - shown; c < s->nnotes; c++)
                cells[4].par[np++] = (cell_par){CR_FACE_REGULAR, sp->text, s->notes[c]->comment};
            if (shown < s->nnotes) {
                cr_arg ma[] = {{"n", num(L, (long)(s->nnotes - shown))}};
                cells[4].par[np++] = (cell_par){CR_FACE_ITALIC, sp->muted, T(L, "note.more", ma, 1)};
            }
            for (size_t p = 0; p < s->nprograms && np < MAX_PARS; p++) {
                cr_arg pa[] = {{"program", L->sub->programs[s->programs[p]].name}};
                cells[4].par[np++] = (cell_par){CR_FACE_ITALIC, sp->muted, T(L, "note.program", pa, 1)};
            }
            cells[4].npar = np;
            table_row(L, &t, cells, (i - a->first) % 2 == 1);
        }
        /* The legend for the markers used in this table. */
        L->y += 6;
        if (any_core)
            para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_SMALL, sp->muted, S(L, "legend.core"));
        if (any_changed)
            para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_SMALL, sp->muted, S(L, "legend.changed"));
        if (any_stale)
            para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_SMALL, sp->muted, S(L, "legend.stale"));
    }
}

/* The reviewers' latest verdict event on outcome |o|, or NULL. */
static const cr_event *outcome_verdict(lay *L, size_t o)
{
    const cr_audit_log *log = L->au->log;
    const cr_event *found = NULL;
    for (size_t i = 0; log && i < log->nevents; i++)
        if (log->events[i].type == CR_EVENT_OUTCOME && log->events[i].outcome == o)
            found = &log->events[i];
    return found;
}

static void section_outcomes(lay *L)
{
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    new_page(L);
    heading(L, S(L, "section.outcomes"), 0, 120);
    para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->muted, S(L, "outcomes.intro"));
    L->y += 8;
    table t = {.ncols = 6,
               .widths = {76, 84, 108, 68, 72, 96},
               .headers = {S(L, "outcomes.metric"), S(L, "outcomes.indicator"), S(L, "outcomes.standard"),
                           S(L, "outcomes.value"), S(L, "outcomes.source"), S(L, "outcomes.result")},
               .title = S(L, "section.outcomes")};
    float scale = (L->x1 - L->x0) / 504.0f;
    for (size_t c = 0; c < t.ncols; c++)
        t.widths[c] *= scale;
    table_measure(L, &t);
    table_header(L, &t);
    for (size_t o = 0; o < cat->noutcomes; o++) {
        const cr_outcome_def *d = &cat->outcomes[o];
        const cr_outcome_value *v = &L->sub->outcomes[o];
        cell cells[6];
        memset(cells, 0, sizeof cells);
        cells[0].par[0] = (cell_par){CR_FACE_BOLD, sp->text, d->name};
        cells[1].par[0] = (cell_par){CR_FACE_REGULAR, sp->text, d->indicator};
        cells[2].par[0] = (cell_par){CR_FACE_REGULAR, sp->text, d->standard_text};
        const char *value, *source = v->present && v->source ? v->source : "";
        if (!v->present) {
            value = S(L, d->rule == CR_RULE_VERDICT ? "outcomes.nominate" : "outcomes.missing");
        } else if (d->rule == CR_RULE_VERDICT) {
            char sdg[8];
            snprintf(sdg, sizeof sdg, "%d", v->sdg);
            cr_arg a[] = {{"name", v->name}, {"sdg", sdg}, {"value", v->value_text ? v->value_text : "-"},
                          {"target", v->target ? v->target : "-"}};
            value = T(L, "outcomes.nominated", a, 4);
        } else {
            char b[64];
            snprintf(b, sizeof b, "%s%s%s", v->value_text, d->unit && strcmp(d->unit, "%") != 0 ? " " : "",
                     d->unit ? d->unit : "");
            const char *vs = cr_arena_strdup(L->tmp, b);
            if (v->year) {
                cr_arg a[] = {{"value", vs}, {"year", num(L, v->year)}};
                vs = T(L, "outcomes.year", a, 2);
            }
            value = vs;
        }
        cells[3].par[0] = (cell_par){CR_FACE_REGULAR, sp->text, value};
        cells[4].par[0] = (cell_par){CR_FACE_REGULAR, sp->muted, source};
        bool met = L->sc->outcome_met[o];
        const char *result = met ? S(L, "outcomes.met")
                             : d->rule == CR_RULE_VERDICT && v->present && L->au->verdicts[o] < 0
                                 ? S(L, "outcomes.pending")
                                 : S(L, "outcomes.notmet");
        cells[5].par[0] = (cell_par){CR_FACE_BOLD, met ? sp->accent : sp->muted, result};
        /* The reviewers' reasons go with their verdict, in the widest column of the right half. */
        const cr_event *verdict = outcome_verdict(L, o);
        if (verdict && verdict->comment) {
            cells[5].par[1] = (cell_par){CR_FACE_ITALIC, sp->muted, verdict->comment};
            cells[5].npar = 2;
        }
        for (int c = 0; c < 6; c++)
            if (!cells[c].npar)
                cells[c].npar = 1;
        table_row(L, &t, cells, o % 2 == 1);
    }
    L->y += 14;
}

/* Criteria to work on first: in-progress ones, then those most peers of the city's size meet;
 * the ones the next tier requires come first of all. */
static void section_next(lay *L)
{
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_scorecard *sc = L->sc;
    heading(L, S(L, "section.next"), 0, 100);
    para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->muted, S(L, "next.intro"));
    L->y += 8;
    const cr_next_tier *n = &sc->next;
    float bullet_x = L->x0 + 4, tx = L->x0 + 16, tw = L->x1 - tx;
    if (sc->eligibility != CR_ELIGIBLE) {
        para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->text, S(L, "next.ineligible"));
    } else if (n->tier == CR_NONE) {
        para(L, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY, sp->text, S(L, "next.top"));
    } else {
        cr_arg t[] = {{"tier", tier_name(L, n->tier)}};
        need(L, 60);
        text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, T(L, "next.reach", t, 1));
        L->y += SZ_H2 * 1.7f;
        const char *items[CR_MAX_LIST + 2];
        size_t ni = 0;
        if (n->more_criteria) {
            unsigned need_n = sc->met + n->more_criteria;
            cr_arg a[] = {{"n", num(L, n->more_criteria)}, {"need", num(L, need_n)}, {"total", num(L, sc->total)}};
            items[ni++] = T(L, "next.more", a, 3);
        }
        for (size_t i = 0; i < n->nmissing && ni < CR_MAX_LIST; i++) {
            const cr_criterion *c = &cat->criteria[n->missing[i]];
            cr_arg a[] = {{"code", c->code}, {"name", c->name}, {"tier", tier_name(L, n->tier)}};
            items[ni++] = T(L, c->core ? "next.core" : "next.required", a, 3);
        }
        if (n->more_outcomes) {
            const char *names[CR_MAX_LIST];
            for (size_t o = 0; o < n->noutcomes; o++)
                names[o] = cat->outcomes[n->outcomes[o]].name;
            cr_arg a[] = {{"n", num(L, n->more_outcomes)}, {"list", join(L, names, n->noutcomes)}};
            items[ni++] = T(L, n->more_outcomes == 1 ? "next.outcome" : "next.outcomes", a, 2);
        }
        for (size_t i = 0; i < ni; i++) {
            need(L, SZ_BODY * LEAD);
            circle(L, bullet_x + 2, L->y + SZ_BODY * 0.65f, 2, sp->accent);
            para(L, tx, tw, CR_FACE_REGULAR, SZ_BODY, sp->text, items[i]);
            L->y += 3;
        }
    }
    L->y += 8;

    /* Rank the criteria not met. */
    size_t cand[CR_MAX_LIST], nc = 0;
    double score[CR_MAX_LIST];
    size_t band = sc->band;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        const cr_criterion_state *s = &L->au->criteria[i];
        if (s->answer == CR_ANSWER_YES)
            continue;
        double v = cr_peers_share(L->peers, i, band != CR_NONE ? band : CR_NONE);
        if (s->answer == CR_ANSWER_IN_PROGRESS)
            v += 100;
        for (size_t m = 0; m < n->nmissing; m++)
            if (n->missing[m] == i)
                v += 1000;
        cand[nc] = i;
        score[nc++] = v;
    }
    /* Stable selection of the top five by score (ties keep catalog order). */
    size_t show = nc < 5 ? nc : 5;
    for (size_t a = 0; a < show; a++) {
        size_t best = a;
        for (size_t b = a + 1; b < nc; b++)
            if (score[b] > score[best])
                best = b;
        size_t ci = cand[best];
        double sv = score[best];
        memmove(&cand[a + 1], &cand[a], (best - a) * sizeof *cand);
        memmove(&score[a + 1], &score[a], (best - a) * sizeof *score);
        cand[a] = ci;
        score[a] = sv;
    }
    if (show) {
        need(L, 80);
        text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, S(L, "next.focus"));
        L->y += SZ_H2 * 1.7f;
    }
    for (size_t a = 0; a < show; a++) {
        size_t i = cand[a];
        const cr_criterion *c = &cat->criteria[i];
        const char *reasons[3];
        size_t nr = 0;
        if (score[a] >= 1000) {
            cr_arg t[] = {{"tier", tier_name(L, n->tier)}};
            reasons[nr++] = T(L, "next.reason.required", t, 1);
        }
        if (L->au->criteria[i].answer == CR_ANSWER_IN_PROGRESS)
            reasons[nr++] = S(L, "next.reason.progress");
        long share = round_pct(cr_peers_share(L->peers, i, band));
        cr_arg p[] = {{"percent", num(L, share)}};
        if (share == 0)
            reasons[nr++] = S(L, band != CR_NONE ? "next.reason.size.none" : "next.reason.all.none");
        else
            reasons[nr++] = T(L, band != CR_NONE ? "next.reason.size" : "next.reason.all", p, 1);
        cr_arg ha[] = {{"code", c->code}, {"core", ""}, {"name", c->name}};
        const char *head = T(L, "table.code", ha, 3);
        float h = SZ_BODY * LEAD * 2 + para_height(L, CR_FACE_REGULAR, SZ_SMALL + 0.5f, join(L, reasons, nr), tw);
        need(L, h + 6);
        rect(L, L->x0, L->y + 1, 4, h - 2, area_color(L, c->area));
        para(L, tx, tw, CR_FACE_BOLD, SZ_BODY, sp->text, head);
        para(L, tx, tw, CR_FACE_ITALIC, SZ_SMALL + 0.5f, area_color(L, c->area), cat->areas[c->area].name);
        para(L, tx, tw, CR_FACE_REGULAR, SZ_SMALL + 0.5f, sp->muted, join(L, reasons, nr));
        L->y += 6;
    }
    L->y += 8;

    /* Learning resources, with clickable links. */
    need(L, 80);
    text_at(L, L->x0, L->y + SZ_H2, CR_FACE_BOLD, SZ_H2, sp->text, S(L, "next.resources"));
    L->y += SZ_H2 * 1.7f;
    for (int r = 1; r <= 20; r++) {
        char kt[32], kx[32], ku[32];
        snprintf(kt, sizeof kt, "resource.%d.title", r);
        snprintf(kx, sizeof kx, "resource.%d.text", r);
        snprintf(ku, sizeof ku, "resource.%d.url", r);
        const char *title = cr_strings_get(L->st, kt), *txt = cr_strings_get(L->st, kx),
                   *url = cr_strings_get(L->st, ku);
        if (!title || !url)
            break;
        need(L, SZ_BODY * LEAD * 3 + 6);
        float y0 = L->y;
        para(L, tx, tw, CR_FACE_BOLD, SZ_BODY, sp->accent, title);
        if (txt)
            para(L, tx, tw, CR_FACE_REGULAR, SZ_SMALL + 0.5f, sp->text, txt);
        para(L, tx, tw, CR_FACE_REGULAR, SZ_SMALL, sp->accent, url);
        /* The whole entry (title, text and address) is the link. */
        link_uri(L, tx, y0, tw, L->y - y0, url);
        L->y += 6;
    }
}

/* ---- running header, footer, glyph check ---- */

static void header_footer(lay *L, size_t pi, cr_dlist *dl)
{
    const cr_layout_spec *sp = L->sp;
    char cycle[16], n[24], m[24];
    snprintf(cycle, sizeof cycle, "%d", L->sub->cycle);
    snprintf(n, sizeof n, "%zu", pi + 1);
    snprintf(m, sizeof m, "%zu", L->npages);
    float fy = L->sp->page_h - sp->margin_bottom + 24;
    cr_arg pa[] = {{"n", n}, {"m", m}};
    cr_arg ea[] = {{"edition", L->cat->edition}};
    const char *pageno = T(L, "footer.page", pa, 2), *ed = T(L, "footer.edition", ea, 1);
    cr_op ops[6];
    size_t k = 0;
    ops[k++] = (cr_op){.kind = CR_OP_LINE, .x = L->x0, .y = fy - 10, .w = L->x1 - L->x0, .stroke_color = sp->rule, .line_width = 0.5f};
    ops[k++] = (cr_op){.kind = CR_OP_TEXT, .x = L->x0, .y = fy, .face = CR_FACE_REGULAR, .size = SZ_SMALL, .color = sp->muted, .text = ed};
    ops[k++] = (cr_op){.kind = CR_OP_TEXT, .x = L->x1 - width(L, CR_FACE_REGULAR, SZ_SMALL, pageno), .y = fy,
                       .face = CR_FACE_REGULAR, .size = SZ_SMALL, .color = sp->muted, .text = pageno};
    if (pi > 0) {
        cr_arg ca[] = {{"cycle", cycle}};
        const char *right = T(L, "header.right", ca, 1);
        float hy = sp->margin_top - 18;
        ops[k++] = (cr_op){.kind = CR_OP_TEXT, .x = L->x0, .y = hy, .face = CR_FACE_BOLD, .size = SZ_SMALL, .color = sp->muted, .text = L->sub->city.name};
        ops[k++] = (cr_op){.kind = CR_OP_TEXT, .x = L->x1 - width(L, CR_FACE_REGULAR, SZ_SMALL, right), .y = hy,
                           .face = CR_FACE_REGULAR, .size = SZ_SMALL, .color = sp->muted, .text = right};
        ops[k++] = (cr_op){.kind = CR_OP_LINE, .x = L->x0, .y = hy + 6, .w = L->x1 - L->x0, .stroke_color = sp->rule, .line_width = 0.5f};
    }
    for (size_t i = 0; i < k; i++)
        cr_dlist_add(dl, &ops[i]);
}

static bool check_text(lay *L, const char *s, const char *file, long line)
{
    if (!s)
        return true;
    for (int face = 0; face < CR_FACE_COUNT; face++) {
        uint32_t cp = cr_fonts_missing(L->f, (cr_face)face, s);
        if (cp) {
            cr_error_set(L->err, CR_EINPUT, file, line,
                         "character U+%04X is not in the report's fonts (in \"%.60s\")", (unsigned)cp, s);
            return false;
        }
    }
    return true;
}

/* Every input text the report shows must be drawable: a missing glyph is an input error naming
 * the file and line, never a silent box. */
static bool check_glyphs(lay *L)
{
    const cr_submission *sub = L->sub;
    if (!check_text(L, sub->city.name, sub->file, sub->city.line))
        return false;
    for (size_t p = 0; p < sub->nprograms; p++)
        if (!check_text(L, sub->programs[p].name, sub->file, sub->programs[p].line))
            return false;
    for (size_t o = 0; o < sub->noutcomes; o++) {
        const cr_outcome_value *v = &sub->outcomes[o];
        if (v->present && (!check_text(L, v->source, sub->file, v->line) || !check_text(L, v->name, sub->file, v->line) ||
                           !check_text(L, v->target, sub->file, v->line) || !check_text(L, v->value_text, sub->file, v->line)))
            return false;
    }
    for (size_t i = 0; L->au->log && i < L->au->log->nevents; i++) {
        const cr_event *e = &L->au->log->events[i];
        if (e->type == CR_EVENT_OUTCOME && !check_text(L, e->comment, L->au->log->file, e->line))
            return false;
    }
    for (size_t i = 0; i < L->au->ncriteria; i++)
        for (size_t n = 0; n < L->au->criteria[i].nnotes; n++) {
            const cr_event *e = L->au->criteria[i].notes[n];
            if (!check_text(L, e->comment, L->au->log->file, e->line))
                return false;
        }
    return true;
}

cr_status cr_layout_check_texts(const cr_catalog *cat, const cr_strings *strings,
                                const cr_fonts *fonts, cr_error *err)
{
    lay L0 = {.f = fonts, .err = err};
    lay *L = &L0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        if (!check_text(L, cat->criteria[i].statement, cat->file, 0) ||
            !check_text(L, cat->criteria[i].name, cat->file, 0))
            return CR_EINPUT;
    for (size_t i = 0; i < cat->nareas; i++)
        if (!check_text(L, cat->areas[i].name, cat->file, 0) ||
            !check_text(L, cat->areas[i].description, cat->file, 0))
            return CR_EINPUT;
    for (size_t i = 0; i < cat->noutcomes; i++)
        if (!check_text(L, cat->outcomes[i].name, cat->file, 0) ||
            !check_text(L, cat->outcomes[i].indicator, cat->file, 0) ||
            !check_text(L, cat->outcomes[i].standard_text, cat->file, 0))
            return CR_EINPUT;
    for (size_t i = 0; i < strings->n; i++)
        if (!check_text(L, strings->entries[i].value, strings->file, 0))
            return CR_EINPUT;
    return CR_OK;
}

cr_display *cr_layout_report(const cr_report_request *req, cr_error *err)
{
    lay L0, *L = &L0;
    memset(L, 0, sizeof *L);
    L->req = req;
    L->cat = req->catalog;
    L->sp = req->spec;
    L->st = req->strings;
    L->f = req->fonts;
    L->sub = req->assessment->submission;
    L->au = req->assessment->audited;
    L->sc = &req->assessment->score;
    L->peers = req->peers;
    L->err = err;
    L->x0 = L->sp->margin_left;
    L->x1 = L->sp->page_w - L->sp->margin_right;
    L->top = L->sp->margin_top;
    L->bottom = L->sp->page_h - L->sp->margin_bottom;
    cr_display *d = NULL;
    cr_dlist dl;
    memset(&dl, 0, sizeof dl);
    L->tmp = cr_arena_new();
    if (!L->tmp) {
        L->oom = true;
        goto done;
    }
    if (L->cat->nareas > CR_MAX_LIST || !check_glyphs(L))
        goto done;

    new_page(L);
    for (size_t s = 0; s < L->sp->nsections && !L->oom; s++) {
        switch (L->sp->sections[s]) {
        case CR_SEC_STATUS:
            section_status(L);
            break;
        case CR_SEC_PROCESS:
            section_process(L);
            break;
        case CR_SEC_FIELD:
            if (L->y > L->top + 1)
                new_page(L);
            section_field(L);
            break;
        case CR_SEC_MEASURE:
            section_measure(L);
            break;
        case CR_SEC_AREAS:
            section_areas(L);
            break;
        case CR_SEC_OUTCOMES:
            section_outcomes(L);
            break;
        case CR_SEC_NEXT:
            section_next(L);
            break;
        default:
            break;
        }
    }
    if (L->oom)
        goto done;

    /* Assemble: per page, the page op, its content, then header and footer. The status band's
     * boxes link to the area sections, known only now. */
    if (!cr_dlist_init(&dl, L->sp->page_w, L->sp->page_h)) {
        L->oom = true;
        goto done;
    }
    for (size_t pi = 0; pi < L->npages; pi++) {
        cr_op po = {.kind = CR_OP_PAGE};
        cr_dlist_add(&dl, &po);
        for (size_t i = 0; i < L->pages[pi].n; i++)
            cr_dlist_add(&dl, &L->pages[pi].ops[i]);
        for (size_t k = 0; k < L->nband; k++) {
            if (L->band_box[k].page != pi || L->area_anchor[k] < 0)
                continue;
            cr_op g = {.kind = CR_OP_GOTO, .x = L->band_box[k].x, .y = L->band_box[k].y,
                       .w = L->band_box[k].w, .h = L->band_box[k].h, .target = L->area_anchor[k]};
            cr_dlist_add(&dl, &g);
        }
        header_footer(L, pi, &dl);
    }
    cr_display *out = cr_dlist_finish(&dl);
    if (!out) {
        L->oom = true;
        goto done;
    }
    out->nanchors = L->nanchors;
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", L->sub->cycle);
    cr_arg ta[] = {{"city", L->sub->city.name}, {"cycle", cycle}};
    cr_dlist tmp = {.d = out};
    out->info.title = cr_dlist_str(&tmp, T(L, "doc.title", ta, 2));
    out->info.subject = cr_dlist_str(&tmp, T(L, "doc.subject", ta, 2));
    out->info.author = cr_dlist_str(&tmp, S(L, "doc.author"));
    out->info.keywords = cr_dlist_str(&tmp, T(L, "doc.keywords", ta, 2));
    out->info.creator = cr_dlist_str(&tmp, "certreport");
    out->info.lang = cr_dlist_str(&tmp, L->st->lang);
    out->info.created = req->created;
    if (tmp.oom || L->oom) {
        cr_display_free(out);
        L->oom = true;
        goto done;
    }
    d = out;
done:
    if (L->oom)
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < L->npages; i++)
        free(L->pages[i].ops);
    free(L->pages);
    cr_arena_free(L->tmp);
    return d;
}
