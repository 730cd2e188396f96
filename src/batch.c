/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: what a batch run and the cohort overview share (batch_plan.h), and the overview
 * itself (cr_batch_overview, certreport/batch.h).
 *
 * Pass 1 scores every city of the cohort (of the shard), one at a time, into a small row, and
 * computes the cohort's peer statistics over the valid cities (or loads a frozen peers file).
 * Then every report's inputs are hashed, so a run re-renders only what changed, and one city's
 * report can be rendered and written (cr_batch_render_city). The program's batch
 * (app/batch_run.c) runs that in worker processes; nothing here forks or touches signals. */
#define _GNU_SOURCE
#include "batch_plan.h"
#include "args.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "certreport/json.h"
#include "certreport/overview.h"
#include "digest.h"
#include "fileio.h"

/* ---- small helpers ---- */

void cr_batch_logf(const cr_batch *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(b->log, fmt, ap);
    va_end(ap);
}

void cr_batch_log_error(const cr_batch *b, const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    cr_batch_logf(b, "%s\n", line);
}

void cr_batch_hex(const unsigned char *h, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[h[i] >> 4];
        out[2 * i + 1] = digits[h[i] & 15];
    }
    out[2 * n] = '\0';
}

void cr_batch_digest(XXH3_state_t *s, unsigned char out[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s));
    memcpy(out, c.digest, 16);
}

static cr_status feed_file(XXH3_state_t *s, const char *label, const char *path, cr_error *err)
{
    size_t len = 0;
    char *data = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!data)
        return err->code;
    cr_digest_feed(s, label, data, len);
    free(data);
    return CR_OK;
}

bool cr_batch_is_png(const cr_batch *b)
{
    return b->o->format == CR_OUTPUT_PNG;
}

/* The report's name in the output folder: ID.pdf, or the folder of its PNG pages, ID.png.d
 * (1.png ... N.png). An id is letters, digits, '.', '_' and '-', starting with a letter or a
 * digit, so no report's name is another's, a manifest's, the lock's or a temporary's. */
void cr_batch_out_name(const cr_batch *b, const cr_batch_row *r, char *buf, size_t size)
{
    const char *id = cr_cohort_id(b->cohort, r->entry);
    snprintf(buf, size, "%s%s", id, cr_batch_is_png(b) ? ".png.d" : ".pdf");
}

int cr_batch_out_path(const cr_batch *b, const char *name, char *buf, size_t size)
{
    int w = snprintf(buf, size, "%s/%s", b->o->out_dir, name);
    return w > 0 && (size_t)w < size ? 0 : -1;
}

/* ---- string tables ---- */

static void lang_free(cr_batch_lang *t)
{
    cr_strings_free(t->strings);
    cr_catalog_free(t->catalog);
    t->strings = NULL;
    t->catalog = NULL;
}

/* The catalog whose texts a report in language |l| shows. */
static const cr_catalog *lang_catalog(const cr_batch *b, size_t l)
{
    return b->langs[l].catalog ? b->langs[l].catalog : b->cat;
}

/* The string table (and catalog translation) of a report, by the one rule (cr_language_choose:
 * --lang |forced|, else the submission's |own| when translated, else English), loaded once per
 * run. CR_NONE with |err| when the forced language is not translated. */
