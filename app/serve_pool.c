/* SPDX-License-Identifier: Apache-2.0 */
/* certreport serve's worker processes: a crash while parsing or rendering one city's files costs
 * that request only (issue #17, "bounded and isolated").
 *
 * pool_start forks N workers once the installation (catalog, schemas, layout, strings, fonts) and
 * the peers files are loaded, so each worker has them already, copy-on-write. A worker answers
 * one job at a time over its end of a socketpair (AF_UNIX, SOCK_STREAM); the HTTP threads of the
 * parent take an idle worker (waiting a bounded time, else POOL_BUSY: the service answers 503),
 * send the job and read the answer. A worker that dies with a job (crash, SIGKILL, or killed by us
 * past the job limit) is seen as end-of-file on its socket: that job is POOL_DIED (the service
 * answers 500 with a request id), the worker is reaped by the thread that had the job, and
 * pool_tick forks a replacement. Idle workers that die are reaped and replaced by pool_tick.
 *
 * The protocol, both ways (same binary, same machine: host byte order, no versioning):
 *
 *     head:  u32 magic 0x43524a31 ("CRJ1"), u32 code, u32 flags, u32 nparts,
 *            u64 len[8] (lengths of the parts; those past nparts are 0)       80 bytes
 *     then:  the nparts parts' bytes, one after the other
 *
 * A job and its answer are each one message; nparts <= 8, the parts together <= POOL_MAX_BYTES;
 * anything else breaks the protocol, and the worker on the other end is killed. What code, flags
 * and the parts mean is the caller's (app/serve.c says).
 *
 * A worker: closes every file descriptor but 0, 1, 2 and its socket (so it holds no client
 * connection, no listening socket and no other worker's socket), asks for SIGKILL when its parent
 * dies (PR_SET_PDEATHSIG) and checks getppid() after asking and after each job, keeps SIGINT and
 * SIGTERM blocked (a ^C or a service manager's SIGTERM to the whole group is the parent's to
 * handle: it finishes the jobs in flight, then closes the sockets), exits (_exit 0) when its
 * socket reaches end-of-file, and never returns into the parent's code.
 *
 * Replacements are forked from the main thread while the HTTP threads run. That is safe here
 * because those threads never call into the library (every parse and render happens in a
 * worker), so no libxml2, libharu or cairo lock can be held at the fork, and glibc's fork resets
 * malloc's and stdio's locks in the child. */
#define _GNU_SOURCE /* close_range */
#include "serve_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x43524a31u
#define WORKER_FD 3
#define STOP_WAIT_MS 5000 /* pool_stop: a worker that has not exited by then is killed */

typedef struct wire_head {
    uint32_t magic, code, flags, nparts;
    uint64_t len[POOL_MAX_PARTS];
} wire_head;

enum slot_state { SLOT_IDLE, SLOT_BUSY, SLOT_DEAD };

typedef struct slot {
    pid_t pid;
    int fd; /* the parent's end; -1 when dead */
    enum slot_state state;
} slot;

struct serve_pool {
    pthread_mutex_t mu;
    pthread_cond_t idle; /* a slot became idle */
    bool stopping;
    pool_handler handler;
    void *ctx;
    pool_idle_death on_death;
    void *death_ctx;
    pid_t parent;
    unsigned n;
    slot *slots;
    unsigned long started, deaths;
};

