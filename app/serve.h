/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve and certreport token: the HTTP service for the program's portal (app/serve.c).
 * Part of the program, not of the library: the service handles signals and sockets. */
#ifndef CERTREPORT_SERVE_H
#define CERTREPORT_SERVE_H

/* `certreport serve ...` and `certreport token ...`: |argv[0]| is the command's name. They return
 * the program's exit status. */
int cr_cli_serve(int argc, char **argv);
int cr_cli_token(int argc, char **argv);

#endif
