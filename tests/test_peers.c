/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: peer statistics over the sample cohort, the peers file round trip, and
 * broken peers files. */
#include "testutil.h"
#include "cohort_compact.h"
#include "digest.h"

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
    assert_int_equal(c->skipped, 0); /* EXPECTED.md is no city file and not an .xml */
    assert_int_equal(err.warnings, 0);
    cr_peers *p = cr_cohort_stats(c, f->catalog, f->schemas, NULL, &err);
    assert_no_error(&err);
    assert_non_null(p);
    assert_true(p->recorded);
    assert_int_equal(p->cities, 11);
    assert_int_equal(p->used, 11);
    assert_int_equal(p->nleft_out, 0);
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
    size_t dm1 = cr_catalog_criterion(f->catalog, "DM1"),
           b500 = cr_catalog_band(f->catalog, "500K+");
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
    assert_memory_equal(p->yes_band, q->yes_band,
                        cat->ncriteria * cat->nbands * sizeof *p->yes_band);
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
    cr_error err =
        load_edited(state, "<criterion code=\"DM1\" yes=\"", "<criterion code=\"DM1\" yes=\"9");
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

/* Collects what a sink is handed. */
typedef struct seen {
    unsigned errors, warnings;
    char text[8][600];
} seen;

static void collect(void *data, const cr_error *problem)
{
    seen *s = data;
    unsigned n = s->errors + s->warnings;
    if (n < 8)
        cr_error_format(problem, s->text[n], sizeof s->text[n]);
    if (problem->warning)
        s->warnings++;
    else
        s->errors++;
}

static bool seen_has(const seen *s, const char *needle)
{
    for (unsigned i = 0; i < s->errors + s->warnings && i < 8; i++)
        if (strstr(s->text[i], needle))
            return true;
    return false;
}

static bool never_cancel(void *data)
{
    unsigned *asked = data;
    (*asked)++;
    return false;
}

static bool cancel_at_once(void *data)
{
    (void)data;
    return true;
}

/* A temporary cohort folder (|dir|: a mkdtemp template): the sample cohort's files, an invalid
 * city (broken), then |more|, a shell command run in the folder that adds what the test wants. */
