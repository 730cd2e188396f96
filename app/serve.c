/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve: the HTTP service for the program's portal (issue #17), and certreport token,
 * which makes its access tokens.
 *
 * One process on libmicrohttpd (a thread per connection, HTTP/1.1), behind a reverse proxy that
 * does TLS (examples/nginx-certreport.conf). The installation is opened once (cr_install_open)
 * and every peers file read and checked once; a request carries only the city's files. A report
 * is made by cr_render_city_buffers from the same bytes `certreport render --peers` reads, so it
 * is the same file, byte for byte.
 *
 * Endpoints: POST /v1/validate, /v1/score, /v1/report; GET /v1/health, /metrics. A body is the
 * submission (application/xml), or multipart/form-data with the fields "submission" and "audit".
 * Errors are JSON: {"error": "...", "diagnostics": ["submission:12: ...", ...]}, the request's
 * part names standing for file names.
 *
 * Tokens: a file of lines "NAME ROLE SHA256-HEX [CITY_ID...]" (ROLE staff or city); a request
 * sends "Authorization: Bearer TOKEN". Only the hashes are kept on disk.
 *
 * State: everything lives in one struct server, owned by cr_cli_serve's frame; the counters are
 * atomics. Signals: SIGINT and SIGTERM are blocked in every thread and taken by sigwait() in the
 * main one, which then stops accepting, lets the requests in flight finish, and returns 0. */
#define _GNU_SOURCE /* getrandom, open_memstream */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "certreport/certreport.h"
#include "serve_pool.h"
#include "serve_web.h"

#ifndef CERTREPORT_VERSION
#define CERTREPORT_VERSION "unknown"
#endif

#define DEFAULT_TOKENS "certreport.tokens"
#define DEFAULT_MAX_BODY (1024u * 1024u)
#define DEFAULT_TIMEOUT 30u /* seconds a connection may stay idle */
#define DEFAULT_MAX_CONNECTIONS 64u
#define SHUTDOWN_GRACE_SECONDS 60   /* in-flight requests get this long after SIGTERM */
#define DEFAULT_QUEUE_WAIT_MS 5000u /* a job waits this long for an idle worker, then 503 */
#define TOKEN_BYTES 32

/* ---- small helpers ---- */

static void sha256_hex(const void *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha256_raw(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}

static bool is_word(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads a whole file (at most |max| bytes). NULL with |err| set. */
static char *slurp(const char *path, size_t max, size_t *len, cr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cr_error_set(err, CR_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    bool nomem = false;
    for (size_t got = 1; got > 0 && n <= max;) {
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                nomem = true;
                break;
            }
            b = nb;
            cap *= 2;
        }
        got = fread(b + n, 1, cap - n, f);
        n += got;
    }
    bool bad = nomem || ferror(f) || n > max;
    fclose(f);
    if (bad) {
        free(b);
        cr_error_set(err, CR_EIO, path, 0, n > max ? "larger than %zu bytes" : "cannot read", max);
        return NULL;
    }
    *len = n;
    return b;
}

/* ---- tokens ---- */

typedef struct token {
    char name[65];
    bool staff;
    uint8_t hash[SHA256_DIGEST_SIZE];
    char **cities;
    size_t ncities;
} token;

static void tokens_free(token *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < t[i].ncities; k++)
            free(t[i].cities[k]);
        free(t[i].cities);
    }
    free(t);
}

/* Loads a tokens file: lines "NAME ROLE HASH [CITY_ID...]", blank lines and # comments skipped.
 * A missing file is an empty list when |missing_ok|. */
static cr_status tokens_load(const char *path, bool missing_ok, token **out, size_t *nout,
                             cr_error *err)
{
    *out = NULL;
    *nout = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (missing_ok && errno == ENOENT)
            return CR_OK;
        return cr_error_set(err, CR_EIO, path, 0, "cannot open: %s", strerror(errno));
    }
    token *t = NULL;
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    cr_status st = CR_OK;
    while (st == CR_OK && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *save = NULL;
        char *name = strtok_r(line, " \t\r\n", &save);
        if (!name || name[0] == '#')
            continue;
        char *role = strtok_r(NULL, " \t\r\n", &save);
        char *hash = strtok_r(NULL, " \t\r\n", &save);
        if (!role || !hash) {
            st = cr_error_set(err, CR_EINPUT, path, lineno, "expected NAME ROLE HASH [CITY_ID...]");
            break;
        }
        token *nt = realloc(t, (n + 1) * sizeof *t);
        if (!nt) {
            st = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
            break;
        }
        t = nt;
        token *k = &t[n++];
        memset(k, 0, sizeof *k);
        if (!is_word(name, 64)) {
            st = cr_error_set(err, CR_EINPUT, path, lineno,
                              "token name '%.64s' is not a word of at most 64 of A-Z a-z 0-9 . _ -",
                              name);
            break;
        }
        for (size_t i = 0; i + 1 < n; i++)
            if (strcmp(t[i].name, name) == 0)
                st = cr_error_set(err, CR_EINPUT, path, lineno, "token name '%s' is used twice",
                                  name);
        snprintf(k->name, sizeof k->name, "%s", name);
        if (strcmp(role, "staff") == 0)
            k->staff = true;
        else if (strcmp(role, "city") != 0)
            st = cr_error_set(err, CR_EINPUT, path, lineno,
                              "role '%.32s' is neither staff nor city", role);
        if (strlen(hash) != 2 * SHA256_DIGEST_SIZE)
            st = cr_error_set(err, CR_EINPUT, path, lineno,
                              "the hash is not 64 hex digits (SHA-256)");
        for (size_t i = 0; st == CR_OK && i < SHA256_DIGEST_SIZE; i++) {
            int hi = hexval(hash[2 * i]), lo = hexval(hash[2 * i + 1]);
            if (hi < 0 || lo < 0)
                st = cr_error_set(err, CR_EINPUT, path, lineno,
                                  "the hash is not 64 hex digits (SHA-256)");
            else
                k->hash[i] = (uint8_t)(hi * 16 + lo);
        }
        for (char *id; st == CR_OK && (id = strtok_r(NULL, " \t\r\n", &save));) {
            char **nc = realloc(k->cities, (k->ncities + 1) * sizeof *nc);
            if (!nc || !(nc[k->ncities] = strdup(id))) {
                if (nc)
                    k->cities = nc;
                st = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
                break;
            }
            k->cities = nc;
            k->ncities++;
        }
        if (st == CR_OK && k->staff && k->ncities)
            st = cr_error_set(err, CR_EINPUT, path, lineno, "a staff token names no cities");
        if (st == CR_OK && !k->staff && !k->ncities)
            st = cr_error_set(err, CR_EINPUT, path, lineno, "a city token names its cities");
    }
    free(line);
    fclose(f);
    if (st != CR_OK) {
        tokens_free(t, n);
        return st;
    }
    *out = t;
    *nout = n;
    return CR_OK;
}

/* ---- the server ---- */

enum { EP_VALIDATE, EP_SCORE, EP_REPORT, EP_HEALTH, EP_METRICS, EP_WEB, EP_OTHER, EP_COUNT };
static const char *const ep_names[EP_COUNT] = {"validate", "score", "report", "health",
                                               "metrics",  "web",   "other"};
