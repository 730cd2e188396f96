/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the layout stage. Turns a scored assessment, the cohort's peer statistics, a layout
 * file (layouts/NAME.xml) and a string table (assets/strings/LANG.xml) into a display list: every
 * word placed, every page broken, measured with the real font metrics. */
#ifndef CERTREPORT_LAYOUT_H
#define CERTREPORT_LAYOUT_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "cohort.h"
#include "display.h"
#include "error.h"
#include "fonts.h"
#include "peers.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cr_layout_spec cr_layout_spec;
typedef struct cr_strings cr_strings;

/* Loads a layout file: page size, margins, font files, palette, sections and their order.
 * Font paths in it are relative to |fonts_dir| and may not leave it. Free with
 * cr_layout_spec_free. NULL with |err| set. */
CR_API cr_layout_spec *cr_layout_spec_load(const char *path, const char *fonts_dir,
                                           const cr_schemas *schemas, cr_error *err);

/* The same from memory; |name| is used in messages. */
CR_API cr_layout_spec *cr_layout_spec_parse(const char *buf, size_t len, const char *name,
                                            const char *fonts_dir, const cr_schemas *schemas,
                                            cr_error *err);
CR_API void cr_layout_spec_free(cr_layout_spec *s);

/* The four font files the layout asks for (regular, bold, italic, bold italic). Borrowed; NULL
 * for a NULL |s|. */
CR_API const char *const *cr_layout_spec_fonts(const cr_layout_spec *s);

/* The layout's fallback fonts (<fonts><fallback file="..."/>...), in chain order; *n of them.
 * Borrowed. NULL (and *n 0) for a NULL |s|; |n| is required (NULL: NULL returned). */
CR_API const char *const *cr_layout_spec_fallbacks(const cr_layout_spec *s, size_t *n);

/* Loads the layout's four faces and its fallback chain (cr_fonts_load_chain). */
CR_API cr_fonts *cr_layout_spec_load_fonts(const cr_layout_spec *s, cr_error *err);

/* Loads a string table (every visible word of the report in one language). NULL with |err|. */
CR_API cr_strings *cr_strings_load(const char *path, const cr_schemas *schemas, cr_error *err);
CR_API void cr_strings_free(cr_strings *s);

/* The two files of language |lang|: |strings| = STRINGS_DIR/LANG.xml and |cat_text| = the
 * catalog's translation (cr_catalog_translation_path of |catalog_path|; "" when |lang| is |cat|'s
 * own language). True when both exist; otherwise *missing (if |missing|) names the one that does
 * not. Both buffers have |size| bytes. False (*missing NULL, the buffers "") when an argument
 * other than |missing| is NULL or |size| is 0. */
CR_API bool cr_language_files(const char *strings_dir, const char *catalog_path,
                              const cr_catalog *cat, const char *lang, char *strings,
                              char *cat_text, size_t size, const char **missing);
/* The one language rule of a report: |forced| (--lang, cr_render_options.lang) when given, an
 * error when it is not translated (CR_EINPUT, "no LANG translation: file not found", naming the
 * missing file); else |own| (the submission's language) when it is translated; else English
 * (CR_EIO, "string table not found", when even English is missing). Fills |strings| and
 * |cat_text| as cr_language_files does and returns the language chosen (|forced|, |own| or "en":
 * borrowed), or NULL with |err|. CR_EUSAGE when an argument but |forced| and |own| is NULL or
 * |size| is 0. */
CR_API const char *cr_language_choose(const char *strings_dir, const char *catalog_path,
                                      const cr_catalog *cat, const char *forced, const char *own,
                                      char *strings, char *cat_text, size_t size, cr_error *err);
/* The string for |key|, or NULL (also for a NULL |s| or |key|). Borrowed. */
CR_API const char *cr_strings_get(const cr_strings *s, const char *key);

/* Keys present in |ref| but not in |s| (for checking translations): calls |missing| for each and
 * returns how many. A NULL |ref| has no keys (0); a NULL |s| lacks every key of |ref|. */
CR_API size_t cr_strings_compare(const cr_strings *ref, const cr_strings *s,
                                 void (*missing)(void *data, const char *key), void *data);

/* A cache of the layout's line breaks, per face, size, width and text: the catalog's statements,
 * the headings and the legends are the same in every report, and a report measures many of its
 * texts more than once (a table's rows are measured, then drawn; pages are balanced by laying the
 * report out again). A program that lays out many reports gives each the same cache
 * (cr_report_request.cache); the display lists are the same, byte for byte, with it or without
 * it. Without one, each report makes its own. */
