/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the PDF backend (render_pdf.c).
 *
 * A hand-made display list of two pages is rendered and the file checked with external tools:
 * qpdf (Debian package qpdf) and pdffonts, pdftotext, pdfinfo (Debian package poppler-utils). */
#define _GNU_SOURCE /* memmem */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "certreport/render.h"
#include "pdf_pack.h"
#include "dlist.h"
#include "fonts_internal.h"

static const char *const FACE_FILES[CR_FACE_COUNT] = {
    "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-BoldItalic.ttf"};
static const char *const FACE_NAMES[CR_FACE_COUNT] = {"NotoSans-Regular", "NotoSans-Bold",
                                                      "NotoSans-Italic", "NotoSans-BoldItalic"};

/* The project's subset fonts, else the system's Noto Sans (Debian fonts-noto-core). */
static const char *const FONT_DIRS[] = {CR_TEST_ASSETS "/../fonts",
                                        "/usr/share/fonts/truetype/noto"};

#define SAMPLE "Bogotá São Paulo Montréal – “quotes” €"
#define TITLE "Status report — Bogotá"
#define URI "https://example.org/certification?city=bogot%C3%A1"
#define CREATED 1677672000LL /* 2023-03-01T12:00:00Z */

typedef struct state {
    char paths[CR_FACE_COUNT][600];
    cr_fonts *fonts;
} state;

static int setup(void **st)
{
    state *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    for (size_t d = 0; d < sizeof FONT_DIRS / sizeof FONT_DIRS[0]; d++) {
        bool all = true;
        for (int f = 0; f < CR_FACE_COUNT; f++) {
            snprintf(s->paths[f], sizeof s->paths[f], "%s/%s", FONT_DIRS[d], FACE_FILES[f]);
            all = all && access(s->paths[f], R_OK) == 0;
        }
        if (all)
            break;
    }
    const char *paths[CR_FACE_COUNT];
    for (int f = 0; f < CR_FACE_COUNT; f++)
        paths[f] = s->paths[f];
    cr_error err;
    cr_error_init(&err);
    s->fonts = cr_fonts_load(paths, &err);
    if (!s->fonts) {
        fprintf(stderr, "test_render_pdf: no Noto Sans fonts (%s)\n", err.message);
        free(s);
        return -1;
    }
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    state *s = *st;
    cr_fonts_free(s->fonts);
    free(s);
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Helpers */

/* Runs |cmd| through the shell; returns its stdout (malloc'd) and exit status. */
static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void write_file(const char *path, const cr_buffer *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

static void require_tool(const char *tool, const char *package)
{
    char cmd[256];
    int st;
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    free(run(cmd, &st));
    if (st != 0)
        fail_msg("%s not found: install the Debian package %s", tool, package);
}

static void assert_contains(const char *haystack, const char *needle, const char *what)
{
    if (!strstr(haystack, needle))
        fail_msg("%s: expected \"%s\" in:\n%s", what, needle, haystack);
}

static void assert_lacks(const char *haystack, const char *needle, const char *what)
{
    if (strstr(haystack, needle))
        fail_msg("%s: unexpected \"%s\" in:\n%s", what, needle, haystack);
}

/* qpdf finds nothing wrong with the file at |path|. */
static void qpdf_check(const char *path)
{
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", path);
    char *o = run(cmd, &status);
    if (status != 0)
        fail_msg("qpdf --check exited %d:\n%s", status, o);
    assert_lacks(o, "WARNING", "qpdf --check");
    free(o);
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Writes |b| to |path| and returns what `TOOL 'path'` prints (stdout and stderr; caller frees),
 * which must exit 0. */
static char *tool_output(const cr_buffer *b, const char *path, const char *tool)
{
    write_file(path, b);
    char cmd[1000];
    int status;
    snprintf(cmd, sizeof cmd, "%s '%s' 2>&1", tool, path);
    char *o = run(cmd, &status);
    if (status != 0)
        fail_msg("%s exited %d: %s", tool, status, o);
    return o;
}

static void add(cr_dlist *l, cr_op op)
{
    assert_non_null(cr_dlist_add(l, &op));
}

static void text(cr_dlist *l, cr_face face, float x, float y, float size, const char *s)
{
    add(l, (cr_op){.kind = CR_OP_TEXT,
                   .x = x,
                   .y = y,
                   .face = face,
                   .size = size,
                   .color = {0x20, 0x30, 0x40},
                   .text = s});
}

static void append_cp(char *buf, size_t size, const cr_fonts *fonts, uint32_t cp, const char *utf8)
{
    if (cr_fonts_has(fonts, CR_FACE_REGULAR, cp))
        snprintf(buf + strlen(buf), size - strlen(buf), " %s", utf8);
}

/* A run outside CP1252, with "→" and "✓" only when the font has them (Noto Sans has not). */
static void non_cp1252_run(const cr_fonts *fonts, char *buf, size_t size)
{
    snprintf(buf, size, "Łódź");
    append_cp(buf, size, fonts, 0x0151, "ő");
    append_cp(buf, size, fonts, 0x2192, "→");
    append_cp(buf, size, fonts, 0x2713, "✓");
}

/* Two A4 pages: text in every face (CP1252 and not), shapes, a URI link, a link forward to
 * anchors on page 2, bookmarks at two levels. */
static cr_display *make_display(const cr_fonts *fonts, char *run_buf, size_t run_size)
{
    non_cp1252_run(fonts, run_buf, run_size);
    cr_dlist l;
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    static const cr_point triangle[] = {{400, 300}, {480, 300}, {440, 360}};

    add(&l, (cr_op){.kind = CR_OP_PAGE});
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 0, .y = 0, .target = 0});
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "Estado — Bogotá", .level = 0, .target = 0});
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "Área 1: Governança", .level = 1, .target = 1});
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "Łódź ő", .level = 1, .target = 2});
    text(&l, CR_FACE_BOLD, 56, 60, 18, TITLE);
    text(&l, CR_FACE_REGULAR, 56, 100, 11, "Regular " SAMPLE);
    text(&l, CR_FACE_BOLD, 56, 120, 11, "Bold " SAMPLE);
    text(&l, CR_FACE_ITALIC, 56, 140, 11, "Italic " SAMPLE);
    text(&l, CR_FACE_BOLD_ITALIC, 56, 160, 11, "BoldItalic " SAMPLE);
    text(&l, CR_FACE_REGULAR, 56, 190, 11, run_buf);
    text(&l, CR_FACE_BOLD, 56, 210, 11, "Győr");
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 56,
                    .y = 240,
                    .w = 120,
                    .h = 40,
                    .fill = true,
                    .color = {0xE0, 0xF0, 0xE0}});
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 196,
                    .y = 240,
                    .w = 120,
                    .h = 40,
                    .stroke = true,
                    .stroke_color = {0x80, 0, 0},
                    .line_width = 1.5f});
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 336,
                    .y = 240,
                    .w = 40,
                    .h = 40,
                    .fill = true,
                    .stroke = true,
                    .color = {0xFF, 0xCC, 0},
                    .stroke_color = {0, 0, 0},
                    .line_width = 0.5f});
    add(&l, (cr_op){.kind = CR_OP_LINE,
                    .x = 56,
                    .y = 300,
                    .w = 300,
                    .h = 0,
                    .stroke_color = {0x55, 0x55, 0x55},
                    .line_width = 0.75f});
    add(&l, (cr_op){.kind = CR_OP_POLY, .pts = triangle, .npoints = 3, .color = {0, 0x66, 0xCC}});
    text(&l, CR_FACE_REGULAR, 56, 340, 11, "Visit example.org");
    add(&l, (cr_op){.kind = CR_OP_LINK, .x = 56, .y = 328, .w = 100, .h = 15, .uri = URI});
    text(&l, CR_FACE_REGULAR, 56, 370, 11, "Go to section two");
    add(&l, (cr_op){.kind = CR_OP_GOTO, .x = 56, .y = 358, .w = 100, .h = 15, .target = 1});

    add(&l, (cr_op){.kind = CR_OP_PAGE});
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 56, .y = 80, .target = 1});
    text(&l, CR_FACE_BOLD, 56, 100, 14, "Section two");
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 56, .y = 380, .target = 2});
    text(&l, CR_FACE_BOLD, 56, 400, 14, "Section three");
    add(&l, (cr_op){.kind = CR_OP_GOTO, .x = 56, .y = 388, .w = 100, .h = 15, .target = 0});

    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    d->nanchors = 3;
    d->info = (cr_doc_info){.title = TITLE,
                            .author = "Prefeitura de São Paulo",
                            .subject = "Certificação",
                            .creator = "certreport tests",
                            .keywords = "certification, status",
                            .lang = "es",
                            .created = CREATED};
    return d;
}

