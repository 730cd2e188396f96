/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: safe XML reading and schema validation (see xmlsafe.h). */
#include "xmlsafe.h"
#include "args.h"
#include "certreport/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <utf8proc.h>

#include "text.h"

/* Parser state reachable from libxml2's callbacks through ctxt->_private. */
typedef struct parse_state {
    const char *name;
    cr_error *err;
    bool failed;
    xmlDictPtr dict;
} parse_state;

static void on_parse_error(void *ctx, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt ? ctxt->_private : NULL;
    if (!st || !e || e->level < XML_ERR_ERROR || st->failed)
        return; /* warnings are not problems; after the first error the rest is noise */
    st->failed = true;
    if (xmlDictGetUsage(st->dict) >= CR_XML_MAX_NAMES_BYTES) { /* the cap, whatever libxml2 says */
        cr_error_set(st->err, CR_EINPUT, st->name, e->line,
                     "too many different element or attribute names (more than %d KB of them)",
                     CR_XML_MAX_NAMES_BYTES / 1024);
        return;
    }
    cr_error_set(st->err, CR_EINPUT, st->name, e->line, "%s",
                 e->message ? e->message : "malformed XML");
}

/* Called by the parser at "<!DOCTYPE": stop right there. Nothing after it is read. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    xmlParserCtxtPtr ctxt = ctx;
    parse_state *st = ctxt->_private;
    if (!st->failed) {
        st->failed = true;
        cr_error_set(st->err, CR_EINPUT, st->name, xmlSAX2GetLineNumber(ctx),
                     "DOCTYPE declarations are not allowed (no DTDs or entities)");
    }
    xmlStopParser(ctxt);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
    (void)name;
    (void)type;
    (void)pub;
    (void)sys;
    (void)content;
    on_doctype(ctx, NULL, NULL, NULL);
}

/* Invisible formatting characters: zero-width spaces and joiners, direction marks, embeddings,
 * overrides and isolates, word joiner and invisible operators, the byte order mark. Typed or
 * pasted, they would reorder or glue text in ways nobody sees: they are removed (a warning). */
static bool is_invisible(uint32_t cp)
{
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C ||
           cp == 0xFEFF;
}

/* Returns a cleaned copy of |s| (malloc'd) when it holds invisible formatting characters or is
 * not in Unicode Normalization Form C, else NULL (also NULL with *oom set when out of memory).
 * *removed is the first invisible character removed, 0 if none. */
static char *clean_text(const char *s, uint32_t *removed, bool *oom)
{
    *removed = 0;
    size_t n = strlen(s);
    if (cr_ascii_only(s, n))
        return NULL; /* the usual case: nothing to normalise */
    char *stripped = malloc(n + 1);
    if (!stripped) {
        *oom = true;
        return NULL;
    }
    char *w = stripped;
    for (const char *p = s; *p;) {
        const char *start = p;
        uint32_t cp = cr_utf8_next(&p);
        if (is_invisible(cp)) {
            if (!*removed)
                *removed = cp;
            continue;
        }
        memcpy(w, start, (size_t)(p - start));
        w += p - start;
    }
    *w = '\0';
    char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)stripped);
    if (!nfc) { /* utf8proc fails only when out of memory: the text is valid UTF-8 */
        free(stripped);
        *oom = true;
        return NULL;
    }
    if (*removed || strcmp(nfc, s) != 0) {
        free(stripped);
        return nfc;
    }
    free(nfc);
    free(stripped);
    return NULL;
}

/* The raw bytes passed the UTF-8 check, but character references can still smuggle in control
 * characters (&#x85;): check every attribute value and text node of the tree. Text is also put in
 * Normalization Form C (a name typed decomposed, as macOS keyboards do, is the same name) and
 * stripped of invisible formatting characters, with a warning naming the line. */
