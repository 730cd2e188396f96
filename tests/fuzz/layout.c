/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the layout-file loader (cr_layout_spec_parse). A layout that loads then lays
 * out the sample Gold city's report (page size, margins, palette and sections from the input;
 * metrics from the default fonts). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fuzz_world *w = fuzz_world_get(FUZZ_REPORT);
    cr_error err;
    cr_error_init(&err);
    cr_layout_spec *spec = cr_layout_spec_parse((const char *)data, size, "fuzz.layout.xml",
                                                w->fonts_dir, w->schemas, &err);
    if (!spec)
        return 0;
    const cr_assessment *city = fuzz_city(w, "gold-city");
    cr_report_request req = {.catalog = w->catalog,
                             .assessment = city,
                             .peers = w->peers,
                             .spec = spec,
                             .strings = w->strings,
                             .fonts = w->fonts,
                             .created = cr_assessment_date(city)};
    cr_display_free(cr_layout_report(&req, &err));
    cr_layout_spec_free(spec);
    return 0;
}