static void render_ok(const cr_display *d, const cr_fonts *fonts, cr_buffer *out)
{
    cr_error err;
    cr_error_init(&err);
    cr_status st = cr_render_pdf(d, fonts, out, &err);
    assert_no_error(&err);
    assert_int_equal(st, CR_OK);
    assert_non_null(out->data);
    assert_true(out->len > 1000);
    assert_memory_equal(out->data, "%PDF-1.", 7);
}

/* Renders |d| into |out|, writes it to |path| and has qpdf check it. */
static void render_checked(const cr_display *d, const cr_fonts *fonts, cr_buffer *out,
                           const char *path)
{
    render_ok(d, fonts, out);
    write_file(path, out);
    qpdf_check(path);
}

/* ---------------------------------------------------------------------------------------------
 * Tests */

static void test_full_document(void **st)
{
    state *s = *st;
    require_tool("qpdf", "qpdf");
    require_tool("pdftotext", "poppler-utils");
    char run_text[64];
    cr_display *d = make_display(s->fonts, run_text, sizeof run_text);
    cr_buffer out = {0};
    const char *path = CR_TEST_TMP "/test_render_pdf_full.pdf";
    render_checked(d, s->fonts, &out, path); /* qpdf finds nothing wrong */
    char cmd[1024];
    int status;
    char *o;

    /* Every font embedded: four CP1252 faces (their text maps to Unicode through the standard
     * WinAnsi encoding) and the regular and bold CID versions for the runs outside CP1252, which
     * carry a ToUnicode map. */
    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    char *line = strstr(o, "\n---");
    assert_non_null(line);
    line = strchr(line + 1, '\n');
    size_t nfonts = 0, ncid = 0;
    bool seen[CR_FACE_COUNT] = {false};
    for (char *save = NULL, *ln = strtok_r(line, "\n", &save); ln;
         ln = strtok_r(NULL, "\n", &save)) {
        char *tok[16];
        size_t n = 0;
        for (char *s2 = NULL, *t = strtok_r(ln, " ", &s2); t && n < 16;
             t = strtok_r(NULL, " ", &s2))
            tok[n++] = t;
        assert_true(n >= 7);
        if (strcmp(tok[n - 5], "yes") != 0)
            fail_msg("font %s is not embedded", tok[0]);
        bool cid = strcmp(tok[1], "CID") == 0;
        if (cid && strcmp(tok[n - 3], "yes") != 0)
            fail_msg("font %s has no ToUnicode map", tok[0]);
        /* "HPDFAA+NotoSans-Bold,Bold": subset tag, name, libharu's style suffix */
        char *name = strchr(tok[0], '+');
        name = name ? name + 1 : tok[0];
        if (strchr(name, ','))
            *strchr(name, ',') = '\0';
        for (int f = 0; f < CR_FACE_COUNT; f++)
            if (strcmp(name, FACE_NAMES[f]) == 0)
                seen[f] = true;
        ncid += cid;
        nfonts++;
    }
    free(o);
    for (int f = 0; f < CR_FACE_COUNT; f++)
        if (!seen[f])
            fail_msg("pdffonts does not list %s", FACE_NAMES[f]);
    assert_int_equal(ncid, 2);
    assert_int_equal(nfonts, 6);

    /* The text extracts exactly, and poppler has nothing to say about the file. */
    const char *errpath = CR_TEST_TMP "/test_render_pdf_full.err";
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - 2>'%s'", path, errpath);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    size_t errlen;
    char *errs = read_file(errpath, &errlen);
    if (errlen)
        fail_msg("pdftotext printed: %s", errs);
    free(errs);
    const char *expect[] = {TITLE,
                            "Regular " SAMPLE,
                            "Bold " SAMPLE,
                            "Italic " SAMPLE,
                            "BoldItalic " SAMPLE,
                            run_text,
                            "Győr",
                            "Visit example.org",
                            "Go to section two",
                            "Section two",
                            "Section three"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        assert_contains(o, expect[i], "pdftotext");
    assert_int_equal(count(o, "\f"), 2);
    free(o);

    /* Document info. */
    snprintf(cmd, sizeof cmd, "pdfinfo -isodates '%s' 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, "Title:           " TITLE "\n", "pdfinfo");
    assert_contains(o, "Author:          Prefeitura de São Paulo\n", "pdfinfo");
    assert_contains(o, "Subject:         Certificação\n", "pdfinfo");
    assert_contains(o, "Keywords:        certification, status\n", "pdfinfo");
    assert_contains(o, "Creator:         certreport tests\n", "pdfinfo");
    assert_contains(o, "CreationDate:    2023-03-01T12:00:00Z\n", "pdfinfo");
    assert_contains(o, "ModDate:         2023-03-01T12:00:00Z\n", "pdfinfo");
    assert_contains(o, "Pages:           2\n", "pdfinfo");
    assert_contains(o, "Page size:       595.28 x 841.89 pts (A4)", "pdfinfo");
    free(o);

    /* The outline, as qpdf reads it. */
    snprintf(cmd, sizeof cmd, "qpdf --json --json-key=outlines '%s' 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, "\"title\": \"Estado — Bogotá\"", "qpdf --json outlines");
    assert_contains(o, "\"title\": \"Área 1: Governança\"", "qpdf --json outlines");
    assert_contains(o, "\"title\": \"Łódź ő\"", "qpdf --json outlines");
    assert_int_equal(count(o, "\"title\""), 3);
    assert_int_equal(count(o, "\"kids\": []"), 2); /* the two level-1 entries */
    free(o);

    /* The objects themselves, uncompressed by qpdf. */
    const char *plain = CR_TEST_TMP "/test_render_pdf_full.plain.pdf";
    snprintf(cmd, sizeof cmd,
             "qpdf --stream-data=uncompress --object-streams=disable --normalize-content=n '%s' "
             "'%s' 2>&1",
             path, plain);
    o = run(cmd, &status);
    if (status != 0)
        fail_msg("qpdf exited %d: %s", status, o);
    free(o);
    size_t plain_len;
    o = read_file(plain, &plain_len);
    for (size_t i = 0; i < plain_len; i++) /* binary streams (font files): search past them */
        if (o[i] == '\0')
            o[i] = ' ';
    assert_int_equal(count(o, "/Subtype /Link"), 3);
    assert_int_equal(count(o, "/Border [ 0 0 0 ]"), 3);
    assert_contains(o, "/URI (" URI ")", "links");
    assert_int_equal(count(o, "/Dest "), 2 + 3); /* two goto links, three bookmarks */
    assert_contains(o, "/Lang (es)", "catalog");
    assert_contains(o, "/DisplayDocTitle true", "catalog");
    assert_contains(o, "/PageMode /UseOutlines", "catalog");
    /* The CID fonts' ToUnicode maps are bfchar maps and their ordering is Identity. */
    assert_int_equal(count(o, "beginbfchar"), 2);
    assert_lacks(o, "begincidrange", "ToUnicode");
    assert_lacks(o, "Identity-H)", "CIDSystemInfo");
    assert_int_equal(count(o, "/Ordering (Identity)"), 2);
    assert_contains(o, "<0141> <0141>", "ToUnicode"); /* Ł */
    assert_contains(o, "<0151> <0151>", "ToUnicode"); /* ő */
    /* Text strings in PDFDocEncoding where every character has a byte there (ç 0xE7, ã 0xE3,
     * Á 0xC1, á 0xE1, — 0x84, which qpdf writes escaped), UTF-16 otherwise (ő has none). */
    assert_contains(o, "/Subject (Certifica\xe7\xe3o)", "info");
    assert_contains(o, "/Title (Estado \\204 Bogot\xe1)", "outline");
    assert_contains(o,
                    "/Title (\xc1rea 1: Governan\xe7"
                    "a)",
                    "outline");
    assert_contains(o, "/Title <feff014100f30064017a00200151>", "outline");
    assert_contains(o, "<dc:title>", "XMP");
    /* A TrueType font program's stream has /Length1 only (/Length2, /Length3: Type 1's). */
    assert_contains(o, "/Length1 ", "FontFile2");
    assert_lacks(o, "/Length2", "FontFile2");
    assert_lacks(o, "/Length3", "FontFile2");
    assert_lacks(o, "/ProcSet [", "page resources"); /* obsolete since PDF 1.4 */
    free(o);

    /* The XMP metadata is compressed with the other streams. */
    snprintf(cmd, sizeof cmd, "qpdf --json --json-key=qpdf '%s' 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    const char *meta = strstr(o, "\"/Type\": \"/Metadata\"");
    assert_non_null(meta);
    const char *dict = meta;
    while (dict > o && *dict != '{') /* the start of the metadata stream's dictionary */
        dict--;
    static const char flate[] = "\"/Filter\": \"/FlateDecode\"";
    assert_non_null(memmem(dict, (size_t)(meta - dict), flate, strlen(flate)));
    free(o);

    cr_buffer_free(&out);
    cr_display_free(d);
}

static void test_reproducible(void **st)
{
    state *s = *st;
    char run_text[64];
    cr_display *d = make_display(s->fonts, run_text, sizeof run_text);
    cr_buffer a = {0}, b = {0};
    render_ok(d, s->fonts, &a);
    render_ok(d, s->fonts, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    cr_buffer_free(&a);
    cr_buffer_free(&b);
    cr_display_free(d);
}

/* One page of |s| in the regular face. */
static cr_display *one_text(const char *s)
{
    cr_dlist l;
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    text(&l, CR_FACE_REGULAR, 56, 100, 11, s);
    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    return d;
}

/* The font programs cr_fonts keeps (fonts_internal.h): a hit gives the file a miss gave, byte
 * for byte; another glyph set is another entry; the bound holds (emptied, never passed). */
static void test_font_cache(void **st)
{
    state *s = *st;
    cr_fonts_embed_set_bound(s->fonts, CR_FONTS_EMBED_BOUND); /* empty */
    cr_fonts_embed_stats s0 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s0.entries, 0);
    cr_display *d = one_text(SAMPLE), *d2 = one_text("Quebec, Zurich: 0123456789");
    cr_buffer a = {0}, b = {0}, c = {0};
    render_checked(d, s->fonts, &a, CR_TEST_TMP "/test_render_pdf_cache_miss.pdf");
    cr_fonts_embed_stats s1 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s1.misses, s0.misses + 1);
    assert_int_equal(s1.hits, s0.hits);
    assert_int_equal(s1.entries, 1);
    assert_true(s1.bytes > 0 && s1.bytes <= s1.bound);
    render_checked(d, s->fonts, &b, CR_TEST_TMP "/test_render_pdf_cache_hit.pdf");
    cr_fonts_embed_stats s2 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s2.hits, s1.hits + 1);
    assert_int_equal(s2.entries, 1);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);

    /* Other glyphs: a miss, a second entry. */
    render_ok(d2, s->fonts, &c);
    cr_fonts_embed_stats s3 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s3.misses, s2.misses + 1);
    assert_int_equal(s3.entries, 2);
    cr_buffer_free(&c);

    /* A bound of one entry: the second one empties the cache first. */
    cr_fonts_embed_set_bound(s->fonts, s1.bytes);
    render_ok(d, s->fonts, &c);
    cr_buffer_free(&c);
    render_ok(d2, s->fonts, &c);
    cr_fonts_embed_stats s4 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s4.entries, 1);
    assert_true(s4.bytes <= s4.bound);
    cr_buffer_free(&c);

    /* Nothing kept (bound 0): every render a miss, the same file. */
    cr_fonts_embed_set_bound(s->fonts, 0);
    render_ok(d, s->fonts, &c);
    cr_fonts_embed_stats s5 = cr_fonts_embed_stats_get(s->fonts);
    assert_int_equal(s5.entries, 0);
    assert_int_equal(s5.bytes, 0);
    assert_int_equal(c.len, a.len);
    assert_memory_equal(c.data, a.data, a.len);
    cr_fonts_embed_set_bound(s->fonts, CR_FONTS_EMBED_BOUND);

    cr_buffer_free(&a);
    cr_buffer_free(&b);
    cr_buffer_free(&c);
    cr_display_free(d);
    cr_display_free(d2);
}

