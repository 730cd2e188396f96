/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve's worker processes (app/serve_pool.c): N pre-started processes, forked once the
 * installation and peers are loaded, each answering one job at a time over a socketpair, so that a
 * crash costs one request. Part of the program, not of the library: it forks and reaps. */
#ifndef CERTREPORT_SERVE_POOL_H
#define CERTREPORT_SERVE_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POOL_MAX_PARTS 8
#define POOL_MAX_BYTES (256u * 1024u * 1024u) /* a message's parts together, at most */

/* One message, a job or its answer: two numbers and up to POOL_MAX_PARTS byte strings. What they
 * mean is the caller's (serve.c): a job's code is the endpoint, an answer's the HTTP status. */
typedef struct pool_part {
    const char *data; /* a received part is NUL-terminated after its |len| bytes */
    size_t len;
} pool_part;

typedef struct pool_msg {
    uint32_t code, flags;
    size_t nparts;
    pool_part part[POOL_MAX_PARTS];
    void *owned; /* freed (free()) once the message is sent or by pool_msg_free */
} pool_msg;

/* Frees a received message's bytes and empties it. */
void pool_msg_free(pool_msg *m);

/* Runs in a worker: answers |job| into |answer| (zeroed before the call; set answer->owned to a
 * malloc'd block the parts point into, freed after sending). */
typedef void (*pool_handler)(void *ctx, const pool_msg *job, pool_msg *answer);

typedef struct serve_pool serve_pool;

/* Told of a worker that died while idle (|status| as waitpid() gives it). */
typedef void (*pool_idle_death)(void *ctx, pid_t pid, int status);

/* Forks |n| workers running |handler| with |ctx| (in the worker's copy of the parent's memory).
 * Call with SIGINT and SIGTERM blocked (the workers keep them blocked: a worker stops when the
 * parent closes its socket or dies), from the thread that will call pool_tick: a worker's
 * parent-death signal is tied to the thread that forked it. NULL with errno set when a worker
 * cannot be started. |on_death| (may be NULL) is called from pool_tick, or from pool_run when
 * the worker it took had died before it could be sent the job (the job then goes to another). */
serve_pool *pool_start(unsigned n, pool_handler handler, void *ctx, pool_idle_death on_death,
                       void *death_ctx);

/* Reaps idle workers that died and forks a replacement for every dead worker. Call it often (the
 * service does every 100 ms) from the thread that called pool_start. */
void pool_tick(serve_pool *p);

typedef enum pool_result {
    POOL_OK,    /* |answer| filled: free it with pool_msg_free */
    POOL_BUSY,  /* no worker was idle within the wait */
    POOL_DIED,  /* the worker died (or ran past the job limit and was killed) before answering */
    POOL_ERROR, /* out of memory, or the answer broke the protocol (errno) */
} pool_result;

/* What became of a worker that died with a job. */
typedef struct pool_death {
    pid_t pid;
    int status;    /* waitpid()'s */
    int timed_out; /* killed by us: the job ran past the limit */
} pool_death;

/* Hands |job| to an idle worker, waiting at most |wait_ms| for one, and waits for its answer (at
 * most |job_limit_s| seconds, then the worker is killed: POOL_DIED). Thread-safe. */
pool_result pool_run(serve_pool *p, const pool_msg *job, pool_msg *answer, unsigned wait_ms,
                     unsigned job_limit_s, pool_death *death);

typedef struct pool_stats {
    unsigned workers, alive, busy;
    unsigned long started, deaths; /* processes forked (the first N included), processes died */
} pool_stats;

void pool_get_stats(serve_pool *p, pool_stats *out);

/* Closes every worker's socket (each exits when it reads the end), reaps them (killing one that
 * has not exited after a few seconds) and frees |p|. Call when no job is in flight, from the
 * thread that called pool_start. NULL: nothing. */
void pool_stop(serve_pool *p);

#endif
