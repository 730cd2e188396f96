/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: assessments and cohort folders (see certreport/cohort.h). */
#define _GNU_SOURCE /* qsort_r */
#include "certreport/cohort.h"
#include "args.h"
#include "cohort_compact.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "digest.h"
#include "fileio.h"
#include "text.h"

#include <libxml/parser.h>

static const char SUB_SUFFIX[] = ".submission.xml";
static const char AUDIT_SUFFIX[] = ".audit.xml";

/* Where a city's files are read from: by their paths (cr_read_file: a buffer per file), or, for
 * the statistics of a whole cohort, relative to the cohort folder's descriptor into a buffer
 * each thread keeps (cr_read_file_at: two system calls fewer per file, and no walk of the
 * folder's path: at 100,000 cities, 170,000 files). The same rules and messages either way. */
typedef struct city_reader {
    int dfd;         /* the cohort folder, or -1 (then by path) */
    const char *dir; /* its path, which the files' paths start with */
    size_t dirlen;
    cr_read_buf buf;
    XXH3_state_t *inputs; /* NULL, or the hash of the bytes read (cr_cohort_stats_inputs) */
} city_reader;

/* The bytes of |path| (NUL-terminated): malloc'd without |rd| (the caller frees them), else in
 * rd->buf until the next read. NULL with |err| set. */
static char *read_input(city_reader *rd, const char *path, size_t cap, size_t *len, cr_error *err)
{
    if (!rd)
        return cr_read_file(path, cap, len, err);
    const char *name = path + rd->dirlen + 1;
    bool inside = rd->dfd >= 0 && strncmp(path, rd->dir, rd->dirlen) == 0 &&
                  path[rd->dirlen] == '/' && !strchr(name, '/');
    return cr_read_file_at(inside ? rd->dfd : AT_FDCWD, inside ? name : path, path, cap, &rd->buf,
                           len, err);
}

/* The rest of an assessment once its inputs are read: the audit applied, then the score. On
 * failure |out| is freed. */
static cr_status apply_and_score(cr_assessment *out, const cr_catalog *cat, cr_error *err)
{
    if ((out->audited = cr_audit_apply(cat, out->submission, out->log, err)) &&
        cr_score(out->audited, &out->score, err) == CR_OK)
        return CR_OK;
    cr_assessment_free(out);
    return err && err->code != CR_OK ? err->code : CR_EINPUT;
}

/* cr_assessment_load, its files read through |rd| (NULL: by path). */
static cr_status assess(cr_assessment *out, const char *submission_path, const char *audit_path,
                        city_reader *rd, const cr_catalog *cat, const cr_schemas *schemas,
                        cr_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *buf = read_input(rd, submission_path, CR_SUBMISSION_MAX_BYTES, &len, err);
    if (buf && rd && rd->inputs) {
        XXH3_128bits_reset(rd->inputs);
        cr_digest_feed(rd->inputs, "submission", buf, len);
    }
    out->submission =
        buf ? cr_submission_parse(buf, len, submission_path, cat, schemas, err) : NULL;
    if (!rd)
        free(buf);
    if (!out->submission)
        goto fail;
    if (audit_path) {
        buf = read_input(rd, audit_path, CR_AUDIT_MAX_BYTES, &len, err);
        if (buf && rd && rd->inputs)
            cr_digest_feed(rd->inputs, "audit", buf, len);
        out->log = buf ? cr_audit_parse(buf, len, audit_path, cat, schemas, err) : NULL;
        if (!rd)
            free(buf);
        if (!out->log)
            goto fail;
    }
    return apply_and_score(out, cat, err);
fail:
    cr_assessment_free(out);
    return err->code != CR_OK ? err->code : CR_EINPUT;
}

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
    return assess(out, submission_path, audit_path, NULL, cat, schemas, err);
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
    return apply_and_score(out, cat, err);
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

/* The cohort's strings (ids and paths: three per city) live in an arena, not in a small
 * allocation each: at 100,000 cities, 300,000 small blocks kept for the whole run, mixed with what
 * each city's parse allocates and frees, fragmented the heap so much that malloc's searches made
 * a run grow faster than its cohort. */
