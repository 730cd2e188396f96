/* SPDX-License-Identifier: Apache-2.0 */
/* certreport tests: the cairo backend. A hand-made two-page display list is painted as PNG (read
 * back and checked pixel by pixel), SVG and PDF (checked with qpdf, pdftotext and pdfinfo). */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

#include "certreport/render.h"
#include "dlist.h"

#define PAGE_W 612.0f
#define PAGE_H 792.0f

static const cr_rgb DARK_BLUE = {0x1f, 0x3a, 0x93};
static const cr_rgb BLACK = {0, 0, 0};
static const char BOLD_TEXT[] = "Your Status Report";
#define BOLD_X 72.0f
#define BOLD_Y 160.0f
#define BOLD_SIZE 28.0f
/* The blue rectangle, in points. */
#define BLUE_X 300.0f
#define BLUE_Y 300.0f
#define BLUE_W 100.0f
#define BLUE_H 50.0f

typedef struct world {
    cr_fonts *fonts;
    cr_display *d;
} world;

static const char *font_path(char *buf, size_t size, const char *face)
{
    snprintf(buf, size, "%s/../fonts/NotoSans-%s.ttf", CR_TEST_ASSETS, face);
    if (access(buf, R_OK) == 0)
        return buf;
    snprintf(buf, size, "/usr/share/fonts/truetype/noto/NotoSans-%s.ttf", face);
    return buf;
}

static void add(cr_dlist *l, cr_op op)
{
    assert_non_null(cr_dlist_add(l, &op));
}

static void text(cr_dlist *l, cr_face face, float size, float x, float y, const char *s)
{
    add(l, (cr_op){.kind = CR_OP_TEXT,
                   .x = x,
                   .y = y,
                   .face = face,
                   .size = size,
                   .color = BLACK,
                   .text = s});
}

/* Two pages: text in all four faces, shapes, a link, a goto to an anchor on page 2, bookmarks. */
static cr_display *make_display(void)
{
    cr_dlist l;
    assert_true(cr_dlist_init(&l, PAGE_W, PAGE_H));
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    text(&l, CR_FACE_REGULAR, 12, 72, 100, "Bogotá São Paulo Montréal – €");
    add(&l, (cr_op){.kind = CR_OP_LINK,
                    .x = 72,
                    .y = 88,
                    .w = 200,
                    .h = 16,
                    .uri = "https://example.org/it's?a=1&b=\"2\"\\"});
    text(&l, CR_FACE_BOLD, BOLD_SIZE, BOLD_X, BOLD_Y, BOLD_TEXT);
    text(&l, CR_FACE_ITALIC, 12, 72, 200, "Italic: Zürich, Kraków");
    add(&l, (cr_op){.kind = CR_OP_GOTO, .x = 72, .y = 188, .w = 120, .h = 16, .target = 0});
    text(&l, CR_FACE_BOLD_ITALIC, 12, 72, 220, "Bold italic: Göteborg");
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = BLUE_X,
                    .y = BLUE_Y,
                    .w = BLUE_W,
                    .h = BLUE_H,
                    .color = DARK_BLUE,
                    .fill = true});
    add(&l, (cr_op){.kind = CR_OP_RECT,
                    .x = 72,
                    .y = 400,
                    .w = 100,
                    .h = 40,
                    .stroke = true,
                    .stroke_color = DARK_BLUE,
                    .line_width = 1});
    add(&l, (cr_op){.kind = CR_OP_LINE,
                    .x = 72,
                    .y = 500,
                    .w = 400,
                    .h = 0,
                    .stroke_color = BLACK,
                    .line_width = 2});
    static const cr_point tri[] = {{100, 600}, {160, 600}, {130, 650}};
    add(&l, (cr_op){.kind = CR_OP_POLY, .color = DARK_BLUE, .pts = tri, .npoints = 3});
    add(&l, (cr_op){.kind = CR_OP_BOOKMARK, .text = "Résumé", .level = 0, .target = 0});
    add(&l,
        (cr_op){.kind = CR_OP_BOOKMARK, .text = "Détails – São Paulo", .level = 1, .target = 1});
    add(&l, (cr_op){.kind = CR_OP_PAGE});
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 72, .y = 72, .target = 0});
    text(&l, CR_FACE_REGULAR, 12, 72, 90, "Page two");
    add(&l, (cr_op){.kind = CR_OP_ANCHOR, .x = 72, .y = 300, .target = 1});
    text(&l, CR_FACE_REGULAR, 12, 72, 310, "Details");
    cr_display *d = cr_dlist_finish(&l);
    assert_non_null(d);
    d->nanchors = 2;
    d->info.title = "Your Status Report – Bogotá";
    d->info.author = "certreport tests";
    d->info.subject = "cairo backend";
    d->info.creator = "certreport";
    d->info.keywords = "certification, status";
    d->info.lang = "en";
    d->info.created = 1689336000; /* 2023-07-14T12:00:00Z */
    return d;
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    char b[4][1024];
    const char *paths[CR_FACE_COUNT] = {
        font_path(b[0], sizeof b[0], "Regular"), font_path(b[1], sizeof b[1], "Bold"),
        font_path(b[2], sizeof b[2], "Italic"), font_path(b[3], sizeof b[3], "BoldItalic")};
    cr_error e;
    cr_error_init(&e);
    w->fonts = cr_fonts_load(paths, &e);
    if (!w->fonts) {
        fprintf(stderr, "cannot load fonts: %s\n", e.message);
        free(w);
        return -1;
    }
    w->d = make_display();
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    cr_display_free(w->d);
    cr_fonts_free(w->fonts);
    free(w);
    /* Single-threaded now: lets cairo drop its caches, so the font faces' destructors run (and
     * the sanitizers see them). */
    cairo_debug_reset_static_data();
    return 0;
}

