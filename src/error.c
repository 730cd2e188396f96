/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the error record (see certreport/error.h). */
#include "certreport/error.h"

#include "args.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

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

/* The length of the valid UTF-8 sequence at |s| (1 to 4 bytes), or 0 when the byte at |s| does
 * not start one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, or a
 * sequence cut short). utf8proc_iterate decodes, as everywhere in the library (text.h wraps it
 * for the later stages). */
static size_t utf8_len(const unsigned char *s)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s, -1, &cp);
    return n > 0 ? (size_t)n : 0;
}

size_t cr_escape(char *dst, size_t size, const char *src)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    if (!dst || size == 0)
        return 0;
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    while (*s) {
        char esc[5];
        const char *piece = esc;
        size_t n = utf8_len(s), take = n ? n : 1;
        if (n == 1 && (*s < 0x20 || *s == 0x7f)) {
            esc[0] = '\\';
            if (*s == '\n' || *s == '\r' || *s == '\t') {
                esc[1] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
                n = 2;
            } else {
                esc[1] = 'x';
                esc[2] = digits[*s >> 4];
                esc[3] = digits[*s & 15];
                n = 4;
            }
        } else if (n == 0) { /* not UTF-8: the byte's value, so the line stays valid text */
            esc[0] = '\\';
            esc[1] = 'x';
            esc[2] = digits[*s >> 4];
            esc[3] = digits[*s & 15];
            n = 4;
        } else {
            piece = (const char *)s;
        }
        if (o + n + 1 > size)
            break; /* cut between two characters, never inside one or inside an escape */
        memcpy(dst + o, piece, n);
        o += n;
        s += take;
    }
    dst[o] = '\0';
    return o;
}

size_t cr_utf8_cut(const char *s, size_t max)
{
    if (!s)
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < max && u[i]) {
        size_t n = utf8_len(u + i);
        if (!n)
            n = 1; /* not UTF-8: cut anywhere */
        if (i + n > max)
            break;
        i += n;
    }
    return i;
}

/* Messages are one line: trailing blanks and newlines (libxml2 ends its messages with one) go,
 * and control characters left inside (a file name with a newline) are escaped ("\n", "\x01"),
 * so one problem is always one line of valid UTF-8. */
static void one_line(char *dst, size_t size, char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        s[--n] = '\0';
    cr_escape(dst, size, s);
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
        cr_escape(problem->file, sizeof problem->file, file);
    char raw[sizeof problem->message * 2];
    if (fmt)
        vsnprintf(raw, sizeof raw, fmt, ap);
    else
        snprintf(raw, sizeof raw, "(no message)");
    one_line(problem->message, sizeof problem->message, raw);
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
    int n;
    if (e->file[0] && e->line > 0)
        n = snprintf(buf, size, "%s:%ld: %s%s", e->file, e->line, w, e->message);
    else if (e->file[0])
        n = snprintf(buf, size, "%s: %s%s", e->file, w, e->message);
    else
        n = snprintf(buf, size, "%s%s", w, e->message);
    if (n >= 0 && (size_t)n >= size) /* cut short: never inside a character */
        buf[cr_utf8_cut(buf, size - 1)] = '\0';
}