static bool check_chars(xmlNodePtr n, long line, bool refs, const char *name, cr_error *err)
{
    for (; n; n = n->next) {
        const xmlChar *content = NULL;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
            content = n->content;
        if (content) {
            long at;
            const char *what;
            if (refs &&
                !cr_utf8_check((const char *)content, strlen((const char *)content), &at, &what)) {
                cr_error_set(err, CR_EINPUT, name, line, "%s in text", what);
                return false;
            }
            uint32_t removed;
            bool oom = false;
            char *clean = clean_text((const char *)content, &removed, &oom);
            if (oom) {
                cr_error_set(err, CR_ENOMEM, name, line, "out of memory");
                return false;
            }
            if (clean) {
                xmlNodeSetContent(n, (const xmlChar *)clean);
                free(clean);
            }
            if (removed)
                cr_error_warn(err, name, line,
                              "invisible formatting character U+%04X removed (it would reorder or "
                              "join text unseen)",
                              (unsigned)removed);
        }
        if (n->type == XML_ELEMENT_NODE) {
            long el = cr_xml_line(n);
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                if (!check_chars(a->children, el, refs, name, err))
                    return false;
            }
            if (!check_chars(n->children, el, refs, name, err))
                return false;
        }
    }
    return true;
}

/* ---- the pre-scan: bounded work before libxml2 sees the bytes ---- */

static bool xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An element name for a message: at most 40 bytes, cut on a character boundary. */
static void tag_name(const char *p, size_t n, char *out, size_t size)
{
    size_t max = size - 4;
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
            n--;
        snprintf(out, size, "%.*s...", (int)n, p);
    } else {
        snprintf(out, size, "%.*s", (int)n, p);
    }
}

/* The bytes that end a tag's name (TAG_END) and an attribute's name (NAME_END, '=' too). */
enum { TAG_END = 1, NAME_END = 2 };
static const unsigned char ends[256] = {[' '] = TAG_END | NAME_END,  ['\t'] = TAG_END | NAME_END,
                                        ['\r'] = TAG_END | NAME_END, ['\n'] = TAG_END | NAME_END,
                                        ['>'] = TAG_END | NAME_END,  ['/'] = TAG_END | NAME_END,
                                        ['<'] = TAG_END | NAME_END,  ['='] = NAME_END};

/* One linear pass over the raw bytes, before libxml2, that refuses a start tag with more than
 * CR_XML_MAX_ATTRIBUTES attributes or CR_XML_MAX_NAMESPACES namespace declarations (libxml2
 * checks every attribute of an element against every other one, so 30,000 attributes on one
 * element cost it a minute), and a document of more than CR_XML_MAX_ELEMENTS elements (a tree of
 * 800,000 nodes is 100 MB and then the time to walk it). The pass is paranoid rather than exact:
 * every '<' followed by a name character starts a tag wherever it is (in a comment, a CDATA section
 * or an attribute value too), a tag runs to the next '>' outside a quoted value, and a quoted value
 * ends at its quote or at the next '<'. So no start tag libxml2 could ever parse escapes the count,
 * each byte is looked at once, and a document only needs more than the limits when it is absurd
 * anyway. *only_tags tells whether every '<' but the first (the XML declaration) starts a start or
 * an end tag: no comment, CDATA section or processing instruction (see run_parser). */
static bool prescan(const char *buf, size_t len, const char *name, cr_error *err, bool *only_tags)
{
    const char *p = buf, *end = buf + len;
    unsigned long elements = 0;
    *only_tags = true;
    /* Lines are counted only for a message (cr_utf8_line): the tags are found with memchr. */
    while (p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
        p++;
        if (p < end && (*p == '!' || *p == '?') && (*p == '!' || elements > 0))
            *only_tags = false;
        if (p == end || *p == '/' || *p == '!' || *p == '?' || xml_space(*p) || *p == '<')
            continue;
        const char *tag = p;
        if (++elements > CR_XML_MAX_ELEMENTS) {
            cr_error_set(err, CR_EINPUT, name, cr_utf8_line(buf, (size_t)(tag - buf)),
                         "more than %d elements in one document", CR_XML_MAX_ELEMENTS);
            return false;
        }
        while (p < end && !(ends[(unsigned char)*p] & TAG_END))
            p++;
        size_t tag_len = (size_t)(p - tag);
        unsigned natt = 0, nns = 0;
        while (p < end && *p != '>' && *p != '<') {
            if (xml_space(*p) || *p == '/' || *p == '=') {
                p++;
                continue;
            }
            /* An attribute: its name, then perhaps = and a quoted value. */
            const char *an = p;
            while (p < end && !(ends[(unsigned char)*p] & NAME_END))
                p++;
            size_t alen = (size_t)(p - an);
            bool ns = (alen == 5 && memcmp(an, "xmlns", 5) == 0) ||
                      (alen > 6 && memcmp(an, "xmlns:", 6) == 0);
            if (ns ? ++nns > CR_XML_MAX_NAMESPACES : ++natt > CR_XML_MAX_ATTRIBUTES) {
                char shown[48];
                tag_name(tag, tag_len, shown, sizeof shown);
                cr_error_set(err, CR_EINPUT, name, cr_utf8_line(buf, (size_t)(tag - buf)),
                             "element <%s> has more than %d %s", shown,
                             ns ? CR_XML_MAX_NAMESPACES : CR_XML_MAX_ATTRIBUTES,
                             ns ? "namespace declarations" : "attributes");
                return false;
            }
            while (p < end && xml_space(*p))
                p++;
            if (p == end || *p != '=')
                continue;
            p++;
            while (p < end && xml_space(*p))
                p++;
            if (p == end || (*p != '"' && *p != '\''))
                continue;
            char quote = *p++;
            while (p < end && *p != quote && *p != '<')
                p++;
            if (p < end && *p == quote)
                p++;
        }
    }
    return true;
}