static const int codes[] = {0, 200, 304, 400, 401, 403, 404, 405, 413, 422, 500, 503};
#define NCODES (sizeof codes / sizeof codes[0])
static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct metrics {
    atomic_ulong requests[EP_COUNT][NCODES + 1]; /* the last: any other code */
    atomic_ulong hist[EP_COUNT][NBUCKETS + 1];   /* per bucket, not cumulative; the last: +Inf */
    atomic_ullong sum_us[EP_COUNT];
    atomic_ulong renders, render_failures, busy;
    atomic_ulong jobs_lost, request_ids; /* requests whose worker died; ids given out */
    atomic_long in_flight, rendering;
} metrics;

typedef struct peerset {
    int cycle;
    const char *path;
    char *bytes;
    size_t len;
    char sha256[65];
    cr_peers *parsed;
} peerset;

typedef struct server {
    cr_install *in;
    serve_web *web; /* the page and the catalog it shows (serve_web.c) */
    const cr_catalog *cat;
    const cr_schemas *schemas;
    token *tokens;
    size_t ntokens;
    peerset *peers;
    size_t npeers;
    size_t max_body;
    unsigned timeout, max_connections;
    unsigned workers, queue_wait_ms;
    bool test_hooks; /* --test-hooks: X-Certreport-Test-Hook reaches the worker */
    serve_pool *pool;
    time_t started;
    metrics m;
} server;

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

typedef struct request {
    int ep;
    struct timespec t0;
    int status; /* of the response queued, 0 before */
    const token *tok;
    struct MHD_PostProcessor *pp;
    bool too_big, bad_form;
    size_t received;
    buf submission, audit;
} request;

static bool buf_add(buf *b, const char *data, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len + 1)
            cap *= 2;
        char *n = realloc(b->data, cap);
        if (!n)
            return false;
        b->data = n;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

/* Queues |body| (|len| bytes, copied) with |status|. */
static enum MHD_Result reply(struct MHD_Connection *c, request *r, int status, const char *type,
                             const void *body, size_t len, const char *retry_after)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (retry_after)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry_after);
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"certreport\"");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    if (ok == MHD_YES && r)
        r->status = status;
    return ok;
}

/* A response, made in a worker or here: |body| malloc'd. */
typedef struct answer {
    int status;
    const char *type;
    char *body;
    size_t len;
    unsigned counted; /* ANSWER_* */
} answer;

static void answer_set(answer *a, int status, const char *type, const void *data, size_t len)
{
    free(a->body);
    a->body = malloc(len ? len : 1);
    a->status = a->body ? status : 500;
    a->type = a->body ? type : "application/json";
    a->len = a->body ? len : 0;
    if (a->body && len)
        memcpy(a->body, data, len);
}

/* |j| (stolen) as JSON, with a final newline. */
static void answer_json(answer *a, int status, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!s) {
        answer_set(a, 500, "application/json", "{\"error\": \"out of memory\"}\n", 26);
        return;
    }
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (t) {
        s = t;
        s[n++] = '\n';
        s[n] = '\0';
    }
    free(a->body);
    a->status = status;
    a->type = "application/json";
    a->body = s;
    a->len = n;
}

/* {"error": message, "diagnostics": diags (stolen; NULL: [])}. */
static void answer_error(answer *a, int status, const char *message, json_t *diags)
{
    json_t *j = json_object();
    if (j) {
        json_object_set_new(j, "error", json_string(message));
        json_object_set_new(j, "diagnostics", diags ? diags : json_array());
    } else {
        json_decref(diags);
    }
    answer_json(a, status, j);
}

/* Queues |a|'s response and frees its body. */
static enum MHD_Result reply_answer(struct MHD_Connection *c, request *r, answer *a,
                                    const char *retry_after)
{
    enum MHD_Result ok = reply(c, r, a->status, a->type, a->body, a->len, retry_after);
    free(a->body);
    a->body = NULL;
    return ok;
}

/* Queues |j| (stolen) as JSON. */
static enum MHD_Result reply_json(struct MHD_Connection *c, request *r, int status, json_t *j,
                                  const char *retry_after)
{
    answer a = {0};
    answer_json(&a, status, j);
    return reply_answer(c, r, &a, retry_after);
}

/* {"error": message, "diagnostics": diagnostics (stolen; NULL: [])}. */
static enum MHD_Result reply_error(struct MHD_Connection *c, request *r, int status,
                                   const char *message, json_t *diagnostics,
                                   const char *retry_after)
{
    answer a = {0};
    answer_error(&a, status, message, diagnostics);
    return reply_answer(c, r, &a, retry_after);
}

/* The token the request presents, or NULL. */
static const token *authenticate(const server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    if (!*h)
        return NULL;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_raw(h, strlen(h), d);
    const token *found = NULL;
    for (size_t i = 0; i < s->ntokens; i++) /* every one compared, in constant time each */
        if (memeql_sec(d, s->tokens[i].hash, sizeof d))
            found = &s->tokens[i];
    return found;
}

static bool may_act_for(const token *t, const char *city)
{
    if (t->staff)
        return true;
    for (size_t i = 0; i < t->ncities; i++)
        if (strcmp(t->cities[i], city) == 0)
            return true;
    return false;
}

typedef struct diagnostics {
    json_t *errors, *warnings;
} diagnostics;

static void collect(void *data, const cr_error *problem)
{
    diagnostics *d = data;
    char line[1200];
    cr_error_format(problem, line, sizeof line);
    json_array_append_new(problem->warning ? d->warnings : d->errors, json_string(line));
}

static const peerset *peers_for(const server *s, int cycle)
{
    for (size_t i = 0; i < s->npeers; i++)
        if (s->peers[i].cycle == cycle)
            return &s->peers[i];
    return NULL;
}

static void iso_now(char *out, size_t size)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    struct tm tm;
    gmtime_r(&t.tv_sec, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03ldZ", day, t.tv_nsec / 1000000);
}

static bool parse_count(const char *s, unsigned long max, unsigned long *out);

/* ---- jobs: what a worker process does (app/serve_pool.c runs them) ----
 *
 * validate, score and report parse the city's files, and report renders them: all of it in a
 * worker, so a crash there costs one request. A job (a pool message): code = the endpoint, with
 * JOB_HAS_* bits for the query values present; flags = the token's index in the tokens file (the
 * worker's copy is the parent's); parts = JOB_* below. Its answer: code = the HTTP status, flags =
 * ANSWER_* (what the parent counts), parts = the content type and the body. */

enum { JOB_SUBMISSION, JOB_AUDIT, JOB_FORMAT, JOB_LANG, JOB_PAGE, JOB_HOOK, JOB_NPARTS };
#define JOB_HAS_FORMAT 0x100u
#define JOB_HAS_LANG 0x200u
#define JOB_HAS_PAGE 0x400u
#define JOB_HAS_HOOK 0x800u
#define JOB_EP_MASK 0xffu
#define ANSWER_RENDERED 1u
#define ANSWER_RENDER_FAILED 2u
#define JOB_LIMIT_SECONDS 60u /* a worker still busy with one job after this is killed (500) */
#define HOOK_SLEEP_MAX_MS 30000ul