static cr_buffer render(const world *w, const cr_display *d, cr_cairo_format f, size_t page,
                        double dpi)
{
    cr_buffer b = {0};
    cr_error e;
    cr_error_init(&e);
    cr_status st = cr_render_cairo(d ? d : w->d, w->fonts, f, page, dpi, &b, &e);
    assert_no_error(&e);
    assert_int_equal(st, CR_OK);
    assert_non_null(b.data);
    assert_true(b.len > 0);
    return b;
}

/* ---- PNG, read back with cairo ---- */

typedef struct reader {
    const unsigned char *p;
    size_t left;
} reader;

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    reader *r = closure;
    if (length > r->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p, length);
    r->p += length;
    r->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *decode_png(const cr_buffer *b)
{
    assert_true(b->len > 8);
    assert_memory_equal(b->data, "\x89PNG\r\n\x1a\n", 8);
    reader r = {b->data, b->len};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_mem, &r);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    return s;
}

static cr_rgb pixel(cairo_surface_t *s, int x, int y)
{
    assert_true(x >= 0 && x < cairo_image_surface_get_width(s));
    assert_true(y >= 0 && y < cairo_image_surface_get_height(s));
    const unsigned char *row =
        cairo_image_surface_get_data(s) + (size_t)y * (size_t)cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, row + 4 * (size_t)x, 4); /* native-endian 0xAARRGGBB / 0x00RRGGBB */
    return (cr_rgb){(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
}

static void assert_rgb_near(cr_rgb got, cr_rgb want, int tol)
{
    if (abs(got.r - want.r) > tol || abs(got.g - want.g) > tol || abs(got.b - want.b) > tol)
        fail_msg("pixel #%02x%02x%02x, expected #%02x%02x%02x (±%d)", got.r, got.g, got.b, want.r,
                 want.g, want.b, tol);
}

/* Pixels darker than mid grey in the box [x0, x1) x [y0, y1) (pixels). */
static int dark_pixels(cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            cr_rgb c = pixel(s, x, y);
            if (c.r + c.g + c.b < 3 * 128)
                n++;
        }
    return n;
}

static const cr_rgb WHITE = {255, 255, 255};

