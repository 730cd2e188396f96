/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: loading layout files and string tables (see certreport/layout.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "layout_internal.h"
#include "args.h"
#include "text.h"
#include "xmlsafe.h"

static bool parse_color(const char *s, cr_rgb *out)
{
    /* The schema guarantees #rrggbb. */
    unsigned v = 0;
    for (int i = 1; i < 7; i++) {
        char c = s[i];
        v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
    }
    out->r = (unsigned char)(v >> 16);
    out->g = (unsigned char)(v >> 8);
    out->b = (unsigned char)v;
    return true;
}

static float length(xmlNodePtr n, const char *attr)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    double d = 0;
    if (v)
        cr_parse_decimal((const char *)v, &d);
    xmlFree(v);
    return (float)d;
}

/* A boolean attribute ("true"/"false", "1"/"0" by the schema), |dflt| when absent. */
static bool flag(xmlNodePtr n, const char *attr, bool dflt)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    bool b = v ? strcmp((const char *)v, "true") == 0 || strcmp((const char *)v, "1") == 0 : dflt;
    xmlFree(v);
    return b;
}

/* A number attribute (the schema bounds it), |dflt| when absent. */
static float number(xmlNodePtr n, const char *attr, float dflt)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    float f = v ? length(n, attr) : dflt;
    xmlFree(v);
    return f;
}

static void color(xmlNodePtr n, const char *attr, cr_rgb *out)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
    if (v)
        parse_color((const char *)v, out);
    xmlFree(v);
}

/* The type scale (<type>), each size its default when absent (the schema bounds the values). */
static void type_scale(xmlNodePtr n, cr_type_scale *t)
{
    *t = (cr_type_scale){.body = 9,
                         .small = 7.5f,
                         .table = 8,
                         .h1 = 15,
                         .h2 = 11.5f,
                         .leading = 1.32f,
                         .table_leading = 1.32f,
                         .cell_pad_x = 4,
                         .cell_pad_y = 4};
    if (n) {
        t->body = number(n, "body", t->body);
        t->small = number(n, "small", t->small);
        t->table = number(n, "table", t->table);
        t->h1 = number(n, "h1", t->h1);
        t->h2 = number(n, "h2", t->h2);
        t->leading = number(n, "leading", t->leading);
        t->table_leading = number(n, "table-leading", t->table_leading);
        t->cell_pad_x = number(n, "cell-padding-x", t->cell_pad_x);
        t->cell_pad_y = number(n, "cell-padding-y", t->cell_pad_y);
    }
}

/* The tables' columns (<tables grid><table name columns>): widths in points of the grid
 * separated by spaces, a last "*" for columns that share what is left. false when out of memory
 * (|oom| set) or a table's columns are wider than the grid (|bad| set to it). */
static bool tables(xmlNodePtr n, cr_layout_spec *s, cr_arena *arena, bool *oom, xmlNodePtr *bad)
{
    s->grid = n ? number(n, "grid", 0) : 0;
    size_t nt = 0;
    for (xmlNodePtr c = n ? cr_xml_elem(n->children) : NULL; c; c = cr_xml_elem(c->next))
        nt++;
    s->tables = cr_arena_calloc(arena, nt ? nt : 1, sizeof *s->tables);
    if (!s->tables) {
        *oom = true;
        return false;
    }
    for (xmlNodePtr c = n ? cr_xml_elem(n->children) : NULL; c; c = cr_xml_elem(c->next)) {
        cr_columns *t = &s->tables[s->ntables++];
        t->name = cr_xml_attr(arena, c, "name", oom);
        const char *cols = cr_xml_attr(arena, c, "columns", oom);
        if (*oom)
            return false;
        float sum = 0;
        for (const char *p = cols; *p;) {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, " ");
            if (!len)
                break;
            if (t->n == CR_LAYOUT_MAX_COLS) /* the schema allows no more */
                break;
            if (*p != '*') { /* "*" (last, by the schema): the others share what is left */
                char num[16];
                double v = 0;
                snprintf(num, sizeof num, "%.*s", (int)(len < 15 ? len : 15), p);
                cr_parse_decimal(num, &v);
                t->widths[t->n++] = (float)v;
                sum += (float)v;
            }
            p += len;
        }
        if (sum > s->grid + 0.01f) {
            *bad = c;
            return false;
        }
    }
    return true;
}