typedef struct job {
    int ep;
    const token *tok;
    const char *sub, *aud; /* aud NULL: none */
    size_t sub_len, aud_len;
    const char *format, *lang, *page; /* NULL: not in the query */
} job;

/* One structured line on stderr for every render, made or failed. */
static void log_render(const job *jb, const cr_submission *sub, const peerset *p,
                       const char *format, const cr_buffer *out, const char *error, double secs)
{
    char now[64], hs[65], ha[65] = "", ho[65] = "";
    iso_now(now, sizeof now);
    sha256_hex(jb->sub, jb->sub_len, hs);
    if (jb->aud_len)
        sha256_hex(jb->aud, jb->aud_len, ha);
    if (out && out->len)
        sha256_hex(out->data, out->len, ho);
    json_t *j = json_object();
    if (!j)
        return;
    json_object_set_new(j, "time", json_string(now));
    json_object_set_new(j, "event", json_string("render"));
    json_object_set_new(j, "token", json_string(jb->tok->name));
    json_object_set_new(j, "city", json_string(sub->id));
    json_object_set_new(j, "cycle", json_integer(sub->cycle));
    json_object_set_new(j, "format", json_string(format));
    json_object_set_new(j, "submission_sha256", json_string(hs));
    json_object_set_new(j, "audit_sha256", ha[0] ? json_string(ha) : json_null());
    json_object_set_new(j, "peers_sha256", json_string(p->sha256));
    json_object_set_new(j, "output_sha256", ho[0] ? json_string(ho) : json_null());
    json_object_set_new(j, "output_bytes", json_integer(out ? (json_int_t)out->len : 0));
    json_object_set_new(j, "ms", json_integer((json_int_t)(secs * 1000 + 0.5)));
    if (error)
        json_object_set_new(j, "error", json_string(error));
    char *line = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (line) {
        fprintf(stderr, "%s\n", line);
        free(line);
    }
}

/* The report: query ?format=pdf|png&lang=..&page=N (PNG: page N, from 1). */
static void job_report(const server *s, const job *jb, const cr_assessment *a, const peerset *p,
                       answer *ans)
{
    const char *format = jb->format, *lang = jb->lang, *page = jb->page;
    cr_render_options opt = CR_RENDER_OPTIONS_INIT;
    if (!format || strcmp(format, "pdf") == 0) {
        format = "pdf";
    } else if (strcmp(format, "png") == 0) {
        opt.format = CR_OUTPUT_PNG;
        opt.backend = CR_BACKEND_CAIRO;
    } else {
        answer_error(ans, 400, "format must be pdf or png", NULL);
        return;
    }
    if (lang && *lang) {
        if (!is_word(lang, 16)) {
            answer_error(ans, 400, "lang must be a language code such as en, es, pt, fr", NULL);
            return;
        }
        char path[PATH_MAX];
        int w = snprintf(path, sizeof path, "%s/strings/%s.xml", cr_install_assets(s->in), lang);
        if (w < 0 || (size_t)w >= sizeof path || access(path, R_OK) != 0) {
            answer_error(ans, 400,
                         "no translation for that lang (the report ships in en, es, pt, fr)", NULL);
            return;
        }
        opt.lang = lang;
    }
    if (page && *page) {
        char *end;
        errno = 0;
        unsigned long n = strtoul(page, &end, 10);
        if (*end || errno || n < 1 || n > 1000 || page[0] == '-') {
            answer_error(ans, 400, "page must be a page number from 1", NULL);
            return;
        }
        if (opt.format != CR_OUTPUT_PNG) {
            answer_error(ans, 400, "page is for format=png (a PDF has every page)", NULL);
            return;
        }
        opt.page = n - 1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    diagnostics d = {json_array(), json_array()};
    cr_error err;
    cr_error_init(&err);
    err.sink = collect;
    err.sink_data = &d;
    cr_buffer out = {0};
    cr_status st = cr_render_city_buffers(s->in, jb->sub, jb->sub_len, jb->aud, jb->aud_len,
                                          p->bytes, p->len, &opt, &out, &err);
    double secs = seconds_since(&t0);
    if (st == CR_OK) {
        ans->counted = ANSWER_RENDERED;
        log_render(jb, a->submission, p, format, &out, NULL, secs);
        answer_set(ans, 200, opt.format == CR_OUTPUT_PNG ? "image/png" : "application/pdf",
                   out.data, out.len);
        json_decref(d.errors);
    } else {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        ans->counted = ANSWER_RENDER_FAILED;
        log_render(jb, a->submission, p, format, NULL, msg, secs);
        if (json_array_size(d.errors) == 0)
            json_array_append_new(d.errors, json_string(msg));
        /* the input's, or a page past the last (the request's); anything else: ours */
        bool no_page = st == CR_EUSAGE && opt.format == CR_OUTPUT_PNG;
        answer_error(ans, st == CR_EINPUT || no_page ? 400 : 500,
                     no_page ? "page is past the report's last page"
                             : "the report could not be made",
                     d.errors);
    }
    json_decref(d.warnings);
    cr_buffer_free(&out);
}

/* validate, score, report: parse, check the token's city, then the endpoint's work. */
static void job_post(const server *s, const job *jb, answer *ans)
{
    diagnostics d = {json_array(), json_array()};
    cr_error err;
    cr_error_init(&err);
    err.sink = collect;
    err.sink_data = &d;
    cr_assessment a;
    memset(&a, 0, sizeof a);
    cr_status st = cr_assessment_parse(&a, jb->sub, jb->sub_len, "submission", jb->aud, jb->aud_len,
                                       "audit", s->cat, s->schemas, &err);
    if (st != CR_OK && json_array_size(d.errors) == 0) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        json_array_append_new(d.errors, json_string(msg));
    }
    if (st == CR_ENOMEM) {
        answer_error(ans, 500, "out of memory", d.errors);
        json_decref(d.warnings);
        return;
    }
    if (st != CR_OK && jb->ep == EP_VALIDATE) {
        json_t *j = json_object();
        json_object_set_new(j, "valid", json_false());
        json_object_set_new(j, "diagnostics", d.errors);
        json_object_set_new(j, "warnings", d.warnings);
        answer_json(ans, 200, j);
        return;
    }
    if (st != CR_OK) {
        json_decref(d.warnings);
        answer_error(ans, 400, "the submission or its audit log is not valid", d.errors);
        return;
    }
    if (!may_act_for(jb->tok, a.submission->id)) {
        char msg[256];
        snprintf(msg, sizeof msg, "token %s may not act for city %.100s", jb->tok->name,
                 a.submission->id);
        answer_error(ans, 403, msg, NULL);
        json_decref(d.errors);
        json_decref(d.warnings);
        cr_assessment_free(&a);
        return;
    }
    if (jb->ep == EP_VALIDATE) {
        json_t *j = json_object();
        json_object_set_new(j, "valid", json_true());
        json_object_set_new(j, "diagnostics", d.errors);
        json_object_set_new(j, "warnings", d.warnings);
        cr_assessment_free(&a);
        answer_json(ans, 200, j);
        return;
    }
    json_decref(d.warnings);
    const peerset *p = peers_for(s, a.submission->cycle);
    if (!p) {
        char line[256], msg[96];
        snprintf(line, sizeof line,
                 "submission:%ld: cycle %d: the service has no peers file for it",
                 a.submission->line, a.submission->cycle);
        snprintf(msg, sizeof msg, "no peers for cycle %d", a.submission->cycle);
        json_array_append_new(d.errors, json_string(line));
        answer_error(ans, 422, msg, d.errors);
        cr_assessment_free(&a);
        return;
    }
    json_decref(d.errors);
    if (jb->ep == EP_SCORE) {
        cr_error jerr;
        cr_error_init(&jerr);
        char *json = cr_scorecard_json_peers(a.audited, &a.score, p->parsed, &jerr);
        if (json) {
            free(ans->body);
            ans->status = 200;
            ans->type = "application/json";
            ans->body = json;
            ans->len = strlen(json);
        } else {
            char msg[1200];
            cr_error_format(&jerr, msg, sizeof msg);
            answer_error(ans, 500, msg, NULL);
        }
    } else {
        job_report(s, jb, &a, p, ans);
    }
    cr_assessment_free(&a);
}

