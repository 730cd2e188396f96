/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the cohort overview, a document for the program's staff. With the same layout file,
 * fonts, palette and string table as the city reports, it shows the whole cohort of a cycle: the
 * number of applicants and the tier distribution, the average score per practice area by region
 * and by population band, the adoption of every criterion, and the list of cities. */
#ifndef CERTREPORT_OVERVIEW_H
#define CERTREPORT_OVERVIEW_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "display.h"
#include "error.h"
#include "fonts.h"
#include "layout.h"
#include "peers.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One applicant, as scored (see cr_scorecard). Strings and area_met are borrowed. */
typedef struct cr_overview_city {
    const char *id, *name, *country;
    size_t region, band;          /* catalog indices, CR_NONE when outside */
    unsigned met, total, percent; /* criteria met of total, percent */
    const unsigned *area_met;     /* catalog->nareas entries: criteria met per area */
    size_t eligible; /* highest tier the answers qualify for (catalog tier index), CR_NONE */
    size_t awarded;  /* tier awarded, CR_NONE */
    bool in_review;  /* the process has not reached certification yet: no tier
                      * awarded means "not decided", not "not certified" */
    unsigned outcomes_met;
} cr_overview_city;

typedef struct cr_overview_request {
    const cr_catalog *catalog;
    const cr_peers *peers;          /* the cohort's statistics */
    const cr_overview_city *cities; /* valid cities, in any order */
    size_t ncities;
    size_t excluded; /* cities left out because their files were invalid */
    int cycle;       /* e.g. 2023 */
    const cr_layout_spec *spec;
    const cr_strings *strings;
    const cr_fonts *fonts;
    long long created; /* document date, seconds since 1970 (never the clock) */
    bool untagged;     /* as in cr_report_request: no structure ops (a plain PDF) */
} cr_overview_request;

/* Lays out the overview: the cohort at a glance (applicants, cities left out, tiers the answers
 * qualify for and tiers awarded), the average score per practice area by region and by population
 * band (over the cities inside both, the ones the peer statistics count), the share of applicants
 * meeting each criterion (from |peers|), and the cities sorted by name (accents and case folded),
 * then id. Returns a display list owned by the caller (cr_display_free), or NULL with |err| set:
 * CR_EINPUT when a city's name or country has a character no font has (the message quotes it),
 * CR_EUSAGE when |req|, its catalog, peers, spec, strings or fonts is NULL (or cities, with
 * ncities > 0), when a city's indices or counts do not fit the catalog, or the catalog has more
 * regions and bands than a table can show; CR_ENOMEM. Call cr_layout_check_texts once first. */
CR_API cr_display *cr_layout_overview(const cr_overview_request *req, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
