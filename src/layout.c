/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the report layout (see certreport/layout.h).
 *
 * A cursor flows down the content box of each page; blocks ask for room (`need`) and start a new
 * page when it is missing, so headings stay with what follows and table rows are never split
 * unless taller than a page (cr_keep: areas share pages, no heading, legend or single row left
 * alone, short lists whole). Ops are kept per page; running headers and "Page N of M" footers
 * are added at the end, when the page count is known. The drawing primitives are in
 * layout_draw.c (the cohort overview uses them too).
 *
 * Unless the request is untagged, the ops carry the report's logical structure in reading order
 * (display.h): per section a Sect headed by its H1, named like its bookmark (the status page's
 * is the city's name, its visible title; the practice areas draw no heading of their own: theirs
 * has no content, only its alternative text, and each area is a Sect with its name as H2),
 * paragraphs as P, the criteria and outcomes as tables, the process steps, next steps and resources
 * as lists, the status band's boxes as links to their areas, the gauge and the charts as figures
 * described in words. The drawing is the same either way. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certreport/roadmap.h"
#include "args.h"
#include "layout_draw.h"
#include "text.h"

typedef struct report {
    cr_draw d;
    const cr_report_request *req;
    const cr_submission *sub;
    const cr_audited *au;
    const cr_scorecard *sc;
    const cr_assessment *prev; /* the previous cycle's assessment, or NULL */
    const cr_roadmap *rm;      /* what stands between the city and each tier (cr_roadmap_build) */
    int area_anchor[CR_MAX_LIST]; /* -1 until the area's section is placed */
    /* The status band's boxes link to the area sections: their goto ops (page, index in the
     * page), pointed at the areas' anchors once those are placed. */
    struct {
        size_t page, op;
    } band_goto[CR_MAX_LIST];
    size_t nband;
    float tail; /* what must end on the page of the next steps' last list: the resources */
    struct item_texts *items; /* per criterion, its item's texts once made (criterion_item) */
    const char *header_right; /* the running header's right side (decorate) */
} report;

/* ---- peers ---- */

static double area_share(cr_draw *L, size_t area, size_t band)
{
    const cr_area *a = &L->cat->areas[area];
    const cr_peers *p = L->peers;
    double sum = 0;
    for (size_t i = a->first; i < a->first + a->count; i++)
        sum += cr_peers_share(p, i, band);
    return a->count ? sum / (double)a->count : 0;
}

/* ---- sections ---- */

static const char *tier_name(cr_draw *L, size_t t)
{
    return L->cat->tiers[t].name;
}

static const char *outcomes_phrase(cr_draw *L, unsigned n)
{
    cr_arg a[] = {{"n", cr_draw_num(L, n)}};
    return cr_draw_tpl_n(L, "status.outcomes", n, a, 1);
}

static const char *status_sentence(report *R)
{
    cr_draw *L = &R->d;
    const cr_scorecard *sc = R->sc;
    const cr_submission *sub = R->sub;
    cr_arg a[] = {{"city", sub->city.name},
                  {"met", cr_draw_num(L, sc->met)},
                  {"total", cr_draw_num(L, sc->total)},
                  {"percent", cr_draw_num(L, sc->percent)},
                  {"areas", cr_draw_num(L, (long)L->cat->nareas)},
                  {"outcomes", outcomes_phrase(L, sc->outcomes_met)},
                  {"tier", ""},
                  {"blockers", ""},
                  {"min", cr_fmt_int(L->tmp, L->st, L->cat->min_population)},
                  {"population", cr_fmt_int(L->tmp, L->st, sub->city.population)}};
    size_t na = sizeof a / sizeof a[0];
    if (sc->eligibility == CR_INELIGIBLE_REGION)
        return cr_draw_tpl(L, "status.ineligible.region", a, na);
    if (sc->eligibility == CR_INELIGIBLE_POPULATION)
        return cr_draw_tpl(L, "status.ineligible.population", a, na);
    if (sc->awarded != CR_NONE) {
        a[6].value = tier_name(L, sc->awarded);
        return cr_draw_tpl(L, "status.awarded", a, na);
    }
    if (sc->tier != CR_NONE) {
        a[6].value = tier_name(L, sc->tier);
        return cr_draw_tpl(L, "status.qualifies", a, na);
    }
    /* Not certified: say what blocks the first tier. */
    const char *parts[3];
    size_t np = 0;
    if (sc->ncore_missing) {
        const char *codes[CR_MAX_LIST];
        for (size_t i = 0; i < sc->ncore_missing; i++)
            codes[i] = L->cat->criteria[sc->core_missing[i]].code;
        cr_arg b[] = {{"list", cr_draw_join(L, codes, sc->ncore_missing)}};
        parts[np++] =
            cr_draw_tpl(L, sc->ncore_missing == 1 ? "blocker.core.one" : "blocker.core", b, 1);
    }
    if (sc->next.tier != CR_NONE && sc->next.more_criteria) {
        cr_arg b[] = {{"n", cr_draw_num(L, sc->next.more_criteria)},
                      {"tier", tier_name(L, sc->next.tier)}};
        parts[np++] = cr_draw_tpl_n(L, "blocker.more", sc->next.more_criteria, b, 2);
    }
    if (sc->outcomes_met == 0)
        parts[np++] = cr_draw_str(L, "blocker.outcome");
    a[7].value = cr_draw_join(L, parts, np);
    return cr_draw_tpl(L, "status.none", a, na);
}

/* ---- progress since the previous assessment ---- */

/* Change of area |k|'s percentage since the previous assessment, in points. */
static int area_delta(const report *R, size_t k)
{
    return (int)R->sc->areas[k].percent - (int)R->prev->score.areas[k].percent;
}

/* Under an area's percentage in the status band: "+11 since 2022", "no change". */
static const char *band_delta(report *R, size_t k)
{
    cr_draw *L = &R->d;
    int delta = area_delta(R, k);
    cr_arg a[] = {{"n", cr_draw_num(L, delta < 0 ? -delta : delta)},
                  {"year", cr_draw_num(L, R->prev->submission->cycle)}};
    return cr_draw_tpl(L,
                       delta > 0   ? "progress.band.up"
                       : delta < 0 ? "progress.band.down"
                                   : "progress.band.same",
                       a, 2);
}

/* The criteria of area |k| met now and not before (|now| true), or met before and not now. */
static const char *changed_criteria(report *R, size_t k, bool now)
{
    cr_draw *L = &R->d;
    const cr_area *a = &L->cat->areas[k];
    const char *items[CR_MAX_LIST];
    size_t n = 0;
    for (size_t i = a->first; i < a->first + a->count && n < CR_MAX_LIST; i++) {
        bool was = R->prev->audited->criteria[i].answer == CR_ANSWER_YES;
        bool is = R->au->criteria[i].answer == CR_ANSWER_YES;
        if (is == now && was != now) {
            cr_arg ca[] = {{"code", L->cat->criteria[i].code}, {"name", L->cat->criteria[i].name}};
            items[n++] = cr_draw_tpl(L, "progress.item", ca, 2);
        }
    }
    if (!n)
        return NULL;
    /* Criterion names contain "and", so the list is separated, not joined with words. */
    cr_arg la[] = {{"list", cr_draw_list(L, items, n, "progress.sep")}};
    return cr_draw_tpl(L, now ? "progress.newly" : "progress.lost", la, 1);
}

/* Under "Your city has achieved N% of ...": the change since the previous assessment and the
 * criteria newly met and no longer met (compared by catalog index, audited answers). */
static const char *area_progress_text(report *R, size_t k)
{
    cr_draw *L = &R->d;
    int delta = area_delta(R, k);
    unsigned n = (unsigned)(delta < 0 ? -delta : delta);
    cr_arg a[] = {{"n", cr_draw_num(L, n)},
                  {"year", cr_draw_num(L, R->prev->submission->cycle)},
                  {"percent", cr_draw_num(L, R->prev->score.areas[k].percent)}};
    const char *key = delta == 0  ? "progress.area.same"
                      : delta > 0 ? (n == 1 ? "progress.area.up.one" : "progress.area.up")
                                  : (n == 1 ? "progress.area.down.one" : "progress.area.down");
    const char *parts[3] = {cr_draw_tpl(L, key, a, 3), changed_criteria(R, k, true),
                            changed_criteria(R, k, false)};
    for (int p = 1; p < 3; p++) {
        if (!parts[p])
            continue;
        cr_arg ja[] = {{"a", parts[0]}, {"b", parts[p]}};
        parts[0] = cr_draw_tpl(L, "sentence.join", ja, 2);
    }
    return parts[0];
}

/* What a status band box says, for its link's description: "Open Data: 67% (+11 since 2022)". */
static const char *band_link_text(report *R, size_t k, const char *delta)
{
    cr_draw *L = &R->d;
    cr_arg a[] = {{"area", L->cat->areas[k].name},
                  {"percent", cr_draw_pct(L, R->sc->areas[k].percent)},
                  {"change", delta}};
    return cr_draw_tpl(L, delta && *delta ? "status.band.link.change" : "status.band.link", a, 3);
}

/* Smallest count of criteria met that reaches |percent| (met * 100 >= percent * total). */
static unsigned tier_need(unsigned total, unsigned percent)
{
    return (unsigned)(((unsigned long)percent * total + 99ul) / 100ul);
}

/* The highest tier whose threshold the city's count reaches, CR_NONE below them all. */
static size_t zone_of(const cr_catalog *cat, unsigned met, unsigned total)
{
    size_t z = CR_NONE;
    for (size_t t = 0; t < cat->ntiers; t++)
        if (met >= tier_need(total, cat->tiers[t].percent))
            z = t;
    return z;
}

/* "Gold", or "not certified" (lower case, inside a sentence). */
static const char *held_tier(report *R)
{
    return R->sc->tier != CR_NONE ? tier_name(&R->d, R->sc->tier)
                                  : cr_draw_str(&R->d, "gauge.none");
}

/* Why the city holds a lower tier than the zone its count reaches, or NULL when it does not:
 * "Not eligible: outside the Americas", "Not Silver yet: LC1 missing, no outcome met". */
static const char *gauge_blocked(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_scorecard *sc = R->sc;
    if (sc->eligibility == CR_INELIGIBLE_REGION)
        return cr_draw_str(L, "gauge.ineligible.region");
    if (sc->eligibility == CR_INELIGIBLE_POPULATION) {
        cr_arg a[] = {{"min", cr_fmt_int(L->tmp, L->st, cat->min_population)}};
        return cr_draw_tpl(L, "gauge.ineligible.population", a, 1);
    }
    size_t z = zone_of(cat, sc->met, sc->total);
    if (z == CR_NONE || (sc->tier != CR_NONE && sc->tier >= z) || !R->rm)
        return NULL;
    /* What the zone's tier lacks besides the count (which it has). */
    const cr_roadmap_tier *te = NULL;
    for (size_t k = 0; k < R->rm->ntiers; k++)
        if (R->rm->tiers[k].tier == z)
            te = &R->rm->tiers[k];
    if (!te)
        return NULL;
    const char *items[CR_MAX_LIST + 2];
    size_t n = 0;
    for (size_t k = 0; k < te->ncore && n < CR_MAX_LIST; k++) {
        cr_arg a[] = {{"code", cat->criteria[te->core[k]].code}};
        items[n++] = cr_draw_tpl(L, "gauge.missing", a, 1);
    }
    for (size_t k = 0; k < te->nrequired && n < CR_MAX_LIST; k++) {
        cr_arg a[] = {{"code", cat->criteria[te->required[k]].code}};
        items[n++] = cr_draw_tpl(L, "gauge.missing", a, 1);
    }
    if (te->more_outcomes) {
        cr_arg a[] = {{"n", cr_draw_num(L, te->more_outcomes)}};
        items[n++] = sc->outcomes_met == 0
                         ? cr_draw_str(L, "gauge.nooutcome")
                         : cr_draw_tpl_n(L, "gauge.outcomes", te->more_outcomes, a, 1);
    }
    if (!n)
        return NULL;
    cr_arg a[] = {{"tier", tier_name(L, z)}, {"list", cr_draw_join(L, items, n)}};
    return cr_draw_tpl(L, "gauge.blocked", a, 2);
}

/* The tier gauge in words: "Tiers by criteria met, of 43: not certified below 22 (51%), Silver
 * from 22 (51%), ... Your city: 31 (72%), Gold." and what holds it below its zone. */
static const char *gauge_alt(report *R, const char *blocked)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    unsigned total = R->sc->total;
    const char *items[CR_MAX_LIST + 1];
    size_t n = 0;
    if (cat->ntiers) {
        cr_arg b[] = {{"label", cr_draw_str(L, "gauge.none")},
                      {"need", cr_draw_num(L, tier_need(total, cat->tiers[0].percent))},
                      {"percent", cr_draw_pct(L, cat->tiers[0].percent)}};
        items[n++] = cr_draw_tpl(L, "gauge.alt.below", b, 3);
    }
    for (size_t t = 0; t < cat->ntiers && n < CR_MAX_LIST + 1; t++) {
        cr_arg a[] = {{"tier", cat->tiers[t].name},
                      {"need", cr_draw_num(L, tier_need(total, cat->tiers[t].percent))},
                      {"percent", cr_draw_pct(L, cat->tiers[t].percent)}};
        items[n++] = cr_draw_tpl(L, "gauge.alt.tier", a, 3);
    }
    cr_arg a[] = {{"list", cr_draw_join(L, items, n)},
                  {"total", cr_draw_num(L, total)},
                  {"met", cr_draw_num(L, R->sc->met)},
                  {"percent", cr_draw_pct(L, R->sc->percent)},
                  {"tier", held_tier(R)}};
    const char *alt = cr_draw_tpl(L, "gauge.alt", a, 5);
    if (!blocked)
        return alt;
    cr_arg j[] = {{"a", alt}, {"b", blocked}};
    return cr_draw_tpl(L, "gauge.alt.blocked", j, 2);
}

