/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the one-call API for the common case. Open an installation once (it finds its
 * assets, fonts, catalog, layout and string tables), then render any city against a frozen peers
 * file, to memory or to a file, with the options the command line has. The same inputs give the
 * same bytes as `certreport render`.
 *
 *     cr_error err;
 *     cr_error_init(&err);
 *     cr_install *in = cr_install_open(NULL, &err);        // NULL: find the installed assets
 *     cr_render_options opt = CR_RENDER_OPTIONS_INIT;       // tagged PDF, the city's language
 *     cr_buffer pdf = {0};
 *     if (in && cr_render_city(in, "x.submission.xml", "x.audit.xml", "peers.xml", &opt, &pdf,
 *                              &err) == CR_OK)
 *         ... pdf.data, pdf.len ...
 *     cr_buffer_free(&pdf);
 *     cr_install_close(in);
 *
 * An installation is immutable after it is opened: renders may run in parallel threads, each
 * with its own cr_error and buffer. */
#ifndef CERTREPORT_API_H
#define CERTREPORT_API_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "error.h"
#include "render.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_install cr_install;

/* Opens the installation whose assets are in |assets_dir| (the folder holding catalog-*.xml,
 * schemas/ and strings/, with fonts/ and layouts/ in it or beside it). NULL: $CERTREPORT_ASSETS,
 * else share/certreport beside the library's own lib folder (so a moved installation still
 * works), else the data folder it was installed to. Returns NULL with |err| set (CR_EIO when a
 * file is missing). Free with cr_install_close. */
CR_API cr_install *cr_install_open(const char *assets_dir, cr_error *err);
CR_API void cr_install_close(cr_install *in);

/* Loads every language's string table and translated catalog into |in| now (at most
 * CR_PRELOAD_MAX languages), so that the renders that follow (cr_render_city*) do not load their
 * own: for a process that makes many reports, such as a service. Call it before sharing |in|
 * between threads or processes; the output is the same with or without it. CR_OK when done (or
 * done before); CR_EIO when the strings folder cannot be read; a table that does not load sets
 * |err| as cr_strings_load does (the ones loaded before it stay). CR_EUSAGE for a NULL |in|. */
#define CR_PRELOAD_MAX 16
CR_API cr_status cr_install_preload(cr_install *in, cr_error *err);

/* The folder it found (borrowed). These three return NULL for a NULL |in|. */
CR_API const char *cr_install_assets(const cr_install *in);
/* The catalog (borrowed), for callers that score or validate with the lower-level API. */
CR_API const cr_catalog *cr_install_catalog(const cr_install *in);
CR_API const cr_schemas *cr_install_schemas(const cr_install *in);

/* cr_output_format and cr_backend: render.h. */
typedef struct cr_render_options {
    cr_output_format format; /* PDF (default), or one PNG / SVG page (see page) */
    cr_backend backend;      /* haru (default for PDF; PNG and SVG are always cairo) */
    const char *lang;        /* "en", "es", "pt", "fr"; NULL: the submission's when translated */
    bool untagged;           /* a plain PDF instead of the tagged (accessible) one */
    long long created;       /* the document date (seconds since 1970); < 0: from the inputs */
    const char *layout;      /* another layout file; NULL: the installation's default */
    size_t page;             /* PNG and SVG: the page (0-based) */
    double dpi;              /* PNG: resolution; 0 means 96 */
} cr_render_options;

#define CR_RENDER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        CR_OUTPUT_PDF, CR_BACKEND_HARU, NULL, false, -1, NULL, 0, 0                                \
    }

/* Renders one city: |submission| and its |audit| log (NULL: none) against the frozen statistics
 * of |peers| (certreport stats -o). On success |out| holds the file (the caller frees it with
 * cr_buffer_free); on failure it is empty and |err| says why ("file:line: message"; warnings
 * about odd input go to |err|'s sink and never fail the call). |opt| NULL: the defaults.
 * CR_EUSAGE, before any file is read, when |in|, |submission|, |peers| or |out| is NULL or
 * opt->format or opt->backend is not one of the enum's values. */
CR_API cr_status cr_render_city(const cr_install *in, const char *submission, const char *audit,
                                const char *peers, const cr_render_options *opt, cr_buffer *out,
                                cr_error *err);

/* The same from memory: the submission, the audit log (NULL: none) and the peers file as bytes
 * (a request body), each named for messages. */
CR_API cr_status cr_render_city_buffers(const cr_install *in, const char *submission,
                                        size_t submission_len, const char *audit, size_t audit_len,
                                        const char *peers, size_t peers_len,
                                        const cr_render_options *opt, cr_buffer *out,
                                        cr_error *err);

/* Renders and writes |path| atomically (never a half-written file). */
CR_API cr_status cr_render_city_file(const cr_install *in, const char *submission,
                                     const char *audit, const char *peers,
                                     const cr_render_options *opt, const char *path, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
