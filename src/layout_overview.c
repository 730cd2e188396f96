/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the cohort overview for the program's staff (see certreport/overview.h).
 *
 * Built with the city report's drawing primitives (layout_draw.c): same type scale, palette,
 * tables (headers repeated after a page break), headings with bookmarks, running header and
 * footer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certreport/overview.h"
#include "args.h"
#include "layout_draw.h"
#include "text.h"

typedef struct overview {
    cr_draw d;
    const cr_overview_request *req;
    const cr_overview_city **sorted; /* the cities by name, then id */
    /* Eligible cities (inside a region and a band, as the peer statistics count them): how many
     * and criteria met, per region, per band and in all; per area too. */
    size_t n_region[CR_MAX_LIST], n_band[CR_MAX_LIST], n_eligible;
    unsigned long met_region[CR_MAX_LIST], met_band[CR_MAX_LIST], met_eligible;
    unsigned long *area_region, *area_band, *area_all; /* [area * nregions + region] ... */
} overview;

/* ---- sorting cities by name ---- */

/* Base letters of U+00C0..U+017F (Latin-1 Supplement and Latin Extended-A), for sorting names
 * the way a reader looks them up: "Ñuñoa" between "Nashua" and "Oakville". */
static const char FOLD[] = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty"
                           "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNn"
                           "NnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
_Static_assert(sizeof FOLD - 1 == 0x180 - 0xC0, "one base letter per code point");

/* The next code point of |*p| folded to a lower-case base letter where there is one. */
static uint32_t fold_next(const char **p)
{
    uint32_t c = cr_utf8_next(p);
    if (c >= 0xC0 && c < 0x180)
        c = (unsigned char)FOLD[c - 0xC0];
    if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
    return c;
}

static int fold_cmp(const char *a, const char *b)
{
    for (;;) {
        uint32_t ca = *a ? fold_next(&a) : 0, cb = *b ? fold_next(&b) : 0;
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (!ca)
            return 0;
    }
}

static int city_cmp(const void *pa, const void *pb)
{
    const cr_overview_city *a = *(const cr_overview_city *const *)pa;
    const cr_overview_city *b = *(const cr_overview_city *const *)pb;
    int c = fold_cmp(a->name, b->name);
    if (!c)
        c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->id, b->id);
}

/* ---- checks and counts ---- */

static bool check_cities(overview *O)
{
    cr_draw *L = &O->d;
    const cr_catalog *cat = L->cat;
    if (2 + cat->nregions + cat->nbands > CR_TABLE_MAX_COLS || cat->nareas > CR_MAX_LIST ||
        cat->nregions > CR_MAX_LIST || cat->nbands > CR_MAX_LIST) {
        cr_error_set(L->err, CR_EUSAGE, cat->file, 0,
                     "the overview's tables hold at most %d regions and bands together",
                     CR_TABLE_MAX_COLS - 2);
        return false;
    }
    if (O->req->ncities && !O->req->cities) {
        cr_error_set(L->err, CR_EUSAGE, NULL, 0, "overview: %zu cities but no array",
                     O->req->ncities);
        return false;
    }
    for (size_t i = 0; i < O->req->ncities; i++) {
        const cr_overview_city *c = &O->req->cities[i];
        const char *id = c->id ? c->id : "?";
        bool ok = c->id && c->name && c->country && c->area_met && c->met <= c->total &&
                  (c->region == CR_NONE || c->region < cat->nregions) &&
                  (c->band == CR_NONE || c->band < cat->nbands) &&
                  (c->eligible == CR_NONE || c->eligible < cat->ntiers) &&
                  (c->awarded == CR_NONE || c->awarded < cat->ntiers);
        for (size_t k = 0; ok && k < cat->nareas; k++)
            ok = c->area_met[k] <= cat->areas[k].count;
        if (!ok) {
            cr_error_set(L->err, CR_EUSAGE, NULL, 0,
                         "overview: city \"%s\" does not fit the catalog %s", id, cat->edition);
            return false;
        }
    }
    return true;
}

