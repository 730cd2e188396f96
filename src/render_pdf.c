/* SPDX-License-Identifier: Apache-2.0 */
/* certreport: the PDF backend, through libharu 2.3.0 (see certreport/render.h).
 *
 * This is the only file that includes hpdf.h. It paints a display list and decides nothing about
 * layout. Design notes:
 *
 * - Fonts. Each face is loaded (embedded, libharu subsets it) only when the document uses it,
 *   from the bytes cr_fonts read once (load_ttf_from_memory: never the file again), and
 *   drawn as a single-byte font with libharu's CP1252 encoding; the UTF-8 -> CP1252 conversion is
 *   ours. Its /Encoding is written as plain /WinAnsiEncoding, without the /Differences [127
 *   /.notdef] libharu adds, which PDF/UA-1 7.21.6 does not allow (fix_single_fonts); code 127 is
 *   never drawn with it. A run with a character outside CP1252 is drawn whole with a CID (Type0,
 * Identity-H) version of the same face through libharu's UTF-8 encoder; that encoder is only
 * switched on in documents that need it. Both versions of a face share one embedded font file.
 * - Fallback fonts (text runs whose op.font names one, display.h) are loaded and embedded only in
 *   a document that draws such a run, always as CID fonts. libharu's UTF-8 path takes the BMP
 *   only: an emoji (U+1F000-1FAFF) is drawn as its Private Use Area mirror U+E000 + (cp -
 *   U+1F000), which fonts/make-fonts.sh puts in the emoji font's (3,1) cmap, and the ToUnicode
 *   CMap maps that code back to the real character, so text extraction sees the emoji.
 * - Placeholders (op.font CR_FONT_PLACEHOLDER: no font has the characters) are drawn with the
 *   face's CID font, each character as its own code (no glyph: the .notdef box, at the width the
 *   layout measured), inside a `/Span <</ActualText (...)>> BDC ... EMC` marked-content sequence
 *   holding the real text, as is any run with a character that could not be encoded.
 * - libharu 2.3.0 gives its UTF-8 CID fonts an invalid ToUnicode CMap (a copy of the encoding
 *   CMap, with `begincidrange`) and the CIDSystemInfo ordering "Identity-H". Before saving we
 *   rewrite the ToUnicode stream as a `bfchar` map of exactly the code points drawn and set the
 *   ordering to "Identity"; we also cut its CIDToGIDMap (all 65536 codes) down to the codes
 *   drawn. libharu exposes its object internals in its headers; we use them only here, for
 *   /Lang and /ViewerPreferences, and for text strings.
 * - Text strings (document info, outline titles, /Lang): ASCII as literal strings, anything else
 *   as UTF-16BE with a byte order mark, built here, so every script comes out right.
 * - Links to anchors may precede the anchor (the status page links forward), so annotations and
 *   bookmarks are made after every page and anchor exists.
 * - Page content is written by us (pdf_ops.h) and never goes through libharu: it writes each
 *   page's content stream empty and cr_pdf_pack_all puts ours in its place. libharu does not
 *   measure the text again (the layout did), it only marks the glyphs for the subset.
 * - Font programs (the CP1252 fonts' subsets) are made and compressed once per process: cr_fonts
 *   keeps them by font and glyph set (fonts_internal.h, embed_font), and libharu makes a subset
 *   only for a glyph set not seen before.
 * - Errors: libharu reports to a handler that records the first one in a struct owned by the
 *   call (no longjmp, no globals; renders may run in parallel threads, each with its own doc);
 *   its internal functions only leave the error in the document, which failed() also reads.
 *   A malformed display list is CR_EUSAGE; a libharu error CR_EIO (CR_ENOMEM when out of
 *   memory). Never a partial buffer.
 * - Output is byte-reproducible: the dates come from d->info.created and libharu writes no /ID
 *   unless encrypting. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "certreport/render.h"
#include "args.h"
#include "fonts_internal.h"
#include "pdf_ops.h"
#include "pdf_pack.h"
#include "text.h"

/* ---------------------------------------------------------------------------------------------
 * Text conversion */

/* Decodes the code point at |s| (NUL-terminated UTF-8, checked by cr_display_check) and stores
 * its length in *n (at least 1): text.h's one decoder. */
static uint32_t utf8_next(const unsigned char *s, size_t *n)
{
    const char *p = (const char *)s;
    uint32_t cp = cr_utf8_next(&p);
    *n = (size_t)(p - (const char *)s);
    return cp;
}

/* CP1252 bytes 0x80-0x9F (0: undefined). 0xA0-0xFF are U+00A0-U+00FF. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* The CP1252 byte of |cp|, or -1 when CP1252 has no such character. U+007F is refused: the
 * simple fonts are written as plain WinAnsiEncoding (see fix_single_fonts), where code 127 is
 * not the character it is in CP1252. */
static int cp1252_byte(uint32_t cp)
{
    if (cp == 0x7F)
        return -1;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
        return (int)cp;
    for (int i = 0; i < 32; i++)
        if (cp1252_high[i] == cp)
            return 0x80 + i;
    return -1;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * The render state */

/* Font slots: the faces, then the fallbacks. */
#define NSLOT (CR_FACE_COUNT + CR_FONTS_MAX_FALLBACK)

/* Emoji and their Private Use Area mirror (see fonts/make-fonts.sh). */
#define PUA_FIRST 0x1F000u
#define PUA_LAST 0x1FAFFu
#define PUA_BASE 0xE000u
#define PUA_COUNT (PUA_LAST - PUA_FIRST + 1)

/* Bytes of page content and of structure tree per display-list op, to size those buffers once. */
#define OPS_BYTES_PER_OP 32u
#define TREE_BYTES_PER_OP 24u

/* Deeper nesting than this is refused as a malformed display list. */
#define CR_MAX_STRUCT_DEPTH CR_DISPLAY_MAX_DEPTH

enum { MC_NONE = -2, MC_ARTIFACT = -1 };
enum { SPAN_NONE, SPAN_OUTSIDE, SPAN_INSIDE };

/* A kid of a structure element, in a list per element (see "Structure"). */
enum { KID_MCID, KID_MCR, KID_ELEM, KID_OBJR };
typedef struct sx_kid {
    int type;
    uint32_t a, b; /* MCID: a = MCID; MCR: a = page, b = MCID; ELEM: a = element index;
                    * OBJR: a = annotation, b = page (objects by number) */
    size_t next;   /* 1 + the index of the next kid, or 0 */
} sx_kid;

/* A structure element being built: not a libharu object; struct_finish numbers it after
 * libharu's objects and writes its value, which cr_pdf_pack_add adds to the file. */
typedef struct sx_elem {
    uint32_t id;        /* its object number */
    size_t parent;      /* 1 + the parent element's index, or 0: the root */
    size_t first, last; /* its kids: 1 + index into r->kids, or 0 */
    size_t nkids;
    HPDF_Page page; /* the page where it begins: its /Pg, once it has content there */
    uint32_t pg;    /* that page's object number once it is its /Pg, else 0 */
    cr_role role;
    const char *alt, *lang; /* from the display list (borrowed) */
} sx_elem;

/* What libharu's error handler records: the first error of the document. */
typedef struct pdf_errors {
    HPDF_STATUS code, detail;
} pdf_errors;

/* A list of objects' values in the structure tree's text (the placeholders', or the objects
 * added after libharu's). */
typedef struct value_list {
    cr_pdf_value *v;
    size_t n, cap;
} value_list;

typedef struct pdf_render {
    HPDF_Doc pdf;
    pdf_errors errs;
    const cr_display *d;
    const cr_fonts *fonts;
    const char *activity; /* for error messages: what we were doing */
    char activity_buf[600];

    /* Font slots: the four faces, then the fallback fonts (CR_FACE_COUNT + index). Slots sharing
     * one font file share everything below: canon[slot] is the first such slot. */
    int canon[NSLOT];
    struct pdf_spare *spare;      /* the document kept between reports (or NULL): see spare */
    const char *font_name[NSLOT]; /* libharu's name of the loaded TTF, NULL until loaded */
    HPDF_Font single[NSLOT];      /* CP1252 (faces only) */
    HPDF_Font cid[NSLOT];         /* UTF-8 / Identity-H */
    uint32_t *cid_used[NSLOT];    /* bitmap of the BMP codes drawn with cid[] */
    uint32_t *pua_used[NSLOT];    /* bitmap of the codes U+E000-EAFF drawn for an emoji */
    bool utf_on;
    const char *group_text; /* set before drawing the first op of a group (see draw_group) */
    bool in_group;          /* drawing a group inside its /ActualText */

    HPDF_Page *pages; /* one per CR_OP_PAGE, in order */
    size_t npages, total_pages;
    HPDF_Destination *dest; /* one per anchor */

    char *scratch; /* converted text */
    size_t scratch_cap;

    /* Structure (tagged documents only: the display list has BEGIN ops). See "Structure". */
    bool tagged;
    uint32_t root_id;             /* /StructTreeRoot's object number */
    size_t root_first, root_last; /* its kids (elements), as an element's */
    struct sx_elem *elems;        /* every element, in order of BEGIN */
    size_t nelems, elems_cap;
    sx_kid *kids; /* every element's kids, in lists (sx_elem.first, .next) */
    size_t nkids, kids_cap;
    size_t stack[CR_MAX_STRUCT_DEPTH]; /* open elements (indices into elems) */
    size_t depth;
    size_t artifact;        /* open ARTIFACT elements (0 or 1: they hold no element) */
    size_t figure;          /* open FIGURE elements */
    uint32_t *page_parents; /* per page: the object number of its parent tree array */
    size_t *mc_elem;        /* per MCID, all pages in order: its element's index */
    size_t nmc, mc_cap;
    size_t *page_mc;    /* per page: the index of its first MCID in mc_elem */
    int mcid;           /* the next MCID on this page */
    int mc;             /* open marked content: MC_NONE, MC_ARTIFACT or an element index */
    size_t *annot_elem; /* per annotation with a /StructParent: its Link element */
    size_t nannots, annots_cap;
    size_t *goto_elem; /* per GOTO op: 1 + the element index it belongs to, or 0 */
    cr_ops tree;       /* the structure tree's objects as text (struct_finish) */
    value_list values; /* where each placeholder's text is in |tree| (the root) */
    value_list added;  /* likewise, the objects added (page parent arrays, elements) */

    /* Per page: its content stream, written by us (pdf_ops.h) and handed to libharu whole when
     * the page is done (flush_page), and the graphics state as last written, to skip redundant
     * operators. In a text object, (tx, ty) is the start of the current line in hundredths of a
     * point: each run moves there with Td from the last one, exactly. */
    cr_ops ops;
    size_t page_start;     /* where the current page's content begins in |ops| */
    cr_pdf_value *streams; /* each finished page's content in |ops| (flush_page) */
    size_t nstreams, streams_cap;
    cr_ops fontz;              /* the embedded font programs, compressed (embed_fonts) */
    cr_pdf_value fontv[NSLOT]; /* their font file objects and where each is in |fontz| */
    size_t nfontv;
    HPDF_Page page;
    float page_h;
    bool in_text;
    bool mc_in_text; /* the open marked content began in the open text object: EMC before ET */
    int span;        /* an open /ActualText span: SPAN_NONE, SPAN_OUTSIDE or SPAN_INSIDE text */
    long tx, ty;
    HPDF_Font cur_font;
    float cur_size;
    bool fill_set, stroke_set, width_set;
    cr_rgb fill, stroke;
    float width;
} pdf_render;

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    pdf_errors *e = data;
    if (e->code == HPDF_OK) {
        e->code = code;
        e->detail = detail;
    }
}

/* True once the document has an error: reported through the handler (public functions) or only
 * left in the document (libharu's internal functions, which fix_cid_font and text_string use). */