/* The document a render leaves for the next (render_pdf.c, pdf_spare: its fonts parsed once):
 * each file is the one a render with fonts loaded afresh makes, whatever was rendered before it,
 * with libharu making the subsets (bound 0: no font program kept) and without. */
static void test_spare_document(void **st)
{
    state *s = *st;
    const char *paths[CR_FACE_COUNT];
    for (int f = 0; f < CR_FACE_COUNT; f++)
        paths[f] = s->paths[f];
    char run_text[64];
    cr_display *d = make_display(s->fonts, run_text, sizeof run_text);
    cr_display *d2 = one_text("Quebec, Zurich: 0123456789");
    cr_display *docs[] = {d, d2, d, d2, d2, d};
    for (int bound = 0; bound < 2; bound++) {
        cr_fonts_embed_set_bound(s->fonts, bound ? CR_FONTS_EMBED_BOUND : 0);
        for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
            cr_error err;
            cr_error_init(&err);
            cr_fonts *fresh = cr_fonts_load(paths, &err);
            assert_non_null(fresh);
            cr_buffer want = {0}, got = {0};
            render_ok(docs[i], fresh, &want);
            render_ok(docs[i], s->fonts, &got);
            assert_int_equal(got.len, want.len);
            assert_memory_equal(got.data, want.data, want.len);
            cr_buffer_free(&want);
            cr_buffer_free(&got);
            cr_fonts_free(fresh);
        }
    }
    cr_display_free(d);
    cr_display_free(d2);
}

