/* SPDX-License-Identifier: Apache-2.0 */
/* certreport-bench: warm, in-process timing of the report pipeline.
 *
 * Loads the schemas, catalog, layout, string tables and fonts once, computes the peer statistics
 * over a cohort folder, then makes N reports (cycling over the cohort's cities) and times each
 * stage with CLOCK_MONOTONIC:
 *
 *   load+score   cr_cohort_load: read and validate the submission and audit log, apply, score
 *   layout       cr_layout_report: the display list (with one cr_layout_cache shared by the
 *                reports, as a worker making many reports would; --cache no: each report its own)
 *   haru         cr_render_pdf: the PDF through libharu (the default writer)
 *   cairo        cr_render_cairo(CR_CAIRO_PDF): the PDF through cairo
 *
 * The floor: for the first --floor reports (default 50), the page content streams of the haru PDF
 * are inflated again and compressed alone, timed (zlib level 6, what libharu used; libdeflate
 * level 1) and at the best ratio (zlib 9, libdeflate 12): what no PDF of this content can beat
 * (the time nothing but compressing the pages; the size of the pages alone), printed with the
 * ratio of ours to it.
 *
 * and prints the median and 90th percentile of each stage, of the whole report per backend
 * (load+score + layout + render, taken per report, not summed from the stage medians), the mean
 * size of the PDFs, and the process's peak RSS. Nothing is written to disk.
 *
 * usage: certreport-bench [--cohort DIR] [--n N] [--backend haru|cairo|both] [--warmup W]
 *                         [--tagged yes|no] [--clock wall|cpu] [--floor N] [--cache yes|no]
 *                         [--assets DIR]
 * No global mutable state: everything lives in main's frame. */
#define _GNU_SOURCE /* memmem */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>
#include <libxml/parser.h>
#include <zlib.h>

#include "certreport/certreport.h"
#include "../src/fonts_internal.h" /* the embedded font programs' cache: its counters */

#ifndef CERTREPORT_SOURCE_ASSETS
#define CERTREPORT_SOURCE_ASSETS "assets"
#endif
#ifndef CERTREPORT_DEFAULT_CATALOG
#define CERTREPORT_DEFAULT_CATALOG "catalog-2023.xml"
#endif

enum { STAGE_LOAD, STAGE_LAYOUT, STAGE_HARU, STAGE_CAIRO, TOTAL_HARU, TOTAL_CAIRO, NSERIES };

static const char *const series_names[NSERIES] = {
    "load+score", "layout", "render haru", "render cairo", "TOTAL haru", "TOTAL cairo",
};

/* The report languages a submission may ask for; each maps to assets/strings/LANG.xml when that
 * file exists, else to English (what `certreport render` does). */
static const char *const langs[] = {"en", "es", "pt", "fr"};
#define NLANGS (sizeof langs / sizeof langs[0])

typedef struct bench_options {
    const char *cohort, *assets, *backend;
    unsigned long n, warmup;
    int haru, cairo;
    int untagged;        /* --tagged no: plain PDFs (no structure ops) */
    int nocache;         /* --cache no: no cache shared by the reports' layouts */
    unsigned long floor; /* --floor N: reports whose floor is measured */
    clockid_t clock;
} bench_options;

/* Everything loaded once and shared by every report. */
typedef struct bench_env {
    char assets[PATH_MAX];
    cr_schemas *schemas;
    cr_catalog *catalog;
    cr_cohort *cohort;
    cr_peers *peers;
    cr_layout_spec *spec;
    cr_strings *strings[NLANGS]; /* NULL: falls back to strings[0] (en) */
    cr_fonts *fonts;
    cr_layout_cache *cache; /* shared by every report's layout (NULL: --cache no) */
} bench_env;

/* The floor (see the top): sums over the reports measured. */
typedef struct floor_acc {
    unsigned long reports;
    double raw, z9, dz12; /* bytes of the page content streams: as they are, compressed */
    double ms_z6, ms_d1;  /* time to compress them */
    double pdf;           /* bytes of those reports' PDFs */
    struct libdeflate_compressor *d1, *d12;
} floor_acc;

typedef struct bench_results {
    double *ms[NSERIES]; /* one sample per measured report */
    size_t n;
    unsigned long long bytes_haru, bytes_cairo;
    unsigned long long pages;
    double setup_ms, peers_ms;
    double first[NSERIES]; /* the process's first report */
} bench_results;