static void test_png_page0(void **state)
{
    const world *w = *state;
    cr_buffer b = render(w, NULL, CR_CAIRO_PNG, 0, 72.0);
    cairo_surface_t *s = decode_png(&b);
    assert_int_equal(cairo_image_surface_get_width(s), 612);
    assert_int_equal(cairo_image_surface_get_height(s), 792);
    /* The middle of the blue rectangle, a background pixel, a pixel of the line. */
    assert_rgb_near(pixel(s, (int)(BLUE_X + BLUE_W / 2), (int)(BLUE_Y + BLUE_H / 2)), DARK_BLUE, 2);
    assert_rgb_near(pixel(s, 560, 760), WHITE, 0);
    assert_rgb_near(pixel(s, 10, 10), WHITE, 0);
    assert_rgb_near(pixel(s, 300, 500), BLACK, 2);
    /* Bold text: ink inside the box the fonts measured, none right after it. */
    float tw = cr_fonts_width(w->fonts, CR_FACE_BOLD, BOLD_SIZE, BOLD_TEXT, strlen(BOLD_TEXT));
    float asc = cr_fonts_ascent(w->fonts, CR_FACE_BOLD, BOLD_SIZE);
    float desc = cr_fonts_descent(w->fonts, CR_FACE_BOLD, BOLD_SIZE);
    int x0 = (int)BOLD_X, x1 = (int)ceilf(BOLD_X + tw), y0 = (int)(BOLD_Y - asc),
        y1 = (int)ceilf(BOLD_Y + desc);
    int ink = dark_pixels(s, x0, y0, x1, y1);
    assert_true(ink > 100);
    assert_int_equal(dark_pixels(s, x1 + 2, y0, x1 + 80, y1), 0);
    /* Text was drawn in the first half and the second half of the run (not one glyph). */
    assert_true(dark_pixels(s, x0, y0, (x0 + x1) / 2, y1) > 0);
    assert_true(dark_pixels(s, (x0 + x1) / 2, y0, x1, y1) > 0);
    cairo_surface_destroy(s);

    /* The same bytes twice. */
    cr_buffer again = render(w, NULL, CR_CAIRO_PNG, 0, 72.0);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    cr_buffer_free(&again);
    cr_buffer_free(&b);
}

static void test_png_144dpi(void **state)
{
    const world *w = *state;
    cr_buffer b = render(w, NULL, CR_CAIRO_PNG, 0, 144.0);
    cairo_surface_t *s = decode_png(&b);
    assert_int_equal(cairo_image_surface_get_width(s), 2 * 612);
    assert_int_equal(cairo_image_surface_get_height(s), 2 * 792);
    assert_rgb_near(pixel(s, (int)(2 * (BLUE_X + BLUE_W / 2)), (int)(2 * (BLUE_Y + BLUE_H / 2))),
                    DARK_BLUE, 2);
    cairo_surface_destroy(s);
    cr_buffer_free(&b);
}

static void test_png_page1(void **state)
{
    const world *w = *state;
    cr_buffer b = render(w, NULL, CR_CAIRO_PNG, 1, 72.0);
    cairo_surface_t *s = decode_png(&b);
    assert_int_equal(cairo_image_surface_get_width(s), 612);
    /* Page 1 has none of page 0's drawing, and its own text. */
    assert_rgb_near(pixel(s, (int)(BLUE_X + BLUE_W / 2), (int)(BLUE_Y + BLUE_H / 2)), WHITE, 0);
    assert_int_equal(dark_pixels(s, 60, 130, 600, 170), 0);
    assert_true(dark_pixels(s, 72, 78, 160, 94) > 0);
    cairo_surface_destroy(s);
    cr_buffer_free(&b);
}

/* ---- SVG ---- */

static char *as_string(const cr_buffer *b)
{
    char *s = malloc(b->len + 1);
    assert_non_null(s);
    memcpy(s, b->data, b->len);
    s[b->len] = '\0';
    return s;
}

static void test_svg(void **state)
{
    const world *w = *state;
    cr_buffer b = render(w, NULL, CR_CAIRO_SVG, 0, 0);
    char *s = as_string(&b);
    assert_non_null(strstr(s, "<svg"));
    assert_non_null(strstr(s, "612pt"));
    assert_non_null(strstr(s, "glyph"));
    assert_non_null(strstr(s, "<path"));
    assert_non_null(strstr(s, "</svg>"));
    assert_non_null(strstr(s, "<g id=\"surface1\""));
    free(s);

    /* The same bytes twice (cairo's surface counter does not leak into the file). */
    cr_buffer again = render(w, NULL, CR_CAIRO_SVG, 0, 0);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    cr_buffer_free(&again);
    cr_buffer_free(&b);
}

/* ---- PDF, checked with the poppler and qpdf tools ---- */

