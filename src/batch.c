/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: cohort batch runs (see certreport/batch.h).
 *
 * The parent process scores the cohort (pass 1), keeps one small row per city, decides which
 * reports are out of date, then hands city indices to worker processes over pipes (pass 2).
 * Workers are forked after everything shared (catalog, layout, fonts, string tables, peers) is
 * loaded, so they start ready and hold one city at a time. Each report is written to a temporary
 * file next to its final name and renamed when complete. Signals are read from a signalfd in the
 * parent's poll loop; workers keep them blocked and are killed by the parent, which then removes
 * whatever temporary file a worker was writing. */
#define _GNU_SOURCE
#include "certreport/batch.h"
#include "args.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <xxhash.h>

#include "certreport/cohort.h"
#include "certreport/json.h"
#include "certreport/layout.h"
#include "certreport/overview.h"
#include "fileio.h"

#define MAX_LANGS 8
#define MSG_MAX 1000
/* The output folder's lock: one writer at a time (shards share it and each holds its own). */
#define LOCK_NAME ".certreport.lock"
/* manifest.json's "format": 2 since the manifest records what it verified (content_hash). */
#define MANIFEST_FORMAT 2

typedef enum row_status { ST_PENDING, ST_RENDERED, ST_UNCHANGED, ST_FAILED } row_status;

/* One city, as the manifest and the overview need it. */
typedef struct row {
    size_t entry; /* index in the cohort */
    bool valid;
    char *name, *country;
    size_t region, band;
    unsigned met, total, percent, outcomes_met;
    size_t eligible, awarded;
    bool in_review;     /* the process has not reached certification yet */
    char *core_missing; /* "LC1 PA1" */
    size_t lang;        /* index in the string tables */
    unsigned *area_met; /* criteria met per area (catalog order) */
    unsigned *area_pct; /* and the percentage */
    int cycle;
    long long date; /* the report's date from the city's inputs */
    unsigned char city_hash[16];
    char hash[33]; /* everything that goes into the report, hex */
    row_status st;
    char *message;  /* why it failed */
    char *warnings; /* its files' warnings, one per line ("file:line: warning: ..."), or NULL */
    unsigned long long bytes;
    unsigned pages;
    char content[33]; /* XXH3-128 of the bytes on disk (a PNG set: its pages in order), hex */
} row;

typedef struct lang_table {
    char code[8];
    cr_strings *strings;
    cr_catalog *catalog; /* the catalog with its texts in this language; NULL: the catalog's own */
    unsigned char hash[16]; /* of the string table and the catalog translation */
} lang_table;

typedef struct worker {
    pid_t pid;
    int cmd, res; /* our ends of its pipes; -1 when closed */
    long current; /* row being rendered, -1 when idle */
} worker;

/* What a worker says about one city. Fits in PIPE_BUF, so it arrives whole. */
typedef struct reply {
    uint32_t row;
    int32_t outcome; /* 0 written, 1 the city failed, 2 the output cannot be written */
    uint64_t bytes;
    uint32_t pages;
    unsigned char content[16]; /* XXH3-128 of the bytes written */
    char message[MSG_MAX];
} reply;

enum { OUT_OK, OUT_CITY, OUT_FATAL };

typedef struct batch {
    const cr_batch_options *o;
    const cr_catalog *cat;
    const cr_schemas *schemas;
    FILE *log;
    cr_cohort *cohort;
    row *rows;
    size_t nrows;
    cr_peers *peers;
    cr_layout_spec *spec;
    cr_fonts *fonts;
    lang_table langs[MAX_LANGS];
    size_t nlangs;
    unsigned char global_hash[16];
    int sfd;
    worker *workers;
    size_t nworkers;
    char manifest_csv[4096], manifest_json[4096];
    struct timespec started;
    struct timespec last_line;
    const char *command;        /* "batch" or "cohort", for the log */
    size_t warnings;            /* about the cohort folder */
    size_t nleft_out;           /* invalid cities left out of the statistics computed */
    int lock_fd, shard_lock_fd; /* the output folder's lock files, -1 when not held */
} batch;

/* ---- small helpers ---- */

static void logf_(batch *b, const char *fmt, ...) CR_PRINTF(2, 3);
static void logf_(batch *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(b->log, fmt, ap);
    va_end(ap);
}

static void log_error(batch *b, const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    logf_(b, "%s\n", line);
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void hex(const unsigned char *h, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * n] = '\0';
}

static void digest(XXH3_state_t *s, unsigned char out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s));
    memcpy(out, c.digest, 16);
}

/* Feeds a labelled value: the label keeps "ab"+"c" and "a"+"bc" apart. */
static void feed(XXH3_state_t *s, const char *label, const void *data, size_t len)
{
    uint64_t n = len;
    XXH3_128bits_update(s, label, strlen(label) + 1);
    XXH3_128bits_update(s, &n, sizeof n);
    if (len)
        XXH3_128bits_update(s, data, len);
}

static cr_status feed_file(XXH3_state_t *s, const char *label, const char *path, cr_error *err)
{
    size_t len = 0;
    char *data = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!data)
        return err->code;
    feed(s, label, data, len);
    free(data);
    return CR_OK;
}

/* The ids score --json prints ("gold", "100K-250K"). */
static const char *tier_id(const batch *b, size_t t)
{
    return t == CR_NONE ? "" : b->cat->tiers[t].id;
}

static const char *status_name(row_status s)
{
    switch (s) {
    case ST_RENDERED:
        return "rendered";
    case ST_UNCHANGED:
        return "unchanged";
    case ST_FAILED:
        return "failed";
    default:
        return "not rendered";
    }
}

static bool is_png(const batch *b)
{
    return strcmp(b->o->format, "png") == 0;
}

/* The report's name in the output folder: ID.pdf, or the folder of its PNG pages, ID.png.d
 * (1.png ... N.png). An id is letters, digits, '.', '_' and '-', starting with a letter or a
 * digit, so no report's name is another's, a manifest's, the lock's or a temporary's. */
static void out_name(const batch *b, const row *r, char *buf, size_t size)
{
    const char *id = b->cohort->entries[r->entry].id;
    snprintf(buf, size, "%s%s", id, is_png(b) ? ".png.d" : ".pdf");
}

static int out_path(const batch *b, const char *name, char *buf, size_t size)
{
    int w = snprintf(buf, size, "%s/%s", b->o->out_dir, name);
    return w > 0 && (size_t)w < size ? 0 : -1;
}

/* ---- signals ---- */

static void signal_set(sigset_t *s, bool with_pipe)
{
    sigemptyset(s);
    sigaddset(s, SIGINT);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGHUP);
    if (with_pipe)
        sigaddset(s, SIGPIPE);
}

/* The signal that arrived, or 0. */
static int signal_arrived(batch *b)
{
    struct signalfd_siginfo si;
    if (b->sfd >= 0 && read(b->sfd, &si, sizeof si) == (ssize_t)sizeof si)
        return (int)si.ssi_signo;
    return 0;
}

/* ---- string tables ---- */

static void lang_free(lang_table *t)
{
    cr_strings_free(t->strings);
    cr_catalog_free(t->catalog);
    t->strings = NULL;
    t->catalog = NULL;
}

/* The catalog whose texts a report in language |l| shows. */
static const cr_catalog *lang_catalog(const batch *b, size_t l)
{
    return b->langs[l].catalog ? b->langs[l].catalog : b->cat;
}

/* The string table (and catalog translation) for |want| (NULL: English), loaded once. A language
 * without both files falls back to English, unless the run asked for it (--lang): then an error. */
static size_t lang_index(batch *b, const char *want, cr_error *err)
{
    const char *code = want && *want ? want : "en";
    for (size_t i = 0; i < b->nlangs; i++)
        if (strcmp(b->langs[i].code, code) == 0)
            return i;
    char path[4200], cpath[4200];
    const char *missing = NULL;
    bool have = strlen(code) < sizeof b->langs[0].code &&
                cr_language_files(b->o->strings_dir, b->o->catalog_path, b->cat, code, path, cpath,
                                  sizeof path, &missing);
    if (!have) {
        bool forced = b->o->lang && strcmp(b->o->lang, code) == 0;
        if (strcmp(code, "en") != 0 && !forced)
            return lang_index(b, "en", err);
        cr_error_set(err, CR_EIO, missing ? missing : code, 0, "no %s translation: file not found",
                     code);
        return CR_NONE;
    }
    bool own = cpath[0] == '\0'; /* the catalog's own language: its texts as they are */
    if (b->nlangs == MAX_LANGS) {
        cr_error_set(err, CR_EINPUT, path, 0, "too many languages in one run");
        return CR_NONE;
    }
    lang_table *t = &b->langs[b->nlangs];
    XXH3_state_t *s = XXH3_createState();
    cr_status st = s ? CR_OK : cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    if (st == CR_OK && !(t->strings = cr_strings_load(path, b->schemas, err)))
        st = err->code;
    if (st == CR_OK && !own) {
        if (!(t->catalog = cr_catalog_load(b->o->catalog_path, b->schemas, err)))
            st = err->code;
        else
            st = cr_catalog_translate(t->catalog, cpath, b->schemas, err);
    }
    if (st == CR_OK)
        st = cr_layout_check_texts(t->catalog ? t->catalog : b->cat, t->strings, b->fonts, err);
    if (st == CR_OK) {
        XXH3_128bits_reset(s);
        feed(s, "lang", code, strlen(code));
        st = feed_file(s, "strings", path, err);
        if (st == CR_OK && !own)
            st = feed_file(s, "catalog-text", cpath, err);
        digest(s, t->hash);
    }
    XXH3_freeState(s);
    if (st != CR_OK) {
        lang_free(t);
        return CR_NONE;
    }
    snprintf(t->code, sizeof t->code, "%s", code);
    return b->nlangs++;
}

