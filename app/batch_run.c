/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (program): a batch run (batch_run.h). The library plans the run and renders one city
 * at a time (src/batch_plan.h); this file owns the processes and the signals.
 *
 * The parent scores the cohort (pass 1, in the library), decides which reports are out of date,
 * then hands city indices to worker processes over pipes (pass 2). Workers are forked after
 * everything shared (catalog, layout, fonts, string tables, peers) is loaded, so they start ready
 * and hold one city at a time; each writes its report atomically. Signals are read from a
 * signalfd in the parent's poll loop; workers keep them blocked and are killed by the parent,
 * which then removes whatever temporary file a worker was writing. */
#define _GNU_SOURCE
#include "batch_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "batch_plan.h"
#include "progress.h"

typedef struct worker {
    pid_t pid;
    int cmd, res; /* our ends of its pipes; -1 when closed */
    long current; /* row being rendered, -1 when idle */
} worker;

/* What a worker says about one city. Fits in PIPE_BUF, so it arrives whole. */
typedef struct reply {
    uint32_t row;
    int32_t outcome; /* CR_OUT_OK written, CR_OUT_CITY the city failed, CR_OUT_FATAL the output */
    cr_batch_output out;
} reply;
_Static_assert(sizeof(reply) <= PIPE_BUF, "a reply must arrive whole");

/* A run: the library's plan, and what the program adds to it. */
typedef struct batch_run {
    cr_batch b;
    cr_batch_options o; /* the caller's, asking this run's signals between cities */
    const cr_batch_options *caller;
    int sfd; /* the signalfd, -1 when closed */
    int sig; /* the signal that stopped the run, 0 if none */
    worker *workers;
    size_t nworkers;
    app_progress progress;
    int lock_fd, shard_lock_fd; /* the output folder's lock files, -1 when not held */
} batch_run;

/* ---- signals ---- */

static void signal_set(sigset_t *s, bool with_pipe)
{
    sigemptyset(s);
    sigaddset(s, SIGINT);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGHUP);
    if (with_pipe)
        sigaddset(s, SIGPIPE);
}

/* The signal that arrived, or 0. */
static int signal_arrived(batch_run *br)
{
    struct signalfd_siginfo si;
    if (br->sfd >= 0 && read(br->sfd, &si, sizeof si) == (ssize_t)sizeof si)
        return (int)si.ssi_signo;
    return 0;
}

/* Moves all |n| bytes through a pipe (reads when |out| is NULL, else writes |out|). */
static bool transfer(int fd, void *in, const void *out, size_t n)
{
    char *c = out ? (char *)(uintptr_t)out : in;
    while (n) {
        ssize_t k = out ? write(fd, c, n) : read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        c += k;
        n -= (size_t)k;
    }
    return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
    return transfer(fd, NULL, p, n);
}

static bool read_all(int fd, void *p, size_t n)
{
    return transfer(fd, p, NULL, n);
}