/* A document in CP1252 and one face embeds that face only, as a simple font (no CID font, no
 * UTF-8 encoder). */
static void test_only_what_is_used(void **st)
{
    state *s = *st;
    require_tool("pdffonts", "poppler-utils");
    cr_display *d = one_text(SAMPLE);
    cr_buffer out = {0};
    render_ok(d, s->fonts, &out);
    const char *path = CR_TEST_TMP "/test_render_pdf_simple.pdf";
    write_file(path, &out);
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    char *o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, "+NotoSans-Regular ", "pdffonts"); /* regular: no style suffix */
    assert_contains(o, " TrueType ", "pdffonts");
    assert_lacks(o, "CID", "pdffonts");
    assert_int_equal(count(o, "\n"), 3); /* header, rule, one font */
    free(o);
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, SAMPLE "\n", "pdftotext");
    free(o);
    cr_buffer_free(&out);
    cr_display_free(d);
}

/* One file for every face (a deployment with a single font): libharu refuses to load the same
 * font twice, so the file is loaded once and shared, also by its CID version. */
static void test_one_file_for_all_faces(void **st)
{
    state *s = *st;
    require_tool("pdffonts", "poppler-utils");
    const char *paths[CR_FACE_COUNT] = {s->paths[0], s->paths[0], s->paths[0], s->paths[0]};
    cr_error err;
    cr_error_init(&err);
    cr_fonts *fonts = cr_fonts_load(paths, &err);
    assert_non_null(fonts);
    char run_text[64];
    cr_display *d = make_display(fonts, run_text, sizeof run_text);
    cr_buffer out = {0};
    render_ok(d, fonts, &out);
    const char *path = CR_TEST_TMP "/test_render_pdf_onefile.pdf";
    write_file(path, &out);
    char cmd[1024];
    int status;
    snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>&1", path);
    char *o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_int_equal(count(o, "+NotoSans-Regular "), 2); /* simple and CID */
    assert_int_equal(count(o, "\n"), 4);
    free(o);
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, "Bold " SAMPLE, "pdftotext");
    assert_contains(o, run_text, "pdftotext");
    assert_contains(o, "Győr", "pdftotext");
    free(o);
    cr_buffer_free(&out);
    cr_display_free(d);
    cr_fonts_free(fonts);
}

/* The font files are read once, by cr_fonts_load: the PDF embeds the bytes loaded then, so a file
 * gone since is not read again (a batch worker or service renders from the fonts it holds). */
static void test_font_file_not_reread(void **st)
{
    state *s = *st;
    char copy[700];
    snprintf(copy, sizeof copy, "%s/test_render_pdf_gone.ttf", CR_TEST_TMP);
    size_t len;
    char *bytes = read_file(s->paths[CR_FACE_REGULAR], &len);
    cr_buffer b = {(unsigned char *)bytes, len};
    write_file(copy, &b);
    free(bytes);
    const char *paths[CR_FACE_COUNT] = {copy, s->paths[1], s->paths[2], s->paths[3]};
    cr_error err;
    cr_error_init(&err);
    cr_fonts *fonts = cr_fonts_load(paths, &err);
    assert_non_null(fonts);
    assert_int_equal(unlink(copy), 0);

    char run_text[64];
    cr_display *d = make_display(fonts, run_text, sizeof run_text);
    cr_buffer out = {0};
    cr_status status = cr_render_pdf(d, fonts, &out, &err);
    if (status != CR_OK)
        fail_msg("render: %s", err.message);
    char *o = tool_output(&out, CR_TEST_TMP "/test_render_pdf_gone.pdf", "pdffonts");
    /* The regular face, from the file that is gone, embedded (emb yes) as a subset. */
    assert_contains(o, "+NotoSans-Regular ", "pdffonts");
    assert_null(strstr(o, "WinAnsi          no")); /* the emb column */
    assert_null(strstr(o, "Identity-H       no"));
    free(o);
    cr_buffer_free(&out);
    cr_display_free(d);
    cr_fonts_free(fonts);
}

