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
    cr_error err = load_patched(state, "<area code=\"SI\"", "<area code=\"XX\" name=\"Empty\"><description>None.</description></area><area code=\"SI\"");
    assert_input_error(&err, 0, "Missing child element");
}

static void test_numeric_outcome_needs_standard(void **state)
{
    cr_error err = load_patched(state, "rule=\"at-most\" standard=\"10\"", "rule=\"at-most\"");
    assert_input_error(&err, 0, "needs a standard");
}

static void test_min_outcomes_too_many(void **state)
{
    cr_error err = load_patched(state, "percent=\"51\" min-outcomes=\"1\"", "percent=\"51\" min-outcomes=\"4\"");
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
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
