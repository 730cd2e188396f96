/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the translations. Every string table in assets/strings/ has every key of the
 * English one, with the same {placeholders}; every catalog translation (catalog-2023.LANG.xml)
 * translates every text of the catalog; and the fonts draw every character of both. */
#include "testutil.h"

#include "arena.h"
#include "layout_text.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cr_strings *load(const fixture *f, const char *lang)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/strings/%s.xml", CR_TEST_ASSETS, lang);
    cr_error err;
    cr_error_init(&err);
    cr_strings *s = cr_strings_load(path, f->schemas, &err);
    assert_no_error(&err);
    assert_non_null(s);
    return s;
}

/* The languages with a string table, English excluded; returns how many (codes in |out|). */
static size_t languages(char out[][8], size_t max)
{
    DIR *d = opendir(CR_TEST_ASSETS "/strings");
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        size_t len = strlen(de->d_name);
        if (len == 6 && strcmp(de->d_name + 2, ".xml") == 0 && strncmp(de->d_name, "en", 2) != 0) {
            memcpy(out[n], de->d_name, 2);
            out[n++][2] = '\0';
        }
    }
    closedir(d);
    return n;
}

static void on_missing(void *data, const char *key)
{
    print_error("%s lacks the key %s\n", (const char *)data, key);
}

/* The {names} of |s|, sorted, joined with spaces, into |out|. */
static void placeholders(const char *s, char *out, size_t size)
{
    const char *names[32];
    size_t lens[32], n = 0;
    for (const char *p = strchr(s, '{'); p && n < 32; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        names[n] = p + 1;
        lens[n++] = (size_t)(e - p - 1);
    }
    for (size_t i = 1; i < n; i++) /* insertion sort */
        for (size_t j = i; j > 0 && strncmp(names[j - 1], names[j], 64) > 0; j--) {
            const char *t = names[j - 1];
            names[j - 1] = names[j];
            names[j] = t;
            size_t l = lens[j - 1];
            lens[j - 1] = lens[j];
            lens[j] = l;
        }
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && w + lens[i] + 2 < size; i++)
        w += (size_t)snprintf(out + w, size - w, "%.*s ", (int)lens[i], names[i]);
}

typedef struct key_check {
    const cr_strings *en, *other;
    const char *lang;
    size_t bad;
} key_check;

static void same_placeholders(void *data, const char *key)
{
    key_check *k = data;
    const char *a = cr_strings_get(k->en, key), *b = cr_strings_get(k->other, key);
    char pa[512], pb[512];
    placeholders(a ? a : "", pa, sizeof pa);
    placeholders(b ? b : "", pb, sizeof pb);
    /* A translation may drop a repeated name but never add one English lacks or lose one. */
    if (b && strcmp(pa, pb) != 0) {
        print_error("%s: %s has {%s} where English has {%s}\n", k->lang, key, pb, pa);
        k->bad++;
    }
}

/* A string table with one key no other table has: comparing English against it calls back with
 * every English key. */
static cr_strings *nearly_empty(const fixture *f)
{
    static const char path[] = CR_TEST_TMP "/strings-empty.xml";
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<strings lang=\"zz\"><s "
          "key=\"zz.none\">-</s></strings>\n",
          fp);
    fclose(fp);
    cr_error err;
    cr_error_init(&err);
    cr_strings *s = cr_strings_load(path, f->schemas, &err);
    assert_no_error(&err);
    return s;
}

static void test_every_key(void **state)
{
    fixture *f = *state;
    char langs[16][8];
    size_t n = languages(langs, 16);
    assert_true(n >= 1); /* at least one translation ships */
    cr_strings *en = load(f, "en"), *empty = nearly_empty(f);
    for (size_t i = 0; i < n; i++) {
        cr_strings *s = load(f, langs[i]);
        /* Every English key is there, and nothing English lacks. */
        assert_int_equal(cr_strings_compare(en, s, on_missing, langs[i]), 0);
        assert_int_equal(cr_strings_compare(s, en, on_missing, "en"), 0);
        /* Each with the same {placeholders}. */
        key_check k = {.en = en, .other = s, .lang = langs[i]};
        assert_true(cr_strings_compare(en, empty, same_placeholders, &k) > 150);
        assert_int_equal(k.bad, 0);
        cr_strings_free(s);
    }
    cr_strings_free(empty);
    cr_strings_free(en);
}

/* Each translation of the catalog translates every text, and the fonts draw every character of
 * it and of the language's string table. */