static _Noreturn void worker_main(batch_run *br, int cmd, int res)
{
    cr_batch *b = &br->b;
    uint32_t i;
    while (read_all(cmd, &i, sizeof i)) {
        reply rep;
        memset(&rep, 0, sizeof rep);
        rep.row = i;
        if (i < b->nrows)
            rep.outcome = cr_batch_render_city(b, &b->rows[i], &rep.out);
        else
            rep.outcome = CR_OUT_CITY;
        if (!write_all(res, &rep, sizeof rep))
            break;
    }
    _exit(0);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static cr_status spawn(batch_run *br, worker *w, cr_error *err)
{
    int cmd[2], res[2];
    if (pipe2(cmd, O_CLOEXEC) != 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    if (pipe2(res, O_CLOEXEC) != 0) {
        close(cmd[0]);
        close(cmd[1]);
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(cmd[0]);
        close(cmd[1]);
        close(res[0]);
        close(res[1]);
        return cr_error_set(err, CR_EIO, NULL, 0, "cannot start a worker: %s", strerror(errno));
    }
    if (pid == 0) {
        /* A worker dies with the parent (SIGKILL too): none goes on writing into a folder whose
         * lock a later run may then hold. The lock itself is shared with the workers, so the
         * kernel releases it only when the last of them is gone. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(1);
        /* Hold no end of another worker's pipes, so each one's EOF means what it says. */
        for (size_t k = 0; k < br->nworkers; k++) {
            close_fd(&br->workers[k].cmd);
            close_fd(&br->workers[k].res);
        }
        close(cmd[1]);
        close(res[0]);
        close_fd(&br->sfd);
        worker_main(br, cmd[0], res[1]);
    }
    close(cmd[0]);
    close(res[1]);
    w->pid = pid;
    w->cmd = cmd[1];
    w->res = res[0];
    w->current = -1;
    return CR_OK;
}

static void stop_worker(batch_run *br, worker *w, bool kill_it)
{
    cr_batch *b = &br->b;
    close_fd(&w->cmd);
    if (kill_it && w->pid > 0)
        kill(w->pid, SIGKILL);
    if (w->pid > 0) {
        int status;
        while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    close_fd(&w->res);
    if (w->current >= 0)
        cr_batch_remove_temporaries(b, &b->rows[w->current]);
    w->pid = -1;
    w->current = -1;
}

/* Renders every pending row. Returns CR_OK, an error that stopped the run, or CR_EIO with
 * br->sig. */
static cr_status pass2(batch_run *br, cr_batch_result *res, cr_error *err)
{
    cr_batch *b = &br->b;
    /* The cities to render are the rows pending, taken in order (no list of them: the parent's
     * memory at 1,000,000 cities); |next| is the row after the last one given to a worker. */
    size_t ntodo = 0, given = 0, next = 0, done = 0;
    for (size_t i = 0; i < b->nrows; i++)
        ntodo += b->rows[i].valid && b->rows[i].st == CR_ROW_PENDING;
    unsigned jobs = b->o->jobs;
    if (!jobs)
        jobs = cr_batch_cpu_count();
    br->nworkers = jobs < ntodo ? jobs : ntodo;
    br->workers = calloc(br->nworkers ? br->nworkers : 1, sizeof *br->workers);
    struct pollfd *fds = calloc(br->nworkers + 1, sizeof *fds);
    cr_status st = CR_OK;
    if (!br->workers || !fds) {
        free(fds);
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t k = 0; k < br->nworkers; k++) {
        br->workers[k].pid = -1;
        br->workers[k].cmd = br->workers[k].res = -1;
        br->workers[k].current = -1;
    }
    app_progress_start(&br->progress, b->o->progress, b->log);
    bool stopping = false;
    for (;;) {
        /* Give every idle worker its next city. */
        for (size_t k = 0; k < br->nworkers && !stopping; k++) {
            worker *w = &br->workers[k];
            if (w->current >= 0 || given >= ntodo)
                continue;
            if (w->pid <= 0 && (st = spawn(br, w, err)) != CR_OK) {
                stopping = true;
                break;
            }
            while (!(b->rows[next].valid && b->rows[next].st == CR_ROW_PENDING))
                next++; /* rows from |next| on are untouched: ntodo - given are pending */
            uint32_t i = (uint32_t)next;
            w->current = (long)next++;
            given++;
            if (!write_all(w->cmd, &i, sizeof i))
                close_fd(&w->cmd); /* it died between two cities: the read below says so */
        }
        size_t busy = 0;
        for (size_t k = 0; k < br->nworkers; k++)
            busy += br->workers[k].current >= 0;
        if (busy == 0)
            break;
        fds[0] = (struct pollfd){.fd = br->sfd, .events = POLLIN};
        for (size_t k = 0; k < br->nworkers; k++)
            fds[k + 1] = (struct pollfd){
                .fd = br->workers[k].current >= 0 ? br->workers[k].res : -1, .events = POLLIN};
        if (poll(fds, br->nworkers + 1, 1000) < 0 && errno != EINTR) {
            st = cr_error_set(err, CR_EIO, NULL, 0, "poll: %s", strerror(errno));
            break;
        }
        /* A signal: no city is started after it, and the cities being rendered finish (a city
         * takes milliseconds), so every report on disk is in the manifest as rendered. A second
         * signal stops at once: those workers are killed and their cities stay "not rendered". */
        int sig = signal_arrived(br);
        if (sig) {
            if (br->sig)
                break;
            br->sig = sig;
            stopping = true;
            if (st == CR_OK)
                st = CR_EIO;
        }
        for (size_t k = 0; k < br->nworkers; k++) {
            worker *w = &br->workers[k];
            if (w->current < 0 || !(fds[k + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            cr_batch_row *r = &b->rows[w->current];
            reply rep;
            if (!read_all(w->res, &rep, sizeof rep) || rep.row != (uint32_t)w->current) {
                /* The worker died with this city: say so, clean up after it, go on. */
                int status = 0;
                pid_t pid = w->pid;
                close_fd(&w->cmd);
                if (pid > 0)
                    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
                w->pid = -1;
                close_fd(&w->res);
                cr_batch_remove_temporaries(b, r);
                cr_error e;
                cr_error_init(&e);
                cr_cohort_paths paths;
                const char *sub = cr_cohort_entry_at(b->cohort, r->entry, &paths)->submission;
                if (WIFSIGNALED(status))
                    cr_error_set(&e, CR_EINPUT, sub, 0,
                                 "rendering crashed (signal %d); the report was not written",
                                 WTERMSIG(status));
                else
                    cr_error_set(&e, CR_EINPUT, sub, 0,
                                 "rendering stopped (exit status %d); the report was not written",
                                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
                cr_batch_log_error(b, &e);
                cr_batch_fail_row(b, r, &e);
                w->current = -1;
                res->failed++;
                done++;
                app_progress_show(&br->progress, done, ntodo, false);
                continue;
            }
            w->current = -1;
            done++;
            if (rep.outcome == CR_OUT_OK) {
                cr_batch_row_written(b, r, &rep.out);
                res->rendered++;
            } else {
                rep.out.message[sizeof rep.out.message - 1] = '\0';
                cr_batch_fail_row_message(b, r, rep.out.message);
                if (rep.outcome == CR_OUT_FATAL && !stopping) {
                    /* The output folder cannot take more (full, read-only, gone): stop here. */
                    stopping = true;
                    res->stopped = true;
                    st = cr_error_set(err, CR_EIO, NULL, 0,
                                      "%s; stopped: the reports already there are kept",
                                      rep.out.message);
                } else if (rep.outcome != CR_OUT_FATAL) {
                    cr_batch_logf(b, "%s\n", rep.out.message);
                    res->failed++;
                }
            }
            app_progress_show(&br->progress, done, ntodo, false);
        }
    }
    bool killed = br->sig != 0 || st != CR_OK;
    for (size_t k = 0; k < br->nworkers; k++)
        stop_worker(br, &br->workers[k], killed);
    if (!br->sig && st == CR_OK)
        app_progress_show(&br->progress, done, ntodo, true);
    else
        app_progress_abandon(&br->progress);
    free(fds);
    return st;
}

/* ---- one writer per output folder ---- */

/* Takes |name| in the output folder (cr_lock_open, cr_lock_try): the kernel releases it when the
 * process (and the workers sharing it) are gone, however they die. Busy: an error, or with
 * o->wait, tries again every 100 ms until it is free or a signal (or o->cancelled) stops the
 * wait. */
static cr_status lock_file(batch_run *br, const char *name, int mode, int *fd_out, cr_error *err)
{
    const cr_batch *b = &br->b;
    const cr_batch_options *o = b->o;
    char path[4200];
    int fd = cr_lock_open(o->out_dir, name, path, sizeof path, err);
    if (fd < 0)
        return CR_EIO;
    bool said = false;
    int got;
    while ((got = cr_lock_try(fd, mode, path, err)) != 1) {
        if (got < 0 || !o->wait) {
            close(fd);
            if (got < 0)
                return CR_EIO;
            return cr_error_set(err, CR_EIO, o->out_dir, 0,
                                "another certreport run is writing to this folder (it holds %s); "
                                "wait for it to finish, or give --wait",
                                name);
        }
        if (!said && o->progress != CR_PROGRESS_NONE) {
            cr_batch_logf(b, "certreport %s: waiting for another run writing to %s\n", b->command,
                          o->out_dir);
            said = true;
        }
        struct pollfd p = {.fd = br->sfd, .events = POLLIN};
        (void)poll(&p, 1, 100);
        if (o->cancelled && o->cancelled(o->cancel_data)) {
            close(fd);
            return CR_EIO;
        }
    }
    *fd_out = fd;
    return CR_OK;
}

/* A whole run (and a merge) holds CR_BATCH_LOCK_NAME alone; a shard shares it with the other
 * shards and holds its own slice's lock alone. Then the temporaries a killed run left are
 * removed. */
static cr_status take_lock(batch_run *br, cr_error *err)
{
    const cr_batch_options *o = br->b.o;
    cr_status st =
        lock_file(br, CR_BATCH_LOCK_NAME, o->shard_n ? LOCK_SH : LOCK_EX, &br->lock_fd, err);
    if (st == CR_OK && o->shard_n) {
        char name[96];
        snprintf(name, sizeof name, ".certreport-shard-%u-of-%u.lock", o->shard_k, o->shard_n);
        st = lock_file(br, name, LOCK_EX, &br->shard_lock_fd, err);
    }
    if (st == CR_OK)
        cr_batch_clean_temporaries(&br->b, NULL);
    return st;
}

static cr_status block_signals(batch_run *br, sigset_t *old, cr_error *err)
{
    sigset_t set, fdset;
    signal_set(&set, true);
    signal_set(&fdset, false);
    if (sigprocmask(SIG_BLOCK, &set, old) != 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "sigprocmask: %s", strerror(errno));
    br->sfd = signalfd(-1, &fdset, SFD_CLOEXEC | SFD_NONBLOCK);
    if (br->sfd < 0)
        return cr_error_set(err, CR_EIO, NULL, 0, "signalfd: %s", strerror(errno));
    return CR_OK;
}

static void restore_signals(batch_run *br, const sigset_t *old)
{
    /* Take any signal still pending (a second Ctrl-C, a broken pipe) before unblocking. */
    sigset_t set;
    signal_set(&set, true);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&set, NULL, &zero) > 0)
        ;
    close_fd(&br->sfd);
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* cr_batch_options.cancelled of the run: a signal read from the signalfd (kept in br->sig), or
 * the caller's own. */
static bool run_cancelled(void *data)
{
    batch_run *br = data;
    if (!br->sig)
        br->sig = signal_arrived(br);
    return br->sig || (br->caller->cancelled && br->caller->cancelled(br->caller->cancel_data));
}

/* Sets up |br| for |command|: the caller's options with run_cancelled asking between cities. */
static void run_init(batch_run *br, const cr_batch_options *o, const cr_catalog *cat,
                     const cr_schemas *schemas, const char *command)
{
    memset(br, 0, sizeof *br);
    br->caller = o;
    br->o = *o;
    br->o.cancelled = run_cancelled;
    br->o.cancel_data = br;
    br->sfd = br->lock_fd = br->shard_lock_fd = -1;
    cr_batch_init(&br->b, &br->o, cat, schemas, command);
}

static void run_free(batch_run *br)
{
    cr_batch_free(&br->b);
    free(br->workers);
    close_fd(&br->sfd);
    close_fd(&br->shard_lock_fd);
    close_fd(&br->lock_fd); /* closing the last descriptor releases it */
}

cr_status app_batch_run(const cr_batch_options *o, const cr_catalog *cat, const cr_schemas *schemas,
                        cr_batch_result *res, cr_error *err)
{
    cr_error local_err; /* the run reads err->code: a caller's NULL gets a record of its own */
    if (!err) {
        cr_error_init(&local_err);
        err = &local_err;
    }
    if (CR_ARG_NULL(res, err))
        return CR_EUSAGE;
    memset(res, 0, sizeof *res);
    if (CR_ARG_NULL(o, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err) ||
        CR_ARG_NULL(o->cohort_dir, err) || CR_ARG_NULL(o->out_dir, err) ||
        CR_ARG_RANGE(o->format, CR_OUTPUT_SVG, err) ||
        CR_ARG_RANGE(o->backend, CR_BACKEND_CAIRO + 1, err) || CR_ARG_NULL(o->catalog_path, err) ||
        CR_ARG_NULL(o->layout_path, err) || CR_ARG_NULL(o->fonts_dir, err) ||
        CR_ARG_NULL(o->strings_dir, err) || CR_ARG_NULL(o->version, err))
        return CR_EUSAGE;
    if (o->shard_n && (o->shard_k < 1 || o->shard_k > o->shard_n))
        return cr_error_set(err, CR_EUSAGE, NULL, 0, "shard %u/%u: K must be between 1 and N",
                            o->shard_k, o->shard_n);
    if (o->shard_n && !o->peers_path)
        return cr_error_set(err, CR_EUSAGE, NULL, 0,
                            "--shard needs --peers: every shard must use the same statistics");
    if (cr_outdir_check(o->out_dir, err) != CR_OK)
        return err->code;
    batch_run *br = malloc(sizeof *br);
    if (!br)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    run_init(br, o, cat, schemas, "batch");
    cr_batch *b = &br->b;
    snprintf(res->manifest, sizeof res->manifest, "%s", b->manifest_csv);
    sigset_t old;
    cr_status st = block_signals(br, &old, err);
    if (st == CR_OK)
        st = take_lock(br, err);
    if (st == CR_OK)
        st = cr_batch_prepare(b, err);
    if (st == CR_OK) {
        res->cities = b->nrows;
        for (size_t i = 0; i < b->nrows; i++)
            if (!b->rows[i].valid)
                res->failed++;
        res->excluded = o->peers_path ? 0 : b->nleft_out;
        st = cr_batch_hash(b, err);
    }
    if (st == CR_OK) {
        if (!o->force)
            cr_batch_mark_unchanged(b);
        for (size_t i = 0; i < b->nrows; i++)
            res->unchanged += b->rows[i].st == CR_ROW_UNCHANGED;
        st = pass2(br, res, err);
        /* Whatever happened, the manifest says what is on disk now. */
        cr_error merr;
        cr_error_init(&merr);
        if (cr_batch_write_manifest(b, &merr) != CR_OK) {
            if (st == CR_OK)
                st = cr_error_set(err, merr.code, merr.file, merr.line, "%s", merr.message);
            else
                cr_batch_log_error(b, &merr);
        }
    }
    if (br->sig) {
        res->signal = br->sig;
        if (st == CR_OK || err->code == CR_OK)
            st = cr_error_set(
                err, CR_EIO, NULL, 0,
                "interrupted by signal %d: every finished report is kept, none is half-written",
                br->sig);
    }
    restore_signals(br, &old);
    run_free(br);
    free(br);
    return st;
}

cr_status app_batch_merge(const cr_batch_options *o, cr_batch_result *res, cr_error *err)
{
    memset(res, 0, sizeof *res);
    struct stat sb;
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return cr_error_set(err, CR_EIO, o->out_dir, 0, "not a folder");
    batch_run *br = malloc(sizeof *br);
    if (!br)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    run_init(br, o, NULL, NULL, "merge");
    /* A whole run's lock: no shard is writing while the view of all of them is made. The
     * caller's cancelled (its own signal handler) stops the wait. */
    cr_status st = lock_file(br, CR_BATCH_LOCK_NAME, LOCK_EX, &br->lock_fd, err);
    if (st == CR_OK)
        st = cr_batch_merge_manifests(o->out_dir, res, err);
    else
        res->signal = br->sig;
    run_free(br);
    free(br);
    return st;
}