/* A malformed display list is a usage error, not a writer error. */
static void test_bad_display(void **st)
{
    state *s = *st;
    cr_dlist l;
    cr_error err;
    cr_buffer out = {0};

    /* A link to an anchor that is never placed. */
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    add(&l, (cr_op){.kind = CR_OP_GOTO, .x = 10, .y = 10, .w = 10, .h = 10, .target = 1});
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 10, .y = 10, .target = 0});
    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    d->nanchors = 2;
    cr_error_init(&err);
    assert_int_equal(cr_render_pdf(d, s->fonts, &out, &err), CR_EUSAGE);
    assert_null(out.data);
    assert_non_null(strstr(err.message, "anchor 1"));
    d->nanchors = 1; /* now out of range */
    cr_error_init(&err);
    assert_int_equal(cr_render_pdf(d, s->fonts, &out, &err), CR_EUSAGE);
    assert_null(out.data);
    cr_display_free(d);

    /* No pages (a bookmark only: cr_dlist_finish of an empty list passes NULL to memcpy). */
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "x", .target = 0});
    d = cr_dlist_finish(&l);
    assert_non_null(d);
    d->nanchors = 1;
    cr_error_init(&err);
    assert_int_equal(cr_render_pdf(d, s->fonts, &out, &err), CR_EUSAGE);
    assert_null(out.data);
    assert_string_equal(err.message, "display list: no pages");
    cr_display_free(d);
}

/* One check for every backend (cr_display_check): the same fault gets the same code and message
 * from libharu and from cairo, whatever cairo's format. */
static void test_one_check_for_both_backends(void **st)
{
    state *s = *st;
    static const struct {
        cr_op op;
        const char *message;
    } faults[] = {
        {{.kind = CR_OP_TEXT, .x = 56, .y = 80, .size = 0, .text = "x"}, "bad font size"},
        {{.kind = CR_OP_TEXT, .x = 56, .y = 80, .size = 10, .text = "caf\xc3"}, "invalid UTF-8"},
        {{.kind = CR_OP_GOTO, .x = 1, .y = 1, .w = 10, .h = 10, .target = 0}, "not placed"},
        {{.kind = CR_OP_LINE, .x = 1, .y = 1, .w = 10, .line_width = 500}, "bad line width"},
        {{.kind = CR_OP_END}, "END without BEGIN"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
        cr_dlist l;
        assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
        add(&l, (cr_op){.kind = CR_OP_PAGE});
        add(&l, faults[i].op);
        cr_display *d = cr_dlist_finish(&l);
        assert_non_null(d);
        d->nanchors = 1;
        cr_error e0, e1, e2;
        cr_error_init(&e0);
        cr_error_init(&e1);
        cr_buffer out = {0};
        assert_int_equal(cr_display_check(d, s->fonts, NULL, &e0), CR_EUSAGE);
        assert_int_equal(cr_render_pdf(d, s->fonts, &out, &e1), CR_EUSAGE);
        assert_null(out.data);
        assert_string_equal(e1.message, e0.message);
        for (int f = CR_CAIRO_PDF; f <= CR_CAIRO_PNG; f++) {
            cr_error_init(&e2);
            assert_int_equal(cr_render_cairo(d, s->fonts, (cr_cairo_format)f, 0, 72, &out, &e2),
                             CR_EUSAGE);
            assert_null(out.data);
            assert_string_equal(e2.message, e0.message);
        }
        if (!strstr(e0.message, faults[i].message))
            fail_msg("fault %zu: \"%s\" lacks \"%s\"", i, e0.message, faults[i].message);
        cr_display_free(d);
    }
    size_t pages = 9;
    cr_dlist l;
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    text(&l, CR_FACE_REGULAR, 56, 80, 10, "x");
    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    cr_error e;
    cr_error_init(&e);
    assert_int_equal(cr_display_check(d, s->fonts, &pages, &e), CR_OK);
    assert_int_equal(pages, 1);
    cr_display_free(d);
}

/* ---------------------------------------------------------------------------------------------
 * Tagged documents */

static void begin(cr_dlist *l, cr_role role, const char *alt)
{
    add(l, (cr_op){.kind = CR_OP_BEGIN, .role = role, .text = alt});
}

static void end(cr_dlist *l)
{
    add(l, (cr_op){.kind = CR_OP_END});
}

static void rule(cr_dlist *l, float y)
{
    add(l, (cr_op){.kind = CR_OP_LINE,
                   .x = 56,
                   .y = y,
                   .w = 480,
                   .stroke_color = {0x80, 0x80, 0x80},
                   .line_width = 0.5f});
}

/* Two pages: a running header (artifact), a heading, a paragraph continued on page 2, a table
 * with a header row, a figure with alternative text, a list, a URI link and a link to an anchor. */
static cr_display *make_tagged(void)
{
    cr_dlist l;
    assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    begin(&l, CR_ROLE_DOCUMENT, NULL);
    begin(&l, CR_ROLE_H1, NULL);
    text(&l, CR_FACE_BOLD, 56, 80, 16, "Estado del programa");
    end(&l);
    begin(&l, CR_ROLE_P, NULL);
    text(&l, CR_FACE_REGULAR, 56, 110, 10, "Primera línea del párrafo");
    rule(&l, 115); /* decoration inside a paragraph */
    text(&l, CR_FACE_REGULAR, 56, 125, 10, "segunda línea");
    begin(&l, CR_ROLE_TABLE, NULL);
    end(&l); /* an empty element is allowed */
    end(&l);
    begin(&l, CR_ROLE_TABLE, NULL);
    begin(&l, CR_ROLE_TR, NULL);
    begin(&l, CR_ROLE_TH, NULL);
    text(&l, CR_FACE_BOLD, 56, 160, 9, "Criterio");
    end(&l);
    begin(&l, CR_ROLE_TH, NULL);
    text(&l, CR_FACE_BOLD, 300, 160, 9, "Respuesta");
    end(&l);
    end(&l);
    begin(&l, CR_ROLE_TR, NULL);
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 56,
                    .y = 165,
                    .w = 480,
                    .h = 14,
                    .fill = true,
                    .color = {0xEE, 0xEE, 0xEE}});
    begin(&l, CR_ROLE_TD, NULL);
    text(&l, CR_FACE_REGULAR, 56, 175, 9, "Datos abiertos");
    end(&l);
    begin(&l, CR_ROLE_TD, NULL);
    text(&l, CR_FACE_REGULAR, 300, 175, 9, "Sí");
    end(&l);
    end(&l);
    end(&l);
    begin(&l, CR_ROLE_FIGURE, "Promedio: Colombia 41 %, México 38 %");
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 56,
                    .y = 200,
                    .w = 200,
                    .h = 12,
                    .fill = true,
                    .color = {0, 0x66, 0xCC}});
    text(&l, CR_FACE_REGULAR, 260, 210, 8, "41 %");
    end(&l);
    begin(&l, CR_ROLE_L, NULL);
    begin(&l, CR_ROLE_LI, NULL);
    begin(&l, CR_ROLE_LBL, NULL);
    text(&l, CR_FACE_REGULAR, 56, 240, 9, "1.");
    end(&l);
    begin(&l, CR_ROLE_LBODY, NULL);
    text(&l, CR_FACE_REGULAR, 70, 240, 9, "Publicar el inventario");
    end(&l);
    end(&l);
    end(&l);
    begin(&l, CR_ROLE_P, NULL);
    begin(&l, CR_ROLE_LINK, NULL);
    text(&l, CR_FACE_REGULAR, 56, 270, 9, "example.org");
    add(&l, (cr_op){.kind = CR_OP_LINK,
                    .x = 56,
                    .y = 260,
                    .w = 60,
                    .h = 12,
                    .uri = URI,
                    .text = "example.org"});
    end(&l);
    begin(&l, CR_ROLE_LINK, NULL);
    text(&l, CR_FACE_REGULAR, 56, 290, 9, "Ir a la sección dos");
    add(&l, (cr_op){.kind = CR_OP_GOTO,
                    .x = 56,
                    .y = 280,
                    .w = 90,
                    .h = 12,
                    .target = 0,
                    .text = "Ir a la sección dos"});
    end(&l);
    end(&l);
    begin(&l, CR_ROLE_P, NULL);
    text(&l, CR_FACE_REGULAR, 56, 800, 10, "Un párrafo que sigue");
    begin(&l, CR_ROLE_ARTIFACT, NULL); /* the footer, painted in the middle of the paragraph */
    text(&l, CR_FACE_REGULAR, 56, 830, 7, "Página 1 de 2");
    end(&l);
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    begin(&l, CR_ROLE_ARTIFACT, NULL);
    text(&l, CR_FACE_REGULAR, 56, 30, 7, "Bogotá, encabezado");
    rule(&l, 36);
    end(&l);
    text(&l, CR_FACE_REGULAR, 56, 80, 10, "en la página siguiente.");
    end(&l);
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 56, .y = 100, .target = 0});
    begin(&l, CR_ROLE_H1, NULL);
    text(&l, CR_FACE_BOLD, 56, 110, 16, "Sección dos");
    end(&l);
    end(&l); /* Document */
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "Sección dos", .level = 0, .target = 0});
    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    d->nanchors = 1;
    d->info = (cr_doc_info){.title = "Informe de estado", .lang = "es", .created = CREATED};
    return d;
}

