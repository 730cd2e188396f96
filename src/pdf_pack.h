/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): packs a PDF's small objects into a compressed object stream, and
 * compresses its streams.
 *
 * libharu 2.3.0 writes every object uncompressed with a classic cross-reference table. A tagged
 * report has hundreds of small structure elements (about 100 bytes each in that form), which
 * more than doubled the file. PDF 1.5 (ISO 32000-1, 7.5.7-7.5.8) lets such objects live in one
 * Flate-compressed object stream, indexed by a cross-reference stream. qpdf's C API does this
 * too, but took 15 ms per report here (three times the whole render); this pass costs well under
 * a millisecond and halves a tagged report, because it only has to handle libharu's own,
 * regular output.
 *
 * The same pass compresses the streams (page content, font files, CMaps): the renderer switches
 * libharu's own zlib compression off and this pass deflates every unfiltered stream with
 * libdeflate, which is 2-3 times faster than zlib at the same size, giving it a direct /Length
 * (libharu writes each length as an object of its own, which is dropped). */
#ifndef CR_PDF_PACK_H
#define CR_PDF_PACK_H

#include <stddef.h>

#include "certreport/error.h"

/* The Flate level of every stream written (libdeflate 1..12; see bench/README.md for sizes and
 * times per level). */
#ifndef CR_PDF_PACK_LEVEL
#define CR_PDF_PACK_LEVEL 1
#endif

/* Rewrites the PDF |in| (|len| bytes, as libharu writes it: objects "N 0 obj ... endobj", a
 * classic xref table, a trailer with /Root and /Info) with every object that is not a stream
 * moved into one object stream, every unfiltered stream compressed (/FlateDecode), and a
 * cross-reference stream instead of the table. The objects keep their numbers; the content is
 * unchanged.
 *
 * Returns CR_OK with *out (malloc'd, caller frees) and *out_len set; CR_OK with *out NULL when
 * |in| is not in the form expected (the caller keeps |in|, which is a valid PDF); CR_ENOMEM. */
cr_status cr_pdf_pack(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
                      cr_error *err);

/* An object whose value the caller wrote itself (the tagged PDF's structure tree, which libharu
 * would build from thousands of small objects): libharu wrote a placeholder for object |id|
 * (any value that is not a stream), and the value is |len| bytes at |off| of the caller's text. */
typedef struct cr_pdf_value {
    size_t id, off, len;
} cr_pdf_value;

/* cr_pdf_pack, with the |n| objects of |values| (any order, each id once) given the values in
 * |text| instead of their placeholders'. When |in| is not in the form expected, or an id is not a
 * placeholder object of |in|, returns CR_OK with *out NULL, as cr_pdf_pack does: the caller then
 * has no file with its values (the renderer reports an error). */
cr_status cr_pdf_pack_values(const unsigned char *in, size_t len, const char *text,
                             const cr_pdf_value *values, size_t n, unsigned char **out,
                             size_t *out_len, cr_error *err);

/* Values of one kind given by the caller: |n| objects, each |len| bytes at |off| of |text|. */
typedef struct cr_pdf_values {
    const char *text;
    const cr_pdf_value *v;
    size_t n;
} cr_pdf_values;

/* cr_pdf_pack_values with, besides the placeholder objects' values (|objs|), the data of stream
 * objects (|streams|): libharu wrote each of these as an empty stream (the page content, which
 * the renderer writes itself, so libharu neither copies it in nor out), and the data given goes
 * out compressed in its place; |deflated| likewise, with data that is compressed already (zlib
 * format: font programs compressed once per process), written as it is. Any may be NULL. An id
 * of |streams| or |deflated| that is not an empty, unfiltered stream of |in| gives CR_OK with *out
 * NULL, as an unknown placeholder does. */
cr_status cr_pdf_pack_all(const unsigned char *in, size_t len, const cr_pdf_values *objs,
                          const cr_pdf_values *streams, const cr_pdf_values *deflated,
                          unsigned char **out, size_t *out_len, cr_error *err);

/* cr_pdf_pack_all with new objects besides |in|'s: |added| gives the values of objects |in| does
 * not have, numbered on from its last (the k-th has id N + k, N being |in|'s xref size: the
 * structure tree's elements, which need no object in libharu), all in the object stream. An id
 * out of that order gives CR_OK with *out NULL. */
cr_status cr_pdf_pack_add(const unsigned char *in, size_t len, const cr_pdf_values *objs,
                          const cr_pdf_values *streams, const cr_pdf_values *deflated,
                          const cr_pdf_values *added, unsigned char **out, size_t *out_len,
                          cr_error *err);

/* Compresses |n| bytes at |in| in the zlib format at libdeflate |level| (1..12) into *out
 * (malloc'd, caller frees), *out_len. CR_ENOMEM. */
cr_status cr_pdf_deflate(const unsigned char *in, size_t n, int level, unsigned char **out,
                         size_t *out_len, cr_error *err);

#endif