/* ---- pass 1: score every city ---- */

static char *codes(const batch *b, const size_t *idx, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(b->cat->criteria[idx[i]].code) + 1;
    char *s = malloc(len), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? " " : "", b->cat->criteria[idx[i]].code);
    return s;
}

static bool in_shard(const batch *b, const char *id)
{
    if (!b->o->shard_n)
        return true;
    return XXH64(id, strlen(id), 0) % b->o->shard_n == b->o->shard_k - 1;
}

/* The previous cycle's files of city |id|, if there are any. */
static bool previous_files(const batch *b, const char *id, char *sub, char *aud, size_t size)
{
    if (!b->o->previous_dir)
        return false;
    snprintf(sub, size, "%s/%s.submission.xml", b->o->previous_dir, id);
    snprintf(aud, size, "%s/%s.audit.xml", b->o->previous_dir, id);
    if (access(sub, R_OK) != 0)
        return false;
    if (access(aud, R_OK) != 0)
        aud[0] = '\0';
    return true;
}

static cr_status hash_city(batch *b, row *r, cr_error *err)
{
    const cr_cohort_entry *e = &b->cohort->entries[r->entry];
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return cr_error_set(err, CR_ENOMEM, e->submission, 0, "out of memory");
    XXH3_128bits_reset(s);
    cr_status st = feed_file(s, "submission", e->submission, err);
    if (st == CR_OK && e->audit)
        st = feed_file(s, "audit", e->audit, err);
    char psub[4200], paud[4200];
    if (st == CR_OK && previous_files(b, e->id, psub, paud, sizeof psub)) {
        st = feed_file(s, "previous", psub, err);
        if (st == CR_OK && paud[0])
            st = feed_file(s, "previous-audit", paud, err);
    }
    digest(s, r->city_hash);
    XXH3_freeState(s);
    return st;
}

static void fail_row(row *r, const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    free(r->message);
    r->message = strdup(line);
    r->st = ST_FAILED;
}

/* Pass 1 goes through cr_cohort_stats, the one reading of a cohort every command shares: these
 * callbacks fill the rows of the shard's cities as it loads them. */
typedef struct pass1_state {
    batch *b;
    size_t next;  /* the next row to look at: cities come in the cohort's order */
    row *current; /* the row of the city being loaded (its warnings go to its manifest line) */
    int *sig;
} pass1_state;

static row *row_of(pass1_state *ps, size_t entry)
{
    batch *b = ps->b;
    while (ps->next < b->nrows && b->rows[ps->next].entry < entry)
        ps->next++;
    return ps->next < b->nrows && b->rows[ps->next].entry == entry ? &b->rows[ps->next] : NULL;
}

static bool p1_want(void *data, size_t index, const cr_cohort_entry *e)
{
    pass1_state *ps = data;
    bool want = in_shard(ps->b, e->id);
    ps->current = want ? row_of(ps, index) : NULL;
    return want;
}

static bool p1_cancelled(void *data)
{
    pass1_state *ps = data;
    const cr_batch_options *o = ps->b->o;
    if (!*ps->sig)
        *ps->sig = signal_arrived(ps->b);
    return *ps->sig || (o->cancelled && o->cancelled(o->cancel_data));
}

static void p1_left_out(void *data, size_t index, const cr_error *problem)
{
    pass1_state *ps = data;
    row *r = row_of(ps, index);
    log_error(ps->b, problem);
    if (r)
        fail_row(r, problem);
}

static cr_status p1_city(void *data, size_t index, const cr_assessment *a, cr_error *err)
{
    pass1_state *ps = data;
    batch *b = ps->b;
    row *r = row_of(ps, index);
    if (!r)
        return CR_OK;
    const cr_cohort_entry *e = &b->cohort->entries[r->entry];
    const cr_scorecard *sc = &a->score;
    cr_error one;
    cr_error_init(&one);
    r->valid = true;
    r->name = xstrdup(a->submission->city.name);
    r->country = xstrdup(a->submission->city.country);
    r->region = sc->region;
    r->band = sc->band;
    r->met = sc->met;
    r->total = sc->total;
    r->percent = sc->percent;
    r->outcomes_met = sc->outcomes_met;
    r->eligible = sc->tier;
    r->awarded = sc->awarded;
    r->in_review = !a->audited->steps[CR_STEP_CERTIFIED].reached;
    r->core_missing = codes(b, sc->core_missing, sc->ncore_missing);
    r->cycle = a->submission->cycle;
    r->date = cr_assessment_date(a);
    r->area_met = calloc(b->cat->nareas ? b->cat->nareas : 1, sizeof *r->area_met);
    r->area_pct = calloc(b->cat->nareas ? b->cat->nareas : 1, sizeof *r->area_pct);
    if (r->area_met && r->area_pct)
        for (size_t k = 0; k < b->cat->nareas && k < sc->nareas; k++) {
            r->area_met[k] = sc->areas[k].met;
            r->area_pct[k] = sc->areas[k].percent;
        }
    size_t lang = lang_index(b, b->o->lang ? b->o->lang : a->submission->lang, &one);
    if (!r->name || !r->country || !r->core_missing || !r->area_met || !r->area_pct)
        return cr_error_set(err, CR_ENOMEM, e->submission, 0, "out of memory");
    if (lang == CR_NONE) /* a missing or broken string table stops the run */
        return cr_error_set(err, one.code, one.file, one.line, "%s", one.message);
    r->lang = lang;
    /* Characters no font has: warnings (to |err|'s sink, so to this city's line). */
    cr_fonts_check_inputs(b->fonts, a->submission, a->log, err);
    if (hash_city(b, r, &one) != CR_OK) {
        log_error(b, &one);
        fail_row(r, &one);
        r->valid = false;
    }
    return CR_OK;
}

/* Warnings go to the log as they come, and a city's also to its manifest line; errors that stop
 * the run are returned and printed by the caller. */
static void log_warning(void *data, const cr_error *problem)
{
    pass1_state *ps = data;
    if (!problem->warning)
        return;
    log_error(ps->b, problem);
    row *r = ps->current;
    if (!r)
        return; /* about the folder, not a city */
    char line[1200];
    cr_error_format(problem, line, sizeof line);
    size_t old = r->warnings ? strlen(r->warnings) : 0, add = strlen(line);
    char *grown = realloc(r->warnings, old + add + 2);
    if (!grown)
        return; /* the warning was logged; the manifest keeps the ones before it */
    if (old)
        grown[old++] = '\n';
    memcpy(grown + old, line, add + 1);
    r->warnings = grown;
}

/* Scores every city of the shard into its row and computes the cohort's peer statistics (kept
 * unless a frozen peers file was loaded). Returns CR_EIO with *sig set when a signal stopped it,
 * or an error that stops the run. */
static cr_status pass1(batch *b, int *sig, cr_error *err)
{
    pass1_state ps = {.b = b, .sig = sig};
    cr_cohort_run run = {.want = p1_want,
                         .city = p1_city,
                         .left_out = p1_left_out,
                         .cancelled = p1_cancelled,
                         .data = &ps};
    cr_error local;
    cr_error_init(&local);
    local.sink = log_warning;
    local.sink_data = &ps;
    cr_peers *p = cr_cohort_stats(b->cohort, b->cat, b->schemas, &run, &local);
    b->warnings += local.warnings;
    if (!p)
        return *sig ? CR_EIO
                    : cr_error_set(err, local.code, local.file[0] ? local.file : NULL, local.line,
                                   "%s", local.message);
    b->nleft_out = p->nleft_out;
    if (!b->peers) {
        b->peers = p;
        /* What the statistics cover, when the folder was not read whole (as every command says). */
        char *line = b->warnings || p->nleft_out ? cr_cohort_summary(p) : NULL;
        if (line)
            logf_(b, "certreport %s: %s\n", b->command, line);
        else if (b->warnings || p->nleft_out)
            return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        free(line);
    } else {
        cr_peers_free(p); /* the frozen file's statistics are the ones used */
    }
    return CR_OK;
}

