/* certreport: atomic file output (see fileio.h). */
#define _POSIX_C_SOURCE 200809L
#include "fileio.h"
#include "certreport/render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cr_status cr_write_atomic(const char *path, const void *data, size_t len, cr_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cr_error_set(err, CR_EIO, path, 0, "is a directory; give a file name");
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return CR_EIO;
    }
    /* mkstemp makes 0600; a report is meant to be shared like any file the user writes. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(w < 0 ? errno : EIO));
            goto fail;
        }
        p += w;
        left -= (size_t)w;
    }
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
    return cr_write_atomic(path, data, len, err);
}
