/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: what other tools and people really write. Values merely written differently
 * (bare subdivision codes, lower-case codes, "Yes", "pt-BR", a submission time, "82.4%", text
 * typed decomposed) are accepted and normalised, so they score exactly as the canonical form;
 * what is odd but not wrong (an attribute the format does not know, an invisible formatting
 * character, a change that changes nothing) is a warning naming the file and line, never an
 * error. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUB_ID "test-city"

typedef struct seen {
    unsigned warnings, errors;
    char last[1200];
} seen;

static void record(void *data, const cr_error *problem)
{
    seen *s = data;
    if (problem->warning)
        s->warnings++;
    else
        s->errors++;
    cr_error_format(problem, s->last, sizeof s->last);
}

static char *sub_with(const fixture *f, const char *city, const char *answer, const char *extra)
{
    return make_submission(f->catalog, SUB_ID, city, answer, extra);
}

/* A copy of |s| with every |from| replaced by |to|. */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        n++;
    char *out = malloc(strlen(s) + n * (nt > nf ? nt - nf : 0) + 1);
    assert_non_null(out);
    char *w = out;
    for (const char *p = s;;) {
        const char *at = strstr(p, from);
        if (!at) {
            strcpy(w, p);
            break;
        }
        memcpy(w, p, (size_t)(at - p));
        w += at - p;
        memcpy(w, to, nt);
        w += nt;
        p = at + nf;
    }
    return out;
}

static cr_submission *parse_ok(const fixture *f, const char *text, seen *sn)
{
    cr_error err;
    cr_error_init(&err);
    err.sink = record;
    err.sink_data = sn;
    cr_submission *s =
        cr_submission_parse(text, strlen(text), "sub.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    assert_int_equal(err.warnings, sn->warnings);
    return s;
}

static void test_subdivision_forms(void **state)
{
    const fixture *f = *state;
    const char *forms[] = {"US-AZ", "AZ", "az", "us-az"};
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
        char city[200];
        snprintf(city, sizeof city,
                 "name=\"Testville\" country=\"US\" subdivision=\"%s\" population=\"100000\"",
                 forms[k]);
        char *text = sub_with(f, city, "yes", "");
        seen sn = {0};
        cr_submission *s = parse_ok(f, text, &sn);
        assert_string_equal(s->city.subdivision, "US-AZ");
        assert_string_equal(s->city.country, "US");
        assert_int_equal(sn.warnings, 0);
        cr_submission_free(s);
        free(text);
    }
    /* Three-character codes (Colombia's ANT) and a lower-case country. */
    char *text =
        sub_with(f, "name=\"Medellín\" country=\"co\" subdivision=\"ANT\" population=\"2427129\"",
                 "yes", "");
    seen sn = {0};
    cr_submission *s = parse_ok(f, text, &sn);
    assert_string_equal(s->city.subdivision, "CO-ANT");
    assert_string_equal(s->city.country, "CO");
    cr_submission_free(s);
    free(text);
    /* Still wrong: another country's subdivision, and a code that is no code. */
    const char *bad[] = {"MX-JAL", "A-B-C", "TOOLONG"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char city[200];
        snprintf(city, sizeof city,
                 "name=\"Testville\" country=\"US\" subdivision=\"%s\" population=\"100000\"",
                 bad[k]);
        text = sub_with(f, city, "yes", "");
        cr_error err;
        cr_error_init(&err);
        assert_null(
            cr_submission_parse(text, strlen(text), "sub.xml", f->catalog, f->schemas, &err));
        assert_int_equal(err.code, CR_EINPUT);
        assert_int_equal(err.line, 3);
        free(text);
    }
}