static bool count_cities(overview *O)
{
    cr_draw *L = &O->d;
    const cr_catalog *cat = L->cat;
    size_t n = O->req->ncities, na = cat->nareas;
    O->sorted = cr_arena_calloc(L->tmp, n ? n : 1, sizeof *O->sorted);
    O->area_region = cr_arena_calloc(L->tmp, na * cat->nregions + 1, sizeof *O->area_region);
    O->area_band = cr_arena_calloc(L->tmp, na * cat->nbands + 1, sizeof *O->area_band);
    O->area_all = cr_arena_calloc(L->tmp, na + 1, sizeof *O->area_all);
    if (!O->sorted || !O->area_region || !O->area_band || !O->area_all) {
        L->oom = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const cr_overview_city *c = &O->req->cities[i];
        O->sorted[i] = c;
        if (c->region == CR_NONE || c->band == CR_NONE)
            continue;
        O->n_region[c->region]++;
        O->n_band[c->band]++;
        O->n_eligible++;
        O->met_region[c->region] += c->met;
        O->met_band[c->band] += c->met;
        O->met_eligible += c->met;
        for (size_t k = 0; k < na; k++) {
            O->area_region[k * cat->nregions + c->region] += c->area_met[k];
            O->area_band[k * cat->nbands + c->band] += c->area_met[k];
            O->area_all[k] += c->area_met[k];
        }
    }
    qsort(O->sorted, n, sizeof *O->sorted, city_cmp);
    return true;
}

/* |met| criteria of |per_city| each over |n| cities, as a percentage; a dash for no city. */
static const char *average(overview *O, unsigned long met, size_t n, size_t per_city)
{
    if (!n || !per_city)
        return cr_draw_str(&O->d, "overview.empty");
    return cr_draw_pct(&O->d, 100.0 * (double)met / ((double)n * (double)per_city));
}

static const char *count(overview *O, size_t n)
{
    return cr_fmt_int(O->d.tmp, O->d.st, (long)n);
}

static const char *group_header(overview *O, const char *name, size_t n)
{
    cr_arg a[] = {{"name", name}, {"n", count(O, n)}};
    return cr_draw_tpl(&O->d, "overview.group", a, 2);
}

static const char *tier_or_none(overview *O, size_t t)
{
    return t == CR_NONE ? cr_draw_str(&O->d, "overview.tier.none") : O->d.cat->tiers[t].name;
}

/* ---- page 1: the cohort at a glance ---- */

static void stat_boxes(overview *O)
{
    cr_draw *L = &O->d;
    const cr_layout_spec *sp = L->sp;
    size_t qualify = 0, certified = 0;
    for (size_t i = 0; i < O->req->ncities; i++) {
        qualify += O->req->cities[i].eligible != CR_NONE;
        certified += O->req->cities[i].awarded != CR_NONE;
    }
    const char *values[] = {count(O, O->req->ncities),
                            count(O, O->n_eligible),
                            average(O, O->met_eligible, O->n_eligible, L->cat->ncriteria),
                            count(O, qualify),
                            count(O, certified),
                            count(O, O->req->excluded)};
    const char *labels[] = {
        cr_draw_str(L, "overview.stat.applicants"), cr_draw_str(L, "overview.stat.eligible"),
        cr_draw_str(L, "overview.stat.average"),    cr_draw_str(L, "overview.stat.qualify"),
        cr_draw_str(L, "overview.stat.certified"),  cr_draw_str(L, "overview.stat.excluded")};
    size_t n = sizeof values / sizeof values[0];
    float gap = 6, bw = (L->x1 - L->x0 - gap * (float)(n - 1)) / (float)n, label_h = 0;
    for (size_t k = 0; k < n; k++) {
        float h = cr_draw_para_height(L, CR_FACE_BOLD, 7, labels[k], bw - 10);
        if (h > label_h)
            label_h = h;
    }
    float box_h = 8 + 22 + 6 + label_h + 6;
    cr_draw_need(L, box_h);
    cr_draw_begin(L, CR_ROLE_L, NULL); /* box by box: the figure, then what it counts */
    for (size_t k = 0; k < n; k++) {
        float x = L->x0 + (float)k * (bw + gap);
        cr_draw_begin(L, CR_ROLE_LI, NULL);
        cr_draw_begin(L, CR_ROLE_LBODY, NULL);
        cr_draw_rect(L, x, L->y, bw, box_h, sp->shade);
        cr_draw_rect(L, x, L->y, bw, 3, sp->accent);
        cr_draw_text(L, x + 6, L->y + 8 + 20, CR_FACE_BOLD, 20, sp->accent, values[k]);
        cr_draw_para_at(L, x + 6, L->y + 8 + 28, bw - 10, CR_FACE_BOLD, 7, sp->text, labels[k]);
        cr_draw_end(L);
        cr_draw_end(L);
    }
    cr_draw_end(L);
    L->y += box_h + 18;
}