struct cr_xml_reader {
    xmlParserCtxtPtr ctxt; /* NULL until the first document */
    xmlSchemaValidCtxtPtr valid[CR_SCHEMA_COUNT];
    cr_xml_reader *next; /* in the pool's idle list */
};

/* Readers kept idle per cr_schemas: one per thread that reads, a few spare. */
enum { POOL_MAX_IDLE = 64 };

/* A reused context keeps its name dictionary, so a document's names are looked up among the
 * names of the documents read before it. The cap (CR_XML_MAX_NAMES_BYTES) is on the dictionary's
 * pools, which grow fourfold, so a fresh dictionary reaches it only after holding more than 6 KB
 * of strings. A document read in a reused dictionary that holds at most DICT_SURE bytes
 * afterwards therefore had at most that many of its own: a fresh one would not have reached the
 * cap either, and the outcome (document or message) is the same. Past DICT_SURE it is read again
 * in a fresh context, and a dictionary past DICT_KEEP is not reused. Documents of our formats
 * intern well under 1 KB, the same names each time. */
enum { DICT_KEEP = 2048, DICT_SURE = 4096 };

static void reader_free(cr_xml_reader *r)
{
    if (!r)
        return;
    if (r->ctxt)
        xmlFreeParserCtxt(r->ctxt);
    for (int k = 0; k < CR_SCHEMA_COUNT; k++)
        if (r->valid[k])
            xmlSchemaFreeValidCtxt(r->valid[k]);
    free(r);
}

/* An idle reader of |s|, else a new one; NULL (read without one) when out of memory. The pool is
 * only ever tried (trylock), never waited for: a busy pool means a new reader, and a process forked
 * while another thread held the lock (a service's worker) reads with new readers instead of
 * waiting forever for a lock no thread of its own will release. */
static cr_xml_reader *reader_take(const cr_schemas *s)
{
    cr_xml_pool *pool = s->pool;
    cr_xml_reader *r = NULL;
    if (pthread_mutex_trylock(&pool->lock) == 0) {
        if (pool->idle) {
            r = pool->idle;
            pool->idle = r->next;
            pool->nidle--;
        }
        pthread_mutex_unlock(&pool->lock);
    }
    return r ? r : calloc(1, sizeof *r);
}

/* Gives |r| back to |s|'s pool, or frees it (pool full or busy). */
static void reader_give(const cr_schemas *s, cr_xml_reader *r)
{
    if (!r)
        return;
    cr_xml_pool *pool = s->pool;
    bool kept = false;
    if (pthread_mutex_trylock(&pool->lock) == 0) {
        kept = pool->nidle < POOL_MAX_IDLE;
        if (kept) {
            r->next = pool->idle;
            pool->idle = r;
            pool->nidle++;
        }
        pthread_mutex_unlock(&pool->lock);
    }
    if (!kept)
        reader_free(r);
}