/* "Issued July 14, 2023 · Certification standard, 2023 edition": the document date (UTC). */
static const char *issued_line(report *R)
{
    cr_draw *L = &R->d;
    long long days = R->req->created / 86400;
    if (R->req->created < 0 && R->req->created % 86400)
        days--;
    /* Civil date from days since 1970-01-01 (H. Hinnant's algorithm). */
    long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int day = (int)(doy - (153 * mp + 2) / 5 + 1), month = (int)(mp < 10 ? mp + 3 : mp - 9);
    int year = (int)(yoe + era * 400 + (month <= 2));
    cr_arg e[] = {{"edition", L->cat->edition}};
    cr_arg a[] = {{"date", cr_fmt_date(L->tmp, L->st, year, month, day)},
                  {"edition", cr_draw_tpl(L, "footer.edition", e, 1)}};
    return cr_draw_tpl(L, "status.issued", a, 2);
}

/* "Criteria met: 35 self-reported → 31 after the review". */
static const char *review_line(report *R)
{
    cr_draw *L = &R->d;
    unsigned self = 0;
    for (size_t i = 0; i < R->sub->nresponses; i++)
        self += R->sub->responses[i].answer == CR_ANSWER_YES;
    cr_arg a[] = {{"self", cr_draw_num(L, self)},
                  {"met", cr_draw_num(L, R->sc->met)},
                  {"total", cr_draw_num(L, R->sc->total)}};
    return cr_draw_tpl(L, R->au->log ? "status.review" : "status.review.none", a, 3);
}

/* |lang| when a text in it is not in the report's language (its primary subtag differs), so
 * that a screen reader switches voice for it; NULL when it is the report's or unknown. */
static const char *other_lang(const cr_draw *L, const char *lang)
{
    const char *doc = L->st->lang;
    if (!lang || !doc)
        return NULL;
    size_t n = strcspn(lang, "-"), m = strlen(doc);
    bool same = n == m;
    for (size_t k = 0; same && k < n; k++)
        same = (lang[k] | 0x20) == (doc[k] | 0x20);
    return same ? NULL : lang;
}

/* Whether the layout has the area sections the status band links to. */
static bool has_areas(const cr_layout_spec *sp)
{
    for (size_t s = 0; s < sp->nsections; s++)
        if (sp->sections[s] == CR_SEC_AREAS)
            return true;
    return false;
}

static void section_status(report *R)
{
    cr_draw *L = &R->d;
    const cr_scorecard *sc = R->sc;
    const cr_submission *sub = R->sub;
    const cr_layout_spec *sp = L->sp;
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", sub->cycle);
    /* Where the city is: its subdivision and country, then its peer region when that is more
     * than the country ("Antioquia, Colombia · Latin America"). */
    const char *place = cr_draw_place(L, sub->city.country, sub->city.subdivision);
    if (sc->region != CR_NONE && L->cat->regions[sc->region].ncountries > 1) {
        cr_arg pr[] = {{"place", place}, {"region", L->cat->regions[sc->region].name}};
        place = cr_draw_tpl(L, "place.region", pr, 2);
    }
    cr_arg m[] = {{"region", place},
                  {"band", sc->band != CR_NONE ? L->cat->bands[sc->band].name : ""},
                  {"population", cr_fmt_int(L->tmp, L->st, sub->city.population)},
                  {"cycle", cycle}};
    cr_draw_title_section(
        L, cr_draw_str(L, "status.kicker"), sub->city.name,
        cr_draw_tpl(L, sc->band != CR_NONE ? "status.meta" : "status.meta.noband", m, 4));
    /* When it was issued, against which edition; then the outcome in one sentence, on a shaded
     * panel, and how the review changed the count. */
    L->y -= 6;
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
                      issued_line(R));
    L->y += 8;
    cr_draw_panel(L, status_sentence(R));
    L->y -= 6;
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_BOLD, SZ_BODY(L), sp->text,
                      review_line(R));
    L->y += 10;
    if (sc->nstale) {
        const char *codes[CR_MAX_LIST];
        for (size_t i = 0; i < sc->nstale; i++)
            codes[i] = L->cat->criteria[sc->stale[i]].code;
        cr_arg s[] = {{"n", cr_draw_num(L, (long)sc->nstale)},
                      {"list", cr_draw_join(L, codes, sc->nstale)}};
        cr_draw_elem_para(
            L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_ITALIC, SZ_BODY(L), sp->text,
            cr_draw_tpl(L, sc->nstale == 1 ? "status.stale.one" : "status.stale", s, 2));
        L->y += 8;
    }

    /* The band: one box per area with its percentage, each linking to the area's section (a
     * list of links, box by box). */
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), sp->text,
                      cr_draw_str(L, "status.band"));
    cr_draw_begin(L, CR_ROLE_P, NULL);
    cr_draw_text_right(L, L->x1, L->y + SZ_H2(L), CR_FACE_ITALIC, SZ_SMALL(L), sp->muted,
                       cr_draw_str(L, "status.band.hint"));
    cr_draw_end(L);
    L->y += SZ_H2(L) + 8;
    size_t na = L->cat->nareas;
    float gap = 5, bw = (L->x1 - L->x0 - gap * (float)(na - 1)) / (float)na;
    float name_h = 0, delta_h = 0; /* delta_h: the change since the previous assessment */
    const char *delta[CR_MAX_LIST] = {0}, *pct[CR_MAX_LIST];
    for (size_t k = 0; k < na; k++) {
        pct[k] = cr_draw_pct(L, sc->areas[k].percent);
        delta[k] = R->prev ? band_delta(R, k) : "";
    }
    /* Longer words ("100 %", "+22 depuis 2022") make the type a little smaller, not wider. */
    float pct_size = cr_draw_fit_size(L, CR_FACE_BOLD, 20, 14, pct, na, bw - 6);
    float delta_size = cr_draw_fit_size(L, CR_FACE_REGULAR, 7, 6, delta, na, bw - 8);
    for (size_t k = 0; k < na; k++) {
        float hk = cr_draw_para_height(L, CR_FACE_BOLD, 7, cr_draw_area_short(L, k), bw - 8);
        if (hk > name_h)
            name_h = hk;
        if (R->prev) {
            hk = cr_draw_para_height(L, CR_FACE_REGULAR, delta_size, delta[k], bw - 8) + 3;
            if (hk > delta_h)
                delta_h = hk;
        }
    }
    float box_h = 8 + 22 + 6 + name_h + 6 + delta_h;
    bool linked = has_areas(sp);
    cr_draw_need(L, box_h);
    cr_draw_begin(L, CR_ROLE_L, NULL);
    for (size_t k = 0; k < na; k++) {
        float x = L->x0 + (float)k * (bw + gap);
        cr_rgb c = cr_draw_area_color(L, k);
        cr_draw_begin(L, CR_ROLE_LI, NULL);
        cr_draw_begin(L, CR_ROLE_LBODY, NULL);
        if (linked)
            cr_draw_begin(L, CR_ROLE_LINK, NULL);
        cr_draw_rect(L, x, L->y, bw, box_h, sp->shade);
        cr_draw_rect(L, x, L->y, bw, 4, c);
        cr_draw_text(L, x + 5, L->y + 8 + 20, CR_FACE_BOLD, pct_size, c, pct[k]);
        if (R->prev)
            cr_draw_para_at(L, x + 5, L->y + 8 + 26, bw - 8, CR_FACE_REGULAR, delta_size, sp->muted,
                            delta[k]);
        cr_draw_para_at(L, x + 5, L->y + 8 + 28 + delta_h, bw - 8, CR_FACE_BOLD, 7, sp->text,
                        cr_draw_area_short(L, k));
        if (linked) {
            /* The area's anchor is set once its section is placed (cr_layout_report). */
            R->band_goto[k].page = L->npages - 1;
            R->band_goto[k].op =
                cr_draw_goto(L, x, L->y, bw, box_h, -1, band_link_text(R, k, delta[k]));
            R->nband = k + 1;
            cr_draw_end(L);
        }
        cr_draw_end(L);
        cr_draw_end(L);
    }
    cr_draw_end(L);
    L->y += box_h + 16;

    /* The tier gauge: 0-100% with each tier's threshold as a count and a percentage, the city's
     * mark with the tier it holds, and what holds it below the zone its count reaches. */
    const char *blocked = gauge_blocked(R);
    cr_draw_need(L, blocked ? 96 : 84);
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), sp->text,
                      cr_draw_str(L, "gauge.title"));
    L->y += SZ_H2(L) + 24;
    cr_draw_begin(L, CR_ROLE_FIGURE, L->tagged ? gauge_alt(R, blocked) : NULL);
    float gx = L->x0, gw = L->x1 - L->x0, gy = L->y, gh = 14;
    cr_draw_rect(L, gx, gy, gw, gh, sp->shade);
    unsigned total = sc->total ? sc->total : 1;
    /* Tick labels under the bar, left to right; one that would run into the one before it (or
     * out of the gauge) goes on a second row. */
    const char *labels[CR_MAX_LIST + 1];
    float lx[CR_MAX_LIST + 1];
    size_t nl = 0;
    labels[nl] = cr_draw_str(L, "gauge.below");
    lx[nl++] = gx + 2;
    for (size_t t = 0; t < L->cat->ntiers && nl < CR_MAX_LIST + 1; t++) {
        unsigned need = tier_need(sc->total, L->cat->tiers[t].percent);
        unsigned next =
            t + 1 < L->cat->ntiers ? tier_need(sc->total, L->cat->tiers[t + 1].percent) : total;
        /* The zone starts at the exact count the threshold needs. */
        float from = (float)need / (float)total, to = (float)next / (float)total;
        if (t + 1 == L->cat->ntiers)
            to = 1.0f;
        cr_draw_rect(L, gx + gw * from, gy, gw * (to - from), gh,
                     sp->tiers[t < sp->ntiers ? t : sp->ntiers - 1]);
        cr_draw_vline(L, gx + gw * from, gy - 2, gh + 6, sp->text, 0.6f);
        cr_arg a[] = {{"tier", L->cat->tiers[t].name},
                      {"need", cr_draw_num(L, need)},
                      {"total", cr_draw_num(L, sc->total)},
                      {"percent", cr_draw_num(L, L->cat->tiers[t].percent)}};
        labels[nl] = cr_draw_tpl(L, "gauge.tier", a, 4);
        lx[nl++] = gx + gw * from + 2;
    }
    float row_end[2] = {gx - 10, gx - 10}, ly_base = gy + gh + 11;
    for (size_t k = 0; k < nl; k++) {
        float w = cr_draw_width(L, CR_FACE_REGULAR, SZ_SMALL(L), labels[k]);
        float x = lx[k];
        if (x + w > gx + gw)
            x = gx + gw - w;
        int row = x < row_end[0] + 6 ? 1 : 0;
        if (row == 1 && x < row_end[1] + 6)
            x = row_end[1] + 6;
        cr_draw_text(L, x, ly_base + 9.5f * (float)row, CR_FACE_REGULAR, SZ_SMALL(L), sp->muted,
                     labels[k]);
        row_end[row] = x + w;
    }
    float below = row_end[1] > gx ? ly_base + 9.5f : ly_base; /* baseline of the last tick row */
    /* The mark: a triangle above the bar at the exact share met, and its label with the tier. */
    float mx = gx + gw * (float)sc->met / (float)total;
    cr_point *tri = cr_arena_calloc(L->tmp, 3, sizeof *tri);
    if (tri) {
        tri[0] = (cr_point){mx - 5, gy - 9};
        tri[1] = (cr_point){mx + 5, gy - 9};
        tri[2] = (cr_point){mx, gy - 1};
        cr_draw_poly(L, tri, 3, sp->text);
    }
    cr_draw_vline(L, mx, gy, gh, sp->text, 1.5f);
    cr_arg you[] = {{"met", cr_draw_num(L, sc->met)},
                    {"total", cr_draw_num(L, sc->total)},
                    {"percent", cr_draw_num(L, sc->percent)},
                    {"tier", held_tier(R)}};
    const char *yl = cr_draw_tpl(L, "gauge.you", you, 4);
    float yw = cr_draw_width(L, CR_FACE_BOLD, 8.5f, yl);
    float ylx = mx - yw / 2;
    if (ylx < gx)
        ylx = gx;
    if (ylx + yw > gx + gw)
        ylx = gx + gw - yw;
    cr_draw_text(L, ylx, gy - 12, CR_FACE_BOLD, 8.5f, sp->text, yl);
    /* What holds the city below its zone, under the ticks, from the mark. */
    if (blocked) {
        float nw = cr_draw_width(L, CR_FACE_BOLD, SZ_SMALL(L) + 0.5f, blocked);
        float bx = mx - 6;
        if (bx + nw > gx + gw)
            bx = gx + gw - nw;
        if (bx < gx)
            bx = gx;
        below += 12;
        cr_draw_text(L, bx, below, CR_FACE_BOLD, SZ_SMALL(L) + 0.5f, sp->accent, blocked);
    }
    cr_draw_end(L);
    L->y = below + 11;
    cr_draw_end(L);
}

