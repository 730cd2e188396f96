/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the certification standard, loaded from a catalog file (assets/catalog-EDITION.xml).
 *
 * Nothing about the standard is written in C: areas, criteria, which are core, the tiers and their
 * thresholds, the resident-outcome standards, regions and population bands all come from the file.
 * A loaded catalog is immutable and may be shared by threads. */
#ifndef CERTREPORT_CATALOG_H
#define CERTREPORT_CATALOG_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CR_NONE ((size_t)-1)    /* "no index" */
#define CR_ALL_OUTCOMES 0xffffu /* a tier's min_outcomes: every outcome */
#define CR_MAX_LIST 128         /* longest list a scorecard keeps (criteria or outcomes) */

typedef struct cr_schemas cr_schemas;

typedef enum cr_answer { CR_ANSWER_NO = 0, CR_ANSWER_IN_PROGRESS = 1, CR_ANSWER_YES = 2 } cr_answer;

typedef enum cr_outcome_rule {
    CR_RULE_AT_LEAST, /* met when value >= standard */
    CR_RULE_AT_MOST,  /* met when value <= standard */
    CR_RULE_VERDICT   /* met when the reviewers say so */
} cr_outcome_rule;

typedef struct cr_criterion {
    const char *code, *name, *statement;
    size_t area; /* index into areas */
    bool core;   /* required by every tier */
} cr_criterion;

typedef struct cr_area {
    const char *code, *name, *description;
    const char *short_name; /* a shorter name for narrow places (the status band), or NULL */
    size_t first, count;    /* its criteria: criteria[first .. first+count) */
} cr_area;

typedef struct cr_tier {
    const char *id, *name;
    unsigned percent;       /* met * 100 >= percent * total */
    unsigned min_outcomes;  /* or CR_ALL_OUTCOMES */
    const size_t *requires; /* criteria indices required beyond the core ones */
    size_t nrequires;
    const char *description; /* what the tier means (the report's requirements page), or NULL */
} cr_tier;

/* Where cities of a region find an outcome's data: a link in the report. */
typedef struct cr_outcome_source {
    size_t region; /* index into regions, CR_NONE: every region without a source of its own */
    const char *href;
} cr_outcome_source;

typedef struct cr_outcome_def {
    const char *id, *name, *indicator, *standard_text, *reference, *unit;
    cr_outcome_rule rule;
    double standard; /* unused for CR_RULE_VERDICT */
    const cr_outcome_source *sources;
    size_t nsources;
} cr_outcome_def;

typedef struct cr_region {
    const char *id, *name;
    const char (*countries)[3]; /* ISO 3166 alpha-2 codes */
    size_t ncountries;
} cr_region;

typedef struct cr_band {
    const char *id, *name;
    long min, max; /* inclusive; max < 0: open-ended */
} cr_band;

typedef struct cr_catalog {
    const char *file, *edition, *title, *lang;
    long min_population;
    unsigned verification_percent; /* "more than N%" starts verification */
    const cr_region *regions;
    size_t nregions;
    const cr_band *bands;
    size_t nbands;
    const cr_tier *tiers; /* ascending */
    size_t ntiers;
    const cr_outcome_def *outcomes;
    size_t noutcomes;
    const cr_area *areas;
    size_t nareas;
    const cr_criterion *criteria; /* grouped by area, in area order */
    size_t ncriteria;
    struct cr_arena *arena_; /* private */
} cr_catalog;

/* Loads the XSD schemas of every input format from |dir| (assets/schemas).
 * Returns a new set owned by the caller (free with cr_schemas_free), or NULL with |err| set.
 * Read-only once loaded: one set may serve many threads. */
CR_API cr_schemas *cr_schemas_load(const char *dir, cr_error *err);
CR_API void cr_schemas_free(cr_schemas *s);

/* Loads and checks a catalog file. Returns a catalog owned by the caller
 * (free with cr_catalog_free), or NULL with |err| set to the first problem. */
CR_API cr_catalog *cr_catalog_load(const char *path, const cr_schemas *schemas, cr_error *err);

/* The same from memory; |name| is used in messages. */
CR_API cr_catalog *cr_catalog_parse(const char *buf, size_t len, const char *name,
                                    const cr_schemas *schemas, cr_error *err);

/* Replaces the texts of |cat| (names of regions, bands, tiers, outcomes, areas and criteria;
 * indicators, standards, descriptions, statements) with those of a translation file
 * (assets/catalog-EDITION.LANG.xml) of the same edition, which must translate every one of them
 * exactly once. Numbers and rules are untouched, so scores and peer statistics do not change.
 * On failure |cat| may be partly translated: free it. */
CR_API cr_status cr_catalog_translate(cr_catalog *cat, const char *path, const cr_schemas *schemas,
                                      cr_error *err);
/* The translation file of a catalog for |lang|: "assets/catalog-2023.xml", "es" gives
 * "assets/catalog-2023.es.xml". False when it does not fit in |size|, or an argument is NULL or
 * |size| 0 (then |out|, if any, is ""). */
CR_API bool cr_catalog_translation_path(const char *catalog_path, const char *lang, char *out,
                                        size_t size);
CR_API void cr_catalog_free(cr_catalog *cat);

/* Index of the criterion / outcome / tier / region / band with that code or id, or CR_NONE
 * (also when |cat| or the code is NULL: these take no error record). */
CR_API size_t cr_catalog_criterion(const cr_catalog *cat, const char *code);
CR_API size_t cr_catalog_outcome(const cr_catalog *cat, const char *id);
CR_API size_t cr_catalog_tier(const cr_catalog *cat, const char *id);
CR_API size_t cr_catalog_band(const cr_catalog *cat, const char *id);
CR_API size_t cr_catalog_region_by_id(const cr_catalog *cat, const char *id);

/* Region of an ISO 3166 alpha-2 country code, or CR_NONE outside the program's regions. */
CR_API size_t cr_catalog_region(const cr_catalog *cat, const char *country);

/* Population band of |population|, or CR_NONE below every band (or for a NULL |cat|). */
CR_API size_t cr_catalog_band_of(const cr_catalog *cat, long population);

/* The data source link of outcome |o| for cities of |region| (CR_NONE: outside the regions):
 * the region's own, else the catalog's one for every region, else NULL. NULL also when |cat| is
 * NULL or |o| is not an outcome index. */
CR_API const char *cr_catalog_outcome_source(const cr_catalog *cat, size_t o, size_t region);

/* Text names of answers: "yes", "in-progress", "no"; "?" for a value out of the enum. */
CR_API const char *cr_answer_name(cr_answer a);

#ifdef __cplusplus
}
#endif
#endif
