/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: atomic file output (see fileio.h). */
#define _GNU_SOURCE /* renameat2 */
#include "fileio.h"
#include "args.h"
#include "certreport/io.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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
            return cr_error_set(err, CR_EIO, path, 0, "cannot write: %s",
                                strerror(w < 0 ? errno : EIO));
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

/* "DIR/.certreport-tmp-NAME.XXXXXX" for |path| "DIR/NAME" (NAME cut to 200 bytes, so the
 * name stays within NAME_MAX): the temporary beside its final name, one a later run recognises
 * (CR_TEMP_PREFIX). A template for temp_create; malloc'd. */
static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dlen = slash ? (int)(slash - path + 1) : 0;
    size_t blen = strlen(base);
    int keep = (int)(blen > 200 ? 200 : blen);
    size_t size = (size_t)dlen + sizeof CR_TEMP_PREFIX + (size_t)keep + 8;
    char *t = malloc(size);
    if (t)
        snprintf(t, size, "%.*s%s%.*s.XXXXXX", dlen, path, CR_TEMP_PREFIX, keep, base);
    return t;
}

/* Creates the file (or, with |dir|, the folder) named by the template |t| from temp_name, its
 * "XXXXXX" made random, as open(2) and mkdir(2) create any new file: mode 0666 (0777) less the
 * process's umask, applied by the kernel. mkstemp/mkdtemp make 0600/0700, and reading the umask
 * to widen that means setting it, process-wide, which a library must not do. A file descriptor
 * (0 for a folder); -1 with errno set. */
static int temp_create(char *t, bool dir)
{
    static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *x = t + strlen(t) - 6;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
            return -1;
        for (int i = 0; i < 6; i++)
            x[i] = chars[r[i] % (sizeof chars - 1)];
        int fd = dir ? mkdir(t, 0777)
                     : open(t, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static void fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path + 1)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static cr_status write_atomic(const char *path, const void *data, size_t len, bool sync,
                              cr_error *err);

cr_status cr_write_atomic(const char *path, const void *data, size_t len, cr_error *err)
{
    return write_atomic(path, data, len, true, err);
}

cr_status cr_write_atomic_nosync(const char *path, const void *data, size_t len, cr_error *err)
{
    return write_atomic(path, data, len, false, err);
}

cr_status cr_sync_folder(const char *dir, cr_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return cr_error_set(err, CR_EIO, dir, 0, "cannot write: %s", strerror(errno));
    /* syncfs: every file written on that file system (and, since Linux 5.8, the first error
     * writing any of them back), in one call; then the folder itself (its new names). */
    int rc = syncfs(fd) != 0 || fsync(fd) != 0 ? errno : 0;
    close(fd);
    if (rc)
        return cr_error_set(err, CR_EIO, dir, 0, "cannot write: %s", strerror(rc));
    return CR_OK;
}

cr_status cr_atomic_open(cr_atomic_file *a, const char *path, cr_error *err)
{
    memset(a, 0, sizeof *a);
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return CR_EUSAGE; /* not a plain file: the caller writes through cr_write_atomic */
    if (!(a->tmp = temp_name(path)))
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    int fd = temp_create(a->tmp, false);
    if (fd < 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot write: %s",
                     errno == ENOENT ? "its folder does not exist" : strerror(errno));
        free(a->tmp);
        a->tmp = NULL;
        return CR_EIO;
    }
    if (!(a->f = fdopen(fd, "w"))) {
        close(fd);
        unlink(a->tmp);
        free(a->tmp);
        a->tmp = NULL;
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    }
    a->path = path;
    return CR_OK;
}

