/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: applying audit logs, stale changes, notes, steps and the awarded tier. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CITY "name=\"Testville\" country=\"US\" population=\"120000\""

typedef struct world {
    cr_submission *sub;
    cr_audit_log *log;
    cr_audited *a;
} world;

/* A submission answering everything yes (or |answer|) and the audit log |events|. */
static void build(void **state, world *w, const char *answer, const char *events)
{
    fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    char *text = make_submission(f->catalog, "t1", CITY, answer, "");
    w->sub =
        cr_submission_parse(text, strlen(text), "t1.submission.xml", f->catalog, f->schemas, &err);
    free(text);
    assert_no_error(&err);
    char log[16384];
    snprintf(log, sizeof log, "<audit submission=\"t1\">\n%s</audit>\n", events);
    w->log = cr_audit_parse(log, strlen(log), "t1.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    w->a = cr_audit_apply(f->catalog, w->sub, w->log, &err);
    assert_no_error(&err);
}

static void done(world *w)
{
    cr_audited_free(w->a);
    cr_audit_free(w->log);
    cr_submission_free(w->sub);
}

static const cr_criterion_state *state_of(void **state, world *w, const char *code)
{
    size_t i = cr_catalog_criterion(((fixture *)*state)->catalog, code);
    assert_true(i != CR_NONE);
    return &w->a->criteria[i];
}

static void test_change_applies(void **state)
{
    world w;
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"DM8\" "
          "from=\"yes\" to=\"in-progress\">"
          "<comment>  Needs   demographic\n standards. </comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "DM8");
    assert_int_equal(s->submitted, CR_ANSWER_YES);
    assert_int_equal(s->answer, CR_ANSWER_IN_PROGRESS);
    assert_true(s->audited);
    assert_true(s->changed);
    assert_false(s->stale);
    assert_int_equal(s->nnotes, 1);
    assert_string_equal(s->notes[0]->comment, "Needs demographic standards.");
    assert_int_equal(s->notes[0]->line, 2);
    /* Others untouched. */
    const cr_criterion_state *o = state_of(state, &w, "DM7");
    assert_false(o->audited);
    assert_false(o->changed);
    assert_int_equal(o->answer, CR_ANSWER_YES);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(w.a, &sc, &err), CR_OK);
    assert_int_equal(sc.met, 42);
    assert_int_equal(sc.nchanged, 1);
    assert_int_equal(sc.nstale, 0);
    done(&w);
}

static void test_stale_change_keeps_city_answer(void **state)
{
    /* The city now says in-progress; the reviewer's change was from yes: stale. */
    world w;
    build(state, &w, "in-progress",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"OD2\" "
          "from=\"yes\" to=\"no\">"
          "<comment>Not found.</comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "OD2");
    assert_int_equal(s->answer, CR_ANSWER_IN_PROGRESS);
    assert_true(s->stale);
    assert_true(s->audited);
    assert_false(s->changed);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(w.a, &sc, &err), CR_OK);
    assert_int_equal(sc.nstale, 1);
    assert_string_equal(w.sub->responses[sc.stale[0]].line ? "OD2" : "?", "OD2");
    assert_int_equal(sc.stale[0], cr_catalog_criterion(((fixture *)*state)->catalog, "OD2"));
    done(&w);
}

static void test_changes_apply_in_order(void **state)
{
    /* yes -> no, then no -> in-progress: both apply; a third from yes is stale. */
    world w;
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"LC3\" "
          "from=\"yes\" to=\"no\"><comment>a</comment></event>\n"
          "<event at=\"2023-04-02T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"LC3\" "
          "from=\"no\" to=\"in-progress\"><comment>b</comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "LC3");
    assert_int_equal(s->answer, CR_ANSWER_IN_PROGRESS);
    assert_false(s->stale);
    assert_int_equal(s->nnotes, 2);
    assert_string_equal(s->notes[0]->comment, "a");
    assert_string_equal(s->notes[1]->comment, "b");
    done(&w);

    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"LC3\" "
          "from=\"yes\" to=\"no\"><comment>a</comment></event>\n"
          "<event at=\"2023-04-02T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"LC3\" "
          "from=\"yes\" to=\"in-progress\"><comment>b</comment></event>\n");
    s = state_of(state, &w, "LC3");
    assert_int_equal(s->answer, CR_ANSWER_NO);
    assert_true(s->stale);
    done(&w);
}

