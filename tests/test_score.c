/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: scoring rules and their boundaries, on the shipped 2023 catalog
 * (43 criteria; Silver 51%, Gold 68%, Platinum 85% + DM8 + all outcomes). */
#include "testutil.h"

#include <string.h>

/* Answers with the three core criteria, DM8 as asked, and |met| criteria in all met. */
static void answers_with(const cr_catalog *cat, unsigned met, bool dm8, cr_answer *out)
{
    size_t dm8i = cr_catalog_criterion(cat, "DM8");
    unsigned n = 0;
    for (size_t i = 0; i < cat->ncriteria; i++)
        out[i] = CR_ANSWER_IN_PROGRESS;
    for (size_t i = 0; i < cat->ncriteria; i++)
        if (cat->criteria[i].core && n < met)
            out[i] = CR_ANSWER_YES, n++;
    if (dm8 && n < met)
        out[dm8i] = CR_ANSWER_YES, n++;
    for (size_t i = 0; i < cat->ncriteria && n < met; i++)
        if (out[i] != CR_ANSWER_YES && i != dm8i)
            out[i] = CR_ANSWER_YES, n++;
    assert_int_equal(n, met);
}

static const char *tier_of(const cr_catalog *cat, const cr_scorecard *sc)
{
    return sc->tier == CR_NONE ? "none" : cat->tiers[sc->tier].id;
}

static const char *score_tier(const cr_catalog *cat, unsigned met, bool dm8, unsigned outcomes)
{
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {false};
    for (unsigned o = 0; o < outcomes; o++)
        out[o] = true;
    answers_with(cat, met, dm8, answers);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_int_equal(sc.met, met);
    return tier_of(cat, &sc);
}

static void test_tier_boundaries(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_int_equal(cat->ncriteria, 43);
    assert_string_equal(score_tier(cat, 21, true, 3), "none");
    assert_string_equal(score_tier(cat, 22, true, 3), "silver");
    assert_string_equal(score_tier(cat, 29, true, 3), "silver");
    assert_string_equal(score_tier(cat, 30, true, 3), "gold");
    assert_string_equal(score_tier(cat, 36, true, 3), "gold");
    assert_string_equal(score_tier(cat, 37, true, 3), "platinum");
    assert_string_equal(score_tier(cat, 43, true, 3), "platinum");
}

static void test_platinum_needs_dm8_and_all_outcomes(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_string_equal(score_tier(cat, 37, false, 3), "gold");
    assert_string_equal(score_tier(cat, 42, false, 3), "gold");
    assert_string_equal(score_tier(cat, 37, true, 2), "gold");
    assert_string_equal(score_tier(cat, 43, true, 1), "gold");
}

static void test_outcomes_needed(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_string_equal(score_tier(cat, 30, true, 0), "none");
    assert_string_equal(score_tier(cat, 43, true, 0), "none");
    assert_string_equal(score_tier(cat, 22, true, 1), "silver");
}

static void test_core_missing_means_none(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {true, true, true};
    const char *core[] = {"DM1", "LC1", "PA1"};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < cat->ncriteria; i++)
            answers[i] = CR_ANSWER_YES;
        size_t c = cr_catalog_criterion(cat, core[k]);
        assert_true(c != CR_NONE);
        assert_true(cat->criteria[c].core);
        answers[c] = CR_ANSWER_IN_PROGRESS;
        cr_scorecard sc;
        cr_error err;
        cr_error_init(&err);
        assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
        assert_int_equal(sc.met, 42);
        assert_string_equal(tier_of(cat, &sc), "none");
        assert_int_equal(sc.ncore_missing, 1);
        assert_int_equal(sc.core_missing[0], c);
        /* The next tier is Silver, blocked only by that core criterion. */
        assert_string_equal(cat->tiers[sc.next.tier].id, "silver");
        assert_int_equal(sc.next.more_criteria, 0);
        assert_int_equal(sc.next.nmissing, 1);
        assert_int_equal(sc.next.missing[0], c);
    }
}

static void test_in_progress_is_not_met(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {true};
    for (size_t i = 0; i < cat->ncriteria; i++)
        answers[i] = CR_ANSWER_IN_PROGRESS;
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_int_equal(sc.met, 0);
    assert_int_equal(sc.percent, 0);
    assert_string_equal(tier_of(cat, &sc), "none");
    assert_int_equal(sc.ncore_missing, 3);
}

static void test_percent_rounds_half_up(void **state)
{
    (void)state;
    assert_int_equal(cr_percent(8, 9), 89);   /* 88.89 */
    assert_int_equal(cr_percent(6, 7), 86);   /* 85.71 */
    assert_int_equal(cr_percent(2, 3), 67);   /* 66.67 */
    assert_int_equal(cr_percent(1, 8), 13);   /* 12.5 -> 13 */
    assert_int_equal(cr_percent(1, 200), 1);  /* 0.5 -> 1 */
    assert_int_equal(cr_percent(1, 201), 0);  /* 0.497 */
    assert_int_equal(cr_percent(31, 43), 72); /* 72.09 */
    assert_int_equal(cr_percent(0, 0), 0);
    assert_int_equal(cr_percent(5, 5), 100);
}