/* The heights of a bulleted list's items, in the scratch arena (NULL when out of memory). */
static float *bullet_heights(cr_draw *L, const char *const *items, size_t n, cr_face face)
{
    float tx = L->x0 + 16, tw = L->x1 - tx;
    float *h = cr_arena_calloc(L->tmp, n ? n : 1, sizeof *h);
    if (!h) {
        L->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        h[i] = cr_draw_para_height(L, face, SZ_BODY(L), items[i], tw) + 3;
    return h;
}

/* What of a list of items of heights |h| must fit under its heading (cr_keep_lead). */
static float list_lead(cr_draw *L, const float *h, size_t n)
{
    cr_keep kp;
    cr_keep_init(L, &kp, h, n, 0, true);
    return h ? cr_keep_lead(L, &kp) : 0;
}

/* The same for a bulleted list. */
static float bullets_lead(cr_draw *L, const char *const *items, size_t n, cr_face face)
{
    return list_lead(L, bullet_heights(L, items, n, face), n);
}

/* A bulleted list of |n| paragraphs (the bullets are drawn, not text: no label), kept together
 * across page breaks (cr_keep). */
static void bullets(cr_draw *L, const char *const *items, size_t n, cr_face face)
{
    if (!n)
        return;
    float tx = L->x0 + 16, tw = L->x1 - tx;
    float *h = bullet_heights(L, items, n, face);
    if (!h)
        return;
    cr_keep kp;
    cr_keep_init(L, &kp, h, n, 0, true);
    cr_draw_begin(L, CR_ROLE_L, NULL);
    for (size_t i = 0; i < n; i++) {
        if (cr_keep_break(L, &kp, i))
            cr_draw_new_page(L);
        cr_draw_begin(L, CR_ROLE_LI, NULL);
        cr_draw_circle(L, L->x0 + 6, L->y + SZ_BODY(L) * 0.65f, 2, L->sp->accent);
        cr_draw_elem_para(L, CR_ROLE_LBODY, tx, tw, face, SZ_BODY(L), L->sp->text, items[i]);
        cr_draw_end(L);
        L->y += 3;
        cr_keep_placed(L, &kp);
    }
    cr_draw_end(L);
}

static void subheading(cr_draw *L, const char *text, float keep)
{
    cr_draw_need(L, SZ_H2(L) * 1.7f + keep);
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), L->sp->text,
                      text);
    L->y += SZ_H2(L) * 1.7f;
}

static unsigned outcomes_needed(const cr_catalog *cat, size_t t)
{
    unsigned m = cat->tiers[t].min_outcomes;
    return m == CR_ALL_OUTCOMES ? (unsigned)cat->noutcomes : m;
}

/* A row of the tiers table (cr_table_fill): the tier, its range, what else it needs and what it
 * means. */
static void tier_row(cr_draw *L, void *data, size_t t, cr_cell *cells, bool *shade)
{
    (void)data;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    unsigned total = (unsigned)cat->ncriteria;
    unsigned from = tier_need(total, cat->tiers[t].percent);
    bool top = t + 1 == cat->ntiers;
    unsigned to = top ? total : tier_need(total, cat->tiers[t + 1].percent) - 1;
    cr_arg ra[] = {{"from", cr_draw_pct(L, cat->tiers[t].percent)},
                   {"to", cr_draw_pct(L, top ? 100 : cat->tiers[t + 1].percent - 1)},
                   {"nfrom", cr_draw_num(L, from)},
                   {"nto", cr_draw_num(L, to)},
                   {"total", cr_draw_num(L, total)}};
    const char *needs[CR_MAX_LIST + 2];
    size_t nn = 0;
    bool any_core = false;
    for (size_t i = 0; i < cat->ncriteria; i++)
        any_core |= cat->criteria[i].core;
    if (any_core)
        needs[nn++] = cr_draw_str(L, "req.needs.core");
    for (size_t k = 0; k < cat->tiers[t].nrequires && nn < CR_MAX_LIST; k++)
        if (!cat->criteria[cat->tiers[t].requires[k]].core)
            needs[nn++] = cat->criteria[cat->tiers[t].requires[k]].code;
    unsigned m = outcomes_needed(cat, t);
    cr_arg oa[] = {{"n", cr_draw_num(L, m)}};
    if (m)
        needs[nn++] = cr_draw_tpl_n(
            L, m == cat->noutcomes && m > 1 ? "req.needs.all" : "req.needs.outcomes", m, oa, 1);
    cells[0].par[0] = (cr_cell_par){CR_FACE_BOLD, sp->text, cat->tiers[t].name, NULL};
    cells[1].par[0] =
        (cr_cell_par){CR_FACE_REGULAR, sp->text, cr_draw_tpl(L, "req.range", ra, 5), NULL};
    cells[2].par[0] =
        (cr_cell_par){CR_FACE_REGULAR, sp->text, nn ? cr_draw_join(L, needs, nn) : "", NULL};
    cells[3].par[0] =
        (cr_cell_par){CR_FACE_REGULAR, sp->text,
                      cat->tiers[t].description ? cat->tiers[t].description : "", NULL};
    for (size_t c = 0; c < 4; c++)
        cells[c].npar = 1;
    *shade = t % 2 == 1;
}

/* The requirements for certification, all from the catalog: who may apply, the core criteria,
 * the resident outcomes, what each tier adds, and the tiers with their ranges and meaning. */
static void section_requirements(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    unsigned total = (unsigned)cat->ncriteria;
    cr_draw_section(L, cr_draw_str(L, "section.requirements"), 120);
    const char *tiers[CR_MAX_LIST];
    for (size_t t = 0; t < cat->ntiers && t < CR_MAX_LIST; t++)
        tiers[t] = cat->tiers[t].name;
    cr_arg ia[] = {{"verification", cr_draw_num(L, cat->verification_percent)},
                   {"n", cr_draw_num(L, (long)cat->ntiers)},
                   {"tiers", cr_draw_join_or(L, tiers, cat->ntiers)},
                   {"min", cr_fmt_int(L->tmp, L->st, cat->min_population)},
                   {"total", cr_draw_num(L, total)}};
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->text,
                      cr_draw_tpl(L, "req.intro", ia, 5));
    L->y += 8;

    /* Core criteria. */
    const char *items[CR_MAX_LIST];
    size_t n = 0;
    for (size_t i = 0; i < cat->ncriteria && n < CR_MAX_LIST; i++)
        if (cat->criteria[i].core) {
            cr_arg a[] = {{"code", cat->criteria[i].code}, {"name", cat->criteria[i].name}};
            items[n++] = cr_draw_tpl(L, "progress.item", a, 2);
        }
    if (n) {
        cr_arg a[] = {{"n", cr_draw_num(L, (long)n)}};
        const char *text = cr_draw_tpl_n(L, "req.core.text", (long)n, a, 1);
        subheading(L, cr_draw_str(L, "req.core.title"),
                   cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), text, L->x1 - L->x0) + 4 +
                       bullets_lead(L, items, n, CR_FACE_REGULAR));
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->text,
                          text);
        L->y += 4;
        bullets(L, items, n, CR_FACE_REGULAR);
        L->y += 6;
    }

    /* Resident outcomes. */
    if (cat->noutcomes && cat->ntiers) {
        unsigned m = outcomes_needed(cat, 0);
        cr_arg a[] = {{"n", cr_draw_num(L, m)}};
        const char *text = cr_draw_tpl_n(L, "req.outcomes.text", m, a, 1);
        n = 0;
        for (size_t o = 0; o < cat->noutcomes && n < CR_MAX_LIST; o++) {
            cr_arg b[] = {{"name", cat->outcomes[o].name},
                          {"indicator", cat->outcomes[o].indicator}};
            items[n++] = cr_draw_tpl(L, "req.outcome.item", b, 2);
        }
        subheading(L, cr_draw_str(L, "req.outcomes.title"),
                   cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), text, L->x1 - L->x0) + 4 +
                       bullets_lead(L, items, n, CR_FACE_REGULAR));
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->text,
                          text);
        L->y += 4;
        bullets(L, items, n, CR_FACE_REGULAR);
        L->y += 6;
    }

    /* What a tier requires beyond the others: criteria it names, more outcomes. */
    n = 0;
    for (size_t t = 0; t < cat->ntiers && n < CR_MAX_LIST; t++) {
        const char *parts[CR_MAX_LIST + 1];
        size_t np = 0;
        for (size_t k = 0; k < cat->tiers[t].nrequires && np < CR_MAX_LIST; k++) {
            const cr_criterion *c = &cat->criteria[cat->tiers[t].requires[k]];
            if (c->core)
                continue;
            cr_arg a[] = {{"code", c->code}, {"name", c->name}};
            parts[np++] = cr_draw_tpl(L, "progress.item", a, 2);
        }
        unsigned m = outcomes_needed(cat, t);
        if (t > 0 && m > outcomes_needed(cat, 0)) {
            cr_arg a[] = {{"n", cr_draw_num(L, m)}};
            parts[np++] = cr_draw_tpl_n(
                L, m == cat->noutcomes ? "req.extra.all" : "req.extra.outcomes", m, a, 1);
        }
        if (!np)
            continue;
        cr_arg a[] = {{"tier", cat->tiers[t].name}, {"list", cr_draw_join(L, parts, np)}};
        items[n++] = cr_draw_tpl(L, "req.extra", a, 2);
    }
    if (n) {
        subheading(L, cr_draw_str(L, "req.extra.title"),
                   bullets_lead(L, items, n, CR_FACE_REGULAR));
        bullets(L, items, n, CR_FACE_REGULAR);
        L->y += 6;
    }

    /* The tiers: range of criteria met, what else each needs, what it means. */
    if (cat->ntiers) {
        bool described = false;
        for (size_t t = 0; t < cat->ntiers; t++)
            described |= cat->tiers[t].description != NULL;
        cr_table tb = {
            .ncols = described ? 4 : 3,
            .headers = {cr_draw_str(L, "req.table.tier"), cr_draw_str(L, "req.table.range"),
                        cr_draw_str(L, "req.table.needs"), cr_draw_str(L, "req.table.means")},
            .title = cr_draw_str(L, "section.requirements")};
        cr_table_columns(L, &tb, "tiers"); /* undescribed: "needs" takes the last column's width */
        cr_table_measure(L, &tb);
        float *h = cr_table_heights(L, &tb, cat->ntiers, tier_row, R);
        subheading(L, cr_draw_str(L, "req.tiers.title"),
                   h ? cr_table_lead(L, &tb, h, cat->ntiers, 0) : 0);
        cr_table_begin(L, &tb);
        cr_table_rows(L, &tb, h, cat->ntiers, 0, tier_row, R);
        cr_table_end(L);
    }
    L->y += 10;
    cr_draw_end(L);
}

static void section_process(report *R)
{
    cr_draw *L = &R->d;
    const cr_layout_spec *sp = L->sp;
    const cr_audited *au = R->au;
    float colw = (L->x1 - L->x0) / CR_STEP_COUNT;
    /* Room for circles, titles, dates and the step texts. */
    float texth = 0;
    for (int s = 0; s < CR_STEP_COUNT; s++) {
        char key[48];
        snprintf(key, sizeof key, "step.%s.text", cr_step_name((cr_step)s));
        float h =
            cr_draw_para_height(L, CR_FACE_REGULAR, SZ_SMALL(L), cr_draw_str(L, key), colw - 10);
        if (h > texth)
            texth = h;
    }
    cr_draw_section(L, cr_draw_str(L, "section.process"), 90 + texth);
    /* The steps: a numbered list, column by column. */
    cr_draw_begin(L, CR_ROLE_L, NULL);
    float cy = L->y + 12;
    cr_draw_hline(L, L->x0 + colw / 2, cy, colw * (CR_STEP_COUNT - 1), sp->rule, 2);
    float maxh = 0;
    for (int s = 0; s < CR_STEP_COUNT; s++) {
        float cx = L->x0 + colw * ((float)s + 0.5f);
        bool reached = au->steps[s].reached;
        bool current = au->current_step == s;
        bool skipped = !reached && au->current_step > s;
        cr_draw_begin(L, CR_ROLE_LI, NULL);
        cr_draw_circle(L, cx, cy, current ? 11 : 9,
                       reached   ? sp->accent
                       : skipped ? sp->shade
                                 : sp->rule);
        cr_draw_begin(L, CR_ROLE_LBL, NULL);
        cr_draw_text_center(L, cx, cy + 3.5f, CR_FACE_BOLD, 9, reached ? CR_WHITE : sp->text,
                            cr_draw_num(L, s + 1));
        cr_draw_end(L);
        cr_draw_begin(L, CR_ROLE_LBODY, NULL);
        float y = cy + 22;
        char key[48];
        snprintf(key, sizeof key, "step.%s", cr_step_name((cr_step)s));
        y += cr_draw_elem_para_at(L, CR_ROLE_P, L->x0 + colw * (float)s + 5, y, colw - 10,
                                  CR_FACE_BOLD, 8.5f, sp->text, cr_draw_str(L, key));
        const char *state;
        if (reached) {
            const cr_event *e = au->steps[s].event;
            cr_date d;
            char ymd[11];
            snprintf(ymd, sizeof ymd, "%.10s", e->at);
            cr_arg a[] = {{"date", cr_parse_date(ymd, &d)
                                       ? cr_fmt_date(L->tmp, L->st, d.year, d.month, d.day)
                                       : e->at}};
            state = cr_draw_tpl(L, "step.done", a, 1);
        } else {
            state = cr_draw_str(L, skipped ? "step.skipped" : "step.pending");
        }
        y += cr_draw_elem_para_at(L, CR_ROLE_P, L->x0 + colw * (float)s + 5, y, colw - 10,
                                  CR_FACE_REGULAR, SZ_SMALL(L), reached ? sp->text : sp->muted,
                                  state);
        /* A finished process (certified) has no current step: its last step is done. */
        if (current && !au->steps[CR_STEP_CERTIFIED].reached)
            y += cr_draw_elem_para_at(L, CR_ROLE_P, L->x0 + colw * (float)s + 5, y, colw - 10,
                                      CR_FACE_BOLD, SZ_SMALL(L), sp->accent,
                                      cr_draw_str(L, "step.current"));
        snprintf(key, sizeof key, "step.%s.text", cr_step_name((cr_step)s));
        y += 3 + cr_draw_elem_para_at(L, CR_ROLE_P, L->x0 + colw * (float)s + 5, y + 3, colw - 10,
                                      CR_FACE_REGULAR, SZ_SMALL(L), sp->muted, cr_draw_str(L, key));
        cr_draw_end(L);
        cr_draw_end(L);
        if (y - L->y > maxh)
            maxh = y - L->y;
    }
    cr_draw_end(L);
    L->y += maxh + 10;
    cr_draw_end(L);
}

