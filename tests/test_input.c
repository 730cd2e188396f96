/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the input stage (submissions, audit logs, the safe XML reader).
 *
 * One test per class of bad input, each asserting CR_EINPUT, the exact line and the message,
 * and that the loader returned NULL. Most inputs are built in memory from a valid submission
 * (make_submission) and then corrupted; file-level cases use tests/data/bad/. */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BAD CR_TEST_DATA "/bad/"
#define SUB_ID "test-city"
#define CITY "name=\"Testville\" country=\"US\" subdivision=\"US-AZ\" population=\"100000\""

/* ---- helpers ---- */

/* A copy of |s| with the first |from| replaced by |to|; fails the test when |from| is absent. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        fail_msg("\"%s\" not found in the input", from);
    size_t head = (size_t)(at - s), nf = strlen(from), nt = strlen(to), tail = strlen(at + nf);
    char *out = malloc(head + nt + tail + 1);
    assert_non_null(out);
    memcpy(out, s, head);
    memcpy(out + head, to, nt);
    memcpy(out + head + nt, at + nf, tail + 1);
    return out;
}

/* replace() that frees |s|. */
static char *edit(char *s, const char *from, const char *to)
{
    char *out = replace(s, from, to);
    free(s);
    return out;
}

/* 1-based line of the first |needle| in |s|. */
static long line_of(const char *s, const char *needle)
{
    const char *at = strstr(s, needle);
    if (!at)
        fail_msg("\"%s\" not found in the input", needle);
    long line = 1;
    for (const char *p = s; p < at; p++)
        line += *p == '\n';
    return line;
}

/* |piece| repeated |n| times (malloc'd). */
static char *repeat(const char *piece, size_t n)
{
    size_t len = strlen(piece);
    char *out = malloc(len * n + 1);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * len, piece, len);
    out[len * n] = '\0';
    return out;
}

/* A valid submission of SUB_ID, every criterion "yes", with |extra| after the responses. */
static char *valid_submission(const fixture *f, const char *extra)
{
    char *s = make_submission(f->catalog, SUB_ID, CITY, "yes", extra);
    assert_non_null(s);
    return s;
}

/* An audit log of |id| whose events (one per line) start on line 3. */
static char *make_audit(const char *id, const char *events)
{
    size_t cap = strlen(events) + strlen(id) + 128;
    char *s = malloc(cap);
    assert_non_null(s);
    snprintf(s, cap,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<audit submission=\"%s\">\n%s</audit>\n",
             id, events);
    return s;
}

#define EV_SUBMITTED                                                                               \
    "  <event at=\"2023-03-01T10:00:00Z\" by=\"portal\" type=\"step\" step=\"submitted\"/>\n"

/* Parses |len| bytes as a submission, which must fail with an input error at |line| whose
 * message contains |needle|; returns the error for further checks. */
static cr_error sub_fails_n(const fixture *f, const char *text, size_t len, long line,
                            const char *needle)
{
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_parse(text, len, "test.submission.xml", f->catalog, f->schemas, &err);
    if (s) {
        cr_submission_free(s);
        fail_msg("the submission was accepted; expected \"%s\" on line %ld", needle, line);
    }
    assert_input_error(&err, line, needle);
    assert_string_equal(err.file, "test.submission.xml");
    return err;
}

static cr_error sub_fails(const fixture *f, const char *text, long line, const char *needle)
{
    return sub_fails_n(f, text, strlen(text), line, needle);
}

static cr_error audit_fails(const fixture *f, const char *text, long line, const char *needle)
{
    cr_error err;
    cr_error_init(&err);
    cr_audit_log *a =
        cr_audit_parse(text, strlen(text), "test.audit.xml", f->catalog, f->schemas, &err);
    if (a) {
        cr_audit_free(a);
        fail_msg("the audit log was accepted; expected \"%s\" on line %ld", needle, line);
    }
    assert_input_error(&err, line, needle);
    assert_string_equal(err.file, "test.audit.xml");
    return err;
}

/* Replaces |from| by |to| in a valid submission and expects the error on the line of |to|. */
static void sub_edit_fails(const fixture *f, const char *from, const char *to, const char *needle)
{
    char *s = edit(valid_submission(f, ""), from, to);
    sub_fails(f, s, line_of(s, to), needle);
    free(s);
}

/* ---- the baseline is valid ---- */

