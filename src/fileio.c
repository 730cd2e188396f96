/* certreport: atomic file output (see fileio.h). */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "args.h"
#include "certreport/render.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static cr_status write_all_fd(int fd, const char *path, const void *data, size_t len, cr_error *err)
{
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(w < 0 ? errno : EIO));
        p += w;
        left -= (size_t)w;
    }
    return CR_OK;
}

/* A device or a pipe (/dev/stdout, /dev/full, a FIFO): nothing to replace atomically, so the
 * bytes go straight to it. */
static cr_status write_special(const char *path, const void *data, size_t len, cr_error *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
    cr_status st = write_all_fd(fd, path, data, len, err);
    if (close(fd) != 0 && st == CR_OK)
        st = cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
    return st;
}

/* The names of a process's own standard streams and descriptors: the shell decided what they
 * are (a terminal, a pipe, or a file it opened: "-o /dev/stdout > out.pdf"), so they are
 * written as they are, not replaced. */
static bool is_own_stream(const char *path)
{
    return strcmp(path, "/dev/stdout") == 0 || strcmp(path, "/dev/stderr") == 0 ||
           strncmp(path, "/dev/fd/", 8) == 0 || strncmp(path, "/proc/self/fd/", 14) == 0;
}

cr_status cr_write_atomic(const char *path, const void *data, size_t len, cr_error *err)
{
    struct stat st;
    if (is_own_stream(path))
        return write_special(path, data, len, err);
    if (lstat(path, &st) == 0) {
        struct stat target;
        if (S_ISLNK(st.st_mode) && stat(path, &target) == 0 &&
            (S_ISCHR(target.st_mode) || S_ISFIFO(target.st_mode) || S_ISSOCK(target.st_mode)))
            return write_special(path, data, len, err); /* /dev/stdout */
        if (S_ISLNK(st.st_mode))
            /* Renaming over it would replace the link, writing through it would change a file
             * elsewhere: neither is what a report run should do silently. */
            return cr_error_set(err, CR_EIO, path, 0, "is a symbolic link; give the path of a regular file");
        if (S_ISDIR(st.st_mode))
            return cr_error_set(err, CR_EIO, path, 0, "is a directory; give a file name");
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
            return write_special(path, data, len, err);
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        if (errno == ENOENT)
            cr_error_set(err, CR_EIO, path, 0, "cannot write: its folder does not exist");
        else
            cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return CR_EIO;
    }
    /* mkstemp makes 0600; a report is meant to be shared like any file the user writes. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    if (write_all_fd(fd, path, data, len, err) != CR_OK)
        goto fail;
    if (fsync(fd) != 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        goto fail;
    }
    free(tmp);
    return CR_OK;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return CR_EIO;
}

cr_status cr_write_file_atomic(const char *path, const void *data, size_t len, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || (len && CR_ARG_NULL(data, err)))
        return CR_EUSAGE;
    return cr_write_atomic(path, data, len, err);
}

char *cr_read_file(const char *path, size_t cap, size_t *len, cr_error *err)
{
    char *buf = NULL;
    /* O_NONBLOCK: opening a FIFO that no one writes to returns at once instead of waiting for a
     * writer forever (and a device is never waited on); it is refused just below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot read: %s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        cr_error_set(err, CR_EIO, path, 0, "is a directory, not a file");
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        cr_error_set(err, CR_EIO, path, 0, "is a %s, not a regular file",
                     S_ISFIFO(st.st_mode) ? "FIFO" : S_ISSOCK(st.st_mode) ? "socket" : "device");
        goto done;
    }
    if ((unsigned long long)st.st_size > cap) {
        cr_error_set(err, CR_EINPUT, path, 0, "file is too large (%lld bytes; the limit is %zu)",
                     (long long)st.st_size, cap);
        goto done;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    /* Read up to cap + 1 bytes whatever fstat said: a growing file is capped too. */
    size_t size = (size_t)st.st_size + 1;
    size_t used = 0;
    buf = malloc(size + 1);
    if (!buf) {
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
        goto done;
    }
    for (;;) {
        if (used == size) {
            if (size > cap) {
                break;
            }
            size_t nsize = size * 2 > cap + 1 ? cap + 1 : size * 2;
            char *nbuf = realloc(buf, nsize + 1);
            if (!nbuf) {
                cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
                free(buf);
                buf = NULL;
                goto done;
            }
            buf = nbuf;
            size = nsize;
        }
        ssize_t n = read(fd, buf + used, size - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            cr_error_set(err, CR_EIO, path, 0, "cannot read: %s", strerror(errno));
            free(buf);
            buf = NULL;
            goto done;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    if (used > cap) {
        cr_error_set(err, CR_EINPUT, path, 0, "file is too large (the limit is %zu bytes)", cap);
        free(buf);
        buf = NULL;
        goto done;
    }
    buf[used] = '\0';
    *len = used;
done:
    close(fd);
    return buf;
}