/* One horizontal bar chart: a row per group with its label, bar, value and a note; an optional
 * vertical mark (the city's own score). */
/* A chart in words, for its alternative text: "TITLE: label value (note); ... MARK." (the mark
 * only when |mark_label|). */
static const char *chart_alt(cr_draw *L, const char *title, const char *const *labels,
                             const char *const *values, const char *const *notes, size_t n,
                             const char *mark_label)
{
    const char *items[CR_MAX_LIST];
    for (size_t i = 0; i < n && i < CR_MAX_LIST; i++) {
        cr_arg a[] = {{"label", labels[i]}, {"value", values[i]}, {"note", notes ? notes[i] : ""}};
        items[i] = cr_draw_tpl(L, notes ? "chart.item" : "chart.value", a, 3);
    }
    cr_arg a[] = {{"title", title},
                  {"list", cr_draw_list(L, items, n < CR_MAX_LIST ? n : CR_MAX_LIST, "chart.sep")},
                  {"mark", mark_label}};
    return cr_draw_tpl(L, mark_label ? "chart.alt.mark" : "chart.alt", a, 3);
}

#define CHART_ROW 18.0f /* a bar chart's row */

/* The height of a bar chart of |n| rows with its title, the space for the mark's label between
 * them (what bar_chart keeps together; the space under it may go to the page's end). */
static float bar_chart_height(const cr_draw *L, size_t n)
{
    return SZ_H2(L) + 20 + CHART_ROW * (float)n;
}

static void bar_chart(cr_draw *L, const char *title, const char *const *labels,
                      const double *values, const char *const *notes, size_t n, double mark,
                      const char *mark_label)
{
    const cr_layout_spec *sp = L->sp;
    float row = CHART_ROW, labw = 120, notew = 80;
    cr_draw_need(L, bar_chart_height(L, n));
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), sp->text,
                      title);
    L->y += SZ_H2(L) + 20;
    if (L->tagged) {
        const char *vs[CR_MAX_LIST];
        for (size_t i = 0; i < n && i < CR_MAX_LIST; i++)
            vs[i] = cr_draw_pct(L, values[i]);
        cr_draw_begin(L, CR_ROLE_FIGURE,
                      chart_alt(L, title, labels, vs, notes, n, mark >= 0 ? mark_label : NULL));
    }
    float bx = L->x0 + labw, bw = L->x1 - L->x0 - labw - notew - 34;
    float top = L->y;
    for (size_t i = 0; i < n; i++) {
        float y = L->y + (float)i * row;
        cr_draw_text(L, L->x0, y + 11, CR_FACE_REGULAR, SZ_BODY(L), sp->text, labels[i]);
        cr_draw_rect(L, bx, y + 3, bw, 11, sp->shade);
        cr_draw_rect(L, bx, y + 3, bw * (float)(values[i] / 100.0), 11, sp->peers);
        cr_draw_text(L, bx + bw + 4, y + 11, CR_FACE_BOLD, SZ_BODY(L), sp->text,
                     cr_draw_pct(L, values[i]));
        cr_draw_text_right(L, L->x1, y + 11, CR_FACE_REGULAR, SZ_SMALL(L), sp->muted, notes[i]);
    }
    if (mark >= 0) {
        float mx = bx + bw * (float)(mark / 100.0);
        cr_draw_vline(L, mx, top - 4, row * (float)n + 2, sp->accent, 1.5f);
        float lw = cr_draw_width(L, CR_FACE_BOLD, SZ_SMALL(L), mark_label);
        float lx = mx - lw / 2 < bx ? bx : mx - lw / 2;
        cr_draw_text(L, lx, top - 7, CR_FACE_BOLD, SZ_SMALL(L), sp->accent, mark_label);
    }
    cr_draw_end(L);
    L->y += row * (float)n + 14;
}

static void section_field(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_peers *p = L->peers;
    cr_arg a[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->applicants)}};
    const char *intro = cr_draw_tpl_n(L, "field.intro", (long)p->applicants, a, 1);
    /* The heading keeps the introduction and the first chart with it. */
    cr_draw_section(L, cr_draw_str(L, "section.field"),
                    cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), intro, L->x1 - L->x0) + 8 +
                        bar_chart_height(L, cat->nregions));
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), L->sp->muted,
                      intro);
    L->y += 8;
    const char *labels[CR_MAX_LIST], *notes[CR_MAX_LIST];
    double values[CR_MAX_LIST];
    cr_arg you[] = {{"percent", cr_draw_num(L, R->sc->percent)}};
    const char *mark = cr_draw_tpl(L, "field.you", you, 1);
    double own = 100.0 * R->sc->met / (R->sc->total ? R->sc->total : 1);
    for (size_t r = 0; r < cat->nregions && r < CR_MAX_LIST; r++) {
        labels[r] = cat->regions[r].name;
        values[r] = cr_peers_average(p, &p->regions[r]);
        cr_arg n[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->regions[r].applicants)}};
        notes[r] = cr_draw_tpl_n(L, "field.applicants", (long)p->regions[r].applicants, n, 1);
    }
    bar_chart(L, cr_draw_str(L, "field.regions"), labels, values, notes, cat->nregions, own, mark);
    for (size_t b = 0; b < cat->nbands && b < CR_MAX_LIST; b++) {
        labels[b] = cat->bands[b].name;
        values[b] = cr_peers_average(p, &p->bands[b]);
        cr_arg n[] = {{"n", cr_fmt_int(L->tmp, L->st, (long)p->bands[b].applicants)}};
        notes[b] = cr_draw_tpl_n(L, "field.applicants", (long)p->bands[b].applicants, n, 1);
    }
    bar_chart(L, cr_draw_str(L, "field.bands"), labels, values, notes, cat->nbands, own, mark);
    cr_draw_end(L);
}

static void section_measure(report *R)
{
    cr_draw *L = &R->d;
    const cr_layout_spec *sp = L->sp;
    const cr_catalog *cat = L->cat;
    size_t band = R->sc->band;
    cr_draw_section(L, cr_draw_str(L, "section.measure"), 120);
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
                      cr_draw_str(L, "measure.intro"));
    L->y += 8;
    cr_arg b[] = {{"band", band != CR_NONE ? cat->bands[band].name : ""}};
    const char *series[3] = {
        cr_draw_str(L, "legend.city"), cr_draw_str(L, "legend.all"),
        cr_draw_tpl(L, band != CR_NONE ? "legend.size" : "legend.size.none", b, 1)};
    float labw = 0;
    for (int k = 0; k < (band != CR_NONE ? 3 : 2); k++) { /* "no size group" spans the bar */
        float w = cr_draw_width(L, CR_FACE_BOLD, SZ_SMALL(L), series[k]) + 6;
        if (w > labw)
            labw = w;
    }
    float descw = (L->x1 - L->x0) * 0.56f, cx = L->x0 + descw + 14;
    float bx = cx + labw, bw = L->x1 - bx - 30;
    for (size_t k = 0; k < cat->nareas; k++) {
        const cr_area *a = &cat->areas[k];
        cr_rgb c = cr_draw_area_color(L, k);
        float dh =
            SZ_BODY(L) * LEAD(L) + 2 +
            cr_draw_para_height(L, CR_FACE_REGULAR, SZ_SMALL(L) + 0.5f, a->description, descw - 9);
        float ch = 3 * 13 + 4;
        float h = dh > ch ? dh : ch;
        cr_draw_need(L, h + 14);
        float y0 = L->y;
        cr_draw_rect(L, L->x0, y0, 3, h, c);
        /* Each area: its name, its description, then its three bars (a figure). */
        cr_draw_elem_text(L, CR_ROLE_H2, L->x0 + 9, y0 + SZ_BODY(L) + 1, CR_FACE_BOLD,
                          SZ_BODY(L) + 1, c, a->name);
        cr_draw_elem_para_at(L, CR_ROLE_P, L->x0 + 9, y0 + SZ_BODY(L) * LEAD(L) + 2, descw - 9,
                             CR_FACE_REGULAR, SZ_SMALL(L) + 0.5f, sp->muted, a->description);
        double vals[3] = {R->sc->areas[k].percent, area_share(L, k, CR_NONE),
                          band != CR_NONE ? area_share(L, k, band) : 0};
        if (L->tagged) {
            const char *vs[3] = {cr_draw_pct(L, vals[0]), cr_draw_pct(L, vals[1]),
                                 cr_draw_pct(L, vals[2])};
            cr_draw_begin(L, CR_ROLE_FIGURE,
                          chart_alt(L, a->name, series, vs, NULL, band != CR_NONE ? 3 : 2, NULL));
        }
        cr_rgb colors[3] = {c, sp->peers, sp->size};
        for (int s = 0; s < 3; s++) {
            float y = y0 + 2 + (float)s * 13;
            cr_draw_text(L, cx, y + 8, s == 0 ? CR_FACE_BOLD : CR_FACE_REGULAR, SZ_SMALL(L),
                         sp->text, series[s]);
            if (s == 2 && band == CR_NONE)
                continue; /* no size group: the label says so, no bar */
            cr_draw_rect(L, bx, y + 1, bw, 9, sp->shade);
            cr_draw_rect(L, bx, y + 1, bw * (float)(vals[s] / 100.0), 9, colors[s]);
            cr_draw_text(L, bx + bw + 3, y + 8, s == 0 ? CR_FACE_BOLD : CR_FACE_REGULAR,
                         SZ_SMALL(L), sp->text, cr_draw_pct(L, vals[s]));
        }
        cr_draw_end(L);
        L->y += h + 12;
    }
    cr_draw_end(L);
}

static const char *answer_label(cr_draw *L, cr_answer a)
{
    return cr_draw_str(L, a == CR_ANSWER_YES           ? "answer.yes"
                          : a == CR_ANSWER_IN_PROGRESS ? "answer.in-progress"
                                                       : "answer.no");
}

/* The rows of an area's criteria table (cr_table_fill). */
typedef struct area_rows {
    report *R;
    size_t area;
} area_rows;

static void area_row(cr_draw *L, void *data, size_t row, cr_cell *cells, bool *shade)
{
    const area_rows *ar = data;
    report *R = ar->R;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    size_t band = R->sc->band, i = cat->areas[ar->area].first + row;
    const cr_criterion *cr = &cat->criteria[i];
    const cr_criterion_state *s = &R->au->criteria[i];
    cr_arg ca[] = {{"code", cr->code}, {"core", cr->core ? "**" : ""}, {"name", cr->name}};
    cells[0].par[0] =
        (cr_cell_par){CR_FACE_BOLD, sp->text, cr_draw_tpl(L, "table.code", ca, 3), NULL};
    cells[0].par[1] = (cr_cell_par){CR_FACE_REGULAR, sp->text, cr->statement, NULL};
    cells[0].npar = 2;
    const char *resp = answer_label(L, s->answer);
    if (s->changed) { /* "Yes*" */
        size_t n = strlen(resp);
        char *star = cr_arena_alloc(L->tmp, n + 2);
        if (star) {
            memcpy(star, resp, n);
            star[n] = '*';
            star[n + 1] = '\0';
        }
        resp = star;
    }
    cr_rgb rc = s->answer == CR_ANSWER_YES ? sp->text : sp->muted;
    cells[1].par[0] = (cr_cell_par){CR_FACE_BOLD, rc, resp, NULL};
    cells[1].npar = 1;
    if (s->stale) {
        cells[1].par[1] =
            (cr_cell_par){CR_FACE_ITALIC, sp->accent, cr_draw_str(L, "answer.stale"), NULL};
        cells[1].size[1] = SZ_SMALL(L);
        cells[1].tight = true; /* off the statement's lines: text extraction keeps them apart */
        cells[1].npar = 2;
    }
    cells[2].par[0] = (cr_cell_par){CR_FACE_REGULAR, sp->text,
                                    cr_draw_pct(L, cr_peers_share(L->peers, i, CR_NONE)), NULL};
    cells[2].npar = 1;
    cells[2].center = true;
    cells[3].par[0] = (cr_cell_par){
        CR_FACE_REGULAR, sp->text,
        band != CR_NONE ? cr_draw_pct(L, cr_peers_share(L->peers, i, band)) : "-", NULL};
    cells[3].npar = 1;
    cells[3].center = true;
    /* Reviewer comments, the latest last; a flood of them is summarised, not dropped. */
    size_t np = 0, shown = s->nnotes < MAX_PARS - 6 ? s->nnotes : MAX_PARS - 6;
    for (size_t c = s->nnotes - shown; c < s->nnotes; c++) {
        cells[4].lang[np] = other_lang(L, s->notes[c]->lang);
        cells[4].size[np] = SZ_SMALL(L);
        cells[4].par[np++] = (cr_cell_par){CR_FACE_REGULAR, sp->text, s->notes[c]->comment, NULL};
    }
    if (shown < s->nnotes) {
        cr_arg ma[] = {{"n", cr_draw_num(L, (long)(s->nnotes - shown))}};
        cells[4].size[np] = SZ_SMALL(L);
        cells[4].par[np++] =
            (cr_cell_par){CR_FACE_ITALIC, sp->muted,
                          cr_draw_tpl_n(L, "note.more", (long)(s->nnotes - shown), ma, 1), NULL};
    }
    for (size_t p = 0; p < s->nprograms && np < MAX_PARS; p++) {
        cr_arg pa[] = {{"program", R->sub->programs[s->programs[p]].name}};
        cells[4].size[np] = SZ_SMALL(L);
        cells[4].par[np++] =
            (cr_cell_par){CR_FACE_ITALIC, sp->muted, cr_draw_tpl(L, "note.program", pa, 1), NULL};
    }
    cells[4].npar = np;
    *shade = row % 2 == 1;
}

