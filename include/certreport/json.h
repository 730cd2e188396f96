/* certreport: JSON views of a scorecard and of peer statistics, for portals and scripts. */
#ifndef CERTREPORT_JSON_H
#define CERTREPORT_JSON_H

#include "audit.h"
#include "peers.h"
#include "score.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The scorecard as a JSON object (UTF-8, indented, trailing newline). Returns a malloc'd string
 * the caller frees, or NULL with |err| set (CR_ENOMEM). */
char *cr_scorecard_json(const cr_audited *a, const cr_scorecard *sc, cr_error *err);

/* Peer statistics as JSON: {"applicants", "regions", "bands", "criteria"}; percentages rounded
 * half up to one decimal. Ownership as above. */
char *cr_peers_json(const cr_peers *p, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
