/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): takes the structure claim out of a cairo PDF.
 *
 * cairo 1.16 makes a structure element of every link and, to write them, a /StructTreeRoot and
 * /MarkInfo << /Marked true >> in the catalog: the file claims to be tagged while its tree holds
 * only empty links, no /Lang, no alternative text. Honest output says it is not tagged. This pass
 * appends an incremental update (ISO 32000-1, 7.5.6) with a new version of the catalog that lacks
 * both entries: the original bytes stay as they are, readers take the catalog of the update, and
 * the structure tree becomes unreachable. */
#ifndef CR_PDF_UNTAG_H
#define CR_PDF_UNTAG_H

#include <stddef.h>

#include "certreport/error.h"

/* Returns CR_OK with *out (malloc'd, caller frees) holding |in| plus the update; CR_OK with *out
 * NULL when |in| has no structure claim or is not in the form cairo writes (a classic trailer
 * with /Root N 0 R, the catalog as "N 0 obj << ... >> endobj"): the caller keeps |in|;
 * CR_ENOMEM. */
cr_status cr_pdf_untag(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len,
                       cr_error *err);

#endif
