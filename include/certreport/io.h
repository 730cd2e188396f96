/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: output bytes and writing them so that a reader never sees a half-written file.
 * The backends and the one-call API (api.h) hand back a cr_buffer; the caller writes it with
 * cr_write_file_atomic or keeps it. Declared apart from render.h so that the base of the library
 * (src/fileio.c) depends on no later stage (CONTRIBUTING.md, "Layers"). */
#ifndef CERTREPORT_IO_H
#define CERTREPORT_IO_H

#include "export.h"

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_buffer {
    unsigned char *data; /* malloc'd; the caller frees */
    size_t len;
} cr_buffer;

/* Frees the bytes and empties |b|; NULL does nothing. */
CR_API void cr_buffer_free(cr_buffer *b);

/* Writes |len| bytes to |path| atomically (a temporary file in the same folder, flushed, then
 * renamed): an existing file is replaced only by a complete one, never damaged. |data| may be
 * NULL only when |len| is 0. */
CR_API cr_status cr_write_file_atomic(const char *path, const void *data, size_t len,
                                      cr_error *err);

/* Writes |n| pages as the folder |dir| holding 1.png ... N.png, as one unit: the pages go to a
 * temporary folder beside |dir| (".certreport-tmp-NAME.XXXXXX"), flushed, then swapped with the
 * old set in one rename (renameat2 RENAME_EXCHANGE) and the old set removed. A reader sees the
 * old set whole or the new one whole, never a mix, never stale pages; on failure the old set
 * stays as it was. An existing |dir| must be such a set (only N.png files) or empty: any other
 * folder, file or symbolic link there is refused (CR_EIO) and left alone. */
cr_status cr_write_pages_atomic(const char *dir, const cr_buffer *pages, size_t n, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
