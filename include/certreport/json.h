/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: JSON views of a scorecard and of peer statistics, for portals and scripts. */
#ifndef CERTREPORT_JSON_H
#define CERTREPORT_JSON_H

#include "export.h"

#include "audit.h"
#include "peers.h"
#include "roadmap.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the machine outputs' format ("format" in score --json, stats --json and the
 * batch manifest). One vocabulary in all of them: ids in lower case (tiers "gold", bands
 * "30k-100k", regions "us"), display names beside them ("band_name"), lists as arrays, null
 * for absent. Their JSON Schemas are the files assets/schemas/NAME.schema.json. A field is never
 * removed or changes meaning within one format; new fields may appear. */
#define CR_JSON_FORMAT 2

/* The scorecard as a JSON object (UTF-8, indented, trailing newline), with its "roadmap"
 * (roadmap.h; candidates ranked without peer shares). Returns a malloc'd string the caller frees,
 * or NULL with |err| set (CR_ENOMEM). */
CR_API char *cr_scorecard_json(const cr_audited *a, const cr_scorecard *sc, cr_error *err);

/* The same, the roadmap's candidates ranked by |peers| (may be NULL) and showing their shares.
 * Ownership and errors as above, and those of cr_roadmap_build. */
CR_API char *cr_scorecard_json_peers(const cr_audited *a, const cr_scorecard *sc,
                                     const cr_peers *peers, cr_error *err);

/* Peer statistics as JSON: {"applicants", "regions", "bands", "criteria"}; percentages rounded
 * half up to one decimal. Ownership as above. */
CR_API char *cr_peers_json(const cr_peers *p, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
