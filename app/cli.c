/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the command-line program. Parses arguments, finds the assets, runs the library
 * and maps its errors to exit statuses: 0 success, 1 bad input (or a file that cannot be read
 * or written), 2 wrong usage. Messages go to stderr as "file:line: message". */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "certreport/certreport.h"
#include "batch_plan.h"
#include "batch_run.h"
#include "cohort_compact.h"
#include "fileio.h"
#include "serve.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2

typedef struct options {
    const char *assets;  /* --assets DIR */
    const char *peers;   /* --peers FILE */
    const char *cohort;  /* --cohort DIR */
    const char *format;  /* --format pdf|png|svg */
    const char *backend; /* --backend haru|cairo */
    const char *layout;  /* --layout FILE */
    bool dump;
    const char *catalog; /* --catalog FILE */
    const char *audit;   /* --audit FILE */
    const char *output;  /* -o FILE */
    bool json;
    const char *jobs;     /* -j N */
    bool force;           /* --force */
    const char *shard;    /* --shard K/N */
    const char *previous; /* --previous DIR or FILE */
    bool quiet;           /* --quiet */
    const char *lang;     /* --lang CODE */
    int accessible;       /* --accessible 1, --no-accessible -1, else 0 */
    bool strict;          /* --strict: warnings are errors */
    bool wait;            /* --wait: another run holds the output folder: wait for it */
} options;

/* Everything a command needs from the assets, loaded once. */
typedef struct env {
    char assets[PATH_MAX];
    char catalog_path[PATH_MAX + 64];
    cr_schemas *schemas;
    cr_catalog *catalog;
} env;

static const char *prog = "certreport";

static cr_status load_fonts(const env *e, const char *layout, cr_layout_spec **spec,
                            cr_fonts **fonts, cr_error *err);

static void print_error(const cr_error *e)
{
    char line[1200];
    cr_error_format(e, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

static void sink_print(void *data, const cr_error *problem)
{
    (void)data;
    print_error(problem);
}

/* For commands that print their one error at the end: every warning as it comes. */
static void sink_warnings(void *data, const cr_error *problem)
{
    (void)data;
    if (problem->warning)
        print_error(problem);
}

/* With --strict, warnings fail the command (before any output is written). */
static bool strict_failed(const options *o, const cr_error *err, const char *what)
{
    if (!o->strict || err->warnings == 0)
        return false;
    fprintf(stderr, "%s: %u warning%s, treated as errors (--strict)\n", what, err->warnings,
            err->warnings == 1 ? "" : "s");
    return true;
}

/* All of |f| (at most the input size cap), or NULL with |err| set. */
static char *read_stream(FILE *f, const char *name, size_t *len, cr_error *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
        if (n > CR_INPUT_MAX_BYTES) {
            free(buf);
            cr_error_set(err, CR_EINPUT, name, 0, "input is too large (the limit is %u bytes)",
                         (unsigned)CR_INPUT_MAX_BYTES);
            return NULL;
        }
        if (n == cap) {
            char *g = realloc(buf, cap * 2);
            if (!g)
                break;
            buf = g;
            cap *= 2;
        }
    }
    if (!buf || ferror(f)) {
        bool oom = !buf;
        free(buf);
        cr_error_set(err, oom ? CR_ENOMEM : CR_EIO, name, 0,
                     oom ? "out of memory" : "cannot read it");
        return NULL;
    }
    *len = n;
    return buf;
}

/* A city's assessment from its files; "-" for one of them reads it from standard input. */
static cr_status load_assessment(cr_assessment *a, const char *sub, const char *audit,
                                 const cr_catalog *cat, const cr_schemas *schemas, cr_error *err)
{
    bool sub_in = strcmp(sub, "-") == 0, audit_in = audit && strcmp(audit, "-") == 0;
    if (!sub_in && !audit_in)
        return cr_assessment_load(a, sub, audit, cat, schemas, err);
    memset(a, 0, sizeof *a);
    size_t len;
    if (sub_in && audit_in) {
        cr_error_set(err, CR_EUSAGE, NULL, 0, "only one input can come from standard input (-)");
        return CR_EUSAGE;
    }
    char *in = read_stream(stdin, "<stdin>", &len, err);
    if (!in)
        return err->code != CR_OK ? err->code : CR_EIO;
    size_t flen = 0;
    char *file = NULL;
    const char *other = sub_in ? audit : sub;
    if (other) {
        FILE *f = fopen(other, "rb");
        if (!f) {
            free(in);
            cr_error_set(err, CR_EIO, other, 0, "cannot read: %s", strerror(errno));
            return CR_EIO;
        }
        file = read_stream(f, other, &flen, err);
        fclose(f);
        if (!file) {
            free(in);
            return err->code != CR_OK ? err->code : CR_EIO;
        }
    }
    cr_status st =
        sub_in ? cr_assessment_parse(a, in, len, "<stdin>", file, flen, other, cat, schemas, err)
               : cr_assessment_parse(a, file, flen, other, in, len, "<stdin>", cat, schemas, err);
    free(in);
    free(file);
    return st;
}

/* After a usage error: the command's usage lines (its help up to the first blank line) and where
 * the rest is, not the whole help. */
static void print_brief(const char *usage)
{
    const char *end = strstr(usage, "\n\n");
    fprintf(stderr, "%.*s\n", (int)(end ? end - usage : (ptrdiff_t)strlen(usage)), usage);
    fprintf(stderr, "(%s COMMAND --help: the options of a command; %s --help: the commands)\n",
            prog, prog);
}

/* |path| without trailing slashes ("/" stays), in place: a folder as the user typed it. */
static char *trim_slashes(char *path)
{
    size_t n = path ? strlen(path) : 0;
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    return path;
}

/* After a cairo PDF was written: it is not tagged, and the program says so (once, on success, so
 * a failure still prints one line). */
static void cairo_note(cr_backend backend, cr_output_format format)
{
    if (backend == CR_BACKEND_CAIRO && format == CR_OUTPUT_PDF)
        fprintf(stderr,
                "%s: note: the cairo PDF is not tagged, so not accessible to screen readers; "
                "the default (haru) backend writes an accessible PDF\n",
                prog);
}

static int exit_for(const cr_error *e)
{
    return e->code == CR_EUSAGE ? EXIT_USAGE : EXIT_INPUT;
}

/* SIGINT, SIGTERM and SIGHUP during stats, cohort and render --cohort: the handler only notes
 * the signal; the library asks (cr_cohort_run.cancelled, cr_batch_options.cancelled) between
 * cities and stops, and the command exits 128 + the signal without writing anything. The one
 * piece of global mutable state the program has: a signal handler can reach nothing else.
 * (batch reads its signals from a signalfd: app/batch_run.c.) */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking call returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static bool stop_requested(void *data)
{
    (void)data;
    return stop_signal != 0;
}

/* Says that |cmd| was stopped by a signal and returns its exit status. */
static int stopped(const char *cmd)
{
    fprintf(stderr, "%s %s: stopped by signal %d; nothing written\n", prog, cmd, (int)stop_signal);
    return 128 + (int)stop_signal;
}

/* After the statistics of a cohort folder: the one line every command prints about them (stats
 * always: they are its product; the others when the folder was not read whole), then --strict.
 * Returns 0, or EXIT_INPUT when the statistics cannot be used. The line is made here but, when
 * *line is given, handed back for the caller to print once its output is written (so a failure
 * to write stays the one message). */
static int cohort_outcome(const char *cmd, const cr_peers *p, const cr_error *err, bool strict,
                          char **line)
{
    if (p->used == 0) {
        fprintf(stderr,
                "%s %s: no valid city in the cohort folder (%zu left out); nothing written\n", prog,
                cmd, p->nleft_out);
        return EXIT_INPUT;
    }
    char *text = NULL;
    if (strcmp(cmd, "stats") == 0 || err->warnings || p->nleft_out) {
        if (!(text = cr_cohort_summary(p))) {
            fprintf(stderr, "%s %s: out of memory\n", prog, cmd);
            return EXIT_INPUT;
        }
    }
    if (strict && (err->warnings || p->nleft_out)) {
        fprintf(stderr, "%s %s: %s\n", prog, cmd, text);
        fprintf(stderr, "%s %s: --strict: %u warning%s and %zu cit%s left out; nothing written\n",
                prog, cmd, err->warnings, err->warnings == 1 ? "" : "s", p->nleft_out,
                p->nleft_out == 1 ? "y" : "ies");
        free(text);
        return EXIT_INPUT;
    }
    if (line) {
        *line = text;
    } else {
        if (text)
            fprintf(stderr, "%s %s: %s\n", prog, cmd, text);
        free(text);
    }
    return 0;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- inputs are never outputs ---- */

/* Whether |out| is the very file (or folder) |in| is, after every link: the same st_dev and
 * st_ino. "-" (a stream) is never the same as a file. */
static bool same_file(const char *out, const char *in)
{
    struct stat a, b;
    if (!out || !in || strcmp(out, "-") == 0 || strcmp(in, "-") == 0)
        return false;
    return stat(out, &a) == 0 && stat(in, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino && (S_ISREG(b.st_mode) || S_ISDIR(b.st_mode));
}

/* Whether |out| is one of the XML files of the cohort folder |dir| (or the folder itself). Only
 * a name whose inode number the listing gives as |out|'s is looked at (at 100,000 cities, one
 * lstat per file made a run over an existing peers file 170,000 system calls longer). */
static bool cohort_file(const char *out, const char *dir)
{
    struct stat o;
    if (!out || !dir || strcmp(out, "-") == 0 || stat(out, &o) != 0)
        return false;
    if (same_file(out, dir))
        return true;
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 4 || strcmp(de->d_name + n - 4, ".xml") != 0 || de->d_ino != o.st_ino)
            continue;
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        found = lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == o.st_dev &&
                st.st_ino == o.st_ino;
    }
    closedir(d);
    return found;
}

/* Refuses an output that is one of the command's inputs (a usage error, exit 2, before anything
 * is read or written): |inputs| are pairs of (what, path), NULL-terminated; |cohort| a cohort
 * folder whose files are inputs too. Names are printed escaped. */
static int output_not_input(const char *cmd, const char *out, const char *const *inputs,
                            const char *cohort, const char *usage)
{
    const char *what = NULL;
    for (size_t i = 0; inputs[i]; i += 2)
        if (inputs[i + 1] && same_file(out, inputs[i + 1])) {
            what = inputs[i];
            break;
        }
    if (!what && cohort && cohort_file(out, cohort))
        what = "a file of the cohort folder";
    if (!what)
        return 0;
    char name[1024];
    cr_escape(name, sizeof name, out);
    fprintf(stderr, "%s %s: -o %s is an input (%s); it was left as it is: give another output\n",
            prog, cmd, name, what);
    print_brief(usage);
    return EXIT_USAGE;
}

/* The assets folder: --assets, else $CERTREPORT_ASSETS, else the installed share folder next to
 * the program (bin/../share/certreport), else the source tree the program was built from. */
static bool find_assets(const options *o, char *out, size_t size)
{
    const char *env_dir = getenv("CERTREPORT_ASSETS");
    if (o->assets) {
        snprintf(out, size, "%s", o->assets);
        return is_dir(out);
    }
    if (env_dir && *env_dir) {
        snprintf(out, size, "%s", env_dir);
        return is_dir(out);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int w = snprintf(out, size, "%s/../share/certreport", exe);
            if (w > 0 && (size_t)w < size && is_dir(out))
                return true;
        }
    }
    snprintf(out, size, "%s", CERTREPORT_SOURCE_ASSETS);
    return is_dir(out);
}