static void temp_cohort(char *dir, const char *more)
{
    assert_non_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cp %s/*.xml %s/ && cd %s && printf '<submission' > broken.submission.xml && %s",
             CR_TEST_SAMPLES, dir, dir, more);
    assert_int_equal(system(cmd), 0);
}

static void remove_tree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* The one rule for a cohort folder: the samples plus one invalid city, an orphan audit log, a
 * FIFO and a folder named like submissions, and an unknown .xml: statistics over the valid
 * cities, every oddity a warning naming DIR/NAME, the invalid city listed and recorded (peers
 * file and JSON), nothing waited on. */
static void test_skip_invalid(void **state)
{
    fixture *f = *state;
    char dir[] = CR_TEST_TMP "/cohortXXXXXX";
    temp_cohort(dir, "cp bogota.audit.xml orphan.audit.xml && mkfifo fifo.submission.xml && "
                     "mkdir x.submission.xml && echo '<a/>' > notes.xml && echo hi > README");
    cr_error err;
    cr_error_init(&err);
    seen got = {0};
    err.sink = collect;
    err.sink_data = &got;
    cr_cohort *c = cr_cohort_scan(dir, &err);
    assert_non_null(c);
    assert_int_equal(err.code, CR_OK);
    assert_int_equal(c->n, 12); /* the samples and broken */
    assert_int_equal(c->skipped, 4);
    assert_int_equal(got.warnings, 4);
    assert_int_equal(got.errors, 0);
    char want[4200];
    snprintf(want, sizeof want,
             "%s/fifo.submission.xml: warning: is a FIFO, not a regular file; skipped", dir);
    assert_true(seen_has(&got, want));
    snprintf(want, sizeof want,
             "%s/x.submission.xml: warning: is a folder, not a regular file; skipped", dir);
    assert_true(seen_has(&got, want));
    snprintf(want, sizeof want, "%s/orphan.audit.xml: warning: an audit log without its submission",
             dir);
    assert_true(seen_has(&got, want));
    snprintf(want, sizeof want, "%s/notes.xml: warning: not a city's file", dir);
    assert_true(seen_has(&got, want));

    memset(&got, 0, sizeof got);
    unsigned asked = 0;
    cr_cohort_run run = {.cancelled = never_cancel, .data = &asked};
    cr_peers *p = cr_cohort_stats(c, f->catalog, f->schemas, &run, &err);
    assert_non_null(p);
    assert_int_equal(err.code, CR_OK); /* a city left out is not the run's failure */
    assert_int_equal(asked, 12);       /* asked before every city */
    assert_int_equal(got.errors, 1);   /* ... but it is listed, as file:line: message */
    snprintf(want, sizeof want, "%s/broken.submission.xml:1: ", dir);
    assert_true(seen_has(&got, want));
    check_sample_stats(p);
    assert_int_equal(p->cities, 12);
    assert_int_equal(p->used, 11);
    assert_int_equal(p->nleft_out, 1);
    assert_string_equal(p->left_out[0], "broken");
    char *line = cr_cohort_summary(p);
    assert_string_equal(line,
                        "peer statistics over 11 of 12 cities; left out (invalid files): broken");
    free(line);

    /* Recorded in the peers file and its JSON, and read back. */
    const char *path = CR_TEST_TMP "/left-out.peers.xml";
    assert_int_equal(cr_peers_save(p, path, &err), CR_OK);
    cr_peers *q = cr_peers_load(path, f->catalog, f->schemas, &err);
    assert_non_null(q);
    assert_true(q->recorded);
    assert_int_equal(q->cities, 12);
    assert_int_equal(q->used, 11);
    assert_int_equal(q->nleft_out, 1);
    assert_string_equal(q->left_out[0], "broken");
    char *a = cr_peers_json(p, &err), *b = cr_peers_json(q, &err);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\"cohort\": {\n    \"cities\": 12,\n    \"used\": 11,\n    "
                              "\"left_out\": [\n      \"broken\"\n    ]\n  }"));
    free(a);
    free(b);
    cr_peers_free(q);
    unlink(path);
    cr_peers_free(p);

    /* Cancelled: stops before the first city, nothing computed. */
    cr_error_init(&err);
    run.cancelled = cancel_at_once;
    assert_null(cr_cohort_stats(c, f->catalog, f->schemas, &run, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "interrupted"));
    cr_cohort_free(c);
    remove_tree(dir);
}

/* The compact listing (the batch's) is the same cohort: the same cities in the same order, the
 * same paths made again from the folder and the id, the same warnings in the same order, and the
 * same statistics, on one thread and on two. */