/* A parser context set up for our formats, or NULL when out of memory. */
static xmlParserCtxtPtr new_ctxt(void)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    /* libxml2 interns every name (and short or blank texts) in a dictionary whose hash table
     * stops growing at some 8,000 buckets: 500,000 distinct element names in 4 MiB took it 4 s,
     * quadratically. Its strings are capped here at CR_XML_MAX_NAMES_BYTES (a real document of
     * any of our formats uses under 1 KB): past that the parser stops (on_parse_error says why). */
    xmlDictSetLimit(ctxt->dict, CR_XML_MAX_NAMES_BYTES);
    ctxt->sax->serror = on_parse_error;
    ctxt->sax->internalSubset = on_doctype;
    ctxt->sax->externalSubset = on_doctype;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->resolveEntity = NULL;
    /* Comments and processing instructions never make nodes: nothing reads them, and text split
     * by thousands of them into thousands of nodes costs the schema validator quadratic time
     * (it joins an element's text nodes one strcat at a time). Without them the text around
     * arrives as one node, grown in place. */
    ctxt->sax->comment = NULL;
    ctxt->sax->processingInstruction = NULL;
    return ctxt;
}

/* Whether the bytes declare no encoding or UTF-8 (any case, "UTF8" too) in an XML declaration at
 * their start (after a byte order mark): then libxml2 reads them as UTF-8 by itself. Any other
 * declaration, or one not understood here, is false. */