/* The tier chart in words, top tier first: "Tier distribution: Platinum: 1 (9%) qualify, 1 (9%)
 * awarded; ...". |values|: the bars' texts, qualifying then awarded, per tier then none. */
static const char *tier_alt(overview *O, const char *const *values)
{
    cr_draw *L = &O->d;
    const cr_catalog *cat = L->cat;
    size_t nt = cat->ntiers;
    const char **items = cr_arena_calloc(L->tmp, nt + 1, sizeof *items);
    if (!items) {
        L->oom = true;
        return NULL;
    }
    for (size_t r = 0; r <= nt; r++) {
        size_t t = r < nt ? nt - 1 - r : nt;
        cr_arg a[] = {{"tier", t < nt ? cat->tiers[t].name : cr_draw_str(L, "overview.tiers.none")},
                      {"qualify", values[t]},
                      {"awarded", values[nt + 1 + t]}};
        items[r] = cr_draw_tpl(L, "overview.tiers.alt.item", a, 3);
    }
    cr_arg a[] = {{"title", cr_draw_str(L, "overview.tiers")},
                  {"list", cr_draw_list(L, items, nt + 1, "chart.sep")}};
    return cr_draw_tpl(L, "chart.alt", a, 2);
}

/* Per tier (top tier first, then "not certified"): two labelled bars, the tier the answers
 * qualify for and the tier awarded, each with its count and share written out. */
