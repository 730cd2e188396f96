/* certreport: the error record (see certreport/error.h). */
#include "certreport/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cr_error_init(cr_error *e)
{
    memset(e, 0, sizeof *e);
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

cr_status cr_error_set(cr_error *e, cr_status code, const char *file, long line, const char *fmt,
                       ...)
{
    if (!e) /* a caller that does not want the details */
        return code;
    cr_error problem;
    memset(&problem, 0, sizeof problem);
    problem.code = code;
    problem.line = line > 0 ? line : 0;
    if (file)
        snprintf(problem.file, sizeof problem.file, "%s", file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem.message, sizeof problem.message, fmt, ap);
    va_end(ap);
    one_line(problem.message);
    problem.count = 1;

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
    if (e->file[0] && e->line > 0)
        snprintf(buf, size, "%s:%ld: %s", e->file, e->line, e->message);
    else if (e->file[0])
        snprintf(buf, size, "%s: %s", e->file, e->message);
    else
        snprintf(buf, size, "%s", e->message);
}
