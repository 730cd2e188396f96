/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the layout's cache of line breaks (cr_layout_cache, issue #18 item 3).
 *
 * A text broken through the cache gives the lines it gives broken afresh, whether it was a miss
 * or a hit; a line measured in pieces has the width of the line measured whole, to the bit; the
 * cache stays within its bound however many texts go through it; and reports laid out with one
 * cache shared by many (cities, languages, tagged and plain) are the same, byte for byte, as
 * reports laid out without it. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certreport/api.h"
#include "fonts_internal.h"
#include "layout_text.h"
#include "layouttest.h"

typedef struct state {
    layout_fixture base;
} state;

static int setup(void **st)
{
    state *s = layout_fixture_new(sizeof *s);
    *st = s;
    return s ? 0 : -1;
}

static int teardown(void **st)
{
    layout_fixture_free(*st);
    return 0;
}

static bool same_bits(float a, float b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Lines |a| of text |ta| and |b| of text |tb| (the same bytes) are the same slices. */
static void assert_same_lines(const char *ta, const cr_line *a, size_t na, const char *tb,
                              const cr_line *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        if (a[i].start - ta != b[i].start - tb || a[i].len != b[i].len ||
            !same_bits(a[i].width, b[i].width) || a[i].space != b[i].space ||
            a[i].joined != b[i].joined)
            fail_msg("line %zu of \"%s\": got [%td +%zu w %.9g %d%d], expected [%td +%zu w %.9g "
                     "%d%d]",
                     i, ta, b[i].start - tb, b[i].len, (double)b[i].width, b[i].space, b[i].joined,
                     a[i].start - ta, a[i].len, (double)a[i].width, a[i].space, a[i].joined);
    }
}

/* Texts of every shape the layout breaks: the catalog's statements, a long word cut between
 * characters, newlines, spaces at both ends, fallback fonts and combining marks, nothing. */
static size_t sample_texts(const cr_catalog *cat, const char **out, size_t max)
{
    static const char *const extra[] = {
        "",
        "   ",
        "Supercalifragilisticexpialidocious-and-then-some-more-without-any-space-at-all",
        "Line one\nline two\n\nline four after an empty one",
        "  spaces before and after  ",
        "Tempe ≥ → ✓ − ʼ g̃ ư Ω Ж ᐊ 👍 東 and some Latin words to wrap around them",
        "g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83g\xCC\x83",
        "data/open-data/portal/https://example.org/a/very/long/address/to/break",
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof extra / sizeof *extra && n < max; i++)
        out[n++] = extra[i];
    for (size_t i = 0; i < cat->ncriteria && n < max; i++) {
        out[n++] = cat->criteria[i].statement;
        if (n < max)
            out[n++] = cat->criteria[i].name;
    }
    return n;
}

/* A miss and then a hit give the lines of a fresh cr_wrap, in every face and at several widths;
 * a hit is counted as one, and the hit's lines point into the text it was given (a copy). */
static void test_hits_equal_fresh(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    const char *texts[128];
    size_t nt = sample_texts(s->base.fx->catalog, texts, 128);
    assert_true(nt > 40);
    /* Large enough that no set of the cache is ever full: every second look-up hits. */
    cr_layout_cache *c = cr_layout_cache_new(f, 64u * 1024u * 1024u, NULL);
    assert_non_null(c);
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    static const float widths[] = {30.5f, 120, 250, 480};
    size_t looks = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 0; t < nt; t++)
            for (int face = 0; face < CR_FACE_COUNT; face++)
                for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
                    cr_line *fresh, *cached;
                    size_t nf = cr_wrap(a, f, (cr_face)face, 9.5f, texts[t], widths[w], &fresh);
                    char *copy = cr_arena_strdup(a, texts[t]);
                    assert_non_null(copy);
                    size_t nc =
                        cr_wrap_cached(c, a, f, (cr_face)face, 9.5f, copy, widths[w], &cached);
                    assert_non_null(fresh);
                    assert_non_null(cached);
                    assert_same_lines(texts[t], fresh, nf, copy, cached, nc);
                    looks++;
                }
    cr_layout_cache_stats stats;
    cr_layout_cache_get_stats(c, &stats);
    assert_int_equal(stats.hits + stats.misses, looks);
    /* The second pass hits every time (the first too when a text repeats). */
    assert_true(stats.hits >= looks / 2);
    assert_true(stats.misses <= looks / 2);
    assert_int_equal(stats.flushes, 0);
    assert_int_equal(stats.evictions, 0);
    assert_true(stats.entries > 0 && stats.entries <= stats.misses);
    assert_true(stats.bytes <= stats.max_bytes);
    /* Another size, the same text: a miss, not the lines at 9.5 points. */
    cr_line *l;
    unsigned long long misses = stats.misses;
    cr_wrap_cached(c, a, f, CR_FACE_REGULAR, 9.75f, texts[10], 250, &l);
    cr_layout_cache_get_stats(c, &stats);
    assert_int_equal(stats.misses, misses + 1);
    cr_arena_free(a);
    cr_layout_cache_free(c);
}

