/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the argument checks every public function starts with (issue #16). A NULL pointer
 * or an out-of-range index or enum value is the caller's mistake: it is refused with CR_EUSAGE
 * and a message naming the function and the argument ("cr_catalog_load: path is NULL"), never
 * dereferenced or read out of bounds. */
#ifndef CR_ARGS_H
#define CR_ARGS_H

#include <stdbool.h>

#include "certreport/error.h"

/* Report |arg| of |fn| as NULL (CR_EUSAGE into |err|, which may be NULL). Returns true. */
bool cr_arg_null(cr_error *err, const char *fn, const char *arg);
/* Report |arg| of |fn| as out of range: |value| is not below |count|. Returns true. */
bool cr_arg_range(cr_error *err, const char *fn, const char *arg, long long value,
                  unsigned long long count);

/* True (with |err| set) when pointer |p| is NULL: `if (CR_ARG_NULL(path, err)) return NULL;` */
#define CR_ARG_NULL(p, err) ((p) == NULL ? ((void)cr_arg_null((err), __func__, #p), true) : false)
/* True (with |err| set) when index or enum |v| is not below |n| (a negative enum is above). */
#define CR_ARG_RANGE(v, n, err)                                                                    \
    ((unsigned long long)(v) >= (unsigned long long)(n)                                            \
         ? ((void)cr_arg_range((err), __func__, #v, (long long)(v), (unsigned long long)(n)),      \
            true)                                                                                  \
         : false)

#endif