/* The same answers written differently give the same scorecard. */
static void test_written_differently_scores_the_same(void **state)
{
    const fixture *f = *state;
    const char *outcomes = "  <outcomes>\n    <outcome metric=\"broadband\" value=\"82.4\" "
                           "year=\"2021\"/>\n  </outcomes>\n";
    char *canon =
        sub_with(f, "name=\"Testville\" country=\"US\" subdivision=\"US-AZ\" population=\"100000\"",
                 "in-progress", outcomes);
    char *t1 = replace_all(canon, "answer=\"in-progress\"", "answer=\"In Progress\"");
    char *t2 = replace_all(t1, "criterion=\"DM", "criterion=\"dm");
    char *t3 = replace_all(t2, "value=\"82.4\"", "value=\"82.4%\"");
    char *t4 = replace_all(t3, "subdivision=\"US-AZ\"", "subdivision=\"AZ\"");
    char *t5 =
        replace_all(t4, "submitted=\"2023-03-01\"", "submitted=\"2023-03-01T16:05:00-07:00\"");
    seen a = {0}, b = {0};
    cr_submission *sa = parse_ok(f, canon, &a);
    cr_submission *sb = parse_ok(f, t5, &b);
    assert_int_equal(b.warnings, 0);
    assert_true(strstr(t5, "criterion=\"dm1\"") != NULL); /* the edits took */
    assert_true(strstr(t5, "T16:05") != NULL);
    assert_int_equal(sa->nresponses, sb->nresponses);
    for (size_t i = 0; i < sa->nresponses; i++)
        assert_int_equal(sa->responses[i].answer, sb->responses[i].answer);
    assert_int_equal(sa->submitted.year, sb->submitted.year);
    assert_int_equal(sa->submitted.month, sb->submitted.month);
    assert_int_equal(sa->submitted.day, sb->submitted.day);
    size_t bb = cr_catalog_outcome(f->catalog, "broadband");
    assert_true(sb->outcomes[bb].present);
    assert_true(sa->outcomes[bb].value == sb->outcomes[bb].value);
    cr_error err;
    cr_error_init(&err);
    cr_audited *aa = cr_audit_apply(f->catalog, sa, NULL, &err);
    cr_audited *ab = cr_audit_apply(f->catalog, sb, NULL, &err);
    assert_non_null(aa);
    assert_non_null(ab);
    cr_scorecard ca, cb;
    assert_int_equal(cr_score(aa, &ca, &err), CR_OK);
    assert_int_equal(cr_score(ab, &cb, &err), CR_OK);
    assert_int_equal(ca.met, cb.met);
    assert_int_equal(ca.tier, cb.tier);
    assert_int_equal(ca.outcomes_met, cb.outcomes_met);
    cr_audited_free(aa);
    cr_audited_free(ab);
    cr_submission_free(sa);
    cr_submission_free(sb);
    free(canon);
    free(t1);
    free(t2);
    free(t3);
    free(t4);
    free(t5);
}

static void test_language_tags(void **state)
{
    const fixture *f = *state;
    const char *tags[][2] = {
        {"pt-BR", "pt"}, {"fr_CA", "fr"}, {"EN", "en"}, {"es-419", "es"}, {"de", "de"}};
    for (size_t k = 0; k < sizeof tags / sizeof *tags; k++) {
        char *canon = sub_with(f, "name=\"T\" country=\"US\" population=\"100000\"", "yes", "");
        char attr[64];
        snprintf(attr, sizeof attr, "submitted=\"2023-03-01\" lang=\"%s\"", tags[k][0]);
        char *text = replace_all(canon, "submitted=\"2023-03-01\"", attr);
        seen sn = {0};
        cr_submission *s = parse_ok(f, text, &sn);
        assert_string_equal(s->lang, tags[k][1]);
        cr_submission_free(s);
        free(text);
        free(canon);
    }
}