cr_status cr_atomic_commit(cr_atomic_file *a, cr_error *err)
{
    int e = 0;
    if (fflush(a->f) != 0 || ferror(a->f))
        e = errno ? errno : EIO;
    if (!e && fsync(fileno(a->f)) != 0)
        e = errno;
    if (fclose(a->f) != 0 && !e)
        e = errno;
    a->f = NULL;
    if (!e && rename(a->tmp, a->path) != 0)
        e = errno;
    if (e) {
        unlink(a->tmp);
        cr_error_set(err, CR_EIO, a->path, 0, "cannot write: %s", strerror(e));
    } else {
        fsync_dir_of(a->path);
    }
    free(a->tmp);
    a->tmp = NULL;
    return e ? CR_EIO : CR_OK;
}

void cr_atomic_abort(cr_atomic_file *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    free(a->tmp);
    memset(a, 0, sizeof *a);
}

static cr_status write_atomic(const char *path, const void *data, size_t len, bool sync,
                              cr_error *err)
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
            return cr_error_set(err, CR_EIO, path, 0,
                                "is a symbolic link; give the path of a regular file");
        if (S_ISDIR(st.st_mode))
            return cr_error_set(err, CR_EIO, path, 0, "is a directory; give a file name");
        if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
            return write_special(path, data, len, err);
    }
    char *tmp = temp_name(path);
    if (!tmp)
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    int fd = temp_create(tmp, false);
    if (fd < 0) {
        if (errno == ENOENT)
            cr_error_set(err, CR_EIO, path, 0, "cannot write: its folder does not exist");
        else
            cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(errno));
        free(tmp);
        return CR_EIO;
    }
    if (write_all_fd(fd, path, data, len, err) != CR_OK)
        goto fail;
    if (sync && fsync(fd) != 0) {
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
    if (sync)
        fsync_dir_of(path);
    free(tmp);
    return CR_OK;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return CR_EIO;
}

/* ---- page sets: a folder of 1.png ... N.png, replaced as one unit ---- */

/* "123.png" */
static bool is_page_name(const char *n)
{
    const char *p = n;
    while (*p >= '0' && *p <= '9')
        p++;
    return p > n && strcmp(p, ".png") == 0;
}

int cr_page_set_check(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return -1;
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return -1;
    }
    int rc = 1;
    struct dirent *de;
    while (rc == 1 && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat es;
        if (!is_page_name(de->d_name) || fstatat(dfd, de->d_name, &es, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(es.st_mode))
            rc = -1;
    }
    closedir(d);
    return rc;
}

/* Removes a page set folder made by certreport (its N.png files, then the folder). Anything
 * else in it stays, and so does the folder then. */
static void remove_page_set(const char *path)
{
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)))
        if (is_page_name(de->d_name))
            (void)unlinkat(dfd, de->d_name, 0);
    closedir(d);
    (void)rmdir(path);
}

void cr_temp_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        (void)unlink(path);
        return;
    }
    remove_page_set(path);
}

cr_status cr_stage_begin(cr_stage *s, const char *path, cr_error *err)
{
    memset(s, 0, sizeof *s);
    int state = cr_page_set_check(path);
    if (state < 0) {
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
            return cr_error_set(err, CR_EIO, path, 0,
                                "is a symbolic link; give the path of a folder of pages");
        return cr_error_set(err, CR_EIO, path, 0,
                            "is not a folder of pages (only 1.png, 2.png, ...); give a new name");
    }
    if (!(s->final = strdup(path)) || !(s->tmp = temp_name(path))) {
        cr_stage_abort(s);
        return cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    }
    if (temp_create(s->tmp, true) != 0) {
        int e = errno;
        free(s->tmp);
        s->tmp = NULL;
        cr_stage_abort(s);
        if (e == ENOENT)
            return cr_error_set(err, CR_EIO, path, 0, "cannot write: its folder does not exist");
        return cr_error_set(err, CR_EIO, path, 0, "cannot write: %s", strerror(e));
    }
    return CR_OK;
}