static bool failed(pdf_render *r)
{
    if (r->errs.code == HPDF_OK && r->pdf && HPDF_GetError(r->pdf) != HPDF_OK) {
        r->errs.code = HPDF_GetError(r->pdf);
        r->errs.detail = HPDF_GetErrorDetail(r->pdf);
    }
    return r->errs.code != HPDF_OK;
}

static bool scratch_reserve(pdf_render *r, size_t need)
{
    if (need <= r->scratch_cap)
        return true;
    size_t cap = r->scratch_cap ? r->scratch_cap : 256;
    while (cap < need)
        cap *= 2;
    char *n = realloc(r->scratch, cap);
    if (!n)
        return false;
    r->scratch = n;
    r->scratch_cap = cap;
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * Fonts */

/* The font file of slot |slot|. */
static const char *slot_path(const cr_fonts *fonts, int slot)
{
    return slot < CR_FACE_COUNT ? cr_fonts_path(fonts, (cr_face)slot)
                                : cr_fonts_fallback_path(fonts, (size_t)(slot - CR_FACE_COUNT));
}

/* The bytes of the font file of slot |slot| (cr_fonts read them once, when it was loaded). */
static const unsigned char *slot_data(const cr_fonts *fonts, int slot, size_t *len)
{
    return slot < CR_FACE_COUNT
               ? cr_fonts_data(fonts, (cr_face)slot, len)
               : cr_fonts_fallback_data(fonts, (size_t)(slot - CR_FACE_COUNT), len);
}

/* A read-only libharu stream over bytes held elsewhere (a font file cr_fonts read): libharu's
 * memory stream would copy the file in and copy every read out byte by byte (HPDF_MemCpy, an
 * eighth of a report's render); this one reads with memcpy from where the bytes are. */
typedef struct byte_reader {
    const unsigned char *p;
    size_t len, pos;
} byte_reader;

static HPDF_STATUS reader_read(HPDF_Stream stream, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    byte_reader *b = stream->attr;
    size_t want = *siz, left = b->len - b->pos, n = want < left ? want : left;
    memcpy(ptr, b->p + b->pos, n);
    b->pos += n;
    *siz = (HPDF_UINT)n;
    return n < want ? HPDF_STREAM_EOF : HPDF_OK; /* as libharu's memory stream */
}

static HPDF_STATUS reader_seek(HPDF_Stream stream, HPDF_INT pos, HPDF_WhenceMode mode)
{
    byte_reader *b = stream->attr;
    long long at = mode == HPDF_SEEK_CUR   ? (long long)b->pos + pos
                   : mode == HPDF_SEEK_END ? (long long)b->len - pos
                                           : (long long)pos;
    if (at < 0 || at > (long long)b->len)
        return HPDF_SetError(stream->error, HPDF_STREAM_EOF, 0);
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 reader_tell(HPDF_Stream stream)
{
    return (HPDF_INT32)((byte_reader *)stream->attr)->pos;
}

static HPDF_UINT32 reader_size(HPDF_Stream stream)
{
    return (HPDF_UINT32)((byte_reader *)stream->attr)->len;
}

static void reader_free(HPDF_Stream stream)
{
    HPDF_FreeMem(stream->mmgr, stream->attr);
    stream->attr = NULL;
}

/* The document's next subset tag (HPDFAA, HPDFAB, ...), as HPDF_LoadTTFontFromFile makes it. */
static void next_tag(HPDF_Doc pdf)
{
    if (pdf->ttfont_tag[0] == 0) {
        memcpy(pdf->ttfont_tag, "HPDFAA", 6);
        return;
    }
    for (int i = 5; i >= 0; i--) {
        pdf->ttfont_tag[i] += 1;
        if (pdf->ttfont_tag[i] > 'Z')
            pdf->ttfont_tag[i] = 'A';
        else
            break;
    }
}

/* The document one render leaves for the next (cr_fonts_spare_take/give): libharu's
 * HPDF_NewDoc empties a document but keeps its parsed fonts (HPDF_FontDef, cleaned of the glyphs
 * used), so the next report does not parse each TrueType file again (HPDF_TTFontDef_Load, some
 * 0.17 M instructions a font). |def| is each slot's font once parsed. A render that fails frees
 * it instead of giving it back. */
typedef struct pdf_spare {
    HPDF_Doc pdf;
    HPDF_FontDef def[NSLOT];
} pdf_spare;

static void spare_free(void *p)
{
    pdf_spare *s = p;
    HPDF_Free(s->pdf);
    free(s);
}

/* libharu's font loading (HPDF_LoadTTFontFromFile) from the bytes cr_fonts already holds, not
 * from the file: libharu 2.3.0 has no public loader from memory, but its TrueType parser takes
 * any stream, and a stream over those bytes (byte_reader) spares the file reads (and a seek and
 * read for every glyph when the subset is written) and any copy of the file. The bytes outlive
 * the document (cr_fonts outlives the render). The rest is what HPDF_LoadTTFontFromFile does: a
 * font already loaded under the same name is reused, and an embedded font gets the next subset
 * tag (HPDFAA, HPDFAB, ...). Returns the font's name, or NULL (the error left in the document). */
static const char *load_ttf_from_memory(HPDF_Doc pdf, const unsigned char *data, size_t len)
{
    if (len == 0 || len > 0x7FFFFFFF)
        return NULL;
    byte_reader *b = HPDF_GetMem(pdf->mmgr, sizeof *b);
    if (!b)
        return NULL;
    *b = (byte_reader){.p = data, .len = len};
    HPDF_Stream s =
        HPDF_CallbackReader_New(pdf->mmgr, reader_read, reader_seek, reader_tell, reader_size, b);
    if (!s) {
        HPDF_FreeMem(pdf->mmgr, b);
        return NULL;
    }
    s->free_fn = reader_free;                                        /* the stream owns |b| */
    HPDF_FontDef def = HPDF_TTFontDef_Load(pdf->mmgr, s, HPDF_TRUE); /* owns |s| from here */
    if (!def)
        return NULL;
    HPDF_FontDef known = HPDF_Doc_FindFontDef(pdf, def->base_font);
    if (known) {
        HPDF_FontDef_Free(def);
        return known->base_font;
    }
    if (HPDF_List_Add(pdf->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        return NULL;
    }
    next_tag(pdf);
    HPDF_TTFontDef_SetTagName(def, (char *)pdf->ttfont_tag);
    return def->base_font;
}

/* Loads the font of slot |face| (once per document and file). false on error (recorded). */
static bool load_face(pdf_render *r, int face)
{
    int c = r->canon[face];
    if (r->font_name[c])
        return true;
    HPDF_FontDef def = r->spare ? r->spare->def[c] : NULL;
    if (def) { /* parsed for an earlier report: named as load_ttf_from_memory would name it */
        for (int g = 0; g < NSLOT; g++)
            if (r->font_name[g] && r->spare->def[g] == def) {
                r->font_name[c] = r->font_name[g]; /* the same font under another slot */
                return true;
            }
        ((HPDF_TTFontDefAttr)def->attr)->is_cidfont = HPDF_FALSE;
        next_tag(r->pdf);
        HPDF_TTFontDef_SetTagName(def, (char *)r->pdf->ttfont_tag);
        r->font_name[c] = def->base_font;
        return true;
    }
    const char *path = slot_path(r->fonts, c);
    snprintf(r->activity_buf, sizeof r->activity_buf, "loading font %s", path);
    r->activity = r->activity_buf;
    size_t len = 0;
    const unsigned char *data = slot_data(r->fonts, c, &len);
    r->font_name[c] = data ? load_ttf_from_memory(r->pdf, data, len) : NULL;
    if (!r->font_name[c] && !failed(r))
        on_error(HPDF_TTF_INVALID_FOMAT, 0, &r->errs);
    if (r->font_name[c] && r->spare)
        r->spare->def[c] = HPDF_Doc_FindFontDef(r->pdf, r->font_name[c]);
    return r->font_name[c] != NULL;
}

static HPDF_Font single_font(pdf_render *r, int face)
{
    int c = r->canon[face];
    if (!r->single[c] && load_face(r, face))
        r->single[c] = HPDF_GetFont(r->pdf, r->font_name[c], "CP1252");
    return r->single[c];
}

static HPDF_Font cid_font(pdf_render *r, int face)
{
    int c = r->canon[face];
    if (r->cid[c] || !load_face(r, face))
        return r->cid[c];
    if (!r->utf_on) {
        if (HPDF_UseUTFEncodings(r->pdf) != HPDF_OK)
            return NULL;
        r->utf_on = true;
    }
    if (!r->cid_used[c]) {
        r->cid_used[c] = calloc(0x10000 / 32, sizeof(uint32_t));
        r->pua_used[c] = calloc((PUA_COUNT + 31) / 32, sizeof(uint32_t));
        if (!r->cid_used[c] || !r->pua_used[c]) {
            on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
            return NULL;
        }
    }
    r->cid[c] = HPDF_GetFont(r->pdf, r->font_name[c], "UTF-8");
    return r->cid[c];
}

/* Fixes the UTF-8 CID font of canonical face |c| before saving: rewrites its ToUnicode CMap as a
 * bfchar map of the code points drawn (libharu 2.3.0 writes a copy of the encoding CMap there,
 * which is invalid), sets the CIDSystemInfo ordering of its descendant font to Identity, and
 * shortens its CIDToGIDMap to the code points drawn. libharu's internal functions used here leave
 * their errors in the document (see failed). */
static void fix_cid_font(pdf_render *r, int c)
{
    HPDF_Font font = r->cid[c];
    HPDF_FontAttr attr = (HPDF_FontAttr)font->attr;
    HPDF_MMgr mmgr = font->mmgr;
    const uint32_t *used = r->cid_used[c], *pua = r->pua_used[c];
#define USED(cp) ((used[(cp) >> 5] >> ((cp)&31)) & 1u)
#define PUA(code)                                                                                  \
    ((code) >= PUA_BASE && (code) < PUA_BASE + PUA_COUNT &&                                        \
     ((pua[((code)-PUA_BASE) >> 5] >> (((code)-PUA_BASE) & 31)) & 1u))

    HPDF_Dict info = HPDF_Dict_GetItem(attr->descendant_font, "CIDSystemInfo", HPDF_OCLASS_DICT);
    if (info)
        HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mmgr, "Identity", NULL));

    /* CIDToGIDMap: libharu maps all 65536 codes (128 KB to deflate). Codes past the highest one
     * drawn may be left out (they would map to glyph 0) and codes never drawn may map to 0. */
    if (attr->map_stream && !failed(r)) {
        uint32_t top = 0;
        for (uint32_t cp = 0; cp < 0x10000; cp++)
            if (USED(cp))
                top = cp;
        HPDF_Stream m = attr->map_stream->stream;
        HPDF_MemStream_FreeData(m);
        unsigned char pairs[512];
        size_t k = 0;
        for (uint32_t cp = 0; cp <= top; cp++) {
            HPDF_UINT16 gid =
                USED(cp) ? HPDF_TTFontDef_GetGlyphid(attr->fontdef, (HPDF_UINT16)cp) : 0;
            pairs[k++] = (unsigned char)(gid >> 8);
            pairs[k++] = (unsigned char)gid;
            if (k == sizeof pairs || cp == top) {
                HPDF_Stream_Write(m, pairs, (HPDF_UINT)k);
                k = 0;
            }
        }
    }

    /* ToUnicode: a CMap "Adobe-Identity-UCS" of bfchar entries, at most 100 per block. */
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!cmap && !failed(r)) {
        cmap = HPDF_DictStream_New(mmgr, attr->xref);
        if (cmap)
            HPDF_Dict_Add(font, "ToUnicode", cmap);
    }
    if (!cmap || failed(r))
        return;
    HPDF_Dict_AddName(cmap, "CMapName", "Adobe-Identity-UCS");
    info = HPDF_Dict_GetItem(cmap, "CIDSystemInfo", HPDF_OCLASS_DICT);
    if (info)
        HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mmgr, "UCS", NULL));
    HPDF_Stream s = cmap->stream;
    HPDF_MemStream_FreeData(s);
    HPDF_Stream_WriteStr(
        s, "/CIDInit /ProcSet findresource begin\n"
           "12 dict begin\n"
           "begincmap\n"
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
           "/CMapName /Adobe-Identity-UCS def\n"
           "/CMapType 2 def\n"
           "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    uint32_t block[100];
    size_t n = 0;
    char line[48];
    for (uint32_t cp = 0; cp <= 0x10000 && !failed(r); cp++) {
        if (cp < 0x10000 && USED(cp))
            block[n++] = cp;
        if (n == 100 || (cp == 0x10000 && n > 0)) {
            snprintf(line, sizeof line, "%zu beginbfchar\n", n);
            HPDF_Stream_WriteStr(s, line);
            for (size_t i = 0; i < n; i++) {
                if (PUA(block[i])) { /* an emoji's mirror: the real character, UTF-16BE */
                    uint32_t u = block[i] - PUA_BASE + PUA_FIRST - 0x10000;
                    snprintf(line, sizeof line, "<%04X> <%04X%04X>\n", (unsigned)block[i],
                             (unsigned)(0xD800 + (u >> 10)), (unsigned)(0xDC00 + (u & 0x3FF)));
                } else {
                    snprintf(line, sizeof line, "<%04X> <%04X>\n", (unsigned)block[i],
                             (unsigned)block[i]);
                }
                HPDF_Stream_WriteStr(s, line);
            }
            HPDF_Stream_WriteStr(s, "endbfchar\n");
            n = 0;
        }
    }
    HPDF_Stream_WriteStr(s, "endcmap\n"
                            "CMapName currentdict /CMap defineresource pop\n"
                            "end\n"
                            "end\n");
#undef USED
#undef PUA
}