/* |clock|: CLOCK_MONOTONIC (wall time, the default) or CLOCK_PROCESS_CPUTIME_ID (--clock cpu:
 * the CPU this process used, which other jobs on a loaded machine disturb less; A/B runs). */
static double now_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void fail(const char *what, const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    fprintf(stderr, "certreport-bench: %s: %s\n", what, line);
}

static int usage(FILE *f)
{
    fputs(
        "usage: certreport-bench [--cohort DIR] [--n N] [--backend haru|cairo|both]\n"
        "                        [--warmup W] [--tagged yes|no] [--clock wall|cpu] [--floor N]\n"
        "                        [--cache yes|no] [--assets DIR]\n"
        "  --cohort DIR   cohort folder (default: the samples/cohort next to the assets)\n"
        "  --n N          reports to time, cycling over the cohort's cities (default 500)\n"
        "  --backend B    haru, cairo or both (default both)\n"
        "  --warmup W     untimed reports made first (default 5)\n"
        "  --tagged yes|no  tagged (accessible) PDF, as the CLI's default, or plain (default yes)\n"
        "  --clock wall|cpu wall time (default), or the process's CPU time (A/B runs on a busy\n"
        "                 machine)\n"
        "  --floor N      measure the compression floor on the first N haru reports (default 50)\n"
        "  --cache yes|no one layout cache shared by the reports, or one per report (default yes)\n"
        "  --assets DIR   assets folder (default: the source tree's assets/)\n",
        f);
    return f == stdout ? 0 : 2;
}

