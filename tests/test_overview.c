/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the cohort overview (cr_layout_overview).
 *
 * A synthetic cohort of 250 cities, scored with the real scoring rules (cr_score_answers) from
 * pseudo-random answers, with peer statistics counted the way cr_peers_add counts them; then laid
 * out with the source tree's layout, strings and fonts, read back from the display list and
 * rendered (build/tests/overview.pdf, for looking at). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layouttest.h"

#define NCITIES 250
#define EXCLUDED 3
#define CREATED 1689336000LL

typedef struct state {
    layout_fixture base; /* first */
    cr_peers *peers;
    cr_overview_city cities[NCITIES];
    unsigned area_met[NCITIES][CR_MAX_LIST];
    char names[NCITIES][48], ids[NCITIES][16];
} state;

/* A small deterministic generator (the test's own state, no global). */
static unsigned next_rand(unsigned long *s, unsigned n)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((*s >> 33) % n);
}

/* Names start with B..M, P..Y (and a prefix of those), so the named ones below have known
 * places: Aguascalientes first, Zacatecas last, Ñuñoa between Nashua and Oakville. */
static const char *const PREFIXES[] = {"", "Port ", "Villa ", "San ", "Santa ", "Lake ", "Mount "};
static const char *const STEMS[] = {
    "Belmont",  "Cedar",    "Delmar",   "Esperanza", "Fairview", "Granada",  "Highland",  "Itajubá",
    "Jardín",   "Kingston", "Linares",  "Monterrey", "Paraná",   "Quillota", "Riverside", "Salto",
    "Trinidad", "Uruapan",  "Valencia", "Westfield", "Xalapa",   "Yorkton"};
static const char *const NAMED[] = {"Aguascalientes", "Zacatecas", "Ñuñoa", "Nashua", "Oakville"};
static const char *const COUNTRIES[] = {"US", "US", "US", "CA", "MX", "BR", "CO", "CL", "AR", "ES"};

static void make_cohort(state *s)
{
    const cr_catalog *cat = s->base.fx->catalog;
    cr_error err;
    cr_error_init(&err);
    s->peers = cr_peers_new(cat, &err);
    assert_non_null(s->peers);
    unsigned long seed = 2023;
    size_t nnamed = sizeof NAMED / sizeof NAMED[0];
    for (size_t i = 0; i < NCITIES; i++) {
        cr_overview_city *c = &s->cities[i];
        snprintf(s->ids[i], sizeof s->ids[i], "city-%03zu",
                 NCITIES - i); /* ids not in name order */
        if (i < nnamed)
            snprintf(s->names[i], sizeof s->names[i], "%s", NAMED[i]);
        else
            snprintf(s->names[i], sizeof s->names[i], "%s%s",
                     PREFIXES[next_rand(&seed, sizeof PREFIXES / sizeof PREFIXES[0])],
                     STEMS[next_rand(&seed, sizeof STEMS / sizeof STEMS[0])]);
        c->id = s->ids[i];
        c->name = s->names[i];
        c->country = COUNTRIES[next_rand(&seed, sizeof COUNTRIES / sizeof COUNTRIES[0])];
        long population = 20000 + (long)next_rand(&seed, 40) * (long)next_rand(&seed, 40) * 1500;
        c->region = cr_catalog_region(cat, c->country);
        c->band = cr_catalog_band_of(cat, population);
        bool eligible = c->region != CR_NONE && c->band != CR_NONE;
        /* Answers: a city's strength, then one draw per criterion. */
        unsigned strength = 25 + next_rand(&seed, 71);
        cr_answer answers[CR_MAX_LIST];
        bool outcome_met[CR_MAX_LIST] = {false};
        for (size_t k = 0; k < cat->ncriteria; k++)
            answers[k] = next_rand(&seed, 100) < strength ? CR_ANSWER_YES
                         : next_rand(&seed, 2)            ? CR_ANSWER_IN_PROGRESS
                                                          : CR_ANSWER_NO;
        for (size_t o = 0; o < cat->noutcomes; o++)
            outcome_met[o] = next_rand(&seed, 100) < 70;
        cr_scorecard sc;
        assert_int_equal(cr_score_answers(cat, answers, outcome_met, &sc, &err), CR_OK);
        c->met = sc.met;
        c->total = sc.total;
        c->percent = sc.percent;
        for (size_t k = 0; k < cat->nareas; k++)
            s->area_met[i][k] = sc.areas[k].met;
        c->area_met = s->area_met[i];
        c->eligible = eligible ? sc.tier : CR_NONE;
        c->awarded = c->eligible != CR_NONE && next_rand(&seed, 10) < 7 ? c->eligible : CR_NONE;
        c->outcomes_met = sc.outcomes_met;
        /* The peer statistics, counted as cr_peers_add does. */
        if (!eligible) {
            s->peers->excluded++;
            continue;
        }
        s->peers->applicants++;
        s->peers->regions[c->region].applicants++;
        s->peers->regions[c->region].met += sc.met;
        s->peers->bands[c->band].applicants++;
        s->peers->bands[c->band].met += sc.met;
        for (size_t k = 0; k < cat->ncriteria; k++)
            if (answers[k] == CR_ANSWER_YES) {
                s->peers->yes[k]++;
                s->peers->yes_band[k * cat->nbands + c->band]++;
            }
    }
}