/* The simple (CP1252) fonts before saving: libharu writes their /Encoding as WinAnsiEncoding
 * with /Differences [127 /.notdef] (its CP1252 table has no character at 127, its WinAnsi table
 * the bullet). `.notdef` is no Adobe Glyph List name, which PDF/UA-1 (ISO 14289-1 7.21.6) does
 * not allow in a non-symbolic TrueType font's /Differences. We never draw code 127
 * (cp1252_byte), so the encoding is exactly /WinAnsiEncoding: the encoder, which libharu shares
 * between the document's CP1252 fonts, is told it has no differences, and libharu writes the
 * name alone. */
static void fix_single_fonts(pdf_render *r)
{
    bool any = false;
    for (int c = 0; c < NSLOT; c++)
        any |= r->single[c] != NULL;
    if (!any)
        return;
    HPDF_Encoder enc = HPDF_GetEncoder(r->pdf, "CP1252");
    if (!enc || enc->type != HPDF_ENCODER_TYPE_SINGLE_BYTE)
        return;
    HPDF_BasicEncoderAttr attr = (HPDF_BasicEncoderAttr)enc->attr;
    if (strcmp(attr->base_encoding, HPDF_ENCODING_WIN_ANSI) != 0)
        return;
    for (int b = 0; b < 256; b++)
        if (attr->differences[b] && b != 0x7F)
            return; /* another libharu: leave it as it is (the ua test would tell) */
    attr->has_differences = HPDF_FALSE;
    attr->differences[0x7F] = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Text strings outside page content (info, outline titles, /Lang) */

/* PDFDocEncoding's bytes 0x80-0x9E (ISO 32000-1, D.2), where it differs from Latin-1. */
static const uint16_t pdfdoc_high[31] = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
    0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
    0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E};

/* The PDFDocEncoding byte of |cp| (printable characters only), or -1. */
static int pdfdoc_byte(uint32_t cp)
{
    if ((cp >= 0x20 && cp < 0x7F) || (cp >= 0xA1 && cp <= 0xFF && cp != 0xAD))
        return (int)cp;
    if (cp == 0x20AC)
        return 0xA0;
    for (int i = 0; i < 31; i++)
        if (pdfdoc_high[i] == cp)
            return 0x80 + i;
    return -1;
}

/* |s| (UTF-8) in PDFDocEncoding into |doc| (|cap| bytes): its length, or 0 when a character has
 * no byte there, the result would not fit, or it would begin with the bytes of a byte order mark
 * (FE FF, or PDF 2.0's EF BB BF), which a PDFDocEncoded string may not. */
static size_t pdfdoc_encode(const char *s, unsigned char *doc, size_t cap)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        int b = pdfdoc_byte(utf8_next(p, &n));
        if (b < 0 || k == cap)
            return 0;
        doc[k++] = (unsigned char)b;
        p += n;
    }
    bool bom = (k >= 2 && doc[0] == 0xFE && doc[1] == 0xFF) ||
               (k >= 3 && doc[0] == 0xEF && doc[1] == 0xBB && doc[2] == 0xBF);
    return bom ? 0 : k;
}

/* A PDF text string object for UTF-8 |s|: a literal string in PDFDocEncoding when every character
 * has a byte there (see put_text_string), else UTF-16BE with a byte order mark. */
static void *text_string(pdf_render *r, const char *s)
{
    HPDF_MMgr mmgr = r->pdf->mmgr;
    if (is_ascii(s))
        return HPDF_String_New(mmgr, s, NULL);
    size_t len = strlen(s);
    /* At most 4 bytes per input byte (a lone bad byte becomes U+FFFD), plus the BOM. */
    if (!scratch_reserve(r, 4 * len + 2)) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return NULL;
    }
    unsigned char *o = (unsigned char *)r->scratch;
    size_t k = pdfdoc_encode(s, o, len); /* never longer than the UTF-8 */
    if (k && k <= HPDF_LIMIT_MAX_STRING_LEN) {
        o[k] = '\0'; /* libharu writes it as a literal string, bytes past 0x7E escaped */
        return HPDF_String_New(mmgr, (const char *)o, NULL);
    }
    k = 0;
    o[k++] = 0xFE;
    o[k++] = 0xFF;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n;
        uint32_t cp = utf8_next(p, &n);
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint32_t hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
            o[k++] = (unsigned char)(hi >> 8);
            o[k++] = (unsigned char)hi;
            o[k++] = (unsigned char)(lo >> 8);
            o[k++] = (unsigned char)lo;
        } else {
            o[k++] = (unsigned char)(cp >> 8);
            o[k++] = (unsigned char)cp;
        }
    }
    if (k > HPDF_LIMIT_MAX_STRING_LEN)
        k = HPDF_LIMIT_MAX_STRING_LEN & ~(size_t)1;
    return HPDF_Binary_New(mmgr, o, (HPDF_UINT)k);
}

static void set_text(pdf_render *r, HPDF_Dict dict, const char *key, const char *value)
{
    if (!value || !*value || failed(r))
        return;
    void *obj = text_string(r, value);
    if (obj)
        HPDF_Dict_Add(dict, key, obj);
    else
        failed(r); /* collects the document's error, if any */
}

static void set_document_info(pdf_render *r)
{
    const cr_doc_info *in = &r->d->info;
    HPDF_Doc pdf = r->pdf;
    r->activity = "writing the document info";

    time_t t = (time_t)in->created;
    struct tm tm;
    if (gmtime_r(&t, &tm) && tm.tm_year + 1900 >= 1 && tm.tm_year + 1900 <= 9999) {
        HPDF_Date date;
        memset(&date, 0, sizeof date);
        date.year = tm.tm_year + 1900;
        date.month = tm.tm_mon + 1;
        date.day = tm.tm_mday;
        date.hour = tm.tm_hour;
        date.minutes = tm.tm_min;
        date.seconds = tm.tm_sec > 59 ? 59 : tm.tm_sec;
        date.ind = 'Z';
        HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, date);
        HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, date);
    }
    if (failed(r) || !pdf->info) /* libharu makes the info dictionary in HPDF_New */
        return;
    set_text(r, pdf->info, "Title", in->title);
    set_text(r, pdf->info, "Author", in->author);
    set_text(r, pdf->info, "Subject", in->subject);
    set_text(r, pdf->info, "Creator", in->creator);
    set_text(r, pdf->info, "Keywords", in->keywords);

    /* Catalog: /Lang and /ViewerPreferences << /DisplayDocTitle true >> (PDF 1.4; libharu 2.3.0
     * has no setter for either). */
    set_text(r, pdf->catalog, "Lang", in->lang);
    if (in->title && *in->title && !failed(r)) {
        HPDF_Dict prefs = HPDF_Dict_GetItem(pdf->catalog, "ViewerPreferences", HPDF_OCLASS_DICT);
        if (!prefs) {
            prefs = HPDF_Dict_New(pdf->mmgr);
            if (prefs)
                HPDF_Dict_Add(pdf->catalog, "ViewerPreferences", prefs);
        }
        if (prefs)
            HPDF_Dict_AddBoolean(prefs, "DisplayDocTitle", HPDF_TRUE);
    }
}

/* ---------------------------------------------------------------------------------------------
 * XMP metadata: the document info again, as XML in a /Metadata stream of the catalog (ISO 16684),
 * which PDF/UA-1 requires (dc:title; pdfuaid:part 1 identifies a tagged document as PDF/UA).
 * Built from the same values as the info dictionary, so the two agree; no clock, no random
 * document id, so the bytes stay reproducible. */

/* Appends |s| to the growing buffer with XML's five special characters escaped. */
static void xmp_put(char **buf, size_t *len, size_t *cap, const char *s, bool escape, bool *oom)
{
    if (*oom)
        return; /* a piece was lost: the packet is refused whole */
    for (; s && *s; s++) {
        const char *rep = NULL;
        if (escape)
            rep = *s == '&'   ? "&amp;"
                  : *s == '<' ? "&lt;"
                  : *s == '>' ? "&gt;"
                  : *s == '"' ? "&quot;"
                              : NULL;
        size_t n = rep ? strlen(rep) : 1;
        if (*len + n + 1 > *cap) {
            size_t nc = (*cap ? *cap * 2 : 2048) + n;
            char *g = realloc(*buf, nc);
            if (!g) {
                *oom = true;
                return;
            }
            *buf = g;
            *cap = nc;
        }
        memcpy(*buf + *len, rep ? rep : s, n);
        *len += n;
        (*buf)[*len] = '\0';
    }
}