static bool declares_utf8(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + (len < 512 ? len : 512);
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (end - p < 5 || memcmp(p, "<?xml", 5) != 0)
        return true; /* no declaration */
    const char *close = NULL;
    for (const char *q = p; q + 1 < end && !close; q++)
        if (q[0] == '?' && q[1] == '>')
            close = q;
    if (!close)
        return false;
    const char *enc = NULL;
    for (const char *q = p; q + 8 <= close && !enc; q++)
        if (memcmp(q, "encoding", 8) == 0)
            enc = q + 8;
    if (!enc)
        return true;
    while (enc < close && (xml_space(*enc) || *enc == '='))
        enc++;
    if (enc == close || (*enc != '"' && *enc != '\''))
        return false;
    const char *v = enc + 1, *v_end = memchr(v, *enc, (size_t)(close - v));
    if (!v_end)
        return false;
    size_t n = (size_t)(v_end - v);
    return (n == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
           (n == 4 && strncasecmp(v, "utf8", 4) == 0);
}

/* libxml2 over the bytes, in |ctxt|: the document, or NULL with its one error in |err|.
 * |only_tags|: no comment, CDATA section or processing instruction in the elements (prescan). */
static xmlDocPtr run_parser(xmlParserCtxtPtr ctxt, const char *buf, size_t len, const char *name,
                            bool only_tags, cr_error *err)
{
    parse_state st = {.name = name, .err = err, .failed = false, .dict = ctxt->dict};
    ctxt->_private = &st;
    /* NONET: never fetch; no NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE. BIG_LINES: real lines. */
    int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
    /* NOBLANKS: the whitespace between elements (the indentation) makes no text nodes, about a
     * third of a document's nodes. libxml2 drops a run of whitespace only when it is the element's
     * first text and a tag follows (or, with children, an end tag), outside xml:space="preserve".
     * Where a start tag follows, the element has element children: our formats then either want
     * element-only content (whitespace is ignored) or refuse the child, with the same messages.
     * Where an end tag follows an element child, likewise. Whitespace before a comment, a CDATA
     * section or a processing instruction would be dropped too and change a text's length, so
     * such documents keep their blanks. The handler is set each time: the context is reused. */
    /* libxml2 keeps these two options of a context once given: the reused context forgets them. */
    ctxt->options &= ~(XML_PARSE_NOBLANKS | XML_PARSE_IGNORE_ENC);
    if (only_tags)
        opts |= XML_PARSE_NOBLANKS;
    else
        ctxt->sax->ignorableWhitespace = ctxt->sax->characters;
    /* The bytes are UTF-8 whatever they declare (they passed cr_utf8_check). Given "UTF-8",
     * libxml2 converts them from UTF-8 to UTF-8, a copy and a second decoding; when they declare
     * UTF-8 or nothing it reads them as they are, with the same outcome. Another declaration is
     * left to the converting read, which refuses an encoding it does not know. */
    xmlDocPtr doc =
        declares_utf8(buf, len)
            ? xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, opts | XML_PARSE_IGNORE_ENC)
            : xmlCtxtReadMemory(ctxt, buf, (int)len, name, "UTF-8", opts);
    if (!st.failed && (!doc || !ctxt->wellFormed)) {
        cr_error_set(err, CR_EINPUT, name, ctxt->input ? ctxt->input->line : 0, "malformed XML");
        st.failed = true;
    }
    if (!st.failed && (doc->intSubset || doc->extSubset)) {
        cr_error_set(err, CR_EINPUT, name, 1, "DOCTYPE declarations are not allowed");
        st.failed = true;
    }
    ctxt->_private = NULL;
    if (st.failed && doc) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

/* Whether "&#" occurs in the |len| bytes at |buf|. */
static bool has_char_ref(const char *buf, size_t len)
{
    for (const char *p = buf, *end = buf + len; (p = memchr(p, '&', (size_t)(end - p))); p++)
        if (end - p > 1 && p[1] == '#')
            return true;
    return false;
}

/* cr_xml_parse in |r|'s context when it has one that may be reused (see DICT_SURE), else in a
 * fresh one, kept in |r| for the next document when the document was read without a problem. */
static xmlDocPtr parse_with(cr_xml_reader *r, const char *buf, size_t len, const char *name,
                            cr_error *err)
{
    long line;
    const char *what;
    if (len > CR_INPUT_MAX_BYTES) { /* from memory as from a file (cr_read_file) */
        cr_error_set(err, CR_EINPUT, name, 0, "input is too large (%zu bytes; the limit is %zu)",
                     len, (size_t)CR_INPUT_MAX_BYTES);
        return NULL;
    }
    if (!cr_utf8_check(buf, len, &line, &what)) {
        cr_error_set(err, CR_EINPUT, name, line, "%s (input must be UTF-8 text)", what);
        return NULL;
    }
    bool only_tags;
    if (!prescan(buf, len, name, err, &only_tags))
        return NULL;
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr ctxt = r ? r->ctxt : NULL;
    if (r)
        r->ctxt = NULL;
    if (ctxt && xmlDictGetUsage(ctxt->dict) <= DICT_KEEP) {
        cr_error first;
        cr_error_init(&first);
        doc = run_parser(ctxt, buf, len, name, only_tags, &first);
        if (xmlDictGetUsage(ctxt->dict) <= DICT_SURE) {
            if (!doc) /* the one problem, as a fresh context would have reported it */
                cr_error_set(err, first.code, first.file[0] ? first.file : NULL, first.line, "%s",
                             first.message);
            goto parsed;
        }
        if (doc) /* doubtful: read again in a fresh context */
            xmlFreeDoc(doc);
    }
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    if (!(ctxt = new_ctxt())) {
        cr_error_set(err, CR_ENOMEM, name, 0, "out of memory");
        return NULL;
    }
    doc = run_parser(ctxt, buf, len, name, only_tags, err);
parsed:
    if (r && doc && xmlDictGetUsage(ctxt->dict) <= DICT_KEEP)
        r->ctxt = ctxt;
    else
        xmlFreeParserCtxt(ctxt);
    /* The raw bytes passed the UTF-8 check; only a character reference (&#...;) can put another
     * character in the tree, so without one the tree's text needs no second check. Without one
     * and in ASCII bytes (the usual document), every text of the tree is ASCII too (the five
     * predefined entities are; a DOCTYPE is refused): nothing to normalise or strip, and the walk
     * would change nothing. */
    bool refs = has_char_ref(buf, len);
    if (doc && (refs || !cr_ascii_only(buf, len)) &&
        !check_chars(xmlDocGetRootElement(doc), 1, refs, name, err)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    return doc;
}

xmlDocPtr cr_xml_parse(const char *buf, size_t len, const char *name, cr_error *err)
{
    return parse_with(NULL, buf, len, name, err);
}

typedef struct valid_state {
    const char *name;
    cr_error *err;
    unsigned reported;
} valid_state;

static void on_valid_error(void *ctx, xmlErrorPtr e)
{
    valid_state *st = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    /* A broken document can produce hundreds: the first few are what a person reads. */
    if (++st->reported > 20)
        return;
    cr_error_set(st->err, CR_EINPUT, st->name, e->line, "%s",
                 e->message ? e->message : "does not match the schema");
}

/* cr_xml_validate with |r|'s validation context for |kind| (kept there after a valid document). */
static bool validate_with(cr_xml_reader *r, xmlDocPtr doc, const cr_schemas *s,
                          enum cr_schema_kind kind, const char *name, cr_error *err)
{
    xmlSchemaValidCtxtPtr v = r ? r->valid[kind] : NULL;
    if (r)
        r->valid[kind] = NULL;
    if (!v && !(v = xmlSchemaNewValidCtxt(s->schema[kind]))) {
        cr_error_set(err, CR_ENOMEM, name, 0, "out of memory");
        return false;
    }
    valid_state st = {.name = name, .err = err, .reported = 0};
    xmlSchemaSetValidStructuredErrors(v, on_valid_error, &st);
    int rc = xmlSchemaValidateDoc(v, doc);
    xmlSchemaSetValidStructuredErrors(v, NULL, NULL);
    if (r && rc == 0)
        r->valid[kind] = v;
    else
        xmlSchemaFreeValidCtxt(v);
    if (rc != 0 && st.reported == 0)
        cr_error_set(err, CR_EINPUT, name, 0, "does not match the schema");
    return rc == 0;
}

bool cr_xml_validate(xmlDocPtr doc, const cr_schemas *s, enum cr_schema_kind kind, const char *name,
                     cr_error *err)
{
    return validate_with(NULL, doc, s, kind, name, err);
}

size_t cr_xml_max_bytes(enum cr_schema_kind kind)
{
    if (kind == CR_SCHEMA_SUBMISSION)
        return CR_SUBMISSION_MAX_BYTES;
    if (kind == CR_SCHEMA_AUDIT)
        return CR_AUDIT_MAX_BYTES;
    return CR_INPUT_MAX_BYTES;
}

xmlDocPtr cr_xml_load(const char *buf, size_t len, const char *name, const cr_schemas *s,
                      enum cr_schema_kind kind, const char *root, cr_error *err)
{
    if (len > cr_xml_max_bytes(kind)) { /* from memory as from a file */
        cr_error_set(err, CR_EINPUT, name, 0,
                     "input is too large (%zu bytes; the limit for %s is %zu)", len,
                     kind == CR_SCHEMA_SUBMISSION ? "a submission"
                     : kind == CR_SCHEMA_AUDIT    ? "an audit log"
                                                  : "this format",
                     cr_xml_max_bytes(kind));
        return NULL;
    }
    cr_xml_reader *r = reader_take(s);
    xmlDocPtr doc = parse_with(r, buf, len, name, err);
    if (!doc)
        goto done;
    xmlNodePtr root_el = xmlDocGetRootElement(doc);
    if (!root_el || !cr_xml_is(root_el, root)) {
        cr_error_set(err, CR_EINPUT, name, root_el ? cr_xml_line(root_el) : 1,
                     "expected a <%s> document, found <%s>", root,
                     root_el ? (const char *)root_el->name : "nothing");
        xmlFreeDoc(doc);
        doc = NULL;
        goto done;
    }
    if (!validate_with(r, doc, s, kind, name, err)) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
done:
    reader_give(s, r);
    return doc;
}

/* The value libxml2 would return for |n| (an attribute or element) when it is held as one text
 * node, or no children at all (""): without copying it. NULL otherwise (entity references or
 * several nodes: ask libxml2). */
static const xmlChar *single_text(xmlNodePtr n)
{
    xmlNodePtr t = n->children;
    if (!t)
        return (const xmlChar *)"";
    if (!t->next && (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE))
        return t->content ? t->content : (const xmlChar *)"";
    return NULL;
}

/* |v| copied into |a| with whitespace collapsed; frees |v| when |owned|. *changed (when given)
 * says whether collapsing changed it. */
static const char *squeezed(cr_arena *a, const xmlChar *v, bool owned, bool *oom, bool *changed)
{
    char *copy = cr_arena_strdup(a, (const char *)v);
    if (copy) {
        cr_text_squeeze(copy);
        if (changed)
            *changed = strcmp(copy, (const char *)v) != 0;
    }
    if (owned)
        xmlFree((xmlChar *)v);
    if (!copy) {
        *oom = true;
        return NULL;
    }
    return copy;
}

static const char *attr_value(cr_arena *a, xmlNodePtr node, const char *attr, bool *oom,
                              bool *changed)
{
    /* xmlGetNoNsProp's search (no DTD defaults: a DOCTYPE is refused), without its copy. */
    for (xmlAttrPtr p = node->properties; p; p = p->next) {
        if (p->ns || !xmlStrEqual(p->name, (const xmlChar *)attr))
            continue;
        const xmlChar *v = single_text((xmlNodePtr)p);
        if (v)
            return squeezed(a, v, false, oom, changed);
        break;
    }
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)attr);
    if (!v)
        return NULL;
    return squeezed(a, v, true, oom, changed);
}