/* --test-hooks only (the test suite's): "abort" crashes the worker, "sleep=MS" delays the job;
 * either is logged first with the worker's pid (anything else is ignored). */
static void run_test_hook(const char *hook)
{
    unsigned long ms = 0;
    bool crash = strcmp(hook, "abort") == 0;
    if (!crash &&
        (strncmp(hook, "sleep=", 6) != 0 || !parse_count(hook + 6, HOOK_SLEEP_MAX_MS, &ms)))
        return;
    fprintf(stderr, "{\"event\":\"test_hook\",\"hook\":\"%s\",\"worker_pid\":%ld}\n", hook,
            (long)getpid());
    if (crash)
        abort();
    struct timespec nap = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
        ;
}

/* The pool's handler: runs in a worker. */
static void serve_job(void *ctx, const pool_msg *in, pool_msg *out)
{
    const server *s = ctx;
    answer ans = {0};
    job jb;
    memset(&jb, 0, sizeof jb);
    jb.ep = (int)(in->code & JOB_EP_MASK);
    if (in->nparts != JOB_NPARTS || in->flags >= s->ntokens ||
        (jb.ep != EP_VALIDATE && jb.ep != EP_SCORE && jb.ep != EP_REPORT)) {
        answer_error(&ans, 500, "a job the worker does not understand", NULL);
    } else {
        jb.tok = &s->tokens[in->flags];
        jb.sub = in->part[JOB_SUBMISSION].data;
        jb.sub_len = in->part[JOB_SUBMISSION].len;
        jb.aud = in->part[JOB_AUDIT].len ? in->part[JOB_AUDIT].data : NULL;
        jb.aud_len = in->part[JOB_AUDIT].len;
        jb.format = in->code & JOB_HAS_FORMAT ? in->part[JOB_FORMAT].data : NULL;
        jb.lang = in->code & JOB_HAS_LANG ? in->part[JOB_LANG].data : NULL;
        jb.page = in->code & JOB_HAS_PAGE ? in->part[JOB_PAGE].data : NULL;
        if (s->test_hooks && (in->code & JOB_HAS_HOOK))
            run_test_hook(in->part[JOB_HOOK].data);
        job_post(s, &jb, &ans);
    }
    if (!ans.type) /* every path answers; should one not, an answer all the same */
        answer_error(&ans, 500, "the job made no answer", NULL);
    out->code = (uint32_t)ans.status;
    out->flags = ans.counted;
    out->nparts = 2;
    out->part[0].data = ans.type;
    out->part[0].len = strlen(ans.type);
    out->part[1].data = ans.body;
    out->part[1].len = ans.len;
    out->owned = ans.body;
}

/* ---- the parent's side of a job ---- */

/* A worker died while idle: one structured line. */
static void on_worker_death(void *ctx, pid_t pid, int status)
{
    (void)ctx;
    char now[64];
    iso_now(now, sizeof now);
    fprintf(stderr, "{\"time\":\"%s\",\"event\":\"worker_died\",\"worker_pid\":%ld,\"%s\":%d}\n",
            now, (long)pid, WIFSIGNALED(status) ? "signal" : "exit_status",
            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* The worker that had this request died: 500 with a request id, one structured line. */
static enum MHD_Result reply_worker_died(server *s, struct MHD_Connection *c, request *r,
                                         const pool_death *death)
{
    char id[48], now[64];
    snprintf(id, sizeof id, "%llx-%lu", (unsigned long long)s->started,
             atomic_fetch_add(&s->m.request_ids, 1) + 1);
    atomic_fetch_add(&s->m.jobs_lost, 1);
    iso_now(now, sizeof now);
    json_t *line = json_object();
    if (line) {
        json_object_set_new(line, "time", json_string(now));
        json_object_set_new(line, "event", json_string("worker_died"));
        json_object_set_new(line, "request_id", json_string(id));
        json_object_set_new(line, "endpoint", json_string(ep_names[r->ep]));
        json_object_set_new(line, "token", json_string(r->tok->name));
        json_object_set_new(line, "worker_pid", json_integer(death->pid));
        if (WIFSIGNALED(death->status))
            json_object_set_new(line, "signal", json_integer(WTERMSIG(death->status)));
        else
            json_object_set_new(line, "exit_status", json_integer(WEXITSTATUS(death->status)));
        json_object_set_new(line, "job_limit_passed", json_boolean(death->timed_out));
        char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(line);
        if (text) {
            fprintf(stderr, "%s\n", text);
            free(text);
        }
    }
    json_t *j = json_object();
    if (j) {
        json_object_set_new(j, "error",
                            json_string(death->timed_out ? "the request ran past the job limit"
                                                         : "the process making this request died"));
        json_object_set_new(j, "request_id", json_string(id));
        json_object_set_new(j, "diagnostics", json_array());
    }
    return reply_json(c, r, 500, j, NULL);
}

/* validate, score, report, once the whole body is in: checks that need no parsing here, the rest
 * in a worker (job_post). */
static enum MHD_Result do_post(server *s, struct MHD_Connection *c, request *r)
{
    if (r->too_big) {
        char msg[96];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", s->max_body);
        return reply_error(c, r, 413, msg, NULL, NULL);
    }
    if (r->bad_form)
        return reply_error(c, r, 400, "a form takes the fields submission and audit only", NULL,
                           NULL);
    if (r->submission.len == 0)
        return reply_error(
            c, r, 400,
            "no submission: send it as the body (application/xml) or as the form field submission",
            NULL, NULL);
    static const char *const query[] = {
        [JOB_FORMAT] = "format", [JOB_LANG] = "lang", [JOB_PAGE] = "page"};
    static const uint32_t has[] = {[JOB_FORMAT] = JOB_HAS_FORMAT,
                                   [JOB_LANG] = JOB_HAS_LANG,
                                   [JOB_PAGE] = JOB_HAS_PAGE,
                                   [JOB_HOOK] = JOB_HAS_HOOK};
    pool_msg jm;
    memset(&jm, 0, sizeof jm);
    jm.code = (uint32_t)r->ep;
    jm.flags = (uint32_t)(r->tok - s->tokens);
    jm.nparts = JOB_NPARTS;
    jm.part[JOB_SUBMISSION] = (pool_part){r->submission.data, r->submission.len};
    jm.part[JOB_AUDIT] = (pool_part){r->audit.data, r->audit.len};
    for (int k = JOB_FORMAT; k <= JOB_HOOK; k++) {
        const char *v = k == JOB_HOOK
                            ? (s->test_hooks ? MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                                           "X-Certreport-Test-Hook")
                                             : NULL)
                            : MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, query[k]);
        if (v) {
            jm.code |= has[k];
            jm.part[k] = (pool_part){v, strlen(v)};
        }
    }
    if (r->ep == EP_REPORT)
        atomic_fetch_add(&s->m.rendering, 1);
    pool_msg am;
    pool_death death;
    pool_result pr = pool_run(s->pool, &jm, &am, s->queue_wait_ms, JOB_LIMIT_SECONDS, &death);
    if (r->ep == EP_REPORT)
        atomic_fetch_sub(&s->m.rendering, 1);
    enum MHD_Result ok;
    switch (pr) {
    case POOL_OK:
        if (am.flags & ANSWER_RENDERED)
            atomic_fetch_add(&s->m.renders, 1);
        if (am.flags & ANSWER_RENDER_FAILED)
            atomic_fetch_add(&s->m.render_failures, 1);
        ok = am.nparts == 2
                 ? reply(c, r, (int)am.code, am.part[0].data, am.part[1].data, am.part[1].len, NULL)
                 : reply_error(c, r, 500, "a worker's answer was malformed", NULL, NULL);
        pool_msg_free(&am);
        return ok;
    case POOL_BUSY:
        atomic_fetch_add(&s->m.busy, 1);
        return reply_error(c, r, 503, "every worker is busy: retry shortly", NULL, "1");
    case POOL_DIED:
        return reply_worker_died(s, c, r, &death);
    case POOL_ERROR:
    default:
        return reply_error(c, r, 500, "out of memory", NULL, NULL);
    }
}