static void test_compact_scan(void **state)
{
    fixture *f = *state;
    char dir[] = CR_TEST_TMP "/compactXXXXXX";
    temp_cohort(dir, "cp bogota.audit.xml orphan.audit.xml && mkfifo fifo.submission.xml && "
                     "cp bogota.audit.xml 'bad id.audit.xml' && echo '<a/>' > notes.xml");
    cr_error err, cerr;
    cr_error_init(&err);
    cr_error_init(&cerr);
    seen got = {0}, cgot = {0};
    err.sink = collect;
    err.sink_data = &got;
    cerr.sink = collect;
    cerr.sink_data = &cgot;
    cr_cohort *c = cr_cohort_scan(dir, &err);
    cr_cohort *k = cr_cohort_scan_compact(dir, &cerr);
    assert_non_null(c);
    assert_non_null(k);
    assert_null(k->entries);
    assert_int_equal(k->n, c->n);
    assert_int_equal(k->n, 12);
    assert_int_equal(k->skipped, c->skipped);
    assert_int_equal(cgot.warnings, got.warnings);
    assert_int_equal(cgot.warnings, 4);
    for (unsigned i = 0; i < got.warnings; i++)
        assert_string_equal(cgot.text[i], got.text[i]);
    size_t audits = 0;
    for (size_t i = 0; i < c->n; i++) {
        cr_cohort_paths pa, pb;
        const cr_cohort_entry *a = cr_cohort_entry_at(c, i, &pa);
        const cr_cohort_entry *b = cr_cohort_entry_at(k, i, &pb);
        assert_ptr_equal(a, &c->entries[i]);
        assert_string_equal(cr_cohort_id(k, i), c->entries[i].id);
        assert_string_equal(b->id, a->id);
        assert_string_equal(b->submission, a->submission);
        assert_int_equal(b->audit != NULL, a->audit != NULL);
        if (a->audit) {
            assert_string_equal(b->audit, a->audit);
            audits++;
        }
    }
    assert_int_equal(audits, 10); /* the samples' audit logs; not the orphan's */
    char *want = NULL;
    for (unsigned threads = 1; threads <= 2; threads++) {
        cr_peers *p = cr_cohort_stats_parallel(threads == 1 ? c : k, f->catalog, f->schemas, NULL,
                                               threads, NULL);
        cr_peers *q = cr_cohort_stats_parallel(k, f->catalog, f->schemas, NULL, threads, NULL);
        assert_non_null(p);
        assert_non_null(q);
        assert_int_equal(q->nleft_out, 1);
        assert_string_equal(q->left_out[0], "broken");
        char *a = cr_peers_json(p, NULL), *b = cr_peers_json(q, NULL);
        assert_string_equal(a, b);
        if (want)
            assert_string_equal(a, want);
        free(want);
        want = a;
        free(b);
        cr_peers_free(p);
        cr_peers_free(q);
    }
    free(want);
    cr_cohort_free(k);
    cr_cohort_free(c);
    remove_tree(dir);
}

/* The batch's first pass (cr_cohort_stats_inputs), on one thread and on two: each valid city
 * comes with the hash of its files' bytes, the same as hashing the files read here on their own;
 * every city is begun, in the cohort's order, before its warnings and its city or left_out call;
 * run->city is not called; the statistics are cr_cohort_stats's. */
typedef struct inputs_seen {
    const cr_cohort *c;
    unsigned calls, left, mismatches, misplaced;
    size_t begun; /* the city begun last, SIZE_MAX before the first */
    unsigned begins;
} inputs_seen;

static void digest_file(XXH3_state_t *s, const char *label, const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    assert_true(n < sizeof buf);
    fclose(f);
    cr_digest_feed(s, label, buf, n);
}

static cr_status with_inputs(void *data, size_t index, const cr_assessment *a,
                             const XXH3_state_t *inputs, cr_error *err)
{
    (void)err;
    inputs_seen *is = data;
    cr_cohort_paths paths;
    const cr_cohort_entry *e = cr_cohort_entry_at(is->c, index, &paths);
    assert_string_equal(a->submission->id, e->id);
    is->misplaced += index != is->begun;
    is->calls++;
    XXH3_state_t *s = XXH3_createState();
    assert_non_null(s);
    XXH3_128bits_reset(s);
    digest_file(s, "submission", e->submission);
    if (e->audit)
        digest_file(s, "audit", e->audit);
    XXH128_hash_t want = XXH3_128bits_digest(s), got = XXH3_128bits_digest(inputs);
    XXH3_freeState(s);
    is->mismatches += !XXH128_isEqual(want, got);
    return CR_OK;
}

static void begin_city(void *data, size_t index)
{
    inputs_seen *is = data;
    is->misplaced += is->begun != SIZE_MAX && index <= is->begun; /* in the cohort's order */
    is->begun = index;
    is->begins++;
}

static void left_city(void *data, size_t index, const cr_error *problem)
{
    (void)problem;
    inputs_seen *is = data;
    is->misplaced += index != is->begun;
    is->left++;
}

/* A warning (or the problem of a city left out) is about the city begun last: its file names
 * that city. */
static void warned(void *data, const cr_error *problem)
{
    inputs_seen *is = data;
    cr_cohort_paths paths;
    const cr_cohort_entry *e = cr_cohort_entry_at(is->c, is->begun, &paths);
    is->misplaced += strcmp(problem->file, e->submission) != 0;
}