/* Everything every report depends on: program, options, catalog, layout, fonts, peers, date. */
static cr_status hash_global(batch *b, cr_error *err)
{
    const cr_batch_options *o = b->o;
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    XXH3_128bits_reset(s);
    char date[32];
    snprintf(date, sizeof date, "%lld", o->date);
    feed(s, "certreport", o->version, strlen(o->version));
    feed(s, "format", o->format, strlen(o->format));
    feed(s, "backend", o->backend, strlen(o->backend));
    feed(s, "tagged", o->untagged ? "no" : "yes", o->untagged ? 2 : 3);
    feed(s, "date", date, strlen(date));
    cr_status st = feed_file(s, "catalog", o->catalog_path, err);
    if (st == CR_OK)
        st = feed_file(s, "layout", o->layout_path, err);
    const char *const *fonts = cr_layout_spec_fonts(b->spec);
    for (int f = 0; st == CR_OK && f < CR_FACE_COUNT; f++)
        st = feed_file(s, "font", fonts[f], err);
    size_t nfb;
    const char *const *fallbacks = cr_layout_spec_fallbacks(b->spec, &nfb);
    for (size_t f = 0; st == CR_OK && f < nfb; f++)
        st = feed_file(s, "fallback font", fallbacks[f], err);
    if (st == CR_OK) {
        /* The statistics themselves, so a frozen file and the same cohort recomputed agree.
         * Not the record of the cohort (which cities were left out): no report shows it, and a
         * broken city taken out of the folder changes no report. */
        cr_peers counts = *b->peers;
        counts.recorded = false;
        char *json = cr_peers_json(&counts, err);
        if (json)
            feed(s, "peers", json, strlen(json));
        else
            st = err->code;
        free(json);
    }
    digest(s, b->global_hash);
    XXH3_freeState(s);
    return st;
}

static void hash_rows(batch *b)
{
    for (size_t i = 0; i < b->nrows; i++) {
        row *r = &b->rows[i];
        if (!r->valid)
            continue;
        unsigned char all[48], h[16];
        memcpy(all, b->global_hash, 16);
        memcpy(all + 16, b->langs[r->lang].hash, 16);
        memcpy(all + 32, r->city_hash, 16);
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits(all, sizeof all));
        memcpy(h, c.digest, 16);
        hex(h, 16, r->hash);
    }
}

/* ---- incremental: what the last run wrote ---- */

static int row_by_id(const void *key, const void *elem, void *ctx)
{
    const batch *b = ctx;
    return strcmp(key, b->cohort->entries[((const row *)elem)->entry].id);
}

static row *find_row(batch *b, const char *id)
{
    size_t lo = 0, hi = b->nrows;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = row_by_id(id, &b->rows[mid], b);
        if (c == 0)
            return &b->rows[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Whether the report of |r| on disk is exactly what the manifest says was written: the file
 * (or the page set, 1.png ... N.png and nothing else) is there, regular, of |bytes| bytes whose
 * XXH3-128 is |content|. Each file is opened without following a link. */
static bool output_matches(const batch *b, const row *r, unsigned pages, unsigned long long bytes,
                           const char *content)
{
    char name[1200], path[5400];
    out_name(b, r, name, sizeof name);
    if (out_path(b, name, path, sizeof path) != 0 || strlen(content) != 32)
        return false;
    unsigned n = 1;
    if (is_png(b)) {
        /* exactly the pages the manifest counts: a stale page 13 of a 12-page set is a mismatch */
        if (cr_page_set_check(path) != 1 || pages == 0 || pages > 100000)
            return false;
        DIR *d = opendir(path);
        unsigned count = 0;
        struct dirent *de;
        while (d && (de = readdir(d)))
            count += de->d_name[0] != '.';
        if (d)
            closedir(d);
        if (count != pages)
            return false;
        n = pages;
    }
    XXH3_state_t *s = XXH3_createState();
    char *buf = malloc(1 << 16);
    bool ok = s && buf;
    unsigned long long total = 0;
    if (ok)
        XXH3_128bits_reset(s);
    for (unsigned p = 1; ok && p <= n; p++) {
        char file[5500];
        if (is_png(b))
            snprintf(file, sizeof file, "%s/%u.png", path, p);
        else
            snprintf(file, sizeof file, "%s", path);
        int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
             total + (unsigned long long)st.st_size <= bytes;
        ssize_t k;
        while (ok && (k = read(fd, buf, 1 << 16)) != 0) {
            if (k < 0) {
                ok = errno == EINTR;
                continue;
            }
            XXH3_128bits_update(s, buf, (size_t)k);
            total += (unsigned long long)k;
        }
        if (fd >= 0)
            close(fd);
    }
    char hexd[33] = "";
    if (ok) {
        unsigned char h[16];
        digest(s, h);
        hex(h, 16, hexd);
    }
    XXH3_freeState(s);
    free(buf);
    return ok && total == bytes && strcmp(hexd, content) == 0;
}

/* Marks unchanged the row of one manifest entry when its inputs' hash equals ours and its
 * report on disk is verified to be what that run wrote (size and content hash). */
static void mark_one(batch *b, json_t *c)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *hash = json_string_value(json_object_get(c, "hash"));
    const char *st = json_string_value(json_object_get(c, "status"));
    const char *content = json_string_value(json_object_get(c, "content_hash"));
    json_int_t pages = json_integer_value(json_object_get(c, "pages"));
    json_int_t bytes = json_integer_value(json_object_get(c, "bytes"));
    if (!id || !hash || !st || !content ||
        (strcmp(st, "rendered") != 0 && strcmp(st, "unchanged") != 0))
        return;
    row *r = find_row(b, id);
    if (!r || !r->valid || strcmp(r->hash, hash) != 0 || pages < 1 || bytes < 0)
        return;
    if (!output_matches(b, r, (unsigned)pages, (unsigned long long)bytes, content))
        return; /* missing, truncated, replaced or grown: rendered again */
    r->st = ST_UNCHANGED;
    r->bytes = (unsigned long long)bytes;
    r->pages = (unsigned)pages;
    snprintf(r->content, sizeof r->content, "%s", content);
}

/* Reads the last run's manifest.json one city (one line, as write_manifest writes it) at a time,
 * so memory does not grow with the cohort. A manifest in another shape is simply not used:
 * everything renders again, which is always safe. */
static void mark_unchanged(batch *b)
{
    FILE *f = fopen(b->manifest_json, "re");
    if (!f)
        return; /* no manifest yet: everything renders */
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ',' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n < 4 || strncmp(line, "  {", 3) != 0)
            continue;
        json_error_t je;
        json_t *c = json_loadb(line + 2, (size_t)n - 2, 0, &je);
        if (c) {
            mark_one(b, c);
            json_decref(c);
        }
    }
    free(line);
    fclose(f);
}

/* ---- the manifest ---- */

/* One city's line. The vocabulary of score --json: tier and band ids ("gold", "100K-250K"),
 * criteria codes; null for what is absent (a failed city's scores, a tier not reached). */
static json_t *row_json(const batch *b, const row *r)
{
    const cr_cohort_entry *e = &b->cohort->entries[r->entry];
    const cr_catalog *cat = b->cat;
    char name[1200] = "";
    if (r->st == ST_RENDERED || r->st == ST_UNCHANGED)
        out_name(b, r, name, sizeof name);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(e->id));
    json_object_set_new(j, "city", r->name ? json_string(r->name) : json_null());
    json_object_set_new(j, "country", r->country ? json_string(r->country) : json_null());
    /* The vocabulary of score --json (json.h): ids in lower case. */
    json_object_set_new(j, "region",
                        r->valid && r->region != CR_NONE ? json_string(cat->regions[r->region].id)
                                                         : json_null());
    json_t *band = json_null();
    if (r->valid && r->band != CR_NONE) {
        char id[64];
        snprintf(id, sizeof id, "%s", cat->bands[r->band].id);
        for (char *c = id; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        band = json_string(id);
    }
    json_object_set_new(j, "population_band", band);
    json_object_set_new(j, "criteria_met", r->valid ? json_integer(r->met) : json_null());
    json_object_set_new(j, "criteria_total", r->valid ? json_integer(r->total) : json_null());
    json_object_set_new(j, "percent", r->valid ? json_integer(r->percent) : json_null());
    json_t *areas = json_null();
    if (r->valid && r->area_pct) {
        areas = json_object();
        for (size_t k = 0; k < cat->nareas; k++)
            json_object_set_new(areas, cat->areas[k].code, json_integer(r->area_pct[k]));
    }
    json_object_set_new(j, "areas", areas);
    json_object_set_new(j, "eligible_tier",
                        r->valid && r->eligible != CR_NONE ? json_string(tier_id(b, r->eligible))
                                                           : json_null());
    json_object_set_new(j, "awarded_tier",
                        r->valid && r->awarded != CR_NONE ? json_string(tier_id(b, r->awarded))
                                                          : json_null());
    json_t *core = json_null();
    if (r->valid && r->core_missing) {
        core = json_array();
        for (const char *p = r->core_missing; *p;) {
            size_t n = strcspn(p, " ");
            if (n)
                json_array_append_new(core, json_stringn(p, n));
            p += n + (p[n] == ' ');
        }
    }
    json_object_set_new(j, "core_missing", core);
    json_object_set_new(j, "outcomes_met", r->valid ? json_integer(r->outcomes_met) : json_null());
    json_object_set_new(j, "status", json_string(status_name(r->st)));
    json_object_set_new(j, "message", r->message ? json_string(r->message) : json_null());
    json_t *w = json_array();
    for (const char *p = r->warnings; p && *p;) {
        size_t n = strcspn(p, "\n");
        json_array_append_new(w, json_stringn(p, n));
        p += n + (p[n] == '\n');
    }
    json_object_set_new(j, "warnings", w);
    json_object_set_new(j, "file", name[0] ? json_string(name) : json_null());
    json_object_set_new(j, "pages", name[0] ? json_integer(r->pages) : json_null());
    json_object_set_new(j, "bytes", name[0] ? json_integer((json_int_t)r->bytes) : json_null());
    json_object_set_new(j, "content_hash",
                        name[0] && r->content[0] ? json_string(r->content) : json_null());
    json_object_set_new(j, "hash", r->valid ? json_string(r->hash) : json_null());
    return j;
}