static void tier_chart(overview *O)
{
    cr_draw *L = &O->d;
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    size_t nt = cat->ntiers, n = O->req->ncities;
    size_t *qual = cr_arena_calloc(L->tmp, nt + 1, sizeof *qual),
           *award = cr_arena_calloc(L->tmp, nt + 1, sizeof *award);
    if (!qual || !award) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const cr_overview_city *c = &O->req->cities[i];
        qual[c->eligible == CR_NONE ? nt : c->eligible]++;
        award[c->awarded == CR_NONE ? nt : c->awarded]++;
    }
    /* Each bar's value as text: "39 (16%)". */
    const char **values = cr_arena_calloc(L->tmp, 2 * (nt + 1), sizeof *values);
    if (!values) {
        L->oom = true;
        return;
    }
    float valw = 0;
    for (size_t k = 0; k < 2 * (nt + 1); k++) {
        size_t v = k <= nt ? qual[k] : award[k - nt - 1];
        unsigned share = n ? cr_round_pct(100.0 * (double)v / (double)n) : 0;
        cr_arg a[] = {{"n", count(O, v)}, {"percent", cr_draw_num(L, share)}};
        values[k] = cr_draw_tpl(
            L, v && !share ? "overview.tiers.value.small" : "overview.tiers.value", a, 2);
        float w = cr_draw_width(L, CR_FACE_BOLD, SZ_TABLE(L), values[k]) + 8;
        if (w > valw)
            valw = w;
    }
    const char *series[2] = {cr_draw_str(L, "overview.tiers.qualifies"),
                             cr_draw_str(L, "overview.tiers.awarded")};
    float labw = 0, serw = 0;
    for (size_t t = 0; t <= nt; t++) {
        float w =
            cr_draw_width(L, CR_FACE_BOLD, SZ_BODY(L),
                          t < nt ? cat->tiers[t].name : cr_draw_str(L, "overview.tiers.none"));
        if (w > labw)
            labw = w;
    }
    for (int s = 0; s < 2; s++) {
        float w = cr_draw_width(L, CR_FACE_REGULAR, SZ_SMALL(L), series[s]);
        if (w > serw)
            serw = w;
    }
    float sub = 13, group = 2 * sub + 8;
    float sx = L->x0 + labw + 16, bx = sx + serw + 10;
    float bw = L->x1 - bx - valw;
    cr_draw_need(L, SZ_H2(L) * 2 + group * (float)(nt + 1) + 30);
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), sp->text,
                      cr_draw_str(L, "overview.tiers"));
    L->y += SZ_H2(L) + 10;
    cr_draw_begin(L, CR_ROLE_FIGURE, L->tagged ? tier_alt(O, values) : NULL);
    cr_rgb colors[2] = {sp->peers, sp->accent};
    for (size_t r = 0; r <= nt; r++) {
        size_t t = r < nt ? nt - 1 - r : nt; /* the top tier first; t == nt: not certified */
        float y = L->y + (float)r * group;
        cr_draw_text(L, L->x0, y + 10, CR_FACE_BOLD, SZ_BODY(L), sp->text,
                     t < nt ? cat->tiers[t].name : cr_draw_str(L, "overview.tiers.none"));
        for (int s = 0; s < 2; s++) {
            size_t v = s == 0 ? qual[t] : award[t];
            float yy = y + (float)s * sub;
            double share = n ? 100.0 * (double)v / (double)n : 0;
            cr_draw_text(L, sx, yy + 10, CR_FACE_REGULAR, SZ_SMALL(L), sp->muted, series[s]);
            cr_draw_rect(L, bx, yy + 2, bw, 10, sp->shade);
            if (v)
                cr_draw_rect(L, bx, yy + 2, bw * (float)(share / 100.0), 10, colors[s]);
            cr_draw_text(L, bx + bw + 6, yy + 10, CR_FACE_BOLD, SZ_TABLE(L), sp->text,
                         values[s * (nt + 1) + t]);
        }
        if (r < nt)
            cr_draw_hline(L, L->x0, y + group - 4, L->x1 - L->x0, sp->rule, 0.5f);
    }
    cr_draw_end(L);
    L->y += group * (float)(nt + 1) + 4;
    cr_arg na[] = {{"n", count(O, n)}};
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_SMALL(L), sp->muted,
                      cr_draw_tpl(L, "overview.tiers.note", na, 1));
}

static void section_summary(overview *O)
{
    cr_draw *L = &O->d;
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", O->req->cycle);
    cr_arg ca[] = {{"cycle", cycle}, {"edition", L->cat->edition}};
    cr_draw_title_section(L, cr_draw_str(L, "overview.kicker"),
                          cr_draw_tpl(L, "overview.title", ca, 2),
                          cr_draw_tpl(L, "overview.meta", ca, 2));
    /* Who is in, who was left out: one sentence on a shaded panel. */
    size_t n = O->req->ncities, x = O->req->excluded;
    cr_arg ia[] = {{"n", count(O, n)}, {"excluded", count(O, x)}, {"cycle", cycle}};
    cr_arg sa[] = {{"a", cr_draw_tpl(L,
                                     n == 0   ? "overview.intro.none"
                                     : n == 1 ? "overview.intro.one"
                                              : "overview.intro",
                                     ia, 3)},
                   {"b", cr_draw_tpl(L,
                                     x == 0   ? "overview.excluded.none"
                                     : x == 1 ? "overview.excluded.one"
                                              : "overview.excluded",
                                     ia, 3)}};
    cr_draw_panel(L, cr_draw_tpl(L, "sentence.join", sa, 2));
    stat_boxes(O);
    tier_chart(O);
    cr_draw_end(L);
}

/* ---- the average score per practice area, by region and by population band ---- */