static size_t lang_index(cr_batch *b, const char *forced, const char *submission, cr_error *err)
{
    char path[4200], cpath[4200];
    const char *code = cr_language_choose(b->o->strings_dir, b->o->catalog_path, b->cat, forced,
                                          submission, path, cpath, sizeof path, err);
    if (!code)
        return CR_NONE;
    for (size_t i = 0; i < b->nlangs; i++)
        if (strcmp(b->langs[i].code, code) == 0)
            return i;
    if (strlen(code) >= sizeof b->langs[0].code) {
        cr_error_set(err, CR_EINPUT, path, 0, "language code too long: %s", code);
        return CR_NONE;
    }
    bool own = cpath[0] == '\0'; /* the catalog's own language: its texts as they are */
    if (b->nlangs == CR_BATCH_MAX_LANGS) {
        cr_error_set(err, CR_EINPUT, path, 0, "too many languages in one run");
        return CR_NONE;
    }
    cr_batch_lang *t = &b->langs[b->nlangs];
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
        cr_digest_feed(s, "lang", code, strlen(code));
        st = feed_file(s, "strings", path, err);
        if (st == CR_OK && !own)
            st = feed_file(s, "catalog-text", cpath, err);
        cr_batch_digest(s, t->hash);
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

/* ---- the rows' records: the spill file ---- */

/* An unlinked temporary file in $TMPDIR (else /tmp): nothing of it outlives the run, however it
 * ends. Its records are at fixed places (row i at i records), its texts after them. */
static cr_status spill_open(cr_batch *b, cr_error *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !dir[0])
        dir = "/tmp";
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) { /* a file system without O_TMPFILE */
        char path[4200];
        snprintf(path, sizeof path, "%s/certreport-rows.XXXXXX", dir);
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0)
            unlink(path);
    }
    if (fd < 0)
        return cr_error_set(err, CR_EIO, dir, 0, "cannot make the run's temporary file: %s",
                            strerror(errno));
    b->spill = fd;
    b->spill_end = (uint64_t)b->nrows * sizeof(cr_batch_city);
    return CR_OK;
}

