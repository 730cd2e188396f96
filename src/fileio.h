/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): writing output files so that a reader never sees a half-written one. */
#ifndef CR_FILEIO_H
#define CR_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "certreport/error.h"

/* Writes |len| bytes to |path| atomically: a temporary file in the same directory, flushed to
 * disk, then renamed over |path|. On any failure the temporary file is removed, |path| is left
 * as it was, and |err| says why (CR_EIO). */
cr_status cr_write_atomic(const char *path, const void *data, size_t len, cr_error *err);
/* The same without flushing to disk: written and renamed, whole for every reader at once (a
 * process killed at any point leaves the old file or the new one), but after a power loss the
 * new name may hold fewer bytes until cr_sync_folder has run. A batch writes its reports so and
 * syncs once, before its manifest. */
cr_status cr_write_atomic_nosync(const char *path, const void *data, size_t len, cr_error *err);
/* Flushes to disk every file written on |dir|'s file system (syncfs), then |dir| itself. CR_EIO
 * when either fails (a write-back error of any file, e.g. the disk full). */
cr_status cr_sync_folder(const char *dir, cr_error *err);

/* A file written in pieces (a manifest of a million lines, never whole in memory) and put in
 * place as cr_write_atomic puts one: a temporary file beside |path|, flushed and renamed by
 * cr_atomic_commit, removed by cr_atomic_abort. cr_atomic_open returns CR_EUSAGE, setting no
 * error, when |path| is something other than a regular file (a link, a device): such a path
 * goes through cr_write_atomic, which refuses or writes it as its rules say. */
typedef struct cr_atomic_file {
    FILE *f; /* write here */
    char *tmp;
    const char *path; /* borrowed */
} cr_atomic_file;
cr_status cr_atomic_open(cr_atomic_file *a, const char *path, cr_error *err);
cr_status cr_atomic_commit(cr_atomic_file *a, cr_error *err);
void cr_atomic_abort(cr_atomic_file *a);

/* Every temporary file or folder certreport makes starts so ("DIR/.certreport-tmp-NAME.XXXXXX",
 * beside NAME): a run that holds the output folder's lock removes those a killed run left. */
#define CR_TEMP_PREFIX ".certreport-tmp-"

/* A page set: a folder of 1.png ... N.png written into a temporary folder beside |final| and
 * swapped in as one unit (renameat2 RENAME_EXCHANGE), the old set removed in the same step. A
 * reader of the folder's parent sees at any instant the old set whole or the new one whole. */
typedef struct cr_stage {
    char *final, *tmp;
    size_t n; /* pages written so far */
} cr_stage;

/* 1: |path| is a folder holding only regular files named N.png (a page set; maybe empty);
 * 0: nothing is there; -1: something else (a link, a file, another folder). */
int cr_page_set_check(const char *path);

/* Starts a page set at |final|: refuses (CR_EIO) when something other than a page set stands
 * there, else makes the temporary folder. */
cr_status cr_stage_begin(cr_stage *s, const char *final, cr_error *err);
/* Writes the next page (1.png, 2.png, ...), flushed to disk. */
cr_status cr_stage_add(cr_stage *s, const void *data, size_t len, cr_error *err);
/* Puts the set in place and removes the old one; on failure the old set stays as it was. The
 * stage is finished either way. */
cr_status cr_stage_commit(cr_stage *s, cr_error *err);
/* Drops the temporary folder; |final| is untouched. */
void cr_stage_abort(cr_stage *s);

/* Removes a temporary certreport made: a file, or a page set folder (its N.png, then itself). */
void cr_temp_remove(const char *path);

/* A file or folder |rel| of an installation whose assets folder is |assets|: assets/REL (installed:
 * share/certreport/REL), else assets/../REL (the source tree: fonts/, layouts/ beside assets/).
 * True, with the path in |out| (|size| bytes), when it is there and readable. The one rule of the
 * program and the library (cr_install_open). */
bool cr_beside_assets(char *out, size_t size, const char *assets, const char *rel);

/* Reads a whole regular file of at most |cap| bytes into a malloc'd, NUL-terminated buffer
 * (caller frees). Opened without blocking: a FIFO, device or socket is refused at once, never
 * waited on. NULL with |err| set (CR_EIO, or CR_EINPUT when too large). */
char *cr_read_file(const char *path, size_t cap, size_t *len, cr_error *err);

/* A buffer kept from one file to the next by cr_read_file_at (one per thread); zero it to start,
 * free |data| when done. */
typedef struct cr_read_buf {
    char *data;
    size_t size;
} cr_read_buf;

/* cr_read_file for |name| relative to the folder |dirfd| (AT_FDCWD: |name| is a path), the same
 * rules and messages (which name the file |path|), into |rb|: the bytes are NUL-terminated
 * in rb->data, valid until the next call. Fewer system calls per file than cr_read_file (a
 * cohort's 170,000 files): no path walk from the root, and no fstat when the file fits the
 * buffer (read with pread, which a FIFO, socket or terminal refuses: anything but a short read
 * of a regular file goes the way cr_read_file goes, fstat first). NULL with |err| set. */
char *cr_read_file_at(int dirfd, const char *name, const char *path, size_t cap, cr_read_buf *rb,
                      size_t *len, cr_error *err);

#endif