static void test_valid_baseline(void **state)
{
    const fixture *f = *state;
    char *text = valid_submission(
        f, "  <outcomes>\n"
           "    <outcome metric=\"broadband\" value=\"82.4\" year=\"2021\" source=\"ACS\"/>\n"
           "    <outcome metric=\"pm25\" value=\"9\"/>\n"
           "    <outcome metric=\"nominated\" name=\"Fewer traffic deaths\" sdg=\"11\" "
           "target=\"Zero by 2030\"/>\n"
           "  </outcomes>\n"
           "  <programs>\n    <program name=\"City Data Alliance\" criteria=\"DM1 LC1\"/>\n  "
           "</programs>\n");
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_parse(text, strlen(text), "ok.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    assert_string_equal(s->id, SUB_ID);
    assert_int_equal(s->cycle, 2023);
    assert_int_equal(s->city.population, 100000);
    assert_int_equal(s->city.line, 3);
    assert_int_equal(s->nresponses, f->catalog->ncriteria);
    assert_int_equal(s->responses[0].line, 5);
    size_t bb = cr_catalog_outcome(f->catalog, "broadband");
    size_t nom = cr_catalog_outcome(f->catalog, "nominated");
    assert_true(s->outcomes[bb].present);
    assert_true(s->outcomes[bb].value > 82.39 && s->outcomes[bb].value < 82.41);
    assert_int_equal(s->outcomes[bb].year, 2021);
    assert_int_equal(s->outcomes[nom].sdg, 11);
    assert_int_equal(s->nprograms, 1);
    assert_int_equal(s->programs[0].ncriteria, 2);
    cr_submission_free(s);
    free(text);

    /* 29 February exists in leap years. */
    text = edit(valid_submission(f, ""), "submitted=\"2023-03-01\"", "submitted=\"2024-02-29\"");
    cr_error_init(&err);
    s = cr_submission_parse(text, strlen(text), "leap.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    assert_int_equal(s->submitted.day, 29);
    cr_submission_free(s);
    free(text);
}

/* ---- malformed XML, wrong root ---- */

static void test_malformed_unclosed_tag(void **state)
{
    const fixture *f = *state;
    /* A <response> left open: the parser notices at </responses>. */
    char *s = edit(valid_submission(f, ""), "<response criterion=\"DM3\" answer=\"yes\"/>",
                   "<response criterion=\"DM3\" answer=\"yes\">");
    cr_error err = sub_fails(f, s, line_of(s, "</responses>"), "mismatch");
    assert_non_null(strstr(err.message, "line 7")); /* where the open tag is */
    free(s);

    /* Cut in the middle of a start tag. */
    s = valid_submission(f, "");
    size_t cut = (size_t)(strstr(s, "criterion=\"DM4\"") - s);
    sub_fails_n(f, s, cut, 8, "response");
    free(s);

    /* Nothing at all. */
    sub_fails_n(f, "", 0, 1, "empty");
}

static void test_malformed_file(void **state)
{
    const fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_load(BAD "unclosed.submission.xml", f->catalog, f->schemas, &err);
    assert_null(s);
    assert_input_error(&err, 6, "mismatch");
    assert_string_equal(err.file, BAD "unclosed.submission.xml");
}

static void test_wrong_root(void **state)
{
    const fixture *f = *state;
    char *audit = make_audit(SUB_ID, EV_SUBMITTED);
    sub_fails(f, audit, 2, "expected a <submission> document, found <audit>");

    char *sub = valid_submission(f, "");
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_audit_parse(sub, strlen(sub), "sub.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 2, "expected a <audit> document, found <submission>");

    cr_error_init(&err);
    assert_null(cr_catalog_parse(sub, strlen(sub), "sub.xml", f->schemas, &err));
    assert_input_error(&err, 2, "found <submission>");

    /* A root element in some namespace is not ours either. */
    char *ns = edit(sub, "<submission ", "<submission xmlns=\"urn:example\" ");
    sub_fails(f, ns, 2, "submission");
    free(ns);
    free(audit);
}

/* ---- schema violations ---- */

/* Codes and answers are checked by the loader (submission.xsd has no pattern for them): what the
 * patterns refused is refused, on the response's line. */
static void test_schema_bad_answer(void **state)
{
    static const char *const cases[][2] = {
        /* what the response's attributes become, the message */
        {"criterion=\"DM3\" answer=\"maybe\"", "answer maybe is not yes, in-progress or no"},
        {"criterion=\"DM3\" answer=\"\"", "is not yes, in-progress or no"},
        {"criterion=\"DM3\" answer=\" yes\"", "answer yes has stray spaces"},
        {"criterion=\"DM3\" answer=\"in  progress\"", "answer in progress has stray spaces"},
        {"criterion=\"DM3\" answer=\"in&#9;progress\"", "answer in progress has stray spaces"},
        {"criterion=\"DM3\" answer=\"no \"", "answer no has stray spaces"},
        {"criterion=\"DM3 \" answer=\"yes\"", "criterion DM3 has stray spaces"},
        {"criterion=\" dm3\" answer=\"yes\"", "criterion dm3 has stray spaces"},
        {"criterion=\"DM-3\" answer=\"yes\"", "unknown criterion DM-3"},
        {"criterion=\"3DM\" answer=\"yes\"", "unknown criterion 3DM"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        sub_edit_fails(*state, "criterion=\"DM3\" answer=\"yes\"", cases[k][0], cases[k][1]);
    /* one space inside is an answer as the pattern had it */
    const fixture *f = *state;
    char *s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"",
                   "criterion=\"dm3\" answer=\"In Progress\"");
    cr_error err;
    cr_error_init(&err);
    cr_submission *sub =
        cr_submission_parse(s, strlen(s), "test.submission.xml", f->catalog, f->schemas, &err);
    assert_non_null(sub);
    cr_submission_free(sub);
    free(s);
}

/* At most 1000 responses of at most 20 evidence items: the loader's bounds (submission.xsd has
 * no maxOccurs for them), reported on the first element too many, before any other problem. */
static void test_response_bounds(void **state)
{
    const fixture *f = *state;
    char *ev = repeat("<evidence>e</evidence>\n", 20);
    size_t cap = strlen(ev) + 200;
    char *to = malloc(cap);
    assert_non_null(to);
    snprintf(to, cap, "criterion=\"DM3 \" answer=\"yes\">%s<evidence>21st</evidence></response>",
             ev);
    char *s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>", to);
    sub_fails(f, s, line_of(s, "21st"), "more than 20 evidence items in one response");
    free(s);
    /* twenty are fine */
    snprintf(to, cap, "criterion=\"DM3\" answer=\"yes\">%s</response>", ev);
    s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>", to);
    cr_error err;
    cr_error_init(&err);
    cr_submission *sub =
        cr_submission_parse(s, strlen(s), "test.submission.xml", f->catalog, f->schemas, &err);
    assert_non_null(sub);
    assert_int_equal(sub->responses[cr_catalog_criterion(f->catalog, "DM3")].nevidence, 20);
    cr_submission_free(sub);
    free(s);
    free(to);
    free(ev);
    /* 1001 responses (duplicates, but the bound is what is said) */
    char *more = repeat("    <response criterion=\"DM1\" answer=\"yes\"/>\n",
                        1001 - f->catalog->ncriteria - 1);
    cap = strlen(more) + 200;
    to = malloc(cap);
    assert_non_null(to);
    snprintf(to, cap,
             "%s    <response criterion=\"DM2\" answer=\"no\" last=\"1\"/>\n  </responses>", more);
    s = edit(valid_submission(f, ""), "  </responses>", to);
    sub_fails(f, s, line_of(s, "last="), "more than 1000 responses");
    free(s);
    free(to);
    free(more);
}

static void test_schema_missing_attribute(void **state)
{
    const fixture *f = *state;
    char *s = edit(valid_submission(f, ""), " country=\"US\"", "");
    cr_error err = sub_fails(f, s, 3, "country");
    assert_non_null(strstr(err.message, "required"));
    free(s);

    s = edit(valid_submission(f, ""), "criterion=\"DM2\" answer=\"yes\"", "criterion=\"DM2\"");
    sub_fails(f, s, line_of(s, "criterion=\"DM2\"/>"), "answer");
    free(s);
}

static void test_schema_unknown_element(void **state)
{
    const fixture *f = *state;
    sub_edit_fails(f, "  <responses>\n", "  <responses><bogus/>\n", "bogus");
    /* (an unknown attribute is a warning: tests/test_liberal.c) */
}

/* ---- catalog checks ---- */

static void test_unknown_criterion(void **state)
{
    sub_edit_fails(*state, "criterion=\"DM3\"", "criterion=\"ZZ9\"", "unknown criterion ZZ9");
}

static void test_duplicate_criterion(void **state)
{
    const fixture *f = *state;
    /* DM4 answered as a second DM3: a duplicate (naming the first line) and DM4 missing. */
    char *s = edit(valid_submission(f, ""), "criterion=\"DM4\"", "criterion=\"DM3\"");
    cr_error err = sub_fails(f, s, 8, "duplicate response to DM3 (first on line 7)");
    assert_int_equal(err.count, 2);
    free(s);
}

static void test_missing_response(void **state)
{
    const fixture *f = *state;
    char *s =
        edit(valid_submission(f, ""), "    <response criterion=\"SI3\" answer=\"yes\"/>\n", "");
    sub_fails(f, s, 4, "missing response: SI3");
    free(s);

    /* Many missing: the first few are named, plural. */
    s = valid_submission(f, "");
    char *start = strstr(s, "    <response"), *end = strstr(s, "  </responses>");
    memmove(start, end, strlen(end) + 1);
    char *one = edit(s, "  <responses>\n",
                     "  <responses>\n    <response criterion=\"DM1\" answer=\"no\"/>\n");
    sub_fails(f, one, 4, "missing responses: DM2 DM3");
    free(one);
}

static void test_audit_of_another_submission(void **state)
{
    const fixture *f = *state;
    char *text = valid_submission(f, "");
    char *log_text = make_audit("other-city", EV_SUBMITTED);
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_parse(text, strlen(text), "sub.xml", f->catalog, f->schemas, &err);
    cr_audit_log *log =
        cr_audit_parse(log_text, strlen(log_text), "log.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    assert_non_null(log);
    cr_audited *a = cr_audit_apply(f->catalog, s, log, &err);
    assert_null(a);
    assert_input_error(&err, 2, "other-city");
    assert_non_null(strstr(err.message, SUB_ID));
    assert_string_equal(err.file, "log.xml");
    cr_audit_free(log);
    cr_submission_free(s);
    free(log_text);
    free(text);

    /* The same from files: a sample submission and a log of another city. */
    char path[1024];
    cr_error_init(&err);
    s = cr_submission_load(sample_path(path, sizeof path, "gold-city", ".submission.xml"),
                           f->catalog, f->schemas, &err);
    log = cr_audit_load(BAD "other-city.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_null(cr_audit_apply(f->catalog, s, log, &err));
    assert_input_error(&err, 2, "audit log is for submission \"other-city\", not \"gold-city\"");
    cr_audit_free(log);
    cr_submission_free(s);
}

/* ---- values out of range ---- */

static void test_population_range(void **state)
{
    const fixture *f = *state;
    sub_edit_fails(f, "population=\"100000\"", "population=\"0\"", "population must be positive");
    sub_edit_fails(f, "population=\"100000\"", "population=\"99999999999\"", "99999999999");
    sub_edit_fails(f, "population=\"100000\"", "population=\"50000000\"",
                   "population 50000000 is out of range");
    sub_edit_fails(f, "population=\"100000\"", "population=\"-5\"", "-5");
    sub_edit_fails(f, "population=\"100000\"", "population=\"\"", "population");
}

static void test_outcome_ranges(void **state)
{
    const fixture *f = *state;
    char *s = valid_submission(
        f, "  <outcomes>\n    <outcome metric=\"broadband\" value=\"120\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "value=\"120\""), "outcome value 120 is out of range");
    free(s);

    s = valid_submission(
        f, "  <outcomes>\n    <outcome metric=\"pm25\" value=\"-1\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "value=\"-1\""), "outcome value -1 is out of range");
    free(s);

    s = valid_submission(f, "  <outcomes>\n    <outcome metric=\"nominated\" name=\"Trees\" "
                            "sdg=\"18\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "sdg=\"18\""), "sdg 18");
    free(s);

    s = valid_submission(f, "  <outcomes>\n    <outcome metric=\"nominated\" name=\"Trees\" "
                            "sdg=\"0\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "sdg=\"0\""), "sdg 0");
    free(s);

    s = valid_submission(
        f,
        "  <outcomes>\n    <outcome metric=\"pm25\" value=\"8\" year=\"1800\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "year=\"1800\""), "year 1800 is out of range");
    free(s);

    s = valid_submission(
        f, "  <outcomes>\n    <outcome metric=\"noise\" value=\"8\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "noise"), "unknown outcome metric noise");
    free(s);

    s = valid_submission(f, "  <outcomes>\n    <outcome metric=\"pm25\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "pm25"), "needs a value");
    free(s);

    s = valid_submission(f, "  <outcomes>\n    <outcome metric=\"pm25\" value=\"8\"/>\n"
                            "    <outcome metric=\"pm25\" value=\"9\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "value=\"9\""), "outcome pm25 is given twice");
    free(s);
}

static void test_date_and_cycle_range(void **state)
{
    const fixture *f = *state;
    sub_edit_fails(f, "submitted=\"2023-03-01\"", "submitted=\"2023-02-30\"",
                   "submitted date 2023-02-30");
    sub_edit_fails(f, "submitted=\"2023-03-01\"", "submitted=\"2023-02-29\"", "2023-02-29");
    sub_edit_fails(f, "submitted=\"2023-03-01\"", "submitted=\"2023-13-01\"", "2023-13-01");
    sub_edit_fails(f, "submitted=\"2023-03-01\"", "submitted=\"1899-12-31\"", "1899-12-31");
    sub_edit_fails(f, "submitted=\"2023-03-01\"", "submitted=\"2023-3-1\"", "2023-3-1");
    sub_edit_fails(f, "cycle=\"2023\"", "cycle=\"1999\"", "cycle 1999 is out of range");
}

/* ---- numbers are plain ---- */

static void test_number_formats(void **state)
{
    const fixture *f = *state;
    /* exponents */
    char *s = valid_submission(
        f, "  <outcomes>\n    <outcome metric=\"broadband\" value=\"1e5\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "1e5"), "outcome value 1e5 is not a plain decimal number");
    free(s);
    sub_edit_fails(f, "population=\"100000\"", "population=\"1e5\"", "1e5");
    /* thousands and decimal separators */
    sub_edit_fails(f, "population=\"100000\"", "population=\"30,000\"", "30,000");
    sub_edit_fails(f, "population=\"100000\"", "population=\"30 000\"", "30 000");
    s = valid_submission(
        f, "  <outcomes>\n    <outcome metric=\"broadband\" value=\"82,4\"/>\n  </outcomes>\n");
    sub_fails(f, s, line_of(s, "82,4"), "outcome value 82,4 is not a plain decimal number");
    free(s);
    /* other spellings strtod would take */
    static const char *const odd[] = {"0x10", "+5", ".5", "5.", "inf", "nan", "1 2"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        char extra[200];
        snprintf(extra, sizeof extra,
                 "  <outcomes>\n    <outcome metric=\"pm25\" value=\"%s\"/>\n  </outcomes>\n",
                 odd[i]);
        s = valid_submission(f, extra);
        sub_fails(f, s, line_of(s, "metric=\"pm25\""), "not a plain decimal number");
        free(s);
    }
}

/* ---- encoding ---- */

static void test_not_utf8(void **state)
{
    const fixture *f = *state;
    /* A Latin-1 é. */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Bogot\xE9\"", "invalid UTF-8");
    /* An overlong "/" (C0 AF). */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"a\xC0\xAF\"", "invalid UTF-8");
    /* A UTF-16 surrogate (ED A0 80), a code point past U+10FFFF (F4 90 80 80). */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"a\xED\xA0\x80\"", "invalid UTF-8");
    sub_edit_fails(f, "name=\"Testville\"", "name=\"a\xF4\x90\x80\x80\"", "invalid UTF-8");
    /* A sequence cut short by the end of the input. */
    char *s = valid_submission(f, "");
    size_t n = strlen(s);
    s[n - 1] = '\xC3'; /* in place of the final newline */
    sub_fails_n(f, s, n, line_of(s, "</submission>"), "UTF-8");
    free(s);
    /* The declared encoding does not matter: the bytes must be UTF-8. */
    s = edit(valid_submission(f, ""), "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    s = edit(s, "name=\"Testville\"", "name=\"Bogot\xE9\"");
    sub_fails(f, s, 3, "invalid UTF-8");
    free(s);
    /* The same from a file. */
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_submission_load(BAD "latin1.submission.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 3, "invalid UTF-8");
}

static void test_control_characters(void **state)
{
    const fixture *f = *state;
    /* Raw bytes: in an attribute, in text (on the line of the byte), an escape sequence, NUL. */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test\x01ville\"", "control character");
    char *s = edit(
        valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"/>",
        "criterion=\"DM5\" answer=\"yes\"><evidence>Privacy\npolicy \x01</evidence></response>");
    sub_fails(f, s, line_of(s, "DM5") + 1, "control character");
    free(s);
    s = edit(valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"/>",
             "criterion=\"DM5\" answer=\"yes\"><evidence>Policy\x1b[31m</evidence></response>");
    sub_fails(f, s, line_of(s, "DM5"), "control character");
    free(s);
    s = valid_submission(f, "");
    size_t len = strlen(s);
    strstr(s, "Testville")[4] = '\0'; /* "Test\0ille" */
    sub_fails_n(f, s, len, 3, "control character");
    free(s);
    /* DEL and a raw C1 control (U+0085 as C2 85). */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test\x7fville\"", "control character");
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test\xC2\x85ville\"", "control character");
}

