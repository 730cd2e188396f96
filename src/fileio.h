/* certreport (private): writing output files so that a reader never sees a half-written one. */
#ifndef CR_FILEIO_H
#define CR_FILEIO_H

#include <stddef.h>

#include "certreport/error.h"

/* Writes |len| bytes to |path| atomically: a temporary file in the same directory, flushed to
 * disk, then renamed over |path|. On any failure the temporary file is removed, |path| is left
 * as it was, and |err| says why (CR_EIO). */
cr_status cr_write_atomic(const char *path, const void *data, size_t len, cr_error *err);

/* Reads a whole regular file of at most |cap| bytes into a malloc'd, NUL-terminated buffer
 * (caller frees). Opened without blocking: a FIFO, device or socket is refused at once, never
 * waited on. NULL with |err| set (CR_EIO, or CR_EINPUT when too large). */
char *cr_read_file(const char *path, size_t cap, size_t *len, cr_error *err);

#endif
