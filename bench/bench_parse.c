/* SPDX-License-Identifier: Apache-2.0 */
/* certreport-bench-parse: the worst case of reading one input, by shape.
 *
 * Builds submissions and audit logs of a given size (default 2 MiB) in memory, each a real sample
 * (samples/cohort/gold-city.*) with one part blown up into a hostile shape: thousands of
 * attributes or namespace declarations on one element, deep nesting, many elements, long texts
 * and attribute values, character references, comments, CDATA sections, processing
 * instructions, many events. Times cr_submission_parse / cr_audit_parse on each (the whole input
 * stage: size cap, UTF-8 check, pre-scan, libxml2, schema, model) and prints seconds per MB and
 * whether the input was accepted or refused (with the message). Timing lives here, never in the
 * tests.
 *
 * usage: certreport-bench-parse [--size BYTES] [--assets DIR] [--samples DIR] [--shape NAME]
 * No global mutable state. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "certreport/certreport.h"

#ifndef CERTREPORT_SOURCE_ASSETS
#define CERTREPORT_SOURCE_ASSETS "assets"
#endif

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p) {
            fputs("out of memory\n", stderr);
            exit(1);
        }
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    text t = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        put(&t, buf, n);
    fclose(f);
    *len = t.n;
    return t.p;
}

/* A shape: the sample with everything before |at| kept, then |head|, then units made by |unit|
 * (given their index) until the input reaches the size, then |tail|, then the rest of the sample
 * from |at| (or after |skip| bytes of it). */
typedef struct shape {
    const char *name;
    int audit; /* 1: an audit log, 0: a submission */
    const char *at;
    const char *head;
    void (*unit)(text *t, size_t i);
    const char *tail;
    size_t skip;
} shape;