cr_status cr_stage_add(cr_stage *s, const void *data, size_t len, cr_error *err)
{
    if (!s->tmp)
        return cr_error_set(err, CR_EIO, s->final, 0, "no page set begun");
    size_t n = strlen(s->tmp) + 32;
    char *page = malloc(n);
    if (!page)
        return cr_error_set(err, CR_ENOMEM, s->final, 0, "out of memory");
    snprintf(page, n, "%s/%zu.png", s->tmp, s->n + 1);
    int fd = open(page, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
    cr_status st = CR_OK;
    if (fd < 0)
        st = cr_error_set(err, CR_EIO, s->final, 0, "cannot write: %s", strerror(errno));
    if (st == CR_OK)
        st = write_all_fd(fd, s->final, data, len, err);
    if (st == CR_OK && fsync(fd) != 0)
        st = cr_error_set(err, CR_EIO, s->final, 0, "cannot write: %s", strerror(errno));
    if (fd >= 0 && close(fd) != 0 && st == CR_OK)
        st = cr_error_set(err, CR_EIO, s->final, 0, "cannot write: %s", strerror(errno));
    free(page);
    if (st == CR_OK)
        s->n++;
    return st;
}

cr_status cr_stage_commit(cr_stage *s, cr_error *err)
{
    cr_status st = CR_OK;
    if (!s->tmp || !s->final) {
        cr_stage_abort(s);
        return cr_error_set(err, CR_EIO, NULL, 0, "no page set begun");
    }
    int fd = open(s->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    /* Checked again: what stands at the final name now is what gets replaced. */
    int state = cr_page_set_check(s->final);
    if (state < 0) {
        st = cr_error_set(err, CR_EIO, s->final, 0,
                          "is not a folder of pages (only 1.png, 2.png, ...); give a new name");
    } else if (state == 0 && rename(s->tmp, s->final) == 0) {
        /* the first set under that name */
    } else if (renameat2(AT_FDCWD, s->tmp, AT_FDCWD, s->final, RENAME_EXCHANGE) == 0) {
        /* the new set is in place, in one step; the old one is at the temporary name */
        remove_page_set(s->tmp);
    } else if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
        /* A file system without RENAME_EXCHANGE: the old set steps aside first, so for an
         * instant the name is free (never half of one set and half of another). */
        char *old = temp_name(s->final);
        if (!old || !mkdtemp(old) || rename(s->final, old) != 0 || rename(s->tmp, s->final) != 0) {
            st = cr_error_set(err, CR_EIO, s->final, 0, "cannot write: %s", strerror(errno));
            if (old) {
                struct stat sb;
                if (lstat(s->final, &sb) != 0)
                    (void)rename(old, s->final); /* put the old set back */
                else
                    remove_page_set(old);
            }
        } else {
            remove_page_set(old);
        }
        free(old);
    } else {
        st = cr_error_set(err, CR_EIO, s->final, 0, "cannot write: %s", strerror(errno));
    }
    if (st == CR_OK)
        fsync_dir_of(s->final);
    cr_stage_abort(s);
    return st;
}

void cr_stage_abort(cr_stage *s)
{
    if (s->tmp)
        remove_page_set(s->tmp);
    free(s->tmp);
    free(s->final);
    memset(s, 0, sizeof *s);
}

cr_status cr_write_pages_atomic(const char *dir, const cr_buffer *pages, size_t n, cr_error *err)
{
    cr_stage s;
    cr_status st = cr_stage_begin(&s, dir, err);
    for (size_t i = 0; st == CR_OK && i < n; i++)
        st = cr_stage_add(&s, pages[i].data, pages[i].len, err);
    if (st == CR_OK)
        return cr_stage_commit(&s, err);
    cr_stage_abort(&s);
    return st;
}

bool cr_beside_assets(char *out, size_t size, const char *assets, const char *rel)
{
    int w = snprintf(out, size, "%s/%s", assets, rel);
    if (w > 0 && (size_t)w < size && access(out, R_OK) == 0)
        return true;
    w = snprintf(out, size, "%s/../%s", assets, rel);
    return w > 0 && (size_t)w < size && access(out, R_OK) == 0;
}

cr_status cr_write_file_atomic(const char *path, const void *data, size_t len, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || (len && CR_ARG_NULL(data, err)))
        return CR_EUSAGE;
    return cr_write_atomic(path, data, len, err);
}