/* The practice areas: each a Sect with its name as H2 (the section draws no heading of its own,
 * only its bookmark), the share met, the criteria table and the legend of its markers. With
 * |each_page| every area starts a new page; else an area follows the one before on its page
 * when its heading, its table's header and first rows fit there (cr_keep), and the legend stays
 * with the table's last row. */
static void section_areas(report *R, bool each_page)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_audited *au = R->au;
    cr_table t = {.ncols = 5,
                  .headers = {cr_draw_str(L, "table.criterion"), cr_draw_str(L, "table.response"),
                              cr_draw_str(L, "table.all"), cr_draw_str(L, "table.size"),
                              cr_draw_str(L, "table.notes")}};
    float w = L->x1 - L->x0;
    cr_table_columns(L, &t, "criteria");
    cr_table_measure(L, &t);
    for (size_t k = 0; k < cat->nareas && !L->oom; k++) {
        const cr_area *a = &cat->areas[k];
        cr_rgb color = cr_draw_area_color(L, k);
        /* The markers this table uses, explained under it. */
        bool any_core = false, any_changed = false, any_stale = false;
        for (size_t i = a->first; i < a->first + a->count; i++) {
            any_core |= cat->criteria[i].core;
            any_changed |= au->criteria[i].changed;
            any_stale |= au->criteria[i].stale;
        }
        const char *legends[3] = {any_core ? "legend.core" : NULL,
                                  any_changed ? "legend.changed" : NULL,
                                  any_stale ? "legend.stale" : NULL};
        float legend_h = 6;
        for (int g = 0; g < 3; g++)
            if (legends[g])
                legend_h += cr_draw_para_height(L, CR_FACE_REGULAR, SZ_SMALL(L),
                                                cr_draw_str(L, legends[g]), w);
        cr_arg ar[] = {{"percent", cr_draw_num(L, R->sc->areas[k].percent)},
                       {"area", a->name},
                       {"met", cr_draw_num(L, R->sc->areas[k].met)},
                       {"total", cr_draw_num(L, R->sc->areas[k].total)}};
        const char *achieved = cr_draw_tpl(L, "area.achieved", ar, 4);
        const char *progress = R->prev ? area_progress_text(R, k) : NULL;
        float head_h =
            8 + SZ_H1(L) * 1.5f + cr_draw_para_height(L, CR_FACE_REGULAR, 10, achieved, w) +
            (progress ? 3 + cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), progress, w) : 0) +
            6;
        area_rows rows = {R, k};
        t.title = a->name;
        float *h = cr_table_heights(L, &t, a->count, area_row, &rows);
        if (!h)
            break;
        /* Where the area starts: a new page, or this one when its heading, the table's header
         * and first rows (all of them and the legend, for a short table) fit. */
        if (each_page) {
            cr_draw_new_page(L);
        } else {
            bool below = L->y > L->top + 1;
            cr_draw_need(L, (below ? sp->area_gap : 0) + head_h +
                                cr_table_lead(L, &t, h, a->count, legend_h));
            if (L->y > L->top + 1)
                L->y += sp->area_gap;
        }
        if (k == 0) {
            cr_draw_begin(L, CR_ROLE_SECT, NULL);
            cr_draw_unseen_heading(L, CR_ROLE_H1, cr_draw_str(L, "section.areas"));
        }
        cr_draw_begin(L, CR_ROLE_SECT, NULL);
        int id = cr_draw_anchor(L, L->y);
        R->area_anchor[k] = id;
        if (k == 0)
            cr_draw_bookmark(L, cr_draw_str(L, "section.areas"), 0, id);
        cr_draw_bookmark(L, a->name, 1, id);
        cr_draw_rect(L, L->x0, L->y, w, 4, color);
        L->y += 8;
        cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H1(L), CR_FACE_BOLD, SZ_H1(L), color,
                          a->name);
        L->y += SZ_H1(L) * 1.5f;
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, w, CR_FACE_REGULAR, 10, sp->text, achieved);
        if (progress) {
            L->y += 3;
            cr_draw_elem_para(L, CR_ROLE_P, L->x0, w, CR_FACE_REGULAR, SZ_BODY(L), sp->muted,
                              progress);
        }
        L->y += 6;
        cr_table_begin(L, &t);
        cr_table_rows(L, &t, h, a->count, legend_h, area_row, &rows);
        cr_table_end(L);
        /* The legend for the markers used in this table. */
        L->y += 6;
        for (int g = 0; g < 3; g++)
            if (legends[g])
                cr_draw_elem_para(L, CR_ROLE_P, L->x0, w, CR_FACE_REGULAR, SZ_SMALL(L), sp->muted,
                                  cr_draw_str(L, legends[g]));
        cr_draw_end(L);
    }
    if (cat->nareas)
        cr_draw_end(L);
}

/* A number of outcome |d| with its unit, the decimal mark of the language: "78,9 %", "10 µg/m³". */
static const char *outcome_number(cr_draw *L, const cr_outcome_def *d, const char *text)
{
    const char *dec = cr_draw_str(L, "number.decimal");
    char num[64], b[96];
    size_t w = 0;
    for (const char *p = text; *p && w + 8 < sizeof num; p++) {
        if (*p != '.') {
            num[w++] = *p;
            continue;
        }
        for (const char *q = dec; *q && w + 8 < sizeof num; q++)
            num[w++] = *q;
    }
    num[w] = '\0';
    if (d->unit && strcmp(d->unit, "%") == 0) {
        cr_arg pa[] = {{"n", num}};
        return cr_draw_tpl(L, "number.percent", pa, 1);
    }
    snprintf(b, sizeof b, "%s%s%s", num, d->unit ? " " : "", d->unit ? d->unit : "");
    return cr_arena_strdup(L->tmp, b);
}

/* The city's value of outcome |o| as the report shows it: "86.7% (2021)", "8,4 µg/m³ (2021)" (the
 * language's decimal mark), the nominated metric with its target, or why there is none. */
static const char *outcome_value(report *R, size_t o)
{
    cr_draw *L = &R->d;
    const cr_outcome_def *d = &L->cat->outcomes[o];
    const cr_outcome_value *v = &R->sub->outcomes[o];
    if (!v->present)
        return cr_draw_str(L,
                           d->rule == CR_RULE_VERDICT ? "outcomes.nominate" : "outcomes.missing");
    if (d->rule == CR_RULE_VERDICT) {
        char sdg[8];
        snprintf(sdg, sizeof sdg, "%d", v->sdg);
        cr_arg a[] = {{"name", v->name},
                      {"sdg", sdg},
                      {"value", v->value_text ? v->value_text : "-"},
                      {"target", v->target ? v->target : "-"}};
        return cr_draw_tpl(L, "outcomes.nominated", a, 4);
    }
    const char *vs = outcome_number(L, d, v->value_text);
    if (v->year) {
        cr_arg a[] = {{"value", vs}, {"year", cr_draw_num(L, v->year)}};
        vs = cr_draw_tpl(L, "outcomes.year", a, 2);
    }
    return vs;
}

/* The reviewers' latest verdict event on outcome |o|, or NULL. */
static const cr_event *outcome_verdict(report *R, size_t o)
{
    const cr_audit_log *log = R->au->log;
    const cr_event *found = NULL;
    for (size_t i = 0; log && i < log->nevents; i++)
        if (log->events[i].type == CR_EVENT_OUTCOME && log->events[i].outcome == o)
            found = &log->events[i];
    return found;
}

/* A row of the resident outcomes table (cr_table_fill). */
static void outcome_row(cr_draw *L, void *data, size_t o, cr_cell *cells, bool *shade)
{
    report *R = data;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_outcome_def *d = &cat->outcomes[o];
    const cr_outcome_value *v = &R->sub->outcomes[o];
    cells[0].par[0] = (cr_cell_par){CR_FACE_BOLD, sp->text, d->name, NULL};
    cells[1].par[0] = (cr_cell_par){CR_FACE_REGULAR, sp->text, d->indicator, NULL};
    cells[2].par[0] = (cr_cell_par){CR_FACE_REGULAR, sp->text, d->standard_text, NULL};
    const char *value = outcome_value(R, o);
    cells[3].par[0] = (cr_cell_par){CR_FACE_REGULAR, sp->text, value, NULL};
    /* The data source: the city's, linked to where cities of its region find the data (the
     * catalog's link); the nomination form for the nominated metric. */
    const char *href = cr_catalog_outcome_source(cat, o, R->sc->region);
    const char *source = v->present && v->source ? v->source : "";
    if (!*source && href)
        source = cr_draw_str(L, d->rule == CR_RULE_VERDICT ? "outcomes.source.form"
                                                           : "outcomes.source.find");
    cells[4].par[0] = (cr_cell_par){CR_FACE_REGULAR, href ? sp->accent : sp->muted, source,
                                    *source ? href : NULL};
    bool met = R->sc->outcome_met[o];
    /* A nominated metric is met by the reviewers' verdict: named as such. */
    bool verdict_rule = d->rule == CR_RULE_VERDICT;
    const char *result =
        verdict_rule && v->present && R->au->verdicts[o] < 0 ? cr_draw_str(L, "outcomes.pending")
        : verdict_rule && R->au->verdicts[o] >= 0
            ? cr_draw_str(L, met ? "outcomes.verdict.met" : "outcomes.verdict.notmet")
            : cr_draw_str(L, met ? "outcomes.met" : "outcomes.notmet");
    cells[5].par[0] = (cr_cell_par){CR_FACE_BOLD, met ? sp->accent : sp->muted, result, NULL};
    /* The reviewers' reasons go with their verdict, in the widest column of the right half. */
    const cr_event *verdict = outcome_verdict(R, o);
    if (verdict && verdict->comment) {
        cells[5].par[1] = (cr_cell_par){CR_FACE_ITALIC, sp->muted, verdict->comment, NULL};
        cells[5].size[1] = SZ_SMALL(L); /* a note, as the reviewers' comments on criteria */
        cells[5].lang[1] = other_lang(L, verdict->lang);
        cells[5].npar = 2;
    }
    for (int c = 0; c < 6; c++)
        if (!cells[c].npar)
            cells[c].npar = 1;
    *shade = o % 2 == 1;
}

static void section_outcomes(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    float w = L->x1 - L->x0;
    cr_table t = {.ncols = 6,
                  .headers = {cr_draw_str(L, "outcomes.metric"),
                              cr_draw_str(L, "outcomes.indicator"),
                              cr_draw_str(L, "outcomes.standard"), cr_draw_str(L, "outcomes.value"),
                              cr_draw_str(L, "outcomes.source"), cr_draw_str(L, "outcomes.result")},
                  .title = cr_draw_str(L, "section.outcomes")};
    cr_table_columns(L, &t, "outcomes");
    cr_table_measure(L, &t);
    float *h = cr_table_heights(L, &t, cat->noutcomes, outcome_row, R);
    if (!h)
        return;
    /* The heading keeps the introduction, the table's header and first rows with it. */
    const char *intro = cr_draw_str(L, "outcomes.intro");
    float keep = cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), intro, w) + 8 +
                 cr_table_lead(L, &t, h, cat->noutcomes, 0);
    cr_draw_section(L, cr_draw_str(L, "section.outcomes"), keep);
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, w, CR_FACE_REGULAR, SZ_BODY(L), sp->muted, intro);
    L->y += 8;
    cr_table_begin(L, &t);
    cr_table_rows(L, &t, h, cat->noutcomes, 0, outcome_row, R);
    cr_table_end(L);
    L->y += 14;
    cr_draw_end(L);
}

/* The reviewers' latest comment on criterion |i|, shortened for a quote: whole when short, else
 * its last sentences (where reviewers say what is still needed) up to about 300 bytes, or the
 * last sentence cut at a word. NULL when there is none. */