static cr_status no_city(void *data, size_t index, const cr_assessment *a, cr_error *err)
{
    (void)data, (void)index, (void)a, (void)err;
    fail_msg("run->city called beside the inputs' callback");
    return CR_EUSAGE;
}

static void test_stats_inputs(void **state)
{
    fixture *f = *state;
    char dir[] = CR_TEST_TMP "/inputsXXXXXX";
    /* The samples, an invalid city, and two that each warn (an attribute no format knows). */
    temp_cohort(dir, "sed 's/id=\"gold-city\"/id=\"odd-a\" shoe-size=\"9\"/' "
                     "gold-city.submission.xml > odd-a.submission.xml && "
                     "sed 's/id=\"gold-city\"/id=\"odd-b\" shoe-size=\"9\"/' "
                     "gold-city.submission.xml > odd-b.submission.xml");
    char *want = NULL;
    for (unsigned threads = 1; threads <= 2; threads++)
        for (int compact = 0; compact <= 1; compact++) {
            cr_cohort *c = compact ? cr_cohort_scan_compact(dir, NULL) : cr_cohort_scan(dir, NULL);
            assert_non_null(c);
            assert_int_equal(c->n, 14);
            inputs_seen is = {.c = c, .begun = SIZE_MAX};
            cr_cohort_run run = {.city = no_city, .left_out = left_city, .data = &is};
            /* The compact cohort with a ring of one city per thread, the other with the
             * default. */
            const cr_cohort_pass pass = {
                .city = with_inputs, .begin = begin_city, .ahead = compact ? 1 : 0};
            cr_error err;
            cr_error_init(&err);
            err.sink = warned;
            err.sink_data = &is;
            cr_peers *p =
                cr_cohort_stats_inputs(c, f->catalog, f->schemas, &run, &pass, threads, &err);
            assert_non_null(p);
            assert_int_equal(is.begins, 14);
            assert_int_equal(is.calls, 13);
            assert_int_equal(is.left, 1);
            assert_int_equal(err.warnings, 2);
            assert_int_equal(is.mismatches, 0);
            assert_int_equal(is.misplaced, 0);
            assert_int_equal(p->nleft_out, 1);
            char *a = cr_peers_json(p, NULL);
            if (!want) {
                cr_peers *q = cr_cohort_stats(c, f->catalog, f->schemas, NULL, NULL);
                want = cr_peers_json(q, NULL);
                cr_peers_free(q);
            }
            assert_string_equal(a, want);
            free(a);
            cr_peers_free(p);
            cr_cohort_free(c);
        }
    free(want);
    remove_tree(dir);
}

/* A peers file written before the cohort was recorded still loads, and says it does not know. */
static void test_old_peers_file(void **state)
{
    fixture *f = *state;
    cr_peers *p = sample_stats(f);
    const char *path = CR_TEST_TMP "/old.peers.xml";
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_peers_save(p, path, &err), CR_OK);
    cr_peers_free(p);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sed -i '/<cohort /d' %s", path);
    assert_int_equal(system(cmd), 0);
    cr_peers *q = cr_peers_load(path, f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(q);
    check_sample_stats(q);
    assert_false(q->recorded);
    char *line = cr_cohort_summary(q);
    assert_non_null(strstr(line, "does not list its cities"));
    free(line);
    char *json = cr_peers_json(q, &err);
    assert_non_null(strstr(json, "\"cohort\": null"));
    free(json);
    cr_peers_free(q);
    unlink(path);
}

static void test_cohort_counts_checked(void **state)
{
    cr_error err = load_edited(state, "used=\"11\"", "used=\"12\"");
    assert_input_error(&err, 0, "cohort counts do not add up");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_cohort),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_edition),          cmocka_unit_test(test_counts_must_add_up),
        cmocka_unit_test(test_share_above_applicants), cmocka_unit_test(test_missing_criterion),
        cmocka_unit_test(test_save_into_missing_dir),  cmocka_unit_test(test_skip_invalid),
        cmocka_unit_test(test_old_peers_file),         cmocka_unit_test(test_cohort_counts_checked),
        cmocka_unit_test(test_compact_scan),           cmocka_unit_test(test_stats_inputs),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
