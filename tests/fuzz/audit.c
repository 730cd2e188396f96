/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the audit-log parser (cr_audit_parse), then applying the log to the sample
 * submission it names (gold-city when it names none of them: the mismatch is refused) and
 * scoring the result. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_world *w = fuzz_world_get(FUZZ_COHORT);
    cr_error err;
    cr_error_init(&err);
    cr_audit_log *log =
        cr_audit_parse((const char *)data, size, "fuzz.audit.xml", w->catalog, w->schemas, &err);
    if (!log)
        return 0;
    const cr_assessment *city = fuzz_city(w, log->submission);
    if (!city)
        city = fuzz_city(w, "gold-city");
    cr_audited *a = cr_audit_apply(w->catalog, city->submission, log, &err);
    if (a) {
        cr_scorecard sc;
        cr_score(a, &sc, &err);
        cr_audited_free(a);
    }
    cr_audit_free(log);
    return 0;
}
