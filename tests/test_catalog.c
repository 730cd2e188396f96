/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the catalog loader, on the shipped edition and on broken copies of it. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The shipped catalog with the first |from| replaced by |to|. */
static char *patched(const char *from, const char *to)
{
    char *src = slurp(CR_TEST_ASSETS "/catalog-2023.xml");
    char *at = strstr(src, from);
    if (!at)
        fail_msg("fixture text not found: %s", from);
    size_t n = strlen(src) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - src), src, to, at + strlen(from));
    free(src);
    return out;
}

/* Loads a patched catalog and returns its error; asserts it failed. */
static cr_error load_patched(void **state, const char *from, const char *to)
{
    fixture *f = *state;
    char *text = patched(from, to);
    cr_error err;
    cr_error_init(&err);
    cr_catalog *cat = cr_catalog_parse(text, strlen(text), "patched.xml", f->schemas, &err);
    assert_null(cat);
    free(text);
    return err;
}

static void test_shipped_edition(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_string_equal(cat->edition, "2023");
    assert_int_equal(cat->ncriteria, 43);
    assert_int_equal(cat->nareas, 8);
    static const char *const codes[] = {"DM", "EVAL", "LC", "OD", "PA", "BF", "RDC", "SI"};
    static const size_t counts[] = {9, 4, 7, 4, 5, 3, 8, 3};
    size_t first = 0;
    for (size_t a = 0; a < 8; a++) {
        assert_string_equal(cat->areas[a].code, codes[a]);
        assert_int_equal(cat->areas[a].count, counts[a]);
        assert_int_equal(cat->areas[a].first, first);
        assert_true(strlen(cat->areas[a].description) > 40);
        for (size_t i = 0; i < counts[a]; i++) {
            char code[48];
            snprintf(code, sizeof code, "%s%zu", codes[a], i + 1);
            assert_string_equal(cat->criteria[first + i].code, code);
            assert_int_equal(cat->criteria[first + i].area, a);
            /* Statements read as sentences, whitespace collapsed. */
            const char *st = cat->criteria[first + i].statement;
            assert_true(strlen(st) > 40);
            assert_int_equal(st[strlen(st) - 1], '.');
            assert_null(strstr(st, "  "));
            assert_null(strchr(st, '\n'));
        }
        first += counts[a];
    }
    size_t ncore = 0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        ncore += cat->criteria[i].core;
    assert_int_equal(ncore, 3);
    assert_true(cat->criteria[cr_catalog_criterion(cat, "DM1")].core);
    assert_true(cat->criteria[cr_catalog_criterion(cat, "LC1")].core);
    assert_true(cat->criteria[cr_catalog_criterion(cat, "PA1")].core);
}

static void test_shipped_tiers_and_outcomes(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_int_equal(cat->ntiers, 3);
    assert_string_equal(cat->tiers[0].id, "silver");
    assert_int_equal(cat->tiers[0].percent, 51);
    assert_int_equal(cat->tiers[0].min_outcomes, 1);
    assert_string_equal(cat->tiers[1].id, "gold");
    assert_int_equal(cat->tiers[1].percent, 68);
    assert_string_equal(cat->tiers[2].id, "platinum");
    assert_int_equal(cat->tiers[2].percent, 85);
    assert_int_equal(cat->tiers[2].min_outcomes, CR_ALL_OUTCOMES);
    assert_int_equal(cat->tiers[2].nrequires, 1);
    assert_string_equal(cat->criteria[cat->tiers[2].requires[0]].code, "DM8");
    assert_int_equal(cat->verification_percent, 50);
    assert_int_equal(cat->noutcomes, 3);
    const cr_outcome_def *bb = &cat->outcomes[cr_catalog_outcome(cat, "broadband")];
    assert_int_equal(bb->rule, CR_RULE_AT_LEAST);
    assert_true(bb->standard == 75.0);
    const cr_outcome_def *pm = &cat->outcomes[cr_catalog_outcome(cat, "pm25")];
    assert_int_equal(pm->rule, CR_RULE_AT_MOST);
    assert_true(pm->standard == 10.0);
    assert_int_equal(cat->outcomes[cr_catalog_outcome(cat, "nominated")].rule, CR_RULE_VERDICT);
}