static cr_status spill_io(const cr_batch *b, bool writing, void *data, size_t len, uint64_t at,
                          cr_error *err)
{
    char *p = data;
    while (len) {
        ssize_t k =
            writing ? pwrite(b->spill, p, len, (off_t)at) : pread(b->spill, p, len, (off_t)at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return cr_error_set(err, CR_EIO, NULL, 0, "the run's temporary file: %s",
                                strerror(errno));
        if (k == 0) { /* past its end: a record never written, zeros */
            if (writing)
                return cr_error_set(err, CR_EIO, NULL, 0, "the run's temporary file: short write");
            memset(p, 0, len);
            break;
        }
        p += k;
        len -= (size_t)k;
        at += (uint64_t)k;
    }
    return CR_OK;
}

/* Appends |len| bytes to the spill file; where they are in *|at|. */
static cr_status spill_append(cr_batch *b, const void *data, size_t len, uint64_t *at,
                              cr_error *err)
{
    *at = b->spill_end;
    cr_status st = spill_io(b, true, (void *)(uintptr_t)data, len, b->spill_end, err);
    if (st == CR_OK)
        b->spill_end += len;
    return st;
}

static uint64_t record_at(const cr_batch *b, const cr_batch_row *r)
{
    return (uint64_t)(size_t)(r - b->rows) * sizeof(cr_batch_city);
}

cr_status cr_batch_city_get(const cr_batch *b, const cr_batch_row *r, cr_batch_city *c, bool texts,
                            cr_error *err)
{
    cr_status st = spill_io(b, false, c, sizeof *c, record_at(b, r), err);
    if (st != CR_OK)
        return st;
    if (!c->stored) {
        memset(c, 0, sizeof *c);
        c->region = c->band = c->eligible = c->awarded = CR_NONE;
    }
    c->entry = r->entry;
    c->valid = r->valid;
    c->st = (cr_row_status)r->st;
    c->lang = r->lang;
    c->name = c->country = c->core_missing = c->message = c->warnings = c->buf = NULL;
    c->area_met = c->area_pct = NULL;
    if (!texts)
        return CR_OK;
    size_t total = (size_t)c->texts_len + c->message_len + c->warnings_len;
    if (!total)
        return CR_OK;
    if (!(c->buf = malloc(total)))
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    char *p = c->buf;
    st = spill_io(b, false, p, c->texts_len, c->texts_at, err);
    if (st == CR_OK && c->texts_len) {
        size_t na = b->cat->nareas ? b->cat->nareas : 1;
        c->area_met = (unsigned *)(void *)p;
        c->area_pct = c->area_met + na;
        c->name = (char *)(c->area_pct + na);
        c->country = c->name + strlen(c->name) + 1;
        c->core_missing = c->country + strlen(c->country) + 1;
    }
    p += c->texts_len;
    if (st == CR_OK && c->message_len &&
        (st = spill_io(b, false, p, c->message_len, c->message_at, err)) == CR_OK)
        c->message = p;
    p += c->message_len;
    if (st == CR_OK && c->warnings_len &&
        (st = spill_io(b, false, p, c->warnings_len, c->warnings_at, err)) == CR_OK)
        c->warnings = p;
    if (st != CR_OK)
        cr_batch_city_free(c);
    return st;
}

cr_status cr_batch_city_put(cr_batch *b, const cr_batch_row *r, const cr_batch_city *c,
                            cr_error *err)
{
    cr_batch_city rec;
    memcpy(&rec, c, sizeof rec); /* its padding too: every byte written was read or zeroed */
    rec.name = rec.country = rec.core_missing = rec.message = rec.warnings = rec.buf = NULL;
    rec.area_met = rec.area_pct = NULL;
    rec.stored = true;
    return spill_io(b, true, &rec, sizeof rec, record_at(b, r), err);
}

void cr_batch_city_free(cr_batch_city *c)
{
    free(c->buf);
    c->name = c->country = c->core_missing = c->message = c->warnings = c->buf = NULL;
    c->area_met = c->area_pct = NULL;
}

/* Keeps the first failed write: the manifest reports it (a row's record is then unknown). */
static void spill_failed(cr_batch *b, const cr_error *e)
{
    if (b->spill_error.code == CR_OK)
        b->spill_error = *e;
}

/* Sets row |r|'s message (|len| bytes with its NUL, or the warnings when |warnings|). */
static void record_text(cr_batch *b, cr_batch_row *r, const char *text, size_t len, bool warnings)
{
    cr_error e;
    cr_error_init(&e);
    cr_batch_city c;
    uint64_t at = 0;
    cr_status st = cr_batch_city_get(b, r, &c, false, &e);
    if (st == CR_OK)
        st = spill_append(b, text, len, &at, &e);
    if (st == CR_OK) {
        if (warnings) {
            c.warnings_at = at;
            c.warnings_len = (uint32_t)len;
        } else {
            c.message_at = at;
            c.message_len = (uint32_t)len;
        }
        st = cr_batch_city_put(b, r, &c, &e);
    }
    if (st != CR_OK)
        spill_failed(b, &e);
}

void cr_batch_fail_row_message(cr_batch *b, cr_batch_row *r, const char *message)
{
    r->st = CR_ROW_FAILED;
    record_text(b, r, message, strlen(message) + 1, false);
}

void cr_batch_row_written(cr_batch *b, cr_batch_row *r, const cr_batch_output *out)
{
    cr_error e;
    cr_error_init(&e);
    cr_batch_city c;
    r->st = CR_ROW_RENDERED;
    cr_status st = cr_batch_city_get(b, r, &c, false, &e);
    if (st == CR_OK) {
        c.bytes = out->bytes;
        c.pages = out->pages;
        cr_batch_hex(out->content, 16, c.content);
        st = cr_batch_city_put(b, r, &c, &e);
    }
    if (st != CR_OK)
        spill_failed(b, &e);
}

/* The texts of a valid city's record, one block: the area arrays (|nareas| each, at least 1),
 * then its name, country and missing core criteria ("LC1 PA1"), each ended by a NUL. */
static char *city_texts(const cr_batch *b, const cr_assessment *a, size_t *len)
{
    const cr_scorecard *sc = &a->score;
    const char *name = a->submission->city.name ? a->submission->city.name : "";
    const char *country = a->submission->city.country ? a->submission->city.country : "";
    size_t na = b->cat->nareas ? b->cat->nareas : 1;
    size_t n = 2 * na * sizeof(unsigned) + strlen(name) + strlen(country) + 3;
    for (size_t i = 0; i < sc->ncore_missing; i++)
        n += strlen(b->cat->criteria[sc->core_missing[i]].code) + 1;
    char *buf = calloc(1, n);
    if (!buf)
        return NULL;
    unsigned *met = (unsigned *)(void *)buf, *pct = met + na;
    for (size_t k = 0; k < b->cat->nareas && k < sc->nareas; k++) {
        met[k] = sc->areas[k].met;
        pct[k] = sc->areas[k].percent;
    }
    char *p = (char *)(pct + na);
    p += sprintf(p, "%s", name) + 1;
    p += sprintf(p, "%s", country) + 1;
    *p = '\0';
    for (size_t i = 0; i < sc->ncore_missing; i++)
        p += sprintf(p, "%s%s", i ? " " : "", b->cat->criteria[sc->core_missing[i]].code);
    *len = n;
    return buf;
}

bool cr_batch_in_shard(const cr_batch *b, const char *id)
{
    if (!b->o->shard_n)
        return true;
    return XXH64(id, strlen(id), 0) % b->o->shard_n == b->o->shard_k - 1;
}

/* The previous cycle's files of city |id|, if there are any. */
static bool previous_files(const cr_batch *b, const char *id, char *sub, char *aud, size_t size)
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

/* The city's hash: its submission and audit log as pass 1 read and scored them (|inputs|: no file
 * is read again for its hash), then its previous cycle's files. */
static cr_status hash_city(cr_batch *b, cr_batch_city *r, const XXH3_state_t *inputs, cr_error *err)
{
    cr_cohort_paths paths;
    const cr_cohort_entry *e = cr_cohort_entry_at(b->cohort, r->entry, &paths);
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return cr_error_set(err, CR_ENOMEM, e->submission, 0, "out of memory");
    XXH3_copyState(s, inputs);
    cr_status st = CR_OK;
    char psub[4200], paud[4200];
    if (previous_files(b, e->id, psub, paud, sizeof psub)) {
        st = feed_file(s, "previous", psub, err);
        if (st == CR_OK && paud[0])
            st = feed_file(s, "previous-audit", paud, err);
    }
    cr_batch_digest(s, r->city_hash);
    XXH3_freeState(s);
    return st;
}

void cr_batch_fail_row(cr_batch *b, cr_batch_row *r, const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    cr_batch_fail_row_message(b, r, line);
}

/* Pass 1 goes through cr_cohort_stats (its _inputs form), the one reading of a cohort every
 * command shares: these callbacks fill the rows of the shard's cities as it loads them, and each
 * city's hash starts from the bytes it read and parsed. */
typedef struct pass1_state {
    cr_batch *b;
    size_t next; /* the next row to look at: cities come in the cohort's order */
    cr_batch_row
        *current;   /* the row of the city being loaded (its warnings go to its manifest line) */
    char *warnings; /* its warnings so far, one per line (recorded when the next city comes) */
    size_t nwarnings;
} pass1_state;

/* The warnings of the city just loaded into its record. */
static void flush_warnings(pass1_state *ps)
{
    if (ps->current && ps->nwarnings)
        record_text(ps->b, ps->current, ps->warnings, ps->nwarnings + 1, true);
    ps->nwarnings = 0;
}

static cr_batch_row *row_of(pass1_state *ps, size_t entry)
{
    cr_batch *b = ps->b;
    while (ps->next < b->nrows && b->rows[ps->next].entry < entry)
        ps->next++;
    return ps->next < b->nrows && b->rows[ps->next].entry == entry ? &b->rows[ps->next] : NULL;
}

static bool p1_want(void *data, size_t index, const cr_cohort_entry *e)
{
    (void)index;
    pass1_state *ps = data;
    return cr_batch_in_shard(ps->b, e->id);
}

/* City |index|'s warnings come next, then its p1_city or p1_left_out. */
static void p1_begin(void *data, size_t index)
{
    pass1_state *ps = data;
    flush_warnings(ps);
    ps->current = row_of(ps, index);
}

static bool p1_cancelled(void *data)
{
    pass1_state *ps = data;
    const cr_batch_options *o = ps->b->o;
    if (o->cancelled && o->cancelled(o->cancel_data))
        ps->b->cancelled = true;
    return ps->b->cancelled;
}

static void p1_left_out(void *data, size_t index, const cr_error *problem)
{
    pass1_state *ps = data;
    cr_batch_row *r = row_of(ps, index);
    cr_batch_log_error(ps->b, problem);
    if (r)
        cr_batch_fail_row(ps->b, r, problem);
}

static cr_status p1_city(void *data, size_t index, const cr_assessment *a,
                         const XXH3_state_t *inputs, cr_error *err)
{
    pass1_state *ps = data;
    cr_batch *b = ps->b;
    cr_batch_row *r = row_of(ps, index);
    if (!r)
        return CR_OK;
    cr_cohort_paths paths;
    const cr_cohort_entry *e = cr_cohort_entry_at(b->cohort, r->entry, &paths);
    const cr_scorecard *sc = &a->score;
    cr_error one;
    cr_error_init(&one);
    cr_batch_city c;
    if (cr_batch_city_get(b, r, &c, false, err) != CR_OK)
        return err->code;
    r->valid = true;
    c.valid = true;
    c.region = sc->region;
    c.band = sc->band;
    c.met = sc->met;
    c.total = sc->total;
    c.percent = sc->percent;
    c.outcomes_met = sc->outcomes_met;
    c.eligible = sc->tier;
    c.awarded = sc->awarded;
    c.in_review = !a->audited->steps[CR_STEP_CERTIFIED].reached;
    c.cycle = a->submission->cycle;
    c.date = cr_assessment_date(a);
    size_t len = 0;
    char *texts = city_texts(b, a, &len);
    if (!texts)
        return cr_error_set(err, CR_ENOMEM, e->submission, 0, "out of memory");
    cr_status st = spill_append(b, texts, len, &c.texts_at, err);
    c.texts_len = (uint32_t)len;
    free(texts);
    if (st != CR_OK)
        return st;
    size_t lang = lang_index(b, b->o->lang, a->submission->lang, &one);
    if (lang == CR_NONE) /* a missing or broken string table stops the run */
        return cr_error_set(err, one.code, one.file, one.line, "%s", one.message);
    r->lang = (uint8_t)lang;
    c.lang = lang;
    /* Characters no font has: warnings (to |err|'s sink, so to this city's line). */
    cr_fonts_check_inputs(b->fonts, a->submission, a->log, err);
    bool hashed = hash_city(b, &c, inputs, &one) == CR_OK;
    if ((st = cr_batch_city_put(b, r, &c, err)) != CR_OK)
        return st;
    if (!hashed) {
        cr_batch_log_error(b, &one);
        cr_batch_fail_row(b, r, &one);
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
    cr_batch_log_error(ps->b, problem);
    if (!ps->current)
        return; /* about the folder, not a city */
    char line[1200];
    cr_error_format(problem, line, sizeof line);
    size_t old = ps->nwarnings, add = strlen(line);
    char *grown = realloc(ps->warnings, old + add + 2);
    if (!grown)
        return; /* the warning was logged; the manifest keeps the ones before it */
    if (old)
        grown[old++] = '\n';
    memcpy(grown + old, line, add + 1);
    ps->warnings = grown;
    ps->nwarnings = old + add;
}

unsigned cr_batch_cpu_count(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    long n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                         : sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Cities each thread of pass 1 loads ahead of the merge: as fast as 128 and 8-10 MB less of the
 * parent's peak (100,000 cities -j2, pass 1 4.4-4.6 s either way, 25-27 MB against 34-37 MB; 16:
 * 4.7-4.9 s). */
enum { BATCH_AHEAD = 32 };

/* Scores every city of the shard into its row and computes the cohort's peer statistics (kept
 * unless a frozen peers file was loaded). Returns CR_EIO with b->cancelled when o->cancelled
 * stopped it, or an error that stops the run. */
static cr_status pass1(cr_batch *b, cr_error *err)
{
    pass1_state ps = {.b = b};
    cr_cohort_run run = {
        .want = p1_want, .left_out = p1_left_out, .cancelled = p1_cancelled, .data = &ps};
    cr_error local;
    cr_error_init(&local);
    local.sink = log_warning;
    local.sink_data = &ps;
    /* As many threads as the run has workers (they are not started yet), at most one per usable
     * CPU: the loading and scoring in parallel, the callbacks above in the cohort's order from
     * this thread. */
    const cr_cohort_pass inputs = {.city = p1_city, .begin = p1_begin, .ahead = BATCH_AHEAD};
    unsigned cpus = cr_batch_cpu_count(),
             threads = b->o->jobs && b->o->jobs < cpus ? b->o->jobs : cpus;
    cr_peers *p =
        cr_cohort_stats_inputs(b->cohort, b->cat, b->schemas, &run, &inputs, threads, &local);
    flush_warnings(&ps);
    free(ps.warnings);
    b->warnings += local.warnings;
    if (!p)
        return b->cancelled ? CR_EIO
                            : cr_error_set(err, local.code, local.file[0] ? local.file : NULL,
                                           local.line, "%s", local.message);
    b->nleft_out = p->nleft_out;
    if (!b->peers) {
        b->peers = p;
        /* What the statistics cover, when the folder was not read whole (as every command says). */
        char *line = b->warnings || p->nleft_out ? cr_cohort_summary(p) : NULL;
        if (line)
            cr_batch_logf(b, "certreport %s: %s\n", b->command, line);
        else if (b->warnings || p->nleft_out)
            return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        free(line);
    } else {
        cr_peers_free(p); /* the frozen file's statistics are the ones used */
    }
    return CR_OK;
}

/* Everything every report depends on: program, options, catalog, layout, fonts, peers, date. */
static cr_status hash_global(cr_batch *b, cr_error *err)
{
    const cr_batch_options *o = b->o;
    XXH3_state_t *s = XXH3_createState();
    if (!s)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    XXH3_128bits_reset(s);
    char date[32];
    snprintf(date, sizeof date, "%lld", o->date);
    cr_digest_feed(s, "certreport", o->version, strlen(o->version));
    /* The names the command line gives (the hashes of earlier runs stay valid). */
    const char *format = o->format == CR_OUTPUT_PNG ? "png" : "pdf";
    const char *backend = o->backend == CR_BACKEND_CAIRO ? "cairo" : "haru";
    cr_digest_feed(s, "format", format, strlen(format));
    cr_digest_feed(s, "backend", backend, strlen(backend));
    cr_digest_feed(s, "tagged", o->untagged ? "no" : "yes", o->untagged ? 2 : 3);
    cr_digest_feed(s, "date", date, strlen(date));
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
            cr_digest_feed(s, "peers", json, strlen(json));
        else
            st = err->code;
        free(json);
    }
    cr_batch_digest(s, b->global_hash);
    XXH3_freeState(s);
    return st;
}

static cr_status hash_rows(cr_batch *b, cr_error *err)
{
    for (size_t i = 0; i < b->nrows; i++) {
        cr_batch_row *row = &b->rows[i];
        cr_batch_city rec, *r = &rec;
        if (!row->valid)
            continue;
        if (cr_batch_city_get(b, row, &rec, false, err) != CR_OK)
            return err->code;
        unsigned char all[48], h[16];
        memcpy(all, b->global_hash, 16);
        memcpy(all + 16, b->langs[r->lang].hash, 16);
        memcpy(all + 32, r->city_hash, 16);
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits(all, sizeof all));
        memcpy(h, c.digest, 16);
        cr_batch_hex(h, 16, r->hash);
        if (cr_batch_city_put(b, row, &rec, err) != CR_OK)
            return err->code;
    }
    return CR_OK;
}