/* The XMP packet of the document (malloc'd), or NULL when out of memory. */
static char *xmp_packet(const pdf_render *r, const char *producer)
{
    const cr_doc_info *in = &r->d->info;
    char date[96] = "";
    time_t t = (time_t)in->created;
    struct tm tm;
    if (gmtime_r(&t, &tm) && tm.tm_year + 1900 >= 1 && tm.tm_year + 1900 <= 9999)
        snprintf(date, sizeof date, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
    char *b = NULL;
    size_t len = 0, cap = 0;
    bool oom = false;
#define RAW(x) xmp_put(&b, &len, &cap, (x), false, &oom)
#define ESC(x) xmp_put(&b, &len, &cap, (x), true, &oom)
    RAW("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"");
    if (r->tagged)
        RAW("\n xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
    RAW(">\n<dc:format>application/pdf</dc:format>\n");
    /* Each property: its opening markup, the value (escaped; left out when empty), its closing. */
    const struct {
        const char *open, *value, *close;
    } props[] = {
        {"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">", in->title,
         "</rdf:li></rdf:Alt></dc:title>\n"},
        {"<dc:creator><rdf:Seq><rdf:li>", in->author, "</rdf:li></rdf:Seq></dc:creator>\n"},
        {"<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">", in->subject,
         "</rdf:li></rdf:Alt></dc:description>\n"},
        {"<dc:language><rdf:Bag><rdf:li>", in->lang, "</rdf:li></rdf:Bag></dc:language>\n"},
        {"<pdf:Keywords>", in->keywords, "</pdf:Keywords>\n"},
        {"<pdf:Producer>", producer, "</pdf:Producer>\n"},
        {"<xmp:CreatorTool>", in->creator, "</xmp:CreatorTool>\n"},
    };
    for (size_t k = 0; k < sizeof props / sizeof *props; k++) {
        if (!props[k].value || !*props[k].value)
            continue;
        RAW(props[k].open);
        ESC(props[k].value);
        RAW(props[k].close);
    }
    if (date[0]) {
        RAW("<xmp:CreateDate>");
        RAW(date);
        RAW("</xmp:CreateDate>\n<xmp:ModifyDate>");
        RAW(date);
        RAW("</xmp:ModifyDate>\n<xmp:MetadataDate>");
        RAW(date);
        RAW("</xmp:MetadataDate>\n");
    }
    if (r->tagged)
        RAW("<pdfuaid:part>1</pdfuaid:part>\n");
    RAW("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
#undef RAW
#undef ESC
    if (!b || oom) { /* a realloc failed on the way */
        free(b);
        return NULL;
    }
    return b;
}

/* Adds the /Metadata stream to the catalog (cr_pdf_pack compresses it with the others). */
static void set_metadata(pdf_render *r)
{
    if (failed(r))
        return;
    r->activity = "writing the XMP metadata";
    const char *producer = HPDF_GetInfoAttr(r->pdf, HPDF_INFO_PRODUCER);
    char *xmp = xmp_packet(r, producer);
    if (!xmp) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    HPDF_Dict meta = HPDF_DictStream_New(r->pdf->mmgr, r->pdf->xref);
    if (meta) {
        meta->filter = HPDF_STREAM_FILTER_NONE;
        HPDF_Dict_AddName(meta, "Type", "Metadata");
        HPDF_Dict_AddName(meta, "Subtype", "XML");
        HPDF_Stream_Write(meta->stream, (const HPDF_BYTE *)xmp, (HPDF_UINT)strlen(xmp));
        HPDF_Dict_Add(r->pdf->catalog, "Metadata", meta);
    }
    free(xmp);
    failed(r); /* collects the document's error, if any */
}

/* ---------------------------------------------------------------------------------------------
 * Painting */

/* Opens a text object: the text matrix and the line start are the identity again. */
static void begin_text(pdf_render *r)
{
    cr_ops_raw(&r->ops, "BT\n", 3);
    r->in_text = true;
    r->tx = r->ty = 0;
}

/* Ends the open text object, if any, and first the marked content begun inside it (an
 * /ActualText span, then the element's or artifact's sequence), which may not outlive it. */
static void end_text(pdf_render *r)
{
    if (!r->in_text)
        return;
    if (r->span == SPAN_INSIDE) {
        cr_ops_raw(&r->ops, "EMC\n", 4);
        r->span = SPAN_NONE;
    }
    if (r->mc_in_text) {
        cr_ops_raw(&r->ops, "EMC\n", 4);
        r->mc = MC_NONE;
        r->mc_in_text = false;
    }
    cr_ops_raw(&r->ops, "ET\n", 3);
    r->in_text = false;
}

static void set_fill(pdf_render *r, cr_rgb c)
{
    if (r->fill_set && r->fill.r == c.r && r->fill.g == c.g && r->fill.b == c.b)
        return;
    cr_ops_rgb(&r->ops, c.r, c.g, c.b, "rg");
    r->fill = c;
    r->fill_set = true;
}

static void set_stroke(pdf_render *r, cr_rgb c, float width)
{
    if (!(r->stroke_set && r->stroke.r == c.r && r->stroke.g == c.g && r->stroke.b == c.b)) {
        cr_ops_rgb(&r->ops, c.r, c.g, c.b, "RG");
        r->stroke = c;
        r->stroke_set = true;
    }
    if (!(r->width_set && r->width == width)) {
        cr_ops_num(&r->ops, width, 2);
        cr_ops_raw(&r->ops, "w\n", 2);
        r->width = width;
        r->width_set = true;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Structure (tagged PDF)
 *
 * A display list with BEGIN/END ops becomes a tagged PDF (ISO 32000-1, 14.7-14.8): a structure
 * tree of /StructElem objects under the catalog's /StructTreeRoot, page content wrapped in
 * marked-content sequences (`/P <</MCID n>> BDC ... EMC`) that the elements point at, and a
 * parent tree mapping each page's MCIDs (and each link annotation) back to its element. What is
 * not content of an element is wrapped as `/Artifact BMC ... EMC`: decoration, the running header
 * and footer, repeated table headers (see display.h for the rules). libharu has no tagging API;
 * we write the operators into the page's content stream, and the tree's objects ourselves: a
 * report has some 600 elements, which as libharu objects (a dictionary, an array, names and
 * numbers each, serialised and freed one by one) cost about a millisecond. libharu holds one
 * placeholder object, the root (the catalog names it); each element records its kids in a list,
 * and once libharu has saved, struct_finish numbers the elements and the pages' parent tree
 * arrays on from libharu's last object and writes every value as text, which cr_pdf_pack_add
 * puts in the root placeholder's place and adds as new objects. Marked content never crosses a
 * text object (ISO 32000-1, 14.6: a sequence begun in a text object ends in it). The text of
 * elements other than figures is marked inside one text object, which runs on from element to
 * element (`BT /P <</MCID 0>>BDC ... EMC /P <</MCID 1>>BDC ... EMC ET`, no ET BT between them,
 * the next line placed from the last one): a figure, which mixes text and shapes, and an artifact
 * before a shape, are marked outside the text object (`/Figure <</MCID 2>>BDC BT ... ET ... EMC`).
 */

/* The object number of a libharu object in the document. */
static uint32_t object_id(const void *obj)
{
    return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFFu;
}

/* A placeholder object (the root's: its value written by struct_finish, see cr_pdf_pack_add), or
 * NULL on error (left in the document). */
static HPDF_Number placeholder_obj(pdf_render *r)
{
    HPDF_Number n = HPDF_Number_New(r->pdf->mmgr, 0);
    if (!n || HPDF_Xref_Add(r->pdf->xref, n) != HPDF_OK) /* HPDF_Xref_Add frees it */
        return NULL;
    return n;
}

/* Makes room for one more item in the array |p| of |n| items of |size| bytes (capacity *|cap|).
 * Returns the array, perhaps moved, or NULL when out of memory (recorded; |p| is still valid). */
static void *grow(pdf_render *r, void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    size_t c = *cap ? 2 * *cap : 64;
    void *q = realloc(p, c * size);
    if (!q) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return NULL;
    }
    *cap = c;
    return q;
}

/* Appends a kid to the list [*first, *last]. */
static void add_kid(pdf_render *r, size_t *first, size_t *last, size_t *count, sx_kid kid)
{
    sx_kid *k = grow(r, r->kids, &r->kids_cap, r->nkids, sizeof *k);
    if (!k)
        return;
    r->kids = k;
    kid.next = 0;
    r->kids[r->nkids++] = kid;
    if (*last)
        r->kids[*last - 1].next = r->nkids;
    else
        *first = r->nkids;
    *last = r->nkids;
    if (count)
        (*count)++;
}

/* Sets up the structure tree root (a placeholder) and the catalog entries of a tagged document. */
static void struct_start(pdf_render *r)
{
    HPDF_Doc pdf = r->pdf;
    HPDF_Number root = placeholder_obj(r);
    HPDF_Dict mark = HPDF_Dict_New(pdf->mmgr);
    if (!root || !mark) {
        if (!failed(r))
            on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    r->root_id = object_id(root);
    HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", root); /* a reference: it is indirect */
    HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE);
    HPDF_Dict_Add(pdf->catalog, "MarkInfo", mark);
}

static size_t page_index(const pdf_render *r)
{
    return r->npages - 1;
}

/* Ends the open marked-content sequence, if any (and the text object it is in, if it began
 * outside it). */
static void close_mc(pdf_render *r)
{
    if (r->mc == MC_NONE)
        return;
    if (!r->mc_in_text)
        end_text(r);
    cr_ops_raw(&r->ops, "EMC\n", 4);
    r->mc = MC_NONE;
    r->mc_in_text = false;
}

/* Makes |target| (MC_ARTIFACT or an element index) the open marked-content sequence, for text
 * (|text|: inside a text object, but in a figure) or for anything else (outside). */
static void open_mc(pdf_render *r, int target, bool text)
{
    if (r->mc == target)
        return;
    close_mc(r);
    bool inside = text && !r->figure;
    if (inside && !r->in_text)
        begin_text(r);
    else if (!inside)
        end_text(r);
    r->mc = target;
    r->mc_in_text = inside;
    if (target == MC_ARTIFACT) {
        cr_ops_str(&r->ops, "/Artifact BMC\n");
        return;
    }
    sx_elem *e = &r->elems[target];
    cr_ops_raw(&r->ops, "/", 1);
    cr_ops_str(&r->ops, cr_role_name(e->role));
    cr_ops_raw(&r->ops, "<</MCID ", 8);
    cr_ops_uint(&r->ops, (unsigned long)r->mcid);
    cr_ops_raw(&r->ops, ">>BDC\n", 6);
    uint32_t page = object_id(r->page);
    if (e->page == r->page) { /* /Pg: only elements with content by MCID on their first page */
        e->pg = page;
        add_kid(r, &e->first, &e->last, &e->nkids,
                (sx_kid){.type = KID_MCID, .a = (uint32_t)r->mcid});
    } else { /* content on a later page than the element's /Pg: a marked-content reference */
        add_kid(r, &e->first, &e->last, &e->nkids,
                (sx_kid){.type = KID_MCR, .a = page, .b = (uint32_t)r->mcid});
    }
    size_t *mc = grow(r, r->mc_elem, &r->mc_cap, r->nmc, sizeof *mc);
    if (!mc)
        return;
    r->mc_elem = mc;
    r->mc_elem[r->nmc++] = (size_t)target;
    r->mcid++;
}

/* Before painting |op| in a tagged document: opens the marked content it belongs to. A shape
 * ends the text object first (see end_text), so that its marked content is outside it. */
static void mark_content(pdf_render *r, const cr_op *op)
{
    if (!r->tagged)
        return;
    bool text = op->kind == CR_OP_TEXT;
    if (r->artifact || r->depth == 0 || (!text && !r->figure))
        open_mc(r, MC_ARTIFACT, text);
    else
        open_mc(r, (int)r->stack[r->depth - 1], text);
}

static void begin_element(pdf_render *r, const cr_op *op)
{
    if (op->role == CR_ROLE_ARTIFACT) {
        r->artifact++;
        return;
    }
    sx_elem *elems = grow(r, r->elems, &r->elems_cap, r->nelems, sizeof *elems);
    if (!elems)
        return;
    r->elems = elems;
    sx_elem *e = &r->elems[r->nelems];
    /* Its object number is given when the tree is written (struct_finish): no libharu object. */
    *e = (sx_elem){.role = op->role, .page = r->page, .alt = op->text, .lang = op->lang};
    sx_kid kid = {.type = KID_ELEM, .a = (uint32_t)r->nelems};
    if (r->depth) {
        sx_elem *parent = &r->elems[r->stack[r->depth - 1]];
        e->parent = r->stack[r->depth - 1] + 1;
        add_kid(r, &parent->first, &parent->last, &parent->nkids, kid);
    } else {
        add_kid(r, &r->root_first, &r->root_last, NULL, kid);
    }
    r->stack[r->depth++] = r->nelems++;
    if (op->role == CR_ROLE_FIGURE)
        r->figure++;
}

static void end_element(pdf_render *r)
{
    if (r->artifact) {
        r->artifact--;
        return;
    }
    if (r->depth == 0) /* cr_display_check refuses this; only after an error */
        return;
    /* An element without content or kids (a heading told only by its /Alt, an empty table cell)
     * gets an empty marked-content sequence: readers that walk the tree from the page content
     * (pdf.js) would not see it otherwise. */
    size_t idx = r->stack[r->depth - 1];
    if (r->elems[idx].nkids == 0) {
        open_mc(r, (int)idx, r->in_text);
        close_mc(r);
    }
    if (r->elems[r->stack[--r->depth]].role == CR_ROLE_FIGURE)
        r->figure--;
}

/* The innermost open Link element, or NULL. */
static sx_elem *open_link(pdf_render *r)
{
    if (!r->tagged || r->artifact)
        return NULL;
    for (size_t k = r->depth; k-- > 0;)
        if (r->elems[r->stack[k]].role == CR_ROLE_LINK)
            return &r->elems[r->stack[k]];
    return NULL;
}

/* Makes annotation |a| on |page| a kid of Link element |e| (an object reference) and gives it its
 * /StructParent key: the parent tree's keys after the pages' ones. */
static void tag_annotation(pdf_render *r, HPDF_Annotation a, HPDF_Page page, sx_elem *e)
{
    size_t *annots = grow(r, r->annot_elem, &r->annots_cap, r->nannots, sizeof *annots);
    if (!annots)
        return;
    r->annot_elem = annots;
    HPDF_Dict_AddNumber(a, "StructParent", (HPDF_INT32)(r->total_pages + r->nannots));
    r->annot_elem[r->nannots++] = (size_t)(e - r->elems);
    add_kid(r, &e->first, &e->last, &e->nkids,
            (sx_kid){.type = KID_OBJR, .a = object_id(a), .b = object_id(page)});
}

/* Appends "N 0 R" for object |id|. */
static void put_ref(cr_ops *o, uint32_t id)
{
    cr_ops_uint(o, id);
    cr_ops_raw(o, " 0 R", 4);
}

/* Appends |s| (UTF-8) as a PDF text string: a literal string in PDFDocEncoding when every
 * character has a byte there (Latin-1 letters, dashes, quotes: a quarter of the UTF-16 form's
 * size), else UTF-16BE with a byte order mark, in hex. A PDFDocEncoded string may not begin
 * with the bytes of a byte order mark (FE FF, or PDF 2.0's EF BB BF). */
static void put_text_string(cr_ops *o, const char *s)
{
    if (is_ascii(s)) {
        cr_ops_literal(o, (const unsigned char *)s, strlen(s));
        return;
    }
    unsigned char doc[256];
    size_t k = pdfdoc_encode(s, doc, sizeof doc);
    if (k) {
        cr_ops_literal(o, doc, k);
        return;
    }
    cr_ops_hex16_begin(o);
    cr_ops_hex16(o, 0xFEFF);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        uint32_t cp = utf8_next(p, &n);
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            cr_ops_hex16(o, 0xD800 + (cp >> 10));
            cr_ops_hex16(o, 0xDC00 + (cp & 0x3FF));
        } else {
            cr_ops_hex16(o, cp);
        }
    }
    cr_ops_hex16_end(o);
}

/* Records in |l| that the text in r->tree from |start| is the value of object |id|. */
static void add_value(pdf_render *r, value_list *l, uint32_t id, size_t start)
{
    cr_pdf_value *v = grow(r, l->v, &l->cap, l->n, sizeof *v);
    if (!v)
        return;
    l->v = v;
    l->v[l->n++] = (cr_pdf_value){.id = id, .off = start, .len = r->tree.n - start};
}

/* Writes the values of the structure tree's objects as text, once libharu has saved the file
 * (|first|: the number its objects end at): the root (libharu's placeholder, which the catalog
 * names) with its parent tree, and, numbered on from |first|, each page's parent tree array and
 * each element, objects libharu never had (cr_pdf_pack_add adds them). Every object the tree
 * names is known by now: pages, annotations. */
static void struct_finish(pdf_render *r, uint32_t first)
{
    if (!r->tagged || failed(r))
        return;
    cr_ops *t = &r->tree;
    for (size_t k = 0; k < r->npages; k++)
        r->page_parents[k] = first + (uint32_t)k;
    for (size_t i = 0; i < r->nelems; i++)
        r->elems[i].id = first + (uint32_t)(r->npages + i);
    for (size_t k = 0; k < r->npages; k++) { /* each page's MCIDs -> elements */
        size_t start = t->n, end = k + 1 < r->npages ? r->page_mc[k + 1] : r->nmc;
        cr_ops_raw(t, "[", 1);
        for (size_t m = r->page_mc[k]; m < end; m++) {
            if (m > r->page_mc[k])
                cr_ops_raw(t, " ", 1);
            put_ref(t, r->elems[r->mc_elem[m]].id);
        }
        cr_ops_raw(t, "]", 1);
        add_value(r, &r->added, r->page_parents[k], start);
    }
    size_t start = t->n;
    cr_ops_str(t, "<</Type/StructTreeRoot/K[");
    for (size_t k = r->root_first; k; k = r->kids[k - 1].next) {
        put_ref(t, r->elems[r->kids[k - 1].a].id);
        if (r->kids[k - 1].next)
            cr_ops_raw(t, " ", 1);
    }
    cr_ops_str(t, "]/ParentTree<</Nums[");
    for (size_t k = 0; k < r->npages; k++) {
        cr_ops_num(t, (double)k, 0);
        put_ref(t, r->page_parents[k]);
        cr_ops_raw(t, " ", 1);
    }
    for (size_t j = 0; j < r->nannots; j++) {
        cr_ops_num(t, (double)(r->npages + j), 0);
        put_ref(t, r->elems[r->annot_elem[j]].id);
        cr_ops_raw(t, " ", 1);
    }
    cr_ops_str(t, "]>>/ParentTreeNextKey ");
    cr_ops_uint(t, r->npages + r->nannots);
    cr_ops_raw(t, ">>", 2);
    add_value(r, &r->values, r->root_id, start);
    for (size_t i = 0; i < r->nelems && !failed(r); i++) {
        const sx_elem *e = &r->elems[i];
        start = t->n;
        /* /Type /StructElem is optional and left out: a report has hundreds of elements. A single
         * kid is written alone, not in an array (ISO 32000-1, table 323: either form). */
        cr_ops_str(t, "<</S/");
        cr_ops_str(t, cr_role_name(e->role));
        cr_ops_str(t, "/P ");
        put_ref(t, e->parent ? r->elems[e->parent - 1].id : r->root_id);
        cr_ops_raw(t, e->nkids == 1 ? "/K" : "/K[", e->nkids == 1 ? 2 : 3);
        for (size_t k = e->first; k; k = r->kids[k - 1].next) {
            const sx_kid *kid = &r->kids[k - 1];
            switch (kid->type) {
            case KID_MCID:
            case KID_ELEM:
                if (k != e->first || e->nkids == 1)
                    cr_ops_raw(t, " ", 1);
                if (kid->type == KID_MCID)
                    cr_ops_uint(t, kid->a);
                else
                    put_ref(t, r->elems[kid->a].id);
                break;
            case KID_MCR:
                cr_ops_str(t, "<</Type/MCR/Pg ");
                put_ref(t, kid->a);
                cr_ops_str(t, "/MCID ");
                cr_ops_uint(t, kid->b);
                cr_ops_raw(t, ">>", 2);
                break;
            default: /* KID_OBJR */
                cr_ops_str(t, "<</Type/OBJR/Obj ");
                put_ref(t, kid->a);
                cr_ops_str(t, "/Pg ");
                put_ref(t, kid->b);
                cr_ops_raw(t, ">>", 2);
                break;
            }
        }
        if (e->nkids != 1)
            cr_ops_raw(t, "]", 1);
        if (e->pg) {
            cr_ops_str(t, "/Pg ");
            put_ref(t, e->pg);
        }
        if (e->alt && *e->alt) {
            cr_ops_str(t, "/Alt");
            put_text_string(t, e->alt);
        }
        if (e->lang && *e->lang) {
            cr_ops_str(t, "/Lang");
            put_text_string(t, e->lang);
        }
        if (e->role == CR_ROLE_TH) /* a header of its column */
            cr_ops_str(t, "/A<</O/Table/Scope/Column>>");
        cr_ops_raw(t, ">>", 2);
        add_value(r, &r->added, e->id, start);
    }
    if (t->oom && !failed(r))
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
}

/* The current page's content is done: it stays in r->ops, and cr_pdf_pack_all puts it in the
 * place of the page's content stream, which libharu writes empty (so it neither copies the
 * content into its memory stream nor out of it, byte by byte). Should libharu have written into
 * the page's stream itself, the content is appended there instead, as before. */
static void flush_page(pdf_render *r)
{
    if (r->ops.oom) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    size_t n = r->ops.n - r->page_start;
    if (r->page && n && !failed(r)) {
        HPDF_PageAttr a = (HPDF_PageAttr)r->page->attr;
        cr_pdf_value *v = NULL;
        if (a->contents && a->stream && a->stream->size == 0 &&
            (v = grow(r, r->streams, &r->streams_cap, r->nstreams, sizeof *v)) != NULL) {
            r->streams = v;
            r->streams[r->nstreams++] =
                (cr_pdf_value){.id = object_id(a->contents), .off = r->page_start, .len = n};
        } else if (!failed(r)) {
            HPDF_Stream_Write(a->stream, (const HPDF_BYTE *)r->ops.p + r->page_start, (HPDF_UINT)n);
            r->ops.n = r->page_start;
        }
    }
    r->page_start = r->ops.n;
}

static void new_page(pdf_render *r, const cr_op *op)
{
    if (r->tagged && r->page)
        close_mc(r);
    end_text(r);
    flush_page(r);
    float w = op->w > 0 ? op->w : r->d->page_w, h = op->h > 0 ? op->h : r->d->page_h;
    snprintf(r->activity_buf, sizeof r->activity_buf, "on page %zu", r->npages + 1);
    r->activity = r->activity_buf;
    HPDF_Page page = HPDF_AddPage(r->pdf);
    if (!page)
        return;
    HPDF_Page_SetWidth(page, w);
    HPDF_Page_SetHeight(page, h);
    /* libharu lists every /ProcSet; PDF 1.4 made them obsolete (ISO 32000-1, 14.2): 40 bytes a
     * page that no reader uses. */
    HPDF_Dict res = HPDF_Page_GetInheritableItem(page, "Resources", HPDF_OCLASS_DICT);
    if (res)
        HPDF_Dict_RemoveElement(res, "ProcSet");
    r->pages[r->npages++] = page;
    r->page = page;
    r->page_h = h;
    r->cur_font = NULL;
    r->cur_size = 0;
    r->fill_set = r->stroke_set = r->width_set = false;
    if (r->tagged) {
        r->mcid = 0;
        r->page_mc[page_index(r)] = r->nmc;
        HPDF_Dict_AddNumber(page, "StructParents", (HPDF_INT32)page_index(r));
        HPDF_Dict_AddName(page, "Tabs", "S"); /* tab order = structure order */
    }
}

/* Converts |text| into r->scratch as CP1252; false when a character is not in CP1252. */
static bool to_cp1252(pdf_render *r, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    char *o = r->scratch;
    while (*p) {
        if (*p < 0x7F) { /* ASCII (but DEL) is its own byte */
            *o++ = (char)*p++;
            continue;
        }
        size_t n;
        int b = cp1252_byte(utf8_next(p, &n));
        if (b < 0)
            return false;
        *o++ = (char)b;
        p += n;
    }
    *o = '\0';
    return true;
}

/* Copies |text| into r->scratch as well-formed UTF-8 of the BMP (libharu's UTF-8 encoder takes
 * nothing else) and records the codes in |used|: an emoji becomes its Private Use Area mirror
 * (recorded in |pua|) when |pua| is given, anything else beyond the BMP U+FFFD. false when a
 * character became U+FFFD (the run then needs its /ActualText). */
static bool to_bmp_utf8(pdf_render *r, const char *text, uint32_t *used, uint32_t *pua)
{
    const unsigned char *p = (const unsigned char *)text;
    unsigned char *o = (unsigned char *)r->scratch;
    bool exact = true;
    while (*p) {
        size_t n;
        uint32_t cp = utf8_next(p, &n);
        p += n;
        if (cp > 0xFFFF && pua && cp >= PUA_FIRST && cp <= PUA_LAST) {
            pua[(cp - PUA_FIRST) >> 5] |= 1u << ((cp - PUA_FIRST) & 31);
            cp = PUA_BASE + (cp - PUA_FIRST);
        } else if (cp > 0xFFFF) {
            cp = 0xFFFD;
            exact = false;
        }
        used[cp >> 5] |= 1u << (cp & 31);
        if (cp < 0x80) {
            *o++ = (unsigned char)cp;
        } else if (cp < 0x800) {
            *o++ = (unsigned char)(0xC0 | cp >> 6);
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (unsigned char)(0xE0 | cp >> 12);
            *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            *o++ = (unsigned char)(0x80 | (cp & 0x3F));
        }
    }
    *o = '\0';
    return exact;
}

/* Opens a marked-content sequence whose /ActualText is |text| (UTF-16BE with a byte order mark,
 * written in hex): what text extraction and screen readers take instead of the glyphs. */
static void begin_actual_text(pdf_render *r, const char *text)
{
    if (r->in_text && (r->mc == MC_NONE || r->mc_in_text)) {
        r->span = SPAN_INSIDE;
    } else {
        end_text(r);
        r->span = SPAN_OUTSIDE;
    }
    cr_ops_str(&r->ops, "/Span<</ActualText <FEFF");
    const unsigned char *p = (const unsigned char *)text;
    char hex[16];
    while (*p) {
        size_t n;
        uint32_t cp = utf8_next(p, &n);
        p += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            snprintf(hex, sizeof hex, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)),
                     (unsigned)(0xDC00 + (cp & 0x3FF)));
        } else {
            snprintf(hex, sizeof hex, "%04X", (unsigned)cp);
        }
        cr_ops_str(&r->ops, hex);
    }
    cr_ops_str(&r->ops, ">>>BDC\n");
}