/* One CSV field (RFC 4180). Text a spreadsheet would run as a formula gets a leading quote. */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (!s)
        s = "";
    bool formula = strchr("=+-@", s[0]) && s[0] && !(s[0] == '-' && s[1] >= '0' && s[1] <= '9');
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    if (quote)
        fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

/* The CSV's columns: the JSON line's keys, "areas" spread into one column per area
 * (percent_DM, ...), arrays joined (core_missing by spaces, warnings by "; "). */
static const char *const CSV_COLUMNS[] = {
    "id",           "city",           "country",      "region", "population_band",
    "criteria_met", "criteria_total", "percent",      "areas",  "eligible_tier",
    "awarded_tier", "core_missing",   "outcomes_met", "status", "message",
    "warnings",     "file",           "pages",        "bytes",  "content_hash",
    "hash"};
#define NCOLS (sizeof CSV_COLUMNS / sizeof *CSV_COLUMNS)

static void csv_value(FILE *f, json_t *v, const char *sep, bool last)
{
    char num[32];
    const char *s = json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
    }
    char *joined = NULL;
    if (json_is_array(v) && json_array_size(v)) {
        size_t need = 1, k;
        json_t *x;
        for (k = 0; k < json_array_size(v) && ((x) = json_array_get(v, k)) != NULL; k++)
            need += strlen(json_string_value(x) ? json_string_value(x) : "") + strlen(sep);
        if ((joined = malloc(need))) {
            char *end = joined;
            for (k = 0; k < json_array_size(v) && ((x) = json_array_get(v, k)) != NULL; k++) {
                const char *t = json_string_value(x) ? json_string_value(x) : "";
                size_t sl = k ? strlen(sep) : 0, tl = strlen(t);
                memcpy(end, sep, sl);
                memcpy(end + sl, t, tl);
                end += sl + tl;
            }
            *end = '\0';
            s = joined;
        }
    }
    csv_field(f, s, last);
    free(joined);
}

static void csv_row(FILE *f, json_t *j, json_t *area_codes)
{
    for (size_t c = 0; c < NCOLS; c++) {
        bool last = c + 1 == NCOLS;
        if (strcmp(CSV_COLUMNS[c], "areas") == 0) {
            json_t *areas = json_object_get(j, "areas"), *code;
            size_t k;
            for (k = 0; k < json_array_size(area_codes) &&
                        ((code) = json_array_get(area_codes, k)) != NULL;
                 k++)
                csv_value(f, json_object_get(areas, json_string_value(code)), "", false);
            continue;
        }
        const char *sep = strcmp(CSV_COLUMNS[c], "core_missing") == 0 ? " " : "; ";
        csv_value(f, json_object_get(j, CSV_COLUMNS[c]), sep, last);
    }
}

/* Where the lines of a manifest come from: a run's rows, or the shards' lines (merge). */
typedef json_t *(*manifest_line_fn)(void *data, size_t i); /* a new reference */

/* Writes manifest.csv, then manifest.json: |head| (its keys first: "format", "certreport",
 * "catalog", "output", "areas" and a shard's "shard"), then "cities", one line per city, the
 * lines of |line|. The CSV first: manifest.json decides what the next run re-renders, so it is
 * written last and only when the CSV could be; a run that cannot write it renders more next
 * time, never less. Row by row: memory does not grow with a tree of the whole cohort. */
static cr_status manifest_write(const char *csv_path, const char *json_path, const json_t *head,
                                manifest_line_fn line, void *data, size_t n, cr_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    json_t *codes = json_object_get(head, "areas");
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return cr_error_set(err, CR_ENOMEM, csv_path, 0, "out of memory");
    for (size_t c = 0; c < NCOLS; c++) {
        if (strcmp(CSV_COLUMNS[c], "areas") == 0) {
            json_t *code;
            size_t k;
            for (k = 0; k < json_array_size(codes) && ((code) = json_array_get(codes, k)) != NULL;
                 k++) {
                char col[96];
                snprintf(col, sizeof col, "percent_%s", json_string_value(code));
                csv_field(f, col, false);
            }
            continue;
        }
        csv_field(f, CSV_COLUMNS[c], c + 1 == NCOLS);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *j = line(data, i);
        if (!j) {
            fclose(f);
            free(buf);
            return cr_error_set(err, CR_ENOMEM, csv_path, 0, "out of memory");
        }
        csv_row(f, j, codes);
        json_decref(j);
    }
    if (fclose(f) != 0) {
        free(buf);
        return cr_error_set(err, CR_ENOMEM, csv_path, 0, "out of memory");
    }
    cr_status st = cr_write_atomic(csv_path, buf, len, err);
    free(buf);
    if (st != CR_OK)
        return st;
    char *text = json_dumps(head, JSON_PRESERVE_ORDER | JSON_COMPACT);
    buf = NULL;
    len = 0;
    if (!text || !(f = open_memstream(&buf, &len))) {
        free(text);
        return cr_error_set(err, CR_ENOMEM, json_path, 0, "out of memory");
    }
    /* {"format":2,...} -> {"format":2,...,"cities":[ ... ]} */
    fprintf(f, "%.*s,\n\"cities\": [\n", (int)strlen(text) - 1, text);
    free(text);
    for (size_t i = 0; i < n; i++) {
        json_t *j = line(data, i);
        char *one = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
        json_decref(j);
        if (!one) {
            fclose(f);
            free(buf);
            return cr_error_set(err, CR_ENOMEM, json_path, 0, "out of memory");
        }
        fprintf(f, "  %s%s\n", one, i + 1 < n ? "," : "");
        free(one);
    }
    fputs("]}\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return cr_error_set(err, CR_ENOMEM, json_path, 0, "out of memory");
    }
    st = cr_write_atomic(json_path, buf, len, err);
    free(buf);
    return st;
}

static json_t *manifest_head(const char *version, const char *edition, const char *format,
                             json_t *areas)
{
    json_t *head = json_object();
    json_object_set_new(head, "format", json_integer(MANIFEST_FORMAT));
    json_object_set_new(head, "certreport", json_string(version));
    json_object_set_new(head, "catalog", json_string(edition));
    json_object_set_new(head, "output", json_string(format));
    json_object_set_new(head, "areas", areas);
    return head;
}

static json_t *batch_line(void *data, size_t i)
{
    const batch *b = data;
    return row_json(b, &b->rows[i]);
}

static cr_status write_manifest(batch *b, cr_error *err)
{
    json_t *areas = json_array();
    for (size_t k = 0; k < b->cat->nareas; k++)
        json_array_append_new(areas, json_string(b->cat->areas[k].code));
    json_t *head = manifest_head(b->o->version, b->cat->edition, b->o->format, areas);
    if (b->o->shard_n) {
        char shard[32];
        snprintf(shard, sizeof shard, "%u/%u", b->o->shard_k, b->o->shard_n);
        json_object_set_new(head, "shard", json_string(shard));
    }
    cr_status st =
        manifest_write(b->manifest_csv, b->manifest_json, head, batch_line, b, b->nrows, err);
    json_decref(head);
    return st;
}

/* ---- pass 2: the workers ---- */

/* What stands at the report's name before it is written: nothing, a regular file (PDF) or a page
 * set (PNG) is replaced; anything else (a symbolic link, a folder, a FIFO, a device) fails this
 * city only, with the reason, and is left alone. */
static int check_target(const batch *b, const char *path, cr_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return OUT_OK;
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        return OUT_FATAL;
    }
    const char *what = S_ISLNK(st.st_mode)    ? "a symbolic link"
                       : S_ISDIR(st.st_mode)  ? "a folder"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISREG(st.st_mode)  ? NULL
                                              : "a device";
    if (is_png(b)) {
        if (cr_page_set_check(path) == 1)
            return OUT_OK;
        if (!what || S_ISDIR(st.st_mode))
            what = S_ISDIR(st.st_mode) ? "a folder with other files than N.png" : "a file";
    } else if (!what) {
        return OUT_OK;
    }
    cr_error_set(err, CR_EIO, path, 0, "is %s, not %s; left alone, the report not written", what,
                 is_png(b) ? "a folder of pages" : "a regular file");
    return OUT_CITY;
}

/* Renders one city and writes its report: the PDF to a temporary file renamed into place, or
 * the PNG pages to a temporary folder swapped in as one set. A failure to write is OUT_FATAL:
 * the output folder, not the city, is the problem. Runs in a worker. */