/* The rest of cr_read_file once |fd| is open: the checks, then the bytes (a malloc'd buffer). */
static char *read_fd(int fd, const char *path, size_t cap, size_t *len, cr_error *err)
{
    char *buf = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        cr_error_set(err, CR_EIO, path, 0, "is a directory, not a file");
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        cr_error_set(err, CR_EIO, path, 0, "is a %s, not a regular file",
                     S_ISFIFO(st.st_mode)   ? "FIFO"
                     : S_ISSOCK(st.st_mode) ? "socket"
                                            : "device");
        return NULL;
    }
    if ((unsigned long long)st.st_size > cap) {
        cr_error_set(err, CR_EINPUT, path, 0, "file is too large (%lld bytes; the limit is %zu)",
                     (long long)st.st_size, cap);
        return NULL;
    }
    /* O_NONBLOCK stays: it changes nothing for a regular file (two system calls fewer per file,
     * of seven). Read up to cap + 1 bytes whatever fstat said: a growing file is capped too. */
    size_t size = (size_t)st.st_size + 1;
    size_t used = 0;
    buf = malloc(size + 1);
    if (!buf) {
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
        return NULL;
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
                return NULL;
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
            return NULL;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        /* A regular file read short just where fstat said it ends is at its end: no second read
         * to be told so (a file that grew fills the request and the loop goes on). */
        if ((size_t)n < size - (used - (size_t)n) && used == (size_t)st.st_size)
            break;
    }
    if (used > cap) {
        cr_error_set(err, CR_EINPUT, path, 0, "file is too large (the limit is %zu bytes)", cap);
        free(buf);
        return NULL;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

/* O_NONBLOCK: opening a FIFO that no one writes to returns at once instead of waiting for a
 * writer forever (and a device is never waited on); it is refused by read_fd. */
#define READ_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

char *cr_read_file(const char *path, size_t cap, size_t *len, cr_error *err)
{
    int fd = open(path, READ_FLAGS);
    if (fd < 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *buf = read_fd(fd, path, cap, len, err);
    close(fd);
    return buf;
}

/* What cr_read_file_at's buffer starts with: most inputs are a few KB. */
enum { READ_BUF_FIRST = 64 * 1024 };

char *cr_read_file_at(int dirfd, const char *name, const char *path, size_t cap, cr_read_buf *rb,
                      size_t *len, cr_error *err)
{
    if (!rb->data) {
        if (!(rb->data = malloc(READ_BUF_FIRST))) {
            cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
            return NULL;
        }
        rb->size = READ_BUF_FIRST;
    }
    int fd = openat(dirfd, name, READ_FLAGS);
    if (fd < 0) {
        cr_error_set(err, CR_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    /* At most cap + 1 bytes, so that a short read is within the cap. pread fails (ESPIPE) on a
     * FIFO, socket or terminal; a device fills the request or reads nothing, a folder fails: all
     * of those, an empty file and a file as large as the request go through read_fd. */
    size_t want = rb->size - 1 < cap + 1 ? rb->size - 1 : cap + 1;
    ssize_t n = pread(fd, rb->data, want, 0);
    if (n > 0 && (size_t)n < want) {
        close(fd);
        rb->data[n] = '\0';
        *len = (size_t)n;
        return rb->data;
    }
    char *buf = read_fd(fd, path, cap, len, err);
    close(fd);
    if (!buf)
        return NULL;
    /* Kept as the buffer from now on when larger (the next large file then fits it). */
    if (*len + 2 > rb->size) {
        free(rb->data);
        rb->data = buf;
        rb->size = *len + 1;
        return buf;
    }
    memcpy(rb->data, buf, *len + 1);
    free(buf);
    return rb->data;
}
