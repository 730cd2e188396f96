/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: applying an audit log to a submission (see certreport/audit.h). */
#include "certreport/audit.h"
#include "args.h"

#include <string.h>

#include "arena.h"

cr_audited *cr_audit_apply(const cr_catalog *cat, const cr_submission *sub, const cr_audit_log *log,
                           cr_error *err)
{
    if (CR_ARG_NULL(cat, err) || CR_ARG_NULL(sub, err))
        return NULL;
    if (log && strcmp(log->submission, sub->id) != 0) {
        cr_error_set(err, CR_EINPUT, log->file, log->line,
                     "audit log is for submission \"%s\", not \"%s\" (%s)", log->submission,
                     sub->id, sub->file);
        return NULL;
    }
    cr_arena *arena = cr_arena_new();
    cr_audited *a = arena ? cr_arena_alloc(arena, sizeof *a) : NULL;
    cr_criterion_state *st = a ? cr_arena_calloc(arena, cat->ncriteria, sizeof *st) : NULL;
    int *verdicts = st ? cr_arena_calloc(arena, cat->noutcomes + 1, sizeof *verdicts) : NULL;
    /* Per criterion, how many notes and programs: sized first, filled after. */
    size_t *nnotes = verdicts ? cr_arena_calloc(arena, cat->ncriteria, sizeof *nnotes) : NULL;
    if (!nnotes)
        goto oom;
    a->arena_ = arena;
    a->catalog = cat;
    a->submission = sub;
    a->log = log;
    a->criteria = st;
    a->ncriteria = cat->ncriteria;
    a->verdicts = verdicts;
    a->current_step = -1;
    a->awarded = CR_NONE;
    for (size_t i = 0; i < cat->noutcomes; i++)
        verdicts[i] = -1;
    for (size_t i = 0; i < cat->ncriteria; i++)
        st[i].submitted = st[i].answer = sub->responses[i].answer;

    size_t nev = log ? log->nevents : 0;
    for (size_t k = 0; k < nev; k++) {
        const cr_event *e = &log->events[k];
        switch (e->type) {
        case CR_EVENT_CHANGE: {
            cr_criterion_state *c = &st[e->criterion];
            c->audited = true;
            if (e->from != c->answer) {
                /* The city changed its answer after this review: keep the city's answer. */
                c->stale = true;
            } else {
                c->answer = e->to;
                c->stale = false;
            }
            c->changed = c->answer != c->submitted;
            nnotes[e->criterion] += e->comment != NULL;
            break;
        }
        case CR_EVENT_COMMENT:
            st[e->criterion].audited = true;
            nnotes[e->criterion]++;
            break;
        case CR_EVENT_OUTCOME:
            verdicts[e->outcome] = e->met;
            break;
        case CR_EVENT_STEP:
            a->steps[e->step].reached = true;
            a->steps[e->step].event = e;
            if ((int)e->step > a->current_step)
                a->current_step = (int)e->step;
            if (e->step == CR_STEP_CERTIFIED)
                a->awarded = e->tier;
            break;
        }
    }

    /* Notes (the reviewers' comments, in order) and the programs naming each criterion. */
    for (size_t i = 0; i < cat->ncriteria; i++) {
        if (nnotes[i]) {
            st[i].notes = cr_arena_calloc(arena, nnotes[i], sizeof *st[i].notes);
            if (!st[i].notes)
                goto oom;
        }
        size_t np = 0;
        for (size_t p = 0; p < sub->nprograms; p++)
            for (size_t j = 0; j < sub->programs[p].ncriteria; j++)
                np += sub->programs[p].criteria[j] == i;
        if (np) {
            size_t *idx = cr_arena_calloc(arena, np, sizeof *idx);
            if (!idx)
                goto oom;
            np = 0;
            for (size_t p = 0; p < sub->nprograms; p++)
                for (size_t j = 0; j < sub->programs[p].ncriteria; j++)
                    if (sub->programs[p].criteria[j] == i)
                        idx[np++] = p;
            st[i].programs = idx;
            st[i].nprograms = np;
        }
    }
    for (size_t k = 0; k < nev; k++) {
        const cr_event *e = &log->events[k];
        if ((e->type == CR_EVENT_CHANGE || e->type == CR_EVENT_COMMENT) && e->comment) {
            cr_criterion_state *c = &st[e->criterion];
            ((const cr_event **)c->notes)[c->nnotes++] = e;
        }
    }
    return a;
oom:
    cr_arena_free(arena);
    cr_error_set(err, CR_ENOMEM, sub->file, 0, "out of memory");
    return NULL;
}

void cr_audited_free(cr_audited *a)
{
    if (a)
        cr_arena_free(a->arena_);
}
