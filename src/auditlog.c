/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: reading an audit log (see certreport/input.h). Each event type has its own
 * attributes; an attribute that does not belong to the type is an error, not silently ignored. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "args.h"
#include "certreport/input.h"
#include "text.h"
#include "xmlsafe.h"

static const char *const step_names[CR_STEP_COUNT] = {"submitted", "interim-report", "debrief",
                                                      "site-visit", "certified"};

const char *cr_step_name(cr_step s)
{
    return (unsigned)s < CR_STEP_COUNT ? step_names[s] : "?";
}

typedef struct reader {
    const cr_catalog *cat;
    cr_arena *arena;
    const char *name;
    cr_error *err;
    const char *lang; /* the log's language, or NULL */
    bool oom, bad;
} reader;

static void problem(reader *r, long line, const char *fmt, ...) CR_PRINTF(3, 4);

static void problem(reader *r, long line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cr_error_set(r->err, CR_EINPUT, r->name, line, "%s", msg);
    r->bad = true;
}

/* Every attribute an event may have; one of these on the wrong type of event is an error, any
 * other attribute (another tool's addition) a warning. */
static const char *const event_attrs[] = {"at",     "by",      "type", "criterion", "from", "to",
                                          "metric", "verdict", "step", "tier",      "lang", NULL};
static const char *const audit_attrs[] = {"submission", "lang", NULL};
static const char *const comment_attrs[] = {"lang", NULL};

/* A language tag as BCP 47 writes it: a 2-3 letter language, then subtags ("en", "fr-CA"). */
static bool is_lang_tag(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))
        n++;
    if (n < 2 || n > 3)
        return false;
    for (s += n; *s;) {
        if (*s != '-')
            return false;
        size_t k = 1;
        while ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
               (s[k] >= '0' && s[k] <= '9'))
            k++;
        if (k < 2 || k > 9)
            return false;
        s += k;
    }
    return true;
}

/* The language an element says its text is in (xml:lang, or lang), or |inherited|. A value that
 * is no language tag is a warning and is ignored. */
static const char *lang_of(reader *r, xmlNodePtr n, const char *inherited)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"lang", XML_XML_NAMESPACE);
    if (!v)
        v = xmlGetNoNsProp(n, (const xmlChar *)"lang");
    if (!v)
        return inherited;
    const char *lang = NULL;
    if (is_lang_tag((const char *)v))
        lang = cr_arena_strdup(r->arena, (const char *)v);
    else
        cr_error_warn(r->err, r->name, cr_xml_line(n),
                      "lang \"%s\" is not a language tag (like en or fr-CA): ignored",
                      (const char *)v);
    if (is_lang_tag((const char *)v) && !lang)
        r->oom = true;
    xmlFree(v);
    return lang ? lang : inherited;
}

/* Attributes each type takes beyond at, by and type. */
static const char *const allowed[4][4] = {
    [CR_EVENT_CHANGE] = {"criterion", "from", "to", NULL},
    [CR_EVENT_COMMENT] = {"criterion", NULL},
    [CR_EVENT_OUTCOME] = {"metric", "verdict", NULL},
    [CR_EVENT_STEP] = {"step", "tier", NULL},
};

