/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: a batch run's output folder (batch_plan.h): made and checked before any work, locked
 * so that one run writes to it at a time (the lock files are tried here; waiting for them is the
 * program's), and cleaned of the temporaries a killed run left. */
#define _GNU_SOURCE
#include "batch_plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

cr_status cr_outdir_check(const char *dir, cr_error *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, 0777) != 0)
            return cr_error_set(err, CR_EIO, dir, 0, "cannot create the output folder: %s",
                                strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return cr_error_set(err, CR_EIO, dir, 0, "is not a folder");
    }
    /* Can we write there? Find out before any work, with a file of our own. */
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/" CR_TEMP_PREFIX "probe.XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0)
        return cr_error_set(err, CR_EIO, dir, 0, "cannot write in the output folder: %s",
                            strerror(errno));
    close(fd);
    unlink(probe);
    return CR_OK;
}

/* The name a temporary stands for: ".certreport-tmp-NAME.XXXXXX" -> NAME. */
static bool temp_base(const char *n, char *base, size_t size)
{
    size_t pl = strlen(CR_TEMP_PREFIX), len = strlen(n);
    if (strncmp(n, CR_TEMP_PREFIX, pl) != 0 || len < pl + 8 || n[len - 7] != '.')
        return false;
    snprintf(base, size, "%.*s", (int)(len - pl - 7), n + pl);
    return true;
}

/* Whether this run may remove a temporary for NAME: a whole run (it holds the folder's lock
 * alone) any; a shard (others may be writing beside it) only those of its own cities and its
 * own manifest. */
static bool owns_temp(const cr_batch *b, const char *base)
{
    if (!b->o->shard_n)
        return true;
    const char *mc = strrchr(b->manifest_csv, '/'), *mj = strrchr(b->manifest_json, '/');
    if ((mc && strcmp(base, mc + 1) == 0) || (mj && strcmp(base, mj + 1) == 0))
        return true;
    static const char *const exts[] = {".pdf", ".png.d"};
    size_t n = strlen(base);
    for (size_t k = 0; k < 2; k++) {
        size_t e = strlen(exts[k]);
        if (n > e && strcmp(base + n - e, exts[k]) == 0) {
            char id[256];
            if (n - e >= sizeof id)
                return false;
            memcpy(id, base, n - e);
            id[n - e] = '\0';
            return cr_batch_in_shard(b, id);
        }
    }
    return false;
}

/* Removes temporaries from the output folder: those for |only| (a report's name: after its
 * worker died), or every one this run owns (at the start, holding the lock: what a killed run
 * left). Returns how many. */
size_t cr_batch_clean_temporaries(const cr_batch *b, const char *only)
{
    DIR *d = opendir(b->o->out_dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char base[300], path[5400];
        if (!temp_base(de->d_name, base, sizeof base))
            continue;
        if (only ? strcmp(base, only) != 0 : !owns_temp(b, base))
            continue;
        if (cr_batch_out_path(b, de->d_name, path, sizeof path) == 0) {
            cr_temp_remove(path);
            n++;
        }
    }
    closedir(d);
    return n;
}

/* Removes the temporary a worker may have left for row |r| (after it was killed or crashed). */
void cr_batch_remove_temporaries(const cr_batch *b, const cr_batch_row *r)
{
    char name[1200];
    cr_batch_out_name(b, r, name, sizeof name);
    cr_batch_clean_temporaries(b, name);
}

int cr_lock_open(const char *dir, const char *name, char *path, size_t size, cr_error *err)
{
    snprintf(path, size, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0666);
    if (fd < 0)
        cr_error_set(err, CR_EIO, path, 0, "cannot open the lock file: %s", strerror(errno));
    return fd;
}

int cr_lock_try(int fd, int mode, const char *path, cr_error *err)
{
    while (flock(fd, mode | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK)
            return 0;
        cr_error_set(err, CR_EIO, path, 0, "cannot lock: %s", strerror(errno));
        return -1;
    }
    return 1;
}