cr_layout_spec *cr_layout_spec_parse(const char *buf, size_t len, const char *path,
                                     const char *fonts_dir, const cr_schemas *schemas,
                                     cr_error *err)
{
    if (CR_ARG_NULL(buf, err) || CR_ARG_NULL(path, err) || CR_ARG_NULL(fonts_dir, err) ||
        CR_ARG_NULL(schemas, err))
        return NULL;
    static const char *const font_attrs[CR_FACE_COUNT] = {"regular", "bold", "italic",
                                                          "bold-italic"};
    static const char *const section_names[CR_SEC_COUNT] = {
        "status", "process", "field", "measure", "areas", "outcomes", "next-steps", "requirements"};
    xmlDocPtr doc = cr_xml_load(buf, len, path, schemas, CR_SCHEMA_LAYOUT, "layout", err);
    if (!doc)
        return NULL;
    bool oom = false, bad = false;
    cr_arena *arena = cr_arena_new();
    cr_layout_spec *s = arena ? cr_arena_alloc(arena, sizeof *s) : NULL;
    if (!s) {
        oom = true;
        goto done;
    }
    s->arena = arena;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *page = cr_xml_attr(arena, root, "page", &oom);
    if (oom)
        goto done;
    bool a4 = strcmp(page, "a4") == 0;
    s->page_w = a4 ? 595.28f : 612.0f;
    s->page_h = a4 ? 841.89f : 792.0f;
    s->margin_top = length(root, "margin-top");
    s->margin_bottom = length(root, "margin-bottom");
    s->margin_left = length(root, "margin-left");
    s->margin_right = length(root, "margin-right");
    if (s->margin_left + s->margin_right > s->page_w - 300 ||
        s->margin_top + s->margin_bottom > s->page_h - 400) {
        cr_error_set(err, CR_EINPUT, path, cr_xml_line(root),
                     "margins leave too little room for the report");
        bad = true;
        goto done;
    }
    xmlNodePtr fonts = cr_xml_child(root, "fonts");
    xmlNodePtr fb = cr_xml_elem(fonts->children);
    for (int k = 0; k < CR_FACE_COUNT + CR_FONTS_MAX_FALLBACK; k++) {
        /* The schema allows only plain file names ([A-Za-z0-9._-], no slash), so a font can't
         * come from outside the fonts folder; refuse ".." anyway. The faces, then the fallback
         * chain (<fallback file="..."/>, at most CR_FONTS_MAX_FALLBACK by the schema). */
        if (k >= CR_FACE_COUNT && !fb)
            break;
        const char *name = k < CR_FACE_COUNT ? cr_xml_attr(arena, fonts, font_attrs[k], &oom)
                                             : cr_xml_attr(arena, fb, "file", &oom);
        if (oom)
            goto done;
        if (strstr(name, "..") || strchr(name, '/')) {
            cr_error_set(err, CR_EINPUT, path, cr_xml_line(fonts),
                         "font %s must be a file in the fonts folder", name);
            bad = true;
            goto done;
        }
        size_t n = strlen(fonts_dir) + strlen(name) + 2;
        char *full = cr_arena_alloc(arena, n);
        if (!full) {
            oom = true;
            goto done;
        }
        snprintf(full, n, "%s/%s", fonts_dir, name);
        if (k < CR_FACE_COUNT) {
            s->fonts[k] = full;
        } else {
            s->fallbacks[s->nfallback++] = full;
            fb = cr_xml_elem(fb->next);
        }
    }
    xmlNodePtr pal = cr_xml_child(root, "palette");
    color(pal, "text", &s->text);
    color(pal, "muted", &s->muted);
    color(pal, "accent", &s->accent);
    color(pal, "rule", &s->rule);
    color(pal, "shade", &s->shade);
    color(pal, "peers", &s->peers);
    color(pal, "size", &s->size);
    size_t na = 0;
    for (xmlNodePtr c = cr_xml_elem(pal->children); c; c = cr_xml_elem(c->next))
        na += cr_xml_is(c, "area");
    s->areas = cr_arena_calloc(arena, na ? na : 1, sizeof *s->areas);
    if (!s->areas) {
        oom = true;
        goto done;
    }
    /* The areas' colours, then the gauge's tier zones (at most CR_LAYOUT_MAX_TIERS by the
     * schema; without them every zone takes the peers colour). */
    for (xmlNodePtr c = cr_xml_elem(pal->children); c; c = cr_xml_elem(c->next)) {
        if (cr_xml_is(c, "tier")) {
            if (s->ntiers < CR_LAYOUT_MAX_TIERS)
                color(c, "color", &s->tiers[s->ntiers++]);
            continue;
        }
        s->areas[s->nareas].code = cr_xml_attr(arena, c, "code", &oom);
        color(c, "color", &s->areas[s->nareas].color);
        s->nareas++;
    }
    if (!s->ntiers)
        s->tiers[s->ntiers++] = s->peers;
    type_scale(cr_xml_child(root, "type"), &s->type);
    xmlNodePtr wide = NULL;
    if (!tables(cr_xml_child(root, "tables"), s, arena, &oom, &wide)) {
        if (wide) {
            cr_error_set(err, CR_EINPUT, path, cr_xml_line(wide),
                         "the table's columns are wider than the grid");
            bad = true;
        }
        goto done;
    }
    for (xmlNodePtr c = cr_xml_elem(cr_xml_child(root, "sections")->children); c;
         c = cr_xml_elem(c->next)) {
        xmlChar *name = xmlGetNoNsProp(c, (const xmlChar *)"name");
        for (int k = 0; k < CR_SEC_COUNT; k++)
            if (name && strcmp((const char *)name, section_names[k]) == 0) {
                /* Without new-page: the requirements, the status and the playing field start a
                 * page, the others follow on the page they find (the practice areas too). */
                cr_section sec = (cr_section)k;
                s->new_page[s->nsections] =
                    flag(c, "new-page",
                         sec == CR_SEC_REQUIREMENTS || sec == CR_SEC_STATUS || sec == CR_SEC_FIELD);
                s->sections[s->nsections++] = sec;
            }
        xmlFree(name);
    }
    /* Pagination: the defaults when the layout has no <pagination>. */
    s->keep_rows = 2;
    s->keep_list = 6;
    s->keep_max = 50;
    s->min_fill = 40;
    s->area_gap = 14;
    xmlNodePtr pg = cr_xml_child(root, "pagination");
    if (pg) {
        s->keep_rows = (unsigned)number(pg, "keep-rows", s->keep_rows);
        s->keep_list = (unsigned)number(pg, "keep-list", s->keep_list);
        s->keep_max = (unsigned)number(pg, "keep-max", s->keep_max);
        s->min_fill = (unsigned)number(pg, "min-fill", s->min_fill);
        s->area_gap = number(pg, "area-gap", s->area_gap);
    }
done:
    if (oom)
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    xmlFreeDoc(doc);
    if (oom || bad) {
        cr_arena_free(arena);
        return NULL;
    }
    return s;
}