static int env_open(env *e, const options *o, cr_error *err)
{
    memset(e, 0, sizeof *e);
    if (!find_assets(o, e->assets, sizeof e->assets)) {
        fprintf(stderr, "%s: assets folder not found (%s); use --assets DIR or CERTREPORT_ASSETS\n",
                prog, e->assets);
        return EXIT_INPUT;
    }
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/schemas", e->assets);
    if (!(e->schemas = cr_schemas_load(path, err))) {
        print_error(err);
        return EXIT_INPUT;
    }
    if (o->catalog)
        snprintf(e->catalog_path, sizeof e->catalog_path, "%s", o->catalog);
    else
        snprintf(e->catalog_path, sizeof e->catalog_path, "%s/%s", e->assets,
                 CERTREPORT_DEFAULT_CATALOG);
    if (!(e->catalog = cr_catalog_load(e->catalog_path, e->schemas, err))) {
        print_error(err);
        return EXIT_INPUT;
    }
    return 0;
}

static void env_close(env *e)
{
    cr_catalog_free(e->catalog);
    cr_schemas_free(e->schemas);
}

/* ---- help ---- */

static const char *const usage_main =
    "usage: certreport COMMAND [OPTIONS] ...\n"
    "\n"
    "Scores a city's certification self-assessment and compares it with its peers.\n"
    "\n"
    "commands:\n"
    "  validate FILE...             check submissions, audit logs, catalogs and peers files\n"
    "  score SUBMISSION [--audit FILE] [--json]\n"
    "                               the audited scorecard of one city\n"
    "  stats COHORT_DIR [-o PEERS] [--json] [--strict]\n"
    "                               peer statistics of a cohort folder\n"
    "  render SUBMISSION [--audit FILE] (--peers FILE | --cohort DIR) -o OUT\n"
    "         [--format pdf|png|svg] [--backend haru|cairo] [--layout FILE] [--previous FILE]\n"
    "         [--dump]              the city's status report\n"
    "  batch COHORT_DIR -o OUT_DIR [-j N] [--peers FILE] [--format pdf|png] [--force]\n"
    "        [--shard K/N] [--previous DIR] [--no-accessible] [--quiet] [--wait]\n"
    "                               every city's report, in parallel, re-rendering only\n"
    "                               what changed\n"
    "  cohort COHORT_DIR -o OVERVIEW.pdf [--peers FILE]\n"
    "                               the staff's overview of a cohort\n"
    "  merge OUT_DIR [--wait]       the shards' manifests as one run's\n"
    "  serve --peers PEERS [--tokens FILE] [--listen HOST:PORT]\n"
    "                               the HTTP service for the portal\n"
    "  token new NAME (--staff | --city ID...) [--tokens FILE]\n"
    "                               a new access token for serve\n"
    "\n"
    "common options:\n"
    "  --catalog FILE   edition of the standard (default: assets/" CERTREPORT_DEFAULT_CATALOG ")\n"
    "  --assets DIR     assets folder (default: $CERTREPORT_ASSETS or the installed one)\n"
    "  -h, --help       help for a command: certreport COMMAND --help\n"
    "  --version        print the version\n"
    "\n"
    "exit status: 0 success, 1 bad input, 2 wrong usage\n";

static const char *const usage_validate =
    "usage: certreport validate [--catalog FILE] [--assets DIR] FILE...\n"
    "\n"
    "Checks each file (a submission, audit log, catalog or peers file, told apart by its root\n"
    "element) against its schema and the catalog, and prints every problem as file:line: message.\n"
    "Exit status 1 if any file has a problem.\n";

