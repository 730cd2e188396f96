/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: a batch run's manifests (batch_plan.h). manifest.csv and manifest.json say what
 * each city's report came to; manifest.json also lets the next run skip the reports whose inputs
 * have not changed and whose files on disk are verified to be what it wrote (the incremental
 * check). The shards of a run each write their own manifest, merged here into the one a whole
 * run writes. */
#define _GNU_SOURCE
#include "batch_plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <xxhash.h>

#include "fileio.h"

/* manifest.json's "format": 2 since the manifest records what it verified (content_hash). */
#define MANIFEST_FORMAT 2

/* The ids score --json prints ("gold", "100K-250K"). */
static const char *tier_id(const cr_batch *b, size_t t)
{
    return t == CR_NONE ? "" : b->cat->tiers[t].id;
}

static const char *status_name(cr_row_status s)
{
    switch (s) {
    case CR_ROW_RENDERED:
        return "rendered";
    case CR_ROW_UNCHANGED:
        return "unchanged";
    case CR_ROW_FAILED:
        return "failed";
    default:
        return "not rendered";
    }
}

/* ---- incremental: what the last run wrote ---- */

static int row_by_id(const void *key, const void *elem, void *ctx)
{
    const cr_batch *b = ctx;
    return strcmp(key, cr_cohort_id(b->cohort, ((const cr_batch_row *)elem)->entry));
}

static cr_batch_row *find_row(cr_batch *b, const char *id)
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
static bool output_matches(const cr_batch *b, const cr_batch_row *r, unsigned pages,
                           unsigned long long bytes, const char *content)
{
    char name[1200], path[5400];
    cr_batch_out_name(b, r, name, sizeof name);
    if (cr_batch_out_path(b, name, path, sizeof path) != 0 || strlen(content) != 32)
        return false;
    unsigned n = 1;
    if (cr_batch_is_png(b)) {
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
        if (cr_batch_is_png(b))
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
        cr_batch_digest(s, h);
        cr_batch_hex(h, 16, hexd);
    }
    XXH3_freeState(s);
    free(buf);
    return ok && total == bytes && strcmp(hexd, content) == 0;
}

/* Marks unchanged the row of one manifest entry when its inputs' hash equals ours and its
 * report on disk is verified to be what that run wrote (size and content hash). */
static void mark_one(cr_batch *b, json_t *c)
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
    cr_batch_row *r = find_row(b, id);
    cr_batch_city rec;
    cr_error e;
    cr_error_init(&e);
    if (!r || !r->valid || pages < 1 || bytes < 0)
        return;
    if (cr_batch_city_get(b, r, &rec, false, &e) != CR_OK || strcmp(rec.hash, hash) != 0)
        return; /* a record that cannot be read: rendered again */
    if (!output_matches(b, r, (unsigned)pages, (unsigned long long)bytes, content))
        return; /* missing, truncated, replaced or grown: rendered again */
    rec.bytes = (unsigned long long)bytes;
    rec.pages = (unsigned)pages;
    snprintf(rec.content, sizeof rec.content, "%s", content);
    if (cr_batch_city_put(b, r, &rec, &e) == CR_OK)
        r->st = CR_ROW_UNCHANGED;
}

/* Reads the last run's manifest.json one city (one line, as write_manifest writes it) at a time,
 * so memory does not grow with the cohort. A manifest in another shape is simply not used:
 * everything renders again, which is always safe. */
