/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (program): a whole cohort's reports in one run, and the merge of a sharded run's
 * manifests. The program's, not the library's: a run forks worker processes, blocks and reads
 * SIGINT, SIGTERM and SIGHUP (a signalfd) and draws a progress bar. The library's part (scoring
 * the cohort, hashing, rendering one city, the manifests) is in src/batch_plan.h. */
#ifndef APP_BATCH_RUN_H
#define APP_BATCH_RUN_H

#include "certreport/batch.h"

/* Runs a batch. The cohort folder is read as every command reads it (cr_cohort_scan,
 * cr_cohort_stats): warnings about it and per-city problems go to o->log ("file:line: message"),
 * then one line with what the peer statistics were computed over; per-city problems count in
 * |res|; CR_OK means the run finished (even when cities failed: see res->failed). Anything that
 * stops the whole run (an unreadable cohort or peers file, an output folder that cannot be
 * written, out of memory) returns an error in |err|; a signal returns CR_EIO with res->signal
 * set. Every report is rendered by a worker process; SIGINT, SIGTERM and SIGHUP are blocked and
 * read while it runs. */
cr_status app_batch_run(const cr_batch_options *o, const cr_catalog *cat, const cr_schemas *schemas,
                        cr_batch_result *res, cr_error *err);

/* Merges the manifests the shards of a run wrote into o->out_dir (manifest-K-of-N.csv/json,
 * K = 1..N, all of one N) into manifest.csv and manifest.json, the very files one run over the
 * whole cohort writes (its lines in the cohort's order, by id, no "shard"). Refused while a run
 * writes to the folder (o->wait: waits, until o->cancelled says stop). Uses out_dir, wait, log,
 * progress, cancelled; |res| gets the counts by status and the manifest's path. */
cr_status app_batch_merge(const cr_batch_options *o, cr_batch_result *res, cr_error *err);

#endif