static const char *guidance(report *R, size_t i)
{
    const cr_criterion_state *st = &R->au->criteria[i];
    const char *c = NULL;
    for (size_t k = st->nnotes; k-- > 0 && !c;)
        if (st->notes[k]->comment && *st->notes[k]->comment)
            c = st->notes[k]->comment;
    if (!c)
        return NULL;
    const size_t max = 300;
    size_t n = strlen(c);
    if (n <= max)
        return c;
    /* The earliest sentence start from which the rest fits. */
    const char *from = NULL;
    for (const char *p = c + 1; *p; p++)
        if (p[-1] == ' ' && p >= c + 2 && (p[-2] == '.' || p[-2] == '!' || p[-2] == '?') &&
            (size_t)(c + n - p) <= max) {
            from = p;
            break;
        }
    char *out = cr_arena_alloc(R->d.tmp, max + 16);
    if (!out)
        return c;
    if (from) {
        snprintf(out, max + 16, "\u2026 %s", from);
        return out;
    }
    /* The last sentence alone is too long: its beginning, cut at a word. */
    const char *last = c;
    for (const char *p = c + 2; *p; p++)
        if (p[-1] == ' ' && (p[-2] == '.' || p[-2] == '!' || p[-2] == '?') && p[1])
            last = p;
    size_t cut = max - 4;
    if (strlen(last) < cut)
        cut = strlen(last);
    while (cut > 0 && last[cut] != ' ' && last[cut])
        cut--;
    if (cut == 0)
        cut = max - 4;
    while (cut > 0 && (last[cut - 1] & 0xC0) == 0x80) /* never inside a UTF-8 sequence */
        cut--;
    while (cut > 0 && (last[cut - 1] == ',' || last[cut - 1] == ' '))
        cut--;
    snprintf(out, max + 16, "%s%.*s\u2026", last == c ? "" : "\u2026 ", (int)cut, last);
    return out;
}

/* The roadmap's record of criterion |i| (not met), or NULL. */
static const cr_roadmap_candidate *candidate_of(const cr_roadmap *rm, size_t i)
{
    for (size_t k = 0; k < rm->ncandidates; k++)
        if (rm->candidates[k].criterion == i)
            return &rm->candidates[k];
    return NULL;
}

/* A criterion's item texts (see criterion_item), made once per layout: an item is measured for
 * the list's lead, for its rows' heights, then drawn. */
struct item_texts {
    bool made;
    const char *head, *why, *quote; /* why: NULL when it has no reason; quote: no guidance */
    float w, h;                     /* the height (returned) at the last column width |w| */
};

/* Criterion |i|'s item texts, made when first asked for (NULL when out of memory). */
static struct item_texts *item_texts(report *R, size_t i)
{
    cr_draw *L = &R->d;
    if (!R->items && !(R->items = cr_arena_calloc(L->tmp, L->cat->ncriteria ? L->cat->ncriteria : 1,
                                                  sizeof *R->items))) {
        L->oom = true;
        return NULL;
    }
    struct item_texts *it = &R->items[i];
    if (it->made)
        return it;
    const cr_criterion *c = &L->cat->criteria[i];
    const cr_roadmap_candidate *cd = candidate_of(R->rm, i);
    const char *reasons[5];
    size_t nr = 0;
    if (c->core)
        reasons[nr++] = cr_draw_str(L, "next.reason.core");
    else if (cd && cd->required_by != CR_NONE) {
        cr_arg t[] = {{"tier", tier_name(L, cd->required_by)}};
        reasons[nr++] = cr_draw_tpl(L, "next.reason.required", t, 1);
    }
    if (cd && cd->answer == CR_ANSWER_IN_PROGRESS)
        reasons[nr++] = cr_draw_str(L, "next.reason.progress");
    if (cd && cd->share >= 0) {
        bool size = R->rm->band != CR_NONE;
        long share = cr_round_pct(cd->share);
        cr_arg p[] = {{"percent", cr_draw_num(L, share)}};
        reasons[nr++] =
            share == 0 ? cr_draw_str(L, size ? "next.reason.size.none" : "next.reason.all.none")
                       : cr_draw_tpl(L, size ? "next.reason.size" : "next.reason.all", p, 1);
    }
    if (cd && cd->stale)
        reasons[nr++] = cr_draw_str(L, "next.reason.stale");
    cr_arg ha[] = {{"code", c->code}, {"core", ""}, {"name", c->name}};
    it->head = cr_draw_tpl(L, "table.code", ha, 3);
    it->why = nr ? cr_draw_join(L, reasons, nr) : NULL;
    const char *g = guidance(R, i);
    it->quote = NULL;
    if (g) {
        cr_arg q[] = {{"comment", g}};
        it->quote = cr_draw_tpl(L, "next.guidance", q, 1);
    }
    it->made = true;
    it->w = -1;
    return it;
}

/* One criterion to work on, as a list item in the column at |x|, |w| wide: its code and name, its
 * area, why it is listed (core, required, in progress, the share of peers meeting it, an answer to
 * look at again) and the reviewers' guidance (in the small type of a note). Returns its height;
 * draws it only when |draw|. */
static float criterion_item(report *R, size_t i, float x, float w, bool draw)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_criterion *c = &cat->criteria[i];
    float tx = x + 12, tw = x + w - tx;
    struct item_texts *it = item_texts(R, i);
    if (!it)
        return 0;
    const char *head = it->head, *why = it->why, *quote = it->quote;
    float small = SZ_SMALL(L) + 0.5f, note = SZ_SMALL(L);
    if (it->w != tw) {
        it->h = cr_draw_para_height(L, CR_FACE_BOLD, SZ_BODY(L), head, tw) + small * LEAD(L) +
                (why ? cr_draw_para_height(L, CR_FACE_REGULAR, small, why, tw) : 0) +
                (quote ? cr_draw_para_height(L, CR_FACE_ITALIC, note, quote, tw) + 2 : 0);
        it->w = tw;
    }
    float h = it->h;
    if (!draw)
        return h + 6;
    cr_draw_begin(L, CR_ROLE_LI, NULL);
    cr_draw_rect(L, x, L->y + 1, 4, h - 2, cr_draw_area_color(L, c->area));
    cr_draw_begin(L, CR_ROLE_LBODY, NULL);
    cr_draw_elem_para(L, CR_ROLE_P, tx, tw, CR_FACE_BOLD, SZ_BODY(L), sp->text, head);
    cr_draw_elem_para(L, CR_ROLE_P, tx, tw, CR_FACE_ITALIC, small, cr_draw_area_color(L, c->area),
                      cat->areas[c->area].name);
    if (why)
        cr_draw_elem_para(L, CR_ROLE_P, tx, tw, CR_FACE_REGULAR, small, sp->muted, why);
    if (quote) {
        L->y += 2;
        cr_draw_elem_para(L, CR_ROLE_P, tx, tw, CR_FACE_ITALIC, note, sp->text, quote);
    }
    cr_draw_end(L);
    cr_draw_end(L);
    L->y += 6;
    return h + 6;
}

/* A list of criteria to work on takes two columns from CRITERIA_2COL items up (read row by row,
 * left then right), one below. */
#define CRITERIA_2COL 4
#define CRITERIA_GAP 18.0f

static size_t criteria_cols(size_t n)
{
    return n >= CRITERIA_2COL ? 2 : 1;
}

static float criteria_colw(const cr_draw *L, size_t cols)
{
    return (L->x1 - L->x0 - CRITERIA_GAP * (float)(cols - 1)) / (float)cols;
}

/* The heights of the rows of a list of criteria to work on (a row: the tallest of its items), in
 * the scratch arena (NULL: out of memory); |rows| gets their number. */
static float *criteria_heights(report *R, const size_t *crit, size_t n, size_t *rows)
{
    size_t cols = criteria_cols(n);
    float colw = criteria_colw(&R->d, cols);
    *rows = (n + cols - 1) / cols;
    float *h = cr_arena_calloc(R->d.tmp, *rows ? *rows : 1, sizeof *h);
    if (!h) {
        R->d.oom = true;
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        float hk = criterion_item(R, crit[k], 0, colw, false);
        if (hk > h[k / cols])
            h[k / cols] = hk;
    }
    return h;
}

/* How a list of |n| criteria in |rows| rows keeps together: whole when it has at most keep-list
 * items (as any list), else a row at a time; |tail| ends on the last row's page. */
static void criteria_keep(cr_draw *L, cr_keep *kp, const float *h, size_t rows, size_t n,
                          float tail)
{
    cr_keep_init(L, kp, h, rows, tail, n <= L->sp->keep_list);
}

/* What of a list of criteria (and |tail|) must fit under its heading (cr_keep_lead). */
static float criteria_lead(report *R, const size_t *crit, size_t n, float tail)
{
    size_t rows;
    float *h = criteria_heights(R, crit, n, &rows);
    if (!h)
        return 0;
    cr_keep kp;
    criteria_keep(&R->d, &kp, h, rows, n, tail);
    return cr_keep_lead(&R->d, &kp);
}

/* A list of criteria to work on (one item each), kept together across page breaks a row at a
 * time, its last rows on the page of the |tail| that follows it (0: none). */
static void criteria_list(report *R, const size_t *crit, size_t n, float tail)
{
    cr_draw *L = &R->d;
    size_t rows = 0, cols = criteria_cols(n);
    float colw = criteria_colw(L, cols);
    float *h = n ? criteria_heights(R, crit, n, &rows) : NULL;
    if (!h)
        return;
    cr_keep kp;
    criteria_keep(L, &kp, h, rows, n, tail);
    cr_draw_begin(L, CR_ROLE_L, NULL);
    for (size_t r = 0; r < rows; r++) {
        if (cr_keep_break(L, &kp, r))
            cr_draw_new_page(L);
        float y0 = L->y;
        for (size_t c = 0; c < cols && r * cols + c < n; c++) {
            L->y = y0;
            criterion_item(R, crit[r * cols + c], L->x0 + (colw + CRITERIA_GAP) * (float)c, colw,
                           true);
        }
        L->y = y0 + h[r];
        cr_keep_placed(L, &kp);
    }
    cr_draw_end(L);
}

/* "Ask the reviewers to look again at OD2: ..." when answers need re-review. */
static void stale_note(report *R)
{
    cr_draw *L = &R->d;
    const cr_scorecard *sc = R->sc;
    if (!sc->nstale)
        return;
    const char *codes[CR_MAX_LIST];
    for (size_t i = 0; i < sc->nstale; i++)
        codes[i] = L->cat->criteria[sc->stale[i]].code;
    cr_arg a[] = {{"list", cr_draw_join(L, codes, sc->nstale)}};
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_BOLD, SZ_BODY(L), L->sp->text,
                      cr_draw_tpl(L, sc->nstale == 1 ? "next.stale.one" : "next.stale", a, 1));
    L->y += 8;
}

/* The outcomes of a step, as a phrase: "the resident outcome A", "one of the resident outcomes
 * A, B or C", "2 of the resident outcomes A, B and C". */
static const char *outcomes_phrase_step(cr_draw *L, const cr_roadmap_step *st)
{
    const char *names[CR_MAX_LIST];
    for (size_t o = 0; o < st->noutcomes; o++)
        names[o] = L->cat->outcomes[st->outcomes[o]].name;
    cr_arg a[] = {{"n", cr_draw_num(L, st->more_outcomes)},
                  {"list", cr_draw_join(L, names, st->noutcomes)}};
    if (st->more_outcomes >= st->noutcomes)
        return cr_draw_tpl_n(L, "next.act.outcomes", (long)st->noutcomes, a, 2);
    if (st->more_outcomes == 1) {
        a[1].value = cr_draw_join_or(L, names, st->noutcomes);
        return cr_draw_tpl(L, "next.act.outcomes.oneof", a, 2);
    }
    return cr_draw_tpl(L, "next.act.outcomes.some", a, 2);
}

/* One outcome the path may meet: what it measures, the city's value, the standard. */
static const char *outcome_restated(report *R, size_t o)
{
    cr_draw *L = &R->d;
    const cr_outcome_def *d = &L->cat->outcomes[o];
    const char *standard;
    if (d->rule == CR_RULE_VERDICT) {
        standard = cr_draw_str(L, "next.std.verdict");
    } else {
        char num[32];
        snprintf(num, sizeof num, "%g", d->standard);
        cr_arg a[] = {{"value", outcome_number(L, d, num)}};
        standard = cr_draw_tpl(
            L, d->rule == CR_RULE_AT_LEAST ? "next.std.atleast" : "next.std.atmost", a, 1);
    }
    const char *value = outcome_value(R, o);
    if (d->rule == CR_RULE_VERDICT && R->sub->outcomes[o].present) {
        const char *v = R->au->verdicts[o] < 0
                            ? cr_draw_str(L, "outcomes.pending")
                            : cr_draw_str(L, R->au->verdicts[o] > 0 ? "outcomes.verdict.met"
                                                                    : "outcomes.verdict.notmet");
        cr_arg j[] = {{"value", value}, {"verdict", v}};
        value = cr_draw_tpl(L, "next.outcome.verdict", j, 2);
    }
    cr_arg a[] = {
        {"name", d->name}, {"indicator", d->indicator}, {"value", value}, {"standard", standard}};
    return cr_draw_tpl(L, "next.outcome.text", a, 4);
}