static void test_tagged_document(void **st)
{
    state *s = *st;
    require_tool("qpdf", "qpdf");
    require_tool("pdfinfo", "poppler-utils");
    cr_display *d = make_tagged();
    cr_buffer out = {0};
    const char *path = CR_TEST_TMP "/test_render_pdf_tagged.pdf";
    render_checked(d, s->fonts, &out, path);
    char cmd[1024];
    int status;
    char *o;

    /* poppler reads the tree back: elements in order, with their text; artifacts left out. */
    snprintf(cmd, sizeof cmd, "pdfinfo -struct-text '%s' 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    static const char *const in_order[] = {"Document",
                                           "H1",
                                           "\"Estado del programa\"",
                                           "P",
                                           "\"Primera línea del párrafo\"",
                                           "\"segunda línea\"",
                                           "Table",
                                           "Table",
                                           "TR",
                                           "TH",
                                           "\"Criterio\"",
                                           "TH",
                                           "\"Respuesta\"",
                                           "TR",
                                           "TD",
                                           "\"Datos abiertos\"",
                                           "TD",
                                           "\"Sí\"",
                                           "Figure",
                                           "L",
                                           "LI",
                                           "Lbl",
                                           "\"1.\"",
                                           "LBody",
                                           "\"Publicar el inventario\"",
                                           "Link",
                                           "\"example.org\"",
                                           "Link",
                                           "\"Ir a la sección dos\"",
                                           "P",
                                           "\"Un párrafo que sigue\"",
                                           "\"en la página siguiente.\"",
                                           "H1",
                                           "\"Sección dos\""};
    const char *at = o;
    for (size_t i = 0; i < sizeof in_order / sizeof *in_order; i++) {
        const char *hit = strstr(at, in_order[i]);
        if (!hit)
            fail_msg("pdfinfo -struct-text: %s missing or out of order in:\n%s", in_order[i], o);
        at = hit + strlen(in_order[i]);
    }
    assert_lacks(o, "Página 1 de 2", "the structure (the footer is an artifact)");
    assert_lacks(o, "encabezado", "the structure (the header is an artifact)");
    free(o);

    /* The objects: the catalog, alternative text, header scope, links, the parent tree. */
    snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable '%s' - 2>&1", path);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_contains(o, "/MarkInfo <<\n    /Marked true", "catalog");
    assert_contains(o, "/Lang (es)", "catalog");
    assert_contains(o, "/DisplayDocTitle true", "catalog");
    assert_contains(o, "/Type /StructTreeRoot", "catalog");
    assert_contains(o, "/ParentTreeNextKey 4", "structure root (2 pages, 2 links)");
    assert_contains(o, "/S /Figure", "figure");
    /* PDFDocEncoding (é is its byte 0xE9), not UTF-16: every character has a byte there. */
    assert_contains(o, "/Alt (Promedio: Colombia 41 %, M\351xico 38 %)", "figure alt text");
    assert_int_equal(count(o, "/O /Table\n    /Scope /Column"), 2); /* header cells */
    assert_int_equal(count(o, "/S /TH"), 2);
    assert_int_equal(count(o, "/Type /OBJR"), 2);
    assert_int_equal(count(o, "/StructParent "), 2);
    assert_int_equal(count(o, "/StructParents "), 2);
    assert_int_equal(count(o, "/Tabs /S"), 2);
    assert_contains(o, "/Type /MCR", "the paragraph continued on page 2");
    assert_contains(o, "/Contents (example.org)", "the link's text");
    /* Footer, header, rule, row background: the header's text in its text object, the rule out
     * of it (a shape ends the text object and the marked content begun in it). */
    assert_int_equal(count(o, "/Artifact BMC"), 5);
    assert_int_equal(count(o, "BDC"), count(o, "EMC") - count(o, "BMC"));
    free(o);
    cr_buffer_free(&out);

    /* Without structure ops: no tags at all. */
    char run_text[64];
    cr_display *plain = make_display(s->fonts, run_text, sizeof run_text);
    render_ok(plain, s->fonts, &out);
    write_file(path, &out);
    o = run(cmd, &status);
    assert_int_equal(status, 0);
    assert_lacks(o, "StructTreeRoot", "an untagged document");
    assert_lacks(o, "MarkInfo", "an untagged document");
    assert_lacks(o, "BDC", "an untagged document");
    free(o);
    cr_buffer_free(&out);
    cr_display_free(plain);
    cr_display_free(d);
}

