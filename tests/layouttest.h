/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: what the layout tests share (test_progress.c, test_overview.c): the source
 * tree's layout, strings and fonts, and reading a display list's text back. */
#ifndef CR_LAYOUTTEST_H
#define CR_LAYOUTTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "certreport/certreport.h"

typedef struct layout_env {
    cr_layout_spec *spec; /* layouts/default.xml */
    cr_strings *strings;  /* assets/strings/en.xml */
    cr_fonts *fonts;      /* the fonts the layout names, from fonts/ */
} layout_env;

/* Loads the source tree's default layout, English strings and fonts, and checks the catalog's and
 * the strings' texts against the fonts. 0 on success, -1 with a message on stderr. */
int layout_env_load(layout_env *e, const cr_schemas *schemas, const cr_catalog *cat);
void layout_env_free(layout_env *e);

/* A test state that starts with the shared fixture (schemas, catalog) and the layout env. */
typedef struct layout_fixture {
    struct fixture *fx;
    layout_env env;
} layout_fixture;

/* A zeroed state of |size| bytes (a struct whose first member is a layout_fixture) with both
 * loaded, or NULL with a message on stderr. Free with layout_fixture_free. */
void *layout_fixture_new(size_t size);
void layout_fixture_free(void *state);

/* The sample cohort read in one of the shipped languages: its string table, the catalog
 * translated into it, the cohort folder and its peer statistics over that catalog. */
typedef struct lang_cohort {
    cr_strings *strings;
    cr_catalog *catalog;
    struct cr_cohort *cohort;
    cr_peers *peers;
} lang_cohort;

/* Loads |lang| (asserts success). Free with lang_cohort_free. */
void lang_cohort_load(lang_cohort *lc, const cr_schemas *schemas, const char *lang);
void lang_cohort_free(lang_cohort *lc);

/* Lays out every city of |lang|'s sample cohort with |e|'s layout and fonts (asserts success)
 * and calls |fn| with each report's display list, its assessment, the language's string table
 * and the report's name ("LANG ID"). */
typedef void (*report_fn)(const cr_display *d, const cr_assessment *a, const cr_strings *strings,
                          const char *what, void *data);
void lang_cohort_each(const cr_schemas *schemas, const layout_env *e, const char *lang,
                      report_fn fn, void *data);

/* The text runs of page |page| (0-based) of |d|, or of every page with page == (size_t)-1, in
 * display order, each followed by a space. malloc'd. */
char *page_text(const cr_display *d, size_t page);

/* Whether |needle| occurs in |hay| when whitespace is ignored in both (so a wrapped paragraph
 * matches its sentence). */
bool has_text(const char *hay, const char *needle);

/* The first page (0-based) whose text has |needle|, whitespace ignored; (size_t)-1 if none. */
size_t find_page(const cr_display *d, const char *needle);

/* The index of the first text op equal to |text| from op |from| on, or (size_t)-1. */
size_t find_op(const cr_display *d, size_t from, const char *text);
/* The length of |s| without its trailing spaces (a word boundary a line keeps: no ink). */
size_t ink_len(const char *s);

/* The page (0-based) op |op| lies on. */
size_t op_page(const cr_display *d, size_t op);

/* Fails the test when a text op leaves the layout's margins (the running header and footer in
 * theirs) or overlaps another text op of its page. */
void check_geometry(const cr_display *d, const layout_env *e);

/* Renders |d| with libharu and writes the PDF to |path| (asserts success and a %PDF header). */
void write_pdf(const cr_display *d, const cr_fonts *fonts, const char *path);

#endif
