/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: assessments and cohort folders (see certreport/cohort.h). */
#define _POSIX_C_SOURCE 200809L
#include "certreport/cohort.h"
#include "args.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

static const char SUB_SUFFIX[] = ".submission.xml";
static const char AUDIT_SUFFIX[] = ".audit.xml";

cr_status cr_assessment_load(cr_assessment *out, const char *submission_path,
                             const char *audit_path, const cr_catalog *cat,
                             const cr_schemas *schemas, cr_error *err)
{
    cr_error local;
    if (!err) {
        cr_error_init(&local);
        err = &local;
    }
    if (CR_ARG_NULL(out, err))
        return CR_EUSAGE;
    memset(out, 0, sizeof *out);
    if (CR_ARG_NULL(submission_path, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return CR_EUSAGE;
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
    if (CR_ARG_NULL(out, err))
        return CR_EUSAGE;
    memset(out, 0, sizeof *out);
    if (CR_ARG_NULL(sub, err) || CR_ARG_NULL(sub_name, err) || CR_ARG_NULL(cat, err) ||
        CR_ARG_NULL(schemas, err))
        return CR_EUSAGE;
    if (audit && !audit_name)
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_assessment_parse: audit_name is NULL");
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
    if (!a)
        return;
    cr_audited_free(a->audited);
    cr_audit_free(a->log);
    cr_submission_free(a->submission);
    memset(a, 0, sizeof *a);
}

long long cr_assessment_date(const cr_assessment *a)
{
    if (!a || !a->submission)
        return 0;
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

/* NAME.xml, any case. */
static bool is_xml(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcasecmp(s + n - 4, ".xml") == 0;
}

/* What a submission id may be (submission.xsd): 1-64 of [A-Za-z0-9._-], first alphanumeric. */
static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > 64 || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(c < 0x80 && (isalnum(c) || c == '.' || c == '_' || c == '-')))
            return false;
    }
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

static const char *file_kind(mode_t m)
{
    return S_ISDIR(m)                 ? "a folder"
           : S_ISFIFO(m)              ? "a FIFO"
           : S_ISLNK(m)               ? "a symbolic link"
           : S_ISSOCK(m)              ? "a socket"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
                                      : "something else";
}

/* True when DIR/NAME is a regular file we can open: looked at without following a link, opened
 * without blocking (a FIFO nobody writes to returns at once) and checked again on the open file,
 * so a swap between the two looks cannot slip a FIFO in. Otherwise a warning, and false. */
static bool regular_file(int dfd, const char *path, const char *name, cr_error *err)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        cr_error_warn(err, path, 0, "cannot be read (%s); skipped", strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        cr_error_warn(err, path, 0, "is %s, not a regular file; skipped", file_kind(st.st_mode));
        return false;
    }
    int fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        cr_error_warn(err, path, 0, "cannot be read (%s); skipped", strerror(errno));
        return false;
    }
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!ok)
        cr_error_warn(err, path, 0, "is not a regular file; skipped");
    return ok;
}

typedef struct scan_list {
    char **names; /* audit logs' ids */
    size_t n, cap;
} scan_list;

static bool list_add(scan_list *l, char *s)
{
    if (!s)
        return false;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **nn = realloc(l->names, cap * sizeof *nn);
        if (!nn) {
            free(s);
            return false;
        }
        l->names = nn;
        l->cap = cap;
    }
    l->names[l->n++] = s;
    return true;
}

static void list_free(scan_list *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->names[k]);
    free(l->names);
}

static bool add_entry(cr_cohort *c, size_t *cap, const char *dir, const char *name, size_t stem)
{
    if (c->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        cr_cohort_entry *ne = realloc(c->entries, ncap * sizeof *ne);
        if (!ne)
            return false;
        c->entries = ne;
        *cap = ncap;
    }
    cr_cohort_entry *e = &c->entries[c->n];
    memset(e, 0, sizeof *e);
    e->id = strndup(name, stem);
    e->submission = join(dir, name);
    c->n++;
    return e->id && e->submission;
}

