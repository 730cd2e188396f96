/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): the drawing primitives the layouts share (the city report in layout.c,
 * the cohort overview in layout_overview.c).
 *
 * A cursor (y) flows down the content box of each page; blocks ask for room (cr_draw_need) and
 * start a new page when it is missing. Ops are kept per page until cr_draw_finish assembles the
 * display list, when the page count is known (for "Page N of M"). Every function does nothing
 * once out of memory (d->oom), so callers check once, at the end. */
#ifndef CR_LAYOUT_DRAW_H
#define CR_LAYOUT_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "certreport/catalog.h"
#include "certreport/display.h"
#include "certreport/fonts.h"
#include "certreport/layout.h"
#include "certreport/peers.h"
#include "dlist.h"
#include "layout_internal.h"
#include "layout_text.h"

/* The layout file's type scale (<type>), points, for the cr_draw |d|. */
#define SZ_BODY(d) ((d)->sp->type.body)
#define SZ_SMALL(d) ((d)->sp->type.small)
#define SZ_TABLE(d) ((d)->sp->type.table)
#define SZ_H1(d) ((d)->sp->type.h1)
#define SZ_H2(d) ((d)->sp->type.h2)
#define LEAD(d) ((d)->sp->type.leading)             /* line height / size */
#define TABLE_LEAD(d) ((d)->sp->type.table_leading) /* the same in table cells */

#define CR_WHITE ((cr_rgb){255, 255, 255})

typedef struct cr_page {
    cr_op *ops;
    size_t n, cap;
    float end; /* the cursor when the page ended (its content's extent) */
    bool cont; /* it starts with the continuation of table |table| at row |row| */
    size_t table, row;
} cr_page;

/* A page break asked for by an earlier pass (cr_draw_balance): before row |row| of the
 * |table|th table drawn with cr_table_rows. */
typedef struct cr_break {
    size_t table, row;
} cr_break;

#define CR_MAX_BREAKS 32
#define CR_DRAW_MEMO 128
#define CR_CIRCLE_POINTS 24 /* a circle is drawn as a polygon of this many points */

typedef struct cr_draw {
    const cr_catalog *cat;
    const cr_layout_spec *sp;
    const cr_strings *st;
    const cr_fonts *f;
    const cr_peers *peers;
    cr_arena *tmp; /* scratch strings, freed with the layout */
    cr_arena *out; /* the ops' strings and points, handed over to the display (cr_draw_finish) */
    cr_layout_cache *cache; /* line breaks measured (cr_draw_use_cache) */
    bool own_cache;         /* |cache| is the layout's own, freed with it */
    cr_error *err;
    bool oom;
    float x0, x1, top, bottom, y; /* the content box and the cursor */
    cr_page *pages;
    size_t npages, pcap;
    int nanchors;
    bool tagged; /* emit the structure (BEGIN/END ops); set by the layout after cr_draw_init */
    int depth;   /* structure elements open in the content */
    /* Word boundaries (see cr_draw_text): the element boundaries so far (counted tagged or
     * not, so the drawing is the same either way) and the last text run drawn. */
    unsigned long bounds;
    int artifact; /* open ARTIFACT elements (counted tagged or not): never read, no boundaries */
    struct cr_last_text {
        bool set;
        unsigned long bounds; /* d->bounds when it was drawn */
        size_t page, op;      /* its last op */
        float x, y, size;
        const char *text; /* the run drawn at x, |len| bytes, in |face| */
        size_t len;
        cr_face face;
        bool measured; /* x_end is known (measured when a word boundary first needs it) */
        float x_end;
        bool open; /* it ends in no space and no line break joins it to the next */
    } last;
    /* cr_draw_num and cr_draw_pct of 0 .. CR_DRAW_MEMO - 1, made once per layout (in |tmp|). */
    const char *num_memo[CR_DRAW_MEMO], *pct_memo[CR_DRAW_MEMO];
    bool circle_made; /* circle_cos and circle_sin hold the unit circle (cr_draw_circle) */
    float circle_cos[CR_CIRCLE_POINTS], circle_sin[CR_CIRCLE_POINTS];
    size_t ntables; /* tables drawn with cr_table_rows so far */
    /* The rows cr_table_heights filled and broke last (its heights |rows_h|, table |rows_t|,
     * |rows_n| rows), drawn by the cr_table_rows of the same heights without filling them again. */
    struct cr_cell *cells; /* a row's cells for its fill: zeroed between rows (blank_cells) */
    const struct cr_row_lines *rows;
    const float *rows_h;
    const void *rows_t;
    size_t rows_n;
    cr_break breaks[CR_MAX_BREAKS]; /* earlier breaks, from cr_draw_balance */
    size_t nbreaks;
} cr_draw;

