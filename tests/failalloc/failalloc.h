/* SPDX-License-Identifier: Apache-2.0 */
/* certreport test build (CERTREPORT_FAILALLOC): every allocation made by certreport's own code
 * goes through a counter that can fail the N-th one (see failalloc.c). Forced into every source
 * of the library and the program with -include; the libraries they call allocate as usual. */
#ifndef CR_FAILALLOC_H
#define CR_FAILALLOC_H
/* No system header but this one here: the sources' own feature macros (_GNU_SOURCE ...) must
 * come first. The declarations the macros below produce from <stdlib.h> and <string.h> match. */
#include <stddef.h>

void *cr_fa_malloc(size_t n);
void *cr_fa_calloc(size_t n, size_t k);
void *cr_fa_realloc(void *p, size_t n);
char *cr_fa_strdup(const char *s);
char *cr_fa_strndup(const char *s, size_t n);

#define malloc(n) cr_fa_malloc(n)
#define calloc(n, k) cr_fa_calloc(n, k)
#define realloc(p, n) cr_fa_realloc(p, n)
#define strdup(s) cr_fa_strdup(s)
#define strndup(s, n) cr_fa_strndup(s, n)
#endif