static void test_thresholds_use_exact_ratios(void **state)
{
    /* 22/43 = 51.16% rounds to 51 and reaches Silver; 21/43 = 48.8%. A catalog threshold of 51%
     * with 100 criteria needs exactly 51, and 50.5 must not be rounded up to pass. */
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    assert_int_equal(cat->tiers[0].percent, 51);
    assert_string_equal(score_tier(cat, 22, true, 1), "silver");
    /* Gold at 68%: 29/43 = 67.44% displays as 67 but is below; 30/43 = 69.8%. */
    assert_string_equal(score_tier(cat, 29, true, 1), "silver");
    /* Platinum at 85%: 36/43 = 83.7%; 37/43 = 86.05%. */
    assert_string_equal(score_tier(cat, 36, true, 3), "gold");
}

static void test_verification_threshold(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {false};
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    answers_with(cat, 21, true, answers); /* 48.8%: not more than 50% */
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_false(sc.verification);
    answers_with(cat, 22, true, answers); /* 51.2% */
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_true(sc.verification);
}

static void test_next_tier_from_gold(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {true, true, false};
    answers_with(cat, 31, false, answers);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_string_equal(tier_of(cat, &sc), "gold");
    assert_string_equal(cat->tiers[sc.next.tier].id, "platinum");
    assert_int_equal(sc.next.more_criteria, 6); /* 37 - 31 */
    assert_int_equal(sc.next.nmissing, 1);
    assert_string_equal(cat->criteria[sc.next.missing[0]].code, "DM8");
    assert_int_equal(sc.next.more_outcomes, 1);
    assert_int_equal(sc.next.noutcomes, 1);
    assert_string_equal(cat->outcomes[sc.next.outcomes[0]].id, "nominated");
}

static void test_next_tier_at_top(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {true, true, true};
    answers_with(cat, 40, true, answers);
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_string_equal(tier_of(cat, &sc), "platinum");
    assert_true(sc.next.tier == CR_NONE);
}

static void test_area_percentages(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    cr_answer answers[CR_MAX_LIST];
    bool out[CR_MAX_LIST] = {false};
    for (size_t i = 0; i < cat->ncriteria; i++)
        answers[i] = CR_ANSWER_NO;
    /* Two of Data Management's nine, all of Open Data's four. */
    answers[cr_catalog_criterion(cat, "DM1")] = CR_ANSWER_YES;
    answers[cr_catalog_criterion(cat, "DM9")] = CR_ANSWER_YES;
    for (const char *const *c = (const char *const[]){"OD1", "OD2", "OD3", "OD4", NULL}; *c; c++)
        answers[cr_catalog_criterion(cat, *c)] = CR_ANSWER_YES;
    cr_scorecard sc;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_score_answers(cat, answers, out, &sc, &err), CR_OK);
    assert_int_equal(sc.nareas, 8);
    assert_int_equal(sc.areas[0].met, 2);
    assert_int_equal(sc.areas[0].total, 9);
    assert_int_equal(sc.areas[0].percent, 22);
    assert_int_equal(sc.areas[3].met, 4);
    assert_int_equal(sc.areas[3].percent, 100);
    assert_int_equal(sc.areas[1].percent, 0);
    assert_int_equal(sc.met, 6);
    assert_int_equal(sc.percent, 14);
}

static void test_outcome_rules(void **state)
{
    const cr_catalog *cat = ((fixture *)*state)->catalog;
    const cr_outcome_def *bb = &cat->outcomes[cr_catalog_outcome(cat, "broadband")];
    const cr_outcome_def *pm = &cat->outcomes[cr_catalog_outcome(cat, "pm25")];
    const cr_outcome_def *nom = &cat->outcomes[cr_catalog_outcome(cat, "nominated")];
    cr_outcome_value v = {.present = true};
    v.value = 75.0;
    assert_true(cr_outcome_meets(bb, &v, -1));
    v.value = 74.9;
    assert_false(cr_outcome_meets(bb, &v, -1));
    v.value = 10.0;
    assert_true(cr_outcome_meets(pm, &v, -1));
    v.value = 10.1;
    assert_false(cr_outcome_meets(pm, &v, -1));
    v.present = false;
    v.value = 99;
    assert_false(cr_outcome_meets(bb, &v, -1)); /* not reported: not met */
    assert_false(cr_outcome_meets(nom, &v, -1));
    assert_false(cr_outcome_meets(nom, &v, 0));
    assert_true(cr_outcome_meets(nom, &v, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tier_boundaries),
        cmocka_unit_test(test_platinum_needs_dm8_and_all_outcomes),
        cmocka_unit_test(test_outcomes_needed),
        cmocka_unit_test(test_core_missing_means_none),
        cmocka_unit_test(test_in_progress_is_not_met),
        cmocka_unit_test(test_percent_rounds_half_up),
        cmocka_unit_test(test_thresholds_use_exact_ratios),
        cmocka_unit_test(test_verification_threshold),
        cmocka_unit_test(test_next_tier_from_gold),
        cmocka_unit_test(test_next_tier_at_top),
        cmocka_unit_test(test_area_percentages),
        cmocka_unit_test(test_outcome_rules),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