cr_status cr_batch_hash(cr_batch *b, cr_error *err)
{
    cr_status st = hash_global(b, err);
    if (st == CR_OK)
        st = hash_rows(b, err);
    return st;
}

cr_status cr_batch_prepare(cr_batch *b, cr_error *err)
{
    const cr_batch_options *o = b->o;
    cr_error local; /* the scan's warnings go to the log as they come */
    cr_error_init(&local);
    pass1_state scan = {.b = b}; /* no city yet: the folder's warnings go to the log only */
    local.sink = log_warning;
    local.sink_data = &scan;
    b->cohort = cr_cohort_scan_compact(o->cohort_dir, &local);
    b->warnings += local.warnings;
    if (!b->cohort)
        return cr_error_set(err, local.code, local.file[0] ? local.file : NULL, local.line, "%s",
                            local.message);
    if (!(b->spec = cr_layout_spec_load(o->layout_path, o->fonts_dir, b->schemas, err)))
        return err->code;
    if (!(b->fonts = cr_layout_spec_load_fonts(b->spec, err)) ||
        !(b->cache = cr_layout_cache_new(b->fonts, 0, err)))
        return err->code;
    if (b->cohort->n > UINT32_MAX)
        return cr_error_set(err, CR_EINPUT, o->cohort_dir, 0, "more than %u cities", UINT32_MAX);
    size_t n = 0;
    for (size_t i = 0; i < b->cohort->n; i++)
        n += cr_batch_in_shard(b, cr_cohort_id(b->cohort, i));
    b->rows = calloc(n ? n : 1, sizeof *b->rows);
    if (!b->rows)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < b->cohort->n; i++)
        if (cr_batch_in_shard(b, cr_cohort_id(b->cohort, i)))
            b->rows[b->nrows++].entry = (uint32_t)i;
    if (spill_open(b, err) != CR_OK)
        return err->code;
    if (o->peers_path && !(b->peers = cr_peers_load(o->peers_path, b->cat, b->schemas, err)))
        return err->code;
    cr_status st = pass1(b, err);
    if (st == CR_OK && o->strict && (b->warnings || b->nleft_out))
        st =
            cr_error_set(err, CR_EINPUT, o->cohort_dir, 0,
                         "--strict: %zu warning%s and %zu cit%s left out; nothing %s", b->warnings,
                         b->warnings == 1 ? "" : "s", b->nleft_out, b->nleft_out == 1 ? "y" : "ies",
                         strcmp(b->command, "batch") == 0 ? "rendered" : "written");
    return st;
}