/* Ends the /ActualText span (and the text object in it when it began outside one). */
static void end_actual_text(pdf_render *r)
{
    if (r->span == SPAN_NONE)
        return;
    if (r->span == SPAN_OUTSIDE)
        end_text(r);
    cr_ops_raw(&r->ops, "EMC\n", 4);
    r->span = SPAN_NONE;
}

/* Writes the text in r->scratch with |font|: CP1252 bytes as a literal string (|single|), else
 * BMP UTF-8 as 2-byte codes (Identity-H, the code being the character). libharu embeds the glyphs
 * its width functions have seen: HPDF_Font_TextWidth marks them (for a CP1252 font, only the
 * bytes this document has not drawn yet, which it remembers in attr->used). */
static void show_text(pdf_render *r, HPDF_Font font, bool single)
{
    const unsigned char *t = (const unsigned char *)r->scratch;
    size_t len = strlen(r->scratch);
    if (single) {
        const HPDF_BYTE *used = ((HPDF_FontAttr)font->attr)->used;
        for (size_t i = 0; i < len; i++)
            if (!used[t[i]])
                HPDF_Font_TextWidth(font, t + i, 1);
        cr_ops_literal(&r->ops, t, len);
    } else {
        HPDF_Font_TextWidth(font, t, (HPDF_UINT)len);
        cr_ops_hex16_begin(&r->ops);
        for (const unsigned char *p = t; *p;) {
            size_t n;
            cr_ops_hex16(&r->ops, utf8_next(p, &n));
            p += n;
        }
        cr_ops_hex16_end(&r->ops);
    }
    cr_ops_raw(&r->ops, "Tj\n", 3);
}