void pool_msg_free(pool_msg *m)
{
    if (!m)
        return;
    free(m->owned);
    memset(m, 0, sizeof *m);
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the wire ---- */

static bool write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* 1: read; 0: end of file before |len| bytes; -1: error; -2: past |deadline| (ms, <0: none). */
static int read_all(int fd, void *data, size_t len, int64_t deadline)
{
    char *p = data;
    while (len > 0) {
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return -2;
            struct pollfd pf = {.fd = fd, .events = POLLIN};
            int r = poll(&pf, 1, left > 60000 ? 60000 : (int)left);
            if (r < 0 && errno != EINTR)
                return -1;
            if (r <= 0)
                continue;
        }
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
}

static bool msg_send(int fd, const pool_msg *m)
{
    wire_head h;
    memset(&h, 0, sizeof h);
    h.magic = MAGIC;
    h.code = m->code;
    h.flags = m->flags;
    h.nparts = (uint32_t)m->nparts;
    if (m->nparts > POOL_MAX_PARTS)
        return false;
    for (size_t i = 0; i < m->nparts; i++)
        h.len[i] = m->part[i].len;
    if (!write_all(fd, &h, sizeof h))
        return false;
    for (size_t i = 0; i < m->nparts; i++)
        if (m->part[i].len && !write_all(fd, m->part[i].data, m->part[i].len))
            return false;
    return true;
}

/* Reads one message into |m| (its parts in one malloc'd block, m->owned). 1 read; 0 end of file
 * at a message's start; -1 error, broken protocol or out of memory (errno); -2 past |deadline|. */
static int msg_recv(int fd, pool_msg *m, int64_t deadline)
{
    memset(m, 0, sizeof *m);
    wire_head h;
    int r = read_all(fd, &h, sizeof h, deadline);
    if (r <= 0)
        return r;
    if (h.magic != MAGIC || h.nparts > POOL_MAX_PARTS) {
        errno = EPROTO;
        return -1;
    }
    uint64_t total = 0;
    for (uint32_t i = 0; i < h.nparts; i++) {
        if (h.len[i] > POOL_MAX_BYTES || (total += h.len[i] + 1) > POOL_MAX_BYTES) {
            errno = EMSGSIZE;
            return -1;
        }
    }
    char *block = malloc(total ? (size_t)total : 1);
    if (!block)
        return -1; /* errno ENOMEM */
    char *p = block;
    for (uint32_t i = 0; i < h.nparts; i++) {
        r = h.len[i] ? read_all(fd, p, (size_t)h.len[i], deadline) : 1;
        if (r != 1) {
            free(block);
            if (r == 0) {
                errno = EPIPE;
                return -1;
            }
            return r;
        }
        p[h.len[i]] = '\0';
        m->part[i].data = p;
        m->part[i].len = (size_t)h.len[i];
        p += h.len[i] + 1;
    }
    m->code = h.code;
    m->flags = h.flags;
    m->nparts = h.nparts;
    m->owned = block;
    return 1;
}

/* ---- a worker ---- */

static void close_others(void)
{
    if (close_range(WORKER_FD + 1, ~0u, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536)
        max = 65536;
    for (int fd = WORKER_FD + 1; fd < max; fd++)
        close(fd);
}

__attribute__((noreturn)) static void worker_main(serve_pool *p, int fd)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != p->parent)
        _exit(0);
    if (fd != WORKER_FD) {
        if (dup2(fd, WORKER_FD) != WORKER_FD)
            _exit(1);
        close(fd);
    }
    close_others();
    for (;;) {
        pool_msg job, answer;
        if (msg_recv(WORKER_FD, &job, -1) != 1)
            _exit(0); /* the parent closed the socket (or broke the protocol) */
        memset(&answer, 0, sizeof answer);
        p->handler(p->ctx, &job, &answer);
        bool sent = msg_send(WORKER_FD, &answer);
        pool_msg_free(&answer);
        pool_msg_free(&job);
        if (!sent || getppid() != p->parent)
            _exit(0);
    }
}

/* Forks the worker of slot |i|. Called with p->mu held (or before any other thread uses |p|). */
static bool spawn(serve_pool *p, unsigned i)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    if (sv[1] < WORKER_FD) { /* 0, 1 or 2 closed: keep the worker's end out of their way */
        int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, WORKER_FD + 1);
        close(sv[1]);
        if (moved < 0) {
            close(sv[0]);
            return false;
        }
        sv[1] = moved;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        errno = e;
        return false;
    }
    if (pid == 0) {
        close(sv[0]);
        worker_main(p, sv[1]);
    }
    close(sv[1]);
    p->slots[i].pid = pid;
    p->slots[i].fd = sv[0];
    p->slots[i].state = SLOT_IDLE;
    p->started++;
    return true;
}

/* ---- the parent ---- */

serve_pool *pool_start(unsigned n, pool_handler handler, void *ctx, pool_idle_death on_death,
                       void *death_ctx)
{
    if (n == 0 || !handler) {
        errno = EINVAL;
        return NULL;
    }
    serve_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->slots = calloc(n, sizeof *p->slots))) {
        free(p);
        errno = ENOMEM;
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->idle, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&p->mu, NULL);
    p->handler = handler;
    p->ctx = ctx;
    p->on_death = on_death;
    p->death_ctx = death_ctx;
    p->parent = getpid();
    p->n = n;
    for (unsigned i = 0; i < n; i++) {
        p->slots[i].fd = -1;
        p->slots[i].state = SLOT_DEAD;
    }
    for (unsigned i = 0; i < n; i++)
        if (!spawn(p, i)) {
            int e = errno;
            pool_stop(p);
            errno = e;
            return NULL;
        }
    return p;
}