cr_layout_spec *cr_layout_spec_load(const char *path, const char *fonts_dir,
                                    const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(fonts_dir, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    cr_layout_spec *s = cr_layout_spec_parse(buf, len, path, fonts_dir, schemas, err);
    free(buf);
    return s;
}

void cr_layout_spec_free(cr_layout_spec *s)
{
    if (s)
        cr_arena_free(s->arena);
}

const char *const *cr_layout_spec_fonts(const cr_layout_spec *s)
{
    return s ? s->fonts : NULL;
}

const char *const *cr_layout_spec_fallbacks(const cr_layout_spec *s, size_t *n)
{
    if (n)
        *n = s ? s->nfallback : 0;
    return s && n ? s->fallbacks : NULL;
}

cr_fonts *cr_layout_spec_load_fonts(const cr_layout_spec *s, cr_error *err)
{
    if (CR_ARG_NULL(s, err))
        return NULL;
    return cr_fonts_load_chain(s->fonts, s->fallbacks, s->nfallback, err);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const cr_string_entry *)a)->key, ((const cr_string_entry *)b)->key);
}

static uint64_t key_hash(const char *key)
{
    return XXH3_64bits(key, strlen(key));
}

/* The hash index of the sorted entries (see cr_strings.index). false when out of memory. */
static bool index_keys(cr_strings *s)
{
    size_t slots = 16;
    while (slots < 2 * s->n)
        slots *= 2;
    if (s->n >= UINT32_MAX || !(s->index = cr_arena_calloc(s->arena, slots, sizeof *s->index)))
        return false;
    s->mask = slots - 1;
    for (size_t i = 0; i < s->n; i++) {
        size_t at = (size_t)key_hash(s->entries[i].key) & s->mask;
        while (s->index[at])
            at = (at + 1) & s->mask;
        s->index[at] = (uint32_t)i + 1;
    }
    return true;
}