/* Rounds |v| to hundredths of a point. */
static long cents(float v)
{
    return lroundf(v * 100.0f);
}

static void draw_text(pdf_render *r, const cr_op *op)
{
    if (!op->text || !*op->text)
        return;
    /* UTF-8 to BMP UTF-8 grows at most 3 times (a lone bad byte becomes U+FFFD). */
    if (!scratch_reserve(r, 3 * strlen(op->text) + 1)) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    HPDF_Font font;
    bool actual = false; /* the glyphs do not say the text: give it as /ActualText */
    if (op->font == CR_FONT_FACE && to_cp1252(r, op->text)) {
        font = single_font(r, op->face);
    } else {
        /* The face's CID font (its text, or placeholders: codes without a glyph), or the
         * fallback's. */
        int slot = op->font == CR_FONT_FACE || op->font == CR_FONT_PLACEHOLDER
                       ? (int)op->face
                       : CR_FACE_COUNT + op->font - 1;
        font = cid_font(r, slot);
        if (!font)
            return;
        int c = r->canon[slot];
        actual = !to_bmp_utf8(r, op->text, r->cid_used[c],
                              op->font == CR_FONT_PLACEHOLDER ? NULL : r->pua_used[c]) ||
                 op->font == CR_FONT_PLACEHOLDER;
    }
    if (!font)
        return;
    mark_content(r, op);
    actual = actual && !r->in_group; /* a group's /ActualText already says it */
    if (r->group_text) {             /* the first op of a group: its /ActualText covers the group */
        begin_actual_text(r, r->group_text);
        r->group_text = NULL;
        r->in_group = true;
    }
    if (actual)
        begin_actual_text(r, op->text);
    if (!r->in_text)
        begin_text(r);
    if (font != r->cur_font || op->size != r->cur_size) {
        const char *name = HPDF_Page_GetLocalFontName(r->page, font); /* in /Resources */
        if (!name) {
            if (!failed(r))
                on_error(HPDF_PAGE_FONT_NOT_FOUND, 0, &r->errs);
            return;
        }
        cr_ops_raw(&r->ops, "/", 1);
        cr_ops_str(&r->ops, name);
        cr_ops_raw(&r->ops, " ", 1);
        cr_ops_num(&r->ops, op->size, 2);
        cr_ops_raw(&r->ops, "Tf\n", 3);
        r->cur_font = font;
        r->cur_size = op->size;
    }
    set_fill(r, op->color);
    long x = cents(op->x), y = cents(r->page_h - op->y);
    cr_ops_cents(&r->ops, x - r->tx);
    cr_ops_cents(&r->ops, y - r->ty);
    cr_ops_raw(&r->ops, "Td\n", 3);
    r->tx = x;
    r->ty = y;
    show_text(r, font, op->font == CR_FONT_FACE && font == r->single[r->canon[op->face]]);
    if (actual)
        end_actual_text(r);
}

/* The number of TEXT ops after ops[i] on its baseline that begin with a combining mark (a mark
 * its base's font lacks is a run of its own, drawn after the base with no advance). */
static size_t marks_after(const cr_display *d, size_t i)
{
    size_t n = 0;
    for (size_t k = i + 1; k < d->nops; k++, n++) {
        const cr_op *o = &d->ops[k];
        size_t len;
        if (o->kind != CR_OP_TEXT || o->y != d->ops[i].y || !o->text || !*o->text ||
            !cr_fonts_combining(utf8_next((const unsigned char *)o->text, &len)))
            break;
    }
    return n;
}

/* Draws ops[i] and the |n| ops of combining marks after it in one /ActualText span holding all
 * their text, so that text extraction gives each mark with its base ("g" + U+0303) rather than
 * losing a zero-width glyph in another font. Returns the index of the last op drawn. */
static size_t draw_group(pdf_render *r, size_t i, size_t n)
{
    const cr_display *d = r->d;
    size_t len = 1;
    for (size_t k = i; k <= i + n; k++)
        len += strlen(d->ops[k].text);
    char *all = malloc(len);
    if (!all) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return i + n;
    }
    size_t at = 0;
    for (size_t k = i; k <= i + n; k++) {
        size_t m = strlen(d->ops[k].text);
        memcpy(all + at, d->ops[k].text, m);
        at += m;
    }
    all[at] = '\0';
    r->group_text = all;
    for (size_t k = i; k <= i + n && !failed(r); k++)
        draw_text(r, &d->ops[k]);
    if (r->in_group && !failed(r))
        end_actual_text(r);
    r->group_text = NULL;
    r->in_group = false;
    free(all);
    return i + n;
}

static void draw_rect(pdf_render *r, const cr_op *op)
{
    if (!op->fill && !op->stroke)
        return;
    end_text(r);
    mark_content(r, op);
    if (op->fill)
        set_fill(r, op->color);
    if (op->stroke)
        set_stroke(r, op->stroke_color, op->line_width);
    cr_ops_num(&r->ops, op->x, 2);
    cr_ops_num(&r->ops, r->page_h - op->y - op->h, 2);
    cr_ops_num(&r->ops, op->w, 2);
    cr_ops_num(&r->ops, op->h, 2);
    cr_ops_str(&r->ops, op->fill && op->stroke ? "re\nB\n" : op->fill ? "re\nf\n" : "re\nS\n");
}

static void draw_line(pdf_render *r, const cr_op *op)
{
    end_text(r);
    mark_content(r, op);
    set_stroke(r, op->stroke_color, op->line_width);
    cr_ops_num(&r->ops, op->x, 2);
    cr_ops_num(&r->ops, r->page_h - op->y, 2);
    cr_ops_raw(&r->ops, "m\n", 2);
    cr_ops_num(&r->ops, op->x + op->w, 2);
    cr_ops_num(&r->ops, r->page_h - (op->y + op->h), 2);
    cr_ops_raw(&r->ops, "l\nS\n", 4);
}

static void draw_poly(pdf_render *r, const cr_op *op)
{
    if (op->npoints < 3 || !op->pts)
        return;
    end_text(r);
    mark_content(r, op);
    set_fill(r, op->color);
    /* Relative to the first point (moved there with cm): the same shape drawn again (a list's
     * bullets) is then the same bytes, which deflate stores once. Exact in hundredths. */
    long x0 = cents(op->pts[0].x), y0 = cents(r->page_h - op->pts[0].y);
    cr_ops_raw(&r->ops, "q 1 0 0 1 ", 10);
    cr_ops_cents(&r->ops, x0);
    cr_ops_cents(&r->ops, y0);
    cr_ops_raw(&r->ops, "cm\n0 0 m\n", 10);
    for (size_t i = 1; i < op->npoints; i++) {
        cr_ops_cents(&r->ops, cents(op->pts[i].x) - x0);
        cr_ops_cents(&r->ops, cents(r->page_h - op->pts[i].y) - y0);
        cr_ops_raw(&r->ops, "l\n", 2);
    }
    cr_ops_raw(&r->ops, "h\nf\nQ\n", 6);
}

static HPDF_Rect annot_rect(const cr_op *op, float page_h)
{
    HPDF_Rect rc;
    float x0 = op->x, x1 = op->x + op->w, y0 = page_h - op->y - op->h, y1 = page_h - op->y;
    rc.left = x0 < x1 ? x0 : x1;
    rc.right = x0 < x1 ? x1 : x0;
    rc.bottom = y0 < y1 ? y0 : y1;
    rc.top = y0 < y1 ? y1 : y0;
    return rc;
}