void cr_batch_mark_unchanged(cr_batch *b)
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
static json_t *row_json(const cr_batch *b, const cr_batch_row *row, const cr_batch_city *r)
{
    const cr_catalog *cat = b->cat;
    char name[1200] = "";
    if (r->st == CR_ROW_RENDERED || r->st == CR_ROW_UNCHANGED)
        cr_batch_out_name(b, row, name, sizeof name);
    json_t *j = json_object();
    json_object_set_new(j, "id", json_string(cr_cohort_id(b->cohort, row->entry)));
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
/* A new reference, or NULL with |err| set (when it is not: out of memory). */
typedef json_t *(*manifest_line_fn)(void *data, size_t i, cr_error *err);

/* A manifest file being written: streamed into its temporary file (cr_atomic_open), so memory
 * does not grow with the cohort; or, when its path is not a regular file, into memory and then
 * through cr_write_atomic, which refuses a link or writes a device as it always did. */
typedef struct out_file {
    cr_atomic_file a;
    bool mem;
    char *buf;
    size_t len;
    FILE *f;
} out_file;

static cr_status out_open(out_file *o, const char *path, cr_error *err)
{
    memset(o, 0, sizeof *o);
    cr_status st = cr_atomic_open(&o->a, path, err);
    if (st == CR_OK) {
        o->f = o->a.f;
        return CR_OK;
    }
    if (st != CR_EUSAGE)
        return st;
    o->mem = true;
    if (!(o->f = open_memstream(&o->buf, &o->len)))
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    return CR_OK;
}

static cr_status out_close(out_file *o, const char *path, cr_error *err)
{
    if (!o->mem)
        return cr_atomic_commit(&o->a, err);
    if (fclose(o->f) != 0) {
        free(o->buf);
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    }
    cr_status st = cr_write_atomic(path, o->buf, o->len, err);
    free(o->buf);
    return st;
}

static void out_abort(out_file *o)
{
    if (!o->mem) {
        cr_atomic_abort(&o->a);
        return;
    }
    fclose(o->f);
    free(o->buf);
}

/* Writes manifest.csv, then manifest.json: |head| (its keys first: "format", "certreport",
 * "catalog", "output", "areas" and a shard's "shard"), then "cities", one line per city, the
 * lines of |line|. The CSV first: manifest.json decides what the next run re-renders, so it is
 * written last and only when the CSV could be; a run that cannot write it renders more next
 * time, never less. Row by row, straight to the temporary files: memory does not grow with the
 * cohort. */
static cr_status manifest_write(const char *csv_path, const char *json_path, const json_t *head,
                                manifest_line_fn line, void *data, size_t n, cr_error *err)
{
    json_t *codes = json_object_get(head, "areas");
    out_file o;
    cr_status st = out_open(&o, csv_path, err);
    if (st != CR_OK)
        return st;
    FILE *f = o.f;
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
        json_t *j = line(data, i, err);
        if (!j) {
            out_abort(&o);
            return err && err->code != CR_OK
                       ? err->code
                       : cr_error_set(err, CR_ENOMEM, csv_path, 0, "out of memory");
        }
        csv_row(f, j, codes);
        json_decref(j);
    }
    if ((st = out_close(&o, csv_path, err)) != CR_OK)
        return st;
    char *text = json_dumps(head, JSON_PRESERVE_ORDER | JSON_COMPACT);
    if (!text)
        return cr_error_set(err, CR_ENOMEM, json_path, 0, "out of memory");
    if ((st = out_open(&o, json_path, err)) != CR_OK) {
        free(text);
        return st;
    }
    f = o.f;
    /* {"format":2,...} -> {"format":2,...,"cities":[ ... ]} */
    fprintf(f, "%.*s,\n\"cities\": [\n", (int)strlen(text) - 1, text);
    free(text);
    for (size_t i = 0; i < n; i++) {
        json_t *j = line(data, i, err);
        char *one = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
        json_decref(j);
        if (!one) {
            out_abort(&o);
            return err && err->code != CR_OK
                       ? err->code
                       : cr_error_set(err, CR_ENOMEM, json_path, 0, "out of memory");
        }
        fprintf(f, "  %s%s\n", one, i + 1 < n ? "," : "");
        free(one);
    }
    fputs("]}\n", f);
    return out_close(&o, json_path, err);
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

static json_t *batch_line(void *data, size_t i, cr_error *err)
{
    const cr_batch *b = data;
    cr_batch_city c;
    if (cr_batch_city_get(b, &b->rows[i], &c, true, err) != CR_OK)
        return NULL;
    json_t *j = row_json(b, &b->rows[i], &c);
    cr_batch_city_free(&c);
    return j;
}

cr_status cr_batch_write_manifest(const cr_batch *b, cr_error *err)
{
    /* The reports were written without a flush each (cr_write_atomic_nosync): one sync of the
     * folder's file system first, so a manifest never names a report a power loss can take. */
    if (b->o->out_dir && cr_sync_folder(b->o->out_dir, err) != CR_OK)
        return CR_EIO;
    if (b->spill_error.code != CR_OK) /* a row's record is not known */
        return cr_error_set(err, b->spill_error.code, NULL, 0, "%s", b->spill_error.message);
    json_t *areas = json_array();
    for (size_t k = 0; k < b->cat->nareas; k++)
        json_array_append_new(areas, json_string(b->cat->areas[k].code));
    json_t *head =
        manifest_head(b->o->version, b->cat->edition, cr_batch_is_png(b) ? "png" : "pdf", areas);
    if (b->o->shard_n) {
        char shard[32];
        snprintf(shard, sizeof shard, "%u/%u", b->o->shard_k, b->o->shard_n);
        json_object_set_new(head, "shard", json_string(shard));
    }
    cr_status st = manifest_write(b->manifest_csv, b->manifest_json, head, batch_line, (void *)b,
                                  b->nrows, err);
    json_decref(head);
    return st;
}

/* ---- merging the shards' manifests ---- */

typedef struct merge_state {
    json_t **lines;
    size_t n, cap;
} merge_state;

static json_t *merge_line(void *data, size_t i, cr_error *err)
{
    (void)err;
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

cr_status cr_batch_merge_manifests(const char *out_dir, cr_batch_result *res, cr_error *err)
{
    memset(res, 0, sizeof *res);
    cr_status st = CR_OK;
    /* Which shards: every manifest-K-of-N.json, all of one N, each K once. */
    unsigned total = 0;
    DIR *d = opendir(out_dir);
    struct dirent *de;
    if (!d)
        st = cr_error_set(err, CR_EIO, out_dir, 0, "cannot read: %s", strerror(errno));
    while (d && st == CR_OK && (de = readdir(d))) {
        unsigned k, n;
        if (!shard_manifest_name(de->d_name, &k, &n))
            continue;
        if (total && n != total) {
            st = cr_error_set(
                err, CR_EINPUT, out_dir, 0,
                "manifests of shards of %u and of %u; remove the ones of the older run", total, n);
            break;
        }
        total = n;
    }
    if (d)
        closedir(d);
    if (st == CR_OK && !total)
        st = cr_error_set(err, CR_EINPUT, out_dir, 0,
                          "no shard manifest here (manifest-K-of-N.json)");
    for (unsigned k = 1; st == CR_OK && k <= total; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/manifest-%u-of-%u.json", out_dir, k, total);
        if (access(path, F_OK) != 0)
            st = cr_error_set(err, CR_EINPUT, out_dir, 0,
                              "manifest-%u-of-%u.json is missing: shard %u/%u has not run", k,
                              total, k, total);
    }
    merge_state m = {0};
    json_t *first = NULL;
    for (unsigned k = 1; st == CR_OK && k <= total; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/manifest-%u-of-%u.json", out_dir, k, total);
        st = merge_one(path, k, total, &first, &m, err);
    }
    if (st == CR_OK) {
        /* The order of one run: the cohort's, by id. */
        if (m.n)
            qsort(m.lines, m.n, sizeof *m.lines, by_line_id);
        for (size_t i = 0; i + 1 < m.n && st == CR_OK; i++)
            if (by_line_id(&m.lines[i], &m.lines[i + 1]) == 0)
                st = cr_error_set(err, CR_EINPUT, out_dir, 0, "city %s is in two shards",
                                  json_string_value(json_object_get(m.lines[i], "id")));
    }
    if (st == CR_OK) {
        json_t *head = manifest_head(json_string_value(json_object_get(first, "certreport")),
                                     json_string_value(json_object_get(first, "catalog")),
                                     json_string_value(json_object_get(first, "output")),
                                     json_deep_copy(json_object_get(first, "areas")));
        char csv[sizeof res->manifest], js[sizeof res->manifest];
        snprintf(csv, sizeof csv, "%s/manifest.csv", out_dir);
        snprintf(js, sizeof js, "%s/manifest.json", out_dir);
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
    return st;
}
