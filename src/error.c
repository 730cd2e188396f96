/* certreport: the error record (see certreport/error.h). */
#include "certreport/error.h"

#include "args.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void cr_error_init(cr_error *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

bool cr_arg_null(cr_error *err, const char *fn, const char *arg)
{
    cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: %s is NULL", fn, arg);
    return true;
}

bool cr_arg_range(cr_error *err, const char *fn, const char *arg, long long value,
                  unsigned long long count)
{
    cr_error_set(err, CR_EUSAGE, NULL, 0, "%s: %s %lld is out of range (0 to %llu)", fn, arg, value,
                 count - 1);
    return true;
}

/* Messages are one line: control characters (libxml2's trailing newline among them) become
 * spaces and trailing blanks go. */
static void one_line(char *s)
{
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

static void make_problem(cr_error *problem, cr_status code, const char *file, long line,
                         const char *fmt, va_list ap) CR_PRINTF(5, 0);

static void make_problem(cr_error *problem, cr_status code, const char *file, long line,
                         const char *fmt, va_list ap)
{
    memset(problem, 0, sizeof *problem);
    problem->code = code;
    problem->line = line > 0 ? line : 0;
    if (file)
        snprintf(problem->file, sizeof problem->file, "%s", file);
    if (fmt)
        vsnprintf(problem->message, sizeof problem->message, fmt, ap);
    else
        snprintf(problem->message, sizeof problem->message, "(no message)");
    one_line(problem->message);
    problem->count = 1;
}

void cr_error_warn(cr_error *e, const char *file, long line, const char *fmt, ...)
{
    if (!e)
        return;
    cr_error problem;
    va_list ap;
    va_start(ap, fmt);
    make_problem(&problem, CR_OK, file, line, fmt, ap);
    va_end(ap);
    problem.warning = 1;
    problem.count = 0;
    problem.warnings = 1;
    e->warnings++;
    if (e->sink)
        e->sink(e->sink_data, &problem);
}

cr_status cr_error_set(cr_error *e, cr_status code, const char *file, long line, const char *fmt,
                       ...)
{
    if (!e) /* a caller that does not want the details */
        return code;
    cr_error problem;
    va_list ap;
    va_start(ap, fmt);
    make_problem(&problem, code, file, line, fmt, ap);
    va_end(ap);

    if (e->count == 0) {
        e->code = problem.code;
        e->line = problem.line;
        memcpy(e->file, problem.file, sizeof e->file);
        memcpy(e->message, problem.message, sizeof e->message);
    }
    e->count++;
    if (e->sink)
        e->sink(e->sink_data, &problem);
    return code;
}

void cr_error_format(const cr_error *e, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    if (!e) {
        buf[0] = '\0';
        return;
    }
    const char *w = e->warning ? "warning: " : "";
    if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%ld: %s%s", e->file, e->line, w, e->message);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s%s", e->file, w, e->message);
    else
        snprintf(buf, size, "%s%s", w, e->message);
}
