/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the display list. The layout stage produces it; render backends only paint it.
 *
 * Coordinates are PostScript points with the origin at the TOP-LEFT of the page and y growing
 * downwards (backends flip as their library needs). Text positions are baselines. Every string
 * is UTF-8 and was measured by the layout with the same fonts the backends embed. */
#ifndef CERTREPORT_DISPLAY_H
#define CERTREPORT_DISPLAY_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cr_face {
    CR_FACE_REGULAR,
    CR_FACE_BOLD,
    CR_FACE_ITALIC,
    CR_FACE_BOLD_ITALIC,
    CR_FACE_COUNT
} cr_face;

typedef struct cr_rgb {
    unsigned char r, g, b;
} cr_rgb;

typedef enum cr_op_kind {
    CR_OP_PAGE,     /* starts a new page (page_w x page_h) */
    CR_OP_TEXT,     /* text run at (x, y baseline): face, size, color, text */
    CR_OP_RECT,     /* rectangle (x, y, w, h): filled with color if fill, outlined if stroke */
    CR_OP_LINE,     /* line from (x, y) to (x + w, y + h): color, line_width */
    CR_OP_POLY,     /* closed polygon: npoints points in pts, filled with color */
    CR_OP_LINK,     /* clickable area (x, y, w, h) opening uri */
    CR_OP_GOTO,     /* clickable area (x, y, w, h) jumping to anchor `target` */
    CR_OP_ANCHOR,   /* named destination `target` at (x, y) on this page */
    CR_OP_BOOKMARK, /* outline entry: text at level (0 = top) pointing at anchor `target` */
    CR_OP_BEGIN,    /* opens a structure element of `role` (see below); `text`: its alternative
                     * text (figures: what the chart shows, in words), or NULL */
    CR_OP_END       /* closes the innermost open structure element */
} cr_op_kind;

/* Structure (for tagged, accessible PDF). A display list with BEGIN/END ops is tagged: they nest
 * like parentheses over the whole list (an element may span pages) and give the logical
 * structure in reading order. What backends make of the ops inside an element:
 * - text belongs to the innermost element (its content, read aloud);
 * - rectangles, lines and polygons are decoration (artifacts), except inside a FIGURE, where
 *   everything is the figure's content (described by its alternative text);
 * - LINK and GOTO areas inside a LINK element are that element's annotations;
 * - everything inside an ARTIFACT (running headers and footers, repeated table headers) is
 *   left out of the structure; an ARTIFACT holds no other element.
 * Backends that cannot tag ignore BEGIN and END. Names are the PDF standard structure types. */
typedef enum cr_role {
    CR_ROLE_DOCUMENT, /* Document */
    CR_ROLE_SECT,     /* Sect */
    CR_ROLE_H1,
    CR_ROLE_H2,
    CR_ROLE_H3,
    CR_ROLE_P,
    CR_ROLE_L,     /* list */
    CR_ROLE_LI,    /* list item */
    CR_ROLE_LBL,   /* a list item's label (bullet, number) */
    CR_ROLE_LBODY, /* a list item's body */
    CR_ROLE_TABLE,
    CR_ROLE_TR,
    CR_ROLE_TH, /* header cell of its column */
    CR_ROLE_TD,
    CR_ROLE_FIGURE,
    CR_ROLE_CAPTION,
    CR_ROLE_LINK,
    CR_ROLE_SPAN,
    CR_ROLE_ARTIFACT,
    CR_ROLE_COUNT
} cr_role;

/* The PDF name of |role| ("Document", "H1", "TD", "Artifact"); NULL when out of range. */
CR_API const char *cr_role_name(cr_role role);

typedef struct cr_point {
    float x, y;
} cr_point;

/* The font of a text run (cr_op.font). The layout splits text into runs by font: each character
 * uses the first font of the chain that has it -- the requested face, then the fallback fonts
 * the layout file lists (fonts.h) -- so the backends draw each run with one font. */
enum {
    CR_FONT_FACE = 0, /* the face's own font (every Latin text) */
    /* 1 .. CR_FONTS_MAX_FALLBACK: fallback font number font - 1 of the chain */
    CR_FONT_PLACEHOLDER = 0xFF /* no font has these characters: each is drawn as a visible
                                * placeholder (the face's .notdef box, at its advance), and
                                * the real text is kept for copy, search and screen readers */
};

typedef struct cr_op {
    cr_op_kind kind;
    float x, y, w, h;
    cr_face face;
    unsigned char font; /* text runs: CR_FONT_FACE, a fallback (1 + its index) or PLACEHOLDER */
    float size;         /* font size, points */
    cr_rgb color;       /* text and fill color */
    cr_rgb stroke_color;
    float line_width; /* lines and outlined rectangles */
    bool fill, stroke;
    const char *text; /* text runs, bookmark titles (UTF-8) */
    const char *uri;  /* links */
    int target;       /* anchors, goto links and bookmarks: the anchor number */
    int level;        /* bookmarks */
    const cr_point *pts;
    size_t npoints;
    cr_role role;     /* BEGIN */
    const char *lang; /* BEGIN: the element's language (BCP 47) when it is not the document's
                       * (a reviewer's comment in English in a French report), else NULL */
} cr_op;

typedef struct cr_doc_info {
    const char *title, *author, *subject, *creator, *keywords;
    const char *lang;  /* BCP 47, e.g. "en": the document's language (/Lang) */
    long long created; /* seconds since 1970 (from the input or SOURCE_DATE_EPOCH) */
} cr_doc_info;

typedef struct cr_display {
    float page_w, page_h;
    size_t npages;
    const cr_op *ops;
    size_t nops;
    int nanchors; /* anchors are numbered 0 .. nanchors-1 */
    cr_doc_info info;
    struct cr_arena *arena_; /* private */
} cr_display;

CR_API void cr_display_free(cr_display *d);

/* The limits every backend can paint (libharu's are the narrowest: page sides of 3 to 14,400 pt,
 * font sizes up to 600 pt, line widths up to 100 pt); structure nests at most this deep. */
#define CR_DISPLAY_MIN_PAGE 3.0f
#define CR_DISPLAY_MAX_PAGE 14400.0f
#define CR_DISPLAY_MAX_FONT_SIZE 600.0f
#define CR_DISPLAY_MAX_LINE_WIDTH 100.0f
#define CR_DISPLAY_MAX_DEPTH 64

struct cr_fonts;

/* Checks that |d| is a display list every backend can paint, the one check cr_render_pdf and
 * cr_render_cairo make before they draw: page sizes, finite numbers, faces, fonts (a fallback
 * font |fonts| has) and sizes, line widths, valid UTF-8 in every string, anchors placed once and
 * every link and bookmark to a placed one, structure elements nested and closed, at least one
 * page. A malformed display list is the caller's bug, never the city's data: every fault is
 * CR_EUSAGE ("display list op N: what"), as is a NULL |d| or |fonts|; CR_ENOMEM when out of
 * memory. |npages| (optional) gets the page count. */
CR_API cr_status cr_display_check(const cr_display *d, const struct cr_fonts *fonts, size_t *npages,
                                  cr_error *err);

/* Writes the display list as text, one op per line, numbers rounded to 0.01 pt in the C locale:
 * for golden tests and debugging. Returns a malloc'd string (caller frees), NULL on ENOMEM, or
 * with CR_EUSAGE for a NULL |d| (or ops NULL with nops > 0). A face or role out of its enum is
 * written as "?". */
CR_API char *cr_display_dump(const cr_display *d, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