/* Runs |cmd| through the shell; returns its exit status and its stdout (malloc'd) in *out. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t len = 0, cap = 4096;
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
    int status = pclose(p);
    *out = buf;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void require_tool(const char *tool, const char *package)
{
    char cmd[256], *o;
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    int rc = run(cmd, &o);
    free(o);
    if (rc != 0)
        fail_msg("%s not found: install the Debian package %s", tool, package);
}

static void write_file(const char *path, const cr_buffer *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" not found in:\n%s", needle, hay);
}

static void test_pdf(void **state)
{
    const world *w = *state;
    require_tool("qpdf", "qpdf");
    require_tool("pdftotext", "poppler-utils");
    require_tool("pdfinfo", "poppler-utils");
    cr_buffer b = render(w, NULL, CR_CAIRO_PDF, 0, 0);
    assert_true(b.len > 5 && memcmp(b.data, "%PDF-", 5) == 0);
    char path[1024], errpath[1100], cmd[4096];
    snprintf(path, sizeof path, "%s/test_render_cairo-%ld.pdf", CR_TEST_TMP, (long)getpid());
    snprintf(errpath, sizeof errpath, "%s.err", path);
    write_file(path, &b);
    char *o;

    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", path);
    int rc = run(cmd, &o);
    if (rc != 0 || strstr(o, "WARNING"))
        fail_msg("qpdf --check: exit %d\n%s", rc, o);
    free(o);

    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>'%s'", path, errpath);
    assert_int_equal(run(cmd, &o), 0);
    assert_contains(o, "Bogotá");
    assert_contains(o, "São Paulo");
    assert_contains(o, "Montréal");
    assert_contains(o, "€");
    assert_contains(o, "Your Status Report");
    assert_contains(o, "Zürich");
    assert_contains(o, "Göteborg");
    assert_contains(o, "Page two");
    free(o);
    snprintf(cmd, sizeof cmd, "cat '%s'", errpath);
    assert_int_equal(run(cmd, &o), 0);
    if (o[0])
        fail_msg("pdftotext wrote to stderr: %s", o);
    free(o);

    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 '%s' 2>&1", path);
    assert_int_equal(run(cmd, &o), 0);
    const char *pages = strstr(o, "\nPages:");
    assert_non_null(pages);
    pages += strlen("\nPages:");
    pages += strspn(pages, " ");
    assert_true(strncmp(pages, "2\n", 2) == 0);
    assert_contains(o, "CreationDate:    Fri Jul 14 12:00:00 2023 UTC");
    assert_contains(o, "Your Status Report – Bogotá");
    assert_contains(o, "certreport tests");
    assert_contains(o, "612 x 792 pts");
    free(o);

    /* The named destinations, both on page 2. */
    snprintf(cmd, sizeof cmd, "pdfinfo -dests '%s' 2>&1", path);
    assert_int_equal(run(cmd, &o), 0);
    assert_contains(o, "\"a0\"");
    assert_contains(o, "\"a1\"");
    free(o);

    /* Bookmarks: two levels, pointing at page 2. */
    snprintf(cmd, sizeof cmd, "qpdf --json --json-key=outlines '%s' 2>&1", path);
    assert_int_equal(run(cmd, &o), 0);
    assert_contains(o, "\"title\": \"Résumé\"");
    assert_contains(o, "\"title\": \"Détails – São Paulo\"");
    assert_contains(o, "\"destpageposfrom1\": 2");
    assert_contains(o, "\"kids\": [\n");
    free(o);

    /* Link annotations: the URI (quote and backslash intact) and the goto. */
    snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable '%s' - 2>&1", path);
    assert_int_equal(run(cmd, &o), 0);
    assert_contains(o, "/Subtype /Link");
    assert_contains(o, "/URI (https://example.org/it's?a=1&b=\"2\"%5C)");
    assert_contains(o, "/Dest");
    /* Fixed dates (not the clock). cairo 1.16 drops the "D:" prefix; poppler reads it anyway. */
    assert_contains(o, "/CreationDate (20230714120000Z)");
    assert_contains(o, "/ModDate (20230714120000Z)");
    free(o);

    /* Byte-reproducible. */
    cr_buffer again = render(w, NULL, CR_CAIRO_PDF, 0, 0);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    cr_buffer_free(&again);

    unlink(path);
    unlink(errpath);
    cr_buffer_free(&b);
}

/* ---- errors ---- */