/* ---- one city's report ---- */

/* What stands at the report's name before it is written: nothing, a regular file (PDF) or a page
 * set (PNG) is replaced; anything else (a symbolic link, a folder, a FIFO, a device) fails this
 * city only, with the reason, and is left alone. */
static int check_target(const cr_batch *b, const char *path, cr_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return CR_OUT_OK;
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        return CR_OUT_FATAL;
    }
    const char *what = S_ISLNK(st.st_mode)    ? "a symbolic link"
                       : S_ISDIR(st.st_mode)  ? "a folder"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                       : S_ISREG(st.st_mode)  ? NULL
                                              : "a device";
    if (cr_batch_is_png(b)) {
        if (cr_page_set_check(path) == 1)
            return CR_OUT_OK;
        if (!what || S_ISDIR(st.st_mode))
            what = S_ISDIR(st.st_mode) ? "a folder with other files than N.png" : "a file";
    } else if (!what) {
        return CR_OUT_OK;
    }
    cr_error_set(err, CR_EIO, path, 0, "is %s, not %s; left alone, the report not written", what,
                 cr_batch_is_png(b) ? "a folder of pages" : "a regular file");
    return CR_OUT_CITY;
}

/* cr_render_target.wrote: the bytes of each file written, into the content hash. */
typedef struct written {
    XXH3_state_t *hash;
    cr_batch_output *out;
} written;

