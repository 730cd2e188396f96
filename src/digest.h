/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): how an input goes into an XXH3-128 hash of a batch's manifest (the
 * "hash" of every report: certreport/batch.h). One formula, whichever stage reads the bytes. */
#ifndef CR_DIGEST_H
#define CR_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <xxhash.h>

/* Feeds a labelled value: the label and the length keep "ab"+"c" and "a"+"bc" apart. */
static inline void cr_digest_feed(XXH3_state_t *s, const char *label, const void *data, size_t len)
{
    uint64_t n = len;
    XXH3_128bits_update(s, label, strlen(label) + 1);
    XXH3_128bits_update(s, &n, sizeof n);
    if (len)
        XXH3_128bits_update(s, data, len);
}

#endif
