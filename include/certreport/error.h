/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the error record every stage fills in.
 *
 * One record per operation. The first problem found is kept ("sticky"); later
 * problems only bump the count, unless a sink is set, which sees every one
 * (the `validate` command prints them all). Messages fit on one line and name
 * the input file and line: "file:line: message". */
#ifndef CERTREPORT_ERROR_H
#define CERTREPORT_ERROR_H

#include "export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CR_PRINTF(f, a)
#endif

typedef enum cr_status {
    CR_OK = 0,
    CR_EINPUT = 1, /* the input is wrong: the user can fix it */
    CR_EUSAGE = 2, /* the command line or the API call is wrong */
    CR_ENOMEM = 3, /* out of memory */
    CR_EIO = 4     /* reading or writing a file failed */
} cr_status;

struct cr_error;
typedef void (*cr_error_sink)(void *data, const struct cr_error *problem);

typedef struct cr_error {
    cr_status code;     /* of the first problem; CR_OK when none */
    unsigned warning;   /* in a problem handed to a sink: 1 for a warning, 0 for an error */
    unsigned warnings;  /* warnings reported so far (they never set code) */
    char file[512];     /* input file of the first problem, "" if none */
    long line;          /* its line, 0 if unknown */
    char message[512];  /* one line, no trailing newline */
    unsigned count;     /* problems reported so far */
    cr_error_sink sink; /* optional: called for every problem */
    void *sink_data;
} cr_error;

/* Resets |e| to "no error" (keeps nothing, sink cleared). NULL: nothing to do. */
CR_API void cr_error_init(cr_error *e);

/* Reports a problem (|e| may be NULL: then nothing is kept). The first one is kept in |e|;
 * every one goes to the sink.
 * |file| may be NULL, |line| 0; a NULL |fmt| gives the message "(no message)". Returns |code| so
 * callers can `return cr_error_set(...)`. */
CR_API cr_status cr_error_set(cr_error *e, cr_status code, const char *file, long line,
                              const char *fmt, ...) CR_PRINTF(5, 6);

/* Reports a warning: something odd but not wrong (the input is still used). It never sets the
 * record's code or first problem; it bumps |warnings| and goes to the sink, if any, as a problem
 * whose |warning| is 1. |e| may be NULL. */
CR_API void cr_error_warn(cr_error *e, const char *file, long line, const char *fmt, ...)
    CR_PRINTF(4, 5);

/* Writes "file:line: message" (or "file: message", or "message") into |buf|; a warning reads
 * "file:line: warning: message". |e| NULL writes ""; |buf| NULL or |size| 0 writes nothing. */
CR_API void cr_error_format(const cr_error *e, char *buf, size_t size);

/* Copies |src| into |dst| (|size| bytes with the NUL) as one line of valid UTF-8: a newline,
 * carriage return or tab becomes "\\n", "\\r", "\\t", any other control character or a byte
 * that is not UTF-8 "\\xNN". Cut between two characters when |dst| is too small, never inside
 * one. Returns the length written. Every message of a cr_error is escaped so. */
CR_API size_t cr_escape(char *dst, size_t size, const char *src);

/* The length of the longest prefix of |s| of at most |max| bytes that ends on a UTF-8
 * character boundary. */
CR_API size_t cr_utf8_cut(const char *s, size_t max);

/* True when |e| holds a problem. Precondition: |e| is not NULL (an inline function: no check). */
static inline int cr_failed(const cr_error *e)
{
    return e->code != CR_OK;
}

#ifdef __cplusplus
}
#endif
#endif