const char *cr_xml_attr(cr_arena *a, xmlNodePtr node, const char *attr, bool *oom)
{
    return attr_value(a, node, attr, oom, NULL);
}

const char *cr_xml_attr_spaced(cr_arena *a, xmlNodePtr node, const char *attr, bool *spaced,
                               bool *oom)
{
    *spaced = false;
    return attr_value(a, node, attr, oom, spaced);
}

const char *cr_xml_text(cr_arena *a, xmlNodePtr node, bool *oom)
{
    const xmlChar *v = node->type == XML_ELEMENT_NODE ? single_text(node) : NULL;
    if (v)
        return squeezed(a, v, false, oom, NULL);
    xmlChar *owned = xmlNodeGetContent(node);
    if (!owned) {
        *oom = true;
        return NULL;
    }
    return squeezed(a, owned, true, oom, NULL);
}

long cr_xml_line(xmlNodePtr node)
{
    return node ? xmlGetLineNo(node) : 0;
}

xmlNodePtr cr_xml_elem(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

bool cr_xml_is(xmlNodePtr node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE &&
           xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

xmlNodePtr cr_xml_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = cr_xml_elem(parent->children); c; c = cr_xml_elem(c->next))
        if (cr_xml_is(c, name))
            return c;
    return NULL;
}

