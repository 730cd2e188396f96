/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the submission parser (cr_submission_parse) against the 2023 catalog. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_world *w = fuzz_world_get(FUZZ_CATALOG);
    cr_error err;
    cr_error_init(&err);
    cr_submission *s = cr_submission_parse((const char *)data, size, "fuzz.submission.xml",
                                           w->catalog, w->schemas, &err);
    cr_submission_free(s);
    return 0;
}