cr_strings *cr_strings_load(const char *path, const cr_schemas *schemas, cr_error *err)
{
    if (CR_ARG_NULL(path, err) || CR_ARG_NULL(schemas, err))
        return NULL;
    size_t len;
    char *buf = cr_read_file(path, CR_INPUT_MAX_BYTES, &len, err);
    if (!buf)
        return NULL;
    xmlDocPtr doc = cr_xml_load(buf, len, path, schemas, CR_SCHEMA_STRINGS, "strings", err);
    free(buf);
    if (!doc)
        return NULL;
    bool oom = false, bad = false;
    cr_arena *arena = cr_arena_new();
    cr_strings *s = arena ? cr_arena_alloc(arena, sizeof *s) : NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    size_t n = 0;
    for (xmlNodePtr c = cr_xml_elem(root->children); c; c = cr_xml_elem(c->next))
        n++;
    if (!s || !(s->entries = cr_arena_calloc(arena, n ? n : 1, sizeof *s->entries))) {
        oom = true;
        goto done;
    }
    s->arena = arena;
    s->file = cr_arena_strdup(arena, path);
    s->lang = cr_xml_attr(arena, root, "lang", &oom);
    for (xmlNodePtr c = cr_xml_elem(root->children); c && !oom; c = cr_xml_elem(c->next)) {
        s->entries[s->n].key = cr_xml_attr(arena, c, "key", &oom);
        s->entries[s->n].value = cr_xml_text(arena, c, &oom);
        s->n++;
    }
    if (oom)
        goto done;
    /* Keep leading/trailing spaces of separators like " and ": the text squeeze trimmed them,
     * so read those raw. */
    size_t i = 0;
    for (xmlNodePtr c = cr_xml_elem(root->children); c; c = cr_xml_elem(c->next), i++) {
        xmlChar *raw = xmlNodeGetContent(c);
        if (raw && raw[0] && (raw[0] == ' ' || raw[strlen((char *)raw) - 1] == ' ') &&
            !strchr((char *)raw, '\n'))
            s->entries[i].value = cr_arena_strdup(arena, (const char *)raw);
        xmlFree(raw);
    }
    qsort(s->entries, s->n, sizeof *s->entries, by_key);
    for (size_t k = 1; k < s->n; k++) {
        if (strcmp(s->entries[k - 1].key, s->entries[k].key) == 0) {
            cr_error_set(err, CR_EINPUT, path, 0, "duplicate string key %s", s->entries[k].key);
            bad = true;
            break;
        }
    }
    oom = !bad && !index_keys(s);
done:
    if (oom)
        cr_error_set(err, CR_ENOMEM, path, 0, "out of memory");
    xmlFreeDoc(doc);
    if (oom || bad) {
        cr_arena_free(arena);
        return NULL;
    }
    return s;
}