static const char *const usage_score =
    "usage: certreport score SUBMISSION [--audit FILE] [--json] [--catalog FILE] [--assets DIR]\n"
    "\n"
    "Applies the audit log (if given) to the submission and prints the scorecard: criteria met,\n"
    "per-area percentages, the tier the assessment qualifies for, the tier awarded, what blocks\n"
    "the next tier, and criteria needing re-review. --json prints it as a JSON object.\n"
    "SUBMISSION or the audit log may be - (standard input). --strict: warnings are errors.\n";

static const char *const usage_stats =
    "usage: certreport stats COHORT_DIR [-o PEERS] [--json] [-j N] [--strict] [--catalog FILE]\n"
    "                        [--assets DIR]\n"
    "\n"
    "Scores every city of COHORT_DIR (ID.submission.xml, each with an optional ID.audit.xml) and\n"
    "computes the peer statistics: applicants and average score per region and population band,\n"
    "and per criterion the share of applicants (all, and of each band) whose audited answer is "
    "yes.\n"
    "-o writes them to a peers file (for reports regenerated later against the same cohort);\n"
    "--json prints them.\n"
    "\n"
    "Only regular files count: a FIFO, device, link or folder named like a city's file, an audit\n"
    "log without its submission and any other NAME.xml are skipped with a warning. A city whose\n"
    "files are invalid is named (file:line: message) and left out; the statistics are over the\n"
    "others, and the peers file records how many cities were used and which were left out.\n"
    "Exit status 0. --strict: any warning or city left out is an error (exit 1, nothing "
    "written).\n"
    "-j N: cities read in N threads (default: the CPUs this process may use); the output is the\n"
    "same for any N.\n";

static const char *const usage_render =
    "usage: certreport render SUBMISSION [--audit FILE] (--peers FILE | --cohort DIR [--strict]) "
    "-o OUT\n"
    "                         [--format pdf|png|svg] [--backend haru|cairo] [--layout FILE]\n"
    "                         [--previous FILE] [--lang en|es|pt|fr] [--no-accessible] [--dump]\n"
    "\n"
    "Lays out the city's \"Your Status Report\" and writes it to OUT. The peers are a frozen "
    "peers\n"
    "file (certreport stats -o) or computed from a cohort folder, read as stats reads it "
    "(--strict\n"
    "as there). --format png writes the folder OUT of the pages (OUT/1.png ... N.png, 96 dpi),\n"
    "put in place as one unit: a new set replaces the old one whole, a failure leaves it as it "
    "was;\n"
    "svg writes the first page. -o naming an input file is a usage error. --backend: haru "
    "(libharu, the default for PDF) or cairo (PDF, PNG,\n"
    "SVG). --dump prints the display list as text instead. The document date comes from\n"
    "SOURCE_DATE_EPOCH, else the audit log's latest event, else the submission date: the same\n"
    "inputs always give the same bytes.\n"
    "--previous FILE: the city's submission of an earlier cycle (with its ID.audit.xml beside it,\n"
    "if there is one): the report shows per area the change since then and the criteria newly\n"
    "met or no longer met.\n"
    "SUBMISSION or --audit may be - (standard input); -o - writes the PDF or SVG to standard\n"
    "output. --strict: warnings (odd but usable input) are errors, and nothing is written.\n"
    "--lang: the report's language (default: the submission's lang when translated, else en).\n"
    "The PDF is tagged for screen readers (headings, tables with header cells, lists, charts\n"
    "described in words, the language, bookmarks) by default with the haru backend;\n"
    "--no-accessible writes it untagged. The cairo backend does not tag.\n";

static const char *const usage_batch =
    "usage: certreport batch COHORT_DIR -o OUT_DIR [-j N] [--peers FILE] [--format pdf|png]\n"
    "                        [--backend haru|cairo] [--layout FILE] [--force] [--shard K/N]\n"
    "                        [--previous DIR] [--lang en|es|pt|fr] [--no-accessible] [--quiet]\n"
    "                        [--strict] [--wait]\n"
    "\n"
    "Renders the report of every city of COHORT_DIR into OUT_DIR (ID.pdf, or the folder ID.png.d\n"
    "of its pages 1.png ... N.png, put in place as one unit), with N worker processes (default:\n"
    "one per core). First every city is scored and the peer statistics computed over the valid\n"
    "ones (or --peers loads a frozen peers file); then the reports are rendered against them.\n"
    "The folder is read as stats reads it: a city whose files are invalid is reported as\n"
    "file:line: message and skipped; the others render (--strict: any warning or city left out\n"
    "stops the run before rendering). Each report is\n"
    "written to a temporary file and renamed when complete: an interrupted run keeps every\n"
    "existing report whole. One run at a time writes to OUT_DIR (it holds "
    "OUT_DIR/.certreport.lock;\n"
    "another is refused, or waits with --wait); it removes the temporary files a killed run left.\n"
    "\n"
    "OUT_DIR/manifest.csv and manifest.json list every city (scores, tiers, status, file, bytes,\n"
    "and the hash of everything that went into its report). A report is re-rendered only when\n"
    "that hash changed (its submission, audit log, the peers, layout, catalog, fonts, strings,\n"
    "the options or the program version) or the report on disk is not the one the manifest names\n"
    "(its size and content hash); --force re-renders all.\n"
    "\n"
    "  --shard K/N      render only the K-th of N slices (by a stable hash of the city id);\n"
    "                   needs --peers so every slice uses the same statistics; the manifest is\n"
    "                   OUT_DIR/manifest-K-of-N.csv; certreport merge OUT_DIR joins them\n"
    "  --wait           another run writes to OUT_DIR: wait for it (default: refuse)\n"
    "  --previous DIR   the previous cycle's cohort folder: each report shows the change since\n"
    "                   the city's previous assessment\n"
    "  --lang L         every report in language L (default: each submission's own when\n"
    "                   translated, else English)\n"
    "  --no-accessible  untagged PDFs (by default the haru backend tags them for screen readers)\n"
    "  --quiet          no progress (a bar on a terminal, else a line every 5 seconds)\n"
    "\n"
    "Exit status: 0 all rendered or unchanged, 1 a city failed or the output could not be "
    "written,\n"
    "2 wrong usage, 128+N when stopped by signal N.\n";

enum {
    OPT_CATALOG = 256,
    OPT_ASSETS,
    OPT_AUDIT,
    OPT_JSON,
    OPT_VERSION,
    OPT_PEERS,
    OPT_COHORT,
    OPT_FORMAT,
    OPT_BACKEND,
    OPT_LAYOUT,
    OPT_DUMP,
    OPT_FORCE,
    OPT_SHARD,
    OPT_PREVIOUS,
    OPT_QUIET,
    OPT_LANG,
    OPT_ACCESSIBLE,
    OPT_NO_ACCESSIBLE,
    OPT_STRICT,
    OPT_WAIT
};

static const struct option long_opts[] = {
    {"catalog", required_argument, NULL, OPT_CATALOG},
    {"assets", required_argument, NULL, OPT_ASSETS},
    {"audit", required_argument, NULL, OPT_AUDIT},
    {"json", no_argument, NULL, OPT_JSON},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"peers", required_argument, NULL, OPT_PEERS},
    {"cohort", required_argument, NULL, OPT_COHORT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"layout", required_argument, NULL, OPT_LAYOUT},
    {"dump", no_argument, NULL, OPT_DUMP},
    {"jobs", required_argument, NULL, 'j'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"previous", required_argument, NULL, OPT_PREVIOUS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"lang", required_argument, NULL, OPT_LANG},
    {"accessible", no_argument, NULL, OPT_ACCESSIBLE},
    {"no-accessible", no_argument, NULL, OPT_NO_ACCESSIBLE},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"wait", no_argument, NULL, OPT_WAIT},
    {NULL, 0, NULL, 0},
};