static void section_areas(overview *O)
{
    cr_draw *L = &O->d;
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    size_t nr = cat->nregions, nb = cat->nbands;
    cr_table t = {.ncols = 2 + nr + nb, .title = cr_draw_str(L, "overview.section.areas")};
    cr_table_columns(L, &t, "overview-areas"); /* the groups share what the area's name leaves */
    t.headers[0] = cr_draw_str(L, "overview.areas.area");
    for (size_t r = 0; r < nr; r++)
        t.headers[1 + r] = group_header(O, cat->regions[r].name, O->n_region[r]);
    for (size_t b = 0; b < nb; b++)
        t.headers[1 + nr + b] = group_header(O, cat->bands[b].name, O->n_band[b]);
    t.headers[1 + nr + nb] = group_header(O, cr_draw_str(L, "overview.areas.all"), O->n_eligible);
    for (size_t c = 1; c < t.ncols; c++)
        t.center[c] = true;
    cr_table_measure(L, &t);
    cr_arg ia[] = {{"n", count(O, O->n_eligible)}};
    const char *intro = cr_draw_tpl(L, "overview.areas.intro", ia, 1);
    /* The whole table on one page when it fits (only the area names wrap). */
    float rows = 0;
    for (size_t k = 0; k <= cat->nareas; k++)
        rows += cr_draw_para_height(L, CR_FACE_BOLD, SZ_TABLE(L),
                                    k < cat->nareas ? cat->areas[k].name
                                                    : cr_draw_str(L, "overview.areas.total"),
                                    t.widths[0] - 2 * PAD_X(L)) +
                2 * PAD_Y(L);
    cr_draw_section(L, t.title,
                    cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), intro, L->x1 - L->x0) + 8 +
                        t.header_h + rows);
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
                      intro);
    L->y += 8;
    cr_table_begin(L, &t);
    for (size_t k = 0; k <= cat->nareas; k++) {
        bool total = k == cat->nareas; /* the last row: all criteria */
        cr_cell cells[CR_TABLE_MAX_COLS];
        memset(cells, 0, sizeof cells);
        cr_face face = total ? CR_FACE_BOLD : CR_FACE_REGULAR;
        size_t per_city = total ? cat->ncriteria : cat->areas[k].count;
        cells[0].par[0] = (cr_cell_par){
            CR_FACE_BOLD, total ? sp->text : cr_draw_area_color(L, k),
            total ? cr_draw_str(L, "overview.areas.total") : cat->areas[k].name, NULL};
        for (size_t r = 0; r < nr; r++)
            cells[1 + r].par[0] =
                (cr_cell_par){face, sp->text,
                              average(O, total ? O->met_region[r] : O->area_region[k * nr + r],
                                      O->n_region[r], per_city),
                              NULL};
        for (size_t b = 0; b < nb; b++)
            cells[1 + nr + b].par[0] =
                (cr_cell_par){face, sp->text,
                              average(O, total ? O->met_band[b] : O->area_band[k * nb + b],
                                      O->n_band[b], per_city),
                              NULL};
        cells[1 + nr + nb].par[0] = (cr_cell_par){
            CR_FACE_BOLD, sp->text,
            average(O, total ? O->met_eligible : O->area_all[k], O->n_eligible, per_city), NULL};
        for (size_t c = 0; c < t.ncols; c++) {
            cells[c].npar = 1;
            cells[c].center = t.center[c];
        }
        cr_table_row(L, &t, cells, k % 2 == 1);
    }
    cr_table_end(L);
    L->y += 14;
    cr_draw_end(L);
}

/* ---- criteria adoption, from the peer statistics ---- */