size_t cr_xml_count(xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = cr_xml_elem(parent->children); c; c = cr_xml_elem(c->next))
        n += !name || cr_xml_is(c, name);
    return n;
}

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
    valid_state *st = ctx;
    if (!e || e->level < XML_ERR_ERROR || st->reported++)
        return;
    cr_error_set(st->err, CR_EIO, e->file ? e->file : st->name, e->line, "%s",
                 e->message ? e->message : "invalid schema");
}

cr_schemas *cr_schemas_load(const char *dir, cr_error *err)
{
    static const char *const files[CR_SCHEMA_COUNT] = {
        "catalog.xsd", "submission.xsd", "audit.xsd",       "peers.xsd",
        "layout.xsd",  "strings.xsd",    "catalog-text.xsd"};
    if (CR_ARG_NULL(dir, err))
        return NULL;
    cr_schemas *s = calloc(1, sizeof *s);
    if (!s) {
        cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    s->pool = &s->pool_store;
    pthread_mutex_init(&s->pool->lock, NULL);
    for (int k = 0; k < CR_SCHEMA_COUNT; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        if (access(path, R_OK) != 0) {
            cr_error_set(err, CR_EIO, path, 0, "schema not found: %s", strerror(errno));
            goto fail;
        }
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
        if (!pc) {
            cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
            goto fail;
        }
        valid_state st = {.name = path, .err = err, .reported = 0};
        xmlSchemaSetParserStructuredErrors(pc, on_schema_error, &st);
        s->schema[k] = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
        if (!s->schema[k]) {
            if (!st.reported)
                cr_error_set(err, CR_EIO, path, 0, "cannot load the schema");
            goto fail;
        }
    }
    return s;
fail:
    cr_schemas_free(s);
    return NULL;
}

void cr_schemas_free(cr_schemas *s)
{
    if (!s)
        return;
    for (int k = 0; k < CR_SCHEMA_COUNT; k++)
        if (s->schema[k])
            xmlSchemaFree(s->schema[k]);
    while (s->pool->idle) {
        cr_xml_reader *r = s->pool->idle;
        s->pool->idle = r->next;
        reader_free(r);
    }
    pthread_mutex_destroy(&s->pool->lock);
    free(s);
}

void cr_xml_warn_attrs(xmlNodePtr node, const char *const *known, const char *name, cr_error *err)
{
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        bool ok = false;
        bool xml_ns = a->ns && a->ns->href && xmlStrEqual(a->ns->href, XML_XML_NAMESPACE);
        for (size_t k = 0; known[k] && !ok; k++)
            ok = (!a->ns || xml_ns) && strcmp((const char *)a->name, known[k]) == 0;
        if (!ok)
            cr_error_warn(
                err, name, cr_xml_line(node), "unknown attribute %s%s%s on <%s> (ignored)",
                a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                a->ns && a->ns->prefix ? ":" : "", (const char *)a->name, (const char *)node->name);
    }
}