/* Sets up |d| for the spec's page and margins (no page yet), untagged. false (and d->oom) when
 * out of memory. Always pair with cr_draw_release. */
bool cr_draw_init(cr_draw *d, const cr_catalog *cat, const cr_layout_spec *sp, const cr_strings *st,
                  const cr_fonts *f, const cr_peers *peers, cr_error *err);

/* Breaks lines through |cache| (made for the fonts of |d|), or through a cache of the layout's
 * own when NULL. false (and d->oom) when out of memory. */
bool cr_draw_use_cache(cr_draw *d, cr_layout_cache *cache);

/* After a pass of the layout: whether a page (not the last) is filled less than the layout's
 * min-fill while it starts with the last rows of a table split from the page before; if so, asks
 * the next pass to break that table a row earlier (the page before keeps at least keep-rows),
 * and returns true. The layout then runs again (cr_draw_restart) with the breaks asked for. */
bool cr_draw_balance(cr_draw *d);
/* Drops the pages (keeping the breaks asked for) to lay the document out again. */
void cr_draw_restart(cr_draw *d);

/* Reports "out of memory" into d->err if it happened, and frees the pages and scratch. */
void cr_draw_release(cr_draw *d);

/* Called by cr_draw_finish after each page's content: running header and footer. */
typedef void (*cr_draw_decorate)(cr_draw *d, size_t page, cr_dlist *dl, void *data);

/* Assembles the display list (page op, content, decoration per page) with document info |info|
 * (its strings are copied). When tagged, one Document element holds everything (it opens after
 * the first page op and closes after the last decoration), and elements the content left open
 * are closed at the end of the content. NULL when out of memory (d->oom set). */
cr_display *cr_draw_finish(cr_draw *d, cr_draw_decorate decorate, void *data,
                           const cr_doc_info *info);

/* The running header (|left| bold, |right| regular, pages after the first) and the footer
 * (the catalog edition, "Page N of M") of page |page|; an artifact when tagged. */
void cr_draw_header_footer(cr_draw *d, size_t page, cr_dlist *dl, const char *left,
                           const char *right);

/* ---- structure: elements in reading order, nesting over pages (see display.h) ----
 * Both do nothing when the layout is untagged, so the drawing is the same either way. A BEGIN
 * goes into the page the cursor is on: open an element after the cr_draw_need that may move its
 * first content to the next page. */

/* Opens an element of |role|; |alt| (copied): its alternative text (figures), or NULL. */
void cr_draw_begin(cr_draw *d, cr_role role, const char *alt);
/* The same, for an element in language |lang| (NULL: the document's). */
void cr_draw_begin_lang(cr_draw *d, cr_role role, const char *alt, const char *lang);
/* Closes the innermost open element (nothing when none is open). */
void cr_draw_end(cr_draw *d);

/* ---- ops ---- */

void cr_draw_emit(cr_draw *d, const cr_op *op);
void cr_draw_new_page(cr_draw *d);
/* Makes sure |h| points fit below the cursor; otherwise starts a new page (not when the cursor
 * is at the top of one already: a new page would not hold more). */
void cr_draw_need(cr_draw *d, float h);
/* The content height of a page. */
float cr_draw_page_room(const cr_draw *d);
/* A text run at (x, y baseline). Word boundaries: when the run before it went into the same
 * element (no BEGIN or END between them) and ended without a space, and this one does not go on
 * from its end on the same baseline (a box's number above its name, a chart's labels), that
 * run gets a trailing space: invisible, but text read through the structure has its words
 * apart ("89% Data Management", not "89%DataManagement"). */
void cr_draw_text(cr_draw *d, float x, float y, cr_face face, float size, cr_rgb c, const char *s);
void cr_draw_text_right(cr_draw *d, float xr, float y, cr_face face, float size, cr_rgb c,
                        const char *s);