static enum MHD_Result do_health(server *s, struct MHD_Connection *c, request *r)
{
    json_t *j = json_object();
    if (!j)
        return reply_error(c, r, 500, "out of memory", NULL, NULL);
    json_object_set_new(j, "status", json_string("ok"));
    json_object_set_new(j, "version", json_string(CERTREPORT_VERSION));
    json_t *cycles = json_array();
    for (size_t i = 0; i < s->npeers; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "cycle", json_integer(s->peers[i].cycle));
        json_object_set_new(e, "applicants",
                            json_integer((json_int_t)s->peers[i].parsed->applicants));
        json_object_set_new(e, "sha256", json_string(s->peers[i].sha256));
        json_array_append_new(cycles, e);
    }
    json_object_set_new(j, "peers", cycles);
    json_object_set_new(j, "uptime_seconds", json_integer((json_int_t)(time(NULL) - s->started)));
    return reply_json(c, r, 200, j, NULL);
}

static enum MHD_Result do_metrics(server *s, struct MHD_Connection *c, request *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return reply_error(c, r, 500, "out of memory", NULL, NULL);
    metrics *m = &s->m;
    fputs("# HELP certreport_requests_total Requests answered, by endpoint and status code (0: "
          "none sent).\n"
          "# TYPE certreport_requests_total counter\n",
          f);
    for (int e = 0; e < EP_COUNT; e++)
        for (size_t k = 0; k <= NCODES; k++) {
            unsigned long v = atomic_load(&m->requests[e][k]);
            if (!v)
                continue;
            if (k < NCODES)
                fprintf(f, "certreport_requests_total{endpoint=\"%s\",code=\"%d\"} %lu\n",
                        ep_names[e], codes[k], v);
            else
                fprintf(f, "certreport_requests_total{endpoint=\"%s\",code=\"other\"} %lu\n",
                        ep_names[e], v);
        }
    fprintf(
        f,
        "# HELP certreport_renders_total Reports made.\n# TYPE certreport_renders_total counter\n"
        "certreport_renders_total %lu\n"
        "# HELP certreport_render_failures_total Reports that could not be made.\n"
        "# TYPE certreport_render_failures_total counter\ncertreport_render_failures_total %lu\n"
        "# HELP certreport_busy_total Requests refused with 503 (no worker idle within the wait).\n"
        "# TYPE certreport_busy_total counter\ncertreport_busy_total %lu\n"
        "# HELP certreport_requests_in_flight Requests being handled (this one included).\n"
        "# TYPE certreport_requests_in_flight gauge\ncertreport_requests_in_flight %ld\n"
        "# HELP certreport_renders_in_progress Reports being made.\n"
        "# TYPE certreport_renders_in_progress gauge\ncertreport_renders_in_progress %ld\n"
        "# HELP certreport_render_slots Jobs that may run at once (the worker processes).\n"
        "# TYPE certreport_render_slots gauge\ncertreport_render_slots %u\n",
        atomic_load(&m->renders), atomic_load(&m->render_failures), atomic_load(&m->busy),
        atomic_load(&m->in_flight), atomic_load(&m->rendering), s->workers);
    pool_stats ps;
    pool_get_stats(s->pool, &ps);
    fprintf(f,
            "# HELP certreport_workers Worker processes alive.\n"
            "# TYPE certreport_workers gauge\ncertreport_workers %u\n"
            "# HELP certreport_workers_busy Worker processes with a job.\n"
            "# TYPE certreport_workers_busy gauge\ncertreport_workers_busy %u\n"
            "# HELP certreport_worker_starts_total Worker processes started (replacements "
            "included).\n"
            "# TYPE certreport_worker_starts_total counter\ncertreport_worker_starts_total %lu\n"
            "# HELP certreport_worker_deaths_total Worker processes that died (crash or kill), "
            "idle or with a job.\n"
            "# TYPE certreport_worker_deaths_total counter\ncertreport_worker_deaths_total %lu\n"
            "# HELP certreport_worker_lost_requests_total Requests answered 500 because their "
            "worker died.\n"
            "# TYPE certreport_worker_lost_requests_total counter\n"
            "certreport_worker_lost_requests_total %lu\n",
            ps.alive, ps.busy, ps.started, ps.deaths, atomic_load(&m->jobs_lost));
    fputs("# HELP certreport_request_duration_seconds Time from the request's headers to its "
          "response sent.\n"
          "# TYPE certreport_request_duration_seconds histogram\n",
          f);
    for (int e = 0; e < EP_COUNT; e++) {
        unsigned long cum = 0;
        for (size_t b = 0; b <= NBUCKETS; b++) {
            cum += atomic_load(&m->hist[e][b]);
            if (b < NBUCKETS)
                fprintf(
                    f,
                    "certreport_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                    ep_names[e], buckets[b], cum);
            else
                fprintf(
                    f,
                    "certreport_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n",
                    ep_names[e], cum);
        }
        fprintf(f, "certreport_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", ep_names[e],
                (double)atomic_load(&m->sum_us[e]) / 1e6);
        fprintf(f, "certreport_request_duration_seconds_count{endpoint=\"%s\"} %lu\n", ep_names[e],
                cum);
    }
    fprintf(f,
            "# HELP certreport_start_time_seconds When the service started (Unix time).\n"
            "# TYPE certreport_start_time_seconds gauge\ncertreport_start_time_seconds %lld\n",
            (long long)s->started);
    bool bad = ferror(f) != 0;
    fclose(f);
    enum MHD_Result ok =
        bad ? reply_error(c, r, 500, "out of memory", NULL, NULL)
            : reply(c, r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, NULL);
    free(text);
    return ok;
}

static enum MHD_Result on_form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *filename, const char *content_type,
                                     const char *transfer_encoding, const char *data, uint64_t off,
                                     size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding, (void)off;
    request *r = cls;
    if (!r || !key)
        return MHD_NO;
    buf *b = NULL;
    if (strcmp(key, "submission") == 0)
        b = &r->submission;
    else if (strcmp(key, "audit") == 0)
        b = &r->audit;
    if (!b) {
        r->bad_form = true;
        return MHD_YES;
    }
    if (size && !buf_add(b, data, size))
        return MHD_NO;
    return MHD_YES;
}

