/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the arena allocator (see arena.h). */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN alignof(max_align_t)
#define CHUNK_SIZE (16u * 1024u)

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
} chunk;

struct cr_arena {
    chunk *head;
    bool failed; /* an allocation has failed: whatever was built from it is incomplete */
};

cr_arena *cr_arena_new(void)
{
    return calloc(1, sizeof(cr_arena));
}

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* |size| bytes, not zeroed (but in the plain-malloc mode). */
static void *bump(cr_arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX / 2) {
        a->failed = true;
        return NULL;
    }
    size = round_up(size);
#ifdef CR_ARENA_PLAIN_MALLOC
    /* One block per allocation: sanitizers see exact bounds. */
    chunk *c = calloc(1, sizeof(chunk) + size);
    if (!c) {
        a->failed = true;
        return NULL;
    }
    c->size = c->used = size;
    c->next = a->head;
    a->head = c;
    return c->data;
#else
    chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        chunk *n = malloc(sizeof(chunk) + cap);
        if (!n) {
            a->failed = true;
            return NULL;
        }
        n->size = cap;
        n->used = 0;
        /* A big block goes behind the current chunk so that chunk keeps serving small ones. */
        if (c && cap == size) {
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        c = n;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
#endif
}

void *cr_arena_alloc(cr_arena *a, size_t size)
{
    void *p = bump(a, size);
#ifndef CR_ARENA_PLAIN_MALLOC
    if (p)
        memset(p, 0, size ? size : 1);
#endif
    return p;
}

void *cr_arena_alloc_uninit(cr_arena *a, size_t size)
{
    return bump(a, size);
}

void *cr_arena_calloc(cr_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return cr_arena_alloc(a, n * size);
}

char *cr_arena_strdup(cr_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = bump(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

bool cr_arena_failed(const cr_arena *a)
{
    return a && a->failed;
}

void cr_arena_free(cr_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}