void cr_draw_text_center(cr_draw *d, float xc, float y, cr_face face, float size, cr_rgb c,
                         const char *s);
void cr_draw_rect(cr_draw *d, float x, float y, float w, float h, cr_rgb c);
void cr_draw_hline(cr_draw *d, float x, float y, float w, cr_rgb c, float lw);
void cr_draw_vline(cr_draw *d, float x, float y, float h, cr_rgb c, float lw);
void cr_draw_poly(cr_draw *d, const cr_point *pts, size_t n, cr_rgb c);
void cr_draw_circle(cr_draw *d, float cx, float cy, float r, cr_rgb c);
/* A named destination at the cursor's page and |y|; returns its number. */
int cr_draw_anchor(cr_draw *d, float y);
void cr_draw_bookmark(cr_draw *d, const char *title, int level, int target);
/* A clickable area opening |uri|; |text|: the link's visible text (its description). */
void cr_draw_link(cr_draw *d, float x, float y, float w, float h, const char *uri,
                  const char *text);
/* A clickable area jumping to anchor |target| (may be set later with cr_draw_set_target);
 * |text|: the link's visible text. Returns the op's index in the cursor's page. */
size_t cr_draw_goto(cr_draw *d, float x, float y, float w, float h, int target, const char *text);
/* Points the goto op |index| of page |page| (from cr_draw_goto) at anchor |target|. */
void cr_draw_set_target(cr_draw *d, size_t page, size_t index, int target);

/* ---- text ---- */

/* The string |key| (the key itself when missing). */
const char *cr_draw_str(cr_draw *d, const char *key);
/* A country's name in the report's language (string country.xx), else its ISO code. */
const char *cr_draw_country(cr_draw *d, const char *code);
/* "Arizona, United States": the subdivision's name (string subdivision.xx-yy; the code after the
 * dash when the table has none) and the country's (template "place"); just the country when
 * |subdivision| is NULL. */
const char *cr_draw_place(cr_draw *d, const char *country, const char *subdivision);
/* The template |key| filled with |args| (see cr_tpl). */
const char *cr_draw_tpl(cr_draw *d, const char *key, const cr_arg *args, size_t n);
/* The template |key| for count |n| (|key|.one when |n| takes the singular, see cr_plural_key)
 * filled with |args|. */
const char *cr_draw_tpl_n(cr_draw *d, const char *key, long n, const cr_arg *args, size_t na);
const char *cr_draw_num(cr_draw *d, long v);
/* "42%", rounded half up. */
const char *cr_draw_pct(cr_draw *d, double v);
unsigned cr_round_pct(double v);
/* "a, b and c" in the language's words. */
const char *cr_draw_join(cr_draw *d, const char *const *items, size_t n);
/* "a, b or c": alternatives, in the language's words (string list.or). */
const char *cr_draw_join_or(cr_draw *d, const char *const *items, size_t n);
/* The items separated by the string |sep_key| ("a; b; c"), for items that contain "and". */
const char *cr_draw_list(cr_draw *d, const char *const *items, size_t n, const char *sep_key);
float cr_draw_width(cr_draw *d, cr_face face, float size, const char *s);
size_t cr_draw_wrap(cr_draw *d, cr_face face, float size, const char *s, float w, cr_line **lines);
/* Draws line |ln| of a wrap; a line broken at a space keeps one at its end (invisible), so its
 * last word and the next line's first stay apart when the text is read back ("and met", not
 * "andmet"); a line broken at a hyphen keeps the hyphen and nothing else. */
void cr_draw_line(cr_draw *d, float x, float y, cr_face face, float size, cr_rgb c,
                  const cr_line *ln);
/* The largest size from |size| down to |min| (in tenths of a point) at which each of the |n|
 * texts fits one line of width |w|; |min| when one does not fit even then. */
float cr_draw_fit_size(cr_draw *d, cr_face face, float size, float min, const char *const *texts,
                       size_t n, float w);