typedef struct cr_layout_cache cr_layout_cache;

/* A cache for laying out with |fonts|, holding at most |max_bytes| (0: 4 MiB; less than 64 KiB
 * is taken as 64 KiB), its own size included: an entry is dropped for a newer one when its slot
 * is wanted, and the whole cache is emptied when an entry would go over the bound. It borrows
 * |fonts| (free the cache first) and may serve one thread at a time: one cache per thread or
 * process. Free with cr_layout_cache_free. NULL with |err| set: CR_EUSAGE for a NULL |fonts|,
 * CR_ENOMEM. */
CR_API cr_layout_cache *cr_layout_cache_new(const cr_fonts *fonts, size_t max_bytes, cr_error *err);
CR_API void cr_layout_cache_free(cr_layout_cache *c);

/* What a cache did so far: look-ups answered from it and not, entries dropped for a newer one
 * in their slot, times it was emptied because full, the entries and bytes it holds now and its
 * bound. */
typedef struct cr_layout_cache_stats {
    unsigned long long hits, misses, evictions;
    unsigned long flushes;
    size_t entries, bytes, max_bytes;
} cr_layout_cache_stats;

/* Fills |out| with |c|'s figures (all 0 for a NULL |c|; nothing for a NULL |out|). */
CR_API void cr_layout_cache_get_stats(const cr_layout_cache *c, cr_layout_cache_stats *out);

typedef struct cr_report_request {
    const cr_catalog *catalog;
    const cr_assessment *assessment;
    const cr_peers *peers;
    const cr_layout_spec *spec;
    const cr_strings *strings;
    const cr_fonts *fonts;
    long long created; /* seconds since 1970: the document date (never the clock) */
    /* The city's previous assessment (an earlier cycle), or NULL: when set, the report shows per
     * area the change since then and the criteria newly met or no longer met. */
    const cr_assessment *previous;
    /* false (the default): the display list carries the report's structure (BEGIN/END ops, see
     * display.h) for a tagged, accessible PDF. true: no structure ops (a plain PDF). */
    bool untagged;
    /* A cache of measured text made for |fonts| (cr_layout_cache_new), shared by the reports of
     * a thread or process, or NULL (the report makes its own). */
    cr_layout_cache *cache;
} cr_report_request;

/* Checks once, for a run, that the fonts cover every text of the catalog and the string table:
 * a warning (cr_error_warn, as cr_fonts_check_inputs) per character no font has. Never fails
 * (CR_OK): such a character is drawn as a placeholder. CR_EUSAGE only for a NULL argument. */
CR_API cr_status cr_layout_check_texts(const cr_catalog *cat, const cr_strings *strings,
                                       const cr_fonts *fonts, cr_error *err);

/* The coverage check of a report's inputs: walks every user-supplied text the report draws --
 * the submission's city name and country, program names, outcome names, values, sources and
 * targets, and the audit log's reviewer comments (evidence is not drawn) -- and reports, for each
 * character no font of the chain has, once per character per text, the warning
 * "FILE:LINE: warning: U+XXXX 'c' has no glyph in the report's fonts; drawn as a placeholder"
 * (cr_error_warn: it never fails the operation). |sub| or |log| may be NULL. Returns the number
 * of warnings. A NULL |fonts| is refused: 0, with CR_EUSAGE in |err|. */
CR_API size_t cr_fonts_check_inputs(const cr_fonts *fonts, const cr_submission *sub,
                                    const cr_audit_log *log, cr_error *err);

/* Lays out the report. Returns a display list owned by the caller (cr_display_free), or NULL
 * with |err| set: CR_EINPUT when |previous| is another city's (by submission id) or not of an
 * earlier cycle; CR_EUSAGE when |previous| was scored against other criteria, |cache| was made
 * for other fonts than |fonts|, or |req| or one of
 * its members other than |previous| is NULL (an assessment must hold its submission and audited
 * state); CR_ENOMEM. A
 * character no font has is drawn as a placeholder, never an error (cr_fonts_check_inputs warns
 * about it). */
CR_API cr_display *cr_layout_report(const cr_report_request *req, cr_error *err);

#ifdef __cplusplus
}
#endif
#endif