static void test_control_character_references(void **state)
{
    const fixture *f = *state;
    /* C1 controls smuggled in by character references: attribute, text, decimal form. */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test&#x85;ville\"", "control character");
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test&#133;ville\"", "control character");
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test&#x7F;ville\"", "control character");
    char *s =
        edit(valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"/>",
             "criterion=\"DM5\" "
             "answer=\"yes\"><evidence>ok</evidence><evidence>Policy&#x9F;</evidence></response>");
    sub_fails(f, s, line_of(s, "DM5"), "control character");
    free(s);
    /* In an audit comment. */
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" criterion=\"DM1\">\n"
        "    <comment>fine\n&#x85;</comment>\n  </event>\n");
    audit_fails(f, s, 5, "control character");
    free(s);
    /* C0 references are not even XML. */
    sub_edit_fails(f, "name=\"Testville\"", "name=\"Test&#x1;ville\"", "invalid");
}

/* ---- no DTDs, no entities ---- */

static void test_xxe(void **state)
{
    const fixture *f = *state;
    char *s =
        edit(valid_submission(f, ""), "<submission ",
             "<!DOCTYPE submission [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<submission ");
    s = edit(s, "name=\"Testville\"", "name=\"&xxe;\"");
    cr_error err = sub_fails(f, s, 2, "DOCTYPE declarations are not allowed");
    char msg[1200];
    cr_error_format(&err, msg, sizeof msg);
    assert_null(strstr(msg, "root:"));
    free(s);

    /* From a file, and through cr_input_kind (what validate does first). */
    cr_error_init(&err);
    assert_null(cr_submission_load(BAD "xxe.submission.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 2, "DOCTYPE");
    cr_error_format(&err, msg, sizeof msg);
    assert_null(strstr(msg, "root:"));
    cr_error_init(&err);
    assert_int_equal(cr_input_kind(BAD "xxe.submission.xml", &err), CR_KIND_UNKNOWN);
    assert_input_error(&err, 2, "DOCTYPE");

    /* External entities in an audit log too (parameter entity, external DTD). */
    s = make_audit(SUB_ID, EV_SUBMITTED);
    s = edit(s, "<audit ",
             "<!DOCTYPE audit [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n<audit ");
    audit_fails(f, s, 2, "DOCTYPE");
    free(s);
    s = edit(valid_submission(f, ""), "<submission ",
             "<!DOCTYPE submission SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n<submission ");
    sub_fails(f, s, 2, "DOCTYPE");
    free(s);
}

static void test_billion_laughs(void **state)
{
    const fixture *f = *state;
    char dtd[4096] = "<!DOCTYPE submission [\n<!ENTITY lol0 \"lol\">\n";
    for (int i = 1; i < 10; i++) {
        char line[256];
        int n = snprintf(line, sizeof line, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            n += snprintf(line + n, sizeof line - (size_t)n, "&lol%d;", i - 1);
        snprintf(line + n, sizeof line - (size_t)n, "\">\n");
        strcat(dtd, line);
    }
    strcat(dtd, "]>\n<submission ");
    char *s = edit(valid_submission(f, ""), "<submission ", dtd);
    s = edit(s, "name=\"Testville\"", "name=\"&lol9;\"");
    /* Bounded by construction: the parser stops at the DOCTYPE, before any entity is declared. */
    sub_fails(f, s, 2, "DOCTYPE declarations are not allowed");
    free(s);

    cr_error err;
    cr_error_init(&err);
    assert_null(
        cr_submission_load(BAD "billion-laughs.submission.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 2, "DOCTYPE");
    assert_int_equal(err.count, 1); /* one problem: nothing after the DOCTYPE was looked at */
}

static void test_quadratic_blowup(void **state)
{
    const fixture *f = *state;
    /* One entity of 10,000 characters referenced 10,000 times: 100 MB once expanded. */
    char *value = repeat("x", 10000);
    char *refs = repeat("&a;", 10000);
    size_t cap = strlen(value) + 64;
    char *dtd = malloc(cap);
    assert_non_null(dtd);
    snprintf(dtd, cap, "<!DOCTYPE submission [<!ENTITY a \"%s\">]>\n<submission ", value);
    char *s = edit(valid_submission(f, ""), "<submission ", dtd);
    char *text = malloc(strlen(refs) + 32);
    assert_non_null(text);
    sprintf(text, "<evidence>%s</evidence>", refs);
    char *resp = malloc(strlen(text) + 64);
    assert_non_null(resp);
    sprintf(resp, "criterion=\"DM1\" answer=\"yes\">%s</response>", text);
    s = edit(s, "criterion=\"DM1\" answer=\"yes\"/>", resp);
    cr_error err = sub_fails(f, s, 2, "DOCTYPE declarations are not allowed");
    assert_int_equal(err.count, 1); /* stopped at the DOCTYPE: no entity was ever expanded */
    free(resp);
    free(text);
    free(s);
    free(dtd);
    free(refs);
    free(value);
}

static void test_doctype_without_entities(void **state)
{
    const fixture *f = *state;
    char *s = edit(valid_submission(f, ""), "<submission ", "<!DOCTYPE submission>\n<submission ");
    sub_fails(f, s, 2, "DOCTYPE declarations are not allowed");
    free(s);
    /* Even an empty internal subset. */
    s = edit(valid_submission(f, ""), "<submission ", "<!DOCTYPE submission []>\n<submission ");
    sub_fails(f, s, 2, "DOCTYPE");
    free(s);
}

static void test_undeclared_entity(void **state)
{
    const fixture *f = *state;
    sub_edit_fails(f, "name=\"Testville\"", "name=\"&foo;\"", "foo");
    char *s = edit(valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"/>",
                   "criterion=\"DM5\" answer=\"yes\"><evidence>&nbsp;</evidence></response>");
    sub_fails(f, s, line_of(s, "&nbsp;"), "nbsp");
    free(s);
}

static void test_duplicate_attribute(void **state)
{
    const fixture *f = *state;
    sub_edit_fails(f, "population=\"100000\"", "population=\"1\" population=\"2\"", "population");
    char *s = edit(valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"",
                   "criterion=\"DM5\" answer=\"yes\" answer=\"no\"");
    cr_error err = sub_fails(f, s, line_of(s, "DM5"), "answer");
    assert_non_null(strstr(err.message, "redefined"));
    free(s);
}

/* ---- files ---- */

static void test_file_too_large(void **state)
{
    const fixture *f = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/too-large-%ld.xml", CR_TEST_TMP, (long)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    int rc = ftruncate(fd, (off_t)CR_INPUT_MAX_BYTES + 1); /* sparse: no disk used */
    close(fd);
    assert_int_equal(rc, 0);

    /* Refused by its size before a byte is read (the file is sparse: reading it would take long).
     */
    cr_error err;
    cr_error_init(&err);
    cr_submission *s = cr_submission_load(path, f->catalog, f->schemas, &err);
    assert_null(s);
    assert_input_error(&err, 0, "too large");
    assert_int_equal(err.line, 0);
    assert_string_equal(err.file, path);

    cr_error_init(&err);
    assert_null(cr_audit_load(path, f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    cr_error_init(&err);
    assert_null(cr_catalog_load(path, f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    unlink(path);

    /* A stream with no size (a character device) is not read at all, nor is a FIFO (opened
     * without blocking: no writer is waited for). */
    cr_error_init(&err);
    assert_null(cr_submission_load("/dev/zero", f->catalog, f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "is a device, not a regular file"));
    snprintf(path, sizeof path, "%s/fifo-%ld.xml", CR_TEST_TMP, (long)getpid());
    assert_int_equal(mkfifo(path, 0600), 0);
    cr_error_init(&err);
    assert_null(cr_audit_load(path, f->catalog, f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "is a FIFO, not a regular file"));
    cr_error_init(&err);
    assert_int_equal(cr_input_kind(path, &err), CR_KIND_UNKNOWN);
    assert_non_null(strstr(err.message, "FIFO"));
    unlink(path);
}

/* A city's files have a cap far below the global one; from a file and from memory alike. */
static void test_city_files_cap(void **state)
{
    const fixture *f = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/cap-%ld.xml", CR_TEST_TMP, (long)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    int rc = ftruncate(fd, (off_t)CR_SUBMISSION_MAX_BYTES + 1);
    close(fd);
    assert_int_equal(rc, 0);
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_submission_load(path, f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    assert_non_null(strstr(err.message, "4194304"));
    cr_error_init(&err);
    assert_null(cr_audit_load(path, f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    unlink(path);

    /* In memory: a valid submission padded with blanks to one byte over the cap. */
    char *s = valid_submission(f, "");
    size_t n = strlen(s), big = (size_t)CR_SUBMISSION_MAX_BYTES + 1;
    char *buf = malloc(big);
    assert_non_null(buf);
    memset(buf, ' ', big);
    memcpy(buf, s, n);
    cr_error_init(&err);
    assert_null(cr_submission_parse(buf, big, "portal-upload", f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "the limit for a submission is 4194304");
    /* At the cap it is read (the blanks after the root are allowed). */
    cr_error_init(&err);
    cr_submission *ok =
        cr_submission_parse(buf, big - 1, "portal-upload", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(ok);
    cr_submission_free(ok);
    cr_error_init(&err);
    assert_null(cr_audit_parse(buf, big, "portal-upload", f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "the limit for an audit log is 4194304");
    free(buf);
    free(s);
}

/* Attributes and namespace declarations are counted before libxml2 sees the document (it checks
 * them for duplicates in quadratic time): the limit holds exactly, wherever the tag is, and
 * 30,000 of them are refused by the count, not parsed. */
static char *with_attributes(const fixture *f, const char *prefix, int n)
{
    size_t cap = (size_t)n * 32 + 64;
    char *attrs = malloc(cap);
    assert_non_null(attrs);
    size_t used = (size_t)snprintf(attrs, cap, "<city");
    for (int i = 0; i < n; i++)
        used += (size_t)snprintf(attrs + used, cap - used, " %s%d=\"u\"", prefix, i);
    snprintf(attrs + used, cap - used, " ");
    char *s = edit(valid_submission(f, ""), "<city ", attrs);
    free(attrs);
    return s;
}

static void test_many_attributes(void **state)
{
    const fixture *f = *state;
    /* 64 attributes: past the pre-scan; unknown ones are accepted with a warning each. */
    char *s = with_attributes(
        f, "a", CR_XML_MAX_ATTRIBUTES - 4); /* + name country subdivision population */
    cr_error err;
    cr_error_init(&err);
    cr_submission *many_ok =
        cr_submission_parse(s, strlen(s), "sub.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(many_ok);
    assert_int_equal(err.warnings, CR_XML_MAX_ATTRIBUTES - 4);
    cr_submission_free(many_ok);
    free(s);
    s = with_attributes(f, "a", CR_XML_MAX_ATTRIBUTES - 3);
    sub_fails(f, s, 3, "element <city> has more than 64 attributes");
    free(s);
    s = with_attributes(f, "a", 30000);
    sub_fails(f, s, 3, "element <city> has more than 64 attributes");
    free(s);
    s = with_attributes(f, "xmlns:n", CR_XML_MAX_NAMESPACES); /* unused declarations: harmless */
    cr_error_init(&err);
    cr_submission *ok = cr_submission_parse(s, strlen(s), "ns.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(ok);
    cr_submission_free(ok);
    free(s);
    s = with_attributes(f, "xmlns:n", CR_XML_MAX_NAMESPACES + 1);
    sub_fails(f, s, 3, "element <city> has more than 16 namespace declarations");
    free(s);
    s = with_attributes(f, "xmlns:n", 30000);
    sub_fails(f, s, 3, "element <city> has more than 16 namespace declarations");
    free(s);
    /* Hidden in a comment, a CDATA section or an attribute value, a start tag still counts:
     * libxml2 could be made to parse it after an error. */
    char *many = with_attributes(f, "a", 100);
    char *tag = strstr(many, "<city");
    *strchr(tag, '>') = '\0';
    static const char *const wraps[][2] = {
        {"<!-- ", " -->"}, {"<![CDATA[", "]]>"}, {"<x a='", "'/>"}};
    for (size_t w = 0; w < 3; w++) {
        size_t cap = strlen(tag) + 64;
        char *ev = malloc(cap);
        assert_non_null(ev);
        snprintf(ev, cap, "<evidence>%s%s/>%s</evidence></response>", wraps[w][0], tag,
                 wraps[w][1]);
        char *t = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>",
                       "criterion=\"DM3\" answer=\"yes\">");
        t = edit(t, "criterion=\"DM3\" answer=\"yes\">", "criterion=\"DM3\" answer=\"yes\">X");
        t = edit(t, "X", ev);
        sub_fails(f, t, line_of(t, "<evidence>"), "element <city> has more than 64 attributes");
        free(t);
        free(ev);
    }
    free(many);
    /* In an audit log too, with the element named. */
    char ev[4096];
    int n = snprintf(ev, sizeof ev, "  <event at=\"2023-03-02T10:00:00Z\"");
    for (int i = 0; i < 70; i++)
        n += snprintf(ev + n, sizeof ev - (size_t)n, " b%d=\"1\"", i);
    snprintf(ev + n, sizeof ev - (size_t)n, " by=\"R\" type=\"step\" step=\"debrief\"/>\n");
    char *a = make_audit(SUB_ID, EV_SUBMITTED "\n");
    a = edit(a, "</audit>", ev);
    a = edit(a, "debrief\"/>\n", "debrief\"/>\n</audit>");
    audit_fails(f, a, 5, "element <event> has more than 64 attributes");
    free(a);
}

/* The size cap holds for input given from memory too (a web portal handing over a buffer). */
static void test_memory_too_large(void **state)
{
    const fixture *f = *state;
    size_t n = (size_t)CR_INPUT_MAX_BYTES + 1;
    char *buf = malloc(n);
    assert_non_null(buf);
    memset(buf, ' ', n);
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_submission_parse(buf, n, "portal-upload", f->catalog, f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    assert_string_equal(err.file, "portal-upload");
    cr_error_init(&err);
    assert_null(cr_catalog_parse(buf, n, "catalog-upload", f->schemas, &err));
    assert_input_error(&err, 0, "too large");
    free(buf);
}

static void test_file_not_readable(void **state)
{
    const fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    assert_null(cr_submission_load(CR_TEST_DATA, f->catalog, f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "directory"));
    assert_string_equal(err.file, CR_TEST_DATA);

    cr_error_init(&err);
    assert_null(cr_submission_load(BAD "no-such-file.xml", f->catalog, f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_non_null(strstr(err.message, "cannot open"));

    cr_error_init(&err);
    assert_null(cr_audit_load(BAD "no-such-file.xml", f->catalog, f->schemas, &err));
    assert_int_equal(err.code, CR_EIO);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.file, BAD "no-such-file.xml");

    cr_error_init(&err);
    assert_int_equal(cr_input_kind(BAD "no-such-file.xml", &err), CR_KIND_UNKNOWN);
    assert_int_equal(err.code, CR_EIO);
}

/* ---- audit logs ---- */

#define EV_CHANGE_DM1                                                                              \
    "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"DM1\" "             \
    "from=\"yes\" to=\"no\">\n"                                                                    \
    "    <comment>No charter.</comment>\n  </event>\n"

static void test_audit_valid_baseline(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(
        SUB_ID, EV_SUBMITTED EV_CHANGE_DM1
        "  <event at=\"2023-03-03T10:00:00+02:00\" by=\"R\" type=\"outcome\" metric=\"nominated\" "
        "verdict=\"met\"/>\n"
        "  <event at=\"2023-03-04\" by=\"R\" type=\"step\" step=\"certified\" tier=\"gold\"/>\n");
    cr_error err;
    cr_error_init(&err);
    cr_audit_log *log = cr_audit_parse(s, strlen(s), "ok.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(log);
    assert_string_equal(log->submission, SUB_ID);
    assert_int_equal(log->nevents, 4);
    assert_int_equal(log->events[1].type, CR_EVENT_CHANGE);
    assert_int_equal(log->events[1].line, 4);
    assert_int_equal(log->events[1].from, CR_ANSWER_YES);
    assert_int_equal(log->events[1].to, CR_ANSWER_NO);
    assert_string_equal(log->events[1].comment, "No charter.");
    assert_int_equal(log->events[2].at_unix, log->events[1].at_unix + 86400 - 7200);
    assert_true(log->events[2].met);
    assert_int_equal(log->events[3].step, CR_STEP_CERTIFIED);
    assert_int_equal(log->events[3].tier, cr_catalog_tier(f->catalog, "gold"));
    cr_audit_free(log);
    free(s);
}

static void test_audit_unknown_criterion(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" criterion=\"ZZ1\">\n"
        "    <comment>?</comment>\n  </event>\n");
    audit_fails(f, s, 4, "unknown criterion ZZ1");
    free(s);
    /* audit.xsd has no pattern for codes and answers: the loader refuses what they refused */
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" criterion=\" DM1\">\n"
        "    <comment>?</comment>\n  </event>\n");
    audit_fails(f, s, 4, "criterion DM1 has stray spaces");
    free(s);
    /* a stray space, an unknown answer */
    static const char *const changes[] = {"from=\"no\" to=\"yes \"", "from=\"maybe\" to=\"yes\""};
    for (size_t k = 0; k < sizeof changes / sizeof *changes; k++) {
        char ev[300];
        snprintf(ev, sizeof ev,
                 "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"DM1\" "
                 "%s>\n    <comment>?</comment>\n  </event>\n",
                 changes[k]);
        char events[600];
        snprintf(events, sizeof events, "%s%s", EV_SUBMITTED, ev);
        s = make_audit(SUB_ID, events);
        audit_fails(f, s, 4, "a change is from and to yes, in-progress or no");
        free(s);
    }
}

static void test_audit_change_without_comment(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(SUB_ID, EV_SUBMITTED
                         "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"change\" "
                         "criterion=\"DM1\" from=\"yes\" to=\"no\"/>\n");
    audit_fails(f, s, 4, "a change event needs a <comment>");
    free(s);
    /* A comment of blanks is no comment. */
    s = make_audit(SUB_ID,
                   EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" "
                                "criterion=\"DM1\"><comment> \n\t </comment></event>\n");
    audit_fails(f, s, 4, "a comment event needs a <comment>");
    free(s);
    /* A change without its to. */
    s = make_audit(SUB_ID,
                   EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"change\" "
                                "criterion=\"DM1\" from=\"yes\"><comment>x</comment></event>\n");
    audit_fails(f, s, 4, "needs both from and to");
    free(s);
}

static void test_audit_time_order(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(SUB_ID, EV_CHANGE_DM1 EV_SUBMITTED);
    audit_fails(f, s, 6, "time order");
    free(s);
    /* Time zones count: 10:30+02:00 is before 10:00Z. */
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-01T10:30:00+02:00\" by=\"R\" type=\"step\" step=\"debrief\"/>\n");
    audit_fails(f, s, 4, "time order");
    free(s);

    cr_error err;
    cr_error_init(&err);
    assert_null(cr_audit_load(BAD "time-order.audit.xml", f->catalog, f->schemas, &err));
    assert_input_error(&err, 7, "events must be in time order");
    assert_non_null(strstr(err.message, "line 4"));
}

static void test_audit_tiers(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(SUB_ID, EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" "
                                              "type=\"step\" step=\"debrief\" tier=\"gold\"/>\n");
    audit_fails(f, s, 4, "only a certified step carries a tier");
    free(s);
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"step\" step=\"certified\"/>\n");
    audit_fails(f, s, 4, "a certified step needs the awarded tier");
    free(s);
    s = make_audit(SUB_ID, EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" "
                                        "type=\"step\" step=\"certified\" tier=\"diamond\"/>\n");
    audit_fails(f, s, 4, "unknown tier diamond");
    free(s);
}

static void test_audit_outcome_verdicts(void **state)
{
    const fixture *f = *state;
    char *s = make_audit(SUB_ID,
                         EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" "
                                      "type=\"outcome\" metric=\"broadband\" verdict=\"met\"/>\n");
    audit_fails(f, s, 4, "outcome broadband is measured, not judged");
    free(s);
    s = make_audit(SUB_ID, EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" "
                                        "type=\"outcome\" metric=\"noise\" verdict=\"met\"/>\n");
    audit_fails(f, s, 4, "unknown outcome metric noise");
    free(s);
    /* An attribute of another event type. */
    s = make_audit(SUB_ID,
                   EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"outcome\" "
                                "metric=\"nominated\" verdict=\"met\" criterion=\"DM1\"/>\n");
    audit_fails(f, s, 4, "attribute criterion does not apply");
    free(s);
}

static void test_audit_bad_datetime(void **state)
{
    const fixture *f = *state;
    static const char *const bad[] = {"2023-13-01T00:00:00Z",      "2023-02-29T10:00:00Z",
                                      "2023-03-01T24:00:00Z",      "2023-03-01T10:60Z",
                                      "2023-03-01T10:00:00+15:00", "1800-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char ev[256];
        snprintf(ev, sizeof ev,
                 "  <event at=\"%s\" by=\"portal\" type=\"step\" step=\"submitted\"/>\n", bad[i]);
        char *s = make_audit(SUB_ID, ev);
        char needle[64];
        snprintf(needle, sizeof needle, "event time %s", bad[i]);
        audit_fails(f, s, 3, needle);
        free(s);
    }
    /* A bad time later in the log is one problem, not also an ordering one; the events around
     * it are still ordered against each other. */
    char *s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-02-30T10:00:00Z\" by=\"R\" type=\"step\" step=\"debrief\"/>\n"
        "  <event at=\"2023-03-05T10:00:00Z\" by=\"R\" type=\"step\" step=\"site-visit\"/>\n");
    cr_error err = audit_fails(f, s, 4, "event time 2023-02-30T10:00:00Z");
    assert_int_equal(err.count, 1);
    free(s);
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-02-30T10:00:00Z\" by=\"R\" type=\"step\" step=\"debrief\"/>\n"
        "  <event at=\"2023-02-05T10:00:00Z\" by=\"R\" type=\"step\" step=\"site-visit\"/>\n");
    err = audit_fails(f, s, 4, "event time 2023-02-30T10:00:00Z");
    assert_int_equal(err.count, 2);
    free(s);
    s = make_audit(
        SUB_ID, EV_SUBMITTED
        "  <event at=\"2023-03-01T09:00:00Z\" by=\"R\" type=\"step\" step=\"debrief\"/>\n");
    audit_fails(f, s, 4, "earlier than the event on line 3");
    free(s);

    /* Not even the shape of a date: the schema says so. */
    s = make_audit(SUB_ID,
                   "  <event at=\"yesterday\" by=\"portal\" type=\"step\" step=\"submitted\"/>\n");
    audit_fails(f, s, 3, "yesterday");
    free(s);
}

static void test_audit_many_events(void **state)
{
    const fixture *f = *state;
    /* As many events as fit the audit log's cap, after PAD blank lines, so the last ones sit on
     * lines past 65535 (libxml2 keeps them right only with XML_PARSE_BIG_LINES). */
    enum { N = 30000, PAD = 50000 };
    const char *tmpl = "<event at=\"%04d-%02d-%02dT%02d:%02d:00Z\" by=\"R\" type=\"comment\" "
                       "criterion=\"DM1\"><comment>note %d</comment></event>\n";
    size_t cap = (size_t)N * 128 + PAD + 1;
    char *events = malloc(cap);
    assert_non_null(events);
    memset(events, '\n', PAD);
    size_t used = PAD;
    for (int i = 0; i < N; i++) {
        int minutes = i, day = minutes / 1440;
        used +=
            (size_t)snprintf(events + used, cap - used, tmpl, 2023 + day / 336, 1 + day / 28 % 12,
                             1 + day % 28, minutes / 60 % 24, minutes % 60, i);
    }
    char *s = make_audit(SUB_ID, events);
    free(events);
    assert_true(strlen(s) <= CR_AUDIT_MAX_BYTES);

    cr_error err;
    cr_error_init(&err);
    cr_audit_log *log = cr_audit_parse(s, strlen(s), "big.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(log);
    assert_int_equal(log->nevents, N);
    assert_int_equal(log->events[N - 1].line, PAD + N + 2); /* lines past 65535 are right */
    assert_string_equal(log->events[N - 1].comment, "note 29999");

    /* And it applies. */
    char *sub_text = valid_submission(f, "");
    cr_submission *sub =
        cr_submission_parse(sub_text, strlen(sub_text), "sub.xml", f->catalog, f->schemas, &err);
    assert_non_null(sub);
    cr_audited *a = cr_audit_apply(f->catalog, sub, log, &err);
    assert_no_error(&err);
    assert_non_null(a);
    assert_int_equal(a->criteria[cr_catalog_criterion(f->catalog, "DM1")].nnotes, N);
    cr_audited_free(a);
    cr_submission_free(sub);
    cr_audit_free(log);
    free(sub_text);

    /* A problem near the end is reported on its real line. */
    char *late = replace(s, "<comment>note 29990</comment>",
                         "<comment>note 29990</comment><comment>again</comment>");
    audit_fails(f, late, PAD + N + 2 - 9, "comment");
    free(late);
    free(s);
}

static void test_audit_huge_comment(void **state)
{
    const fixture *f = *state;
    char *big = repeat("word ", 200000); /* 1 MB */
    size_t cap = strlen(big) + 256;
    char *ev = malloc(cap);
    assert_non_null(ev);
    snprintf(ev, cap,
             "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" criterion=\"DM1\">\n"
             "    <comment>%s</comment>\n  </event>\n",
             big);
    char *s = make_audit(SUB_ID, ev);
    cr_error err = audit_fails(f, s, 4, "8000");
    assert_non_null(strstr(err.message, "comment"));
    free(s);
    free(ev);
    free(big);
}

/* ---- deep nesting ---- */

static void test_deep_nesting(void **state)
{
    const fixture *f = *state;
    char *open = repeat("<evidence>", 10000), *close = repeat("</evidence>", 10000);
    size_t cap = strlen(open) + strlen(close) + 128;
    char *resp = malloc(cap);
    assert_non_null(resp);
    snprintf(resp, cap, "criterion=\"DM3\" answer=\"yes\">%sx%s</response>", open, close);
    char *s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>", resp);
    sub_fails(f, s, 7, "depth");
    free(s);
    free(resp);
    free(open);
    free(close);

    /* 50,000 unknown elements nested in an audit comment. */
    open = repeat("<x>", 50000);
    close = repeat("</x>", 50000);
    cap = strlen(open) + strlen(close) + 256;
    char *ev = malloc(cap);
    assert_non_null(ev);
    snprintf(ev, cap,
             "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" "
             "criterion=\"DM1\"><comment>%s%s</comment></event>\n",
             open, close);
    s = make_audit(SUB_ID, ev);
    audit_fails(f, s, 3, "depth");
    free(s);
    free(ev);
    free(open);
    free(close);

    /* More elements than a document may have: refused by the count before libxml2 builds a tree
     * of them, on the line of the first one too many. */
    char *flat = repeat("<x/>\n", CR_XML_MAX_ELEMENTS);
    cap = strlen(flat) + 256;
    ev = malloc(cap);
    assert_non_null(ev);
    snprintf(ev, cap,
             "  <event at=\"2023-03-02T10:00:00Z\" by=\"R\" type=\"comment\" "
             "criterion=\"DM1\"><comment>\n%s</comment></event>\n",
             flat);
    s = make_audit(SUB_ID, ev);
    audit_fails(f, s, 3 + CR_XML_MAX_ELEMENTS - 2, "more than 100000 elements in one document");
    free(s);
    free(ev);
    free(flat);
}

/* libxml2's dictionary of names slows down quadratically with distinct names: capped. Bound by
 * construction: the parser stops once the names take CR_XML_MAX_NAMES_BYTES. */
static void test_many_names(void **state)
{
    const fixture *f = *state;
    enum { N = 20000 };
    char *names = malloc((size_t)N * 16 + 64);
    assert_non_null(names);
    size_t used = (size_t)sprintf(names, "criterion=\"DM3\" answer=\"yes\"><evidence>");
    for (int i = 0; i < N; i++)
        used += (size_t)sprintf(names + used, "<e%d/>", i);
    sprintf(names + used, "</evidence></response>");
    char *s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>", names);
    sub_fails(f, s, line_of(s, "<e0/>"),
              "too many different element or attribute names (more than 64 KB of them)");
    free(s);
    free(names);
}

/* The outcome of one submission read with |schemas|: NULL-ness, code, line and message. */
typedef struct outcome {
    bool ok;
    cr_error err;
} outcome;

static outcome read_with(const fixture *f, const cr_schemas *schemas, const char *s)
{
    outcome o;
    cr_error_init(&o.err);
    cr_submission *sub = cr_submission_parse(s, strlen(s), "r.xml", f->catalog, schemas, &o.err);
    o.ok = sub != NULL;
    cr_submission_free(sub);
    return o;
}

/* A submission whose DM3 response holds |n| distinct elements <eK/>, K from |first|. */
static char *with_names(const fixture *f, int first, int n)
{
    char *names = malloc((size_t)n * 16 + 64);
    assert_non_null(names);
    size_t used = (size_t)sprintf(names, "criterion=\"DM3\" answer=\"yes\"><evidence>");
    for (int i = 0; i < n; i++)
        used += (size_t)sprintf(names + used, "<e%d/>", first + i);
    sprintf(names + used, "</evidence></response>");
    char *s = edit(valid_submission(f, ""), "criterion=\"DM3\" answer=\"yes\"/>", names);
    free(names);
    return s;
}

/* The schemas keep each thread's parser context (and its dictionary of names) from one document
 * to the next. Whatever came before, a document must read exactly as in a fresh context: the
 * same document or the same problem at the same line, the names cap included. Each document is
 * read after all the ones before it with the fixture's schemas, and alone with new ones. */
static void test_reused_reader_same_outcome(void **state)
{
    const fixture *f = *state;
    enum { NDOCS = 12 };
    char *docs[NDOCS];
    int k = 0;
    docs[k++] = valid_submission(f, "");
    docs[k++] = with_names(f, 0, 300); /* ~2 KB of names: invalid evidence, dictionary kept? */
    docs[k++] = valid_submission(f, "");
    docs[k++] = with_names(f, 300, 500); /* past the dictionary kept, read again */
    docs[k++] = with_names(f, 0, 6000);  /* tens of KB of names, near the cap */
    docs[k++] = with_names(f, 0, 9000);  /* past the cap */
    docs[k++] = with_names(f, 0, 20000); /* far past it */
    docs[k++] = edit(valid_submission(f, ""), "<submission", "<!DOCTYPE x []><submission");
    docs[k++] = edit(valid_submission(f, ""), "</responses>", "</response>");
    docs[k++] = edit(valid_submission(f, ""), "Testville", "Test&#x1;ville");
    docs[k++] = edit(valid_submission(f, ""), "Testville", "Test\xe2\x80\x8bville");
    docs[k++] = valid_submission(f, "");
    assert_int_equal(k, NDOCS);
    for (int i = 0; i < NDOCS; i++) {
        outcome reused = read_with(f, f->schemas, docs[i]);
        cr_error err;
        cr_error_init(&err);
        cr_schemas *fresh_schemas = cr_schemas_load(CR_TEST_ASSETS "/schemas", &err);
        assert_non_null(fresh_schemas);
        outcome fresh = read_with(f, fresh_schemas, docs[i]);
        cr_schemas_free(fresh_schemas);
        if (reused.ok != fresh.ok || reused.err.code != fresh.err.code ||
            reused.err.line != fresh.err.line || strcmp(reused.err.message, fresh.err.message))
            fail_msg("document %d: reused %d %ld %s, fresh %d %ld %s", i, reused.ok,
                     reused.err.line, reused.err.message, fresh.ok, fresh.err.line,
                     fresh.err.message);
    }
    /* Near the cap, after a valid document with 200 attribute names of its own: a dictionary
     * that still held them would reach the cap sooner than a fresh one. */
    enum { PRIMES = 200, PER = 50 };
    char *prime = valid_submission(f, "");
    for (int r = 0; r < PRIMES / PER; r++) {
        char attrs[PER * 16 + 32], code[32];
        size_t used = 0;
        for (int a = 0; a < PER; a++)
            used += (size_t)snprintf(attrs + used, sizeof attrs - used, "p%d=\"x\" ", r * PER + a);
        snprintf(code, sizeof code, "criterion=\"DM%d\"", r + 1);
        snprintf(attrs + used, sizeof attrs - used, "%s", code);
        prime = edit(prime, code, attrs);
    }
    unsigned differ = 0, capped_runs = 0;
    for (int n = 13400; n <= 13800; n += 20) { /* the cap falls at about 13,600 */
        char *s = with_names(f, 0, n);
        assert_true(read_with(f, f->schemas, prime).ok);
        outcome reused = read_with(f, f->schemas, s);
        cr_error err;
        cr_error_init(&err);
        cr_schemas *fresh_schemas = cr_schemas_load(CR_TEST_ASSETS "/schemas", &err);
        assert_non_null(fresh_schemas);
        outcome fresh = read_with(f, fresh_schemas, s);
        cr_schemas_free(fresh_schemas);
        differ +=
            reused.err.line != fresh.err.line || strcmp(reused.err.message, fresh.err.message);
        capped_runs += strstr(fresh.err.message, "too many different") != NULL;
        free(s);
    }
    free(prime);
    assert_int_equal(differ, 0);
    assert_true(capped_runs > 0); /* the sweep crosses the cap */
    /* The cases are what they claim: valid ones read, the last name cases hit the cap. */
    assert_true(read_with(f, f->schemas, docs[0]).ok);
    outcome capped = read_with(f, f->schemas, docs[6]);
    assert_false(capped.ok);
    assert_non_null(strstr(capped.err.message, "too many different element or attribute names"));
    for (int i = 0; i < NDOCS; i++)
        free(docs[i]);
}

/* ---- several problems at once ---- */

typedef struct seen {
    unsigned n;
    char messages[8][512];
    long lines[8];
} seen;

static void collect(void *data, const cr_error *problem)
{
    seen *s = data;
    if (s->n < 8) {
        snprintf(s->messages[s->n], sizeof s->messages[s->n], "%s", problem->message);
        s->lines[s->n] = problem->line;
    }
    s->n++;
}

static void test_every_problem_reported(void **state)
{
    const fixture *f = *state;
    char *s = edit(valid_submission(f, ""), "population=\"100000\"", "population=\"0\"");
    s = edit(s, "criterion=\"DM3\"", "criterion=\"ZZ9\"");
    seen got = {0};
    cr_error err;
    cr_error_init(&err);
    err.sink = collect;
    err.sink_data = &got;
    assert_null(cr_submission_parse(s, strlen(s), "two.xml", f->catalog, f->schemas, &err));
    assert_true(err.count >= 2);
    assert_int_equal(got.n, err.count);
    /* The first problem is the one kept. */
    assert_input_error(&err, 3, "population must be positive");
    bool pop = false, unknown = false;
    for (unsigned i = 0; i < got.n && i < 8; i++) {
        pop |= strstr(got.messages[i], "population must be positive") && got.lines[i] == 3;
        unknown |= strstr(got.messages[i], "unknown criterion ZZ9") && got.lines[i] == 7;
    }
    assert_true(pop);
    assert_true(unknown);
    free(s);
}

/* ---- the samples, text ---- */

static void test_samples_load(void **state)
{
    const fixture *f = *state;
    DIR *d = opendir(CR_TEST_SAMPLES);
    assert_non_null(d);
    unsigned nsub = 0, naudit = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        size_t n = strlen(name);
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", CR_TEST_SAMPLES, name);
        cr_error err;
        cr_error_init(&err);
        if (n > 15 && strcmp(name + n - 15, ".submission.xml") == 0) {
            cr_submission *s = cr_submission_load(path, f->catalog, f->schemas, &err);
            assert_no_error(&err);
            assert_non_null(s);
            assert_int_equal(strncmp(name, s->id, n - 15), 0);
            cr_submission_free(s);
            nsub++;
        } else if (n > 10 && strcmp(name + n - 10, ".audit.xml") == 0) {
            cr_audit_log *a = cr_audit_load(path, f->catalog, f->schemas, &err);
            assert_no_error(&err);
            assert_non_null(a);
            assert_true(a->nevents > 0);
            cr_audit_free(a);
            naudit++;
        }
    }
    closedir(d);
    assert_int_equal(nsub, 11);
    assert_int_equal(naudit, 10);
}

static void test_accents_survive(void **state)
{
    const fixture *f = *state;
    static const struct {
        const char *id, *name;
    } cities[] = {{"bogota", "Bogot\xC3\xA1"},
                  {"montreal", "Montr\xC3\xA9"
                               "al"},
                  {"sao-paulo", "S\xC3\xA3o Paulo"},
                  {"medellin", "Medell\xC3\xADn"}};
    for (size_t i = 0; i < sizeof cities / sizeof cities[0]; i++) {
        char path[1024];
        cr_error err;
        cr_error_init(&err);
        cr_submission *s =
            cr_submission_load(sample_path(path, sizeof path, cities[i].id, ".submission.xml"),
                               f->catalog, f->schemas, &err);
        assert_no_error(&err);
        assert_non_null(s);
        assert_string_equal(s->city.name, cities[i].name);
        cr_submission_free(s);
    }
    /* By character reference too. */
    char *text =
        edit(valid_submission(f, ""), "name=\"Testville\"", "name=\"Bogot&#xE1; &#x1F3D9;\"");
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_parse(text, strlen(text), "t.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_string_equal(s->city.name, "Bogot\xC3\xA1 \xF0\x9F\x8F\x99");
    cr_submission_free(s);
    free(text);
}

static void test_whitespace_collapsed(void **state)
{
    const fixture *f = *state;
    char *text = edit(valid_submission(f, ""), "criterion=\"DM5\" answer=\"yes\"/>",
                      "criterion=\"DM5\" answer=\"yes\">\n"
                      "      <evidence>\n   Privacy   policy\t(2022),\r\n   updated  &amp; "
                      "<![CDATA[signed]]>  </evidence>\n"
                      "      <evidence>   </evidence>\n    </response>");
    text = edit(text, "name=\"Testville\"", "name=\"  New \t York  \"");
    cr_error err;
    cr_error_init(&err);
    cr_submission *s =
        cr_submission_parse(text, strlen(text), "ws.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    const cr_response *r = &s->responses[cr_catalog_criterion(f->catalog, "DM5")];
    assert_int_equal(r->nevidence, 2);
    assert_string_equal(r->evidence[0], "Privacy policy (2022), updated & signed");
    assert_string_equal(r->evidence[1], "");
    assert_string_equal(s->city.name, "New York");
    cr_submission_free(s);
    free(text);

    char *log_text =
        make_audit(SUB_ID, EV_SUBMITTED "  <event at=\"2023-03-02T10:00:00Z\" by=\"  J.   Doe \" "
                                        "type=\"comment\" criterion=\"DM1\">\n"
                                        "    <comment>\n      Clearly   met:\n\n      charter\tand "
                                        "minutes.\n    </comment>\n  </event>\n");
    cr_error_init(&err);
    cr_audit_log *log =
        cr_audit_parse(log_text, strlen(log_text), "ws.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(log);
    assert_string_equal(log->events[1].comment, "Clearly met: charter and minutes.");
    assert_string_equal(log->events[1].by, "J. Doe");
    cr_audit_free(log);
    free(log_text);
}

/* ---- catalog files go through the same reader ---- */

/* A text file of at most 1 MiB, NUL-terminated (malloc'd). */
static char *read_text(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    fclose(fp);
    buf[*len] = '\0';
    return buf;
}

static void test_catalog_input_safety(void **state)
{
    const fixture *f = *state;
    size_t len;
    cr_error err;
    cr_error_init(&err);
    char *buf = read_text(CR_TEST_ASSETS "/catalog-2023.xml", &len);

    cr_catalog *cat = cr_catalog_parse(buf, len, "cat.xml", f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(cat);
    cr_catalog_free(cat);

    char *bad =
        replace(buf, "<catalog ",
                "<!DOCTYPE catalog [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<catalog ");
    cr_error_init(&err);
    assert_null(cr_catalog_parse(bad, strlen(bad), "cat.xml", f->schemas, &err));
    assert_input_error(&err, 2, "DOCTYPE");
    free(bad);

    bad = replace(buf, "Data Management", "Data \xE9 Management");
    cr_error_init(&err);
    assert_null(cr_catalog_parse(bad, strlen(bad), "cat.xml", f->schemas, &err));
    assert_input_error(&err, line_of(bad, "Data \xE9"), "invalid UTF-8");
    free(bad);
    free(buf);
}

/* A layout file from memory: the same checks as from a file; messages name what the caller
 * called it. */
static void test_layout_from_memory(void **state)
{
    const fixture *f = *state;
    const char *fonts = CR_TEST_ASSETS "/../fonts";
    size_t len;
    cr_error err;
    cr_error_init(&err);
    char *buf = read_text(CR_TEST_ASSETS "/../layouts/default.xml", &len);

    cr_layout_spec *spec = cr_layout_spec_parse(buf, len, "mem.xml", fonts, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(spec);
    assert_string_equal(cr_layout_spec_fonts(spec)[CR_FACE_BOLD],
                        CR_TEST_ASSETS "/../fonts/NotoSans-Bold.ttf");
    cr_layout_spec_free(spec);

    char *bad = replace(buf, "<layout ",
                        "<!DOCTYPE layout [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<layout ");
    cr_error_init(&err);
    assert_null(cr_layout_spec_parse(bad, strlen(bad), "mem.xml", fonts, f->schemas, &err));
    assert_input_error(&err, line_of(bad, "<!DOCTYPE"), "DOCTYPE");
    assert_string_equal(err.file, "mem.xml");
    free(bad);

    bad = replace(buf, "margin-left=\"54\"", "margin-left=\"400\"");
    cr_error_init(&err);
    assert_null(cr_layout_spec_parse(bad, strlen(bad), "mem.xml", fonts, f->schemas, &err));
    assert_input_error(&err, line_of(bad, "<layout "), "margins leave too little room");
    free(bad);

    /* The columns of a table are given in points of the grid, and fit it. */
    bad = replace(buf, "grid=\"504\"", "grid=\"100\"");
    cr_error_init(&err);
    assert_null(cr_layout_spec_parse(bad, strlen(bad), "mem.xml", fonts, f->schemas, &err));
    assert_input_error(&err, line_of(bad, "<table name=\"criteria\""), "wider than the grid");
    free(bad);

    bad = replace(buf, "bold=\"NotoSans-Bold.ttf\"", "bold=\"a..ttf\"");
    cr_error_init(&err);
    assert_null(cr_layout_spec_parse(bad, strlen(bad), "mem.xml", fonts, f->schemas, &err));
    assert_input_error(&err, 0, "must be a file in the fonts folder");
    free(bad);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_baseline),
        cmocka_unit_test(test_malformed_unclosed_tag),
        cmocka_unit_test(test_malformed_file),
        cmocka_unit_test(test_wrong_root),
        cmocka_unit_test(test_schema_bad_answer),
        cmocka_unit_test(test_response_bounds),
        cmocka_unit_test(test_schema_missing_attribute),
        cmocka_unit_test(test_schema_unknown_element),
        cmocka_unit_test(test_unknown_criterion),
        cmocka_unit_test(test_duplicate_criterion),
        cmocka_unit_test(test_missing_response),
        cmocka_unit_test(test_audit_of_another_submission),
        cmocka_unit_test(test_population_range),
        cmocka_unit_test(test_outcome_ranges),
        cmocka_unit_test(test_date_and_cycle_range),
        cmocka_unit_test(test_number_formats),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_control_character_references),
        cmocka_unit_test(test_xxe),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_quadratic_blowup),
        cmocka_unit_test(test_doctype_without_entities),
        cmocka_unit_test(test_undeclared_entity),
        cmocka_unit_test(test_duplicate_attribute),
        cmocka_unit_test(test_file_too_large),
        cmocka_unit_test(test_memory_too_large),
        cmocka_unit_test(test_city_files_cap),
        cmocka_unit_test(test_many_attributes),
        cmocka_unit_test(test_many_names),
        cmocka_unit_test(test_file_not_readable),
        cmocka_unit_test(test_audit_valid_baseline),
        cmocka_unit_test(test_audit_unknown_criterion),
        cmocka_unit_test(test_audit_change_without_comment),
        cmocka_unit_test(test_audit_time_order),
        cmocka_unit_test(test_audit_tiers),
        cmocka_unit_test(test_audit_outcome_verdicts),
        cmocka_unit_test(test_audit_bad_datetime),
        cmocka_unit_test(test_audit_many_events),
        cmocka_unit_test(test_audit_huge_comment),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_every_problem_reported),
        cmocka_unit_test(test_reused_reader_same_outcome),
        cmocka_unit_test(test_samples_load),
        cmocka_unit_test(test_accents_survive),
        cmocka_unit_test(test_whitespace_collapsed),
        cmocka_unit_test(test_catalog_input_safety),
        cmocka_unit_test(test_layout_from_memory),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