/* Parses the options of a command. Returns -1 to go on, else the exit status. |allowed| lists
 * the option codes the command takes. */
static int parse_options_(int argc, char **argv, options *o, const char *usage, const int *allowed)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:h", long_opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (c == OPT_VERSION) {
            printf("certreport %s\n", CERTREPORT_VERSION);
            return 0;
        }
        bool ok = c != '?' && c != ':';
        if (ok) {
            ok = false;
            for (const int *a = allowed; *a; a++)
                ok |= *a == c;
        }
        if (!ok) {
            fprintf(stderr, "%s %s: unknown or misplaced option %s\n", prog, argv[0],
                    argv[optind - 1]);
            print_brief(usage);
            return EXIT_USAGE;
        }
        switch (c) {
        case OPT_CATALOG:
            o->catalog = optarg;
            break;
        case OPT_ASSETS:
            o->assets = optarg;
            break;
        case OPT_AUDIT:
            o->audit = optarg;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case 'o':
            o->output = optarg;
            break;
        case OPT_PEERS:
            o->peers = optarg;
            break;
        case OPT_COHORT:
            o->cohort = optarg;
            break;
        case OPT_FORMAT:
            o->format = optarg;
            break;
        case OPT_BACKEND:
            o->backend = optarg;
            break;
        case OPT_ACCESSIBLE:
            o->accessible = 1;
            break;
        case OPT_NO_ACCESSIBLE:
            o->accessible = -1;
            break;
        case OPT_LAYOUT:
            o->layout = optarg;
            break;
        case OPT_DUMP:
            o->dump = true;
            break;
        case 'j':
            o->jobs = optarg;
            break;
        case OPT_FORCE:
            o->force = true;
            break;
        case OPT_SHARD:
            o->shard = optarg;
            break;
        case OPT_PREVIOUS:
            o->previous = optarg;
            break;
        case OPT_QUIET:
            o->quiet = true;
            break;
        case OPT_LANG:
            o->lang = optarg;
            break;
        case OPT_STRICT:
            o->strict = true;
            break;
        case OPT_WAIT:
            o->wait = true;
            break;
        default:
            break;
        }
    }
    return -1;
}

/* Parses the options, then checks the ones with a fixed shape. */
static int parse_options(int argc, char **argv, options *o, const char *usage, const int *allowed)
{
    int rc = parse_options_(argc, argv, o, usage, allowed);
    if (rc < 0 && o->lang &&
        !(strlen(o->lang) == 2 && o->lang[0] >= 'a' && o->lang[0] <= 'z' && o->lang[1] >= 'a' &&
          o->lang[1] <= 'z')) {
        fprintf(stderr, "%s %s: --lang takes a two-letter language code (en, es, pt, fr)\n", prog,
                argv[0]);
        print_brief(usage);
        return EXIT_USAGE;
    }
    return rc;
}
/* ---- validate ---- */

static int validate_one(const env *e, const cr_fonts *fonts, const char *path, cr_error *err)
{
    /* The root element says which format the file claims to be. */
    cr_catalog *cat = NULL;
    cr_submission *s = NULL;
    cr_audit_log *a = NULL;
    cr_peers *p = NULL;
    switch (cr_input_kind(path, err)) {
    case CR_KIND_SUBMISSION:
        s = cr_submission_load(path, e->catalog, e->schemas, err);
        break;
    case CR_KIND_AUDIT:
        a = cr_audit_load(path, e->catalog, e->schemas, err);
        break;
    case CR_KIND_CATALOG:
        cat = cr_catalog_load(path, e->schemas, err);
        break;
    case CR_KIND_PEERS:
        p = cr_peers_load(path, e->catalog, e->schemas, err);
        break;
    case CR_KIND_UNKNOWN:
        break;
    }
    bool ok = cat || s || a || p;
    if (ok && (s || a)) /* characters no font has: a warning each, as score and render print */
        cr_fonts_check_inputs(fonts, s, a, err);
    cr_catalog_free(cat);
    cr_submission_free(s);
    cr_audit_free(a);
    cr_peers_free(p);
    return ok ? 0 : EXIT_INPUT;
}

static int cmd_validate(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG, OPT_ASSETS, OPT_STRICT, 0};
    int rc = parse_options(argc, argv, &o, usage_validate, allowed);
    if (rc >= 0)
        return rc;
    if (optind >= argc) {
        fprintf(stderr, "%s validate: no files given\n", prog);
        print_brief(usage_validate);
        return EXIT_USAGE;
    }
    cr_error err;
    cr_error_init(&err);
    env e;
    if ((rc = env_open(&e, &o, &err)) != 0) {
        env_close(&e);
        return rc;
    }
    cr_layout_spec *spec = NULL;
    cr_fonts *fonts = NULL;
    if (load_fonts(&e, NULL, &spec, &fonts, &err) != CR_OK) {
        print_error(&err);
        cr_layout_spec_free(spec);
        env_close(&e);
        return exit_for(&err);
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cr_error one;
        cr_error_init(&one);
        one.sink = sink_print;
        if (validate_one(&e, fonts, argv[i], &one) != 0 || strict_failed(&o, &one, argv[i]))
            status = EXIT_INPUT;
        else if (one.warnings)
            printf("%s: ok, %u warning%s\n", argv[i], one.warnings, one.warnings == 1 ? "" : "s");
        else
            printf("%s: ok\n", argv[i]);
    }
    cr_fonts_free(fonts);
    cr_layout_spec_free(spec);
    env_close(&e);
    return status;
}

/* ---- score ---- */

static void print_codes(const cr_catalog *cat, const size_t *idx, size_t n)
{
    if (n == 0)
        fputs("none", stdout);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", cat->criteria[idx[i]].code);
}

static void print_scorecard(const cr_assessment *a, const cr_catalog *cat)
{
    const cr_submission *s = a->submission;
    const cr_scorecard *sc = &a->score;
    printf("%s (%s", s->city.name, s->city.country);
    if (sc->region != CR_NONE)
        printf(", %s", cat->regions[sc->region].name);
    if (sc->band != CR_NONE)
        printf(", %s", cat->bands[sc->band].name);
    printf("), cycle %d\n", s->cycle);
    if (sc->eligibility == CR_INELIGIBLE_REGION)
        printf("Not eligible: %s is outside the program's regions\n", s->city.country);
    else if (sc->eligibility == CR_INELIGIBLE_POPULATION)
        printf("Not eligible: population %ld is below %ld\n", s->city.population,
               cat->min_population);
    printf("Criteria met: %u of %u (%u%%)%s\n", sc->met, sc->total, sc->percent,
           sc->verification ? "" : " - below the verification threshold");
    printf("Qualifies for: %s\n", sc->tier == CR_NONE ? "no tier" : cat->tiers[sc->tier].name);
    printf("Awarded: %s\n",
           sc->awarded == CR_NONE ? "not yet certified" : cat->tiers[sc->awarded].name);
    for (size_t k = 0; k < sc->nareas; k++)
        printf("  %-5s %-32s %2u/%-2u %3u%%\n", cat->areas[k].code, cat->areas[k].name,
               sc->areas[k].met, sc->areas[k].total, sc->areas[k].percent);
    fputs("Core criteria missing: ", stdout);
    print_codes(cat, sc->core_missing, sc->ncore_missing);
    fputs("\nResident outcomes: ", stdout);
    for (size_t o = 0; o < cat->noutcomes; o++)
        printf("%s%s %s", o ? ", " : "", cat->outcomes[o].id,
               sc->outcome_met[o] ? "met" : "not met");
    fputs("\nChanged by the review: ", stdout);
    print_codes(cat, sc->changed, sc->nchanged);
    fputs("\nNeeds re-review: ", stdout);
    print_codes(cat, sc->stale, sc->nstale);
    putchar('\n');
    const cr_next_tier *n = &sc->next;
    if (n->tier != CR_NONE) {
        printf("Next tier (%s): %u more criteria", cat->tiers[n->tier].name, n->more_criteria);
        if (n->nmissing) {
            fputs("; must meet ", stdout);
            print_codes(cat, n->missing, n->nmissing);
        }
        if (n->more_outcomes) {
            printf("; %u more resident outcome%s (", n->more_outcomes,
                   n->more_outcomes > 1 ? "s" : "");
            for (size_t o = 0; o < n->noutcomes; o++)
                printf("%s%s", o ? ", " : "", cat->outcomes[n->outcomes[o]].id);
            putchar(')');
        }
        putchar('\n');
    }
}