static int endpoint_of(const char *url)
{
    static const char *const paths[EP_WEB] = {"/v1/validate", "/v1/score", "/v1/report",
                                              "/v1/health", "/metrics"};
    if (serve_web_owns(url))
        return EP_WEB;
    for (int e = 0; e < EP_WEB; e++)
        if (strcmp(url, paths[e]) == 0)
            return e;
    return EP_OTHER;
}

/* The first call for a request: route, authenticate, check the declared size. MHD_YES without a
 * response queued: read the body. */
static enum MHD_Result on_headers(server *s, struct MHD_Connection *c, request *r, const char *url,
                                  const char *method)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    switch (r->ep) {
    case EP_HEALTH:
        return get ? do_health(s, c, r) : reply_error(c, r, 405, "use GET", NULL, NULL);
    case EP_METRICS:
        if (!get)
            return reply_error(c, r, 405, "use GET", NULL, NULL);
        if (!(r->tok = authenticate(s, c)))
            return reply_error(c, r, 401, "a staff token is needed: Authorization: Bearer TOKEN",
                               NULL, NULL);
        if (!r->tok->staff)
            return reply_error(c, r, 403, "the metrics are for staff tokens", NULL, NULL);
        return do_metrics(s, c, r);
    case EP_WEB:
        return serve_web_answer(s->web, c, url, method, &r->status);
    case EP_OTHER:
        return reply_error(c, r, 404,
                           "no such endpoint: /v1/validate, /v1/score, /v1/report, /v1/health, "
                           "/v1/catalog, /metrics, / (the page)",
                           NULL, NULL);
    default:
        break;
    }
    if (strcmp(method, "POST") != 0)
        return reply_error(c, r, 405, "use POST", NULL, NULL);
    if (!(r->tok = authenticate(s, c)))
        return reply_error(c, r, 401, "missing or unknown token: Authorization: Bearer TOKEN", NULL,
                           NULL);
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->max_body) {
        char msg[96];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", s->max_body);
        return reply_error(c, r, 413, msg, NULL, NULL);
    }
    const char *type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (type && strncasecmp(type, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
                            strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) == 0) {
        if (!(r->pp = MHD_create_post_processor(c, 64 * 1024, on_form_field, r)))
            return reply_error(c, r, 400, "a multipart/form-data body without a boundary", NULL,
                               NULL);
    }
    return MHD_YES;
}

/* Percent-decoding of the path and the query (MHD_OPTION_UNESCAPE_CALLBACK). A "%00" would decode
 * to a NUL that ends the C string early, so "/app.js%00.txt" would be served as "/app.js" and
 * "lang=es%00x" read as "es": such a string is left undecoded, so it names no file and no value. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    if (strstr(s, "%00"))
        return strlen(s);
    return MHD_http_unescape(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    request *r = *con_cls;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        r->ep = endpoint_of(url);
        *con_cls = r;
        atomic_fetch_add(&s->m.in_flight, 1);
        return on_headers(s, c, r, url, method);
    }
    if (r->status)
        return MHD_YES; /* answered already: the rest of the body is dropped */
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        r->received += n;
        if (r->received > s->max_body) {
            r->too_big = true; /* answered once the body is in: read and dropped */
            return MHD_YES;
        }
        if (r->pp)
            return MHD_post_process(r->pp, upload_data, n) == MHD_YES ? MHD_YES : MHD_NO;
        return buf_add(&r->submission, upload_data, n) ? MHD_YES : MHD_NO;
    }
    return do_post(s, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    server *s = cls;
    request *r = *con_cls;
    if (!r)
        return;
    double secs = seconds_since(&r->t0);
    size_t k = NCODES;
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i] == r->status)
            k = i;
    atomic_fetch_add(&s->m.requests[r->ep][k], 1);
    size_t b = 0;
    while (b < NBUCKETS && secs > buckets[b])
        b++;
    atomic_fetch_add(&s->m.hist[r->ep][b], 1);
    atomic_fetch_add(&s->m.sum_us[r->ep], (unsigned long long)(secs * 1e6));
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    free(r->submission.data);
    free(r->audit.data);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->m.in_flight, 1);
}

/* ---- the command ---- */

static const char *const usage_serve =
    "usage: certreport serve --peers [CYCLE=]PEERS [--peers ...] [--tokens FILE] [--listen "
    "HOST:PORT]\n"
    "                        [--assets DIR] [--max-body BYTES] [--timeout SECONDS]\n"
    "                        [--max-connections N] [--workers N] [--queue-wait MS]\n"
    "\n"
    "The HTTP service for the portal (put a TLS proxy in front: examples/nginx-certreport.conf).\n"
    "  POST /v1/validate, /v1/score, /v1/report?format=pdf|png&lang=..&page=N; GET /v1/health, "
    "/metrics\n"
    "  GET / is a page for cities and staff (upload, scorecard, previews, what-if), and\n"
    "  GET /v1/catalog?lang=.. the standard's texts it shows; neither needs a token.\n"
    "  A body is the submission (application/xml), or multipart/form-data with fields submission\n"
    "  and audit. Every request but /v1/health sends Authorization: Bearer TOKEN (certreport "
    "token).\n"
    "\n"
    "  --peers [CYCLE=]FILE  the peers file (certreport stats -o) for submissions of CYCLE "
    "(default:\n"
    "                        the catalog's edition); one per cycle\n"
    "  --tokens FILE         the tokens file (default: " DEFAULT_TOKENS ")\n"
    "  --listen HOST:PORT    default 127.0.0.1:8080; port 0 picks a free one (printed on stdout)\n"
    "  --max-body BYTES      larger request bodies get 413 (default 1048576)\n"
    "  --timeout SECONDS     an idle connection is closed after this (default 30)\n"
    "  --max-connections N   connections at once (default 64)\n"
    "  --workers N           worker processes making the reports, validating and scoring, "
    "one job\n"
    "                        each at a time (default: the CPUs this process may run on); "
    "--max-renders\n"
    "                        is its former name\n"
    "  --queue-wait MS       a job waits this long for an idle worker, then 503 + Retry-After\n"
    "                        (default 5000)\n"
    "  --test-hooks          for the test suite only: the header X-Certreport-Test-Hook: abort |\n"
    "                        sleep=MS makes the worker abort or wait before the job\n"
    "\n"
    "SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.\n";