/* Each line's width, measured in pieces while breaking, is its width measured whole. */
static void test_widths_whole(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    const char *texts[128];
    size_t nt = sample_texts(s->base.fx->catalog, texts, 128);
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    for (size_t t = 0; t < nt; t++) {
        cr_line *lines;
        size_t n = cr_wrap(a, f, CR_FACE_BOLD, 11, texts[t], 200, &lines);
        for (size_t i = 0; i < n; i++) {
            float whole = cr_fonts_width(f, CR_FACE_BOLD, 11, lines[i].start, lines[i].len);
            if (!same_bits(whole, lines[i].width) && lines[i].len > 0 &&
                memchr(lines[i].start, ' ', lines[i].len)) /* a cut word sums its characters */
                fail_msg("\"%.*s\": %.9g, whole %.9g", (int)lines[i].len, lines[i].start,
                         (double)lines[i].width, (double)whole);
        }
        /* The units of two halves add up to the whole's width. */
        size_t len = strlen(texts[t]), half = len / 2;
        while (half > 0 && (texts[t][half] & 0xC0) == 0x80)
            half--;
        cr_units u = {0};
        cr_fonts_units_add(f, CR_FACE_BOLD, texts[t], half, &u);
        cr_fonts_units_add(f, CR_FACE_BOLD, texts[t] + half, len - half, &u);
        assert_true(same_bits(cr_fonts_units_width(f, CR_FACE_BOLD, 11, &u),
                              cr_fonts_width(f, CR_FACE_BOLD, 11, texts[t], len)));
    }
    cr_arena_free(a);
}

/* A text with no hard break that fits its width is one line, found without libunibreak: the
 * same line as the full breaker gives for the text with a newline after it (which it must take
 * the long way), at the text's own width and above; a hair narrower, more lines. */
static void test_one_line_texts(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    const char *texts[128];
    size_t nt = sample_texts(s->base.fx->catalog, texts, 128), checked = 0;
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    for (size_t t = 0; t < nt; t++) {
        size_t len = strlen(texts[t]);
        if (strspn(texts[t], " ") == len) { /* nothing to draw: no line (a newline would add one) */
            cr_line *none;
            assert_int_equal(cr_wrap(a, f, CR_FACE_REGULAR, 9, texts[t], 100, &none), 0);
            continue;
        }
        if (strchr(texts[t], '\n'))
            continue;
        char *nl = cr_arena_alloc(a, len + 2);
        assert_non_null(nl);
        memcpy(nl, texts[t], len);
        nl[len] = '\n';
        for (int face = 0; face < CR_FACE_COUNT; face++) {
            cr_line *whole;
            float w = 0;
            if (cr_wrap(a, f, (cr_face)face, 9, texts[t], 1e9f, &whole) == 1)
                w = whole[0].width;
            static const float scale[] = {1, 1.5f};
            for (int k = 0; k < 2; k++) {
                cr_line *fast, *full;
                size_t nf = cr_wrap(a, f, (cr_face)face, 9, texts[t], w * scale[k], &fast);
                size_t nl_n = cr_wrap(a, f, (cr_face)face, 9, nl, w * scale[k], &full);
                assert_same_lines(nl, full, nl_n, texts[t], fast, nf);
                assert_true(nf <= 1);
                checked++;
            }
            cr_line *narrow;
            if (w > 0 && strchr(texts[t] + strspn(texts[t], " "), ' ')) /* two words at least */
                assert_true(cr_wrap(a, f, (cr_face)face, 9, texts[t], nextafterf(w, 0), &narrow) >
                            1);
        }
    }
    assert_true(checked > 100);
    cr_arena_free(a);
}

/* A small cache fed thousands of distinct texts, short ones (entries dropped from their slots)
 * and long ones (the cache emptied when full): never over its bound, and still right. */