static int render_city(batch *b, row *r, reply *rep)
{
    const cr_cohort_entry *e = &b->cohort->entries[r->entry];
    cr_error err;
    cr_error_init(&err);
    cr_assessment a, prev;
    memset(&prev, 0, sizeof prev);
    bool have_prev = false;
    cr_display *d = NULL;
    cr_buffer out = {0};
    cr_stage stage = {0};
    XXH3_state_t *hs = NULL;
    int outcome = OUT_CITY;
    char name[1200], path[5400];
    out_name(b, r, name, sizeof name);
    if (out_path(b, name, path, sizeof path) != 0) {
        cr_error_set(&err, CR_EIO, b->o->out_dir, 0, "path too long");
        goto done_noa;
    }
    if ((outcome = check_target(b, path, &err)) != OUT_OK)
        goto done_noa;
    outcome = OUT_CITY;
    if (cr_cohort_load(e, &a, b->cat, b->schemas, &err) != CR_OK)
        goto done_noa;
    char psub[4200], paud[4200];
    if (previous_files(b, e->id, psub, paud, sizeof psub)) {
        if (cr_assessment_load(&prev, psub, paud[0] ? paud : NULL, b->cat, b->schemas, &err) !=
            CR_OK)
            goto done;
        have_prev = true;
    }
    cr_report_request req = {.catalog = lang_catalog(b, r->lang),
                             .assessment = &a,
                             .peers = b->peers,
                             .spec = b->spec,
                             .strings = b->langs[r->lang].strings,
                             .fonts = b->fonts,
                             .created = b->o->date >= 0 ? b->o->date : cr_assessment_date(&a),
                             .previous = have_prev ? &prev : NULL,
                             .untagged = b->o->untagged};
    if (!(d = cr_layout_report(&req, &err)))
        goto done;
    if (!(hs = XXH3_createState())) {
        cr_error_set(&err, CR_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    XXH3_128bits_reset(hs);
    if (is_png(b)) {
        if (cr_stage_begin(&stage, path, &err) != CR_OK) {
            outcome = err.code == CR_ENOMEM ? OUT_FATAL : OUT_CITY;
            goto done;
        }
        for (size_t p = 0; p < d->npages; p++) {
            if (cr_render_cairo(d, b->fonts, CR_CAIRO_PNG, p, 96, &out, &err) != CR_OK)
                goto done;
            if (cr_stage_add(&stage, out.data, out.len, &err) != CR_OK) {
                outcome = OUT_FATAL;
                goto done;
            }
            XXH3_128bits_update(hs, out.data, out.len);
            rep->bytes += out.len;
            cr_buffer_free(&out);
        }
        if (cr_stage_commit(&stage, &err) != CR_OK) {
            outcome = OUT_FATAL;
            goto done;
        }
    } else {
        cr_status st = strcmp(b->o->backend, "cairo") == 0
                           ? cr_render_cairo(d, b->fonts, CR_CAIRO_PDF, 0, 96, &out, &err)
                           : cr_render_pdf(d, b->fonts, &out, &err);
        if (st != CR_OK)
            goto done;
        if (cr_write_atomic(path, out.data, out.len, &err) != CR_OK) {
            outcome = OUT_FATAL;
            goto done;
        }
        XXH3_128bits_update(hs, out.data, out.len);
        rep->bytes = out.len;
    }
    digest(hs, rep->content);
    rep->pages = (uint32_t)d->npages;
    outcome = OUT_OK;
done:
    if (stage.tmp)
        cr_stage_abort(&stage);
    XXH3_freeState(hs);
    cr_buffer_free(&out);
    cr_display_free(d);
    if (have_prev)
        cr_assessment_free(&prev);
    cr_assessment_free(&a);
done_noa:
    if (outcome != OUT_OK)
        cr_error_format(&err, rep->message, sizeof rep->message);
    if (err.code == CR_ENOMEM)
        outcome = OUT_FATAL;
    return outcome;
}

/* Moves all |n| bytes through a pipe (reads when |out| is NULL, else writes |out|). */
static bool transfer(int fd, void *in, const void *out, size_t n)
{
    char *c = out ? (char *)(uintptr_t)out : in;
    while (n) {
        ssize_t k = out ? write(fd, c, n) : read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        c += k;
        n -= (size_t)k;
    }
    return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
    return transfer(fd, NULL, p, n);
}

static bool read_all(int fd, void *p, size_t n)
{
    return transfer(fd, p, NULL, n);
}

static _Noreturn void worker_main(batch *b, int cmd, int res)
{
    uint32_t i;
    while (read_all(cmd, &i, sizeof i)) {
        reply rep;
        memset(&rep, 0, sizeof rep);
        rep.row = i;
        if (i < b->nrows)
            rep.outcome = render_city(b, &b->rows[i], &rep);
        else
            rep.outcome = OUT_CITY;
        if (!write_all(res, &rep, sizeof rep))
            break;
    }
    _exit(0);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static cr_status spawn(batch *b, worker *w, cr_error *err)
{
    int cmd[2], res[2];
    if (pipe2(cmd, O_CLOEXEC) != 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    if (pipe2(res, O_CLOEXEC) != 0) {
        close(cmd[0]);
        close(cmd[1]);
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(cmd[0]);
        close(cmd[1]);
        close(res[0]);
        close(res[1]);
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    }
    if (pid == 0) {
        /* A worker dies with the parent (SIGKILL too): none goes on writing into a folder whose
         * lock a later run may then hold. The lock itself is shared with the workers, so the
         * kernel releases it only when the last of them is gone. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(1);
        /* Hold no end of another worker's pipes, so each one's EOF means what it says. */
        for (size_t k = 0; k < b->nworkers; k++) {
            close_fd(&b->workers[k].cmd);
            close_fd(&b->workers[k].res);
        }
        close(cmd[1]);
        close(res[0]);
        close_fd(&b->sfd);
        worker_main(b, cmd[0], res[1]);
    }
    close(cmd[0]);
    close(res[1]);
    w->pid = pid;
    w->cmd = cmd[1];
    w->res = res[0];
    w->current = -1;
    return CR_OK;
}

/* The name a temporary stands for: ".certreport-tmp-NAME.XXXXXX" -> NAME. */
static bool temp_base(const char *n, char *base, size_t size)
{
    size_t pl = strlen(CR_TEMP_PREFIX), len = strlen(n);
    if (strncmp(n, CR_TEMP_PREFIX, pl) != 0 || len < pl + 8 || n[len - 7] != '.')
        return false;
    snprintf(base, size, "%.*s", (int)(len - pl - 7), n + pl);
    return true;
}

/* Whether this run may remove a temporary for NAME: a whole run (it holds the folder's lock
 * alone) any; a shard (others may be writing beside it) only those of its own cities and its
 * own manifest. */
static bool owns_temp(const batch *b, const char *base)
{
    if (!b->o->shard_n)
        return true;
    const char *mc = strrchr(b->manifest_csv, '/'), *mj = strrchr(b->manifest_json, '/');
    if ((mc && strcmp(base, mc + 1) == 0) || (mj && strcmp(base, mj + 1) == 0))
        return true;
    static const char *const exts[] = {".pdf", ".png.d"};
    size_t n = strlen(base);
    for (size_t k = 0; k < 2; k++) {
        size_t e = strlen(exts[k]);
        if (n > e && strcmp(base + n - e, exts[k]) == 0) {
            char id[256];
            if (n - e >= sizeof id)
                return false;
            memcpy(id, base, n - e);
            id[n - e] = '\0';
            return in_shard(b, id);
        }
    }
    return false;
}

/* Removes temporaries from the output folder: those for |only| (a report's name: after its
 * worker died), or every one this run owns (at the start, holding the lock: what a killed run
 * left). Returns how many. */
static size_t clean_temporaries(batch *b, const char *only)
{
    DIR *d = opendir(b->o->out_dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char base[300], path[5400];
        if (!temp_base(de->d_name, base, sizeof base))
            continue;
        if (only ? strcmp(base, only) != 0 : !owns_temp(b, base))
            continue;
        if (out_path(b, de->d_name, path, sizeof path) == 0) {
            cr_temp_remove(path);
            n++;
        }
    }
    closedir(d);
    return n;
}

/* Removes the temporary a worker may have left for row |r| (after it was killed or crashed). */
static void remove_temporaries(batch *b, const row *r)
{
    char name[1200];
    out_name(b, r, name, sizeof name);
    clean_temporaries(b, name);
}

static void stop_worker(batch *b, worker *w, bool kill_it)
{
    close_fd(&w->cmd);
    if (kill_it && w->pid > 0)
        kill(w->pid, SIGKILL);
    if (w->pid > 0) {
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    close_fd(&w->res);
    if (w->current >= 0)
        remove_temporaries(b, &b->rows[w->current]);
    w->pid = -1;
    w->current = -1;
}

static void progress(batch *b, size_t done, size_t total, bool final)
{
    const cr_batch_options *o = b->o;
    if (o->progress == CR_PROGRESS_NONE || total == 0)
        return;
    double t = seconds_since(&b->started);
    double rate = t > 0 ? (double)done / t : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    if (o->progress == CR_PROGRESS_BAR) {
        enum { W = 28 };
        char bar[W + 1];
        size_t fill = total ? done * W / total : 0;
        for (size_t i = 0; i < W; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[W] = '\0';
        logf_(b, "\r\033[K[%s] %zu/%zu reports  %.0f/s  %d:%02d left", bar, done, total, rate,
              (int)left / 60, (int)left % 60);
        if (final)
            logf_(b, "\n");
        fflush(b->log);
        return;
    }
    if (!final && seconds_since(&b->last_line) < 5)
        return;
    clock_gettime(CLOCK_MONOTONIC, &b->last_line);
    logf_(b, "certreport batch: %zu/%zu reports (%zu%%), %.0f/s, about %.0f s left\n", done, total,
          total ? done * 100 / total : 0, rate, left);
    fflush(b->log);
}

/* Renders every pending row. Returns CR_OK, an error that stopped the run, or CR_EIO with *sig. */
static cr_status pass2(batch *b, cr_batch_result *res, int *sig, cr_error *err)
{
    size_t *todo = malloc((b->nrows ? b->nrows : 1) * sizeof *todo), ntodo = 0, next = 0, done = 0;
    if (!todo)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < b->nrows; i++)
        if (b->rows[i].valid && b->rows[i].st == ST_PENDING)
            todo[ntodo++] = i;
    unsigned jobs = b->o->jobs;
    if (!jobs) { /* the CPUs this process may use (taskset, cgroups, a Slurm allocation) */
        cpu_set_t set;
        CPU_ZERO(&set);
        long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                             : sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (unsigned)n : 1;
    }
    b->nworkers = jobs < ntodo ? jobs : ntodo;
    b->workers = calloc(b->nworkers ? b->nworkers : 1, sizeof *b->workers);
    struct pollfd *fds = calloc(b->nworkers + 1, sizeof *fds);
    cr_status st = CR_OK;
    if (!b->workers || !fds) {
        free(todo);
        free(fds);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t k = 0; k < b->nworkers; k++) {
        b->workers[k].pid = -1;
        b->workers[k].cmd = b->workers[k].res = -1;
        b->workers[k].current = -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &b->started);
    b->last_line = b->started;
    bool stopping = false;
    for (;;) {
        /* Give every idle worker its next city. */
        for (size_t k = 0; k < b->nworkers && !stopping; k++) {
            worker *w = &b->workers[k];
            if (w->current >= 0 || next >= ntodo)
                continue;
            if (w->pid <= 0 && (st = spawn(b, w, err)) != CR_OK) {
                stopping = true;
                break;
            }
            uint32_t i = (uint32_t)todo[next];
            w->current = (long)todo[next++];
            if (!write_all(w->cmd, &i, sizeof i))
                close_fd(&w->cmd); /* it died between two cities: the read below says so */
        }
        size_t busy = 0;
        for (size_t k = 0; k < b->nworkers; k++)
            busy += b->workers[k].current >= 0;
        if (busy == 0)
            break;
        fds[0] = (struct pollfd){.fd = b->sfd, .events = POLLIN};
        for (size_t k = 0; k < b->nworkers; k++)
            fds[k + 1] = (struct pollfd){.fd = b->workers[k].current >= 0 ? b->workers[k].res : -1,
                                         .events = POLLIN};
        if (poll(fds, b->nworkers + 1, 1000) < 0 && errno != EINTR) {
            st = cr_error_set(err, CR_EIO, NULL, 0, "poll: %s", strerror(errno));
            break;
        }
        if ((*sig = signal_arrived(b))) {
            st = CR_EIO;
            break;
        }
        for (size_t k = 0; k < b->nworkers; k++) {
            worker *w = &b->workers[k];
            if (w->current < 0 || !(fds[k + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            row *r = &b->rows[w->current];
            reply rep;
            if (!read_all(w->res, &rep, sizeof rep) || rep.row != (uint32_t)w->current) {
                /* The worker died with this city: say so, clean up after it, go on. */
                int status = 0;
                pid_t pid = w->pid;
                close_fd(&w->cmd);
                if (pid > 0)
                    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
                w->pid = -1;
                close_fd(&w->res);
                remove_temporaries(b, r);
                cr_error e;
                cr_error_init(&e);
                if (WIFSIGNALED(status))
                    cr_error_set(&e, CR_EINPUT, b->cohort->entries[r->entry].submission, 0,
                                 "rendering crashed (signal %d); the report was not written",
                                 WTERMSIG(status));
                else
                    cr_error_set(&e, CR_EINPUT, b->cohort->entries[r->entry].submission, 0,
                                 "rendering stopped (exit status %d); the report was not written",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                log_error(b, &e);
                fail_row(r, &e);
                w->current = -1;
                res->failed++;
                done++;
                progress(b, done, ntodo, false);
                continue;
            }
            w->current = -1;
            done++;
            if (rep.outcome == OUT_OK) {
                r->st = ST_RENDERED;
                r->bytes = rep.bytes;
                r->pages = rep.pages;
                hex(rep.content, 16, r->content);
                res->rendered++;
            } else {
                rep.message[sizeof rep.message - 1] = '\0';
                free(r->message);
                r->message = strdup(rep.message);
                r->st = ST_FAILED;
                if (rep.outcome == OUT_FATAL && !stopping) {
                    /* The output folder cannot take more (full, read-only, gone): stop here. */
                    stopping = true;
                    res->stopped = true;
                    st = cr_error_set(err, CR_EIO, NULL, 0,
                                      "%s; stopped: the reports already there are kept",
                                      rep.message);
                } else if (rep.outcome != OUT_FATAL) {
                    logf_(b, "%s\n", rep.message);
                    res->failed++;
                }
            }
            progress(b, done, ntodo, false);
        }
    }
    bool killed = *sig != 0 || st != CR_OK;
    for (size_t k = 0; k < b->nworkers; k++)
        stop_worker(b, &b->workers[k], killed);
    if (!*sig && st == CR_OK)
        progress(b, done, ntodo, true);
    else if (b->o->progress == CR_PROGRESS_BAR)
        logf_(b, "\n");
    free(todo);
    free(fds);
    return st;
}

/* ---- the run ---- */

static cr_status check_out_dir(const char *dir, cr_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0777) != 0)
            return cr_error_set(err, CR_EIO, dir, 0, "cannot create the output folder: %s",
                                strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return cr_error_set(err, CR_EIO, dir, 0, "is not a folder");
    }
    /* Can we write there? Find out before any work, with a file of our own. */
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/" CR_TEMP_PREFIX "probe.XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0)
        return cr_error_set(err, CR_EIO, dir, 0, "cannot write in the output folder: %s",
                            strerror(errno));
    close(fd);
    unlink(probe);
    return CR_OK;
}

/* ---- one writer per output folder ---- */

/* Takes |name| in the output folder with flock(|mode| | LOCK_NB): the kernel releases it when the
 * process (and the workers sharing it) are gone, however they die. Busy: an error, or with
 * o->wait, tries again every 100 ms until it is free or a signal (or o->cancelled) stops the
 * wait. The file stays: removing a lock file would let two runs lock two different files. */
static cr_status lock_file(batch *b, const char *name, int mode, int *fd_out, int *sig,
                           cr_error *err)
{
    const cr_batch_options *o = b->o;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", o->out_dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0666);
    if (fd < 0)
        return cr_error_set(err, CR_EIO, path, 0, "cannot open the lock file: %s", strerror(errno));
    bool said = false;
    while (flock(fd, mode | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            cr_error_set(err, CR_EIO, path, 0, "cannot lock: %s", strerror(errno));
            close(fd);
            return CR_EIO;
        }
        if (errno == EINTR)
            continue;
        if (!o->wait) {
            close(fd);
            return cr_error_set(err, CR_EIO, o->out_dir, 0,
                                "another certreport run is writing to this folder (it holds %s); "
                                "wait for it to finish, or give --wait",
                                name);
        }
        if (!said && o->progress != CR_PROGRESS_NONE) {
            logf_(b, "certreport %s: waiting for another run writing to %s\n", b->command,
                  o->out_dir);
            said = true;
        }
        struct pollfd p = {.fd = b->sfd, .events = POLLIN};
        (void)poll(&p, 1, 100);
        if ((*sig = signal_arrived(b)) || (o->cancelled && o->cancelled(o->cancel_data))) {
            close(fd);
            return CR_EIO;
        }
    }
    *fd_out = fd;
    return CR_OK;
}

/* A whole run (and a merge) holds LOCK_NAME alone; a shard shares it with the other shards and
 * holds its own slice's lock alone. Then the temporaries a killed run left are removed. */
static cr_status take_lock(batch *b, int *sig, cr_error *err)
{
    const cr_batch_options *o = b->o;
    cr_status st = lock_file(b, LOCK_NAME, o->shard_n ? LOCK_SH : LOCK_EX, &b->lock_fd, sig, err);
    if (st == CR_OK && o->shard_n) {
        char name[96];
        snprintf(name, sizeof name, ".certreport-shard-%u-of-%u.lock", o->shard_k, o->shard_n);
        st = lock_file(b, name, LOCK_EX, &b->shard_lock_fd, sig, err);
    }
    if (st == CR_OK)
        clean_temporaries(b, NULL);
    return st;
}

static void release_lock(batch *b)
{
    close_fd(&b->shard_lock_fd);
    close_fd(&b->lock_fd); /* closing the last descriptor releases it */
}

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->nrows; i++) {
        free(b->rows[i].name);
        free(b->rows[i].country);
        free(b->rows[i].core_missing);
        free(b->rows[i].area_met);
        free(b->rows[i].area_pct);
        free(b->rows[i].message);
        free(b->rows[i].warnings);
    }
    free(b->rows);
    free(b->workers);
    for (size_t l = 0; l < b->nlangs; l++)
        lang_free(&b->langs[l]);
    cr_fonts_free(b->fonts);
    cr_layout_spec_free(b->spec);
    cr_peers_free(b->peers);
    cr_cohort_free(b->cohort);
    if (b->sfd >= 0)
        close(b->sfd);
    release_lock(b);
}

/* Loads what every report shares and scores the cohort (the shard's cities). */
static cr_status prepare(batch *b, int *sig, cr_error *err)
{
    const cr_batch_options *o = b->o;
    cr_error local; /* the scan's warnings go to the log as they come */
    cr_error_init(&local);
    pass1_state scan = {.b = b}; /* no city yet: the folder's warnings go to the log only */
    local.sink = log_warning;
    local.sink_data = &scan;
    b->cohort = cr_cohort_scan(o->cohort_dir, &local);
    b->warnings += local.warnings;
    if (!b->cohort)
        return cr_error_set(err, local.code, local.file[0] ? local.file : NULL, local.line, "%s",
                            local.message);
    if (!(b->spec = cr_layout_spec_load(o->layout_path, o->fonts_dir, b->schemas, err)))
        return err->code;
    if (!(b->fonts = cr_layout_spec_load_fonts(b->spec, err)))
        return err->code;
    b->rows = calloc(b->cohort->n ? b->cohort->n : 1, sizeof *b->rows);
    if (!b->rows)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < b->cohort->n; i++)
        if (in_shard(b, b->cohort->entries[i].id)) {
            b->rows[b->nrows].entry = i;
            b->rows[b->nrows].region = b->rows[b->nrows].band = CR_NONE;
            b->rows[b->nrows].eligible = b->rows[b->nrows].awarded = CR_NONE;
            b->nrows++;
        }
    if (o->peers_path && !(b->peers = cr_peers_load(o->peers_path, b->cat, b->schemas, err)))
        return err->code;
    cr_status st = pass1(b, sig, err);
    if (st == CR_OK && o->strict && (b->warnings || b->nleft_out))
        st =
            cr_error_set(err, CR_EINPUT, o->cohort_dir, 0,
                         "--strict: %zu warning%s and %zu cit%s left out; nothing %s", b->warnings,
                         b->warnings == 1 ? "" : "s", b->nleft_out, b->nleft_out == 1 ? "y" : "ies",
                         strcmp(b->command, "batch") == 0 ? "rendered" : "written");
    return st;
}

static cr_status block_signals(batch *b, sigset_t *old, cr_error *err)
{
    sigset_t set, fdset;
    signal_set(&set, true);
    signal_set(&fdset, false);
    if (sigprocmask(SIG_BLOCK, &set, old) != 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "sigprocmask: %s", strerror(errno));
    b->sfd = signalfd(-1, &fdset, SFD_CLOEXEC | SFD_NONBLOCK);
    if (b->sfd < 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "signalfd: %s", strerror(errno));
    return CR_OK;
}

static void restore_signals(batch *b, const sigset_t *old)
{
    /* Take any signal still pending (a second Ctrl-C, a broken pipe) before unblocking. */
    sigset_t set;
    signal_set(&set, true);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
    close_fd(&b->sfd);
    sigprocmask(SIG_SETMASK, old, NULL);
}

cr_status cr_batch_run(const cr_batch_options *o, const cr_catalog *cat, const cr_schemas *schemas,
                       cr_batch_result *res, cr_error *err)
{
    cr_error local_err; /* the run reads err->code: a caller's NULL gets a record of its own */
    if (!err) {
        cr_error_init(&local_err);
        err = &local_err;
    }
    if (CR_ARG_NULL(res, err))
        return CR_EUSAGE;
    memset(res, 0, sizeof *res);
    if (CR_ARG_NULL(o, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err) ||
        CR_ARG_NULL(o->cohort_dir, err) || CR_ARG_NULL(o->out_dir, err) ||
        CR_ARG_NULL(o->format, err) || CR_ARG_NULL(o->backend, err) ||
        CR_ARG_NULL(o->catalog_path, err) || CR_ARG_NULL(o->layout_path, err) ||
        CR_ARG_NULL(o->fonts_dir, err) || CR_ARG_NULL(o->strings_dir, err) ||
        CR_ARG_NULL(o->version, err))
        return CR_EUSAGE;
    batch b = {.o = o,
               .cat = cat,
               .schemas = schemas,
               .log = o->log ? o->log : stderr,
               .sfd = -1,
               .command = "batch",
               .lock_fd = -1,
               .shard_lock_fd = -1};
    if (o->shard_n && (o->shard_k < 1 || o->shard_k > o->shard_n))
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "shard %u/%u: K must be between 1 and N",
                            o->shard_k, o->shard_n);
    if (o->shard_n && !o->peers_path)
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "--shard needs --peers: every shard must use the same statistics");
    if (check_out_dir(o->out_dir, err) != CR_OK)
        return err->code;
    if (o->shard_n) {
        snprintf(b.manifest_csv, sizeof b.manifest_csv, "%s/manifest-%u-of-%u.csv", o->out_dir,
                 o->shard_k, o->shard_n);
        snprintf(b.manifest_json, sizeof b.manifest_json, "%s/manifest-%u-of-%u.json", o->out_dir,
                 o->shard_k, o->shard_n);
    } else {
        snprintf(b.manifest_csv, sizeof b.manifest_csv, "%s/manifest.csv", o->out_dir);
        snprintf(b.manifest_json, sizeof b.manifest_json, "%s/manifest.json", o->out_dir);
    }
    snprintf(res->manifest, sizeof res->manifest, "%s", b.manifest_csv);
    sigset_t old;
    int sig = 0;
    cr_status st = block_signals(&b, &old, err);
    if (st == CR_OK)
        st = take_lock(&b, &sig, err);
    if (st == CR_OK)
        st = prepare(&b, &sig, err);
    if (st == CR_OK) {
        res->cities = b.nrows;
        for (size_t i = 0; i < b.nrows; i++)
            if (!b.rows[i].valid)
                res->failed++;
        res->excluded = o->peers_path ? 0 : b.nleft_out;
        st = hash_global(&b, err);
    }
    if (st == CR_OK) {
        hash_rows(&b);
        if (!o->force)
            mark_unchanged(&b);
        for (size_t i = 0; i < b.nrows; i++)
            res->unchanged += b.rows[i].st == ST_UNCHANGED;
        st = pass2(&b, res, &sig, err);
        /* Whatever happened, the manifest says what is on disk now. */
        cr_error merr;
        cr_error_init(&merr);
        if (write_manifest(&b, &merr) != CR_OK) {
            if (st == CR_OK)
                st = cr_error_set(err, merr.code, merr.file, merr.line, "%s", merr.message);
            else
                log_error(&b, &merr);
        }
    }
    if (sig) {
        res->signal = sig;
        if (st == CR_OK || err->code == CR_OK)
            st = cr_error_set(
                err, CR_EIO, NULL, 0,
                "interrupted by signal %d: every finished report is kept, none is half-written",
                sig);
    }
    restore_signals(&b, &old);
    batch_free(&b);
    return st;
}

/* ---- merging the shards' manifests ---- */

typedef struct merge_state {
    json_t **lines;
    size_t n, cap;
} merge_state;

static json_t *merge_line(void *data, size_t i)
{
    merge_state *m = data;
    return json_incref(m->lines[i]);
}

static int by_line_id(const void *x, const void *y)
{
    const char *a = json_string_value(json_object_get(*(json_t *const *)x, "id"));
    const char *b = json_string_value(json_object_get(*(json_t *const *)y, "id"));
    return strcmp(a ? a : "", b ? b : "");
}

/* Reads the decimal number at *p (at most 9 digits) and moves past it. */
static bool number(const char **p, unsigned *v)
{
    const char *s = *p;
    unsigned long x = 0;
    while (*s >= '0' && *s <= '9' && s - *p < 9)
        x = x * 10 + (unsigned long)(*s++ - '0');
    if (s == *p || (*s >= '0' && *s <= '9'))
        return false;
    *v = (unsigned)x;
    *p = s;
    return true;
}

/* "manifest-K-of-N.json" -> K, N */
static bool shard_manifest_name(const char *n, unsigned *k, unsigned *total)
{
    const char *p = n;
    if (strncmp(p, "manifest-", 9) != 0)
        return false;
    p += 9;
    if (!number(&p, k) || strncmp(p, "-of-", 4) != 0)
        return false;
    p += 4;
    if (!number(&p, total) || strcmp(p, ".json") != 0)
        return false;
    return *k >= 1 && *k <= *total;
}

/* One shard's manifest: its head must agree with the first one's (the same program, catalog,
 * output format and areas: else they are not slices of one run), its lines are added. */
static cr_status merge_one(const char *path, unsigned k, unsigned total, json_t **first,
                           merge_state *m, cr_error *err)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        return cr_error_set(err, CR_EINPUT, path, je.line, "not a manifest: %s", je.text);
    char want[64];
    snprintf(want, sizeof want, "%u/%u", k, total);
    const char *shard = json_string_value(json_object_get(doc, "shard"));
    json_t *cities = json_object_get(doc, "cities");
    cr_status st = CR_OK;
    if (json_integer_value(json_object_get(doc, "format")) != MANIFEST_FORMAT ||
        !json_is_array(cities))
        st = cr_error_set(err, CR_EINPUT, path, 0,
                          "not a manifest of format %d (written by another version of "
                          "certreport?); run the shard again",
                          MANIFEST_FORMAT);
    else if (!shard || strcmp(shard, want) != 0)
        st = cr_error_set(err, CR_EINPUT, path, 0, "says it is shard %s, not %s",
                          shard ? shard : "(none)", want);
    if (st == CR_OK && *first) {
        static const char *const keys[] = {"certreport", "catalog", "output", "areas"};
        for (size_t i = 0; i < 4 && st == CR_OK; i++)
            if (!json_equal(json_object_get(doc, keys[i]), json_object_get(*first, keys[i])))
                st = cr_error_set(
                    err, CR_EINPUT, path, 0,
                    "its \"%s\" differs from the other shards': not slices of one run", keys[i]);
    }
    size_t i;
    json_t *line;
    for (i = 0; i < json_array_size(cities) && ((line) = json_array_get(cities, i)) != NULL; i++) {
        if (st != CR_OK)
            break;
        if (!json_is_string(json_object_get(line, "id"))) {
            st = cr_error_set(err, CR_EINPUT, path, 0, "a city without an id");
            break;
        }
        if (m->n == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 256;
            json_t **g = realloc(m->lines, cap * sizeof *g);
            if (!g) {
                st = cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
                break;
            }
            m->lines = g;
            m->cap = cap;
        }
        m->lines[m->n++] = json_incref(line);
    }
    if (st == CR_OK && !*first)
        *first = json_incref(doc);
    json_decref(doc);
    return st;
}

