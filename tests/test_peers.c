/* certreport tests: peer statistics over the sample cohort, the peers file round trip, and
 * broken peers files. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cr_peers *sample_stats(fixture *f)
{
    cr_error err;
    cr_error_init(&err);
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    assert_no_error(&err);
    assert_int_equal(c->n, 11);
    assert_string_equal(c->entries[0].id, "bogota"); /* sorted */
    size_t failed = 99;
    cr_peers *p = cr_cohort_stats(c, f->catalog, f->schemas, false, &failed, &err);
    assert_no_error(&err);
    assert_non_null(p);
    assert_int_equal(failed, 0);
    cr_cohort_free(c);
    return p;
}

static const cr_peer_group *region(const cr_peers *p, const char *id)
{
    size_t r = cr_catalog_region_by_id(p->catalog, id);
    assert_true(r != CR_NONE);
    return &p->regions[r];
}

static const cr_peer_group *band(const cr_peers *p, const char *id)
{
    size_t b = cr_catalog_band(p->catalog, id);
    assert_true(b != CR_NONE);
    return &p->bands[b];
}

/* Values from EXPECTED.md: US 31+39+25+22, Canada 26+32, Latin America 24+31+12+37;
 * small-town (24,000 people) is left out. */
static void check_sample_stats(const cr_peers *p)
{
    assert_int_equal(p->applicants, 10);
    assert_int_equal(p->excluded, 1);
    assert_int_equal(region(p, "us")->applicants, 4);
    assert_int_equal(region(p, "us")->met, 117);
    assert_int_equal(region(p, "ca")->applicants, 2);
    assert_int_equal(region(p, "ca")->met, 58);
    assert_int_equal(region(p, "latam")->applicants, 4);
    assert_int_equal(region(p, "latam")->met, 104);
    assert_true(fabs(cr_peers_average(p, region(p, "us")) - 100.0 * 117 / (4 * 43)) < 1e-9);
    assert_int_equal(band(p, "30K-100K")->applicants, 1);
    assert_int_equal(band(p, "100K-250K")->applicants, 1);
    assert_int_equal(band(p, "250K-500K")->applicants, 1);
    assert_int_equal(band(p, "500K+")->applicants, 7);
    assert_int_equal(band(p, "500K+")->met, 39 + 24 + 31 + 26 + 32 + 12 + 37);
}

static void test_sample_cohort(void **state)
{
    fixture *f = *state;
    cr_peers *p = sample_stats(f);
    check_sample_stats(p);
    /* Cross-check the per-criterion shares against the cities themselves. */
    cr_error err;
    cr_error_init(&err);
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, &err);
    size_t dm1 = cr_catalog_criterion(f->catalog, "DM1"), b500 = cr_catalog_band(f->catalog, "500K+");
    unsigned yes = 0, yes500 = 0, n500 = 0;
    for (size_t i = 0; i < c->n; i++) {
        cr_assessment a;
        assert_int_equal(cr_cohort_load(&c->entries[i], &a, f->catalog, f->schemas, &err), CR_OK);
        if (a.score.eligibility == CR_ELIGIBLE) {
            bool y = a.audited->criteria[dm1].answer == CR_ANSWER_YES;
            yes += y;
            if (a.score.band == b500)
                yes500 += y, n500++;
        }
        cr_assessment_free(&a);
    }
    cr_cohort_free(c);
    assert_int_equal(p->yes[dm1], yes);
    assert_true(fabs(cr_peers_share(p, dm1, CR_NONE) - 100.0 * yes / 10) < 1e-9);
    assert_true(fabs(cr_peers_share(p, dm1, b500) - 100.0 * yes500 / n500) < 1e-9);
    cr_peers_free(p);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    cr_peers *p = sample_stats(f);
    const char *path = CR_TEST_TMP "/round-trip.peers.xml";
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_peers_save(p, path, &err), CR_OK);
    cr_peers *q = cr_peers_load(path, f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(q);
    check_sample_stats(q);
    const cr_catalog *cat = f->catalog;
    assert_memory_equal(p->yes, q->yes, cat->ncriteria * sizeof *p->yes);
    assert_memory_equal(p->yes_band, q->yes_band, cat->ncriteria * cat->nbands * sizeof *p->yes_band);
    assert_memory_equal(p->regions, q->regions, cat->nregions * sizeof *p->regions);
    assert_memory_equal(p->bands, q->bands, cat->nbands * sizeof *p->bands);
    /* The JSON views agree too. */
    char *a = cr_peers_json(p, &err), *b = cr_peers_json(q, &err);
    assert_non_null(a);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"United States\""));
    free(a);
    free(b);
    cr_peers_free(q);
    cr_peers_free(p);
    unlink(path);
}

