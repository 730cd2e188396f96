/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: text and number helpers (see text.h). No locale, no strtod: the same bytes give
 * the same numbers everywhere. */
#include "text.h"

#include <string.h>

#include <utf8proc.h>

/* UTF-8 is decoded in one place: utf8proc_iterate (well-formed sequences only: no overlongs,
 * surrogates or code points past U+10FFFF). These two wrap it for the rest of the library. */

/* The length a sequence starting with |c| claims, 0 for a byte that starts none. */
static size_t lead_length(unsigned c)
{
    return c < 0x80                 ? 1
           : c >= 0xc2 && c <= 0xdf ? 2
           : c >= 0xe0 && c <= 0xef ? 3
           : c >= 0xf0 && c <= 0xf4 ? 4
                                    : 0;
}

/* Whether one of the 8 bytes of |w| (all below 0x80) is below 0x20 (a control character, tab and
 * line ends included: those take the byte-wise path). */
static bool has_low_byte(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    return ((w - 0x20 * ones) & ~w & highs) != 0;
}

/* Whether one of the 8 bytes of |w| (all below 0x80) is DEL (0x7f). */
static bool has_del(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x = w ^ (0x7f * ones);
    return ((x - ones) & ~x & highs) != 0;
}

long cr_utf8_line(const char *buf, size_t at)
{
    long ln = 1;
    for (const char *p = buf, *end = buf + at; (p = memchr(p, '\n', (size_t)(end - p)));)
        ln++, p++;
    return ln;
}

bool cr_ascii_only(const char *buf, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, buf + i, sizeof w);
        if (w & 0x8080808080808080u)
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)buf[i] >= 0x80)
            return false;
    return true;
}

bool cr_utf8_check(const char *buf, size_t len, long *line, const char **what)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        /* The usual case, printable ASCII: eight bytes at a time. */
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (!(w & 0x8080808080808080u) && !has_low_byte(w) && !has_del(w)) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
                *line = cr_utf8_line(buf, i);
                *what = "control character";
                return false;
            }
            i++;
            continue;
        }
        size_t need = lead_length(c);
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t n = need ? utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp)
                                  : UTF8PROC_ERROR_INVALIDUTF8;
        if (n <= 0) {
            *line = cr_utf8_line(buf, i);
            *what = need && len - i < need ? "truncated UTF-8 sequence" : "invalid UTF-8";
            return false;
        }
        if (cp >= 0x80 && cp <= 0x9f) {
            *line = cr_utf8_line(buf, i);
            *what = "control character";
            return false;
        }
        i += (size_t)n;
    }
    return true;
}

uint32_t cr_utf8_next(const char **p)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)*p, -1, &cp);
    if (n <= 0) { /* not UTF-8 (never in checked text): one byte, shown as U+FFFD */
        *p += 1;
        return 0xFFFD;
    }
    *p += n;
    return (uint32_t)cp;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void cr_ascii_upper(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

void cr_ascii_lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* ASCII case-insensitive equality (strcasecmp follows the process locale). */
static bool eq_ascii_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

bool cr_parse_answer(const char *s, cr_answer *out)
{
    if (!s)
        return false;
    if (eq_ascii_ci(s, "yes"))
        *out = CR_ANSWER_YES;
    else if (eq_ascii_ci(s, "no"))
        *out = CR_ANSWER_NO;
    else if ((s[0] == 'i' || s[0] == 'I') && (s[1] == 'n' || s[1] == 'N') &&
             (s[2] == '-' || s[2] == '_' || s[2] == ' ') && eq_ascii_ci(s + 3, "progress"))
        *out = CR_ANSWER_IN_PROGRESS;
    else
        return false;
    return true;
}

void cr_text_squeeze(char *s)
{
    char *w = s;
    bool pending = false;
    for (const char *r = s; *r; r++) {
        if (is_space(*r)) {
            pending = w != s;
            continue;
        }
        if (pending)
            *w++ = ' ';
        pending = false;
        *w++ = *r;
    }
    *w = '\0';
}

bool cr_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    if (!s || !*s)
        return false;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool cr_parse_decimal(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    bool neg = *s == '-';
    if (neg)
        s++;
    unsigned long ip = 0, fp = 0, scale = 1;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 12)
            return false;
        ip = ip * 10 + (unsigned long)(*s - '0');
    }
    if (digits == 0)
        return false;
    if (*s == '.') {
        s++;
        int fd = 0;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (++fd > 9)
                return false;
            fp = fp * 10 + (unsigned long)(*s - '0');
            scale *= 10;
        }
        if (fd == 0)
            return false;
    }
    if (*s)
        return false;
    double v = (double)ip + (double)fp / (double)scale;
    *out = neg ? -v : v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_ymd(const char *s, cr_date *d)
{
    if (!digits(s, 4, &d->year) || s[4] != '-' || !digits(s + 5, 2, &d->month) || s[7] != '-' ||
        !digits(s + 8, 2, &d->day))
        return false;
    if (d->year < 1900 || d->year > 2199 || d->month < 1 || d->month > 12 || d->day < 1 ||
        d->day > days_in_month(d->year, d->month))
        return false;
    return true;
}

bool cr_parse_date(const char *s, cr_date *out)
{
    if (!s || strlen(s) != 10)
        return false;
    return parse_ymd(s, out);
}

int64_t cr_days_from_civil(int y, int m, int d)
{
    /* H. Hinnant's algorithm. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool cr_parse_datetime(const char *s, int64_t *out)
{
    cr_date d;
    if (!s || strlen(s) < 10 || !parse_ymd(s, &d))
        return false;
    int hh = 0, mm = 0, ss = 0, off = 0;
    const char *p = s + 10;
    if (*p == 'T') {
        if (!digits(p + 1, 2, &hh) || p[3] != ':' || !digits(p + 4, 2, &mm))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &ss))
                return false;
            p += 3;
        }
        if (hh > 23 || mm > 59 || ss > 60)
            return false;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 14 ||
                om > 59)
                return false;
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        }
    }
    if (*p)
        return false;
    *out = cr_days_from_civil(d.year, d.month, d.day) * 86400 + hh * 3600 + mm * 60 + ss - off;
    return true;
}
