/* SPDX-License-Identifier: Apache-2.0 */
/* certreport-gencohort: writes a synthetic cohort of N cities (ID.submission.xml and, for most,
 * ID.audit.xml) for benchmarks and stress tests. Deterministic: the same N and seed give the same
 * bytes. The criteria, outcomes and tiers come from the catalog, so any edition works.
 *
 * N is 1 to 9,999,999 (ids city-00001 ..., with 7 digits above 99,999).
 * usage: certreport-gencohort N OUTDIR [--seed S] [--catalog FILE] [--assets DIR] */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "certreport/certreport.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(rng *r)
{
    return (double)(next(r) >> 11) / 9007199254740992.0;
}

static unsigned pick(rng *r, unsigned n)
{
    return (unsigned)(uniform(r) * n);
}

static const char *const us_names[] = {"Springfield", "Riverside", "Fairview", "Georgetown",
                                       "Madison",     "Franklin",  "Clinton",  "Salem"};
static const char *const ca_names[] = {"Saint-Jérôme", "Trois-Rivières", "Lévis", "Kingston",
                                       "Brampton"};
static const char *const la_names[] = {"São José", "Ciudad Juárez", "Bogotá Norte", "Medellín Sur",
                                       "Curitiba", "Concepción",    "León",         "Querétaro"};
static const char *const la_countries[] = {"MX", "BR", "CO", "AR", "CL", "PE", "EC", "CR"};