static void test_catalog_translations(void **state)
{
    fixture *f = *state;
    char langs[16][8];
    size_t n = languages(langs, 16);
    cr_error err;
    cr_error_init(&err);
    const char *const faces[CR_FACE_COUNT] = {CR_TEST_ASSETS "/../fonts/NotoSans-Regular.ttf",
                                              CR_TEST_ASSETS "/../fonts/NotoSans-Bold.ttf",
                                              CR_TEST_ASSETS "/../fonts/NotoSans-Italic.ttf",
                                              CR_TEST_ASSETS "/../fonts/NotoSans-BoldItalic.ttf"};
    cr_fonts *fonts = cr_fonts_load(faces, &err);
    assert_no_error(&err);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        assert_true(cr_catalog_translation_path(CR_TEST_ASSETS "/catalog-2023.xml", langs[i], path,
                                                sizeof path));
        cr_catalog *cat = cr_catalog_load(CR_TEST_ASSETS "/catalog-2023.xml", f->schemas, &err);
        assert_non_null(cat);
        assert_int_equal(cr_catalog_translate(cat, path, f->schemas, &err), CR_OK);
        assert_no_error(&err);
        assert_string_equal(cat->lang, langs[i]);
        /* Translated, not copied: at least the area names differ from English. */
        size_t same = 0;
        for (size_t a = 0; a < cat->nareas; a++)
            same += strcmp(cat->areas[a].name, f->catalog->areas[a].name) == 0;
        assert_true(same < cat->nareas);
        cr_strings *s = load(f, langs[i]);
        assert_int_equal(cr_layout_check_texts(cat, s, fonts, &err), CR_OK);
        cr_strings_free(s);
        cr_catalog_free(cat);
    }
    cr_fonts_free(fonts);
}