typedef cr_arena *str_pool;

/* |a| (|alen| bytes) then |b|, joined by |sep| when it is not 0, in |sp|. */
static char *pool_cat(str_pool *sp, const char *a, size_t alen, char sep, const char *b)
{
    size_t blen = strlen(b), n = alen + (sep != 0) + blen + 1;
    char *p = cr_arena_alloc(*sp, n);
    if (p) {
        memcpy(p, a, alen);
        if (sep)
            p[alen] = sep;
        memcpy(p + alen + (sep != 0), b, blen + 1);
    }
    return p;
}

static char *join(str_pool *sp, const char *dir, const char *name)
{
    return pool_cat(sp, dir, strlen(dir), '/', name);
}

/* A cohort as cr_cohort_scan makes it: the public part, then its strings. A compact one
 * (cr_cohort_scan_compact) has no entries: its ids back to back in |ids|, and where each starts
 * in |at|, the top bit saying the city has an audit log; its paths are made from |dir|. */
typedef struct cohort_impl {
    cr_cohort pub;
    str_pool strings;
    char *dir;
    char *ids;
    size_t ids_len, ids_cap;
    uint32_t *at;
    size_t at_cap;
} cohort_impl;

#define ID_AUDIT 0x80000000u
#define ID_AT(x) ((x) & ~ID_AUDIT)

const char *cr_cohort_id(const cr_cohort *c, size_t i)
{
    const cohort_impl *ci = (const cohort_impl *)c;
    return ci->at ? ci->ids + ID_AT(ci->at[i]) : c->entries[i].id;
}

const cr_cohort_entry *cr_cohort_entry_at(const cr_cohort *c, size_t i, cr_cohort_paths *buf)
{
    const cohort_impl *ci = (const cohort_impl *)c;
    if (!ci->at)
        return &c->entries[i];
    const char *id = ci->ids + ID_AT(ci->at[i]);
    /* the folder is at most 4096 bytes and an id 64 (cr_cohort_scan_compact): it fits */
    snprintf(buf->submission, sizeof buf->submission, "%s/%s%s", ci->dir, id, SUB_SUFFIX);
    buf->e.id = (char *)(uintptr_t)id;
    buf->e.submission = buf->submission;
    buf->e.audit = NULL;
    if (ci->at[i] & ID_AUDIT) {
        snprintf(buf->audit, sizeof buf->audit, "%s/%s%s", ci->dir, id, AUDIT_SUFFIX);
        buf->e.audit = buf->audit;
    }
    return &buf->e;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const cr_cohort_entry *)a)->id, ((const cr_cohort_entry *)b)->id);
}

void cr_cohort_free(cr_cohort *c)
{
    if (!c)
        return;
    cohort_impl *ci = (cohort_impl *)c;
    cr_arena_free(ci->strings);
    free(c->entries);
    free(ci->dir);
    free(ci->ids);
    free(ci->at);
    free(ci);
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

/* True when DIR/NAME is a regular file we can read: looked at without following a link, then
 * opened without blocking (a FIFO nobody writes to returns at once) and checked again on the
 * open file. Otherwise a warning, and false. When the folder's listing gave the file's type
 * (|d_type|, most file systems do), a regular file is only checked for reading (one system call,
 * not four: at 100,000 cities the scan, which runs before any thread starts, made 400,000), and
 * anything else is named from that type. A swap of the file between this look and its load is
 * harmless: the load opens without blocking and refuses what is not a regular file. */
static bool regular_file(int dfd, const char *path, const char *name, unsigned char d_type,
                         cr_error *err)
{
    struct stat st;
    if (d_type == DT_REG) {
        if (faccessat(dfd, name, R_OK, AT_EACCESS) == 0)
            return true;
        cr_error_warn(err, path, 0, "cannot be read (%s); skipped", strerror(errno));
        return false;
    }
    if (d_type != DT_UNKNOWN) {
        cr_error_warn(err, path, 0, "is %s, not a regular file; skipped",
                      file_kind(DTTOIF(d_type)));
        return false;
    }
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
    char **names; /* audit logs' ids, in |pool| */
    size_t n, cap;
    str_pool pool;
} scan_list;

static bool list_add(scan_list *l, const char *name, size_t len)
{
    char *s = pool_cat(&l->pool, name, len, 0, "");
    if (!s)
        return false;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **nn = realloc(l->names, cap * sizeof *nn);
        if (!nn)
            return false;
        l->names = nn;
        l->cap = cap;
    }
    l->names[l->n++] = s;
    return true;
}

