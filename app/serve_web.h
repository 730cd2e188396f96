/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve: the page for cities and staff (GET /, its static files from assets/web/) and
 * the standard's texts it shows (GET /v1/catalog?lang=). Part of the program (app/serve_web.c);
 * app/serve.c routes to it. */
#ifndef CERTREPORT_SERVE_WEB_H
#define CERTREPORT_SERVE_WEB_H

#include <stdbool.h>

#include <microhttpd.h>

#include "certreport/certreport.h"

typedef struct serve_web serve_web;

/* Reads the page's files (a fixed list, from ASSETS/web/) and builds the catalog's JSON in every
 * language the installation has (assets/strings/LANG.xml with its catalog translation). Returns
 * a new set owned by the caller (serve_web_close), or NULL with |err| set. Read-only afterwards:
 * one set serves every connection thread. */
serve_web *serve_web_open(const cr_install *in, cr_error *err);
void serve_web_close(serve_web *w);

/* True when |url| is the page's: "/", one of its files, or /v1/catalog. */
bool serve_web_owns(const char *url);

/* Answers a request for such a |url| (GET or HEAD; anything else 405): the file with its type,
 * a strict Content-Security-Policy and an ETag (304 when If-None-Match has it). Sets |*status| to
 * the status queued. */
enum MHD_Result serve_web_answer(const serve_web *w, struct MHD_Connection *c, const char *url,
                                 const char *method, int *status);

#endif