static void test_later_change_clears_stale(void **state)
{
    world w;
    build(state, &w, "in-progress",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"OD2\" "
          "from=\"yes\" to=\"no\"><comment>a</comment></event>\n"
          "<event at=\"2023-05-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"OD2\" "
          "from=\"in-progress\" to=\"yes\"><comment>re-reviewed</comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "OD2");
    assert_int_equal(s->answer, CR_ANSWER_YES);
    assert_false(s->stale);
    assert_true(s->changed);
    done(&w);
}

static void test_change_back_is_not_changed(void **state)
{
    world w;
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"EVAL2\" "
          "from=\"yes\" to=\"no\"><comment>a</comment></event>\n"
          "<event at=\"2023-04-09T10:00:00Z\" by=\"R\" type=\"change\" criterion=\"EVAL2\" "
          "from=\"no\" to=\"yes\"><comment>b</comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "EVAL2");
    assert_int_equal(s->answer, CR_ANSWER_YES);
    assert_false(s->changed);
    assert_true(s->audited);
    done(&w);
}

static void test_comment_marks_audited(void **state)
{
    world w;
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"comment\" "
          "criterion=\"SI2\"><comment>Great practice.</comment></event>\n");
    const cr_criterion_state *s = state_of(state, &w, "SI2");
    assert_true(s->audited);
    assert_false(s->changed);
    assert_int_equal(s->answer, CR_ANSWER_YES);
    assert_int_equal(s->nnotes, 1);
    done(&w);
}

static void test_steps_and_award(void **state)
{
    world w;
    build(
        state, &w, "yes",
        "<event at=\"2023-02-14\" by=\"portal\" type=\"step\" step=\"submitted\"/>\n"
        "<event at=\"2023-04-01T12:00:00-05:00\" by=\"R\" type=\"step\" step=\"interim-report\"/>\n"
        "<event at=\"2023-06-10T12:00\" by=\"R\" type=\"step\" step=\"site-visit\"/>\n"
        "<event at=\"2023-07-14T12:00:00Z\" by=\"C\" type=\"step\" step=\"certified\" "
        "tier=\"gold\"/>\n");
    fixture *f = *state;
    assert_true(w.a->steps[CR_STEP_SUBMITTED].reached);
    assert_true(w.a->steps[CR_STEP_INTERIM_REPORT].reached);
    assert_false(w.a->steps[CR_STEP_DEBRIEF].reached); /* optional step, skipped */
    assert_true(w.a->steps[CR_STEP_SITE_VISIT].reached);
    assert_int_equal(w.a->current_step, CR_STEP_CERTIFIED);
    assert_string_equal(f->catalog->tiers[w.a->awarded].id, "gold");
    assert_string_equal(w.a->steps[CR_STEP_INTERIM_REPORT].event->at, "2023-04-01T12:00:00-05:00");
    /* The zone counts: 12:00-05:00 is 17:00 UTC. */
    assert_int_equal(w.a->steps[CR_STEP_INTERIM_REPORT].event->at_unix % 86400, 17 * 3600);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score(w.a, &sc, &err), CR_OK);
    assert_string_equal(f->catalog->tiers[sc.awarded].id, "gold");
    done(&w);
}

