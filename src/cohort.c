/* certreport: assessments and cohort folders (see certreport/cohort.h). */
#define _POSIX_C_SOURCE 200809L
#include "certreport/cohort.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char SUB_SUFFIX[] = ".submission.xml";
static const char AUDIT_SUFFIX[] = ".audit.xml";

cr_status cr_assessment_load(cr_assessment *out, const char *submission_path,
                             const char *audit_path, const cr_catalog *cat,
                             const cr_schemas *schemas, cr_error *err)
{
    memset(out, 0, sizeof *out);
    out->submission = cr_submission_load(submission_path, cat, schemas, err);
    if (!out->submission)
        goto fail;
    if (audit_path && !(out->log = cr_audit_load(audit_path, cat, schemas, err)))
        goto fail;
    if (!(out->audited = cr_audit_apply(cat, out->submission, out->log, err)))
        goto fail;
    if (cr_score(out->audited, &out->score, err) != CR_OK)
        goto fail;
    return CR_OK;
fail:
    cr_assessment_free(out);
    return err->code != CR_OK ? err->code : CR_EINPUT;
}

cr_status cr_assessment_parse(cr_assessment *out, const char *sub, size_t sub_len,
                              const char *sub_name, const char *audit, size_t audit_len,
                              const char *audit_name, const cr_catalog *cat,
                              const cr_schemas *schemas, cr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!sub || !sub_name || !cat || !schemas || (audit && !audit_name))
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_assessment_parse: missing argument");
    out->submission = cr_submission_parse(sub, sub_len, sub_name, cat, schemas, err);
    if (!out->submission)
        goto fail;
    if (audit && !(out->log = cr_audit_parse(audit, audit_len, audit_name, cat, schemas, err)))
        goto fail;
    if (!(out->audited = cr_audit_apply(cat, out->submission, out->log, err)))
        goto fail;
    if (cr_score(out->audited, &out->score, err) != CR_OK)
        goto fail;
    return CR_OK;
fail:
    cr_assessment_free(out);
    return err && err->code != CR_OK ? err->code : CR_EINPUT;
}

void cr_assessment_free(cr_assessment *a)
{
    cr_audited_free(a->audited);
    cr_audit_free(a->log);
    cr_submission_free(a->submission);
    memset(a, 0, sizeof *a);
}

long long cr_assessment_date(const cr_assessment *a)
{
    if (a->log && a->log->nevents)
        return a->log->events[a->log->nevents - 1].at_unix;
    const cr_date *d = &a->submission->submitted;
    return (long long)cr_days_from_civil(d->year, d->month, d->day) * 86400;
}

static bool ends_with(const char *s, const char *suffix, size_t *stem)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n <= k || strcmp(s + n - k, suffix) != 0)
        return false;
    *stem = n - k;
    return true;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const cr_cohort_entry *)a)->id, ((const cr_cohort_entry *)b)->id);
}

void cr_cohort_free(cr_cohort *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].id);
        free(c->entries[i].submission);
        free(c->entries[i].audit);
    }
    free(c->entries);
    free(c);
}

