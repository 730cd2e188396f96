/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: what the shared library exports. Built with -fvisibility=hidden, the library
 * exports exactly the functions its public headers declare with CR_API; tests/symbols_test.sh
 * compares the two. */
#ifndef CERTREPORT_EXPORT_H
#define CERTREPORT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define CR_API __attribute__((visibility("default")))
#else
#define CR_API
#endif

#endif