static void section_criteria(overview *O)
{
    cr_draw *L = &O->d;
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    const cr_peers *p = L->peers;
    size_t nb = cat->nbands;
    cr_table t = {.ncols = 3 + nb, .title = cr_draw_str(L, "overview.section.criteria")};
    cr_table_columns(L, &t, "overview-criteria"); /* the shares: what code and name leave */
    t.headers[0] = cr_draw_str(L, "overview.criteria.code");
    t.headers[1] = cr_draw_str(L, "overview.criteria.name");
    t.headers[2] = group_header(O, cr_draw_str(L, "overview.criteria.all"), p->applicants);
    for (size_t b = 0; b < nb; b++)
        t.headers[3 + b] = group_header(O, cat->bands[b].name, p->bands[b].applicants);
    for (size_t c = 2; c < t.ncols; c++)
        t.center[c] = true;
    cr_table_measure(L, &t);
    cr_draw_new_page(L);
    cr_draw_section(L, t.title, 100);
    cr_arg ia[] = {{"n", count(O, p->applicants)}};
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
                      cr_draw_tpl(L, "overview.criteria.intro", ia, 1));
    L->y += 8;
    cr_table_begin(L, &t);
    float row = SZ_TABLE(L) * TABLE_LEAD(L) + 2 * PAD_Y(L);
    bool any_core = false;
    for (size_t k = 0; k < cat->nareas; k++) {
        const cr_area *a = &cat->areas[k];
        /* The area's name row stays with its first criterion. */
        if (L->y + 2 * row > L->bottom)
            cr_table_continue(L, &t);
        cr_cell cells[CR_TABLE_MAX_COLS];
        memset(cells, 0, sizeof cells);
        cells[0].par[0] = (cr_cell_par){CR_FACE_BOLD, cr_draw_area_color(L, k), a->code, NULL};
        cells[1].par[0] = (cr_cell_par){CR_FACE_BOLD, cr_draw_area_color(L, k), a->name, NULL};
        cells[0].npar = cells[1].npar = 1;
        cr_table_row(L, &t, cells, false);
        for (size_t i = a->first; i < a->first + a->count; i++) {
            const cr_criterion *cr = &cat->criteria[i];
            memset(cells, 0, sizeof cells);
            any_core |= cr->core;
            char code[64];
            snprintf(code, sizeof code, "%s%s", cr->code, cr->core ? "**" : "");
            cells[0].par[0] =
                (cr_cell_par){CR_FACE_BOLD, sp->text, cr_arena_strdup(L->tmp, code), NULL};
            cells[1].par[0] = (cr_cell_par){CR_FACE_REGULAR, sp->text, cr->name, NULL};
            cells[2].par[0] =
                (cr_cell_par){CR_FACE_BOLD, sp->text,
                              p->applicants ? cr_draw_pct(L, cr_peers_share(p, i, CR_NONE))
                                            : cr_draw_str(L, "overview.empty"),
                              NULL};
            for (size_t b = 0; b < nb; b++)
                cells[3 + b].par[0] =
                    (cr_cell_par){CR_FACE_REGULAR, sp->text,
                                  p->bands[b].applicants ? cr_draw_pct(L, cr_peers_share(p, i, b))
                                                         : cr_draw_str(L, "overview.empty"),
                                  NULL};
            for (size_t c = 0; c < t.ncols; c++) {
                cells[c].npar = 1;
                cells[c].center = t.center[c];
            }
            cr_table_row(L, &t, cells, (i - a->first) % 2 == 0);
        }
    }
    cr_table_end(L);
    L->y += 6;
    if (any_core)
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_SMALL(L),
                          sp->muted, cr_draw_str(L, "legend.core"));
    cr_draw_end(L);
}

/* ---- the cities ---- */

