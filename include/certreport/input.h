/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the input stage. Reads a submission and an audit log (XML), validates them against
 * their schemas and the catalog, and builds the model. All validation of input happens here; later
 * stages can trust the model.
 *
 * Parsing is safe by construction: size cap, no network, no DTD of any kind (so no external or
 * internal entities), UTF-8 only. Every model node remembers its source line. */
#ifndef CERTREPORT_INPUT_H
#define CERTREPORT_INPUT_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Input files larger than this are refused before parsing (catalogs, translations, peers files,
 * layouts, string tables). */
#define CR_INPUT_MAX_BYTES (32u * 1024u * 1024u)
/* A city's files have a cap of their own, far below: a real submission is some 10 KB and an audit
 * log a few hundred KB at most, and the cap bounds what a cohort of them can cost. */
#define CR_SUBMISSION_MAX_BYTES (4u * 1024u * 1024u)
#define CR_AUDIT_MAX_BYTES (4u * 1024u * 1024u)
/* Before libxml2 sees a document, a linear pass over its bytes refuses a start tag with more
 * attributes or namespace declarations than this (libxml2 checks attributes for duplicates in
 * quadratic time: 30,000 of them on one element took a minute). No format needs more than 20. */
#define CR_XML_MAX_ATTRIBUTES 64
#define CR_XML_MAX_NAMESPACES 16
/* The same pass refuses a document of more elements than this: the largest audit log that fits
 * the cap has some 60,000 (30,000 events with comments); a submission has about 250. */
#define CR_XML_MAX_ELEMENTS 100000
/* libxml2's dictionary of names (element and attribute names, prefixes, namespaces, short and
 * blank texts) is capped at this many bytes of strings: its lookups slow down quadratically past
 * some 8,000 distinct names. A real document of any format uses under 1 KB. */
#define CR_XML_MAX_NAMES_BYTES (64 * 1024)

typedef struct cr_date {
    int year, month, day;
} cr_date;

typedef struct cr_response {
    cr_answer answer;
    const char *const *evidence; /* whitespace-normalised texts */
    size_t nevidence;
    long line;
} cr_response;

typedef struct cr_outcome_value {
    bool present;
    double value;           /* numeric value (rules at-least / at-most) */
    const char *value_text; /* the value as written, or NULL */
    int year;               /* 0 if not given */
    const char *source;     /* or NULL */
    const char *name;       /* nominated metric: its name, or NULL */
    int sdg;                /* nominated metric: its UN SDG (1..17), 0 if none */
    const char *target;     /* nominated metric: its target, or NULL */
    long line;
} cr_outcome_value;

typedef struct cr_program {
    const char *name;
    const size_t *criteria; /* catalog indices */
    size_t ncriteria;
    long line;
} cr_program;

typedef struct cr_city {
    const char *name, *country, *subdivision; /* subdivision may be NULL */
    long population;
    long line;
} cr_city;

typedef struct cr_submission {
    const char *file;
    long line; /* of the root element */
    const char *id;
    int cycle;
    cr_date submitted;
    const char *lang; /* "en", "es", "pt", "fr", or NULL */
    cr_city city;
    const cr_response *responses; /* one per catalog criterion, by catalog index */
    size_t nresponses;
    const cr_outcome_value *outcomes; /* one per catalog outcome, by catalog index */
    size_t noutcomes;
    const cr_program *programs;
    size_t nprograms;
    struct cr_arena *arena_; /* private */
} cr_submission;

typedef enum cr_event_type {
    CR_EVENT_CHANGE,
    CR_EVENT_COMMENT,
    CR_EVENT_OUTCOME,
    CR_EVENT_STEP
} cr_event_type;

/* The certification process, in order. */
typedef enum cr_step {
    CR_STEP_SUBMITTED,
    CR_STEP_INTERIM_REPORT,
    CR_STEP_DEBRIEF,
    CR_STEP_SITE_VISIT,
    CR_STEP_CERTIFIED,
    CR_STEP_COUNT
} cr_step;

typedef struct cr_event {
    cr_event_type type;
    const char *at;  /* as written (ISO 8601) */
    int64_t at_unix; /* seconds since 1970, UTC */
    const char *by;
    const char *comment; /* whitespace-normalised, or NULL */
    const char *lang;    /* the comment's language (BCP 47) as the log says it (xml:lang or
                          * lang on the comment, else its event, else the log), or NULL */
    size_t criterion;    /* change, comment: catalog index */
    cr_answer from, to;  /* change */
    size_t outcome;      /* outcome: catalog index */
    bool met;            /* outcome: the verdict */
    cr_step step;        /* step */
    size_t tier;         /* certified step: catalog tier index, else CR_NONE */
    long line;
} cr_event;

typedef struct cr_audit_log {
    const char *file;
    const char *submission; /* id of the submission it audits */
    long line;              /* of the root element */
    const cr_event *events; /* in time order */
    size_t nevents;
    struct cr_arena *arena_; /* private */
} cr_audit_log;

/* Loads and validates a submission. Returns a model owned by the caller (cr_submission_free),
 * or NULL with |err| set. Problems beyond the first go to |err|'s sink, if any. */
CR_API cr_submission *cr_submission_load(const char *path, const cr_catalog *cat,
                                         const cr_schemas *schemas, cr_error *err);
CR_API cr_submission *cr_submission_parse(const char *buf, size_t len, const char *name,
                                          const cr_catalog *cat, const cr_schemas *schemas,
                                          cr_error *err);
CR_API void cr_submission_free(cr_submission *s);

/* Loads and validates an audit log. Same ownership and errors as above. */
CR_API cr_audit_log *cr_audit_load(const char *path, const cr_catalog *cat,
                                   const cr_schemas *schemas, cr_error *err);
CR_API cr_audit_log *cr_audit_parse(const char *buf, size_t len, const char *name,
                                    const cr_catalog *cat, const cr_schemas *schemas,
                                    cr_error *err);
CR_API void cr_audit_free(cr_audit_log *a);

/* What an input file is, by its root element. */
typedef enum cr_kind {
    CR_KIND_UNKNOWN,
    CR_KIND_SUBMISSION,
    CR_KIND_AUDIT,
    CR_KIND_CATALOG,
    CR_KIND_PEERS
} cr_kind;

/* Reads |path| safely and tells its kind; CR_KIND_UNKNOWN with |err| set when it cannot be read,
 * is not well-formed, or has a root element of no known format. */
CR_API cr_kind cr_input_kind(const char *path, cr_error *err);

/* Name of a step as written in audit logs ("interim-report"); "?" for a value out of the enum. */
CR_API const char *cr_step_name(cr_step s);

#ifdef __cplusplus
}
#endif
#endif