/* Height of |s| wrapped to |w|. */
float cr_draw_para_height(cr_draw *d, cr_face face, float size, const char *s, float w);
/* A wrapped paragraph at the cursor, breaking pages between lines (no element of its own). */
void cr_draw_para(cr_draw *d, float x, float w, cr_face face, float size, cr_rgb c, const char *s);
/* The same as one element of |role| (P, H2, LBody...): it opens on the page of the first line. */
void cr_draw_elem_para(cr_draw *d, cr_role role, float x, float w, cr_face face, float size,
                       cr_rgb c, const char *s);
/* A wrapped paragraph in a box at (x, y), cursor untouched; returns its height. */
float cr_draw_para_at(cr_draw *d, float x, float y, float w, cr_face face, float size, cr_rgb c,
                      const char *s);
/* The same as one element of |role| (none when |s| is empty). */
float cr_draw_elem_para_at(cr_draw *d, cr_role role, float x, float y, float w, cr_face face,
                           float size, cr_rgb c, const char *s);
/* One text run as one element of |role|. */
void cr_draw_elem_text(cr_draw *d, cr_role role, float x, float y, cr_face face, float size,
                       cr_rgb c, const char *s);
/* A document's first section, opened at the cursor with its title block: the Sect, its anchor
 * and bookmark |title|, an accent bar, the kicker, the title (large, wrapped), which is the
 * section's H1 -- the heading a reader sees is the one a screen reader announces and the
 * outline lists -- and a line of facts under it. Close the section with cr_draw_end. Returns
 * the anchor. */
int cr_draw_title_section(cr_draw *d, const char *kicker, const char *title, const char *meta);
/* A sentence on a shaded panel with an accent edge, across the content width (a P). */
void cr_draw_panel(cr_draw *d, const char *text);
/* A section heading (H1 for level 0, H2 otherwise) with its anchor and bookmark; keeps |keep|
 * points of what follows with it. Returns the anchor. */
int cr_draw_heading(cr_draw *d, const char *title, int level, float keep);
/* A level-0 heading that opens a Sect (on the heading's page) before it: close the section
 * with cr_draw_end. Returns the anchor. */
int cr_draw_section(cr_draw *d, const char *title, float keep);
/* The heading (an element of |role| with no content, |title| its alternative text) of a section
 * that draws none (the practice areas: each area's page starts with the area's name), named
 * like its bookmark, so that the H1s are the outline's top level. Only where no drawn text
 * could be the heading. */
void cr_draw_unseen_heading(cr_draw *d, cr_role role, const char *title);
/* The layout's colour for catalog area |area| (the accent when it has none). */
cr_rgb cr_draw_area_color(cr_draw *d, size_t area);
/* The name of catalog area |area| for narrow places: its short name when it has one. */
const char *cr_draw_area_short(cr_draw *d, size_t area);

/* ---- keeping blocks together: table rows and list items across page breaks ----
 *
 * A block of |n| items of known heights (the rows of a table, the items of a list) and a |tail|
 * that must end on the last item's page (a table's legend). The layout file's <pagination> says
 * how many items stay together on each side of a break (keep-rows: no page holds just one row of
 * a table, nor continues a table with one), the most items of a list that are never split
 * (keep-list), and the tallest block kept together (keep-max, percent of a page): beyond it,
 * items break where they must. Use: cr_keep_init, then need (heading + cr_keep_lead) before the
 * block's heading, then per item: cr_keep_break (start a page, or continue the table, when it
 * says so), draw the item, cr_keep_placed. */
typedef struct cr_keep {
    const float *h;
    size_t n;
    float tail;
    size_t min;  /* items kept together on each side of a break */
    bool whole;  /* the block is never split (it fits keep-max) */
    size_t page; /* the page of the last item placed, and how many items of the block it holds */
    size_t k;
} cr_keep;

/* A table's rows (|list| false: whole when fewer than 2 * keep-rows) or a list's items (whole
 * when at most keep-list). */
void cr_keep_init(const cr_draw *d, cr_keep *kp, const float *h, size_t n, float tail, bool list);
/* What must fit below a block's heading for the block to start on its page: the whole block, or
 * its first items (the tail too when they are all), at most a page. */
float cr_keep_lead(const cr_draw *d, const cr_keep *kp);
/* Whether item |i| must go on a new page: it does not fit (with the tail, the last), or the
 * page would be left with fewer than |min| items, or the next with fewer than |min|. */
bool cr_keep_break(const cr_draw *d, cr_keep *kp, size_t i);
/* After an item is drawn. */
void cr_keep_placed(const cr_draw *d, cr_keep *kp);