static void list_free(scan_list *l)
{
    cr_arena_free(l->pool);
    free(l->names);
}

static bool add_entry(cohort_impl *ci, size_t *cap, const char *dir, const char *name, size_t stem)
{
    cr_cohort *c = &ci->pub;
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
    e->id = pool_cat(&ci->strings, name, stem, 0, "");
    e->submission = join(&ci->strings, dir, name);
    c->n++;
    return e->id && e->submission;
}

/* A compact cohort's next id (|stem| bytes of |name|). */
static bool add_id(cohort_impl *ci, const char *name, size_t stem)
{
    if (ci->pub.n == ci->at_cap) {
        size_t cap = ci->at_cap ? ci->at_cap * 2 : 1024;
        uint32_t *na = realloc(ci->at, cap * sizeof *na);
        if (!na)
            return false;
        ci->at = na;
        ci->at_cap = cap;
    }
    if (ci->ids_len + stem + 1 > ci->ids_cap) {
        size_t cap = ci->ids_cap ? ci->ids_cap * 2 : 16384;
        char *ni = realloc(ci->ids, cap);
        if (!ni)
            return false;
        ci->ids = ni;
        ci->ids_cap = cap;
    }
    if (ci->ids_len + stem + 1 > ID_AUDIT)
        return false; /* 2 GB of ids: some 100 million cities */
    memcpy(ci->ids + ci->ids_len, name, stem);
    ci->ids[ci->ids_len + stem] = '\0';
    ci->at[ci->pub.n++] = (uint32_t)ci->ids_len;
    ci->ids_len += stem + 1;
    return true;
}

static int by_at(const void *a, const void *b, void *ids)
{
    return strcmp((const char *)ids + *(const uint32_t *)a,
                  (const char *)ids + *(const uint32_t *)b);
}

/* Sorts a compact cohort's ids in place, and gives back what its buffers hold beyond them. */
static void sort_ids(cohort_impl *ci)
{
    if (ci->pub.n)
        qsort_r(ci->at, ci->pub.n, sizeof *ci->at, by_at, ci->ids);
    char *ids = realloc(ci->ids, ci->ids_len ? ci->ids_len : 1);
    if (ids) {
        ci->ids = ids;
        ci->ids_cap = ci->ids_len ? ci->ids_len : 1;
    }
    uint32_t *at = realloc(ci->at, (ci->pub.n ? ci->pub.n : 1) * sizeof *at);
    if (at) {
        ci->at = at;
        ci->at_cap = ci->pub.n ? ci->pub.n : 1;
    }
}

/* bsearch over a compact cohort's sorted ids: the key carries where they are. */
typedef struct id_key {
    const char *id;
    const char *ids;
} id_key;

static int by_id_at(const void *key, const void *elem)
{
    const id_key *k = key;
    return strcmp(k->id, k->ids + ID_AT(*(const uint32_t *)elem));
}

static cr_cohort *scan(const char *dir, bool compact, cr_error *err);

cr_cohort *cr_cohort_scan(const char *dir, cr_error *err)
{
    if (CR_ARG_NULL(dir, err))
        return NULL;
    return scan(dir, false, err);
}

cr_cohort *cr_cohort_scan_compact(const char *dir, cr_error *err)
{
    if (CR_ARG_NULL(dir, err))
        return NULL;
    if (strlen(dir) > 4096) {
        cr_error_set(err, CR_EIO, NULL, 0, "cannot read the cohort folder: path too long");
        return NULL;
    }
    return scan(dir, true, err);
}