/* Structure that does not nest is the caller's bug. */
static void test_bad_structure(void **st)
{
    state *s = *st;
    static const struct {
        cr_op_kind k1, k2;
        cr_role r1, r2;
        const char *message;
    } cases[] = {
        {CR_OP_END, CR_OP_TEXT, 0, 0, "END without BEGIN"},
        {CR_OP_BEGIN, CR_OP_TEXT, CR_ROLE_P, 0, "never closed"},
        {CR_OP_BEGIN, CR_OP_BEGIN, CR_ROLE_ARTIFACT, CR_ROLE_P, "inside an artifact"},
        {CR_OP_BEGIN, CR_OP_END, CR_ROLE_COUNT, 0, "no such structure role"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_dlist l;
        assert_true(cr_dlist_init(&l, 595.28f, 841.89f));
        add(&l, (cr_op){.kind = CR_OP_PAGE});
        add(&l, (cr_op){.kind = cases[i].k1, .role = cases[i].r1});
        if (cases[i].k2 == CR_OP_TEXT)
            text(&l, CR_FACE_REGULAR, 56, 80, 10, "x");
        else
            add(&l, (cr_op){.kind = cases[i].k2, .role = cases[i].r2});
        cr_display *d = cr_dlist_finish(&l);
        assert_non_null(d);
        cr_error err;
        cr_error_init(&err);
        cr_buffer out = {0};
        assert_int_equal(cr_render_pdf(d, s->fonts, &out, &err), CR_EUSAGE);
        assert_null(out.data);
        if (!strstr(err.message, cases[i].message))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.message, cases[i].message);
        cr_display_free(d);
    }
}

/* Small objects go into one compressed object stream, indexed by a cross-reference stream. */
static void test_object_streams(void **st)
{
    state *s = *st;
    cr_display *d = make_tagged();
    cr_buffer out = {0};
    render_checked(d, s->fonts, &out, CR_TEST_TMP "/test_render_pdf_objstm.pdf");
    assert_memory_equal(out.data, "%PDF-1.5", 8);
    assert_non_null(memmem(out.data, out.len, "/Type /ObjStm", 13));
    assert_non_null(memmem(out.data, out.len, "/Type /XRef", 11));
    assert_null(memmem(out.data, out.len, "\nxref\n", 6));        /* no classic table */
    assert_null(memmem(out.data, out.len, "/StructParents", 14)); /* nothing left outside */
    assert_null(memmem(out.data, out.len, "/S /P", 5));

    /* Input not in libharu's form, or cut anywhere: left as it is (NULL), never a crash. */
    unsigned char *packed = (unsigned char *)"x";
    size_t plen = 1;
    cr_error err;
    cr_error_init(&err);
    for (size_t cut = 0; cut < out.len; cut += cut < 64 || out.len - cut < 64 ? 1 : 97) {
        assert_int_equal(cr_pdf_pack(out.data, cut, &packed, &plen, &err), CR_OK);
        assert_null(packed);
        assert_int_equal(plen, 0);
    }
    /* Already packed: no xref table to read. */
    assert_int_equal(cr_pdf_pack(out.data, out.len, &packed, &plen, &err), CR_OK);
    assert_null(packed);
    static const char v14[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\nxref\n0 2\n"
                              "0000000000 65535 f\r\n0000000009 00000 n\r\n"
                              "trailer\n<< /Root 1 0 R /Size 2 >>\nstartxref\n29\n%%EOF\n";
    assert_int_equal(cr_pdf_pack((const unsigned char *)v14, sizeof v14 - 1, &packed, &plen, &err),
                     CR_OK);
    assert_null(packed); /* object streams need PDF 1.5 */
    char v15[sizeof v14];
    memcpy(v15, v14, sizeof v14);
    v15[7] = '5';
    assert_int_equal(cr_pdf_pack((const unsigned char *)v15, sizeof v15 - 1, &packed, &plen, &err),
                     CR_OK);
    assert_non_null(packed); /* the smallest file libharu could write */
    assert_non_null(memmem(packed, plen, "/Type /ObjStm /N 1", 18));
    free(packed);
    assert_no_error(&err);
    cr_buffer_free(&out);
    cr_display_free(d);
}

/* Objects given their values by the caller (the structure tree, cr_pdf_pack_values): written
 * instead of their placeholders; an id that is no placeholder leaves the file unpacked (NULL). */
static void test_pack_values(void **st)
{
    (void)st;
    char pdf[512];
    size_t n = 0, o1, o2, xo;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%%PDF-1.5\n");
    o1 = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "1 0 obj\n<< /Type /Catalog /X 2 0 R >>\nendobj\n");
    o2 = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "2 0 obj\n0\nendobj\n");
    xo = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "xref\n0 3\n0000000000 65535 f\r\n%010zu 00000 n\r\n%010zu 00000 n\r\n"
                          "trailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n%zu\n%%%%EOF\n",
                          o1, o2, xo);
    static const char text[] = "junk<</Y(a b)/Z[1 2]>>junk";
    cr_pdf_value v = {.id = 2, .off = 4, .len = sizeof text - 9};
    unsigned char *packed = NULL;
    size_t plen = 0;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(cr_pdf_pack_values((unsigned char *)pdf, n, text, &v, 1, &packed, &plen, &err),
                     CR_OK);
    assert_non_null(packed);
    cr_buffer b = {packed, plen};
    char *o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_values.pdf", "qpdf --show-object=2");
    free(packed);
    assert_contains(o, "<< /Y (a b) /Z [ 1 2 ] >>", "qpdf --show-object=2");
    free(o);

    /* Objects added after the file's (cr_pdf_pack_add): numbered on from its xref size, 3. */
    static const char more[] = "<</A 1>>[3 0 R 2 0 R]";
    cr_pdf_value av[2] = {{.id = 3, .off = 0, .len = 8}, {.id = 4, .off = 8, .len = 13}};
    cr_pdf_values add = {.text = more, .v = av, .n = 2};
    cr_pdf_values objs = {.text = text, .v = &v, .n = 1};
    assert_int_equal(
        cr_pdf_pack_add((unsigned char *)pdf, n, &objs, NULL, NULL, &add, &packed, &plen, &err),
        CR_OK);
    assert_non_null(packed);
    b = (cr_buffer){packed, plen};
    o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_values.pdf", "qpdf --show-object=4");
    assert_contains(o, "[ 3 0 R 2 0 R ]", "qpdf --show-object=4");
    free(o);
    o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_values.pdf", "qpdf --show-object=3");
    assert_contains(o, "<< /A 1 >>", "qpdf --show-object=3");
    free(o);
    free(packed);
    av[1].id = 5; /* not the next number */
    assert_int_equal(
        cr_pdf_pack_add((unsigned char *)pdf, n, &objs, NULL, NULL, &add, &packed, &plen, &err),
        CR_OK);
    assert_null(packed);

    /* Not a placeholder of the file (no object 5; object 2 twice): nothing packed. */
    cr_pdf_value bad[2] = {{.id = 5, .off = 4, .len = 2}, {.id = 2, .off = 4, .len = 2}};
    assert_int_equal(
        cr_pdf_pack_values((unsigned char *)pdf, n, text, bad, 1, &packed, &plen, &err), CR_OK);
    assert_null(packed);
    bad[0].id = 2;
    assert_int_equal(
        cr_pdf_pack_values((unsigned char *)pdf, n, text, bad, 2, &packed, &plen, &err), CR_OK);
    assert_null(packed);
    assert_no_error(&err);
}