cr_cohort *cr_cohort_scan(const char *dir, cr_error *err)
{
    if (CR_ARG_NULL(dir, err))
        return NULL;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        cr_error_set(err, CR_EIO, dir, 0, "cannot read the cohort folder: %s", strerror(errno));
        if (dfd >= 0)
            close(dfd);
        return NULL;
    }
    cr_cohort *c = calloc(1, sizeof *c);
    size_t cap = 0;
    scan_list audits = {0};
    bool oom = !c;
    struct dirent *de;
    while (!oom && (de = readdir(d))) {
        const char *name = de->d_name;
        size_t stem;
        if (name[0] == '.')
            continue;
        char path[4352];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        bool sub = ends_with(name, SUB_SUFFIX, &stem);
        bool aud = !sub && ends_with(name, AUDIT_SUFFIX, &stem);
        if ((sub || aud) && !valid_id(name, stem)) {
            cr_error_warn(err, path, 0,
                          "not a city's file: the id before %s must be 1 to 64 letters, "
                          "digits, '.', '_' or '-'; skipped",
                          sub ? SUB_SUFFIX : AUDIT_SUFFIX);
            c->skipped++;
            continue;
        }
        if (!sub && !aud) {
            if (is_xml(name)) {
                cr_error_warn(err, path, 0, "not a city's file (ID%s or ID%s); skipped", SUB_SUFFIX,
                              AUDIT_SUFFIX);
                c->skipped++;
            }
            continue;
        }
        if (aud) {
            /* Not checked here: a city whose audit log is not a regular file must not be scored
             * without it, so its load refuses it (cr_read_file, without blocking) and the city is
             * left out and listed. */
            oom = !list_add(&audits, strndup(name, stem));
            continue;
        }
        if (!regular_file(dfd, path, name, err)) {
            c->skipped++;
            continue;
        }
        oom = !add_entry(c, &cap, dir, name, stem);
    }
    closedir(d);
    if (oom) {
        cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
        goto fail;
    }
    if (c->n)
        qsort(c->entries, c->n, sizeof *c->entries, by_id);
    for (size_t k = 0; k < audits.n; k++) {
        cr_cohort_entry key = {.id = audits.names[k]};
        cr_cohort_entry *e =
            c->n ? bsearch(&key, c->entries, c->n, sizeof *c->entries, by_id) : NULL;
        size_t n = strlen(audits.names[k]) + sizeof AUDIT_SUFFIX;
        char *name = malloc(n);
        if (name)
            snprintf(name, n, "%s%s", audits.names[k], AUDIT_SUFFIX);
        if (name && !e) {
            char path[4352];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            cr_error_warn(err, path, 0, "an audit log without its submission (%s%s); skipped",
                          audits.names[k], SUB_SUFFIX);
            c->skipped++;
        } else if (!name || !(e->audit = join(dir, name))) {
            free(name);
            cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
            goto fail;
        }
        free(name);
    }
    if (c->n == 0) {
        cr_error_set(err, CR_EINPUT, dir, 0, "no submissions (*%s) in the cohort folder",
                     SUB_SUFFIX);
        goto fail;
    }
    list_free(&audits);
    return c;
fail:
    list_free(&audits);
    cr_cohort_free(c);
    return NULL;
}

cr_status cr_cohort_load(const cr_cohort_entry *e, cr_assessment *out, const cr_catalog *cat,
                         const cr_schemas *schemas, cr_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (CR_ARG_NULL(e, err) || CR_ARG_NULL(out, err) || CR_ARG_NULL(e->id, err) ||
        CR_ARG_NULL(e->submission, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return CR_EUSAGE;
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

/* A city's warnings reach the caller's record (counted, and its sink); its errors do not:
 * they leave the city out, as cr_cohort_stats says. */
static void forward_warning(void *data, const cr_error *problem)
{
    cr_error *err = data;
    if (!problem->warning)
        return;
    err->warnings++;
    if (err->sink)
        err->sink(err->sink_data, problem);
}

cr_peers *cr_cohort_stats(const cr_cohort *c, const cr_catalog *cat, const cr_schemas *schemas,
                          const cr_cohort_run *run, cr_error *err)
{
    static const cr_cohort_run none = {0};
    if (CR_ARG_NULL(c, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    if (!run)
        run = &none;
    cr_peers *p = cr_peers_new(cat, err);
    for (size_t i = 0; p && i < c->n; i++) {
        if (run->cancelled && run->cancelled(run->data)) {
            cr_error_set(err, CR_EIO, NULL, 0, "interrupted");
            goto fail;
        }
        const cr_cohort_entry *e = &c->entries[i];
        if (run->want && !run->want(run->data, i, e))
            continue;
        cr_assessment a;
        cr_error one;
        cr_error_init(&one);
        if (err) {
            one.sink = forward_warning;
            one.sink_data = err;
        }
        if (cr_cohort_load(e, &a, cat, schemas, &one) != CR_OK) {
            if (one.code == CR_ENOMEM) {
                cr_error_set(err, one.code, one.file, one.line, "%s", one.message);
                goto fail;
            }
            /* Listed with its own file and line, but the run goes on: not |err|'s problem. */
            if (err && err->sink)
                err->sink(err->sink_data, &one);
            if (cr_peers_leave_out(p, e->id, err) != CR_OK)
                goto fail;
            if (run->left_out)
                run->left_out(run->data, i, &one);
            continue;
        }
        cr_peers_add(p, a.audited, &a.score);
        cr_status st = run->city ? run->city(run->data, i, &a, err) : CR_OK;
        cr_assessment_free(&a);
        if (st != CR_OK) {
            if (err && err->code == CR_OK)
                cr_error_set(err, st, NULL, 0, "stopped");
            goto fail;
        }
    }
    return p;
fail:
    cr_peers_free(p);
    return NULL;
}

char *cr_cohort_summary(const cr_peers *p)
{
    char *buf = NULL;
    size_t len = 0;
    if (!p)
        return NULL;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    if (!p->recorded)
        fputs("peer statistics from a peers file that does not list its cities", f);
    else if (p->nleft_out == 0)
        fprintf(f, "peer statistics over %lu cit%s", p->used, p->used == 1 ? "y" : "ies");
    else {
        fprintf(f, "peer statistics over %lu of %lu cities; left out (invalid files): ", p->used,
                p->cities);
        for (size_t i = 0; i < p->nleft_out && i < 20; i++)
            fprintf(f, "%s%s", i ? ", " : "", p->left_out[i]);
        if (p->nleft_out > 20)
            fprintf(f, " and %zu more", p->nleft_out - 20);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