void cr_strings_free(cr_strings *s)
{
    if (s)
        cr_arena_free(s->arena);
}

const char *cr_strings_get(const cr_strings *s, const char *key)
{
    if (!s || !key)
        return NULL;
    if (s->index) {
        for (size_t at = (size_t)key_hash(key) & s->mask; s->index[at]; at = (at + 1) & s->mask) {
            const cr_string_entry *e = &s->entries[s->index[at] - 1];
            if (strcmp(e->key, key) == 0)
                return e->value;
        }
        return NULL;
    }
    cr_string_entry k = {.key = key};
    const cr_string_entry *e = bsearch(&k, s->entries, s->n, sizeof *s->entries, by_key);
    return e ? e->value : NULL;
}

bool cr_language_files(const char *strings_dir, const char *catalog_path, const cr_catalog *cat,
                       const char *lang, char *strings, char *cat_text, size_t size,
                       const char **missing)
{
    if (missing)
        *missing = NULL;
    if (strings && size)
        strings[0] = '\0';
    if (cat_text && size)
        cat_text[0] = '\0';
    if (!strings_dir || !catalog_path || !cat || !lang || !strings || !cat_text || size == 0)
        return false;
    const char *lacking = NULL;
    int w = snprintf(strings, size, "%s/%s.xml", strings_dir, lang);
    cat_text[0] = '\0';
    bool native = cat->lang && strcmp(lang, cat->lang) == 0;
    if (w < 0 || (size_t)w >= size || access(strings, R_OK) != 0)
        lacking = strings;
    else if (!native && (!cr_catalog_translation_path(catalog_path, lang, cat_text, size) ||
                         access(cat_text, R_OK) != 0))
        lacking = cat_text;
    if (missing)
        *missing = lacking;
    return !lacking;
}

const char *cr_language_choose(const char *strings_dir, const char *catalog_path,
                               const cr_catalog *cat, const char *forced, const char *own,
                               char *strings, char *cat_text, size_t size, cr_error *err)
{
    if (strings && size)
        strings[0] = '\0';
    if (cat_text && size)
        cat_text[0] = '\0';
    if (CR_ARG_NULL(strings_dir, err) || CR_ARG_NULL(catalog_path, err) || CR_ARG_NULL(cat, err) ||
        CR_ARG_NULL(strings, err) || CR_ARG_NULL(cat_text, err))
        return NULL;
    if (size == 0) {
        cr_error_set(err, CR_EUSAGE, NULL, 0, "cr_language_choose: size is 0");
        return NULL;
    }
    const char *tries[3] = {forced, forced ? NULL : own, forced ? NULL : "en"};
    const char *missing = NULL;
    for (int k = 0; k < 3; k++) {
        if (!tries[k] || (k > 0 && !*tries[k]))
            continue;
        if (cr_language_files(strings_dir, catalog_path, cat, tries[k], strings, cat_text, size,
                              &missing))
            return tries[k];
        if (k == 0) {
            cr_error_set(err, CR_EINPUT, missing, 0, "no %s translation: file not found", tries[k]);
            return NULL;
        }
    }
    cr_error_set(err, CR_EIO, missing, 0, "string table not found");
    return NULL;
}

size_t cr_strings_compare(const cr_strings *ref, const cr_strings *s,
                          void (*missing)(void *data, const char *key), void *data)
{
    size_t n = 0;
    if (!ref)
        return 0;
    for (size_t i = 0; i < ref->n; i++) {
        if (!cr_strings_get(s, ref->entries[i].key)) {
            n++;
            if (missing)
                missing(data, ref->entries[i].key);
        }
    }
    return n;
}