/* ---- tables: a header row repeated after every page break, rows kept whole ---- */

#define PAD_X(d) ((d)->sp->type.cell_pad_x) /* inside a table cell, left and right */
#define PAD_Y(d) ((d)->sp->type.cell_pad_y) /* inside a table cell, top and bottom */
#define MAX_PARS 32
#define CR_TABLE_MAX_COLS CR_LAYOUT_MAX_COLS

typedef struct cr_cell_par {
    cr_face face;
    cr_rgb color;
    const char *text;
    const char *uri; /* the paragraph is a link to this address (a Link element), or NULL */
} cr_cell_par;

typedef struct cr_cell {
    cr_cell_par par[MAX_PARS];
    const char *lang[MAX_PARS]; /* a paragraph's language when not the report's (it is then a P
                                 * element of its own, with /Lang), or NULL */
    float size[MAX_PARS];       /* a paragraph's type size; 0: the table's (<type table>) */
    size_t npar;
    bool center;
    bool tight; /* its paragraphs follow without a gap (an answer and the note under it) */
} cr_cell;

typedef struct cr_table {
    size_t ncols;
    float widths[CR_TABLE_MAX_COLS];
    const char *headers[CR_TABLE_MAX_COLS];
    bool center[CR_TABLE_MAX_COLS]; /* headers centred over their column (for centred values) */
    const char *title;              /* for the "continued" heading after a page break */
    float header_h;                 /* set once by cr_table_measure, used on every page and row */
    bool measured;                  /* cr_table_measure broke the headers into these lines: */
    cr_line *header_lines[CR_TABLE_MAX_COLS];
    size_t header_n[CR_TABLE_MAX_COLS];
} cr_table;

/* Sets |t|'s column widths (its ncols set) from the layout file's table |name|, scaled from the
 * grid to the content width; columns it does not give share what is left (all of the width when
 * the layout has no such table). */
void cr_table_columns(cr_draw *d, cr_table *t, const char *name);
/* Measures the header row once per table. */
void cr_table_measure(cr_draw *d, cr_table *t);
/* Opens the Table element and draws the header row at the cursor (a TR of TH cells). */
void cr_table_begin(cr_draw *d, const cr_table *t);
/* Closes the Table element. */
void cr_table_end(cr_draw *d);
/* A new page with the "(continued)" heading and the header row, both an artifact (the header
 * row is read once, at the top of the table). */
void cr_table_continue(cr_draw *d, const cr_table *t);
/* One row at the cursor, a TR of TD cells (a cell of several paragraphs: a P each). Kept whole
 * on a page (a new page repeats the header under a "continued" heading); a row taller than a
 * whole page is split between lines, each part a TR of its own. */
void cr_table_row(cr_draw *d, const cr_table *t, const cr_cell *cells, bool shade);

/* The height of a row of |cells| (as cr_table_row draws it unsplit). */
float cr_table_row_height(cr_draw *d, const cr_table *t, const cr_cell *cells);

/* Fills |cells| (zeroed, ncols of them) for row |row| and says whether the row is shaded. It
 * writes no paragraph of a cell at or past the npar it sets (the next row's cells are zeroed
 * only up to there). */
typedef void (*cr_table_fill)(cr_draw *d, void *data, size_t row, cr_cell *cells, bool *shade);

/* A table's |n| rows from |fill|, kept together across page breaks (cr_keep, |tail| the height
 * of what follows the table on the last row's page): their heights, once, in the scratch arena
 * (NULL when out of memory), then cr_table_lead for what must fit under the table's heading
 * (its header row and first rows), then cr_table_begin, cr_table_rows, cr_table_end. The rows
 * filled and broken for the heights are kept: cr_table_rows given those heights (the next table
 * measured) draws them without calling |fill| again (a fill has no effect but its cells). */
float *cr_table_heights(cr_draw *d, const cr_table *t, size_t n, cr_table_fill fill, void *data);
float cr_table_lead(cr_draw *d, const cr_table *t, const float *h, size_t n, float tail);
void cr_table_rows(cr_draw *d, const cr_table *t, const float *h, size_t n, float tail,
                   cr_table_fill fill, void *data);

#endif
