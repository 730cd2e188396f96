/* SPDX-License-Identifier: Apache-2.0 */
/* certreport (private): the one place XML is read. Every input goes through cr_xml_parse:
 * size cap (per format in cr_xml_load), UTF-8 and control-character check on the raw bytes, a
 * linear pre-scan that refuses absurd start tags (too many attributes or namespace
 * declarations) and documents (too many elements) before libxml2 sees them, libxml2 with
 * network off, its name dictionary capped, comments and PIs dropped, and any DOCTYPE refused as
 * soon as the parser sees it (so no entity is ever declared, loaded or expanded). Schema
 * validation reports each problem with its line. */
#ifndef CR_XMLSAFE_H
#define CR_XMLSAFE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "arena.h"
#include "certreport/catalog.h"
#include "certreport/error.h"
#include "fileio.h"

enum cr_schema_kind {
    CR_SCHEMA_CATALOG,
    CR_SCHEMA_SUBMISSION,
    CR_SCHEMA_AUDIT,
    CR_SCHEMA_PEERS,
    CR_SCHEMA_LAYOUT,
    CR_SCHEMA_STRINGS,
    CR_SCHEMA_CATALOG_TEXT,
    CR_SCHEMA_COUNT
};

/* libxml2's per-document state kept for the next document: a parser context (with its name
 * dictionary) and a schema validation context per format. One thread uses one at a time. */
typedef struct cr_xml_reader cr_xml_reader;

/* The idle readers of a cr_schemas, shared by the threads that read with it. */
typedef struct cr_xml_pool {
    pthread_mutex_t lock;
    cr_xml_reader *idle;
    unsigned nidle;
} cr_xml_pool;

struct cr_schemas {
    xmlSchemaPtr schema[CR_SCHEMA_COUNT];
    /* The compiled schemas are read-only; the pool is what reading changes (so it is reached
     * through a pointer: a const cr_schemas is shared by threads). Points to |pool_store|. */
    cr_xml_pool *pool;
    cr_xml_pool pool_store;
};

/* Parses |len| bytes named |name| into a document (caller frees with xmlFreeDoc). */
xmlDocPtr cr_xml_parse(const char *buf, size_t len, const char *name, cr_error *err);

/* Validates |doc| against schema |kind|; every problem goes to |err|. */
bool cr_xml_validate(xmlDocPtr doc, const cr_schemas *s, enum cr_schema_kind kind, const char *name,
                     cr_error *err);

/* The size cap of a format: CR_SUBMISSION_MAX_BYTES, CR_AUDIT_MAX_BYTES, else CR_INPUT_MAX_BYTES.
 */
size_t cr_xml_max_bytes(enum cr_schema_kind kind);

/* Parses and validates in one go (refusing more than cr_xml_max_bytes(kind)); the root element
 * must be |root|. */
xmlDocPtr cr_xml_load(const char *buf, size_t len, const char *name, const cr_schemas *s,
                      enum cr_schema_kind kind, const char *root, cr_error *err);

/* Attribute |attr| copied into |a| with whitespace collapsed, or NULL when absent.
 * Sets *oom when the copy could not be made. */
const char *cr_xml_attr(cr_arena *a, xmlNodePtr node, const char *attr, bool *oom);

/* cr_xml_attr, and *spaced says whether the collapsing changed the value (whitespace before or
 * after it, two in a row, a tab or a line break): what the schemas' patterns for a criterion
 * code or an answer refused, checked by the loader instead, where libxml2's pattern matching
 * cost some 15% of a submission's load. */
const char *cr_xml_attr_spaced(cr_arena *a, xmlNodePtr node, const char *attr, bool *spaced,
                               bool *oom);

/* Text content of |node| copied into |a|, whitespace collapsed. NULL with *oom on failure. */
const char *cr_xml_text(cr_arena *a, xmlNodePtr node, bool *oom);

/* Source line of |node|. */
long cr_xml_line(xmlNodePtr node);

/* Next element sibling (starting with |n| itself); NULL at the end. */
xmlNodePtr cr_xml_elem(xmlNodePtr n);

/* Warns about each attribute of |node| not in |known| (NULL-terminated): a format's readers
 * accept attributes they do not know (another tool's additions) and say so. */
void cr_xml_warn_attrs(xmlNodePtr node, const char *const *known, const char *name, cr_error *err);

/* True when |node| is an element named |name|. */
bool cr_xml_is(xmlNodePtr node, const char *name);

/* The first child element of |parent| named |name|, or NULL. */
xmlNodePtr cr_xml_child(xmlNodePtr parent, const char *name);

/* How many child elements of |parent| are named |name| (NULL: of any name). */
size_t cr_xml_count(xmlNodePtr parent, const char *name);

#endif