static void test_nominated_verdict(void **state)
{
    fixture *f = *state;
    world w;
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"outcome\" metric=\"nominated\" "
          "verdict=\"met\"/>\n"
          "<event at=\"2023-04-02T10:00:00Z\" by=\"R\" type=\"outcome\" metric=\"nominated\" "
          "verdict=\"not-met\"/>\n");
    /* The latest verdict stands. */
    assert_int_equal(w.a->verdicts[cr_catalog_outcome(f->catalog, "nominated")], 0);
    done(&w);
    build(state, &w, "yes",
          "<event at=\"2023-04-01T10:00:00Z\" by=\"R\" type=\"outcome\" metric=\"nominated\" "
          "verdict=\"met\"/>\n");
    assert_int_equal(w.a->verdicts[cr_catalog_outcome(f->catalog, "nominated")], 1);
    assert_int_equal(w.a->verdicts[cr_catalog_outcome(f->catalog, "broadband")], -1);
    done(&w);
}

static void test_no_audit_log(void **state)
{
    fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    char *text = make_submission(f->catalog, "t1", CITY, "no", "");
    cr_submission *sub =
        cr_submission_parse(text, strlen(text), "t1", f->catalog, f->schemas, &err);
    free(text);
    assert_no_error(&err);
    cr_audited *a = cr_audit_apply(f->catalog, sub, NULL, &err);
    assert_no_error(&err);
    assert_int_equal(a->current_step, -1);
    assert_true(a->awarded == CR_NONE);
    for (size_t i = 0; i < a->ncriteria; i++) {
        assert_false(a->criteria[i].audited);
        assert_int_equal(a->criteria[i].answer, CR_ANSWER_NO);
    }
    cr_audited_free(a);
    cr_submission_free(sub);
}

static void test_log_for_another_submission(void **state)
{
    fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    char *text = make_submission(f->catalog, "t1", CITY, "yes", "");
    cr_submission *sub =
        cr_submission_parse(text, strlen(text), "t1.submission.xml", f->catalog, f->schemas, &err);
    free(text);
    const char *log = "<?xml version=\"1.0\"?>\n\n<audit submission=\"other\"/>\n";
    cr_audit_log *l =
        cr_audit_parse(log, strlen(log), "other.audit.xml", f->catalog, f->schemas, &err);
    assert_no_error(&err);
    assert_null(cr_audit_apply(f->catalog, sub, l, &err));
    assert_input_error(&err, 3, "\"other\", not \"t1\"");
    assert_string_equal(err.file, "other.audit.xml");
    cr_audit_free(l);
    cr_submission_free(sub);
}

static void test_programs_attach_to_criteria(void **state)
{
    fixture *f = *state;
    cr_error err;
    cr_error_init(&err);
    char *text =
        make_submission(f->catalog, "t1", CITY, "yes",
                        "  <programs><program name=\"City Data Alliance\" criteria=\"DM1 LC2\"/>"
                        "<program name=\"Sprint\" criteria=\"LC2\"/></programs>\n");
    cr_submission *sub =
        cr_submission_parse(text, strlen(text), "t1", f->catalog, f->schemas, &err);
    free(text);
    assert_no_error(&err);
    cr_audited *a = cr_audit_apply(f->catalog, sub, NULL, &err);
    const cr_criterion_state *lc2 = &a->criteria[cr_catalog_criterion(f->catalog, "LC2")];
    assert_int_equal(lc2->nprograms, 2);
    assert_string_equal(sub->programs[lc2->programs[0]].name, "City Data Alliance");
    assert_string_equal(sub->programs[lc2->programs[1]].name, "Sprint");
    assert_int_equal(a->criteria[cr_catalog_criterion(f->catalog, "DM1")].nprograms, 1);
    assert_int_equal(a->criteria[cr_catalog_criterion(f->catalog, "DM2")].nprograms, 0);
    cr_audited_free(a);
    cr_submission_free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_change_applies),
        cmocka_unit_test(test_stale_change_keeps_city_answer),
        cmocka_unit_test(test_changes_apply_in_order),
        cmocka_unit_test(test_later_change_clears_stale),
        cmocka_unit_test(test_change_back_is_not_changed),
        cmocka_unit_test(test_comment_marks_audited),
        cmocka_unit_test(test_steps_and_award),
        cmocka_unit_test(test_nominated_verdict),
        cmocka_unit_test(test_no_audit_log),
        cmocka_unit_test(test_log_for_another_submission),
        cmocka_unit_test(test_programs_attach_to_criteria),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