static const char *const usage_token =
    "usage: certreport token new NAME (--staff | --city ID...) [--tokens FILE]\n"
    "\n"
    "Prints a new random token once and appends NAME, its role and the token's SHA-256 to the\n"
    "tokens file (default: " DEFAULT_TOKENS "; created mode 0600). A city token may act for its\n"
    "cities only; a staff token for any city, and may read /metrics.\n";

static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v > max)
        return false;
    *out = v;
    return true;
}

/* Binds HOST:PORT and listens. -1 with a message printed. */
static int listen_on(const char *spec)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host) {
        fprintf(stderr, "certreport serve: --listen %s: expected HOST:PORT\n", spec);
        return -1;
    }
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    char *h = host;
    if (h[0] == '[' && h[strlen(h) - 1] == ']') {
        h[strlen(h) - 1] = '\0';
        h++;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "certreport serve: --listen %s: %s\n", spec, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        fprintf(stderr, "certreport serve: --listen %s: %s\n", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl = sizeof ss;
    char nh[NI_MAXHOST], np[NI_MAXSERV];
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
        getnameinfo((struct sockaddr *)&ss, sl, nh, sizeof nh, np, sizeof np,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        printf(ss.ss_family == AF_INET6 ? "listening on [%s]:%s\n" : "listening on %s:%s\n", nh,
               np);
        fflush(stdout);
    }
    return fd;
}

/* Where the assets are: --assets, $CERTREPORT_ASSETS, the installed ones, else the source tree's.
 */
static cr_install *open_install(const char *assets, cr_error *err)
{
    cr_install *in = cr_install_open(assets, err);
#ifdef CERTREPORT_SOURCE_ASSETS
    const char *env = getenv("CERTREPORT_ASSETS");
    if (!in && !assets && !(env && *env)) {
        cr_error_init(err);
        in = cr_install_open(CERTREPORT_SOURCE_ASSETS, err);
    }
#endif
    return in;
}

static cr_status load_peers(server *s, const char *arg, cr_error *err)
{
    peerset p = {0};
    const char *eq = strchr(arg, '=');
    unsigned long cycle = 0;
    bool given = false;
    if (eq && eq > arg && strspn(arg, "0123456789") == (size_t)(eq - arg)) {
        char num[16];
        snprintf(num, sizeof num, "%.*s", (int)(eq - arg), arg);
        if (!parse_count(num, 2199, &cycle))
            return cr_error_set(err, CR_EUSAGE, NULL, 0, "--peers %s: the cycle is out of range",
                                arg);
        given = true;
        arg = eq + 1;
    }
    if (!given && !parse_count(s->cat->edition, 2199, &cycle))
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "--peers %s: catalog edition %s is not a year: give CYCLE=%s", arg,
                            s->cat->edition, arg);
    p.cycle = (int)cycle;
    p.path = arg;
    if (peers_for(s, p.cycle))
        return cr_error_set(err, CR_EUSAGE, arg, 0, "a second peers file for cycle %d", p.cycle);
    if (!(p.bytes = slurp(arg, CR_INPUT_MAX_BYTES, &p.len, err)))
        return err->code;
    if (!(p.parsed = cr_peers_parse(p.bytes, p.len, arg, s->cat, s->schemas, err))) {
        free(p.bytes);
        return err->code ? err->code : CR_EINPUT;
    }
    sha256_hex(p.bytes, p.len, p.sha256);
    peerset *n = realloc(s->peers, (s->npeers + 1) * sizeof *n);
    if (!n) {
        cr_peers_free(p.parsed);
        free(p.bytes);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    s->peers = n;
    s->peers[s->npeers++] = p;
    return CR_OK;
}

static void server_free(server *s)
{
    for (size_t i = 0; i < s->npeers; i++) {
        cr_peers_free(s->peers[i].parsed);
        free(s->peers[i].bytes);
    }
    free(s->peers);
    tokens_free(s->tokens, s->ntokens);
    serve_web_close(s->web);
    cr_install_close(s->in);
}

int cr_cli_serve(int argc, char **argv)
{
    const char *peers_args[16];
    size_t npeers = 0;
    const char *tokens = DEFAULT_TOKENS, *listen_spec = "127.0.0.1:8080", *assets = NULL;
    unsigned long max_body = DEFAULT_MAX_BODY, timeout = DEFAULT_TIMEOUT,
                  max_conn = DEFAULT_MAX_CONNECTIONS;
    cpu_set_t cpus;
    unsigned long workers = 1, queue_wait = DEFAULT_QUEUE_WAIT_MS;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 0)
        workers = (unsigned long)CPU_COUNT(&cpus);
    bool test_hooks = false;
    const char *problem = NULL;
    for (int i = 1; i < argc && !problem; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_serve, stdout);
            return 0;
        }
        if (strcmp(a, "--test-hooks") == 0) {
            test_hooks = true;
            continue;
        }
        bool takes = strcmp(a, "--peers") == 0 || strcmp(a, "--tokens") == 0 ||
                     strcmp(a, "--listen") == 0 || strcmp(a, "--assets") == 0 ||
                     strcmp(a, "--max-body") == 0 || strcmp(a, "--timeout") == 0 ||
                     strcmp(a, "--max-connections") == 0 || strcmp(a, "--max-renders") == 0 ||
                     strcmp(a, "--workers") == 0 || strcmp(a, "--queue-wait") == 0;
        if (!takes) {
            problem = "unknown argument";
            fprintf(stderr, "certreport serve: unknown argument '%s'\n", a);
            break;
        }
        if (!v) {
            fprintf(stderr, "certreport serve: %s needs a value\n", a);
            problem = "";
            break;
        }
        i++;
        if (strcmp(a, "--peers") == 0) {
            if (npeers == sizeof peers_args / sizeof peers_args[0])
                problem = "at most 16 peers files";
            else
                peers_args[npeers++] = v;
        } else if (strcmp(a, "--tokens") == 0) {
            tokens = v;
        } else if (strcmp(a, "--listen") == 0) {
            listen_spec = v;
        } else if (strcmp(a, "--assets") == 0) {
            assets = v;
        } else if (strcmp(a, "--max-body") == 0) {
            if (!parse_count(v, 1ul << 30, &max_body) || max_body < 1024)
                problem = "--max-body takes bytes, 1024 to 1073741824";
        } else if (strcmp(a, "--timeout") == 0) {
            if (!parse_count(v, 3600, &timeout) || timeout < 1)
                problem = "--timeout takes seconds, 1 to 3600";
        } else if (strcmp(a, "--max-connections") == 0) {
            if (!parse_count(v, 10000, &max_conn) || max_conn < 1)
                problem = "--max-connections takes 1 to 10000";
        } else if (strcmp(a, "--queue-wait") == 0) {
            if (!parse_count(v, 600000, &queue_wait))
                problem = "--queue-wait takes milliseconds, 0 to 600000";
        } else if (!parse_count(v, 1024, &workers) || workers < 1) {
            problem = "--workers takes 1 to 1024";
        }
    }
    if (!problem && npeers == 0)
        problem = "give --peers FILE (certreport stats COHORT -o FILE)";
    if (problem) {
        if (*problem)
            fprintf(stderr, "certreport serve: %s\n", problem);
        fputs(usage_serve, stderr);
        return 2;
    }

    server s;
    memset(&s, 0, sizeof s);
    s.max_body = max_body;
    s.timeout = (unsigned)timeout;
    s.max_connections = (unsigned)max_conn;
    s.workers = (unsigned)workers;
    s.queue_wait_ms = (unsigned)queue_wait;
    s.test_hooks = test_hooks;
    s.started = time(NULL);
    cr_error err;
    cr_error_init(&err);
    int rc = 1;
    int fd = -1;
    struct MHD_Daemon *d = NULL;
    if (!(s.in = open_install(assets, &err)))
        goto fail;
    /* Every language's strings and translated catalog, once, before the workers are forked:
     * otherwise each report would load its own (a 60 KB XML file checked against its schema). */
    if (cr_install_preload(s.in, &err) != CR_OK)
        goto fail;
    s.cat = cr_install_catalog(s.in);
    s.schemas = cr_install_schemas(s.in);
    if (!(s.web = serve_web_open(s.in, &err)))
        goto fail;
    for (size_t i = 0; i < npeers; i++)
        if (load_peers(&s, peers_args[i], &err) != CR_OK)
            goto fail;
    if (tokens_load(tokens, false, &s.tokens, &s.ntokens, &err) != CR_OK)
        goto fail;
    if (s.ntokens == 0)
        fprintf(stderr,
                "certreport serve: %s has no tokens: every request but /v1/health gets 401 "
                "(certreport token new NAME --staff)\n",
                tokens);

    /* SIGINT and SIGTERM: blocked here, so in every thread MHD starts and in every worker, and
     * taken by sigtimedwait in this thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* The workers, forked now that everything is loaded and before any socket is open. */
    if (!(s.pool = pool_start(s.workers, serve_job, &s, on_worker_death, &s))) {
        fprintf(stderr, "certreport serve: cannot start %u worker processes: %s\n", s.workers,
                strerror(errno));
        goto done;
    }
    if ((fd = listen_on(listen_spec)) < 0) {
        rc = 1;
        goto done;
    }
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                             MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
                         0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s.timeout,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)s.max_connections,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
                         MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "certreport serve: the HTTP server could not start\n");
        goto done;
    }
    fprintf(stderr, "certreport serve: ready (%zu peers files, %zu tokens, %u workers%s)\n",
            s.npeers, s.ntokens, s.workers, s.test_hooks ? ", TEST HOOKS ON" : "");
    /* Until a signal: every 100 ms, replace the workers that died. */
    int sig;
    const struct timespec tick = {0, 100 * 1000 * 1000};
    while ((sig = sigtimedwait(&stop, NULL, &tick)) < 0)
        pool_tick(s.pool);
    /* Stop accepting; the requests in flight are answered (bounded by the grace), then stop. */
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET) {
        close(ls);
        fd = -1;
    }
    fprintf(stderr, "certreport serve: signal %d: stopped accepting; %ld requests in flight\n", sig,
            atomic_load(&s.m.in_flight));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s.m.in_flight) > 0 && seconds_since(&t0) < SHUTDOWN_GRACE_SECONDS) {
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
        pool_tick(s.pool);
    }
    long left = atomic_load(&s.m.in_flight);
    MHD_stop_daemon(d);
    d = NULL;
    pool_stop(s.pool); /* no job in flight now: each worker reads end-of-file and exits */
    s.pool = NULL;
    fprintf(stderr, "certreport serve: stopped (%lu reports made)%s\n", atomic_load(&s.m.renders),
            left ? "; some requests were cut at the grace period" : "");
    rc = 0;
    goto done;
