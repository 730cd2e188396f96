/* SPDX-License-Identifier: Apache-2.0
 *
 * An example of libcertreport's one-call API: renders one city's report against a frozen peers
 * file, as `certreport render SUBMISSION --audit AUDIT --peers PEERS -o OUT` does.
 *
 *   cc render_city.c $(pkg-config --cflags --libs certreport) -o render_city
 *   ./render_city x.submission.xml x.audit.xml peers.xml x.pdf
 */
#include <stdio.h>
#include <stdlib.h>

#include <certreport/certreport.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s SUBMISSION AUDIT|- PEERS OUT.pdf\n", argv[0]);
        return 2;
    }
    if (CERTREPORT_VERSION_MAJOR != 0)
        fprintf(stderr, "note: built for certreport %s, running with %s\n", CERTREPORT_VERSION_STRING,
                cr_version());
    cr_error err;
    cr_error_init(&err);
    cr_install *in = cr_install_open(NULL, &err); /* the installed assets, fonts and layout */
    cr_render_options opt = CR_RENDER_OPTIONS_INIT;
    const char *env = getenv("SOURCE_DATE_EPOCH"); /* as the command line does */
    if (env && *env)
        opt.created = strtoll(env, NULL, 10);
    const char *audit = argv[2][0] == '-' && !argv[2][1] ? NULL : argv[2];
    if (!in || cr_render_city_file(in, argv[1], audit, argv[3], &opt, argv[4], &err) != CR_OK) {
        char line[1200];
        cr_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        cr_install_close(in);
        return 1;
    }
    cr_install_close(in);
    return 0;
}