static void wrote(void *data, const void *bytes, size_t len)
{
    written *w = data;
    XXH3_128bits_update(w->hash, bytes, len);
    w->out->bytes += len;
}

int cr_batch_render_city(const cr_batch *b, const cr_batch_row *r, cr_batch_output *out)
{
    cr_cohort_paths paths;
    const cr_cohort_entry *e = cr_cohort_entry_at(b->cohort, r->entry, &paths);
    cr_error err;
    cr_error_init(&err);
    cr_assessment a, prev;
    memset(&prev, 0, sizeof prev);
    bool have_prev = false;
    cr_display *d = NULL;
    XXH3_state_t *hs = NULL;
    int outcome = CR_OUT_CITY;
    char name[1200], path[5400];
    cr_batch_out_name(b, r, name, sizeof name);
    if (cr_batch_out_path(b, name, path, sizeof path) != 0) {
        cr_error_set(&err, CR_EIO, b->o->out_dir, 0, "path too long");
        goto done_noa;
    }
    if ((outcome = check_target(b, path, &err)) != CR_OUT_OK)
        goto done_noa;
    outcome = CR_OUT_CITY;
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
                             .cache = b->cache,
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
    written w = {.hash = hs, .out = out};
    cr_render_target t = {.format = b->o->format,
                          .backend = b->o->backend,
                          .dpi = 96,
                          .wrote = wrote,
                          .wrote_data = &w};
    bool write_failed = false;
    if (cr_batch_is_png(b)) { /* a page set: each page flushed, the set swapped in (fileio.h) */
        if (cr_render(d, b->fonts, &t, path, NULL, &write_failed, &err) != CR_OK) {
            outcome = write_failed ? CR_OUT_FATAL : CR_OUT_CITY;
            goto done;
        }
    } else {
        /* A PDF: written and renamed whole, not flushed one by one; the run syncs the folder
         * once, before its manifest names the report (cr_batch_write_manifest). */
        cr_buffer file = {0};
        if (cr_render(d, b->fonts, &t, NULL, &file, NULL, &err) != CR_OK)
            goto done;
        cr_status ws = cr_write_atomic_nosync(path, file.data, file.len, &err);
        if (ws == CR_OK)
            wrote(&w, file.data, file.len);
        cr_buffer_free(&file);
        if (ws != CR_OK) {
            outcome = CR_OUT_FATAL;
            goto done;
        }
    }
    cr_batch_digest(hs, out->content);
    out->pages = (uint32_t)d->npages;
    outcome = CR_OUT_OK;
done:
    XXH3_freeState(hs);
    cr_display_free(d);
    if (have_prev)
        cr_assessment_free(&prev);
    cr_assessment_free(&a);
done_noa:
    if (outcome != CR_OUT_OK)
        cr_error_format(&err, out->message, sizeof out->message);
    if (err.code == CR_ENOMEM)
        outcome = CR_OUT_FATAL;
    return outcome;
}