/* A link annotation made for |op| on |page|: no border, its text as /Contents, and a kid of Link
 * element |e| (if any). */
static void annotation_done(pdf_render *r, HPDF_Annotation a, const cr_op *op, HPDF_Page page,
                            sx_elem *e)
{
    HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
    if (op->text)
        set_text(r, a, "Contents", op->text);
    if (e)
        tag_annotation(r, a, page, e);
}

/* A URI is ASCII: bytes outside printable ASCII are percent-encoded. */
static bool uri_ascii(pdf_render *r, const char *uri)
{
    if (!scratch_reserve(r, 3 * strlen(uri) + 1))
        return false;
    static const char hex[] = "0123456789ABCDEF";
    char *o = r->scratch;
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7F) {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        } else {
            *o++ = (char)*p;
        }
    }
    *o = '\0';
    return true;
}

static void draw_link(pdf_render *r, const cr_op *op)
{
    if (!op->uri || !*op->uri)
        return;
    if (!uri_ascii(r, op->uri)) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    HPDF_Annotation a =
        HPDF_Page_CreateURILinkAnnot(r->page, annot_rect(op, r->page_h), r->scratch);
    if (a)
        annotation_done(r, a, op, r->page, open_link(r));
}

static void place_anchor(pdf_render *r, const cr_op *op)
{
    if (r->dest[op->target]) /* the first placement wins */
        return;
    HPDF_Destination dst = HPDF_Page_CreateDestination(r->page);
    if (!dst)
        return;
    /* SetXYZ rejects negative coordinates and zoom 0. */
    float left = op->x > 0 ? op->x : 0, top = r->page_h - op->y;
    HPDF_Destination_SetXYZ(dst, left, top > 0 ? top : 0, 1);
    r->dest[op->target] = dst;
}

/* ---------------------------------------------------------------------------------------------
 * The document */

/* Links to anchors and the outline, once every anchor exists. */
static cr_status link_anchors(pdf_render *r, cr_error *err)
{
    enum { MAX_LEVELS = 32 };
    HPDF_Outline last[MAX_LEVELS] = {0};
    bool any_bookmark = false;
    size_t page = 0;
    r->activity = "making links and bookmarks";
    for (size_t i = 0; i < r->d->nops && !failed(r); i++) {
        const cr_op *op = &r->d->ops[i];
        if (op->kind == CR_OP_PAGE) {
            page++;
        } else if (op->kind == CR_OP_GOTO) {
            HPDF_Destination dst = r->dest[op->target];
            if (!dst)
                return cr_error_set(err, CR_EUSAGE, NULL, 0,
                                    "display list op %zu: link to anchor %d, which is not placed",
                                    i, op->target);
            HPDF_Page pg = r->pages[page - 1];
            float h = HPDF_Page_GetHeight(pg);
            HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(pg, annot_rect(op, h), dst);
            if (a)
                annotation_done(r, a, op, pg,
                                r->goto_elem && r->goto_elem[i] ? &r->elems[r->goto_elem[i] - 1]
                                                                : NULL);
        } else if (op->kind == CR_OP_BOOKMARK) {
            HPDF_Destination dst = r->dest[op->target];
            if (!dst)
                return cr_error_set(
                    err, CR_EUSAGE, NULL, 0,
                    "display list op %zu: bookmark to anchor %d, which is not placed", i,
                    op->target);
            int level = op->level < 0 ? 0 : op->level >= MAX_LEVELS ? MAX_LEVELS - 1 : op->level;
            HPDF_Outline parent = NULL;
            for (int l = level - 1; l >= 0 && !parent; l--) /* the nearest enclosing entry */
                parent = last[l];
            HPDF_Outline o = HPDF_CreateOutline(r->pdf, parent, "", NULL);
            if (!o)
                break;
            set_text(r, o, "Title", op->text ? op->text : "");
            HPDF_Outline_SetOpened(o, HPDF_TRUE);
            HPDF_Outline_SetDestination(o, dst);
            last[level] = o;
            for (int l = level + 1; l < MAX_LEVELS; l++)
                last[l] = NULL;
            any_bookmark = true;
        }
    }
    if (any_bookmark && !failed(r))
        HPDF_SetPageMode(r->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return CR_OK;
}

/* The level the font programs are compressed at: once per process and subset (cr_fonts keeps
 * them), so a higher one than the page content's (libdeflate: fonts of a report 16.4 KB at 1,
 * 16.0 KB at 9 for 0.15 ms more, 15.8 KB at 12 for 1.7 ms more). */
#define FONT_LEVEL 9

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The sum of the big-endian 32-bit words of [p, p + n) (the last one padded with zeros). */
static uint32_t sfnt_sum(const unsigned char *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 4) {
        unsigned char w[4] = {0};
        memcpy(w, p + i, n - i < 4 ? n - i : 4);
        sum += be32(w);
    }
    return sum;
}

/* In the subset |f| (|n| bytes) libharu made, zeroes the horizontal metrics (hmtx) of the glyphs
 * not used (|used|, |ng| bytes; glyph 0 kept): libharu leaves their outlines out but keeps every
 * glyph's advance and bearing, some 1.5 KB per font that compresses to half; zeros compress to
 * nothing (-2 KB per report). Nothing reads them: a PDF takes the advances of the glyphs drawn
 * from /Widths, which agree with the font's for those. The table's checksum and the font's
 * checkSumAdjustment are made again. Leaves a font it cannot read as it is. */
static void blank_unused_metrics(unsigned char *f, size_t n, const unsigned char *used, size_t ng)
{
    if (n < 12)
        return;
    size_t ntables = (size_t)f[4] << 8 | f[5];
    unsigned char *dir_hmtx = NULL, *dir_head = NULL, *dir_hhea = NULL;
    if (12 + 16 * ntables > n)
        return;
    for (size_t i = 0; i < ntables; i++) {
        unsigned char *d = f + 12 + 16 * i;
        if (be32(d + 8) > n || be32(d + 12) > n - be32(d + 8))
            return;
        if (memcmp(d, "hmtx", 4) == 0)
            dir_hmtx = d;
        else if (memcmp(d, "head", 4) == 0)
            dir_head = d;
        else if (memcmp(d, "hhea", 4) == 0)
            dir_hhea = d;
    }
    if (!dir_hmtx || !dir_head || !dir_hhea || be32(dir_hhea + 12) < 36 || be32(dir_head + 12) < 12)
        return;
    const unsigned char *hhea = f + be32(dir_hhea + 8);
    size_t nmetrics = (size_t)hhea[34] << 8 | hhea[35];
    unsigned char *hmtx = f + be32(dir_hmtx + 8);
    size_t hlen = be32(dir_hmtx + 12);
    if (nmetrics == 0 || nmetrics > ng || 4 * nmetrics + 2 * (ng - nmetrics) > hlen)
        return;
    for (size_t g = 1; g < ng; g++) {
        if (used[g])
            continue;
        if (g < nmetrics)
            memset(hmtx + 4 * g, 0, 4);
        else
            memset(hmtx + 4 * nmetrics + 2 * (g - nmetrics), 0, 2);
    }
    put_be32(dir_hmtx + 4, sfnt_sum(hmtx, hlen));
    /* checkSumAdjustment: the whole font then sums to 0xB1B0AFBA. libharu does not align its
     * tables, so the field may straddle two words of the sum: it then adds in rotated by 8 bits
     * per byte of misalignment, and is stored rotated back. */
    size_t at = be32(dir_head + 8) + 8;
    put_be32(f + at, 0);
    uint32_t v = 0xB1B0AFBAu - sfnt_sum(f, n);
    unsigned k = (unsigned)(at % 4) * 8;
    put_be32(f + at, k ? v << k | v >> (32 - k) : v);
}

/* The font program of canonical slot |c| (its CP1252 font exists) from cr_fonts' cache, or made
 * by libharu now and kept there. Either way the font's descriptor is made here, before saving
 * (libharu makes it when it first writes the font), with the same object numbers: on a hit with
 * embedding off (no subset made) and the /FontFile2 stream added as libharu adds it (but its
 * /Length2 and /Length3, which only Type 1 font programs have), empty; on
 * a miss by libharu, the subset then taken out of its stream. The compressed program goes to
 * cr_pdf_pack_all in the place of that empty stream. Errors are left in the document. */
static void embed_font(pdf_render *r, int c)
{
    HPDF_Font font = r->single[c];
    HPDF_FontDef def = HPDF_Doc_FindFontDef(r->pdf, r->font_name[c]);
    if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE || def->descriptor ||
        !font->before_write_fn)
        return;
    HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;
    if (!da->embedding || !da->glyph_tbl.flgs)
        return;
    size_t ng = da->num_glyphs;
    unsigned char *z = NULL, *used = malloc(ng ? ng : 1);
    size_t zlen = 0, raw_len = 0;
    if (!used) {
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return;
    }
    memcpy(used, da->glyph_tbl.flgs, ng); /* the key, as it is before the subset is made */
    bool hit = cr_fonts_embed_get(r->fonts, c, used, ng, &z, &zlen, &raw_len);
    HPDF_Dict ff = NULL;
    if (hit) {
        da->embedding = HPDF_FALSE; /* the descriptor without a subset */
        HPDF_STATUS st = font->before_write_fn(font);
        da->embedding = HPDF_TRUE;
        if (st == HPDF_OK && def->descriptor &&
            (ff = HPDF_DictStream_New(r->pdf->mmgr, r->pdf->xref)) != NULL) {
            HPDF_Dict_Add(def->descriptor, "FontFile2", ff);
            HPDF_Dict_AddNumber(ff, "Length1", (HPDF_INT32)raw_len);
        }
    } else if (font->before_write_fn(font) == HPDF_OK && def->descriptor) {
        ff = HPDF_Dict_GetItem(def->descriptor, "FontFile2", HPDF_OCLASS_DICT);
        if (ff) { /* a Type 1 font's entries (ISO 32000-1, table 127): a TrueType's has Length1 */
            HPDF_Dict_RemoveElement(ff, "Length2");
            HPDF_Dict_RemoveElement(ff, "Length3");
        }
        HPDF_Stream m = ff ? ff->stream : NULL;
        unsigned char *raw = m ? malloc(m->size ? m->size : 1) : NULL;
        if (raw) {
            for (HPDF_UINT i = 0, cnt = HPDF_MemStream_GetBufCount(m); i < cnt; i++) {
                HPDF_UINT n = 0;
                HPDF_BYTE *b = HPDF_MemStream_GetBufPtr(m, i, &n);
                if (b && n <= m->size - raw_len) {
                    memcpy(raw + raw_len, b, n);
                    raw_len += n;
                }
            }
            cr_error e;
            cr_error_init(&e);
            if (raw_len == m->size)
                blank_unused_metrics(raw, raw_len, used, ng);
            if (raw_len == m->size &&
                cr_pdf_deflate(raw, raw_len, FONT_LEVEL, &z, &zlen, &e) == CR_OK) {
                HPDF_MemStream_FreeData(m); /* libharu writes it empty; pdf_pack fills it */
                cr_fonts_embed_put(r->fonts, c, used, ng, z, zlen, raw_len);
            }
            free(raw);
        }
    }
    /* Whatever failed (memory), the file would differ: an error, never another file. */
    if (ff && z && !failed(r)) {
        cr_ops_raw(&r->fontz, (const char *)z, zlen);
        r->fontv[r->nfontv++] =
            (cr_pdf_value){.id = object_id(ff), .off = r->fontz.n - zlen, .len = zlen};
    }
    if (!failed(r) && (!ff || !z || r->fontz.oom))
        on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
    free(z);
    free(used);
}

/* embed_font for every CP1252 font, in the order libharu would write them (their object
 * numbers), so the objects made are numbered as they would be. */