static int cmd_score(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG, OPT_ASSETS, OPT_STRICT, OPT_AUDIT, OPT_JSON, 0};
    int rc = parse_options(argc, argv, &o, usage_score, allowed);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1) {
        fprintf(stderr, "%s score: give exactly one submission\n", prog);
        print_brief(usage_score);
        return EXIT_USAGE;
    }
    cr_error err;
    cr_error_init(&err);
    env e;
    if ((rc = env_open(&e, &o, &err)) != 0) {
        env_close(&e);
        return rc;
    }
    cr_assessment a;
    err.sink = sink_warnings;
    cr_layout_spec *spec = NULL;
    cr_fonts *fonts = NULL;
    if (load_assessment(&a, argv[optind], o.audit, e.catalog, e.schemas, &err) != CR_OK) {
        print_error(&err);
        env_close(&e);
        return exit_for(&err);
    }
    if (load_fonts(&e, NULL, &spec, &fonts, &err) != CR_OK) {
        print_error(&err);
        cr_layout_spec_free(spec);
        cr_assessment_free(&a);
        env_close(&e);
        return exit_for(&err);
    }
    /* Characters no font has: warnings, as validate and render print. */
    cr_fonts_check_inputs(fonts, a.submission, a.log, &err);
    cr_fonts_free(fonts);
    cr_layout_spec_free(spec);
    if (strict_failed(&o, &err, argv[optind])) {
        cr_assessment_free(&a);
        env_close(&e);
        return EXIT_INPUT;
    }
    rc = 0;
    if (o.json) {
        char *json = cr_scorecard_json(a.audited, &a.score, &err);
        if (json)
            fputs(json, stdout);
        else
            print_error(&err), rc = EXIT_INPUT;
        free(json);
    } else {
        print_scorecard(&a, e.catalog);
    }
    cr_assessment_free(&a);
    env_close(&e);
    return rc;
}

/* ---- stats ---- */

/* -j N (1 to 256) as |*jobs|; none: the CPUs this process may use (its affinity: taskset, a
 * cgroup cpuset, a Slurm allocation). False when N is not such a number. */
static bool parse_jobs(const char *arg, unsigned *jobs)
{
    if (arg) {
        char *end;
        unsigned long n = strtoul(arg, &end, 10);
        *jobs = (unsigned)n;
        return end != arg && !*end && n >= 1 && n <= 256 && arg[0] != '-';
    }
    *jobs = cr_batch_cpu_count();
    if (*jobs > 256)
        *jobs = 256;
    return true;
}

static int cmd_stats(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG, OPT_ASSETS, OPT_STRICT, OPT_JSON, 'o', 'j', 0};
    int rc = parse_options(argc, argv, &o, usage_stats, allowed);
    if (rc >= 0)
        return rc;
    unsigned threads;
    if (!parse_jobs(o.jobs, &threads)) {
        fprintf(stderr, "%s stats: -j takes a number of threads from 1 to 256\n", prog);
        print_brief(usage_stats);
        return EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "%s stats: give exactly one cohort folder\n", prog);
        print_brief(usage_stats);
        return EXIT_USAGE;
    }
    if (!o.output && !o.json) {
        fprintf(stderr, "%s stats: say where the statistics go: -o PEERS and/or --json\n", prog);
        print_brief(usage_stats);
        return EXIT_USAGE;
    }
    cr_error err;
    cr_error_init(&err);
    env e;
    if ((rc = env_open(&e, &o, &err)) != 0) {
        env_close(&e);
        return rc;
    }
    const char *const stats_inputs[] = {"the catalog", e.catalog_path, NULL};
    if ((rc = output_not_input("stats", o.output, stats_inputs, argv[optind], usage_stats)) != 0) {
        env_close(&e);
        return rc;
    }
    catch_stop_signals();
    err.sink = sink_print; /* from here on, every warning and every city left out is named */
    /* Listed compactly (the ids alone, as the batch does): some 17 bytes a city, not 100. */
    cr_cohort *c = cr_cohort_scan_compact(argv[optind], &err);
    cr_cohort_run run = {.cancelled = stop_requested};
    cr_peers *p = c ? cr_cohort_stats_parallel(c, e.catalog, e.schemas, &run, threads, &err) : NULL;
    char *line = NULL;
    if (stop_signal)
        rc = stopped("stats");
    else if (!p)
        rc = exit_for(&err);
    else
        rc = cohort_outcome("stats", p, &err, o.strict, &line);
    char *json = rc == 0 && o.json ? cr_peers_json(p, &err) : NULL;
    if (rc == 0 && o.json && !json)
        rc = EXIT_INPUT;
    if (rc == 0 && o.output && cr_peers_save(p, o.output, &err) != CR_OK)
        rc = EXIT_INPUT;
    if (rc == 0 && json)
        fputs(json, stdout);
    if (rc == 0 && line) /* said last: a failure to write above stays the one message */
        fprintf(stderr, "%s stats: %s\n", prog, line);
    free(json);
    free(line);
    cr_peers_free(p);
    cr_cohort_free(c);
    env_close(&e);
    return rc;
}

/* ---- render ---- */

/* The layout (|layout|, else the default) and its fonts with their fallback chain: what render
 * draws with, and what validate and score check the inputs' characters against. */
static cr_status load_fonts(const env *e, const char *layout, cr_layout_spec **spec,
                            cr_fonts **fonts, cr_error *err)
{
    char fonts_dir[PATH_MAX + 64], path[PATH_MAX + 64];
    if (!cr_beside_assets(fonts_dir, sizeof fonts_dir, e->assets, "fonts"))
        return cr_error_set(err, CR_EIO, fonts_dir, 0, "fonts folder not found");
    if (!layout && !cr_beside_assets(path, sizeof path, e->assets, "layouts/default.xml"))
        return cr_error_set(err, CR_EIO, path, 0, "default layout not found");
    if (!(*spec = cr_layout_spec_load(layout ? layout : path, fonts_dir, e->schemas, err)))
        return err->code;
    if (!(*fonts = cr_layout_spec_load_fonts(*spec, err)))
        return err->code;
    return CR_OK;
}

/* SOURCE_DATE_EPOCH, or -1 when unset or not a number. */
static long long source_date(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == '\0' && v >= 0)
            return v;
    }
    return -1;
}

static long long document_date(const cr_assessment *a)
{
    long long v = source_date();
    return v >= 0 ? v : cr_assessment_date(a);
}

static int write_output(const char *path, const cr_buffer *b, cr_error *err)
{
    if (!path) /* the commands check -o before they render */
        return EXIT_USAGE;
    if (strcmp(path, "-") == 0) { /* standard output, as it is */
        if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
            cr_error_set(err, CR_EIO, "<stdout>", 0, "cannot write: %s", strerror(errno));
            print_error(err);
            return EXIT_INPUT;
        }
        return 0;
    }
    if (cr_write_file_atomic(path, b->data, b->len, err) != CR_OK) {
        print_error(err);
        return EXIT_INPUT;
    }
    return 0;
}