/* Stream data given by the caller (the page content, cr_pdf_pack_all): written compressed in
 * place of the empty stream libharu wrote; a stream that is not empty, or an object that is no
 * stream, leaves the file unpacked (NULL). */
static void test_pack_streams(void **st)
{
    (void)st;
    char pdf[512];
    size_t n = 0, o1, o2, o3, xo;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n, "%%PDF-1.5\n");
    o1 = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "1 0 obj\n<< /Type /Catalog /X 2 0 R /Y 3 0 R >>\nendobj\n");
    o2 = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "2 0 obj\n<<\n/Length 0\n>>\nstream\r\n\r\nendstream\nendobj\n");
    o3 = n;
    n +=
        (size_t)snprintf(pdf + n, sizeof pdf - n,
                         "3 0 obj\n<<\n/Type /Test /Length 2\n/N 5\n>>\nstream\r\nab\r\nendstream\n"
                         "endobj\n");
    xo = n;
    n += (size_t)snprintf(pdf + n, sizeof pdf - n,
                          "xref\n0 4\n0000000000 65535 f\r\n%010zu 00000 n\r\n%010zu 00000 n\r\n"
                          "%010zu 00000 n\r\ntrailer\n<< /Root 1 0 R /Size 4 >>\nstartxref\n%zu\n"
                          "%%%%EOF\n",
                          o1, o2, o3, xo);
    static const char text[] = "junkBT /F1 12 Tf (page content) Tj ETjunk";
    cr_pdf_value v = {.id = 2, .off = 4, .len = sizeof text - 9};
    cr_pdf_values streams = {.text = text, .v = &v, .n = 1};
    unsigned char *packed = NULL;
    size_t plen = 0;
    cr_error err;
    cr_error_init(&err);
    assert_int_equal(
        cr_pdf_pack_all((unsigned char *)pdf, n, NULL, &streams, NULL, &packed, &plen, &err),
        CR_OK);
    assert_non_null(packed);
    cr_buffer b = {packed, plen};
    char *o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_streams.pdf", "qpdf --show-object=2");
    assert_contains(o, "/Filter /FlateDecode", "qpdf --show-object=2");
    free(o);
    o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_streams.pdf",
                    "qpdf --show-object=2 --filtered-stream-data");
    assert_string_equal(o, "BT /F1 12 Tf (page content) Tj ET");
    free(o);
    o = tool_output(&b, CR_TEST_TMP "/test_render_pdf_streams.pdf",
                    "qpdf --show-object=3 --filtered-stream-data");
    assert_string_equal(o, "ab"); /* a stream of the file's own, kept */
    free(o);
    /* Its dictionary without libharu's layout whitespace, the other entries kept. */
    static const char dict3[] = "3 0 obj\n<</Type/Test/N 5/Filter/FlateDecode/Length ";
    assert_non_null(memmem(packed, plen, dict3, strlen(dict3)));
    free(packed);

    v.id = 3; /* not empty */
    assert_int_equal(
        cr_pdf_pack_all((unsigned char *)pdf, n, NULL, &streams, NULL, &packed, &plen, &err),
        CR_OK);
    assert_null(packed);
    v.id = 1; /* no stream */
    assert_int_equal(
        cr_pdf_pack_all((unsigned char *)pdf, n, NULL, &streams, NULL, &packed, &plen, &err),
        CR_OK);
    assert_null(packed);
    assert_no_error(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_document),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_font_cache),
        cmocka_unit_test(test_spare_document),
        cmocka_unit_test(test_only_what_is_used),
        cmocka_unit_test(test_one_file_for_all_faces),
        cmocka_unit_test(test_font_file_not_reread),
        cmocka_unit_test(test_bad_display),
        cmocka_unit_test(test_tagged_document),
        cmocka_unit_test(test_bad_structure),
        cmocka_unit_test(test_object_streams),
        cmocka_unit_test(test_pack_values),
        cmocka_unit_test(test_pack_streams),
        cmocka_unit_test(test_one_check_for_both_backends),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