cr_status cr_batch_merge(const cr_batch_options *o, cr_batch_result *res, cr_error *err)
{
    memset(res, 0, sizeof *res);
    batch b = {.o = o,
               .log = o->log ? o->log : stderr,
               .sfd = -1,
               .command = "merge",
               .lock_fd = -1,
               .shard_lock_fd = -1};
    int sig = 0;
    struct stat sb;
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return cr_error_set(err, CR_EIO, o->out_dir, 0, "not a folder");
    /* A whole run's lock: no shard is writing while the view of all of them is made. */
    cr_status st = lock_file(&b, LOCK_NAME, LOCK_EX, &b.lock_fd, &sig, err);
    if (st != CR_OK) {
        res->signal = sig;
        return st;
    }
    /* Which shards: every manifest-K-of-N.json, all of one N, each K once. */
    unsigned total = 0;
    DIR *d = opendir(o->out_dir);
    struct dirent *de;
    if (!d)
        st = cr_error_set(err, CR_EIO, o->out_dir, 0, "cannot read: %s", strerror(errno));
    while (d && st == CR_OK && (de = readdir(d))) {
        unsigned k, n;
        if (!shard_manifest_name(de->d_name, &k, &n))
            continue;
        if (total && n != total) {
            st = cr_error_set(
                err, CR_EINPUT, o->out_dir, 0,
                "manifests of shards of %u and of %u; remove the ones of the older run", total, n);
            break;
        }
        total = n;
    }
    if (d)
        closedir(d);
    if (st == CR_OK && !total)
        st = cr_error_set(err, CR_EINPUT, o->out_dir, 0,
                          "no shard manifest here (manifest-K-of-N.json)");
    for (unsigned k = 1; st == CR_OK && k <= total; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/manifest-%u-of-%u.json", o->out_dir, k, total);
        if (access(path, F_OK) != 0)
            st = cr_error_set(err, CR_EINPUT, o->out_dir, 0,
                              "manifest-%u-of-%u.json is missing: shard %u/%u has not run", k,
                              total, k, total);
    }
    merge_state m = {0};
    json_t *first = NULL;
    for (unsigned k = 1; st == CR_OK && k <= total; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/manifest-%u-of-%u.json", o->out_dir, k, total);
        st = merge_one(path, k, total, &first, &m, err);
    }
    if (st == CR_OK) {
        /* The order of one run: the cohort's, by id. */
        if (m.n)
            qsort(m.lines, m.n, sizeof *m.lines, by_line_id);
        for (size_t i = 0; i + 1 < m.n && st == CR_OK; i++)
            if (by_line_id(&m.lines[i], &m.lines[i + 1]) == 0)
                st = cr_error_set(err, CR_EINPUT, o->out_dir, 0, "city %s is in two shards",
                                  json_string_value(json_object_get(m.lines[i], "id")));
    }
    if (st == CR_OK) {
        json_t *head = manifest_head(json_string_value(json_object_get(first, "certreport")),
                                     json_string_value(json_object_get(first, "catalog")),
                                     json_string_value(json_object_get(first, "output")),
                                     json_deep_copy(json_object_get(first, "areas")));
        char csv[sizeof res->manifest], js[sizeof res->manifest];
        snprintf(csv, sizeof csv, "%s/manifest.csv", o->out_dir);
        snprintf(js, sizeof js, "%s/manifest.json", o->out_dir);
        snprintf(res->manifest, sizeof res->manifest, "%s", csv);
        st = head ? manifest_write(csv, js, head, merge_line, &m, m.n, err)
                  : cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        json_decref(head);
    }
    for (size_t i = 0; i < m.n; i++) {
        const char *status = json_string_value(json_object_get(m.lines[i], "status"));
        res->cities++;
        if (status && strcmp(status, "rendered") == 0)
            res->rendered++;
        else if (status && strcmp(status, "unchanged") == 0)
            res->unchanged++;
        else if (status && strcmp(status, "failed") == 0)
            res->failed++;
        json_decref(m.lines[i]);
    }
    free(m.lines);
    json_decref(first);
    release_lock(&b);
    return st;
}