/* --format and --backend as the library's enums: the one place their names are read. |svg|: the
 * command takes SVG too (render). Returns NULL, or the problem to print. */
static const char *output_choice(const options *o, bool svg, cr_output_format *format,
                                 cr_backend *backend)
{
    static const char *const formats[] = {"pdf", "png", "svg"};
    const char *f = o->format ? o->format : "pdf";
    int k = 0;
    while (k < (svg ? 3 : 2) && strcmp(f, formats[k]) != 0)
        k++;
    *format = (cr_output_format)k;
    if (k == (svg ? 3 : 2)) {
        *format = CR_OUTPUT_PDF;
        return svg ? "--format must be pdf, png or svg" : "--format must be pdf or png";
    }
    const char *b = o->backend ? o->backend : *format == CR_OUTPUT_PDF ? "haru" : "cairo";
    if (strcmp(b, "haru") == 0)
        *backend = CR_BACKEND_HARU;
    else if (strcmp(b, "cairo") == 0)
        *backend = CR_BACKEND_CAIRO;
    else
        return "--backend must be haru or cairo";
    if (*backend == CR_BACKEND_HARU && *format != CR_OUTPUT_PDF)
        return svg ? "the haru backend writes PDF only; use --backend cairo for png or svg"
                   : "the haru backend writes PDF only; use --backend cairo for png";
    return NULL;
}

/* Whether the PDF is tagged (accessible): --accessible / --no-accessible, by default whenever
 * the haru backend writes a PDF. Only that backend tags: cairo 1.16 can set neither alternative
 * text nor the document language. Sets *problem when --accessible asks for another backend. */
static bool tagged_pdf(const options *o, cr_backend backend, cr_output_format format,
                       const char **problem)
{
    bool can = backend == CR_BACKEND_HARU && format == CR_OUTPUT_PDF;
    if (o->accessible > 0 && !can && !*problem)
        *problem = "--accessible needs a PDF from the haru backend (cairo can set neither "
                   "alternative text nor the document language)";
    return o->accessible ? o->accessible > 0 : can;
}

static int cmd_render(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG, OPT_ASSETS,     OPT_STRICT,        OPT_AUDIT,
                                  'o',         OPT_PEERS,      OPT_COHORT,        OPT_FORMAT,
                                  OPT_BACKEND, OPT_LAYOUT,     OPT_DUMP,          OPT_PREVIOUS,
                                  OPT_LANG,    OPT_ACCESSIBLE, OPT_NO_ACCESSIBLE, 0};
    int rc = parse_options(argc, argv, &o, usage_render, allowed);
    if (rc >= 0)
        return rc;
    cr_output_format format = CR_OUTPUT_PDF;
    cr_backend backend = CR_BACKEND_HARU;
    const char *choice = output_choice(&o, true, &format, &backend);
    const char *problem = NULL;
    if (argc - optind != 1)
        problem = "give exactly one submission";
    else if (!o.peers == !o.cohort)
        problem = "give either --peers FILE or --cohort DIR";
    else if (!o.output && !o.dump)
        problem = "give -o OUT (or --dump)";
    else if (o.output && strcmp(o.output, "-") == 0 && !choice && format == CR_OUTPUT_PNG)
        problem = "-o - takes one file: a PDF or an SVG (PNG writes one file per page)";
    else if (o.output && strcmp(o.output, "-") == 0 && isatty(STDOUT_FILENO))
        problem = "-o - would write the file to the terminal: redirect it (-o - > report.pdf)";
    else if (choice)
        problem = choice;
    bool tagged = tagged_pdf(&o, backend, format, &problem);
    if (problem) {
        fprintf(stderr, "%s render: %s\n", prog, problem);
        print_brief(usage_render);
        return EXIT_USAGE;
    }
    cr_error err;
    cr_error_init(&err);
    env e;
    if ((rc = env_open(&e, &o, &err)) != 0) {
        env_close(&e);
        return rc;
    }
    const char *const render_inputs[] = {"the submission",
                                         argv[optind],
                                         "the audit log",
                                         o.audit,
                                         "the peers file",
                                         o.peers,
                                         "the layout",
                                         o.layout,
                                         "the catalog",
                                         e.catalog_path,
                                         "the previous submission",
                                         o.previous,
                                         NULL};
    if ((rc = output_not_input("render", o.output, render_inputs, o.cohort, usage_render)) != 0) {
        env_close(&e);
        return rc;
    }
    cr_assessment a, prev;
    memset(&a, 0, sizeof a);
    memset(&prev, 0, sizeof prev);
    cr_peers *peers = NULL;
    cr_cohort *cohort = NULL;
    cr_layout_spec *spec = NULL;
    cr_strings *strings = NULL;
    cr_fonts *fonts = NULL;
    cr_display *d = NULL;
    cr_buffer out = {0};
    char path[PATH_MAX + 64], cpath[PATH_MAX + 64];
    cr_catalog *tcat = NULL; /* the catalog with its texts in the report's language */
    rc = EXIT_INPUT;
    err.sink = sink_warnings;
    if (load_assessment(&a, argv[optind], o.audit, e.catalog, e.schemas, &err) != CR_OK)
        goto fail;
    if (o.previous) {
        /* The previous cycle's audit log, when it sits beside it: ID.audit.xml. */
        const char *suffix = ".submission.xml";
        size_t n = strlen(o.previous), k = strlen(suffix);
        const char *prev_audit = NULL;
        if (n > k && strcmp(o.previous + n - k, suffix) == 0) {
            snprintf(path, sizeof path, "%.*s.audit.xml", (int)(n - k), o.previous);
            if (access(path, R_OK) == 0)
                prev_audit = path;
        }
        if (cr_assessment_load(&prev, o.previous, prev_audit, e.catalog, e.schemas, &err) != CR_OK)
            goto fail;
    }
    if (o.peers) {
        if (!(peers = cr_peers_load(o.peers, e.catalog, e.schemas, &err)))
            goto fail;
    } else {
        /* The cohort read as stats reads it: warnings and cities left out named as they come. */
        cr_error cerr;
        cr_error_init(&cerr);
        cerr.sink = sink_print;
        catch_stop_signals();
        cr_cohort_run run = {.cancelled = stop_requested};
        if ((cohort = cr_cohort_scan_compact(o.cohort, &cerr)))
            peers = cr_cohort_stats(cohort, e.catalog, e.schemas, &run, &cerr);
        if (stop_signal) {
            rc = stopped("render");
            goto done;
        }
        if (!peers) {
            rc = exit_for(&cerr);
            goto done;
        }
        if ((rc = cohort_outcome("render", peers, &cerr, o.strict, NULL)) != 0)
            goto done;
        rc = EXIT_INPUT;
    }
    if (!peers)
        goto fail;
    if (load_fonts(&e, o.layout, &spec, &fonts, &err) != CR_OK)
        goto fail;
    /* The report's language: the one rule (cr_language_choose). */
    char strings_dir[PATH_MAX + 64];
    snprintf(strings_dir, sizeof strings_dir, "%s/strings", e.assets);
    if (!cr_language_choose(strings_dir, e.catalog_path, e.catalog, o.lang, a.submission->lang,
                            path, cpath, sizeof path, &err))
        goto fail;
    if (!(strings = cr_strings_load(path, e.schemas, &err)))
        goto fail;
    if (cpath[0] && (!(tcat = cr_catalog_load(e.catalog_path, e.schemas, &err)) ||
                     cr_catalog_translate(tcat, cpath, e.schemas, &err) != CR_OK))
        goto fail;
    cr_error warn; /* the program's own texts: a character no font has is our bug, not the city's */
    cr_error_init(&warn);
    warn.sink = sink_print;
    cr_layout_check_texts(tcat ? tcat : e.catalog, strings, fonts, &warn);
    /* The city's: warnings, as validate and score print (and --strict counts). */
    cr_fonts_check_inputs(fonts, a.submission, a.log, &err);
    cr_report_request req = {.catalog = tcat ? tcat : e.catalog,
                             .assessment = &a,
                             .peers = peers,
                             .spec = spec,
                             .strings = strings,
                             .fonts = fonts,
                             .created = document_date(&a),
                             .previous = o.previous ? &prev : NULL,
                             .untagged = !tagged};
    if (!(d = cr_layout_report(&req, &err)))
        goto fail;
    if (strict_failed(&o, &err, argv[optind]))
        goto done; /* rc is EXIT_INPUT: nothing written */
    if (stop_signal) {
        rc = stopped("render");
        goto done;
    }
    if (o.dump) {
        char *text = cr_display_dump(d, &err);
        if (!text)
            goto fail;
        fputs(text, stdout);
        free(text);
        rc = 0;
        goto done;
    }
    /* PNG: the folder OUT of the pages, 1.png ... N.png, put in place as one set; PDF and SVG
     * to memory, then to the file or standard output. */
    cr_render_target t = {.format = format, .backend = backend, .dpi = 96};
    if (format == CR_OUTPUT_PNG) {
        if (cr_render(d, fonts, &t, o.output, NULL, NULL, &err) != CR_OK)
            goto fail;
        rc = 0;
        goto done;
    }
    if (cr_render(d, fonts, &t, NULL, &out, NULL, &err) != CR_OK)
        goto fail;
    rc = write_output(o.output, &out, &err);
    if (rc == 0)
        cairo_note(backend, format);
    goto done;
