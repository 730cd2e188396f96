/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): building a display list. The layout appends ops; strings are copied into
 * the list's arena. */
#ifndef CR_DLIST_H
#define CR_DLIST_H

#include "arena.h"
#include "certreport/display.h"

typedef struct cr_dlist {
    cr_display *d;
    cr_op *ops; /* in the display's arena */
    size_t cap;
    bool oom;
} cr_dlist;

/* A new, empty list with pages of |w| x |h| points. false when out of memory. */
bool cr_dlist_init(cr_dlist *l, float w, float h);

/* The same, in arena |a| (the list's from now on, freed with it even when this fails), where
 * strings and points of ops added with cr_dlist_add_kept already are. */
bool cr_dlist_init_arena(cr_dlist *l, float w, float h, cr_arena *a);

/* Appends the |n| ops |ops| as they are: their strings and points must be in the list's arena
 * (see cr_dlist_init_arena). Nothing when out of memory (then l->oom is set). */
void cr_dlist_add_kept(cr_dlist *l, const cr_op *ops, size_t n);

/* Makes room for |cap| ops in all (in the list's arena). false when out of memory (then l->oom
 * is set). */
bool cr_dlist_reserve(cr_dlist *l, size_t cap);

/* Appends |op| (strings and points copied). Returns the stored op, or NULL when out of memory
 * (then l->oom is set and later appends do nothing). */
cr_op *cr_dlist_add(cr_dlist *l, const cr_op *op);

/* A string copied into the list's arena. */
const char *cr_dlist_str(cr_dlist *l, const char *s);

/* Hands the finished display over (caller frees with cr_display_free); NULL if out of memory. */
cr_display *cr_dlist_finish(cr_dlist *l);

/* Frees an unfinished list. */
void cr_dlist_discard(cr_dlist *l);

#endif