static void embed_fonts(pdf_render *r)
{
    int order[NSLOT], n = 0;
    for (int c = 0; c < NSLOT; c++)
        if (r->single[c] && r->canon[c] == c) {
            int k = n++;
            while (k > 0 && object_id(r->single[order[k - 1]]) > object_id(r->single[c])) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = c;
        }
    for (int k = 0; k < n && !failed(r); k++)
        embed_font(r, order[k]);
}

/* Where libharu writes the file as it saves it (save_write): one growing buffer of ours, so the
 * file is neither copied into libharu's 4 KB memory-stream blocks nor read back out of them. */
typedef struct save_sink {
    unsigned char *p;
    size_t n, cap;
} save_sink;

static HPDF_STATUS save_write(HPDF_Stream stream, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    save_sink *s = stream->attr;
    if (siz > s->cap - s->n) {
        size_t cap = s->cap ? s->cap : 1;
        while (cap - s->n < siz)
            cap *= 2;
        unsigned char *q = realloc(s->p, cap);
        if (!q)
            return HPDF_SetError(stream->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->n, ptr, siz);
    s->n += siz;
    return HPDF_OK;
}

/* Saves into memory and puts the file into |out|. */
static cr_status save(pdf_render *r, cr_buffer *out, cr_error *err)
{
    set_metadata(r);
    r->activity = "saving";
    for (int c = 0; c < NSLOT && !failed(r); c++)
        if (r->cid[c])
            fix_cid_font(r, c);
    if (!failed(r))
        fix_single_fonts(r);
    if (!failed(r))
        embed_fonts(r);
    if (failed(r))
        return CR_OK; /* reported by the caller */
    /* A tagged report is some 200 KB before compression: one buffer of that size to start. */
    save_sink sink = {.p = malloc(256 * 1024), .cap = 256 * 1024};
    if (!sink.p)
        return cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
    /* HPDF_SaveToStream writes into the document's stream, making a memory stream only when it
     * has none; libharu frees it with the document. */
    r->pdf->stream = HPDF_CallbackWriter_New(r->pdf->mmgr, save_write, &sink);
    if (!r->pdf->stream || HPDF_SaveToStream(r->pdf) != HPDF_OK || failed(r)) {
        free(sink.p);
        if (!failed(r))
            on_error(HPDF_INVALID_STREAM, 0, &r->errs);
        return CR_OK;
    }
    unsigned char *data = sink.p;
    size_t size = sink.n;
    /* The structure tree, its elements numbered on from libharu's objects (all made by now). */
    struct_finish(r, (uint32_t)((HPDF_Xref)r->pdf->xref)->entries->count);
    if (failed(r) || r->tree.oom) {
        free(data);
        if (!failed(r))
            on_error(HPDF_FAILD_TO_ALLOC_MEM, 0, &r->errs);
        return CR_OK;
    }
    /* The small objects (structure elements above all) into one compressed object stream, and
     * the page content in place of the empty streams libharu wrote. */
    unsigned char *packed = NULL;
    size_t plen = 0;
    cr_pdf_values objs = {.text = r->tree.p, .v = r->values.v, .n = r->values.n};
    cr_pdf_values added = {.text = r->tree.p, .v = r->added.v, .n = r->added.n};
    cr_pdf_values streams = {.text = r->ops.p, .v = r->streams, .n = r->nstreams};
    cr_pdf_values fonts = {.text = r->fontz.p, .v = r->fontv, .n = r->nfontv};
    cr_status st =
        cr_pdf_pack_add(data, size, &objs, &streams, &fonts, &added, &packed, &plen, err);
    if (st != CR_OK) {
        free(data);
        return st;
    }
    if (!packed && (r->values.n || r->added.n || r->nstreams ||
                    r->nfontv)) { /* the tree and pages are only in it */
        free(data);
        return cr_error_set(err, CR_EIO, NULL, 0,
                            "PDF writer: cannot place the structure tree and pages in the file");
    }
    if (packed) {
        free(data);
        data = packed;
    }
    out->data = data;
    out->len = packed ? plen : size;
    return CR_OK;
}

cr_status cr_render_pdf(const cr_display *d, const cr_fonts *fonts, cr_buffer *out, cr_error *err)
{
    cr_error local;
    if (!err) {
        cr_error_init(&local);
        err = &local;
    }
    if (out) {
        out->data = NULL;
        out->len = 0;
    }
    if (CR_ARG_NULL(d, err) || CR_ARG_NULL(fonts, err) || CR_ARG_NULL(out, err))
        return CR_EUSAGE;

    cr_status status = cr_display_check(d, fonts, NULL, err);
    if (status != CR_OK)
        return status;
    int nslot = CR_FACE_COUNT + (int)cr_fonts_fallback_count(fonts);
    for (int f = 0; f < nslot; f++)
        if (!slot_path(fonts, f))
            return cr_error_set(err, CR_EUSAGE, NULL, 0, "PDF writer: no font file for font %d", f);

    pdf_render r;
    memset(&r, 0, sizeof r);
    r.d = d;
    r.fonts = fonts;
    r.activity = "starting";
    for (int f = 0; f < nslot; f++) {
        r.canon[f] = f;
        for (int g = 0; g < f; g++)
            if (strcmp(slot_path(fonts, g), slot_path(fonts, f)) == 0) {
                r.canon[f] = g;
                break;
            }
    }
    size_t npages = 0;
    for (size_t i = 0; i < d->nops; i++) {
        npages += d->ops[i].kind == CR_OP_PAGE;
        r.tagged |= d->ops[i].kind == CR_OP_BEGIN;
    }
    r.mc = MC_NONE;
    r.total_pages = npages;
    r.pages = calloc(npages ? npages : 1, sizeof *r.pages);
    r.dest = calloc(d->nanchors > 0 ? (size_t)d->nanchors : 1, sizeof *r.dest);
    if (r.tagged) {
        r.page_parents = calloc(npages ? npages : 1, sizeof *r.page_parents);
        r.page_mc = calloc(npages ? npages : 1, sizeof *r.page_mc);
        r.goto_elem = calloc(d->nops, sizeof *r.goto_elem);
    }
    if (!r.pages || !r.dest || !scratch_reserve(&r, 256) ||
        (r.tagged && (!r.page_parents || !r.page_mc || !r.goto_elem))) {
        status = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory");
        goto done;
    }
    /* The page content and the structure tree, sized once from the display list (some 30 and 20
     * bytes per op in the synthetic cohort) rather than doubled from 4 KB, each doubling a copy. */
    size_t hint_ops = d->nops < ((size_t)1 << 20) ? d->nops : 0; /* a hint, never an overflow */
    cr_ops_reserve(&r.ops, OPS_BYTES_PER_OP * hint_ops + 4096);
    if (r.tagged)
        cr_ops_reserve(&r.tree, TREE_BYTES_PER_OP * hint_ops + 4096);
    /* No libharu memory pool: Debian's libharu is built without HPDF_ALINMENT_SIZ, so its pool
     * hands out objects at unaligned addresses (UBSan: misaligned HPDF_Obj_Header), and the
     * 0.2-0.4 ms it saved at teardown was within the noise of interleaved runs here. */
    r.spare = cr_fonts_spare_take(fonts);
    if (r.spare) {
        r.pdf = r.spare->pdf;
        r.pdf->error.error_fn = on_error;
        r.pdf->error.user_data = &r.errs;
        if (HPDF_NewDoc(r.pdf) != HPDF_OK || failed(&r)) {
            status = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory (PDF writer)");
            goto done;
        }
        r.utf_on = HPDF_Doc_FindEncoder(r.pdf, "UTF-8") != NULL;
    } else {
        r.pdf = HPDF_NewEx(on_error, NULL, NULL, 0, &r.errs);
        if (!r.pdf) {
            status = cr_error_set(err, CR_ENOMEM, NULL, 0, "out of memory (PDF writer)");
            goto done;
        }
        r.spare = calloc(1, sizeof *r.spare); /* NULL: this document is not kept */
        if (r.spare)
            r.spare->pdf = r.pdf;
    }
    /* libharu writes every stream uncompressed; cr_pdf_pack compresses them all in one pass
     * (libdeflate, 2-3 times faster than libharu's zlib at the same size). */
    HPDF_SetCompressionMode(r.pdf, HPDF_COMP_NONE);
    /* PDF 1.5: object streams (save), /Tabs (tagged pages); 1.4: /DisplayDocTitle. */
    r.pdf->pdf_version = HPDF_VER_15;
    set_document_info(&r);
    if (r.tagged && !failed(&r))
        struct_start(&r);

    for (size_t i = 0; i < d->nops && !failed(&r); i++) {
        const cr_op *op = &d->ops[i];
        switch (op->kind) {
        case CR_OP_PAGE:
            new_page(&r, op);
            break;
        case CR_OP_TEXT: {
            size_t marks = marks_after(d, i);
            if (marks)
                i = draw_group(&r, i, marks);
            else
                draw_text(&r, op);
            break;
        }
        case CR_OP_RECT:
            draw_rect(&r, op);
            break;
        case CR_OP_LINE:
            draw_line(&r, op);
            break;
        case CR_OP_POLY:
            draw_poly(&r, op);
            break;
        case CR_OP_LINK: /* an annotation: nothing in the page content */
            draw_link(&r, op);
            break;
        case CR_OP_ANCHOR:
            place_anchor(&r, op);
            break;
        case CR_OP_GOTO: /* made after all anchors exist (link_anchors); its element now */
            if (r.tagged) {
                sx_elem *e = open_link(&r);
                r.goto_elem[i] = e ? (size_t)(e - r.elems) + 1 : 0;
            }
            break;
        case CR_OP_BOOKMARK: /* likewise */
            break;
        case CR_OP_BEGIN:
            begin_element(&r, op);
            break;
        case CR_OP_END:
            end_element(&r);
            break;
        }
    }
    if (!failed(&r))
        end_text(&r);
    if (!failed(&r)) {
        status = link_anchors(&r, err);
        if (status != CR_OK)
            goto done;
    }
    if (r.tagged && !failed(&r))
        close_mc(&r); /* the last marked content */
    flush_page(&r);
    if (!failed(&r)) {
        status = save(&r, out, err);
        if (status != CR_OK)
            goto done;
    }
    if (failed(&r)) {
        status = r.errs.code == HPDF_FAILD_TO_ALLOC_MEM ? CR_ENOMEM : CR_EIO;
        cr_error_set(err, status, NULL, 0, "PDF writer error 0x%04X (detail %u) %s",
                     (unsigned)r.errs.code, (unsigned)r.errs.detail, r.activity);
    }

done:
    if (status != CR_OK && out->data) {
        free(out->data);
        out->data = NULL;
        out->len = 0;
    }
    if (r.spare && r.pdf && status == CR_OK && !failed(&r)) {
        HPDF_FreeDoc(r.pdf); /* the report's objects now; its fonts stay parsed */
        r.pdf->error.error_fn =
            NULL; /* &r.errs is gone after this render: no handler till the next */
        cr_fonts_spare_give(fonts, r.spare, spare_free);
    } else if (r.spare) {
        spare_free(r.spare);
    } else if (r.pdf) {
        HPDF_Free(r.pdf);
    }
    for (int f = 0; f < NSLOT; f++) {
        free(r.cid_used[f]);
        free(r.pua_used[f]);
    }
    free(r.pages);
    free(r.dest);
    free(r.elems);
    free(r.kids);
    free(r.mc_elem);
    free(r.page_mc);
    free(r.values.v);
    free(r.added.v);
    free(r.streams);
    cr_ops_free(&r.fontz);
    cr_ops_free(&r.tree);
    free(r.page_parents);
    free(r.annot_elem);
    free(r.goto_elem);
    free(r.scratch);
    cr_ops_free(&r.ops);
    return status;
}