fail:
    print_error(&err);
    rc = exit_for(&err);
done:
    cr_buffer_free(&out);
    cr_display_free(d);
    cr_fonts_free(fonts);
    cr_strings_free(strings);
    cr_layout_spec_free(spec);
    cr_peers_free(peers);
    cr_cohort_free(cohort);
    cr_assessment_free(&prev);
    cr_assessment_free(&a);
    cr_catalog_free(tcat);
    env_close(&e);
    return rc;
}

/* ---- batch ---- */

/* The fonts folder, the layout file (--layout or the default) and the string tables' folder. */
static int report_files(const env *e, const options *o, char *fonts_dir, char *layout,
                        char *strings_dir, size_t size)
{
    snprintf(strings_dir, size, "%s/strings", e->assets);
    if (!cr_beside_assets(fonts_dir, size, e->assets, "fonts")) {
        fprintf(stderr, "%s: fonts folder not found\n", fonts_dir);
        return EXIT_INPUT;
    }
    if (o->layout)
        snprintf(layout, size, "%s", o->layout);
    else if (!cr_beside_assets(layout, size, e->assets, "layouts/default.xml")) {
        fprintf(stderr, "%s: default layout not found\n", layout);
        return EXIT_INPUT;
    }
    return 0;
}

/* Reads "K/N" (1 <= K <= N). */
static bool parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    errno = 0;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/' || errno)
        return false;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || errno || a < 1 || b < 1 || a > b || b > 1000000)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return true;
}

static int cmd_batch(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG, OPT_ASSETS, OPT_STRICT,     'o',
                                  'j',         OPT_PEERS,  OPT_FORMAT,     OPT_BACKEND,
                                  OPT_LAYOUT,  OPT_FORCE,  OPT_SHARD,      OPT_PREVIOUS,
                                  OPT_QUIET,   OPT_LANG,   OPT_ACCESSIBLE, OPT_NO_ACCESSIBLE,
                                  OPT_WAIT,    0};
    int rc = parse_options(argc, argv, &o, usage_batch, allowed);
    if (rc >= 0)
        return rc;
    cr_batch_options bo = {
        .force = o.force, .date = -1, .version = CERTREPORT_VERSION, .log = stderr};
    const char *choice = output_choice(&o, false, &bo.format, &bo.backend);
    const char *problem = NULL;
    char *end = NULL;
    unsigned long jobs = o.jobs ? strtoul(o.jobs, &end, 10) : 0;
    if (argc - optind != 1)
        problem = "give exactly one cohort folder";
    else if (!o.output)
        problem = "give the output folder: -o OUT_DIR";
    else if (o.jobs && (end == o.jobs || *end || jobs < 1 || jobs > 256))
        problem = "-j takes a number of workers from 1 to 256";
    else if (choice)
        problem = choice;
    else if (o.shard && !parse_shard(o.shard, &bo.shard_k, &bo.shard_n))
        problem = "--shard takes K/N with 1 <= K <= N, e.g. --shard 2/8";
    else if (o.shard && !o.peers)
        problem = "--shard needs --peers FILE: every slice must use the same statistics";
    else if (same_file(o.output, argv[optind]))
        problem = "-o is the cohort folder: the reports and manifests would go among its input "
                  "files; give another folder";
    else if (o.previous && same_file(o.output, o.previous))
        problem = "-o is the --previous folder: give another folder";
    bo.untagged = !tagged_pdf(&o, bo.backend, bo.format, &problem);
    if (problem) {
        fprintf(stderr, "%s batch: %s\n", prog, problem);
        print_brief(usage_batch);
        return EXIT_USAGE;
    }
    bo.cohort_dir = argv[optind];
    bo.lang = o.lang;
    bo.out_dir = trim_slashes((char *)o.output); /* optarg, ours to edit; "reports/" names
                                                    reports/manifest.csv, not reports//... */
    bo.jobs = (unsigned)jobs;
    bo.peers_path = o.peers;
    bo.previous_dir = o.previous;
    bo.strict = o.strict;
    bo.wait = o.wait;
    bo.progress = o.quiet                 ? CR_PROGRESS_NONE
                  : isatty(STDERR_FILENO) ? CR_PROGRESS_BAR
                                          : CR_PROGRESS_LINES;
    bo.date = source_date();
    cr_error err;
    cr_error_init(&err);
    env e;
    if ((rc = env_open(&e, &o, &err)) != 0) {
        env_close(&e);
        return rc;
    }
    char fonts_dir[PATH_MAX + 64], layout[PATH_MAX + 64], strings_dir[PATH_MAX + 64];
    if ((rc = report_files(&e, &o, fonts_dir, layout, strings_dir, sizeof layout)) != 0) {
        env_close(&e);
        return rc;
    }
    bo.catalog_path = e.catalog_path;
    bo.layout_path = layout;
    bo.fonts_dir = fonts_dir;
    bo.strings_dir = strings_dir;
    cr_batch_result res;
    cr_status st = app_batch_run(&bo, e.catalog, e.schemas, &res, &err);
    if (st != CR_OK && !res.signal)
        print_error(&err);
    if (res.cities) {
        size_t pending = res.cities - res.rendered - res.unchanged - res.failed;
        printf("%zu cities: %zu rendered, %zu unchanged, %zu failed", res.cities, res.rendered,
               res.unchanged, res.failed);
        if (pending)
            printf(", %zu not rendered", pending);
        if (res.excluded)
            printf("; peer statistics over %zu of %zu cities (%zu left out)",
                   res.cities - res.excluded, res.cities, res.excluded);
        printf("\nmanifest: %s\n", res.manifest);
        if (res.rendered == 0 && res.failed == 0 && !pending)
            printf("nothing changed since the last run: no report rendered\n");
    }
    if (res.signal)
        fprintf(
            stderr,
            "%s batch: stopped by signal %d; every finished report is kept, none is half-written\n",
            prog, res.signal);
    env_close(&e);
    if (res.signal)
        return 128 + res.signal;
    if (st != CR_OK)
        return exit_for(&err);
    if (!res.failed && res.rendered)
        cairo_note(bo.backend, bo.format);
    return res.failed ? EXIT_INPUT : 0;
}

