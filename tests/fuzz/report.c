/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the whole path from a submission to a display list. The input is a submission,
 * optionally followed by its audit log (everything from the first "<audit" on). The submission
 * is parsed; the audit log is the one in the input, else the sample city's with the same id
 * (none when no sample city has it). Then it is audited, scored and laid out against the sample
 * cohort's peers with the default layout. Inputs of odd length also show the progress since a
 * previous cycle (the sample city's own assessment, or gold-city's). One input in four (by its
 * length) is also written as a PDF by libharu, tagged or (one in eight) plain: the writer's own
 * serialisation (content streams, strings, the structure tree, the object stream) gets the
 * laid-out text of arbitrary input; the others stop at the display list, as the render costs
 * some ten times the layout. */
#include <string.h>

#include "fuzz_common.h"

/* Where the audit log starts in |data| (|size| when there is none). */
static size_t audit_start(const uint8_t *data, size_t size)
{
    static const char mark[] = "<audit";
    size_t n = sizeof mark - 1;
    for (size_t i = 0; i + n <= size; i++)
        if (data[i] == '<' && memcmp(data + i, mark, n) == 0)
            return i;
    return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_world *w = fuzz_world_get(FUZZ_REPORT);
    cr_error err;
    cr_error_init(&err);
    size_t split = audit_start(data, size);
    cr_audit_log *own = NULL;
    if (split < size && !(own = cr_audit_parse((const char *)data + split, size - split,
                                               "fuzz.audit.xml", w->catalog, w->schemas, &err)))
        return 0;
    cr_assessment a;
    memset(&a, 0, sizeof a);
    a.submission = cr_submission_parse((const char *)data, split, "fuzz.submission.xml", w->catalog,
                                       w->schemas, &err);
    const cr_assessment *city = a.submission ? fuzz_city(w, a.submission->id) : NULL;
    a.log = own ? own : city ? city->log : NULL;
    if (a.submission && (a.audited = cr_audit_apply(w->catalog, a.submission, a.log, &err)) &&
        cr_score(a.audited, &a.score, &err) == CR_OK) {
        const cr_assessment *prev = city ? city : fuzz_city(w, "gold-city");
        cr_report_request req = {.catalog = w->catalog,
                                 .assessment = &a,
                                 .peers = w->peers,
                                 .spec = w->spec,
                                 .strings = w->strings,
                                 .fonts = w->fonts,
                                 .created = cr_assessment_date(&a),
                                 .previous = size % 2 ? prev : NULL,
                                 .untagged = size % 8 == 4};
        cr_display *d = cr_layout_report(&req, &err);
        if (d && size % 4 == 0) {
            cr_buffer pdf = {0};
            cr_render_target t = CR_RENDER_TARGET_INIT;
            if (cr_render(d, w->fonts, &t, NULL, &pdf, NULL, &err) == CR_OK &&
                (pdf.len < 5 || memcmp(pdf.data, "%PDF-", 5) != 0))
                __builtin_trap(); /* a render that succeeds writes a PDF */
            cr_buffer_free(&pdf);
        }
        cr_display_free(d);
    }
    cr_audited_free(a.audited);
    cr_submission_free(a.submission);
    cr_audit_free(own); /* a sample city's log is borrowed */
    return 0;
}
