/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: shared fixtures (schemas and the shipped catalog, loaded once per program). */
#ifndef CR_TESTUTIL_H
#define CR_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "certreport/certreport.h"

typedef struct fixture {
    cr_schemas *schemas;
    cr_catalog *catalog;
} fixture;

/* cmocka group setup/teardown: *state becomes a fixture. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* Fails the test with "file:line: message" of |e| unless it holds no error. */
void assert_no_error(const cr_error *e);

/* Asserts |e| holds an input error at |line| (0: any line) whose message contains |needle|. */
void assert_input_error(const cr_error *e, long line, const char *needle);

/* Path of a sample cohort file: "<samples>/<id><suffix>" in a static buffer per call site. */
const char *sample_path(char *buf, size_t size, const char *id, const char *suffix);

/* A whole submission text with every catalog criterion answered |answer|, with |extra| spliced
 * inside <submission> after the responses (outcomes, programs), and city attributes |city|.
 * Returns a malloc'd string. */
char *make_submission(const cr_catalog *cat, const char *id, const char *city, const char *answer,
                      const char *extra);

#endif