static void test_regions_and_bands(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_string_equal(cat->regions[cr_catalog_region(cat, "US")].name, "United States");
    assert_string_equal(cat->regions[cr_catalog_region(cat, "CA")].name, "Canada");
    assert_string_equal(cat->regions[cr_catalog_region(cat, "MX")].name, "Latin America");
    assert_string_equal(cat->regions[cr_catalog_region(cat, "BR")].name, "Latin America");
    assert_string_equal(cat->regions[cr_catalog_region(cat, "JM")].name, "Latin America");
    assert_true(cr_catalog_region(cat, "FR") == CR_NONE);
    assert_true(cr_catalog_region(cat, "ES") == CR_NONE);
    assert_int_equal(cat->min_population, 30000);
    assert_true(cr_catalog_band_of(cat, 29999) == CR_NONE);
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 30000)].id, "30K-100K");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 99999)].id, "30K-100K");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 100000)].id, "100K-250K");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 250000)].id, "250K-500K");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 499999)].id, "250K-500K");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 500000)].id, "500K+");
    assert_string_equal(cat->bands[cr_catalog_band_of(cat, 20000000)].id, "500K+");
}

static void test_duplicate_criterion(void **state)
{
    cr_error err = load_patched(state, "code=\"DM2\"", "code=\"DM1\"");
    assert_input_error(&err, 0, "duplicate criterion code: DM1");
    assert_true(err.line > 1);
}

static void test_tier_requires_unknown(void **state)
{
    cr_error err = load_patched(state, "requires=\"DM8\"", "requires=\"DM99\"");
    assert_input_error(&err, 0, "unknown criterion: DM99");
}

static void test_tiers_must_ascend(void **state)
{
    cr_error err = load_patched(state, "percent=\"68\"", "percent=\"50\"");
    assert_input_error(&err, 0, "ascending");
}

static void test_bands_must_not_overlap(void **state)
{
    cr_error err = load_patched(state, "min=\"100000\"", "min=\"90000\"");
    assert_input_error(&err, 0, "overlapping");
}

static void test_country_in_two_regions(void **state)
{
    cr_error err = load_patched(state, "countries=\"CA\"", "countries=\"CA US\"");
    assert_input_error(&err, 0, "two regions");
}

static void test_missing_areas(void **state)
{
    /* Rename the areas element: the schema says what is missing. */
    fixture *f = *state;
    char *text = patched("<areas>", "<areaz>");
    char *end = strstr(text, "</areas>");
    assert_non_null(end);
    memcpy(end, "</areaz>", 8);
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_catalog_parse(text, strlen(text), "patched.xml", f->schemas, &err));
    assert_input_error(&err, 0, "areaz");
    free(text);
}

static void test_area_without_criteria(void **state)
{
    cr_error err =
        load_patched(state, "<area code=\"SI\"",
                     "<area code=\"XX\" "
                     "name=\"Empty\"><description>None.</description></area><area code=\"SI\"");
    assert_input_error(&err, 0, "Missing child element");
}

static void test_numeric_outcome_needs_standard(void **state)
{
    cr_error err = load_patched(state, "rule=\"at-most\" standard=\"10\"", "rule=\"at-most\"");
    assert_input_error(&err, 0, "needs a standard");
}

static void test_min_outcomes_too_many(void **state)
{
    cr_error err = load_patched(state, "percent=\"51\" min-outcomes=\"1\"",
                                "percent=\"51\" min-outcomes=\"4\"");
    assert_input_error(&err, 0, "more than the catalog's outcomes");
}

static void test_missing_catalog_file(void **state)
{
    fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_catalog_load(CR_TEST_DATA "/no-such-catalog.xml", f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_string_equal(err.file, CR_TEST_DATA "/no-such-catalog.xml");
}

static void test_missing_schemas(void **state)
{
    (void)state;
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_schemas_load(CR_TEST_DATA "/no-such-dir", &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "schema not found"));
}

/* ---- translations of the texts (cr_catalog_translate) ---- */