static int setup(void **st)
{
    *st = layout_fixture_new(sizeof(state));
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    state *s = *st;
    cr_peers_free(s->peers);
    layout_fixture_free(s);
    return 0;
}

static cr_overview_request request(state *s, const cr_overview_city *cities, size_t n)
{
    cr_overview_request req = {.catalog = s->base.fx->catalog,
                               .peers = s->peers,
                               .cities = cities,
                               .ncities = n,
                               .excluded = EXCLUDED,
                               .cycle = 2023,
                               .spec = s->base.env.spec,
                               .strings = s->base.env.strings,
                               .fonts = s->base.env.fonts,
                               .created = CREATED};
    return req;
}

static cr_display *layout(state *s)
{
    if (!s->peers)
        make_cohort(s);
    cr_error err;
    cr_error_init(&err);
    cr_overview_request req = request(s, s->cities, NCITIES);
    cr_display *d = cr_layout_overview(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    return d;
}

static const char *pct_text(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%u%%", (unsigned)(v + 0.5));
    return buf;
}

/* A count's share of the cities as the tier chart writes it ("<1%" for a few). */
static const char *share_text(char *buf, size_t size, size_t n)
{
    double v = 100.0 * (double)n / NCITIES;
    return n && v < 0.5 ? "<1%" : pct_text(buf, size, v);
}

/* The title block and the tier distribution, written as text on page 1. */
static void test_summary(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    const cr_catalog *cat = s->base.fx->catalog;
    assert_string_equal(d->info.title, "Cohort overview 2023");
    assert_int_equal(d->info.created, CREATED);
    char *p1 = page_text(d, 0);
    assert_true(has_text(p1, "Cohort overview 2023"));
    assert_true(has_text(p1, "250 cities submitted a valid self-assessment in the 2023 cycle. "
                             "3 cities were left out because their files were invalid."));
    /* Per tier, top first: the count and share of cities qualifying, then of those awarded. */
    size_t qual[8] = {0}, award[8] = {0}, nt = cat->ntiers;
    for (size_t i = 0; i < NCITIES; i++) {
        qual[s->cities[i].eligible == CR_NONE ? nt : s->cities[i].eligible]++;
        award[s->cities[i].awarded == CR_NONE ? nt : s->cities[i].awarded]++;
    }
    assert_true(qual[nt] > 0 && qual[nt - 1] > 0 && award[0] > 0);
    char expected[512] = "Tier distribution ";
    for (size_t r = 0; r <= nt; r++) {
        size_t t = r < nt ? nt - 1 - r : nt;
        char row[160], a[16], b[16];
        snprintf(row, sizeof row, "%s Qualifies for %zu (%s) Awarded %zu (%s) ",
                 t < nt ? cat->tiers[t].name : "Not certified", qual[t],
                 share_text(a, sizeof a, qual[t]), award[t], share_text(b, sizeof b, award[t]));
        strcat(expected, row);
    }
    if (!has_text(p1, expected))
        fail_msg("page 1 lacks \"%s\":\n%s", expected, p1);
    free(p1);
    cr_display_free(d);
}

/* One bookmark per section, each to its own anchor. */
static void test_bookmarks(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    static const char *const titles[] = {"Cohort overview 2023", "Average score by practice area",
                                         "Criteria adoption", "Cities"};
    size_t n = 0;
    for (size_t i = 0; i < d->nops; i++) {
        const cr_op *o = &d->ops[i];
        if (o->kind != CR_OP_BOOKMARK)
            continue;
        assert_true(n < 4);
        assert_string_equal(o->text, titles[n]);
        assert_int_equal(o->level, 0);
        assert_int_equal(o->target, (int)n);
        n++;
    }
    assert_int_equal(n, 4);
    assert_int_equal(d->nanchors, 4);
    cr_display_free(d);
}

/* The area table: per area and overall, the average over the eligible cities of each group. */
static void test_area_table(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    const cr_catalog *cat = s->base.fx->catalog;
    size_t page = find_page(d, "Average score by practice area");
    assert_true(page != (size_t)-1);
    char *t = page_text(d, page);
    for (size_t k = 0; k <= cat->nareas; k++) {
        bool total = k == cat->nareas;
        char row[512], v[16];
        snprintf(row, sizeof row, "%s ", total ? "All criteria" : cat->areas[k].name);
        /* Columns: each region, each band, then all. */
        for (size_t g = 0; g <= cat->nregions + cat->nbands; g++) {
            unsigned long met = 0, n = 0;
            for (size_t i = 0; i < NCITIES; i++) {
                const cr_overview_city *c = &s->cities[i];
                if (c->region == CR_NONE || c->band == CR_NONE)
                    continue;
                bool in = g < cat->nregions                 ? c->region == g
                          : g < cat->nregions + cat->nbands ? c->band == g - cat->nregions
                                                            : true;
                if (!in)
                    continue;
                n++;
                met += total ? c->met : c->area_met[k];
            }
            assert_true(n > 0);
            double per = total ? (double)cat->ncriteria : (double)cat->areas[k].count;
            strcat(row, pct_text(v, sizeof v, 100.0 * (double)met / ((double)n * per)));
            strcat(row, " ");
        }
        if (!has_text(t, row))
            fail_msg("no row \"%s\" on page %zu:\n%s", row, page + 1, t);
    }
    free(t);
    cr_display_free(d);
}

/* Criteria adoption: every criterion with its shares from the peer statistics. */
static void test_criteria_table(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    const cr_catalog *cat = s->base.fx->catalog;
    char *all = page_text(d, (size_t)-1);
    const char *from = strstr(all, "Criteria adoption");
    assert_non_null(from);
    for (size_t i = 0; i < cat->ncriteria; i++) {
        const cr_criterion *c = &cat->criteria[i];
        char row[512], v[16];
        snprintf(row, sizeof row, "%s%s %s %s ", c->code, c->core ? "**" : "", c->name,
                 pct_text(v, sizeof v, cr_peers_share(s->peers, i, CR_NONE)));
        for (size_t b = 0; b < cat->nbands; b++) {
            strcat(row, pct_text(v, sizeof v, cr_peers_share(s->peers, i, b)));
            strcat(row, " ");
        }
        if (!has_text(from, row))
            fail_msg("no criteria row \"%s\"", row);
    }
    free(all);
    cr_display_free(d);
}

/* The cities, sorted by name with accents folded, continued over pages with the header. */
static void test_city_table(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    size_t header = (size_t)-1, first_page;
    for (size_t i = 0; i < d->nops; i++)
        if (d->ops[i].kind == CR_OP_BOOKMARK && strcmp(d->ops[i].text, "Cities") == 0)
            header = i;
    assert_true(header != (size_t)-1);
    first_page = op_page(d, header);
    /* The first row after the header is the first city by name, the last is the last. */
    size_t awarded = find_op(d, header, "Awarded");
    assert_true(awarded != (size_t)-1);
    size_t next = awarded + 1;
    while (d->ops[next].kind != CR_OP_TEXT)
        next++;
    assert_string_equal(d->ops[next].text, "Aguascalientes");
    size_t last = (size_t)-1;
    for (size_t i = d->nops; i-- > 0;)
        if (d->ops[i].kind == CR_OP_TEXT && d->ops[i].face == CR_FACE_BOLD &&
            d->ops[i].x == d->ops[next].x && d->ops[i].size == d->ops[next].size) {
            last = i;
            break;
        }
    assert_true(last != (size_t)-1);
    assert_string_equal(d->ops[last].text, "Zacatecas");
    assert_true(op_page(d, last) > first_page + 3);
    size_t nashua = find_op(d, header, "Nashua"), nunoa = find_op(d, header, "Ñuñoa"),
           oak = find_op(d, header, "Oakville");
    assert_true(nashua < nunoa && nunoa < oak && oak != (size_t)-1);
    /* Every page after the first of the table starts with "Cities (continued)" and the header. */
    size_t continued = 0;
    for (size_t p = first_page + 1; p <= op_page(d, last); p++) {
        size_t i = 0;
        while (i < d->nops && !(d->ops[i].kind == CR_OP_TEXT && op_page(d, i) == p))
            i++;
        assert_true(i < d->nops);
        assert_string_equal(d->ops[i].text, "Cities (continued)");
        size_t h = i + 1;
        while (d->ops[h].kind != CR_OP_TEXT)
            h++;
        assert_string_equal(d->ops[h].text, "City");
        assert_int_equal(op_page(d, h), p);
        assert_true(d->ops[h].y > d->ops[i].y);
        continued++;
    }
    assert_true(continued >= 4);
    /* Each city once. */
    for (size_t i = 0; i < NCITIES; i++)
        assert_true(find_op(d, header, s->names[i]) != (size_t)-1);
    cr_display_free(d);
}

/* Every text inside the margins (running header and footer in theirs), none overlapping. */
static void test_geometry(void **st)
{
    state *s = *st;
    cr_display *d = layout(s);
    check_geometry(d, &s->base.env);
    write_pdf(d, s->base.env.fonts, CR_TEST_TMP "/overview.pdf");
    cr_display_free(d);
}

/* No city: a whole document, with dashes for the empty groups. */
static void test_empty_cohort(void **st)
{
    state *s = *st;
    if (!s->peers)
        make_cohort(s);
    cr_error err;
    cr_error_init(&err);
    cr_peers *none = cr_peers_new(s->base.fx->catalog, &err);
    assert_non_null(none);
    cr_overview_request req = request(s, NULL, 0);
    req.peers = none;
    cr_display *d = cr_layout_overview(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    char *t = page_text(d, (size_t)-1);
    assert_true(has_text(
        t, "No city submitted a valid self-assessment in the 2023 cycle. 3 cities were left out"));
    assert_true(has_text(t, "Data Management – – – – – – – –"));
    assert_true(has_text(t, "Not certified Qualifies for 0 (0%) Awarded 0 (0%)"));
    free(t);
    write_pdf(d, s->base.env.fonts, CR_TEST_TMP "/overview-empty.pdf");
    cr_display_free(d);
    cr_peers_free(none);
}

/* A city whose process has not reached certification shows "In review", not "Not certified". */
static void test_in_review(void **st)
{
    state *s = *st;
    if (!s->peers)
        make_cohort(s);
    cr_overview_city two[2] = {s->cities[0], s->cities[1]};
    two[0].name = "Aardvark City";
    two[0].awarded = CR_NONE;
    two[0].in_review = true;
    two[1].name = "Zebra Town";
    two[1].awarded = CR_NONE;
    two[1].in_review = false;
    cr_error err;
    cr_error_init(&err);
    cr_overview_request req = request(s, two, 2);
    cr_display *d = cr_layout_overview(&req, &err);
    assert_no_error(&err);
    assert_non_null(d);
    char *t = page_text(d, (size_t)-1);
    const char *a = strstr(t, "Aardvark City"), *z = strstr(t, "Zebra Town");
    assert_non_null(a);
    assert_non_null(z);
    const char *review = strstr(a, "In review");
    assert_non_null(review);
    assert_true(review < z); /* on Aardvark's row, not Zebra's */
    assert_null(strstr(z, "In review"));
    assert_non_null(strstr(z, "Not certified"));
    free(t);
    cr_display_free(d);
}

/* A name no font can draw is drawn with placeholders, never refused (its real text kept);
 * indices outside the catalog are a usage error. */
static void test_refused(void **st)
{
    state *s = *st;
    if (!s->peers)
        make_cohort(s);
    cr_overview_city c[2] = {s->cities[10], s->cities[11]};
    c[1].name = "Łódź 東京";
    cr_error err;
    cr_error_init(&err);
    cr_overview_request req = request(s, c, 2);
    cr_display *d = cr_layout_overview(&req, &err);
    assert_non_null(d);
    assert_int_equal(err.code, CR_OK);
    bool placeholder = false;
    for (size_t i = 0; i < d->nops; i++)
        placeholder |= d->ops[i].kind == CR_OP_TEXT && d->ops[i].font == CR_FONT_PLACEHOLDER &&
                       strcmp(d->ops[i].text, "東京") == 0;
    assert_true(placeholder);
    cr_display_free(d);

    c[1] = s->cities[11];
    c[1].band = s->base.fx->catalog->nbands;
    cr_error_init(&err);
    assert_null(cr_layout_overview(&req, &err));
    assert_int_equal(err.code, CR_EUSAGE);
    assert_non_null(strstr(err.message, c[1].id));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),      cmocka_unit_test(test_bookmarks),
        cmocka_unit_test(test_area_table),   cmocka_unit_test(test_criteria_table),
        cmocka_unit_test(test_city_table),   cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_empty_cohort), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_in_review),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