static cr_cohort *scan(const char *dir, bool compact, cr_error *err)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        cr_error_set(err, CR_EIO, dir, 0, "cannot read the cohort folder: %s", strerror(errno));
        if (dfd >= 0)
            close(dfd);
        return NULL;
    }
    cohort_impl *ci = calloc(1, sizeof *ci);
    cr_cohort *c = ci ? &ci->pub : NULL;
    size_t cap = 0;
    scan_list audits = {.pool = cr_arena_new()};
    if (ci && !compact)
        ci->strings = cr_arena_new();
    if (ci)
        ci->dir = strdup(dir); /* a compact cohort's paths, and where the stats read the files */
    bool oom = !c || !ci->dir || (!compact && !ci->strings) || !audits.pool;
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
        if (aud && compact)
            continue; /* matched with its submission in a second reading of the folder, below */
        if (aud) {
            /* Not checked here: a city whose audit log is not a regular file must not be scored
             * without it, so its load refuses it (cr_read_file, without blocking) and the city is
             * left out and listed. */
            oom = !list_add(&audits, name, stem);
            continue;
        }
        if (!regular_file(dfd, path, name, de->d_type, err)) {
            c->skipped++;
            continue;
        }
        oom = compact ? !add_id(ci, name, stem) : !add_entry(ci, &cap, dir, name, stem);
    }
    if (!oom && compact) {
        /* The audit logs of a compact cohort: the folder read again, each matched with its
         * submission as it comes (in the same order as a list of them would be, and without
         * one: at 1,000,000 cities, some 17 MB). */
        sort_ids(ci);
        rewinddir(d);
        while ((de = readdir(d))) {
            size_t stem;
            if (de->d_name[0] == '.' || ends_with(de->d_name, SUB_SUFFIX, &stem) ||
                !ends_with(de->d_name, AUDIT_SUFFIX, &stem) || !valid_id(de->d_name, stem))
                continue;
            char id[72]; /* an id is at most 64 bytes (valid_id) */
            memcpy(id, de->d_name, stem);
            id[stem] = '\0';
            id_key key = {.id = id, .ids = ci->ids};
            uint32_t *at = c->n ? bsearch(&key, ci->at, c->n, sizeof *ci->at, by_id_at) : NULL;
            if (at) {
                *at |= ID_AUDIT;
                continue;
            }
            char path[4352];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            cr_error_warn(err, path, 0, "an audit log without its submission (%s%s); skipped", id,
                          SUB_SUFFIX);
            c->skipped++;
        }
    }
    closedir(d);
    if (oom) {
        cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
        goto fail;
    }
    if (c->n && !compact)
        qsort(c->entries, c->n, sizeof *c->entries, by_id);
    for (size_t k = 0; k < audits.n; k++) {
        cr_cohort_entry key = {.id = audits.names[k]};
        cr_cohort_entry *e =
            c->n ? bsearch(&key, c->entries, c->n, sizeof *c->entries, by_id) : NULL;
        char name[128]; /* an id is at most 64 bytes (valid_id) */
        snprintf(name, sizeof name, "%s%s", audits.names[k], AUDIT_SUFFIX);
        if (!e) {
            char path[4352];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            cr_error_warn(err, path, 0, "an audit log without its submission (%s%s); skipped",
                          audits.names[k], SUB_SUFFIX);
            c->skipped++;
        } else if (!(e->audit = join(&ci->strings, dir, name))) {
            cr_error_set(err, CR_ENOMEM, dir, 0, "out of memory");
            goto fail;
        }
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

/* cr_cohort_load, the files read through |rd| (NULL: by path). */
static cr_status load_city(city_reader *rd, const cr_cohort_entry *e, cr_assessment *out,
                           const cr_catalog *cat, const cr_schemas *schemas, cr_error *err)
{
    cr_status rc = assess(out, e->submission, e->audit, rd, cat, schemas, err);
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

cr_status cr_cohort_load(const cr_cohort_entry *e, cr_assessment *out, const cr_catalog *cat,
                         const cr_schemas *schemas, cr_error *err)
{
    cr_error local;
    if (!err) {
        cr_error_init(&local);
        err = &local;
    }
    if (out)
        memset(out, 0, sizeof *out);
    if (CR_ARG_NULL(e, err) || CR_ARG_NULL(out, err) || CR_ARG_NULL(e->id, err) ||
        CR_ARG_NULL(e->submission, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return CR_EUSAGE;
    return load_city(NULL, e, out, cat, schemas, err);
}

/* A reader of |c|'s files for one thread: |dfd| is the folder's descriptor (cohort_dir), shared
 * by the threads. */
static void reader_init(city_reader *rd, const cr_cohort *c, int dfd)
{
    const cohort_impl *ci = (const cohort_impl *)c;
    memset(rd, 0, sizeof *rd);
    rd->dfd = ci->dir ? dfd : -1;
    rd->dir = ci->dir;
    rd->dirlen = ci->dir ? strlen(ci->dir) : 0;
}

/* The cohort folder, opened once for a run's reads; -1 when it cannot be (then by path). */
static int cohort_dir(const cr_cohort *c)
{
    const cohort_impl *ci = (const cohort_impl *)c;
    return ci->dir ? open(ci->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
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

/* After city |i| was loaded (|rc|, |a|, |one|): adds it to |p|, or leaves it out and lists it.
 * Frees |a|. CR_OK, or the error that stops the run (set in |err|). */
static cr_status take_city(cr_peers *p, const cr_cohort *c, size_t i, cr_status rc,
                           cr_assessment *a, const cr_error *one, const cr_cohort_run *run,
                           const cr_cohort_pass *pass, const XXH3_state_t *inputs, cr_error *err)
{
    if (rc != CR_OK) {
        if (one->code == CR_ENOMEM)
            return cr_error_set(err, one->code, one->file, one->line, "%s", one->message);
        /* Listed with its own file and line, but the run goes on: not |err|'s problem. */
        if (err && err->sink)
            err->sink(err->sink_data, one);
        cr_status st = cr_peers_leave_out(p, cr_cohort_id(c, i), err);
        if (st != CR_OK)
            return st;
        if (run->left_out)
            run->left_out(run->data, i, one);
        return CR_OK;
    }
    cr_peers_add(p, a->audited, &a->score);
    cr_status st = pass        ? pass->city(run->data, i, a, inputs, err)
                   : run->city ? run->city(run->data, i, a, err)
                               : CR_OK;
    cr_assessment_free(a);
    if (st != CR_OK && err && err->code == CR_OK)
        cr_error_set(err, st, NULL, 0, "stopped");
    return st;
}

/* cr_cohort_stats, and cr_cohort_stats_inputs's on one thread when |pass| is set. */
static cr_peers *stats_one_thread(const cr_cohort *c, const cr_catalog *cat,
                                  const cr_schemas *schemas, const cr_cohort_run *run,
                                  const cr_cohort_pass *pass, cr_error *err)
{
    static const cr_cohort_run none = {0};
    if (!run)
        run = &none;
    int dfd = cohort_dir(c);
    city_reader rd;
    reader_init(&rd, c, dfd);
    cr_peers *p = NULL;
    if (pass && !(rd.inputs = XXH3_createState()))
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    else
        p = cr_peers_new(cat, err);
    for (size_t i = 0; p && i < c->n; i++) {
        if (run->cancelled && run->cancelled(run->data)) {
            cr_error_set(err, CR_EIO, NULL, 0, "interrupted");
            goto fail;
        }
        cr_cohort_paths paths;
        const cr_cohort_entry *e = cr_cohort_entry_at(c, i, &paths);
        if (run->want && !run->want(run->data, i, e))
            continue;
        if (pass && pass->begin)
            pass->begin(run->data, i);
        cr_assessment a;
        cr_error one;
        cr_error_init(&one);
        if (err) {
            one.sink = forward_warning;
            one.sink_data = err;
        }
        cr_status rc = load_city(&rd, e, &a, cat, schemas, &one);
        if (take_city(p, c, i, rc, &a, &one, run, pass, rd.inputs, err) != CR_OK)
            goto fail;
    }
    free(rd.buf.data);
    XXH3_freeState(rd.inputs);
    if (dfd >= 0)
        close(dfd);
    return p;
fail:
    free(rd.buf.data);
    XXH3_freeState(rd.inputs);
    if (dfd >= 0)
        close(dfd);
    cr_peers_free(p);
    return NULL;
}

cr_peers *cr_cohort_stats(const cr_cohort *c, const cr_catalog *cat, const cr_schemas *schemas,
                          const cr_cohort_run *run, cr_error *err)
{
    if (CR_ARG_NULL(c, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    return stats_one_thread(c, cat, schemas, run, NULL, err);
}

/* ---- the same over threads ---- */

/* One city of a parallel run: loaded by any thread of the pool, merged by the calling thread in
 * the cohort's order. Its warnings wait here (copied), so they reach the caller's sink in that
 * order and from the calling thread only. */
typedef struct city_slot {
    size_t index;
    cr_status rc;
    cr_assessment a;
    cr_error one; /* its first error, when rc != CR_OK */
    cr_error *warns;
    size_t nwarns, capwarns;
    bool lost;            /* a warning could not be kept: out of memory */
    bool ready;           /* loaded, waiting to be merged (under the lock) */
    XXH3_state_t *inputs; /* the hash of its files' bytes (cr_cohort_stats_inputs), or NULL */
} city_slot;

/* The cities move through a ring of slots by sequence number (slot = number % cap): the calling
 * thread publishes the wanted cities at most |cap| ahead of the last one it merged, the loading
 * threads claim them in order, load them and mark them ready, and the calling thread merges them
 * in order as they become ready. A loading thread frees the city it finds in a slot (merged |cap|
 * cities ago) before it loads the next one there, so the frees happen in the threads that load,
 * beside their allocations, and no thread waits for a whole batch. */
typedef struct stats_pool {
    const cr_cohort *c;
    const cr_catalog *cat;
    const cr_schemas *schemas;
    const cr_cohort_run *run;
    const cr_cohort_pass *pass; /* cr_cohort_stats_inputs's, or NULL */
    int dfd;                    /* the cohort folder (cohort_dir) */
    city_slot *slots;
    size_t cap;
    pthread_mutex_t lock;
    pthread_cond_t work;  /* a city was published, or the run ends */
    pthread_cond_t ready; /* a city was loaded, or the run stopped */
    size_t published;     /* cities published so far */
    size_t claimed;       /* of which claimed by a loading thread */
    size_t waiting;       /* the city the calling thread waits for, SIZE_MAX if none */
    unsigned idle;        /* loading threads waiting for work */
    bool done;            /* no more to publish: the loading threads leave */
    bool stopped;         /* run->cancelled said so */
} stats_pool;

static void keep_warning(void *data, const cr_error *problem)
{
    city_slot *s = data;
    if (!problem->warning)
        return;
    if (s->nwarns == s->capwarns) {
        size_t cap = s->capwarns ? s->capwarns * 2 : 4;
        cr_error *w = realloc(s->warns, cap * sizeof *w);
        if (!w) {
            s->lost = true;
            return;
        }
        s->warns = w;
        s->capwarns = cap;
    }
    cr_error *w = &s->warns[s->nwarns++];
    *w = *problem;
    w->sink = NULL;
    w->sink_data = NULL;
}

static void slot_clear(city_slot *s)
{
    cr_assessment_free(&s->a);
    free(s->warns);
    s->warns = NULL;
    s->nwarns = s->capwarns = 0;
    s->lost = false;
}

static void *stats_worker(void *arg)
{
    stats_pool *pool = arg;
    const cr_cohort_run *run = pool->run;
    city_reader rd;
    reader_init(&rd, pool->c, pool->dfd);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->claimed == pool->published && !pool->done && !pool->stopped) {
            pool->idle++;
            pthread_cond_wait(&pool->work, &pool->lock);
            pool->idle--;
        }
        if (pool->stopped || pool->claimed == pool->published)
            break;
        size_t seq = pool->claimed++;
        city_slot *s = &pool->slots[seq % pool->cap];
        pthread_mutex_unlock(&pool->lock);
        slot_clear(s);
        /* cr_cohort_stats_inputs asks from the calling thread only. */
        bool cancel = !pool->pass && run->cancelled && run->cancelled(run->data);
        if (!cancel) {
            cr_cohort_paths paths;
            cr_error_init(&s->one);
            s->one.sink = keep_warning;
            s->one.sink_data = s;
            rd.inputs = s->inputs;
            s->rc = load_city(&rd, cr_cohort_entry_at(pool->c, s->index, &paths), &s->a, pool->cat,
                              pool->schemas, &s->one);
            s->one.sink = NULL;
            s->one.sink_data = NULL;
        }
        pthread_mutex_lock(&pool->lock);
        if (cancel)
            pool->stopped = true;
        s->ready = !cancel;
        /* Wake the calling thread only when it waits for this city (or must stop): no system
         * call per city otherwise. */
        if (cancel || pool->waiting == seq)
            pthread_cond_signal(&pool->ready);
    }
    pthread_mutex_unlock(&pool->lock);
    free(rd.buf.data);
    return NULL;
}

/* Cities per thread in the ring: enough that a thread never waits for the calling thread's
 * merge, few enough that the assessments in memory stay some 20 MB. */
enum { SLOTS_PER_THREAD = 128, MAX_THREADS = 256, WAIT_AHEAD = 32 };

/* cr_cohort_stats_parallel, and cr_cohort_stats_inputs when |pass| is set. */
static cr_peers *stats_threads(const cr_cohort *c, const cr_catalog *cat, const cr_schemas *schemas,
                               const cr_cohort_run *run, const cr_cohort_pass *pass,
                               unsigned threads, cr_error *err)
{
    static const cr_cohort_run none = {0};
    if (threads <= 1)
        return stats_one_thread(c, cat, schemas, run, pass, err);
    if (!run)
        run = &none;
    /* Once, before any thread parses (it does nothing the second time). The schemas were
     * compiled before this call (|schemas|): xmlSchemaParse, whose lazy xmlSchemaInitTypes is not
     * thread-safe (libxml2 issue 930), never runs in a thread; each thread validates with its own
     * xmlSchemaValidCtxt over the shared, read-only compiled schema, and parses with its own
     * parser context and dictionary (taken from the schemas' pool, one thread at a time). */
    xmlInitParser();
    stats_pool pool = {.c = c,
                       .cat = cat,
                       .schemas = schemas,
                       .run = run,
                       .pass = pass,
                       .dfd = -1,
                       .waiting = SIZE_MAX};
    pool.cap = (size_t)threads * (pass && pass->ahead ? pass->ahead : SLOTS_PER_THREAD);
    pool.slots = calloc(pool.cap, sizeof *pool.slots);
    pthread_t *tids = calloc(threads, sizeof *tids);
    bool have = pool.slots && tids;
    for (size_t k = 0; have && pass && k < pool.cap; k++)
        have = (pool.slots[k].inputs = XXH3_createState()) != NULL;
    cr_peers *p = have ? cr_peers_new(cat, err) : NULL;
    if (!have)
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    unsigned started = 0;
    if (p) {
        pool.dfd = cohort_dir(c);
        pthread_mutex_init(&pool.lock, NULL);
        pthread_cond_init(&pool.work, NULL);
        pthread_cond_init(&pool.ready, NULL);
        for (unsigned t = 0; t < threads; t++)
            if (pthread_create(&tids[started], NULL, stats_worker, &pool) == 0)
                started++;
    }
    /* No thread started (none could be): the calling thread alone. */
    bool alone = p && started == 0;
    size_t i = 0, pub = 0, merged = 0;
    cr_status st = p && !alone ? CR_OK : CR_EIO;
    while (st == CR_OK) {
        /* Publish the wanted cities, at most |cap| ahead of the merge. */
        size_t before = pub;
        cr_cohort_paths paths;
        for (; i < c->n && pub - merged < pool.cap; i++)
            if (!run->want || run->want(run->data, i, cr_cohort_entry_at(c, i, &paths)))
                pool.slots[pub++ % pool.cap].index = i;
        if (pub != before) {
            pthread_mutex_lock(&pool.lock);
            pool.published = pub;
            if (pool.idle)
                pthread_cond_broadcast(&pool.work);
            pthread_mutex_unlock(&pool.lock);
        }
        if (merged == pub)
            break; /* every city merged */
        if (run->cancelled && run->cancelled(run->data)) {
            st = cr_error_set(err, CR_EIO, NULL, 0, "interrupted");
            break;
        }
        city_slot *s = &pool.slots[merged % pool.cap];
        /* When it must wait, the calling thread waits for a city some way ahead (by then the
         * ones before it are mostly loaded too, and it merges them without waiting again), so
         * it sleeps and is woken once per several cities, not once per city. */
        size_t target = merged + WAIT_AHEAD < pub ? merged + WAIT_AHEAD : pub - 1;
        pthread_mutex_lock(&pool.lock);
        while (!s->ready && !pool.stopped) {
            pool.waiting = pool.slots[target % pool.cap].ready ? merged : target;
            pthread_cond_wait(&pool.ready, &pool.lock);
        }
        pool.waiting = SIZE_MAX;
        bool stop = !s->ready;
        s->ready = false;
        pthread_mutex_unlock(&pool.lock);
        if (stop) {
            st = cr_error_set(err, CR_EIO, NULL, 0, "interrupted");
            break;
        }
        if (pass && pass->begin)
            pass->begin(run->data, s->index);
        for (size_t w = 0; err && w < s->nwarns; w++)
            forward_warning(err, &s->warns[w]);
        st = s->lost ? cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory")
                     : take_city(p, c, s->index, s->rc, &s->a, &s->one, run, pass, s->inputs, err);
        merged++;
    }
    if (p) {
        pthread_mutex_lock(&pool.lock);
        pool.done = true;
        pool.stopped = st != CR_OK;
        pthread_cond_broadcast(&pool.work);
        pthread_mutex_unlock(&pool.lock);
        for (unsigned t = 0; t < started; t++)
            pthread_join(tids[t], NULL);
        for (size_t k = 0; k < pool.cap; k++)
            slot_clear(&pool.slots[k]);
        pthread_cond_destroy(&pool.ready);
        pthread_cond_destroy(&pool.work);
        pthread_mutex_destroy(&pool.lock);
        if (pool.dfd >= 0)
            close(pool.dfd);
    }
    for (size_t k = 0; pool.slots && k < pool.cap; k++)
        XXH3_freeState(pool.slots[k].inputs);
    free(pool.slots);
    free(tids);
    if (alone) {
        cr_peers_free(p);
        return stats_one_thread(c, cat, schemas, run, pass, err);
    }
    if (st != CR_OK) {
        cr_peers_free(p);
        return NULL;
    }
    return p;
}

cr_peers *cr_cohort_stats_parallel(const cr_cohort *c, const cr_catalog *cat,
                                   const cr_schemas *schemas, const cr_cohort_run *run,
                                   unsigned threads, cr_error *err)
{
    if (CR_ARG_NULL(c, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    if (threads > MAX_THREADS) {
        cr_error_set(err, CR_EUSAGE, NULL, 0,
                     "cr_cohort_stats_parallel: threads is %u (at most %d)", threads, MAX_THREADS);
        return NULL;
    }
    return stats_threads(c, cat, schemas, run, NULL, threads, err);
}

cr_peers *cr_cohort_stats_inputs(const cr_cohort *c, const cr_catalog *cat,
                                 const cr_schemas *schemas, const cr_cohort_run *run,
                                 const cr_cohort_pass *pass, unsigned threads, cr_error *err)
{
    if (CR_ARG_NULL(c, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err) ||
        CR_ARG_NULL(pass, err) || CR_ARG_NULL(pass->city, err))
        return NULL;
    return stats_threads(c, cat, schemas, run, pass, threads > MAX_THREADS ? MAX_THREADS : threads,
                         err);
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