static void test_unknown_attributes_warn(void **state)
{
    const fixture *f = *state;
    char *canon =
        sub_with(f, "name=\"T\" country=\"US\" population=\"100000\" portal-id=\"77\"", "yes", "");
    seen sn = {0};
    cr_submission *s = parse_ok(f, canon, &sn);
    assert_int_equal(sn.warnings, 1);
    assert_string_equal(sn.last,
                        "sub.xml:3: warning: unknown attribute portal-id on <city> (ignored)");
    cr_submission_free(s);
    free(canon);
    /* On an event of the audit log too; a known attribute on the wrong event stays an error. */
    const char *log_ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<audit submission=\"x\" "
                         "exported-by=\"portal 2.1\">\n"
                         "  <event at=\"2023-03-01T10:00:00Z\" by=\"portal\" type=\"step\" "
                         "step=\"submitted\" ticket=\"42\"/>\n"
                         "</audit>\n";
    cr_error err;
    cr_error_init(&err);
    seen sa = {0};
    err.sink = record;
    err.sink_data = &sa;
    cr_audit_log *log =
        cr_audit_parse(log_ok, strlen(log_ok), "log.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(log);
    assert_int_equal(sa.warnings, 2);
    assert_string_equal(sa.last,
                        "log.xml:3: warning: unknown attribute ticket on <event> (ignored)");
    cr_audit_free(log);
    const char *log_bad = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<audit submission=\"x\">\n"
                          "  <event at=\"2023-03-01T10:00:00Z\" by=\"portal\" type=\"step\" "
                          "step=\"submitted\" criterion=\"DM1\"/>\n"
                          "</audit>\n";
    cr_error_init(&err);
    assert_null(cr_audit_parse(log_bad, strlen(log_bad), "log.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 3, "attribute criterion does not apply to a step event");
}

/* "Bogotá" typed decomposed (a + U+0301, as macOS keyboards write it) is the composed name; an
 * invisible character is removed with a warning; combining marks with no composed form stay. */
static void test_nfc_and_invisible_characters(void **state)
{
    const fixture *f = *state;
    char *text =
        sub_with(f, "name=\"Bogota\xcc\x81\" country=\"CO\" population=\"7743955\"", "yes", "");
    seen sn = {0};
    cr_submission *s = parse_ok(f, text, &sn);
    assert_string_equal(s->city.name, "Bogot\xc3\xa1");
    assert_int_equal(sn.warnings, 0); /* merely written differently */
    cr_submission_free(s);
    free(text);
    /* Guaraní g̃ has no composed form: it stays g + U+0303. */
    text =
        sub_with(f, "name=\"Ka\xcc\x83g\xcc\x83\" country=\"PY\" population=\"70000\"", "yes", "");
    memset(&sn, 0, sizeof sn);
    s = parse_ok(f, text, &sn);
    assert_string_equal(s->city.name, "K\xc3\xa3g\xcc\x83");
    cr_submission_free(s);
    free(text);
    /* Zero-width space, right-to-left override, byte order mark: removed, one warning each text. */
    const char *invisible[] = {"\xe2\x80\x8b", "\xe2\x80\xae", "\xef\xbb\xbf", "\xe2\x81\xa6",
                               "\xe2\x80\x8d"};
    for (size_t k = 0; k < sizeof invisible / sizeof *invisible; k++) {
        char city[200];
        snprintf(city, sizeof city, "name=\"Tem%spe\" country=\"US\" population=\"180587\"",
                 invisible[k]);
        text = sub_with(f, city, "yes", "");
        memset(&sn, 0, sizeof sn);
        s = parse_ok(f, text, &sn);
        assert_string_equal(s->city.name, "Tempe");
        assert_int_equal(sn.warnings, 1);
        assert_non_null(strstr(sn.last, "sub.xml:3: warning: invisible formatting character U+"));
        cr_submission_free(s);
        free(text);
    }
}

/* A reviewer's change from an answer to the same answer: a warning; the criterion counts as
 * audited, its comment is shown, nothing changes. */
static void test_noop_change_warns(void **state)
{
    const fixture *f = *state;
    char *sub = sub_with(f, "name=\"T\" country=\"US\" population=\"100000\"", "yes", "");
    const char *log_text =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<audit submission=\"" SUB_ID "\">\n"
        "  <event at=\"2023-03-01T10:00:00Z\" by=\"portal\" type=\"step\" step=\"submitted\"/>\n"
        "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"dm1\" "
        "from=\"yes\" to=\"Yes\">\n"
        "    <comment>Confirmed on site.</comment>\n  </event>\n"
        "</audit>\n";
    seen sn = {0};
    cr_submission *s = parse_ok(f, sub, &sn);
    cr_error err;
    cr_error_init(&err);
    err.sink = record;
    err.sink_data = &sn;
    cr_audit_log *log =
        cr_audit_parse(log_text, strlen(log_text), "log.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(log);
    assert_int_equal(sn.warnings, 1);
    assert_string_equal(
        sn.last,
        "log.xml:4: warning: change from yes to Yes changes nothing (kept as a review of DM1)");
    cr_audited *a = cr_audit_apply(f->catalog, s, log, &err);
    assert_non_null(a);
    size_t dm1 = cr_catalog_criterion(f->catalog, "DM1");
    assert_true(a->criteria[dm1].audited);
    assert_false(a->criteria[dm1].changed);
    assert_int_equal(a->criteria[dm1].answer, CR_ANSWER_YES);
    assert_int_equal(a->criteria[dm1].nnotes, 1);
    cr_audited_free(a);
    cr_audit_free(log);
    cr_submission_free(s);
    free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subdivision_forms),
        cmocka_unit_test(test_written_differently_scores_the_same),
        cmocka_unit_test(test_language_tags),
        cmocka_unit_test(test_unknown_attributes_warn),
        cmocka_unit_test(test_nfc_and_invisible_characters),
        cmocka_unit_test(test_noop_change_warns),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