/* |digits|: 5 up to 99,999 cities (the ids of every cohort made before), 7 above. */
static int write_city(const char *dir, unsigned i, int digits, rng *r, const cr_catalog *cat)
{
    char id[32], path[4096];
    snprintf(id, sizeof id, "city-%0*u", digits, i);
    double region = uniform(r);
    const char *country, *name, *lang;
    if (region < 0.86) {
        country = "US";
        name = us_names[pick(r, 8)];
        lang = "en";
    } else if (region < 0.89) {
        country = "CA";
        name = ca_names[pick(r, 5)];
        lang = pick(r, 2) ? "fr" : "en";
    } else {
        country = la_countries[pick(r, 8)];
        name = la_names[pick(r, 8)];
        lang = strcmp(country, "BR") == 0 ? "pt" : "es";
    }
    /* Log-uniform population between 30,000 and 3,000,000. */
    double lp = 10.309 + uniform(r) * 4.605; /* ln 30000 .. ln 3000000 */
    long population = (long)exp(lp);
    double maturity = uniform(r); /* how far along the city is */

    snprintf(path, sizeof path, "%s/%s.submission.xml", dir, id);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<submission id=\"%s\" cycle=\"2023\" submitted=\"2023-%02u-%02u\" lang=\"%s\">\n",
            id, 1 + pick(r, 6), 1 + pick(r, 28), lang);
    fprintf(f, "  <city name=\"%s %u\" country=\"%s\" population=\"%ld\"/>\n", name, i, country,
            population);
    fprintf(f, "  <responses>\n");
    cr_answer *answers = calloc(cat->ncriteria, sizeof *answers);
    if (!answers) {
        fclose(f);
        return -1;
    }
    for (size_t c = 0; c < cat->ncriteria; c++) {
        double u = uniform(r);
        double p_yes =
            0.15 + 0.8 * maturity - (cat->criteria[c].core ? 0 : 0.1 * (double)(c % 5) / 4);
        answers[c] = u < p_yes         ? CR_ANSWER_YES
                     : u < p_yes + 0.2 ? CR_ANSWER_IN_PROGRESS
                                       : CR_ANSWER_NO;
        fprintf(f, "    <response criterion=\"%s\" answer=\"%s\"", cat->criteria[c].code,
                cr_answer_name(answers[c]));
        if (answers[c] == CR_ANSWER_YES && pick(r, 4) == 0)
            fprintf(
                f,
                "><evidence>Documented in a citywide policy adopted in %u.</evidence></response>\n",
                2018 + pick(r, 5));
        else
            fprintf(f, "/>\n");
    }
    fprintf(f, "  </responses>\n  <outcomes>\n");
    for (size_t o = 0; o < cat->noutcomes; o++) {
        const cr_outcome_def *d = &cat->outcomes[o];
        if (d->rule == CR_RULE_VERDICT) {
            if (pick(r, 3) == 0)
                fprintf(f,
                        "    <outcome metric=\"%s\" name=\"Residents within a 10-minute walk of a "
                        "park\" sdg=\"11\" value=\"%u%%\" target=\"80%%\"/>\n",
                        d->id, 50 + pick(r, 45));
        } else {
            double v = d->standard * (0.7 + 0.6 * uniform(r));
            fprintf(f,
                    "    <outcome metric=\"%s\" value=\"%.1f\" year=\"2021\" source=\"National "
                    "statistics office\"/>\n",
                    d->id, v);
        }
    }
    fprintf(f, "  </outcomes>\n</submission>\n");
    if (fclose(f) != 0) {
        free(answers);
        return -1;
    }

    if (pick(r, 10) < 7) {
        snprintf(path, sizeof path, "%s/%s.audit.xml", dir, id);
        f = fopen(path, "w");
        if (!f) {
            free(answers);
            return -1;
        }
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<audit submission=\"%s\">\n", id);
        fprintf(f, "  <event at=\"2023-07-01T09:00:00Z\" by=\"portal\" type=\"step\" "
                   "step=\"submitted\"/>\n");
        unsigned changes = pick(r, 5), minute = 0;
        for (unsigned k = 0; k < changes; k++) {
            size_t c = pick(r, (unsigned)cat->ncriteria);
            if (answers[c] != CR_ANSWER_YES)
                continue;
            fprintf(f,
                    "  <event at=\"2023-08-01T10:%02u:00Z\" by=\"Reviewer %u\" type=\"change\" "
                    "criterion=\"%s\" from=\"yes\" to=\"in-progress\">\n",
                    minute++ % 60, 1 + pick(r, 4), cat->criteria[c].code);
            fprintf(
                f,
                "    <comment>The response was changed from YES to IN PROGRESS: the documentation "
                "shows the practice in some departments but not yet citywide.</comment>\n  "
                "</event>\n");
            answers[c] = CR_ANSWER_IN_PROGRESS;
        }
        fprintf(f, "  <event at=\"2023-09-01T12:00:00Z\" by=\"Reviewer 1\" type=\"step\" "
                   "step=\"interim-report\"/>\n");
        fprintf(f, "</audit>\n");
        if (fclose(f) != 0) {
            free(answers);
            return -1;
        }
    }
    free(answers);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long n = 0, seed = 2023;
    const char *dir = NULL, *catalog = NULL, *assets = CERTREPORT_SOURCE_ASSETS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc)
            catalog = argv[++i];
        else if (strcmp(argv[i], "--assets") == 0 && i + 1 < argc)
            assets = argv[++i];
        else if (!n && argv[i][0] != '-')
            n = strtoul(argv[i], NULL, 10);
        else if (!dir && argv[i][0] != '-')
            dir = argv[i];
        else
            n = 0, dir = NULL, i = argc;
    }
    if (!n || !dir || n > 9999999) {
        fprintf(
            stderr,
            "usage: certreport-gencohort N OUTDIR [--seed S] [--catalog FILE] [--assets DIR]\n");
        return 2;
    }
    char path[4096];
    cr_error err;
    cr_error_init(&err);
    snprintf(path, sizeof path, "%s/schemas", assets);
    cr_schemas *schemas = cr_schemas_load(path, &err);
    if (!catalog) {
        snprintf(path, sizeof path, "%s/%s", assets, CERTREPORT_DEFAULT_CATALOG);
        catalog = path;
    }
    cr_catalog *cat = schemas ? cr_catalog_load(catalog, schemas, &err) : NULL;
    if (!cat) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        cr_schemas_free(schemas);
        return 1;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return 1;
    }
    rng r = {.s = seed};
    int rc = 0;
    for (unsigned i = 1; i <= n && rc == 0; i++)
        if (write_city(dir, i, n > 99999 ? 7 : 5, &r, cat) != 0) {
            fprintf(stderr, "%s: cannot write: %s\n", dir, strerror(errno));
            rc = 1;
        }
    cr_catalog_free(cat);
    cr_schemas_free(schemas);
    return rc;
}