/* Reads one event into |e|; returns whether its time is valid (and so can be ordered). */
static bool read_event(reader *r, xmlNodePtr n, cr_event *e)
{
    bool *oom = &r->oom;
    e->line = cr_xml_line(n);
    e->at = cr_xml_attr(r->arena, n, "at", oom);
    e->by = cr_xml_attr(r->arena, n, "by", oom);
    const char *type = cr_xml_attr(r->arena, n, "type", oom);
    bool criterion_spaced, from_spaced, to_spaced;
    char *criterion = (char *)cr_xml_attr_spaced(r->arena, n, "criterion", &criterion_spaced, oom);
    const char *from = cr_xml_attr_spaced(r->arena, n, "from", &from_spaced, oom);
    const char *to = cr_xml_attr_spaced(r->arena, n, "to", &to_spaced, oom);
    const char *metric = cr_xml_attr(r->arena, n, "metric", oom);
    const char *verdict = cr_xml_attr(r->arena, n, "verdict", oom);
    const char *step = cr_xml_attr(r->arena, n, "step", oom);
    const char *tier = cr_xml_attr(r->arena, n, "tier", oom);
    xmlNodePtr comment = cr_xml_elem(n->children);
    e->comment = comment ? cr_xml_text(r->arena, comment, oom) : NULL;
    e->lang = lang_of(r, n, r->lang);
    if (comment) {
        cr_xml_warn_attrs(comment, comment_attrs, r->name, r->err);
        e->lang = lang_of(r, comment, e->lang);
    }
    if (*oom)
        return false;
    cr_ascii_upper(criterion); /* "dm8" is DM8 */
    e->type = strcmp(type, "change") == 0    ? CR_EVENT_CHANGE
              : strcmp(type, "comment") == 0 ? CR_EVENT_COMMENT
              : strcmp(type, "outcome") == 0 ? CR_EVENT_OUTCOME
                                             : CR_EVENT_STEP;
    e->criterion = e->outcome = e->tier = CR_NONE;
    bool timed = cr_parse_datetime(e->at, &e->at_unix);
    if (!timed)
        problem(r, e->line, "event time %s is not a real date and time", e->at);

    cr_xml_warn_attrs(n, event_attrs, r->name, r->err);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        bool known = false;
        for (int k = 0; event_attrs[k] && !known; k++)
            known = !a->ns && strcmp(an, event_attrs[k]) == 0;
        if (!known || strcmp(an, "at") == 0 || strcmp(an, "by") == 0 || strcmp(an, "type") == 0 ||
            strcmp(an, "lang") == 0)
            continue;
        bool ok = false;
        for (int k = 0; allowed[e->type][k]; k++)
            ok |= strcmp(allowed[e->type][k], an) == 0;
        if (!ok)
            problem(r, e->line, "attribute %s does not apply to %s %s event", an,
                    type[0] == 'o' ? "an" : "a", type);
    }

    switch (e->type) {
    case CR_EVENT_CHANGE:
    case CR_EVENT_COMMENT:
        if (!criterion) {
            problem(r, e->line, "a %s event needs a criterion", type);
            break;
        }
        /* audit.xsd's patterns for the code and the answers are checked here: a code or an
         * answer with stray spaces is refused, as an unknown one is. */
        if (criterion_spaced)
            problem(r, e->line, "criterion %s has stray spaces (a code is letters, then digits)",
                    criterion);
        else if ((e->criterion = cr_catalog_criterion(r->cat, criterion)) == CR_NONE)
            problem(r, e->line, "unknown criterion %s (not in the catalog)", criterion);
        if (!e->comment || !e->comment[0])
            problem(r, e->line, "a %s event needs a <comment>", type);
        if (e->type == CR_EVENT_CHANGE) {
            if (!from || !to) {
                problem(r, e->line, "a change needs both from and to");
                break;
            }
            if (from_spaced || to_spaced || !cr_parse_answer(from, &e->from) ||
                !cr_parse_answer(to, &e->to)) {
                problem(r, e->line, "a change is from and to yes, in-progress or no");
                break;
            }
            /* A reviewer who confirms an answer this way audited it: it counts as audited and
             * its comment is shown, but it changes nothing. */
            if (e->from == e->to)
                cr_error_warn(r->err, r->name, e->line,
                              "change from %s to %s changes nothing (kept as a review of %s)", from,
                              to, criterion ? criterion : "?");
        }
        break;
    case CR_EVENT_OUTCOME:
        if (!metric || !verdict) {
            problem(r, e->line, "an outcome event needs metric and verdict");
            break;
        }
        e->outcome = cr_catalog_outcome(r->cat, metric);
        if (e->outcome == CR_NONE)
            problem(r, e->line, "unknown outcome metric %s", metric);
        else if (r->cat->outcomes[e->outcome].rule != CR_RULE_VERDICT)
            problem(r, e->line, "outcome %s is measured, not judged: it takes no verdict", metric);
        e->met = strcmp(verdict, "met") == 0;
        break;
    case CR_EVENT_STEP:
        if (!step) {
            problem(r, e->line, "a step event needs a step");
            break;
        }
        for (int k = 0; k < CR_STEP_COUNT; k++)
            if (strcmp(step, step_names[k]) == 0)
                e->step = (cr_step)k;
        if (e->step == CR_STEP_CERTIFIED) {
            if (!tier)
                problem(r, e->line, "a certified step needs the awarded tier");
            else if ((e->tier = cr_catalog_tier(r->cat, tier)) == CR_NONE)
                problem(r, e->line, "unknown tier %s (not in the catalog)", tier);
        } else if (tier) {
            problem(r, e->line, "only a certified step carries a tier");
        }
        break;
    }
    return timed;
}

