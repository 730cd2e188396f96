/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): a bump allocator that frees everything at once.
 *
 * Each model (catalog, submission, audit log, audited state) owns one arena, freed with it.
 * Built with CR_ARENA_PLAIN_MALLOC, every allocation is its own malloc block, so ASan and
 * valgrind see each one (the sanitizer build uses this mode). */
#ifndef CR_ARENA_H
#define CR_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cr_arena cr_arena;

/* A new arena, or NULL when out of memory. */
cr_arena *cr_arena_new(void);

/* |size| zeroed bytes aligned for any type, owned by the arena; NULL when out of memory. */
void *cr_arena_alloc(cr_arena *a, size_t size);

/* The same, not zeroed: for a block the caller fills whole at once. */
void *cr_arena_alloc_uninit(cr_arena *a, size_t size);

/* |n| zeroed elements of |size|; NULL on overflow or when out of memory. */
void *cr_arena_calloc(cr_arena *a, size_t n, size_t size);

/* A copy of |s| (NULL gives NULL). */
char *cr_arena_strdup(cr_arena *a, const char *s);

/* True once any allocation from |a| has failed (out of memory): a caller that tolerated one NULL
 * somewhere can still tell that its result is incomplete. */
bool cr_arena_failed(const cr_arena *a);
/* Frees every block of |a| (NULL is fine). */
void cr_arena_free(cr_arena *a);

#endif