static void test_bound_holds(void **st)
{
    state *s = *st;
    const cr_fonts *f = s->base.env.fonts;
    cr_layout_cache *c = cr_layout_cache_new(f, 1000, NULL); /* taken as the least, 64 KiB */
    assert_non_null(c);
    cr_layout_cache_stats stats;
    cr_layout_cache_get_stats(c, &stats);
    assert_int_equal(stats.max_bytes, 64 * 1024);
    assert_true(stats.bytes <= stats.max_bytes);
    cr_arena *a = cr_arena_new();
    assert_non_null(a);
    const char *stmt = s->base.fx->catalog->criteria[0].statement;
    size_t most = 0;
    for (unsigned i = 0; i < 4000; i++) {
        char text[4096];
        int w = snprintf(text, sizeof text, "%u %s", i, stmt);
        while (i >= 2000 && w > 0 && (size_t)w < 2000) /* ~2 KB each */
            w += snprintf(text + w, sizeof text - (size_t)w, " %s", stmt);
        cr_line *fresh, *cached;
        size_t nf = cr_wrap(a, f, CR_FACE_REGULAR, 10, text, 150, &fresh);
        size_t nc = cr_wrap_cached(c, a, f, CR_FACE_REGULAR, 10, text, 150, &cached);
        assert_same_lines(text, fresh, nf, text, cached, nc);
        cr_layout_cache_get_stats(c, &stats);
        if (stats.bytes > stats.max_bytes)
            fail_msg("text %u: %zu bytes, over the bound of %zu", i, stats.bytes, stats.max_bytes);
        if (stats.entries > most)
            most = stats.entries;
        if (i % 500 == 499) { /* keep the scratch arena small */
            cr_arena_free(a);
            a = cr_arena_new();
            assert_non_null(a);
        }
    }
    assert_int_equal(stats.misses, 4000);
    assert_true(stats.evictions > 0);
    assert_true(stats.flushes > 0);
    assert_true(most > 20); /* it did hold texts between flushes */
    /* A text longer than a sixteenth of the bound is broken but not kept. */
    size_t big = 8 * 1024;
    char *huge = malloc(big + 1);
    assert_non_null(huge);
    for (size_t i = 0; i < big; i++)
        huge[i] = i % 7 == 6 ? ' ' : 'x';
    huge[big] = '\0';
    cr_line *lines;
    size_t before = stats.entries;
    assert_true(cr_wrap_cached(c, a, f, CR_FACE_REGULAR, 10, huge, 150, &lines) > 10);
    cr_layout_cache_get_stats(c, &stats);
    assert_true(stats.entries <= before);
    free(huge);
    cr_arena_free(a);
    cr_layout_cache_free(c);
}

static char *dump_report(const lang_cohort *lc, const cr_schemas *schemas, const layout_env *env,
                         size_t city, bool untagged, cr_layout_cache *cache)
{
    cr_error err;
    cr_error_init(&err);
    cr_assessment a;
    memset(&a, 0, sizeof a);
    const cr_cohort_entry *e = &lc->cohort->entries[city];
    if (cr_cohort_load(e, &a, lc->catalog, schemas, &err) != CR_OK)
        fail_msg("%s: %s", e->id, err.message);
    cr_report_request req = {.catalog = lc->catalog,
                             .assessment = &a,
                             .peers = lc->peers,
                             .spec = env->spec,
                             .strings = lc->strings,
                             .fonts = env->fonts,
                             .created = 1690000000,
                             .untagged = untagged,
                             .cache = cache};
    cr_display *d = cr_layout_report(&req, &err);
    if (!d)
        fail_msg("%s: %s", e->id, err.message);
    char *dump = cr_display_dump(d, &err);
    assert_non_null(dump);
    cr_display_free(d);
    cr_assessment_free(&a);
    return dump;
}

/* Every sample city in two languages, tagged and plain, through one shared cache (twice: the
 * second round all hits) and through a small one that fills up: the dumps of the reports laid
 * out without a cache. */