static void expect_failure(const world *w, const cr_display *d, cr_cairo_format f, size_t page,
                           double dpi, cr_status code, const char *needle)
{
    cr_buffer b = {(unsigned char *)"junk", 4};
    cr_error e;
    cr_error_init(&e);
    cr_status st = cr_render_cairo(d, w->fonts, f, page, dpi, &b, &e);
    assert_int_equal(st, code);
    assert_int_equal(e.code, code);
    if (!strstr(e.message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e.message, needle);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_errors(void **state)
{
    const world *w = *state;
    expect_failure(w, w->d, CR_CAIRO_PNG, 2, 72, CR_EUSAGE, "page 2 does not exist");
    expect_failure(w, w->d, CR_CAIRO_SVG, 99, 72, CR_EUSAGE, "page 99 does not exist");
    expect_failure(w, w->d, CR_CAIRO_PNG, 0, 0, CR_EUSAGE, "dpi");
    expect_failure(w, w->d, CR_CAIRO_PNG, 0, NAN, CR_EUSAGE, "dpi");
    expect_failure(w, w->d, CR_CAIRO_PNG, 0, 4000, CR_EUSAGE, "too large");
    expect_failure(w, w->d, (cr_cairo_format)7, 0, 72, CR_EUSAGE, "format");

    /* Broken display lists are refused before cairo sees them, whatever the format, by
     * cr_display_check: the caller's bug, CR_EUSAGE, as the libharu backend says. */
    cr_display bad = *w->d;
    cr_op ops[3];
    memcpy(ops, w->d->ops, sizeof ops);
    bad.ops = ops;
    bad.nops = 3;
    ops[1].text = "caf\xc3"; /* truncated sequence */
    for (int f = CR_CAIRO_PDF; f <= CR_CAIRO_PNG; f++)
        expect_failure(w, &bad, (cr_cairo_format)f, 0, 72, CR_EUSAGE,
                       "invalid UTF-8 in the display list");
    ops[1].text = "\xc0\xaf"; /* overlong */
    expect_failure(w, &bad, CR_CAIRO_PDF, 0, 72, CR_EUSAGE, "invalid UTF-8");
    memcpy(ops, w->d->ops, sizeof ops);
    ops[1].size = 0;
    expect_failure(w, &bad, CR_CAIRO_PNG, 0, 72, CR_EUSAGE, "font size");
    memcpy(ops, w->d->ops, sizeof ops);
    ops[2].x = NAN;
    expect_failure(w, &bad, CR_CAIRO_SVG, 0, 72, CR_EUSAGE, "non-finite");
    memcpy(ops, w->d->ops, sizeof ops);
    ops[1] = (cr_op){.kind = CR_OP_GOTO, .w = 10, .h = 10, .target = 1};
    expect_failure(w, &bad, CR_CAIRO_PDF, 0, 72, CR_EUSAGE, "not placed");
    memcpy(ops, w->d->ops, sizeof ops);
    bad.nops = 0;
    expect_failure(w, &bad, CR_CAIRO_PDF, 0, 72, CR_EUSAGE, "no pages");
    bad = *w->d;
    bad.info.created = 400000000000LL;
    expect_failure(w, &bad, CR_CAIRO_PDF, 0, 72, CR_EINPUT, "creation date");
}

/* ---- threads: batch runs render in parallel ---- */

typedef struct job {
    const world *w;
    cr_cairo_format format;
    cr_buffer out;
    cr_status st;
} job;

static void *render_job(void *arg)
{
    job *j = arg;
    cr_error e;
    cr_error_init(&e);
    for (int k = 0; k < 3; k++) {
        cr_buffer_free(&j->out);
        j->st = cr_render_cairo(j->w->d, j->w->fonts, j->format, 0, 72, &j->out, &e);
        if (j->st != CR_OK)
            break;
    }
    return NULL;
}

static void test_threads(void **state)
{
    const world *w = *state;
    cr_buffer pdf = render(w, NULL, CR_CAIRO_PDF, 0, 0);
    cr_buffer png = render(w, NULL, CR_CAIRO_PNG, 0, 72);
    enum { N = 6 };
    job jobs[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job){.w = w, .format = i % 2 ? CR_CAIRO_PNG : CR_CAIRO_PDF};
        assert_int_equal(pthread_create(&t[i], NULL, render_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < N; i++) {
        const cr_buffer *want = i % 2 ? &png : &pdf;
        assert_int_equal(jobs[i].st, CR_OK);
        assert_int_equal(jobs[i].out.len, want->len);
        assert_memory_equal(jobs[i].out.data, want->data, want->len);
        cr_buffer_free(&jobs[i].out);
    }
    cr_buffer_free(&pdf);
    cr_buffer_free(&png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_page0), cmocka_unit_test(test_png_144dpi),
        cmocka_unit_test(test_png_page1), cmocka_unit_test(test_svg),
        cmocka_unit_test(test_pdf),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