/* ---- the cohort overview ---- */

cr_status cr_batch_overview(const cr_batch_options *o, const cr_catalog *cat,
                            const cr_schemas *schemas, cr_buffer *out, size_t *excluded,
                            cr_error *err)
{
    cr_error local_err; /* the run reads err->code: a caller's NULL gets a record of its own */
    if (!err) {
        cr_error_init(&local_err);
        err = &local_err;
    }
    if (out)
        memset(out, 0, sizeof *out);
    if (excluded)
        *excluded = 0;
    if (CR_ARG_NULL(o, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err) ||
        CR_ARG_NULL(out, err) || CR_ARG_NULL(excluded, err) || CR_ARG_NULL(o->cohort_dir, err) ||
        CR_ARG_NULL(o->backend, err) || CR_ARG_NULL(o->catalog_path, err) ||
        CR_ARG_NULL(o->layout_path, err) || CR_ARG_NULL(o->fonts_dir, err) ||
        CR_ARG_NULL(o->strings_dir, err))
        return CR_EUSAGE;
    batch b = {.o = o,
               .cat = cat,
               .schemas = schemas,
               .log = o->log ? o->log : stderr,
               .sfd = -1,
               .command = "cohort",
               .lock_fd = -1,
               .shard_lock_fd = -1};
    int sig = 0;
    cr_overview_city *cities = NULL;
    cr_display *d = NULL;
    cr_status st = prepare(&b, &sig, err);
    size_t lang = st == CR_OK ? lang_index(&b, o->lang, err) : CR_NONE;
    if (st == CR_OK && lang == CR_NONE)
        st = err->code != CR_OK ? err->code : CR_EINPUT;
    if (st == CR_OK && !(cities = calloc(b.nrows ? b.nrows : 1, sizeof *cities)))
        st = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    size_t n = 0;
    long long latest = 0;
    int cycle = 0;
    for (size_t i = 0; st == CR_OK && cities && i < b.nrows; i++) {
        const row *r = &b.rows[i];
        if (!r->valid) {
            (*excluded)++;
            continue;
        }
        cities[n++] = (cr_overview_city){.id = b.cohort->entries[r->entry].id,
                                         .name = r->name,
                                         .country = r->country,
                                         .region = r->region,
                                         .band = r->band,
                                         .met = r->met,
                                         .total = r->total,
                                         .percent = r->percent,
                                         .area_met = r->area_met,
                                         .eligible = r->eligible,
                                         .awarded = r->awarded,
                                         .in_review = r->in_review,
                                         .outcomes_met = r->outcomes_met};
        if (r->date > latest)
            latest = r->date;
        if (r->cycle > cycle)
            cycle = r->cycle;
    }
    if (st == CR_OK && n == 0)
        st = cr_error_set(err, CR_EINPUT, o->cohort_dir, 0, "no valid city in the cohort");
    if (st == CR_OK) {
        cr_overview_request req = {.catalog = lang_catalog(&b, lang),
                                   .peers = b.peers,
                                   .cities = cities,
                                   .ncities = n,
                                   .excluded = *excluded,
                                   .cycle = cycle,
                                   .spec = b.spec,
                                   .strings = b.langs[lang].strings,
                                   .fonts = b.fonts,
                                   .created = o->date >= 0 ? o->date : latest,
                                   .untagged = o->untagged};
        if (!(d = cr_layout_overview(&req, err)))
            st = err->code;
    }
    if (st == CR_OK)
        st = strcmp(o->backend, "cairo") == 0
                 ? cr_render_cairo(d, b.fonts, CR_CAIRO_PDF, 0, 96, out, err)
                 : cr_render_pdf(d, b.fonts, out, err);
    cr_display_free(d);
    free(cities);
    batch_free(&b);
    return st;
}