/* ---- cohort overview ---- */

static const char *const usage_cohort =
    "usage: certreport cohort COHORT_DIR -o OVERVIEW.pdf [--peers FILE] [--backend haru|cairo]\n"
    "                         [--layout FILE] [--lang en|es|pt|fr] [--no-accessible] [--strict]\n"
    "\n"
    "Lays out the staff's overview of a cohort: applicants and cities left out, the tiers the\n"
    "answers qualify for and the tiers awarded, the average score per practice area by region and\n"
    "by population band, the share of applicants meeting each criterion, and every city with its\n"
    "score and tier. A city whose files are invalid is reported as file:line: message and left "
    "out\n"
    "(the overview says how many were); the exit status is then 1 (--strict: nothing written).\n"
    "The folder is read as stats reads it. Tagged for screen readers unless --no-accessible (or\n"
    "--backend cairo). SIGINT or SIGTERM stop it between two cities: exit 128 + the signal.\n";

static int cmd_cohort(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_CATALOG,    OPT_ASSETS,        OPT_STRICT, 'o',
                                  OPT_PEERS,      OPT_BACKEND,       OPT_LAYOUT, OPT_LANG,
                                  OPT_ACCESSIBLE, OPT_NO_ACCESSIBLE, 0};
    int rc = parse_options(argc, argv, &o, usage_cohort, allowed);
    if (rc >= 0)
        return rc;
    cr_batch_options bo = {.date = -1, .version = CERTREPORT_VERSION, .log = stderr};
    const char *choice = output_choice(&o, false, &bo.format, &bo.backend);
    const char *problem = NULL;
    if (argc - optind != 1)
        problem = "give exactly one cohort folder";
    else if (!o.output)
        problem = "give the output file: -o OVERVIEW.pdf";
    else if (choice)
        problem = choice;
    bo.untagged = !tagged_pdf(&o, bo.backend, bo.format, &problem);
    if (problem) {
        fprintf(stderr, "%s cohort: %s\n", prog, problem);
        print_brief(usage_cohort);
        return EXIT_USAGE;
    }
    bo.cohort_dir = argv[optind];
    bo.peers_path = o.peers;
    bo.lang = o.lang;
    cr_error err;
    cr_error_init(&err);
    env e;
    char fonts_dir[PATH_MAX + 64], layout[PATH_MAX + 64], strings_dir[PATH_MAX + 64];
    if ((rc = env_open(&e, &o, &err)) != 0 ||
        (rc = report_files(&e, &o, fonts_dir, layout, strings_dir, sizeof layout)) != 0) {
        env_close(&e);
        return rc;
    }
    const char *const cohort_inputs[] = {"the peers file", o.peers,        "the layout", layout,
                                         "the catalog",    e.catalog_path, NULL};
    if ((rc = output_not_input("cohort", o.output, cohort_inputs, argv[optind], usage_cohort)) !=
        0) {
        env_close(&e);
        return rc;
    }
    bo.catalog_path = e.catalog_path;
    bo.layout_path = layout;
    bo.fonts_dir = fonts_dir;
    bo.strings_dir = strings_dir;
    bo.date = source_date();
    bo.strict = o.strict;
    bo.cancelled = stop_requested;
    catch_stop_signals();
    cr_buffer out = {0};
    size_t excluded = 0;
    if (cr_batch_overview(&bo, e.catalog, e.schemas, &out, &excluded, &err) != CR_OK ||
        stop_signal) {
        if (stop_signal) {
            rc = stopped("cohort");
        } else {
            print_error(&err);
            rc = exit_for(&err);
        }
    } else {
        rc = write_output(o.output, &out, &err);
        if (rc == 0)
            cairo_note(bo.backend, bo.format);
        if (rc == 0 && excluded) {
            fprintf(stderr, "%s cohort: %zu cit%s left out of the overview (invalid files)\n", prog,
                    excluded, excluded == 1 ? "y" : "ies");
            rc = EXIT_INPUT;
        }
    }
    cr_buffer_free(&out);
    env_close(&e);
    return rc;
}

/* ---- merge: the shards' manifests as one ---- */

static const char *const usage_merge =
    "usage: certreport merge OUT_DIR [--wait] [--quiet]\n"
    "\n"
    "Merges the manifests the shards of a batch wrote into OUT_DIR (manifest-K-of-N.csv and "
    ".json,\n"
    "K = 1..N) into OUT_DIR/manifest.csv and manifest.json: the very files one batch over the "
    "whole\n"
    "cohort writes. Every shard 1..N must have run (into that folder, or copied there); shards of\n"
    "another N, another program version, catalog or format are refused. Refused while a batch\n"
    "writes to OUT_DIR (--wait: wait for it). Exit status 0, or 1 when a city failed in a shard.\n";

static int cmd_merge(int argc, char **argv)
{
    options o = {0};
    static const int allowed[] = {OPT_WAIT, OPT_QUIET, 0};
    int rc = parse_options(argc, argv, &o, usage_merge, allowed);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1) {
        fprintf(stderr, "%s merge: give the output folder of the shards\n", prog);
        print_brief(usage_merge);
        return EXIT_USAGE;
    }
    catch_stop_signals();
    cr_batch_options bo = {.out_dir = trim_slashes(argv[optind]),
                           .wait = o.wait,
                           .log = stderr,
                           .progress = o.quiet ? CR_PROGRESS_NONE : CR_PROGRESS_LINES,
                           .cancelled = stop_requested};
    cr_batch_result res;
    cr_error err;
    cr_error_init(&err);
    cr_status st = app_batch_merge(&bo, &res, &err);
    if (stop_signal)
        return stopped("merge");
    if (st != CR_OK) {
        print_error(&err);
        return exit_for(&err);
    }
    printf("%zu cities: %zu rendered, %zu unchanged, %zu failed", res.cities, res.rendered,
           res.unchanged, res.failed);
    size_t pending = res.cities - res.rendered - res.unchanged - res.failed;
    if (pending)
        printf(", %zu not rendered", pending);
    printf("\nmanifest: %s\n", res.manifest);
    return res.failed || pending ? EXIT_INPUT : 0;
}

/* The subcommands: each takes its own argv (argv[0] its name) and returns the exit status. */
static int (*command(const char *name))(int, char **)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"validate", cmd_validate}, {"score", cmd_score},    {"stats", cmd_stats},
        {"render", cmd_render},     {"batch", cmd_batch},    {"cohort", cmd_cohort},
        {"merge", cmd_merge},       {"serve", cr_cli_serve}, {"token", cr_cli_token},
    };
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run;
    return NULL;
}

int main(int argc, char **argv)
{
    xmlInitParser();
    LIBXML_TEST_VERSION
    int rc;
    if (argc < 2) {
        fputs(usage_main, stderr);
        rc = EXIT_USAGE;
    } else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
               strcmp(argv[1], "help") == 0) {
        fputs(usage_main, stdout);
        rc = 0;
    } else if (strcmp(argv[1], "--version") == 0) {
        printf("certreport %s\n", CERTREPORT_VERSION);
        rc = 0;
    } else {
        int (*run)(int, char **) = command(argv[1]);
        if (run)
            rc = run(argc - 1, argv + 1);
        else {
            fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
            print_brief(usage_main);
            rc = EXIT_USAGE;
        }
    }
    xmlCleanupParser();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output\n", prog);
        rc = EXIT_INPUT;
    }
    return rc;
}