/* Dates and numbers the way each language writes them. */
static void test_formats(void **state)
{
    fixture *f = *state;
    struct {
        const char *lang, *date14, *date1, *pop;
    } cases[] = {
        {"en", "July 14, 2023", "March 1, 2023", "1,762,949"},
        {"es", "14 de julio de 2023", "1 de marzo de 2023", "1.762.949"},
        {"pt", "14 de julho de 2023", "1\u00ba de mar\u00e7o de 2023", "1.762.949"},
        {"fr", "14 juillet 2023", "1er mars 2023", "1\u00a0762\u00a0949"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        cr_strings *s = load(f, cases[k].lang);
        cr_arena *a = cr_arena_new();
        assert_non_null(a);
        assert_string_equal(cr_fmt_date(a, s, 2023, 7, 14), cases[k].date14);
        assert_string_equal(cr_fmt_date(a, s, 2023, 3, 1), cases[k].date1);
        assert_string_equal(cr_fmt_int(a, s, 1762949), cases[k].pop);
        cr_arena_free(a);
        cr_strings_free(s);
    }
}

/* cr_fmt_long writes what "%ld" prints, and cr_tpl fills a template the way it always has:
 * every occurrence of a name, unknown names and unclosed braces as written. */
static void test_fmt_long_and_tpl(void **state)
{
    fixture *f = *state;
    const long values[] = {0, 1, 9, 10, 99, 100, 12345, -1, -10, -987654321, LONG_MAX, LONG_MIN};
    for (size_t k = 0; k < sizeof values / sizeof *values; k++) {
        char want[32], got[32];
        snprintf(want, sizeof want, "%ld", values[k]);
        assert_ptr_equal(cr_fmt_long(got, values[k]), got);
        assert_string_equal(got, want);
    }
    cr_strings *s = load(f, "en");
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    const cr_arg args[] = {{"n", "42"}, {"name", "Tempe"}, {"none", NULL}};
    const struct {
        const char *tpl, *want;
    } cases[] = {
        {"{n}", "42"},
        {"{n}{n} {name}, {n}!", "4242 Tempe, 42!"},
        {"{unknown} {n}", "{unknown} 42"},
        {"{{n}}", "{42}"},
        {"a {n", "a {n"},
        {"{none}|", "|"},
        {"no braces at all", "no braces at all"},
        {"", ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) /* a missing key is the template */
        assert_string_equal(cr_tpl(a, s, cases[k].tpl, args, 3), cases[k].want);
    cr_arena_free(a);
    cr_strings_free(s);
}

/* Each .one form of a key stands beside the other form; a language's "plural.one" lists counts. */
static void every_one_has_other(void *data, const char *key)
{
    key_check *k = data;
    size_t len = strlen(key);
    if (len > 4 && strcmp(key + len - 4, ".one") == 0 && strcmp(key, "plural.one") != 0) {
        char other[128];
        snprintf(other, sizeof other, "%.*s", (int)(len - 4), key);
        if (!cr_strings_get(k->en, other)) {
            print_error("%s has no other form %s\n", key, other);
            k->bad++;
        }
    }
}

/* Plurals: the singular form for 1 in every language (for 0 too in French and Brazilian
 * Portuguese), the other form for 2 and more; never "1 more criteria" or "1 critères". */
static void test_plurals(void **state)
{
    fixture *f = *state;
    struct {
        const char *lang;
        bool zero_one;
        const char *more1, *more2;
    } cases[] = {
        {"en", false, "any one of the 11 criteria below", "any 2 of the 11 criteria below"},
        {"es", false, "uno cualquiera de los 11 criterios de abajo",
         "2 cualesquiera de los 11 criterios de abajo"},
        {"pt", true, "qualquer um dos 11 crit\u00e9rios abaixo",
         "2 quaisquer dos 11 crit\u00e9rios abaixo"},
        {"fr", true, "au choix un des 11 crit\u00e8res ci-dessous",
         "au choix 2 des 11 crit\u00e8res ci-dessous"},
    };
    cr_strings *en = load(f, "en"), *empty = nearly_empty(f);
    key_check k = {.en = en, .other = en, .lang = "en"};
    cr_strings_compare(en, empty, every_one_has_other, &k);
    assert_int_equal(k.bad, 0);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        cr_strings *s = load(f, cases[c].lang);
        cr_arena *a = cr_arena_new();
        assert_non_null(a);
        assert_non_null(cr_strings_get(s, "plural.one"));
        assert_true(cr_plural_one(s, 1));
        assert_false(cr_plural_one(s, 2));
        assert_false(cr_plural_one(s, 11));
        assert_int_equal(cr_plural_one(s, 0), cases[c].zero_one);
        cr_arg one[] = {{"k", "1"}, {"n", "11"}};
        cr_arg two[] = {{"k", "2"}, {"n", "11"}};
        assert_string_equal(cr_tpl(a, s, cr_plural_key(a, s, "next.act.any", 1), one, 2),
                            cases[c].more1);
        assert_string_equal(cr_tpl(a, s, cr_plural_key(a, s, "next.act.any", 2), two, 2),
                            cases[c].more2);
        /* Every singular form English has, each language has; a key without one stays as it is. */
        assert_string_equal(cr_plural_key(a, s, "field.applicants", 1), "field.applicants.one");
        assert_string_equal(cr_plural_key(a, s, "field.applicants", 7), "field.applicants");
        assert_string_equal(cr_plural_key(a, s, "section.next", 1), "section.next");
        cr_arena_free(a);
        cr_strings_free(s);
    }
    cr_strings_free(empty);
    cr_strings_free(en);
}

/* French (Quebec) punctuation: a no-break space before ":" and "%" and inside « »; none before
 * ";", "!" and "?" (the Office québécois de la langue française's rule when no thin space is
 * available: the PDF fonts are single-byte), and never a breaking space that could leave the sign
 * alone at the start of a line. */
static void french_punctuation(void *data, const char *key)
{
    key_check *k = data;
    const char *v = cr_strings_get(k->other, key);
    size_t klen = strlen(key);
    if (!v || (klen > 4 && strcmp(key + klen - 4, ".url") == 0))
        return;
    static const char nbsp[] = "\u00a0";
    for (const char *p = v; *p; p++) {
        bool after_nbsp = p - v >= 2 && memcmp(p - 2, nbsp, 2) == 0;
        bool bad = false;
        if ((*p == ':' || *p == '%') && p > v)
            bad = !after_nbsp;
        else if (*p == ';' || *p == '!' || *p == '?')
            bad = p > v && (p[-1] == ' ' || after_nbsp);
        else if (strncmp(p, "\u00bb", 2) == 0)
            bad = !after_nbsp;
        else if (strncmp(p, "\u00ab", 2) == 0)
            bad = memcmp(p + 2, nbsp, 2) != 0;
        if (bad) {
            print_error("fr: %s: \"%s\" at \"%.12s\"\n", key, v, p > v + 2 ? p - 3 : v);
            k->bad++;
        }
    }
}

static void test_french_typography(void **state)
{
    fixture *f = *state;
    cr_strings *fr = load(f, "fr"), *empty = nearly_empty(f);
    key_check k = {.en = fr, .other = fr, .lang = "fr"};
    cr_strings_compare(fr, empty, french_punctuation, &k);
    assert_int_equal(k.bad, 0);
    cr_strings_free(empty);
    cr_strings_free(fr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key),         cmocka_unit_test(test_catalog_translations),
        cmocka_unit_test(test_formats),           cmocka_unit_test(test_plurals),
        cmocka_unit_test(test_french_typography), cmocka_unit_test(test_fmt_long_and_tpl),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