static int parse_args(int argc, char **argv, bench_options *o, char *cohort_buf, size_t size)
{
    *o = (bench_options){.n = 500,
                         .warmup = 5,
                         .backend = "both",
                         .assets = NULL,
                         .clock = CLOCK_MONOTONIC,
                         .floor = 50};
    for (int i = 1; i < argc; i += 2) { /* options come in pairs: --name value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return usage(stdout);
        if (!v)
            return usage(stderr);
        if (strcmp(a, "--cohort") == 0)
            o->cohort = v;
        else if (strcmp(a, "--assets") == 0)
            o->assets = v;
        else if (strcmp(a, "--backend") == 0)
            o->backend = v;
        else if (strcmp(a, "--clock") == 0 && (strcmp(v, "wall") == 0 || strcmp(v, "cpu") == 0))
            o->clock = strcmp(v, "cpu") == 0 ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
        else if (strcmp(a, "--tagged") == 0 && (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0))
            o->untagged = strcmp(v, "no") == 0;
        else if (strcmp(a, "--cache") == 0 && (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0))
            o->nocache = strcmp(v, "no") == 0;
        else if (strcmp(a, "--floor") == 0) {
            o->floor = strtoul(v, &end, 10);
            if (*end)
                return usage(stderr);
        } else if (strcmp(a, "--n") == 0) {
            o->n = strtoul(v, &end, 10);
            if (*end || o->n == 0)
                return usage(stderr);
        } else if (strcmp(a, "--warmup") == 0) {
            o->warmup = strtoul(v, &end, 10);
            if (*end)
                return usage(stderr);
        } else
            return usage(stderr);
    }
    o->haru = strcmp(o->backend, "haru") == 0 || strcmp(o->backend, "both") == 0;
    o->cairo = strcmp(o->backend, "cairo") == 0 || strcmp(o->backend, "both") == 0;
    if (!o->haru && !o->cairo)
        return usage(stderr);
    if (!o->assets)
        o->assets = getenv("CERTREPORT_ASSETS") && *getenv("CERTREPORT_ASSETS")
                        ? getenv("CERTREPORT_ASSETS")
                        : CERTREPORT_SOURCE_ASSETS;
    if (!o->cohort) {
        snprintf(cohort_buf, size, "%s/../samples/cohort", o->assets);
        o->cohort = cohort_buf;
    }
    return -1;
}

/* A file next to the assets (source tree: assets/../REL) or inside them (installed). */
static int find_rel(char *out, size_t size, const char *assets, const char *rel)
{
    int w = snprintf(out, size, "%s/../%s", assets, rel);
    if (w > 0 && (size_t)w < size && access(out, R_OK) == 0)
        return 1;
    w = snprintf(out, size, "%s/%s", assets, rel);
    return w > 0 && (size_t)w < size && access(out, R_OK) == 0;
}

static int env_open(bench_env *e, const bench_options *o, bench_results *r, cr_error *err)
{
    char path[PATH_MAX + 64], fonts_dir[PATH_MAX + 64];
    double t0 = now_ms(o->clock);
    snprintf(e->assets, sizeof e->assets, "%s", o->assets);
    snprintf(path, sizeof path, "%s/schemas", e->assets);
    if (!(e->schemas = cr_schemas_load(path, err)))
        return fail("schemas", err), -1;
    snprintf(path, sizeof path, "%s/%s", e->assets, CERTREPORT_DEFAULT_CATALOG);
    if (!(e->catalog = cr_catalog_load(path, e->schemas, err)))
        return fail("catalog", err), -1;
    if (!find_rel(fonts_dir, sizeof fonts_dir, e->assets, "fonts"))
        return fprintf(stderr, "certreport-bench: fonts folder not found\n"), -1;
    if (!find_rel(path, sizeof path, e->assets, "layouts/default.xml"))
        return fprintf(stderr, "certreport-bench: layouts/default.xml not found\n"), -1;
    if (!(e->spec = cr_layout_spec_load(path, fonts_dir, e->schemas, err)))
        return fail("layout", err), -1;
    for (size_t i = 0; i < NLANGS; i++) {
        snprintf(path, sizeof path, "%s/strings/%s.xml", e->assets, langs[i]);
        if (i > 0 && access(path, R_OK) != 0)
            continue; /* falls back to English */
        if (!(e->strings[i] = cr_strings_load(path, e->schemas, err)))
            return fail("strings", err), -1;
    }
    if (!(e->fonts = cr_layout_spec_load_fonts(e->spec, err)))
        return fail("fonts", err), -1;
    if (!o->nocache && !(e->cache = cr_layout_cache_new(e->fonts, 0, err)))
        return fail("layout cache", err), -1;
    double t1 = now_ms(o->clock);
    if (!(e->cohort = cr_cohort_scan(o->cohort, err)))
        return fail("cohort", err), -1;
    if (!(e->peers = cr_cohort_stats(e->cohort, e->catalog, e->schemas, NULL, err)))
        return fail("peers", err), -1;
    r->setup_ms = t1 - t0;
    r->peers_ms = now_ms(o->clock) - t1;
    return 0;
}

static void env_close(bench_env *e)
{
    cr_layout_cache_free(e->cache);
    cr_fonts_free(e->fonts);
    for (size_t i = 0; i < NLANGS; i++)
        cr_strings_free(e->strings[i]);
    cr_layout_spec_free(e->spec);
    cr_peers_free(e->peers);
    cr_cohort_free(e->cohort);
    cr_catalog_free(e->catalog);
    cr_schemas_free(e->schemas);
}

static const cr_strings *strings_for(const bench_env *e, const char *lang)
{
    for (size_t i = 0; lang && i < NLANGS; i++)
        if (strcmp(lang, langs[i]) == 0 && e->strings[i])
            return e->strings[i];
    return e->strings[0];
}

/* The document date as `certreport render` picks it without SOURCE_DATE_EPOCH: the audit log's
 * latest event, else the submission date. */
static long long document_date(const cr_assessment *a)
{
    if (a->log && a->log->nevents)
        return a->log->events[a->log->nevents - 1].at_unix;
    const cr_date *d = &a->submission->submitted;
    int y = d->year - (d->month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 + d->day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)(era * 146097 + doe - 719468) * 86400;
}

/* Inflates the zlib stream [p, p + n) into a malloc'd buffer; NULL when it is not one. */
static unsigned char *inflate_all(const unsigned char *p, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return NULL;
    size_t cap = 4 * n + 1024, len = 0;
    unsigned char *out = malloc(cap);
    if (!out) {
        inflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (len == cap) {
            unsigned char *g = realloc(out, cap *= 2);
            if (!g) {
                rc = Z_MEM_ERROR;
                break;
            }
            out = g;
        }
        z.next_out = out + len;
        z.avail_out = (uInt)(cap - len);
        rc = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    *out_len = len;
    return out;
}

/* The page content streams of |pdf| (as cr_pdf_pack writes it: "N 0 obj\n<<DICT>>\nstream\n"):
 * the Flate streams that are no font file (/Length1), have no /Type, and hold no NUL byte (a
 * CIDToGIDMap does). Each is compressed alone, as a PDF must. */
static void measure_floor(const unsigned char *pdf, size_t len, floor_acc *f, clockid_t clock)
{
    const unsigned char *p = pdf, *end = pdf + len;
    double raw = 0, z9 = 0, d12 = 0, ms_z6 = 0, ms_d1 = 0;
    while (p < end) {
        const unsigned char *d = memmem(p, (size_t)(end - p), " obj\n<<", 7);
        if (!d)
            break;
        const unsigned char *s = memmem(d, (size_t)(end - d), ">>\nstream\n", 10);
        const unsigned char *eo = memmem(d, (size_t)(end - d), "endobj", 6);
        if (!s || (eo && eo < s)) { /* not a stream object */
            p = eo ? eo + 6 : end;
            continue;
        }
        size_t dn = (size_t)(s - d);
        const unsigned char *l = memmem(d, dn, "/Length ", 8);
        const unsigned char *data = s + 10;
        size_t n = l ? strtoul((const char *)l + 8, NULL, 10) : 0;
        p = data + n;
        if (!l || n > (size_t)(end - data) || !memmem(d, dn, "/FlateDecode", 12) ||
            memmem(d, dn, "/Type", 5) || memmem(d, dn, "/Length1", 8))
            continue;
        size_t rn;
        unsigned char *r = inflate_all(data, n, &rn);
        if (!r)
            continue;
        if (!memchr(r, 0, rn)) {
            uLongf zcap = compressBound((uLong)rn);
            size_t dcap = libdeflate_zlib_compress_bound(f->d12, rn);
            unsigned char *buf = malloc(zcap > dcap ? zcap : dcap);
            if (buf) {
                uLongf got = zcap;
                double t0 = now_ms(clock);
                compress2(buf, &got, r, (uLong)rn, 6);
                double t1 = now_ms(clock);
                libdeflate_zlib_compress(f->d1, r, rn, buf, dcap);
                double t2 = now_ms(clock);
                ms_z6 += t1 - t0;
                ms_d1 += t2 - t1;
                got = zcap;
                compress2(buf, &got, r, (uLong)rn, 9);
                z9 += (double)got;
                d12 += (double)libdeflate_zlib_compress(f->d12, r, rn, buf, dcap);
                raw += (double)rn;
                free(buf);
            }
        }
        free(r);
    }
    f->raw += raw;
    f->z9 += z9;
    f->dz12 += d12;
    f->ms_z6 += ms_z6;
    f->ms_d1 += ms_d1;
    f->pdf += (double)len;
    f->reports++;
}

/* One report: every stage timed into |ms| (NSERIES entries). Returns 0 or -1. */
static int one_report(const bench_env *e, const bench_options *o, const cr_cohort_entry *ce,
                      double *ms, size_t *bytes_haru, size_t *bytes_cairo, size_t *pages,
                      floor_acc *floor)
{
    cr_error err;
    cr_error_init(&err);
    cr_assessment a;
    memset(&a, 0, sizeof a);
    cr_display *d = NULL;
    cr_buffer out = {0};
    int rc = -1;

    double t0 = now_ms(o->clock);
    if (cr_cohort_load(ce, &a, e->catalog, e->schemas, &err) != CR_OK) {
        fail(ce->id, &err);
        return -1;
    }
    double t1 = now_ms(o->clock);
    cr_report_request req = {.catalog = e->catalog,
                             .assessment = &a,
                             .peers = e->peers,
                             .spec = e->spec,
                             .strings = strings_for(e, a.submission->lang),
                             .fonts = e->fonts,
                             .created = document_date(&a),
                             .untagged = o->untagged,
                             .cache = e->cache};
    if (!(d = cr_layout_report(&req, &err))) {
        fail(ce->id, &err);
        goto done;
    }
    double t2 = now_ms(o->clock);
    ms[STAGE_LOAD] = t1 - t0;
    ms[STAGE_LAYOUT] = t2 - t1;
    *pages = d->npages;
    if (o->haru) {
        double t = now_ms(o->clock);
        if (cr_render_pdf(d, e->fonts, &out, &err) != CR_OK) {
            fail(ce->id, &err);
            goto done;
        }
        ms[STAGE_HARU] = now_ms(o->clock) - t;
        if (out.len < 5 || memcmp(out.data, "%PDF-", 5) != 0) {
            fprintf(stderr, "certreport-bench: %s: haru wrote no PDF\n", ce->id);
            goto done;
        }
        ms[TOTAL_HARU] = ms[STAGE_LOAD] + ms[STAGE_LAYOUT] + ms[STAGE_HARU];
        *bytes_haru = out.len;
        if (floor)
            measure_floor(out.data, out.len, floor, o->clock);
        cr_buffer_free(&out);
    }
    if (o->cairo) {
        double t = now_ms(o->clock);
        if (cr_render_cairo(d, e->fonts, CR_CAIRO_PDF, 0, 72, &out, &err) != CR_OK) {
            fail(ce->id, &err);
            goto done;
        }
        ms[STAGE_CAIRO] = now_ms(o->clock) - t;
        if (out.len < 5 || memcmp(out.data, "%PDF-", 5) != 0) {
            fprintf(stderr, "certreport-bench: %s: cairo wrote no PDF\n", ce->id);
            goto done;
        }
        ms[TOTAL_CAIRO] = ms[STAGE_LOAD] + ms[STAGE_LAYOUT] + ms[STAGE_CAIRO];
        *bytes_cairo = out.len;
        cr_buffer_free(&out);
    }
    rc = 0;
done:
    cr_buffer_free(&out);
    cr_display_free(d);
    cr_assessment_free(&a);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted |v| (p in 0..100). */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

static double median(const double *v, size_t n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void print_results(const bench_options *o, const bench_env *e, bench_results *r,
                          const floor_acc *f)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("certreport-bench: %zu reports (warm, one process, +%lu untimed warm-up) over %zu "
           "cities of %s\n",
           r->n, o->warmup, e->cohort->n, o->cohort);
    printf("setup (schemas, catalog, layout, strings, fonts): %.1f ms once; peers over the "
           "cohort: %.1f ms once\n",
           r->setup_ms, r->peers_ms);
    printf("mean pages per report: %.2f\n", (double)r->pages / (double)r->n);
    printf("first report of the process (untimed above): load+score %.2f, layout %.2f",
           r->first[STAGE_LOAD], r->first[STAGE_LAYOUT]);
    if (o->haru)
        printf(", render haru %.2f", r->first[STAGE_HARU]);
    if (o->cairo)
        printf(", render cairo %.2f", r->first[STAGE_CAIRO]);
    printf(" ms\n\n");
    printf("%-14s %10s %10s %10s %10s\n", "stage", "median ms", "p90 ms", "mean ms", "max ms");
    for (int s = 0; s < NSERIES; s++) {
        if ((s == STAGE_HARU || s == TOTAL_HARU) && !o->haru)
            continue;
        if ((s == STAGE_CAIRO || s == TOTAL_CAIRO) && !o->cairo)
            continue;
        double *v = r->ms[s];
        double sum = 0;
        for (size_t i = 0; i < r->n; i++)
            sum += v[i];
        qsort(v, r->n, sizeof *v, cmp_double);
        printf("%-14s %10.3f %10.3f %10.3f %10.3f\n", series_names[s], median(v, r->n),
               percentile(v, r->n, 90), sum / (double)r->n, v[r->n - 1]);
    }
    putchar('\n');
    if (o->haru && f->reports) {
        double k = (double)f->reports, total = median(r->ms[TOTAL_HARU], r->n);
        double best = f->z9 < f->dz12 ? f->z9 : f->dz12;
        printf("floor over the first %lu reports: their page content streams alone, %.1f KB "
               "raw per report\n",
               f->reports, f->raw / k / 1024.0);
        printf("  floor, size: zlib-9 %.1f KB, libdeflate-12 %.1f KB per report; our PDF %.1f KB "
               "= %.2fx the floor\n",
               f->z9 / k / 1024.0, f->dz12 / k / 1024.0, f->pdf / k / 1024.0,
               best > 0 ? f->pdf / best : 0.0);
        printf("  floor, time: zlib-6 %.3f ms, libdeflate-1 %.3f ms per report to compress them; "
               "TOTAL haru median = %.2fx the zlib-6 floor (render haru alone %.2fx)\n",
               f->ms_z6 / k, f->ms_d1 / k, f->ms_z6 > 0 ? total / (f->ms_z6 / k) : 0.0,
               f->ms_z6 > 0 ? median(r->ms[STAGE_HARU], r->n) / (f->ms_z6 / k) : 0.0);
    }
    if (o->haru)
        printf("bytes per report, haru:  %.0f (%.1f KB)\n", (double)r->bytes_haru / (double)r->n,
               (double)r->bytes_haru / (double)r->n / 1024.0);
    if (o->cairo)
        printf("bytes per report, cairo: %.0f (%.1f KB)\n", (double)r->bytes_cairo / (double)r->n,
               (double)r->bytes_cairo / (double)r->n / 1024.0);
    if (e->cache) {
        cr_layout_cache_stats cs;
        cr_layout_cache_get_stats(e->cache, &cs);
        printf(
            "layout cache: %llu hits, %llu misses (%.1f%% hits), %zu entries, %zu KB of %zu KB\n",
            cs.hits, cs.misses,
            cs.hits + cs.misses ? 100.0 * (double)cs.hits / (double)(cs.hits + cs.misses) : 0.0,
            cs.entries, cs.bytes / 1024, cs.max_bytes / 1024);
    } else {
        printf("layout cache: one per report (--cache no)\n");
    }
    cr_fonts_embed_stats fs = cr_fonts_embed_stats_get(e->fonts);
    printf("font programs: %zu hits, %zu misses (%.1f%% hits), %zu entries, %zu KB of %zu KB\n",
           fs.hits, fs.misses,
           fs.hits + fs.misses ? 100.0 * (double)fs.hits / (double)(fs.hits + fs.misses) : 0.0,
           fs.entries, fs.bytes / 1024, fs.bound / 1024);
    printf("peak RSS: %ld KB\n", ru.ru_maxrss);
}

int main(int argc, char **argv)
{
    bench_options o;
    char cohort_buf[PATH_MAX + 64];
    int rc = parse_args(argc, argv, &o, cohort_buf, sizeof cohort_buf);
    if (rc >= 0)
        return rc;

    xmlInitParser();
    LIBXML_TEST_VERSION
    bench_env e;
    memset(&e, 0, sizeof e);
    bench_results r;
    memset(&r, 0, sizeof r);
    cr_error err;
    cr_error_init(&err);
    floor_acc fl;
    memset(&fl, 0, sizeof fl);
    rc = 1;
    fl.d1 = libdeflate_alloc_compressor(1);
    fl.d12 = libdeflate_alloc_compressor(12);
    if (!fl.d1 || !fl.d12) {
        fputs("certreport-bench: out of memory\n", stderr);
        goto out;
    }
    if (env_open(&e, &o, &r, &err) != 0)
        goto out;
    for (int s = 0; s < NSERIES; s++)
        if (!(r.ms[s] = calloc(o.n, sizeof(double)))) {
            fputs("certreport-bench: out of memory\n", stderr);
            goto out;
        }

    /* The untimed warm-up reports come first; the very first report of the process (caches
     * cold, libraries' first use) is kept apart, as r.first. */
    for (size_t i = 0; i < o.warmup + o.n; i++) {
        double ms[NSERIES] = {0};
        size_t bh = 0, bc = 0, pages = 0;
        size_t city = (i < o.warmup ? i : i - o.warmup) % e.cohort->n;
        const cr_cohort_entry *ce = &e.cohort->entries[city];
        bool floor = i >= o.warmup && i - o.warmup < o.floor;
        if (one_report(&e, &o, ce, ms, &bh, &bc, &pages, floor ? &fl : NULL))
            goto out;
        if (i == 0)
            memcpy(r.first, ms, sizeof ms);
        if (i < o.warmup)
            continue;
        size_t k = i - o.warmup; /* index among the measured reports */
        for (int s = 0; s < NSERIES; s++)
            r.ms[s][k] = ms[s];
        r.bytes_haru += bh;
        r.bytes_cairo += bc;
        r.pages += pages;
        r.n++;
    }
    print_results(&o, &e, &r, &fl);
    rc = 0;
out:
    for (int s = 0; s < NSERIES; s++)
        free(r.ms[s]);
    libdeflate_free_compressor(fl.d1);
    libdeflate_free_compressor(fl.d12);
    env_close(&e);
    xmlCleanupParser();
    return rc;
}