/* |s| escaped for XML text and attributes, in one of 4 rotating buffers (test code). */
static const char *E(const char *s)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4], *w = b;
    for (; *s && w < b + sizeof bufs[0] - 8; s++) {
        const char *r = *s == '&'   ? "&amp;"
                        : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;"
                        : *s == '"' ? "&quot;"
                                    : NULL;
        if (r)
            w += sprintf(w, "%s", r);
        else
            *w++ = *s;
    }
    *w = '\0';
    return b;
}

/* Writes a translation of |cat| where every text is "T:" + the English, with |skip| (an id) left
 * out, |extra| (raw XML) added at the end and |edition| in the root. Returns the path. */
static const char *write_translation(const cr_catalog *cat, const char *skip, const char *extra,
                                     const char *edition)
{
    static const char path[] = CR_TEST_TMP "/catalog-text-test.xml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(
        f,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog-text edition=\"%s\" lang=\"xx\">\n",
        edition);
    for (size_t i = 0; i < cat->nregions; i++)
        fprintf(f, "<region id=\"%s\" name=\"T:%s\"/>\n", cat->regions[i].id,
                E(cat->regions[i].name));
    for (size_t i = 0; i < cat->nbands; i++)
        fprintf(f, "<band id=\"%s\" name=\"T:%s\"/>\n", cat->bands[i].id, E(cat->bands[i].name));
    for (size_t i = 0; i < cat->ntiers; i++) {
        fprintf(f, "<tier id=\"%s\" name=\"T:%s\">", cat->tiers[i].id, E(cat->tiers[i].name));
        if (cat->tiers[i].description && (!skip || strcmp(skip, cat->tiers[i].id) != 0))
            fprintf(f, "<description>T:%s</description>", E(cat->tiers[i].description));
        fprintf(f, "</tier>\n");
    }
    for (size_t i = 0; i < cat->noutcomes; i++)
        fprintf(f,
                "<outcome id=\"%s\" "
                "name=\"T:%s\"><indicator>T:%s</indicator><standard-text>T:%s</standard-text></"
                "outcome>\n",
                cat->outcomes[i].id, E(cat->outcomes[i].name), E(cat->outcomes[i].indicator),
                E(cat->outcomes[i].standard_text));
    for (size_t i = 0; i < cat->nareas; i++)
        fprintf(f, "<area code=\"%s\" name=\"T:%s\"><description>T:%s</description></area>\n",
                cat->areas[i].code, E(cat->areas[i].name), E(cat->areas[i].description));
    for (size_t i = 0; i < cat->ncriteria; i++)
        if (!skip || strcmp(skip, cat->criteria[i].code) != 0)
            fprintf(
                f, "<criterion code=\"%s\" name=\"T:%s\"><statement>T:%s</statement></criterion>\n",
                cat->criteria[i].code, E(cat->criteria[i].name), E(cat->criteria[i].statement));
    fprintf(f, "%s</catalog-text>\n", extra ? extra : "");
    fclose(f);
    return path;
}

static cr_catalog *fresh_catalog(const fixture *f)
{
    cr_error err;
    cr_error_init(&err);
    cr_catalog *cat = cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", f->schemas, &err);
    assert_non_null(cat);
    return cat;
}

/* Outcome data sources: the region's own link, else the one for every region, else none. */
static void test_outcome_sources(void **state)
{
    fixture *f = *state;
    const cr_catalog *cat = f->catalog;
    size_t us = cr_catalog_region_by_id(cat, "us"), ca = cr_catalog_region_by_id(cat, "ca");
    size_t bb = cr_catalog_outcome(cat, "broadband"), nom = cr_catalog_outcome(cat, "nominated");
    assert_non_null(cr_catalog_outcome_source(cat, bb, us));
    assert_non_null(strstr(cr_catalog_outcome_source(cat, bb, us), "census.gov"));
    assert_null(cr_catalog_outcome_source(cat, bb, ca));
    assert_null(cr_catalog_outcome_source(cat, bb, CR_NONE));
    assert_non_null(cr_catalog_outcome_source(cat, nom, ca));
    assert_non_null(cr_catalog_outcome_source(cat, nom, CR_NONE));
    assert_non_null(cat->tiers[0].description);
}