fail : {
    char msg[1200];
    cr_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "%s\n", msg);
    rc = err.code == CR_EUSAGE ? 2 : 1;
}
done:
    if (d)
        MHD_stop_daemon(d);
    pool_stop(s.pool);
    if (fd >= 0)
        close(fd);
    server_free(&s);
    return rc;
}

int cr_cli_token(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(usage_token, stdout);
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "new") != 0) {
        fputs(usage_token, stderr);
        return 2;
    }
    const char *name = argv[2], *path = DEFAULT_TOKENS;
    bool staff = false;
    const char **cities = calloc((size_t)argc, sizeof *cities);
    size_t ncities = 0;
    const char *problem = cities ? NULL : "out of memory";
    for (int i = 3; i < argc && !problem; i++) {
        if (strcmp(argv[i], "--staff") == 0) {
            staff = true;
        } else if (strcmp(argv[i], "--tokens") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--city") == 0) {
            size_t before = ncities;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                cities[ncities++] = argv[++i];
            if (ncities == before)
                problem = "--city takes one or more city ids";
        } else {
            problem = "unknown argument";
        }
    }
    if (!problem && !is_word(name, 64))
        problem = "NAME is a word of at most 64 of A-Z a-z 0-9 . _ -";
    if (!problem && staff == (ncities > 0))
        problem = "give either --staff or --city ID...";
    for (size_t i = 0; !problem && i < ncities; i++)
        if (!is_word(cities[i], 128))
            problem = "a city id is a word of A-Z a-z 0-9 . _ -";
    if (problem) {
        fprintf(stderr, "certreport token: %s\n", problem);
        fputs(usage_token, stderr);
        free(cities);
        return 2;
    }
    token *old = NULL;
    size_t nold = 0;
    cr_error err;
    cr_error_init(&err);
    int rc = 1;
    if (tokens_load(path, true, &old, &nold, &err) != CR_OK) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        goto done;
    }
    for (size_t i = 0; i < nold; i++)
        if (strcmp(old[i].name, name) == 0) {
            fprintf(stderr, "certreport token: %s: there is a token named %s already\n", path,
                    name);
            goto done;
        }
    uint8_t raw[TOKEN_BYTES];
    for (size_t got = 0; got < sizeof raw;) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "certreport token: getrandom: %s\n", strerror(errno));
            goto done;
        }
        if (n > 0)
            got += (size_t)n;
    }
    char tok[2 * TOKEN_BYTES + 1], hash[65];
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(tok + 2 * i, 3, "%02x", raw[i]);
    sha256_hex(tok, strlen(tok), hash);
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    if (!m)
        goto done;
    fprintf(m, "%s %s %s", name, staff ? "staff" : "city", hash);
    for (size_t i = 0; i < ncities; i++)
        fprintf(m, " %s", cities[i]);
    fputc('\n', m);
    fclose(m);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write(fd, line, len) == (ssize_t)len && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    free(line);
    if (!ok) {
        fprintf(stderr, "certreport token: %s: %s\n", path, strerror(errno));
        goto done;
    }
    printf("%s\n", tok);
    fprintf(stderr, "certreport token: %s appended to %s; the token above is shown this once\n",
            name, path);
    rc = 0;
done:
    tokens_free(old, nold);
    free(cities);
    return rc;
}