/* What keeps a city at the highest tier. */
static void next_keep(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_roadmap_keep *k = &R->rm->keep;
    const cr_scorecard *sc = R->sc;
    cr_arg ta[] = {{"city", R->sub->city.name}, {"tier", tier_name(L, k->tier)}};
    const char *items[3];
    size_t n = 0;
    if (k->ncriteria) {
        const char *codes[CR_MAX_LIST];
        for (size_t i = 0; i < k->ncriteria; i++)
            codes[i] = cat->criteria[k->criteria[i]].code;
        cr_arg a[] = {{"list", cr_draw_join(L, codes, k->ncriteria)},
                      {"tier", tier_name(L, k->tier)}};
        items[n++] = cr_draw_tpl(L, "next.keep.criteria", a, 2);
    }
    unsigned need = sc->met - k->spare_criteria;
    cr_arg ca[] = {{"need", cr_draw_num(L, need)},
                   {"total", cr_draw_num(L, sc->total)},
                   {"percent", cr_draw_num(L, cat->tiers[k->tier].percent)},
                   {"met", cr_draw_num(L, sc->met)},
                   {"spare", cr_draw_num(L, k->spare_criteria)},
                   {"city", R->sub->city.name}};
    items[n++] = k->spare_criteria ? cr_draw_tpl_n(L, "next.keep.count", k->spare_criteria, ca, 6)
                                   : cr_draw_tpl(L, "next.keep.count.none", ca, 6);
    if (k->outcomes) {
        cr_arg oa[] = {{"n", cr_draw_num(L, k->outcomes)},
                       {"spare", cr_draw_num(L, k->spare_outcomes)}};
        items[n++] = k->outcomes == cat->noutcomes
                         ? cr_draw_tpl(L, "next.keep.outcomes.all", oa, 2)
                         : cr_draw_tpl_n(L, "next.keep.outcomes", k->outcomes, oa, 2);
    }
    subheading(L, cr_draw_tpl(L, "next.keep.title", ta, 2),
               bullets_lead(L, items, n, CR_FACE_REGULAR));
    bullets(L, items, n, CR_FACE_REGULAR);
    L->y += 8;
    stale_note(R);
}

/* A city outside the program: why, what its answers would meet, and where peers are ahead. */
static void next_ineligible(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_scorecard *sc = R->sc;
    const cr_roadmap *rm = R->rm;
    cr_arg a[] = {{"city", R->sub->city.name},
                  {"min", cr_fmt_int(L->tmp, L->st, cat->min_population)},
                  {"population", cr_fmt_int(L->tmp, L->st, R->sub->city.population)}};
    const char *text =
        cr_draw_tpl(L,
                    sc->eligibility == CR_INELIGIBLE_REGION ? "next.ineligible.region"
                                                            : "next.ineligible.population",
                    a, 3);
    size_t would = CR_NONE;
    for (size_t k = 0; k < rm->ntiers; k++)
        if (rm->tiers[k].cost == 0)
            would = rm->tiers[k].tier;
    if (would != CR_NONE) {
        cr_arg w[] = {{"tier", tier_name(L, would)}};
        cr_arg j[] = {{"a", text}, {"b", cr_draw_tpl(L, "next.ineligible.would", w, 1)}};
        text = cr_draw_tpl(L, "sentence.join", j, 2);
    }
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), L->sp->text,
                      text);
    L->y += 8;
    size_t show = rm->ncandidates < 5 ? rm->ncandidates : 5, crit[5];
    if (!show)
        return;
    for (size_t k = 0; k < show; k++)
        crit[k] = rm->candidates[k].criterion;
    const char *intro = NULL;
    if (rm->ranked_by_peers) {
        cr_arg b[] = {{"band", sc->band != CR_NONE ? cat->bands[sc->band].name : ""}};
        intro =
            cr_draw_tpl(L, rm->band != CR_NONE ? "next.focus.size" : "next.focus.nogroup", b, 1);
    }
    subheading(L, cr_draw_str(L, "next.focus"),
               (intro
                    ? cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), intro, L->x1 - L->x0) + 6
                    : 0) +
                   criteria_lead(R, crit, show, R->tail));
    if (intro) {
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L),
                          L->sp->muted, intro);
        L->y += 6;
    }
    criteria_list(R, crit, show, R->tail);
}

/* The learning resources (strings resource.N.title, .text, .url): a short list of links in
 * two columns, read row by row, kept whole with its heading. */
enum { MAX_RES = 20 };
typedef struct resource_list {
    const char *title[MAX_RES], *text[MAX_RES], *url[MAX_RES];
    size_t n, rows;
    float h[MAX_RES / 2]; /* each row's height */
    float colw;
} resource_list;

static void resource_list_load(cr_draw *L, resource_list *rl)
{
    memset(rl, 0, sizeof *rl);
    rl->colw = criteria_colw(L, 2);
    for (int r = 1; r <= MAX_RES; r++) {
        char kt[32], kx[32], ku[32];
        snprintf(kt, sizeof kt, "resource.%d.title", r);
        snprintf(kx, sizeof kx, "resource.%d.text", r);
        snprintf(ku, sizeof ku, "resource.%d.url", r);
        size_t k = rl->n;
        rl->title[k] = cr_strings_get(L->st, kt);
        rl->text[k] = cr_strings_get(L->st, kx);
        rl->url[k] = cr_strings_get(L->st, ku);
        if (!rl->title[k] || !rl->url[k])
            break;
        float h = cr_draw_para_height(L, CR_FACE_BOLD, SZ_BODY(L), rl->title[k], rl->colw) +
                  (rl->text[k] ? cr_draw_para_height(L, CR_FACE_REGULAR, SZ_SMALL(L) + 0.5f,
                                                     rl->text[k], rl->colw)
                               : 0) +
                  cr_draw_para_height(L, CR_FACE_REGULAR, SZ_SMALL(L), rl->url[k], rl->colw) + 6;
        if (h > rl->h[k / 2])
            rl->h[k / 2] = h;
        rl->n++;
    }
    rl->rows = (rl->n + 1) / 2;
}

/* What the resources need below the cursor to start on its page: the heading and the list. */
static float resources_lead(cr_draw *L)
{
    resource_list rl;
    resource_list_load(L, &rl);
    cr_keep kp;
    cr_keep_init(L, &kp, rl.h, rl.rows, 0, true);
    return SZ_H2(L) * 1.7f + cr_keep_lead(L, &kp);
}

static void resources(report *R)
{
    cr_draw *L = &R->d;
    const cr_layout_spec *sp = L->sp;
    resource_list rl;
    resource_list_load(L, &rl);
    float colw = rl.colw;
    cr_keep kp;
    cr_keep_init(L, &kp, rl.h, rl.rows, 0, true);
    cr_draw_need(L, SZ_H2(L) * 1.7f + cr_keep_lead(L, &kp));
    cr_draw_elem_text(L, CR_ROLE_H2, L->x0, L->y + SZ_H2(L), CR_FACE_BOLD, SZ_H2(L), sp->text,
                      cr_draw_str(L, "next.resources"));
    L->y += SZ_H2(L) * 1.7f;
    if (rl.n) /* a list of links */
        cr_draw_begin(L, CR_ROLE_L, NULL);
    for (size_t row = 0; row < rl.rows; row++) {
        if (cr_keep_break(L, &kp, row))
            cr_draw_new_page(L);
        float y0 = L->y;
        for (size_t r = row * 2; r < row * 2 + 2 && r < rl.n; r++) {
            float x = L->x0 + (r % 2 ? colw + CRITERIA_GAP : 0);
            L->y = y0;
            cr_draw_begin(L, CR_ROLE_LI, NULL);
            cr_draw_begin(L, CR_ROLE_LBODY, NULL);
            cr_draw_begin(L, CR_ROLE_LINK, NULL);
            cr_draw_para(L, x, colw, CR_FACE_BOLD, SZ_BODY(L), sp->accent, rl.title[r]);
            if (rl.text[r])
                cr_draw_para(L, x, colw, CR_FACE_REGULAR, SZ_SMALL(L) + 0.5f, sp->text, rl.text[r]);
            cr_draw_para(L, x, colw, CR_FACE_REGULAR, SZ_SMALL(L), sp->accent, rl.url[r]);
            /* The whole entry (title, text and address) is the link; its title describes it. */
            cr_draw_link(L, x, y0, colw, L->y - y0, rl.url[r], rl.title[r]);
            cr_draw_end(L);
            cr_draw_end(L);
            cr_draw_end(L);
        }
        L->y = y0 + rl.h[row];
        cr_keep_placed(L, &kp);
    }
    if (rl.n)
        cr_draw_end(L);
}

/* The next steps' heading and introduction, kept with |keep| points of what follows. */
static void next_heading(report *R, const char *intro, float keep)
{
    cr_draw *L = &R->d;
    cr_draw_section(L, cr_draw_str(L, "section.next"),
                    cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), intro, L->x1 - L->x0) + 8 +
                        keep);
    cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), L->sp->muted,
                      intro);
    L->y += 8;
}

/* Next steps, from the library's roadmap (roadmap.h): the next goal (the tier the cheapest path
 * reaches), the steps of the path to the highest tier, the outcomes and criteria those steps
 * name, with the reviewers' guidance; at the top, what keeps the city there. */
static void section_next(report *R)
{
    cr_draw *L = &R->d;
    const cr_catalog *cat = L->cat;
    const cr_layout_spec *sp = L->sp;
    const cr_scorecard *sc = R->sc;
    const cr_roadmap *rm = R->rm;
    const char *intro = cr_draw_str(L, sc->eligibility != CR_ELIGIBLE ? "next.intro.ineligible"
                                       : rm->keep.tier != CR_NONE     ? "next.intro.keep"
                                                                      : "next.intro");
    /* The last list ends on the page of the resources (8 points under it), so that they never
     * make a page of their own. */
    R->tail = 8 + resources_lead(L);
    /* The heading keeps the introduction and what follows it: the goal's heading and its steps
     * when there is a path, else a heading with two lines under it. */
    float two_lines = SZ_H2(L) * 1.7f + SZ_BODY(L) * LEAD(L) * 2;
    float tx = L->x0 + 16, tw = L->x1 - tx;
    if (sc->eligibility != CR_ELIGIBLE) {
        next_heading(R, intro, two_lines);
        next_ineligible(R);
    } else if (rm->keep.tier != CR_NONE) {
        next_heading(R, intro, two_lines);
        next_keep(R);
    } else if (rm->npaths) {
        /* The path shown: the one to the highest tier, when its first step reaches what the
         * cheapest path to the next tier reaches (it passes through it); else that one. */
        const cr_roadmap_path *first = &rm->paths[0], *p = &rm->paths[rm->npaths - 1];
        if (p->nsteps == 0 || p->steps[0].reaches != first->reaches)
            p = first;
        cr_arg ga[] = {{"tier", tier_name(L, first->reaches)}};
        /* The steps: a numbered list, kept with the goal. */
        size_t named[CR_MAX_LIST], nnamed = 0;
        const cr_roadmap_step *pool_step = NULL, *out_step = NULL;
        bool took = false; /* an earlier step already took from the pool */
        const char **steps = cr_arena_calloc(L->tmp, p->nsteps ? p->nsteps : 1, sizeof *steps);
        float *sh = cr_arena_calloc(L->tmp, p->nsteps ? p->nsteps : 1, sizeof *sh);
        if (!steps || !sh) {
            L->oom = true;
            return;
        }
        for (size_t k = 0; k < p->nsteps; k++) {
            const cr_roadmap_step *st = &p->steps[k];
            const char *parts[3];
            size_t np = 0;
            if (st->ncriteria) {
                const char *codes[CR_MAX_LIST];
                for (size_t i = 0; i < st->ncriteria; i++) {
                    codes[i] = cat->criteria[st->criteria[i]].code;
                    if (nnamed < CR_MAX_LIST)
                        named[nnamed++] = st->criteria[i];
                }
                parts[np++] = cr_draw_join(L, codes, st->ncriteria);
            }
            if (st->more_criteria) {
                cr_arg a[] = {{"k", cr_draw_num(L, st->more_criteria)},
                              {"n", cr_draw_num(L, (long)st->ncandidates)}};
                const char *key = st->more_criteria >= st->ncandidates ? "next.act.all"
                                  : took                               ? "next.act.anymore"
                                                                       : "next.act.any";
                parts[np++] = cr_draw_tpl_n(L, key, st->more_criteria, a, 2);
                took = true;
                if (!pool_step)
                    pool_step = st;
            }
            if (st->more_outcomes) {
                parts[np++] = outcomes_phrase_step(L, st);
                if (!out_step)
                    out_step = st;
            }
            cr_arg a[] = {{"list", cr_draw_join(L, parts, np)},
                          {"tier", tier_name(L, st->reaches)}};
            steps[k] = cr_draw_tpl(L, k == 0 ? "next.step.first" : "next.step.then", a, 2);
            sh[k] = cr_draw_para_height(L, CR_FACE_BOLD, SZ_BODY(L) + 0.5f, steps[k], tw - 4) + 6;
        }
        next_heading(R, intro, SZ_H2(L) * 1.7f + list_lead(L, sh, p->nsteps));
        subheading(L, cr_draw_tpl(L, "next.goal", ga, 1), list_lead(L, sh, p->nsteps));
        cr_keep kp;
        cr_keep_init(L, &kp, sh, p->nsteps, 0, true);
        cr_draw_begin(L, CR_ROLE_L, NULL);
        for (size_t k = 0; k < p->nsteps; k++) {
            if (cr_keep_break(L, &kp, k))
                cr_draw_new_page(L);
            cr_draw_begin(L, CR_ROLE_LI, NULL);
            cr_draw_begin(L, CR_ROLE_LBL, NULL);
            cr_draw_circle(L, L->x0 + 6, L->y + SZ_BODY(L) * 0.62f, 6.5f, sp->accent);
            cr_draw_text_center(L, L->x0 + 6, L->y + SZ_BODY(L) * 0.62f + 3, CR_FACE_BOLD,
                                SZ_SMALL(L), CR_WHITE, cr_draw_num(L, (long)k + 1));
            cr_draw_end(L);
            cr_draw_elem_para(L, CR_ROLE_LBODY, tx + 4, tw - 4, CR_FACE_BOLD, SZ_BODY(L) + 0.5f,
                              sp->text, steps[k]);
            cr_draw_end(L);
            L->y += 6;
            cr_keep_placed(L, &kp);
        }
        cr_draw_end(L);
        L->y += 4;
        stale_note(R);
        /* The outcomes the steps may meet, restated. */
        if (out_step) {
            const char *items[CR_MAX_LIST];
            for (size_t o = 0; o < out_step->noutcomes; o++)
                items[o] = outcome_restated(R, out_step->outcomes[o]);
            subheading(L, cr_draw_str(L, "next.outcomes.title"),
                       bullets_lead(L, items, out_step->noutcomes, CR_FACE_REGULAR));
            bullets(L, items, out_step->noutcomes, CR_FACE_REGULAR);
            L->y += 6;
        }
        /* The criteria that move the city: those to meet, then the pool to choose from. */
        if (nnamed) {
            float tail = pool_step ? 0 : R->tail;
            subheading(L, cr_draw_str(L, "next.named.title"),
                       criteria_lead(R, named, nnamed, tail));
            criteria_list(R, named, nnamed, tail);
            L->y += 4;
        }
        if (pool_step) {
            size_t crit[CR_MAX_LIST], n = 0;
            for (size_t k = 0; k < pool_step->ncandidates && n < CR_MAX_LIST; k++)
                crit[n++] = rm->candidates[pool_step->candidates[k]].criterion;
            unsigned want = 0;
            for (size_t k = 0; k < p->nsteps; k++)
                want += p->steps[k].more_criteria;
            cr_arg b[] = {{"k", cr_draw_num(L, want)},
                          {"n", cr_draw_num(L, (long)n)},
                          {"band", sc->band != CR_NONE ? cat->bands[sc->band].name : ""}};
            const char *key = !rm->ranked_by_peers  ? "next.pool.text"
                              : rm->band != CR_NONE ? "next.pool.text.size"
                                                    : "next.pool.text.all";
            const char *text = cr_draw_tpl_n(L, key, want, b, 3);
            subheading(L, cr_draw_str(L, "next.pool.title"),
                       cr_draw_para_height(L, CR_FACE_REGULAR, SZ_BODY(L), text, L->x1 - L->x0) +
                           6 + criteria_lead(R, crit, n, R->tail));
            cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L),
                              sp->muted, text);
            L->y += 6;
            criteria_list(R, crit, n, R->tail);
        }
    } else {
        next_heading(R, intro, two_lines);
        cr_draw_elem_para(L, CR_ROLE_P, L->x0, L->x1 - L->x0, CR_FACE_REGULAR, SZ_BODY(L), sp->text,
                          cr_draw_str(L, "next.none"));
    }
    L->y += 8;

    resources(R);
    cr_draw_end(L);
}

