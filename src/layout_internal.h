/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): the loaded layout file and string table, shared by the layout code. */
#ifndef CR_LAYOUT_INTERNAL_H
#define CR_LAYOUT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "certreport/display.h"
#include "certreport/layout.h"

typedef enum cr_section {
    CR_SEC_STATUS,
    CR_SEC_PROCESS,
    CR_SEC_FIELD,
    CR_SEC_MEASURE,
    CR_SEC_AREAS,
    CR_SEC_OUTCOMES,
    CR_SEC_NEXT,
    CR_SEC_REQUIREMENTS,
    CR_SEC_COUNT
} cr_section;

/* The type scale the sections share (<type>): sizes in points, line height per size. */
typedef struct cr_type_scale {
    float body, small, table, h1, h2;
    float leading;       /* line height / size, in paragraphs */
    float table_leading; /* the same in table cells */
    float cell_pad_x;    /* space inside a table cell, left and right */
    float cell_pad_y;    /* the same, top and bottom */
} cr_type_scale;

#define CR_LAYOUT_MAX_COLS 12
#define CR_LAYOUT_MAX_TIERS 8

/* A table's column widths (<tables><table name columns>), in points of the layout's grid, which
 * is scaled to the content width; the table's columns after the |n| given share what the grid
 * has left (tables whose column count follows the catalog). */
typedef struct cr_columns {
    const char *name;
    float widths[CR_LAYOUT_MAX_COLS];
    size_t n;
} cr_columns;

typedef struct cr_area_color {
    const char *code;
    cr_rgb color;
} cr_area_color;

struct cr_layout_spec {
    float page_w, page_h;
    float margin_top, margin_bottom, margin_left, margin_right;
    const char *fonts[CR_FACE_COUNT];             /* full paths */
    const char *fallbacks[CR_FONTS_MAX_FALLBACK]; /* full paths, in chain order */
    size_t nfallback;
    cr_rgb text, muted, accent, rule, shade, peers, size;
    cr_area_color *areas;
    size_t nareas;
    cr_rgb tiers[CR_LAYOUT_MAX_TIERS]; /* the gauge's tier zones, lowest first */
    size_t ntiers;
    cr_type_scale type;
    float grid; /* the width the tables' columns are given in */
    cr_columns *tables;
    size_t ntables;
    cr_section sections[16];
    bool new_page[16]; /* the section starts a page (areas: each practice area does) */
    size_t nsections;
    /* Pagination (<pagination>): rows of a table kept together on each side of a page break,
     * the most items of a list never split, the largest block kept whole (percent of the
     * page's height), the least a page but the last should be filled (percent), and the space above
     * a practice area that follows another on its page. */
    unsigned keep_rows, keep_list, keep_max;
    unsigned min_fill; /* a page before the last filled less (percent) is balanced */
    float area_gap;
    cr_arena *arena;
};

typedef struct cr_string_entry {
    const char *key, *value;
} cr_string_entry;

struct cr_strings {
    const char *file;
    const char *lang;
    cr_string_entry *entries; /* sorted by key */
    size_t n;
    /* A hash index of the keys (the layout looks up about a thousand per report): slot i holds
     * 1 + the index of an entry, or 0; open addressing, |mask| + 1 slots (NULL: bsearch). */
    uint32_t *index;
    size_t mask;
    cr_arena *arena;
};

#endif