static void section_cities(overview *O)
{
    cr_draw *L = &O->d;
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    cr_table t = {.ncols = 8,
                  .headers = {cr_draw_str(L, "overview.cities.city"),
                              cr_draw_str(L, "overview.cities.country"),
                              cr_draw_str(L, "overview.cities.region"),
                              cr_draw_str(L, "overview.cities.band"),
                              cr_draw_str(L, "overview.cities.met"),
                              cr_draw_str(L, "overview.cities.score"),
                              cr_draw_str(L, "overview.cities.qualifies"),
                              cr_draw_str(L, "overview.cities.awarded")},
                  .center = {[4] = true, [5] = true},
                  .title = cr_draw_str(L, "overview.section.cities")};
    cr_table_columns(L, &t, "overview-cities");
    cr_table_measure(L, &t);
    cr_draw_new_page(L);
    cr_draw_section(L, t.title, 100);
    cr_arg ia[] = {{"n", count(O, O->req->ncities)}};
    cr_draw_elem_para(
        L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
        cr_draw_tpl(L, O->req->ncities == 1 ? "overview.cities.intro.one" : "overview.cities.intro",
                    ia, 1));
    L->y += 8;
    cr_table_begin(L, &t);
    const char *dash = cr_draw_str(L, "overview.empty");
    for (size_t i = 0; i < O->req->ncities && !L->oom; i++) {
        const cr_overview_city *c = O->sorted[i];
        cr_cell cells[CR_TABLE_MAX_COLS];
        memset(cells, 0, sizeof cells);
        cr_arg ma[] = {{"met", cr_draw_num(L, c->met)}, {"total", cr_draw_num(L, c->total)}};
        const char *texts[8] = {c->name,
                                cr_draw_country(L, c->country),
                                c->region != CR_NONE ? cat->regions[c->region].name : dash,
                                c->band != CR_NONE ? cat->bands[c->band].name : dash,
                                cr_draw_tpl(L, "overview.cities.of", ma, 2),
                                cr_draw_pct(L, c->percent),
                                tier_or_none(O, c->eligible),
                                c->awarded == CR_NONE && c->in_review
                                    ? cr_draw_str(L, "overview.tier.review")
                                    : tier_or_none(O, c->awarded)};
        for (size_t k = 0; k < 8; k++) {
            bool none = (k == 6 && c->eligible == CR_NONE) || (k == 7 && c->awarded == CR_NONE);
            cells[k].par[0] =
                (cr_cell_par){k == 0 || (k == 7 && !none) ? CR_FACE_BOLD : CR_FACE_REGULAR,
                              none ? sp->muted : sp->text, texts[k], NULL};
            cells[k].npar = 1;
            cells[k].center = t.center[k];
        }
        cr_table_row(L, &t, cells, i % 2 == 1);
    }
    cr_table_end(L);
    cr_draw_end(L);
}

/* ---- the document ---- */

static void decorate(cr_draw *L, size_t page, cr_dlist *dl, void *data)
{
    overview *O = data;
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", O->req->cycle);
    cr_arg ca[] = {{"cycle", cycle}};
    cr_draw_header_footer(L, page, dl, cr_draw_tpl(L, "overview.header.left", ca, 1),
                          cr_draw_str(L, "overview.header.right"));
}

cr_display *cr_layout_overview(const cr_overview_request *req, cr_error *err)
{
    if (CR_ARG_NULL(req, err) || CR_ARG_NULL(req->catalog, err) || CR_ARG_NULL(req->peers, err) ||
        (req->ncities && CR_ARG_NULL(req->cities, err)) || CR_ARG_NULL(req->spec, err) ||
        CR_ARG_NULL(req->strings, err) || CR_ARG_NULL(req->fonts, err))
        return NULL;
    overview O0, *O = &O0;
    memset(O, 0, sizeof *O);
    O->req = req;
    cr_draw *L = &O->d;
    cr_display *d = NULL;
    if (!cr_draw_init(L, req->catalog, req->spec, req->strings, req->fonts, req->peers, err))
        goto done;
    L->tagged = !req->untagged;
    if (!check_cities(O) || !count_cities(O))
        goto done;
    cr_draw_new_page(L);
    section_summary(O);
    section_areas(O);
    section_criteria(O);
    section_cities(O);
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", req->cycle);
    cr_arg ta[] = {{"cycle", cycle}};
    cr_doc_info info = {.title = cr_draw_tpl(L, "overview.doc.title", ta, 1),
                        .subject = cr_draw_tpl(L, "overview.doc.subject", ta, 1),
                        .author = cr_draw_str(L, "doc.author"),
                        .keywords = cr_draw_tpl(L, "overview.doc.keywords", ta, 1),
                        .creator = "certreport",
                        .lang = L->st->lang,
                        .created = req->created};
    d = cr_draw_finish(L, decorate, O, &info);
done:
    cr_draw_release(L);
    return d;
}