static void u_attr(text *t, size_t i)
{
    char b[48];
    snprintf(b, sizeof b, " a%zu=\"1\"", i);
    puts_(t, b);
}
static void u_ns(text *t, size_t i)
{
    char b[64];
    snprintf(b, sizeof b, " xmlns:n%zu=\"urn:x\"", i);
    puts_(t, b);
}
static void u_attr64(text *t, size_t i)
{
    /* Elements with 64 attributes each: the most the pre-scan lets through. */
    (void)i;
    puts_(t, "<x");
    for (int k = 0; k < 64; k++) {
        char b[32];
        snprintf(b, sizeof b, " a%d=\"1\"", k);
        puts_(t, b);
    }
    puts_(t, "/>");
}
static void u_open(text *t, size_t i)
{
    (void)i;
    puts_(t, "<evidence>");
}
static void u_empty(text *t, size_t i)
{
    (void)i;
    puts_(t, "<x/>");
}
static void u_evidence(text *t, size_t i)
{
    (void)i;
    puts_(t, "<evidence>e</evidence>");
}
static void u_word(text *t, size_t i)
{
    (void)i;
    puts_(t, "word ");
}
static void u_charref(text *t, size_t i)
{
    (void)i;
    puts_(t, "&#65;");
}
static void u_amp(text *t, size_t i)
{
    (void)i;
    puts_(t, "&amp;");
}
static void u_comment(text *t, size_t i)
{
    (void)i;
    puts_(t, "<!---->");
}
static void u_split(text *t, size_t i)
{
    (void)i;
    puts_(t, "a<!---->");
}
static void u_split_el(text *t, size_t i)
{
    (void)i;
    puts_(t, "a<x/>");
}
static void u_uniq_el(text *t, size_t i)
{
    char b[48];
    snprintf(b, sizeof b, "<e%zu/>", i);
    puts_(t, b);
}
static void u_uniq_attr(text *t, size_t i)
{
    char b[64];
    snprintf(b, sizeof b, "<x a%zu=\"1\"/>", i);
    puts_(t, b);
}
static void u_uniq_uri(text *t, size_t i)
{
    char b[64];
    snprintf(b, sizeof b, "<x xmlns=\"urn:%zu\"/>", i);
    puts_(t, b);
}
static void u_short_values(text *t, size_t i)
{
    /* Distinct 3-character values: libxml2 interns texts that short. */
    static const char c[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char b[32];
    snprintf(b, sizeof b, "<x a=\"%c%c%c\"/>", c[i % 62], c[i / 62 % 62], c[i / 3844 % 62]);
    puts_(t, b);
}
static void u_blanks(text *t, size_t i)
{
    /* Distinct runs of blanks between elements: libxml2 interns blank texts under 60 bytes. */
    char b[96];
    size_t n = 0;
    b[n++] = '<';
    b[n++] = 'x';
    b[n++] = '/';
    b[n++] = '>';
    for (size_t k = 0; k < 40; k++)
        b[n++] = (i >> k) & 1 ? '\t' : ' ';
    b[n] = '\0';
    puts_(t, b);
}
static void u_cdata(text *t, size_t i)
{
    (void)i;
    puts_(t, "<![CDATA[a]]>");
}
static void u_pi(text *t, size_t i)
{
    (void)i;
    puts_(t, "<?p?>");
}
static void u_space(text *t, size_t i)
{
    (void)i;
    puts_(t, "          \n");
}
static void u_x(text *t, size_t i)
{
    (void)i;
    puts_(t, "xxxxxxxxxxxxxxxx");
}
static void u_response(text *t, size_t i)
{
    (void)i;
    puts_(t, "<response criterion=\"DM1\" answer=\"yes\"/>\n");
}
static void u_event(text *t, size_t i)
{
    char b[256];
    unsigned m = (unsigned)i;
    snprintf(b, sizeof b,
             "<event at=\"%04u-%02u-%02uT%02u:%02u:00Z\" by=\"R\" type=\"comment\" "
             "criterion=\"DM%u\"><comment>n</comment></event>\n",
             2024 + m / 500000, 1 + m / 40000 % 12, 1 + m / 1440 % 28, m / 60 % 24, m % 60,
             1 + m % 8);
    puts_(t, b);
}
static void u_nsel(text *t, size_t i)
{
    char b[96];
    snprintf(b, sizeof b, "<p%zu:x xmlns:p%zu=\"urn:%zu\"/>", i % 1000, i % 1000, i);
    puts_(t, b);
}

#define EV "<response criterion=\"DM3\" answer=\"yes\"/>"
#define EV_AFTER "<response criterion=\"DM3\" answer=\"yes\">"

static const shape shapes[] = {
    {"attributes on <city>", 0, "<city ", "<city", u_attr, " ", 6},
    {"namespace declarations on <city>", 0, "<city ", "<city", u_ns, " ", 6},
    {"elements of 64 attributes", 0, EV, EV_AFTER "<evidence>", u_attr64, "</evidence></response>",
     sizeof EV - 1},
    {"deep nesting", 0, EV, EV_AFTER, u_open, "x</response>", sizeof EV - 1},
    {"empty unknown elements", 0, EV, EV_AFTER "<evidence>", u_empty, "</evidence></response>",
     sizeof EV - 1},
    {"evidence elements", 0, EV, EV_AFTER, u_evidence, "</response>", sizeof EV - 1},
    {"one long evidence text", 0, EV, EV_AFTER "<evidence>", u_word, "</evidence></response>",
     sizeof EV - 1},
    {"character references", 0, EV, EV_AFTER "<evidence>", u_charref, "</evidence></response>",
     sizeof EV - 1},
    {"entity references (&amp;)", 0, EV, EV_AFTER "<evidence>", u_amp, "</evidence></response>",
     sizeof EV - 1},
    {"comments", 0, EV, EV_AFTER "<evidence>", u_comment, "</evidence></response>", sizeof EV - 1},
    {"text split by comments", 0, EV, EV_AFTER "<evidence>", u_split, "</evidence></response>",
     sizeof EV - 1},
    {"text split by elements", 0, EV, EV_AFTER "<evidence>", u_split_el, "</evidence></response>",
     sizeof EV - 1},
    {"text split by elements in <response>", 0, EV, EV_AFTER, u_split_el, "</response>",
     sizeof EV - 1},
    {"distinct element names", 0, EV, EV_AFTER "<evidence>", u_uniq_el, "</evidence></response>",
     sizeof EV - 1},
    {"distinct attribute names", 0, EV, EV_AFTER "<evidence>", u_uniq_attr,
     "</evidence></response>", sizeof EV - 1},
    {"distinct namespace URIs", 0, EV, EV_AFTER "<evidence>", u_uniq_uri, "</evidence></response>",
     sizeof EV - 1},
    {"distinct short attribute values", 0, EV, EV_AFTER "<evidence>", u_short_values,
     "</evidence></response>", sizeof EV - 1},
    {"distinct blank texts", 0, EV, EV_AFTER "<evidence>", u_blanks, "<x/></evidence></response>",
     sizeof EV - 1},
    {"CDATA sections", 0, EV, EV_AFTER "<evidence>", u_cdata, "</evidence></response>",
     sizeof EV - 1},
    {"processing instructions", 0, EV, EV_AFTER "<evidence>", u_pi, "</evidence></response>",
     sizeof EV - 1},
    {"whitespace", 0, EV, EV_AFTER "<evidence>", u_space, "</evidence></response>", sizeof EV - 1},
    {"long attribute value", 0, "name=\"Tempe\"", "name=\"", u_x, "\"", 12},
    {"character references in an attribute", 0, "name=\"Tempe\"", "name=\"", u_charref, "\"", 12},
    {"long id (schema pattern)", 0, "id=\"gold-city\"", "id=\"gold-", u_x, "\"", 14},
    {"long element name", 0, EV, EV_AFTER "<evidence><", u_x, "/></evidence></response>",
     sizeof EV - 1},
    {"repeated responses", 0, EV, "", u_response, "", 0},
    {"namespaced elements", 0, EV, EV_AFTER "<evidence>", u_nsel, "</evidence></response>",
     sizeof EV - 1},
    {"audit: many events", 1, "</audit>", "", u_event, "", 0},
    {"audit: long comment", 1, "</audit>",
     "<event at=\"2024-01-01T00:00:00Z\" by=\"R\" type=\"comment\" criterion=\"DM1\"><comment>",
     u_word, "</comment></event>\n", 0},
    {"audit: attributes on <event>", 1, "</audit>", "<event at=\"2024-01-01T00:00:00Z\"", u_attr,
     " by=\"R\" type=\"step\" step=\"debrief\"/>\n", 0},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t size = 2u << 20;
    const char *assets = CERTREPORT_SOURCE_ASSETS, *samples = NULL, *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
            size = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--assets") == 0 && i + 1 < argc)
            assets = argv[++i];
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            samples = argv[++i];
        else if (strcmp(argv[i], "--shape") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr,
                    "usage: %s [--size BYTES] [--assets DIR] [--samples DIR] [--shape NAME]\n",
                    argv[0]);
            return 2;
        }
    }
    char path[4200], sdir[4000];
    snprintf(sdir, sizeof sdir, "%s", samples ? samples : assets);
    if (!samples)
        snprintf(sdir, sizeof sdir, "%s/../samples/cohort", assets);
    xmlInitParser();
    cr_error err;
    cr_error_init(&err);
    snprintf(path, sizeof path, "%s/schemas", assets);
    cr_schemas *schemas = cr_schemas_load(path, &err);
    snprintf(path, sizeof path, "%s/catalog-2023.xml", assets);
    cr_catalog *cat = schemas ? cr_catalog_load(path, schemas, &err) : NULL;
    size_t sub_len = 0, aud_len = 0;
    snprintf(path, sizeof path, "%s/gold-city.submission.xml", sdir);
    char *sub = slurp(path, &sub_len);
    snprintf(path, sizeof path, "%s/gold-city.audit.xml", sdir);
    char *aud = slurp(path, &aud_len);
    if (!cat || !sub || !aud) {
        char m[1200];
        cr_error_format(&err, m, sizeof m);
        fprintf(stderr, "cannot load the catalog or the samples (%s): %s\n", sdir, m);
        return 1;
    }
    printf("%-40s %10s %9s %8s  %s\n", "shape", "bytes", "seconds", "s/MB", "result");
    double worst = 0;
    const char *worst_name = "";
    for (size_t k = 0; k < NSHAPES; k++) {
        const shape *s = &shapes[k];
        if (only && !strstr(s->name, only))
            continue;
        const char *base = s->audit ? aud : sub;
        const char *at = strstr(base, s->at);
        if (!at)
            continue;
        text t = {0};
        put(&t, base, (size_t)(at - base));
        puts_(&t, s->head);
        size_t rest = strlen(at + s->skip) + strlen(s->tail);
        for (size_t i = 0;; i++) { /* as many whole units as fit in |size| */
            size_t before = t.n;
            s->unit(&t, i);
            if (t.n + rest > size) {
                t.n = before;
                t.p[t.n] = '\0';
                break;
            }
        }
        puts_(&t, s->tail);
        puts_(&t, at + s->skip);
        cr_error e;
        cr_error_init(&e);
        double t0 = now();
        int ok;
        if (s->audit) {
            cr_audit_log *a = cr_audit_parse(t.p, t.n, "bench.audit.xml", cat, schemas, &e);
            ok = a != NULL;
            cr_audit_free(a);
        } else {
            cr_submission *x =
                cr_submission_parse(t.p, t.n, "bench.submission.xml", cat, schemas, &e);
            ok = x != NULL;
            cr_submission_free(x);
        }
        double dt = now() - t0;
        double per_mb = dt / ((double)t.n / 1e6);
        char msg[1200] = "accepted";
        if (!ok)
            cr_error_format(&e, msg, sizeof msg);
        printf("%-40s %10zu %9.3f %8.3f  %.90s\n", s->name, t.n, dt, per_mb, msg);
        fflush(stdout);
        if (per_mb > worst) {
            worst = per_mb;
            worst_name = s->name;
        }
        free(t.p);
    }
    printf("worst: %.3f s per MB (%s)\n", worst, worst_name);
    free(sub);
    free(aud);
    cr_catalog_free(cat);
    cr_schemas_free(schemas);
    xmlCleanupParser();
    return 0;
}
