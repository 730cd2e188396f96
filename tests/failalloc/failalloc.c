/* SPDX-License-Identifier: Apache-2.0 */
/* The counting allocator of the CERTREPORT_FAILALLOC test build. $CR_FAILALLOC_NTH = N makes the
 * N-th allocation of certreport's own code fail (NULL, errno ENOMEM), once; $CR_FAILALLOC_COUNT=1
 * prints at exit how many there were. Test code only: the counter is process-wide by nature. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *cr_fa_malloc(size_t n);
void *cr_fa_calloc(size_t n, size_t k);
void *cr_fa_realloc(void *p, size_t n);
char *cr_fa_strdup(const char *s);
char *cr_fa_strndup(const char *s, size_t n);

static long calls;
static long nth = -2;

static void report(void)
{
    fprintf(stderr, "failalloc: %ld allocations\n", calls);
}

static int fail_now(void)
{
    if (nth == -2) {
        const char *v = getenv("CR_FAILALLOC_NTH");
        nth = v && *v ? atol(v) : -1;
        const char *c = getenv("CR_FAILALLOC_COUNT");
        if (c && *c == '1')
            atexit(report);
    }
    if (++calls == nth) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *cr_fa_malloc(size_t n)
{
    return fail_now() ? NULL : malloc(n);
}

void *cr_fa_calloc(size_t n, size_t k)
{
    return fail_now() ? NULL : calloc(n, k);
}

void *cr_fa_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : realloc(p, n);
}

char *cr_fa_strdup(const char *s)
{
    return fail_now() ? NULL : strdup(s);
}

char *cr_fa_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : strndup(s, n);
}