void cr_batch_init(cr_batch *b, const cr_batch_options *o, const cr_catalog *cat,
                   const cr_schemas *schemas, const char *command)
{
    memset(b, 0, sizeof *b);
    b->o = o;
    b->cat = cat;
    b->schemas = schemas;
    b->log = o->log ? o->log : stderr;
    b->command = command;
    b->spill = -1;
    cr_error_init(&b->spill_error);
    if (!o->out_dir)
        return;
    if (o->shard_n) {
        snprintf(b->manifest_csv, sizeof b->manifest_csv, "%s/manifest-%u-of-%u.csv", o->out_dir,
                 o->shard_k, o->shard_n);
        snprintf(b->manifest_json, sizeof b->manifest_json, "%s/manifest-%u-of-%u.json", o->out_dir,
                 o->shard_k, o->shard_n);
    } else {
        snprintf(b->manifest_csv, sizeof b->manifest_csv, "%s/manifest.csv", o->out_dir);
        snprintf(b->manifest_json, sizeof b->manifest_json, "%s/manifest.json", o->out_dir);
    }
}

void cr_batch_free(cr_batch *b)
{
    free(b->rows);
    if (b->spill >= 0)
        close(b->spill);
    b->spill = -1;
    for (size_t l = 0; l < b->nlangs; l++)
        lang_free(&b->langs[l]);
    cr_layout_cache_free(b->cache);
    cr_fonts_free(b->fonts);
    cr_layout_spec_free(b->spec);
    cr_peers_free(b->peers);
    cr_cohort_free(b->cohort);
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
        CR_ARG_RANGE(o->backend, CR_BACKEND_CAIRO + 1, err) || CR_ARG_NULL(o->catalog_path, err) ||
        CR_ARG_NULL(o->layout_path, err) || CR_ARG_NULL(o->fonts_dir, err) ||
        CR_ARG_NULL(o->strings_dir, err))
        return CR_EUSAGE;
    cr_batch b;
    cr_batch_init(&b, o, cat, schemas, "cohort");
    cr_overview_city *cities = NULL;
    cr_batch_city *recs = NULL;
    cr_display *d = NULL;
    cr_status st = cr_batch_prepare(&b, err);
    size_t lang = st == CR_OK ? lang_index(&b, o->lang, NULL, err) : CR_NONE;
    if (st == CR_OK && lang == CR_NONE)
        st = err->code != CR_OK ? err->code : CR_EINPUT;
    if (st == CR_OK && (!(cities = calloc(b.nrows ? b.nrows : 1, sizeof *cities)) ||
                        !(recs = calloc(b.nrows ? b.nrows : 1, sizeof *recs))))
        st = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    size_t n = 0;
    long long latest = 0;
    int cycle = 0;
    for (size_t i = 0; st == CR_OK && cities && recs && i < b.nrows; i++) {
        if (!b.rows[i].valid) {
            (*excluded)++;
            continue;
        }
        const cr_batch_city *r = &recs[n];
        if ((st = cr_batch_city_get(&b, &b.rows[i], &recs[n], true, err)) != CR_OK)
            break;
        cities[n++] = (cr_overview_city){.id = cr_cohort_id(b.cohort, r->entry),
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
    if (st == CR_OK) {
        cr_render_target t = {.format = CR_OUTPUT_PDF, .backend = o->backend, .dpi = 96};
        st = cr_render(d, b.fonts, &t, NULL, out, NULL, err);
    }
    cr_display_free(d);
    for (size_t i = 0; recs && i < n; i++)
        cr_batch_city_free(&recs[i]);
    free(recs);
    free(cities);
    cr_batch_free(&b);
    return st;
}
