/* SPDX-License-Identifier: Apache-2.0 */
/* certreport fuzz targets: what they share. Each target (one file, tests/fuzz/NAME.c) defines
 * the two libFuzzer entry points below; built with -DCERTREPORT_FUZZ=ON and clang they link
 * with libFuzzer (fuzz_NAME), and in every build with replay.c (fuzz_replay_NAME), which runs
 * the committed corpus through the same code.
 *
 * What an input is checked against (schemas, the catalog, the sample cohort, fonts, strings
 * and the default layout) is loaded from the source tree once, by the first fuzz_world_get()
 * call, and kept in a static until exit: test code only. Everything made from an input is
 * freed before LLVMFuzzerTestOneInput returns (a leak is a finding). */
#ifndef CR_FUZZ_COMMON_H
#define CR_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "certreport/certreport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything a target may need, loaded from the source tree (CR_FUZZ_ROOT). */
typedef struct fuzz_world {
    char fonts_dir[4096]; /* fonts/ */
    char *sample;         /* samples/cohort/gold-city.submission.xml, its text */
    size_t sample_len;
    cr_schemas *schemas;
    cr_catalog *catalog; /* assets/catalog-2023.xml */
    /* FUZZ_COHORT and up */
    cr_cohort *cohort;     /* samples/cohort */
    cr_assessment *cities; /* each city of the cohort, loaded with its audit log */
    cr_peers *peers;       /* the cohort's statistics */
    /* FUZZ_REPORT */
    cr_layout_spec *spec; /* layouts/default.xml */
    cr_strings *strings;  /* assets/strings/en.xml */
    cr_fonts *fonts;      /* the default layout's fonts */
} fuzz_world;

enum fuzz_need {
    FUZZ_SCHEMAS, /* schemas only */
    FUZZ_CATALOG, /* + the catalog */
    FUZZ_COHORT,  /* + the sample cohort and its peers */
    FUZZ_REPORT   /* + layout, strings and fonts (checked against the catalog) */
};

/* What |need| asks for, loaded by the first call (a target always asks for the same); prints
 * the problem and exits when it cannot be loaded (the target cannot run without it). Freed at
 * exit. */
const fuzz_world *fuzz_world_get(enum fuzz_need need);

/* The sample city with this id, or NULL. */
const cr_assessment *fuzz_city(const fuzz_world *w, const char *id);

#endif