static void test_translate(void **state)
{
    fixture *f = *state;
    const char *path = write_translation(f->catalog, NULL, NULL, f->catalog->edition);
    cr_catalog *cat = fresh_catalog(f);
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_catalog_translate(cat, path, f->schemas, &err), CR_OK);
    char want[2048];
    snprintf(want, sizeof want, "T:%s", f->catalog->criteria[0].name);
    assert_string_equal(cat->criteria[0].name, want);
    snprintf(want, sizeof want, "T:%s", f->catalog->criteria[42].statement);
    assert_string_equal(cat->criteria[42].statement, want);
    snprintf(want, sizeof want, "T:%s", f->catalog->areas[7].description);
    assert_string_equal(cat->areas[7].description, want);
    snprintf(want, sizeof want, "T:%s", f->catalog->tiers[1].name);
    assert_string_equal(cat->tiers[1].name, want);
    snprintf(want, sizeof want, "T:%s", f->catalog->tiers[2].description);
    assert_string_equal(cat->tiers[2].description, want);
    snprintf(want, sizeof want, "T:%s", f->catalog->outcomes[2].standard_text);
    assert_string_equal(cat->outcomes[2].standard_text, want);
    assert_string_equal(cat->lang, "xx");
    /* Codes, ids and rules are the catalog's own: scoring is unchanged. */
    assert_string_equal(cat->criteria[0].code, f->catalog->criteria[0].code);
    assert_int_equal(cat->tiers[2].percent, f->catalog->tiers[2].percent);
    cr_answer answers[CR_MAX_LIST];
    bool met[CR_MAX_LIST] = {true};
    for (size_t i = 0; i < cat->ncriteria; i++)
        answers[i] = i % 3 ? CR_ANSWER_YES : CR_ANSWER_NO;
    cr_scorecard a, b;
    assert_int_equal(cr_score_answers(cat, answers, met, &a, &err), CR_OK);
    assert_int_equal(cr_score_answers(f->catalog, answers, met, &b, &err), CR_OK);
    assert_int_equal(a.met, b.met);
    assert_int_equal(a.tier, b.tier);
    cr_catalog_free(cat);
}

/* A translation that misses one text, adds an unknown one, repeats one or is of another edition
 * is refused with the file, line and id. */
static void test_translate_refused(void **state)
{
    fixture *f = *state;
    struct {
        const char *skip, *extra, *edition, *needle;
    } cases[] = {
        {"RDC4", NULL, "2023", "no translation of: RDC4"},
        {"gold", NULL, "2023", "no translation of the description of tier: gold"},
        {NULL, "<criterion code=\"ZZ9\" name=\"x\"><statement>x</statement></criterion>\n", "2023",
         "not in the catalog: ZZ9"},
        {NULL, "<criterion code=\"DM1\" name=\"x\"><statement>x</statement></criterion>\n", "2023",
         "translated twice: DM1"},
        {NULL, NULL, "2019", "translation of edition 2019"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *path =
            write_translation(f->catalog, cases[k].skip, cases[k].extra, cases[k].edition);
        cr_catalog *cat = fresh_catalog(f);
        cr_error err;
        cr_error_init(&err);
        assert_int_equal(cr_catalog_translate(cat, path, f->schemas, &err), CR_EINPUT);
        if (!strstr(err.message, cases[k].needle))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", k, err.message, cases[k].needle);
        assert_string_equal(err.file, path);
        cr_catalog_free(cat);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_edition),
        cmocka_unit_test(test_shipped_tiers_and_outcomes),
        cmocka_unit_test(test_regions_and_bands),
        cmocka_unit_test(test_duplicate_criterion),
        cmocka_unit_test(test_tier_requires_unknown),
        cmocka_unit_test(test_tiers_must_ascend),
        cmocka_unit_test(test_bands_must_not_overlap),
        cmocka_unit_test(test_country_in_two_regions),
        cmocka_unit_test(test_missing_areas),
        cmocka_unit_test(test_area_without_criteria),
        cmocka_unit_test(test_numeric_outcome_needs_standard),
        cmocka_unit_test(test_min_outcomes_too_many),
        cmocka_unit_test(test_missing_catalog_file),
        cmocka_unit_test(test_missing_schemas),
        cmocka_unit_test(test_translate),
        cmocka_unit_test(test_outcome_sources),
        cmocka_unit_test(test_translate_refused),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