cr_cohort *cr_cohort_scan(const char *dir, cr_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        cr_error_set(err, CR_EIO, dir, 0, "cannot read the cohort folder: %s", strerror(errno));
        return NULL;
    }
    cr_cohort *c = calloc(1, sizeof *c);
    size_t cap = 0;
    char **audits = NULL;
    size_t naudits = 0, audcap = 0;
    bool oom = !c;
    struct dirent *de;
    while (!oom && (de = readdir(d))) {
        size_t stem;
        if (ends_with(de->d_name, SUB_SUFFIX, &stem)) {
            if (c->n == cap) {
                cap = cap ? cap * 2 : 64;
                cr_cohort_entry *ne = realloc(c->entries, cap * sizeof *ne);
                if (!ne) {
                    oom = true;
                    break;
                }
                c->entries = ne;
            }
            cr_cohort_entry *e = &c->entries[c->n];
            memset(e, 0, sizeof *e);
            e->id = strndup(de->d_name, stem);
            e->submission = join(dir, de->d_name);
            c->n++;
            oom = !e->id || !e->submission;
        } else if (ends_with(de->d_name, AUDIT_SUFFIX, &stem)) {
            if (naudits == audcap) {
                audcap = audcap ? audcap * 2 : 64;
                char **na = realloc(audits, audcap * sizeof *na);
                if (!na) {
                    oom = true;
                    break;
                }
                audits = na;
            }
            if (!(audits[naudits++] = strndup(de->d_name, stem)))
                oom = true;
        }
    }
    closedir(d);
    if (oom) {
        cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
        goto fail;
    }
    if (c->n == 0) {
        cr_error_set(err, CR_EINPUT, dir, 0, "no submissions (*%s) in the cohort folder", SUB_SUFFIX);
        goto fail;
    }
    qsort(c->entries, c->n, sizeof *c->entries, by_id);
    for (size_t k = 0; k < naudits; k++) {
        cr_cohort_entry key = {.id = audits[k]};
        cr_cohort_entry *e = bsearch(&key, c->entries, c->n, sizeof *c->entries, by_id);
        if (!e) {
            cr_error_set(err, CR_EINPUT, dir, 0, "%s%s has no matching %s%s", audits[k], AUDIT_SUFFIX,
                         audits[k], SUB_SUFFIX);
            goto fail;
        }
        size_t n = strlen(audits[k]) + sizeof AUDIT_SUFFIX;
        char *name = malloc(n);
        if (!name || !(snprintf(name, n, "%s%s", audits[k], AUDIT_SUFFIX), e->audit = join(dir, name))) {
            free(name);
            cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
            goto fail;
        }
        free(name);
    }
    for (size_t k = 0; k < naudits; k++)
        free(audits[k]);
    free(audits);
    return c;
fail:
    for (size_t k = 0; k < naudits; k++)
        free(audits[k]);
    free(audits);
    cr_cohort_free(c);
    return NULL;
}

cr_status cr_cohort_load(const cr_cohort_entry *e, cr_assessment *out, const cr_catalog *cat,
                         const cr_schemas *schemas, cr_error *err)
{
    cr_status rc = cr_assessment_load(out, e->submission, e->audit, cat, schemas, err);
    if (rc != CR_OK)
        return rc;
    if (strcmp(out->submission->id, e->id) != 0) {
        cr_error_set(err, CR_EINPUT, e->submission, out->submission->line,
                     "submission id \"%s\" does not match its file name (%s%s)",
                     out->submission->id, e->id, SUB_SUFFIX);
        cr_assessment_free(out);
        return CR_EINPUT;
    }
    return CR_OK;
}

cr_peers *cr_cohort_stats(const cr_cohort *c, const cr_catalog *cat, const cr_schemas *schemas,
                          bool skip_invalid, size_t *failed, cr_error *err)
{
    size_t nfailed = 0;
    cr_peers *p = cr_peers_new(cat, err);
    for (size_t i = 0; p && i < c->n; i++) {
        cr_assessment a;
        cr_error one;
        cr_error_init(&one);
        if (cr_cohort_load(&c->entries[i], &a, cat, schemas, &one) != CR_OK) {
            /* Pass the city's problem on with its own file and line. */
            cr_error_set(err, one.code, one.file, one.line, "%s", one.message);
            nfailed++;
            if (one.code == CR_ENOMEM)
                break;
            continue;
        }
        cr_peers_add(p, a.audited, &a.score);
        cr_assessment_free(&a);
    }
    if (failed)
        *failed = nfailed;
    if (p && nfailed && (!skip_invalid || err->code == CR_ENOMEM)) {
        cr_peers_free(p);
        return NULL;
    }
    return p;
}