cr_audit_log *cr_audit_parse(const char *buf, size_t len, const char *name, const cr_catalog *cat,
                             const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(buf, err) || CR_ARG_NULL(name, err) || CR_ARG_NULL(cat, err) ||
        CR_ARG_NULL(schemas, err))
        return NULL;
    reader r = {.cat = cat, .name = name, .err = err};
    xmlDocPtr doc = cr_xml_load(buf, len, name, schemas, CR_SCHEMA_AUDIT, "audit", err);
    if (!doc)
        return NULL;
    cr_audit_log *log = NULL;
    r.arena = cr_arena_new();
    if (!r.arena || !(log = cr_arena_alloc(r.arena, sizeof *log))) {
        r.oom = true;
        goto done;
    }
    log->arena_ = r.arena;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    log->file = cr_arena_strdup(r.arena, name);
    log->line = cr_xml_line(root);
    cr_xml_warn_attrs(root, audit_attrs, name, err);
    log->submission = cr_xml_attr(r.arena, root, "submission", &r.oom);
    r.lang = lang_of(&r, root, NULL);
    size_t n = cr_xml_count(root, NULL);
    cr_event *ev = cr_arena_calloc(r.arena, n ? n : 1, sizeof *ev);
    if (r.oom || !ev) {
        r.oom = true;
        goto done;
    }
    size_t i = 0;
    const cr_event *last = NULL; /* the latest event with a valid time */
    for (xmlNodePtr c = cr_xml_elem(root->children); c && !r.oom; c = cr_xml_elem(c->next), i++) {
        /* An event without a valid time is reported once and left out of the order check. */
        if (!read_event(&r, c, &ev[i]) || r.oom)
            continue;
        if (last && ev[i].at_unix < last->at_unix) {
            char prev[32];
            snprintf(prev, sizeof prev, "%ld", last->line);
            problem(&r, ev[i].line,
                    "events must be in time order: %s is earlier than the event on line %s",
                    ev[i].at, prev);
        }
        last = &ev[i];
    }
    log->events = ev;
    log->nevents = n;
done:
    if (r.oom)
        cr_error_set(err, CR_ENOMEM, name, 0, "out of memory");
    xmlFreeDoc(doc);
    if (r.oom || r.bad) {
        cr_arena_free(r.arena);
        return NULL;
    }
    return log;
}

cr_audit_log *cr_audit_load(const char *path, const cr_catalog *cat, const cr_schemas *schemas,
                            cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(cat, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_AUDIT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    cr_audit_log *log = cr_audit_parse(buf, len, path, cat, schemas, err);
    free(buf);
    return log;
}

void cr_audit_free(cr_audit_log *a)
{
    if (a)
        cr_arena_free(a->arena_);
}