/* Warns about each character of |s| no font of the chain draws (in any face: the faces cover the
 * same characters), once per character. Returns how many there were. */
static size_t warn_uncovered(const cr_fonts *f, const char *s, const char *file, long line,
                             cr_error *err)
{
    enum { SEEN = 64 };
    uint32_t seen[SEEN];
    size_t nseen = 0, count = 0;
    if (!s)
        return 0;
    for (const char *p = s; *p;) {
        const char *start = p;
        uint32_t cp = cr_utf8_next(&p);
        bool covered = true;
        for (int k = 0; k < CR_FACE_COUNT && covered; k++)
            covered = cr_fonts_covers(f, (cr_face)k, cp);
        if (covered)
            continue;
        bool dup = false;
        for (size_t i = 0; i < nseen && !dup; i++)
            dup = seen[i] == cp;
        if (dup)
            continue;
        if (nseen < SEEN)
            seen[nseen++] = cp;
        count++;
        cr_error_warn(err, file, line,
                      "U+%04X '%.*s' has no glyph in the report's fonts; drawn as a placeholder",
                      (unsigned)cp, (int)(p - start), start);
    }
    return count;
}

size_t cr_fonts_check_inputs(const cr_fonts *fonts, const cr_submission *sub,
                             const cr_audit_log *log, cr_error *err)
{
    if (CR_ARG_NULL(fonts, err))
        return 0;
    size_t n = 0;
    if (sub) {
        n += warn_uncovered(fonts, sub->city.name, sub->file, sub->city.line, err);
        n += warn_uncovered(fonts, sub->city.country, sub->file, sub->city.line, err);
        for (size_t p = 0; p < sub->nprograms; p++)
            n +=
                warn_uncovered(fonts, sub->programs[p].name, sub->file, sub->programs[p].line, err);
        for (size_t o = 0; o < sub->noutcomes; o++) {
            const cr_outcome_value *v = &sub->outcomes[o];
            if (!v->present)
                continue;
            n += warn_uncovered(fonts, v->source, sub->file, v->line, err);
            n += warn_uncovered(fonts, v->name, sub->file, v->line, err);
            n += warn_uncovered(fonts, v->target, sub->file, v->line, err);
            n += warn_uncovered(fonts, v->value_text, sub->file, v->line, err);
        }
    }
    for (size_t i = 0; log && i < log->nevents; i++) /* reviewer comments: notes and verdicts */
        n += warn_uncovered(fonts, log->events[i].comment, log->file, log->events[i].line, err);
    return n;
}

/* The previous assessment must be the same city's, of an earlier cycle, scored against the same
 * criteria (they are compared by catalog index). */
static bool check_previous(report *R)
{
    const cr_assessment *p = R->prev;
    const cr_catalog *cat = R->d.cat;
    if (!p)
        return true;
    const cr_submission *ps = p->submission;
    const cr_audited *pa = p->audited;
    bool same = pa->catalog == cat;
    if (!same && pa->catalog->ncriteria == cat->ncriteria && pa->catalog->nareas == cat->nareas) {
        same = true;
        for (size_t i = 0; i < cat->ncriteria && same; i++)
            same = strcmp(pa->catalog->criteria[i].code, cat->criteria[i].code) == 0 &&
                   pa->catalog->criteria[i].area == cat->criteria[i].area;
    }
    if (!same) {
        cr_error_set(
            R->d.err, CR_EUSAGE, ps->file, ps->line,
            "the previous assessment was scored against another catalog (edition %s, not %s)",
            pa->catalog->edition, cat->edition);
        return false;
    }
    if (strcmp(ps->id, R->sub->id) != 0) {
        cr_error_set(R->d.err, CR_EINPUT, ps->file, ps->line,
                     "the previous assessment is of \"%s\", not \"%s\"", ps->id, R->sub->id);
        return false;
    }
    if (ps->cycle >= R->sub->cycle) {
        cr_error_set(R->d.err, CR_EINPUT, ps->file, ps->line,
                     "the previous assessment's cycle %d is not before this one's (%d)", ps->cycle,
                     R->sub->cycle);
        return false;
    }
    return true;
}

cr_status cr_layout_check_texts(const cr_catalog *cat, const cr_strings *strings,
                                const cr_fonts *fonts, cr_error *err)
{
    if (CR_ARG_NULL(cat, err) || CR_ARG_NULL(strings, err) || CR_ARG_NULL(fonts, err))
        return CR_EUSAGE;
    for (size_t i = 0; i < cat->ncriteria; i++) {
        warn_uncovered(fonts, cat->criteria[i].statement, cat->file, 0, err);
        warn_uncovered(fonts, cat->criteria[i].name, cat->file, 0, err);
    }
    for (size_t i = 0; i < cat->nareas; i++) {
        warn_uncovered(fonts, cat->areas[i].name, cat->file, 0, err);
        warn_uncovered(fonts, cat->areas[i].short_name, cat->file, 0, err);
        warn_uncovered(fonts, cat->areas[i].description, cat->file, 0, err);
    }
    for (size_t i = 0; i < cat->noutcomes; i++) {
        warn_uncovered(fonts, cat->outcomes[i].name, cat->file, 0, err);
        warn_uncovered(fonts, cat->outcomes[i].indicator, cat->file, 0, err);
        warn_uncovered(fonts, cat->outcomes[i].standard_text, cat->file, 0, err);
    }
    for (size_t i = 0; i < cat->nregions; i++)
        warn_uncovered(fonts, cat->regions[i].name, cat->file, 0, err);
    for (size_t i = 0; i < cat->nbands; i++)
        warn_uncovered(fonts, cat->bands[i].name, cat->file, 0, err);
    for (size_t i = 0; i < cat->ntiers; i++)
        warn_uncovered(fonts, cat->tiers[i].name, cat->file, 0, err);
    for (size_t i = 0; i < strings->n; i++)
        warn_uncovered(fonts, strings->entries[i].value, strings->file, 0, err);
    return CR_OK;
}

/* Per page, after its content: the running header and footer. */
static void decorate(cr_draw *L, size_t pi, cr_dlist *dl, void *data)
{
    report *R = data;
    if (!R->header_right) { /* the same on every page: made once */
        char cycle[32];
        cr_fmt_long(cycle, R->sub->cycle);
        cr_arg ca[] = {{"cycle", cycle}};
        R->header_right = cr_draw_tpl(L, "header.right", ca, 1);
    }
    cr_draw_header_footer(L, pi, dl, R->sub->city.name, R->header_right);
}

/* One pass of the layout: the sections in the layout's order, from a first page. */
static void layout_sections(report *R)
{
    cr_draw *L = &R->d;
    cr_draw_new_page(L);
    for (size_t s = 0; s < L->sp->nsections && !L->oom; s++) {
        cr_section sec = L->sp->sections[s];
        /* A section starts a page when the layout says so (the areas: each area does). */
        if (sec != CR_SEC_AREAS && L->sp->new_page[s] && L->y > L->top + 1)
            cr_draw_new_page(L);
        switch (sec) {
        case CR_SEC_STATUS:
            section_status(R);
            break;
        case CR_SEC_REQUIREMENTS:
            section_requirements(R);
            break;
        case CR_SEC_PROCESS:
            section_process(R);
            break;
        case CR_SEC_FIELD:
            section_field(R);
            break;
        case CR_SEC_MEASURE:
            section_measure(R);
            break;
        case CR_SEC_AREAS:
            section_areas(R, L->sp->new_page[s]);
            break;
        case CR_SEC_OUTCOMES:
            section_outcomes(R);
            break;
        case CR_SEC_NEXT:
            section_next(R);
            break;
        default:
            break;
        }
    }
}

cr_display *cr_layout_report(const cr_report_request *req, cr_error *err)
{
    if (CR_ARG_NULL(req, err) || CR_ARG_NULL(req->catalog, err) ||
        CR_ARG_NULL(req->assessment, err) || CR_ARG_NULL(req->assessment->submission, err) ||
        CR_ARG_NULL(req->assessment->audited, err) || CR_ARG_NULL(req->peers, err) ||
        CR_ARG_NULL(req->spec, err) || CR_ARG_NULL(req->strings, err) ||
        CR_ARG_NULL(req->fonts, err) ||
        (req->previous &&
         (CR_ARG_NULL(req->previous->submission, err) || CR_ARG_NULL(req->previous->audited, err))))
        return NULL;
    report R0, *R = &R0;
    memset(R, 0, sizeof *R);
    cr_draw *L = &R->d;
    R->req = req;
    R->sub = req->assessment->submission;
    R->au = req->assessment->audited;
    R->sc = &req->assessment->score;
    R->prev = req->previous;
    cr_display *d = NULL;
    if (!cr_draw_init(L, req->catalog, req->spec, req->strings, req->fonts, req->peers, err))
        goto done;
    L->tagged = !req->untagged;
    if (req->cache && cr_layout_cache_fonts(req->cache) != req->fonts) {
        cr_error_set(err, CR_EUSAGE, NULL, 0,
                     "cr_layout_report: the cache was made for another set of fonts");
        goto done;
    }
    if (!cr_draw_use_cache(L, req->cache) || L->cat->nareas > CR_MAX_LIST || !check_previous(R))
        goto done;
    for (size_t k = 0; k < CR_MAX_LIST; k++)
        R->area_anchor[k] = -1;

    cr_roadmap *rm = cr_roadmap_build(R->au, R->sc, req->peers, err);
    if (!rm)
        goto done;
    R->rm = rm;
    /* Laid out again (at most a few times) while a page is left too empty by a block that did
     * not fit after it, with the table split onto it broken a row earlier (cr_draw_balance). */
    for (int pass = 0; pass < 6 && !L->oom; pass++) {
        if (pass > 0) {
            if (!cr_draw_balance(L))
                break;
            cr_draw_restart(L);
            for (size_t k = 0; k < CR_MAX_LIST; k++)
                R->area_anchor[k] = -1;
            R->nband = 0;
        }
        layout_sections(R);
    }
    /* The status band's links, now that the area sections are placed. */
    for (size_t k = 0; k < R->nband; k++)
        cr_draw_set_target(L, R->band_goto[k].page, R->band_goto[k].op, R->area_anchor[k]);
    char cycle[16];
    snprintf(cycle, sizeof cycle, "%d", R->sub->cycle);
    cr_arg ta[] = {{"city", R->sub->city.name}, {"cycle", cycle}};
    cr_doc_info info = {.title = cr_draw_tpl(L, "doc.title", ta, 2),
                        .subject = cr_draw_tpl(L, "doc.subject", ta, 2),
                        .author = cr_draw_str(L, "doc.author"),
                        .keywords = cr_draw_tpl(L, "doc.keywords", ta, 2),
                        .creator = "certreport",
                        .lang = L->st->lang,
                        .created = req->created};
    d = cr_draw_finish(L, decorate, R, &info);
done:
    cr_roadmap_free((cr_roadmap *)R->rm);
    cr_draw_release(L);
    return d;
}
