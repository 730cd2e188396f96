/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the catalog loader (cr_catalog_parse). A catalog that loads is then used: the
 * sample submission is read against it, audited, scored and counted into peer statistics, and
 * every tier is checked with all answers yes and all no. */
#include "fuzz_common.h"

static void use(const fuzz_world *w, const cr_catalog *cat)
{
    cr_error err;
    cr_error_init(&err);
    cr_answer answers[CR_MAX_LIST];
    bool met[CR_MAX_LIST] = {false};
    cr_scorecard sc;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < cat->ncriteria; i++)
            answers[i] = pass ? CR_ANSWER_YES : CR_ANSWER_NO;
        for (size_t o = 0; o < cat->noutcomes; o++)
            met[o] = pass;
        cr_score_answers(cat, answers, met, &sc, &err);
    }
    cr_submission *s = cr_submission_parse(w->sample, w->sample_len, "gold-city.submission.xml",
                                           cat, w->schemas, &err);
    if (!s)
        return;
    cr_audited *a = cr_audit_apply(cat, s, NULL, &err);
    cr_peers *p = cr_peers_new(cat, &err);
    if (a && p && cr_score(a, &sc, &err) == CR_OK) {
        cr_peers_add(p, a, &sc);
        for (size_t i = 0; i < cat->ncriteria; i++)
            (void)cr_peers_share(p, i, sc.band);
    }
    cr_peers_free(p);
    cr_audited_free(a);
    cr_submission_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_world *w = fuzz_world_get(FUZZ_SCHEMAS);
    cr_error err;
    cr_error_init(&err);
    cr_catalog *cat =
        cr_catalog_parse((const char *)data, size, "fuzz.catalog.xml", w->schemas, &err);
    if (cat)
        use(w, cat);
    cr_catalog_free(cat);
    return 0;
}
