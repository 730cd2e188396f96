/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: shared fixtures (see testutil.h). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cr_error err;
    cr_error_init(&err);
    if (!f)
        return -1;
    f->schemas = cr_schemas_load(CR_TEST_ASSETS "/schemas", &err);
    f->catalog =
        f->schemas ? cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", f->schemas, &err) : NULL;
    if (!f->catalog) {
        char msg[1200];
        cr_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "fixture: %s\n", msg);
        cr_schemas_free(f->schemas);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture *f = *state;
    cr_catalog_free(f->catalog);
    cr_schemas_free(f->schemas);
    free(f);
    return 0;
}

void assert_no_error(const cr_error *e)
{
    if (e->code != CR_OK) {
        char msg[1200];
        cr_error_format(e, msg, sizeof msg);
        fail_msg("unexpected error: %s", msg);
    }
}

void assert_input_error(const cr_error *e, long line, const char *needle)
{
    char msg[1200];
    cr_error_format(e, msg, sizeof msg);
    if (e->code != CR_EINPUT)
        fail_msg("expected an input error containing \"%s\", got code %d: %s", needle, (int)e->code,
                 msg);
    if (line && e->line != line)
        fail_msg("expected the error on line %ld, got: %s", line, msg);
    if (!strstr(e->message, needle))
        fail_msg("expected a message containing \"%s\", got: %s", needle, msg);
    if (strchr(e->message, '\n'))
        fail_msg("message is not one line: %s", msg);
}

const char *sample_path(char *buf, size_t size, const char *id, const char *suffix)
{
    snprintf(buf, size, "%s/%s%s", CR_TEST_SAMPLES, id, suffix);
    return buf;
}

char *make_submission(const cr_catalog *cat, const char *id, const char *city, const char *answer,
                      const char *extra)
{
    size_t cap = 4096 + cat->ncriteria * 96 + strlen(extra) + strlen(city);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap,
                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<submission id=\"%s\" cycle=\"2023\" submitted=\"2023-03-01\">\n"
                     "  <city %s/>\n  <responses>\n",
                     id, city);
    for (size_t i = 0; i < cat->ncriteria; i++)
        n += snprintf(s + n, cap - (size_t)n, "    <response criterion=\"%s\" answer=\"%s\"/>\n",
                      cat->criteria[i].code, answer);
    snprintf(s + n, cap - (size_t)n, "  </responses>\n%s</submission>\n", extra);
    return s;
}