/* Saves the sample stats, replaces |from| with |to| in the file, loads it and returns the error. */
static cr_error load_edited(void **state, const char *from, const char *to)
{
    fixture *f = *state;
    cr_peers *p = sample_stats(f);
    char *json = NULL;
    (void)json;
    const char *path = CR_TEST_TMP "/edited.peers.xml";
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_peers_save(p, path, &err), CR_OK);
    cr_peers_free(p);
    FILE *in = fopen(path, "rb");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, in);
    fclose(in);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    if (!at)
        fail_msg("text not in the peers file: %s", from);
    FILE *out = fopen(path, "wb");
    fprintf(out, "%.*s%s%s", (int)(at - buf), buf, to, at + strlen(from));
    fclose(out);
    assert_null(cr_peers_load(path, f->catalog, f->schemas, &err));
    unlink(path);
    return err;
}

static void test_wrong_edition(void **state)
{
    cr_error err = load_edited(state, "edition=\"2023\"", "edition=\"2019\"");
    assert_input_error(&err, 3, "another edition");
}

static void test_counts_must_add_up(void **state)
{
    cr_error err = load_edited(state, "applicants=\"10\"", "applicants=\"11\"");
    assert_input_error(&err, 0, "do not add up");
}

static void test_share_above_applicants(void **state)
{
    cr_error err = load_edited(state, "<criterion code=\"DM1\" yes=\"", "<criterion code=\"DM1\" yes=\"9");
    assert_input_error(&err, 0, "larger than the applicants");
}

static void test_missing_criterion(void **state)
{
    cr_error err = load_edited(state, "code=\"DM2\"", "code=\"DM9\"");
    assert_input_error(&err, 0, "expected criterion DM2");
}

static void test_save_into_missing_dir(void **state)
{
    fixture *f = *state;
    cr_peers *p = sample_stats(f);
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_peers_save(p, CR_TEST_TMP "/no/such/dir/peers.xml", &err), CR_EIO);
    assert_non_null(strstr(err.message, "cannot write"));
    cr_peers_free(p);
}

static void test_skip_invalid(void **state)
{
    /* A cohort with one broken city: strict mode gives nothing, skip mode counts the rest. */
    fixture *f = *state;
    char dir[] = CR_TEST_TMP "/cohortXXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp %s/*.xml %s/ && printf '<submission' > %s/broken.submission.xml",
             CR_TEST_SAMPLES, dir, dir);
    assert_int_equal(system(cmd), 0);
    cr_error err;
    cr_error_init(&err);
    cr_cohort *c = cr_cohort_scan(dir, &err);
    assert_non_null(c);
    size_t failed = 0;
    assert_null(cr_cohort_stats(c, f->catalog, f->schemas, false, &failed, &err));
    assert_int_equal(failed, 1);
    assert_non_null(strstr(err.file, "broken.submission.xml"));
    cr_error_init(&err);
    cr_peers *p = cr_cohort_stats(c, f->catalog, f->schemas, true, &failed, &err);
    assert_non_null(p);
    assert_int_equal(failed, 1);
    check_sample_stats(p);
    cr_peers_free(p);
    cr_cohort_free(c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_cohort),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_edition),
        cmocka_unit_test(test_counts_must_add_up),
        cmocka_unit_test(test_share_above_applicants),
        cmocka_unit_test(test_missing_criterion),
        cmocka_unit_test(test_save_into_missing_dir),
        cmocka_unit_test(test_skip_invalid),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