void pool_tick(serve_pool *p)
{
    pthread_mutex_lock(&p->mu);
    for (unsigned i = 0; i < p->n && !p->stopping; i++) {
        slot *s = &p->slots[i];
        int status = 0;
        /* A busy worker is reaped by the thread that has its job; an idle one here. */
        if (s->state == SLOT_IDLE && waitpid(s->pid, &status, WNOHANG) == s->pid) {
            close(s->fd);
            s->fd = -1;
            s->state = SLOT_DEAD;
            p->deaths++;
            if (p->on_death)
                p->on_death(p->death_ctx, s->pid, status);
        }
        if (s->state == SLOT_DEAD && spawn(p, i))
            pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
}

/* Takes an idle worker, waiting until |until| for one. NULL: none (or stopping). */
static slot *take_idle(serve_pool *p, const struct timespec *until, pid_t *pid, int *fd)
{
    pthread_mutex_lock(&p->mu);
    slot *s = NULL;
    for (;;) {
        for (unsigned i = 0; i < p->n && !s; i++)
            if (p->slots[i].state == SLOT_IDLE)
                s = &p->slots[i];
        if (s || p->stopping || pthread_cond_timedwait(&p->idle, &p->mu, until) == ETIMEDOUT)
            break;
    }
    for (unsigned i = 0; i < p->n && !s && !p->stopping; i++) /* one last look */
        if (p->slots[i].state == SLOT_IDLE)
            s = &p->slots[i];
    if (s) {
        s->state = SLOT_BUSY;
        *pid = s->pid;
        *fd = s->fd;
    }
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* The busy worker of |s| is finished: killed if it may still run, reaped, its slot left for
 * pool_tick to fill. Returns its wait status. */
static int retire(serve_pool *p, slot *s, pid_t pid, int fd, bool kill_it)
{
    if (kill_it)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&p->mu);
    close(fd);
    s->fd = -1;
    s->state = SLOT_DEAD;
    p->deaths++;
    pthread_mutex_unlock(&p->mu);
    return status;
}

pool_result pool_run(serve_pool *p, const pool_msg *job, pool_msg *answer, unsigned wait_ms,
                     unsigned job_limit_s, pool_death *death)
{
    memset(answer, 0, sizeof *answer);
    memset(death, 0, sizeof *death);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    for (unsigned attempt = 0;; attempt++) {
        pid_t pid;
        int fd;
        slot *s = take_idle(p, &until, &pid, &fd);
        if (!s)
            return POOL_BUSY;
        /* A worker reads a whole job before it starts on it, so a job it could not be sent was
         * never begun: that worker died idle, before pool_tick saw it; try another. */
        if (!msg_send(fd, job)) {
            int status = retire(p, s, pid, fd, true);
            if (p->on_death)
                p->on_death(p->death_ctx, pid, status);
            if (attempt < p->n)
                continue;
            death->pid = pid;
            death->status = status;
            return POOL_DIED;
        }
        int r = msg_recv(fd, answer, now_ms() + (int64_t)job_limit_s * 1000);
        if (r == 1) {
            pthread_mutex_lock(&p->mu);
            s->state = SLOT_IDLE;
            pthread_cond_signal(&p->idle);
            pthread_mutex_unlock(&p->mu);
            return POOL_OK;
        }
        /* No answer: end of file (it died), past the limit, a broken protocol, or no memory for
         * the answer (left unread): the worker cannot go on. */
        bool nomem = r == -1 && errno == ENOMEM;
        death->pid = pid;
        death->status = retire(p, s, pid, fd, r != 0);
        death->timed_out = r == -2;
        if (nomem) {
            errno = ENOMEM;
            return POOL_ERROR;
        }
        return POOL_DIED;
    }
}

void pool_get_stats(serve_pool *p, pool_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    out->workers = p->n;
    for (unsigned i = 0; i < p->n; i++) {
        out->alive += p->slots[i].state != SLOT_DEAD;
        out->busy += p->slots[i].state == SLOT_BUSY;
    }
    out->started = p->started;
    out->deaths = p->deaths;
    pthread_mutex_unlock(&p->mu);
}

void pool_stop(serve_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->idle);
    pthread_mutex_unlock(&p->mu);
    /* End of file on every socket: each worker exits; reap them, bounded. */
    for (unsigned i = 0; i < p->n; i++)
        if (p->slots[i].fd >= 0) {
            close(p->slots[i].fd);
            p->slots[i].fd = -1;
        }
    int64_t deadline = now_ms() + STOP_WAIT_MS;
    for (unsigned i = 0; i < p->n; i++) {
        slot *s = &p->slots[i];
        if (s->state == SLOT_DEAD)
            continue;
        int status;
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (now_ms() >= deadline) {
                kill(s->pid, SIGKILL);
                while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
                    ;
                break;
            }
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
        }
        s->state = SLOT_DEAD;
    }
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->mu);
    free(p->slots);
    free(p);
}