static void test_reports_unchanged(void **st)
{
    state *s = *st;
    const layout_env *env = &s->base.env;
    cr_layout_cache *shared = cr_layout_cache_new(env->fonts, 0, NULL);
    cr_layout_cache *small = cr_layout_cache_new(env->fonts, 64 * 1024, NULL);
    assert_non_null(shared);
    assert_non_null(small);
    static const char *const langs[] = {"en", "fr"};
    for (size_t l = 0; l < 2; l++) {
        lang_cohort lc;
        lang_cohort_load(&lc, s->base.fx->schemas, langs[l]);
        assert_true(lc.cohort->n > 3);
        for (size_t city = 0; city < lc.cohort->n; city++) {
            bool untagged = city % 2 == 1;
            char *want = dump_report(&lc, s->base.fx->schemas, env, city, untagged, NULL);
            cr_layout_cache_stats before, after;
            for (int round = 0; round < 2; round++) {
                cr_layout_cache_get_stats(shared, &before);
                char *got = dump_report(&lc, s->base.fx->schemas, env, city, untagged, shared);
                cr_layout_cache_get_stats(shared, &after);
                if (strcmp(got, want) != 0)
                    fail_msg("%s (%s, round %d): the dump differs with the cache", langs[l],
                             lc.cohort->entries[city].id, round);
                assert_true(after.hits > before.hits);
                if (round == 1) /* the same report again: every text is in the cache */
                    assert_int_equal(after.misses, before.misses);
                free(got);
            }
            char *got = dump_report(&lc, s->base.fx->schemas, env, city, untagged, small);
            if (strcmp(got, want) != 0)
                fail_msg("%s (%s): the dump differs with a small cache", langs[l],
                         lc.cohort->entries[city].id);
            free(got);
            free(want);
        }
        lang_cohort_free(&lc);
    }
    cr_layout_cache_stats stats;
    cr_layout_cache_get_stats(small, &stats);
    assert_true(stats.flushes + stats.evictions > 0);
    assert_true(stats.bytes <= stats.max_bytes);
    cr_layout_cache_get_stats(shared, &stats);
    assert_true(stats.bytes <= stats.max_bytes);
    cr_layout_cache_free(small);
    cr_layout_cache_free(shared);
}

/* A cr_install shares one cache between the reports it renders with its default layout (the
 * service's workers make report after report through it): each report is the same, byte for
 * byte, as one rendered by an installation that made no report before. */
static void test_install_shares_cache(void **st)
{
    state *s = *st;
    char peers[] = "/tmp/certreport-cache-peers-XXXXXX";
    int fd = mkstemp(peers);
    assert_true(fd >= 0);
    close(fd);
    cr_cohort *c = cr_cohort_scan(CR_TEST_SAMPLES, NULL);
    assert_non_null(c);
    cr_peers *p = cr_cohort_stats(c, s->base.fx->catalog, s->base.fx->schemas, NULL, NULL);
    assert_non_null(p);
    assert_int_equal(cr_peers_save(p, peers, NULL), CR_OK);
    cr_peers_free(p);
    cr_install *shared = cr_install_open(CR_TEST_ASSETS, NULL);
    assert_non_null(shared);
    static const char *const cities[] = {"gold-city", "montreal", "gold-city", "bogota"};
    for (size_t i = 0; i < 4; i++) {
        char sub[512], aud[512];
        snprintf(sub, sizeof sub, "%s/%s.submission.xml", CR_TEST_SAMPLES, cities[i]);
        snprintf(aud, sizeof aud, "%s/%s.audit.xml", CR_TEST_SAMPLES, cities[i]);
        cr_render_options opt = CR_RENDER_OPTIONS_INIT;
        opt.created = 1700000000;
        opt.untagged = i == 3;
        cr_buffer got = {0}, want = {0};
        assert_int_equal(cr_render_city(shared, sub, aud, peers, &opt, &got, NULL), CR_OK);
        cr_install *fresh = cr_install_open(CR_TEST_ASSETS, NULL);
        assert_non_null(fresh);
        assert_int_equal(cr_render_city(fresh, sub, aud, peers, &opt, &want, NULL), CR_OK);
        cr_install_close(fresh);
        assert_true(got.len > 1000);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
            fail_msg("%s (report %zu): not the report a fresh installation makes", cities[i], i);
        cr_buffer_free(&got);
        cr_buffer_free(&want);
    }
    cr_install_close(shared);
    cr_cohort_free(c);
    unlink(peers);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hits_equal_fresh),  cmocka_unit_test(test_widths_whole),
        cmocka_unit_test(test_one_line_texts),    cmocka_unit_test(test_bound_holds),
        cmocka_unit_test(test_reports_unchanged), cmocka_unit_test(test_install_shares_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
