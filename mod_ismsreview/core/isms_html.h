/* SPDX-License-Identifier: Apache-2.0 */
/* The HTML of the reports: one printable stylesheet (A4) in one <style> element, which the
 * Content-Security-Policy allows by its hash; no script, no inline style attributes. Every
 * text goes through isms_esc_html; class names come from fixed lists. */
#ifndef ISMS_HTML_H
#define ISMS_HTML_H

#include "isms_api.h"
#include "isms_buf.h"

const char *isms_html_css(void);

/* <!DOCTYPE html> … <body><h1>title</h1>; isms_html_end closes the document. */
void isms_html_begin(isms_buf *b, const char *title);
/* The same; landscape: the whole document is printed on A4 landscape (wide tables). */
void isms_html_begin_as(isms_buf *b, const char *title, int landscape);
void isms_html_end(isms_buf *b);

/* The document as a 200 result: text/html; charset=utf-8, shown inline, with the CSP. */
isms_result isms_html_result(isms_ctx *ctx, const isms_buf *b, const char *filename);

/* <tag class="cls">text</tag> (tag is a constant; cls NULL for none, else from a fixed list
 * or a literal). */
void isms_html_el(isms_buf *b, const char *tag, const char *cls, const char *text);
/* <section id="id"><h2>title</h2> … isms_html_section_end. */
void isms_html_section(isms_buf *b, const char *id, const char *title);
void isms_html_section_end(isms_buf *b);
/* One row of a two-column table (label, value): <tr><th>label</th><td>value</td></tr>. */
void isms_html_kv(isms_buf *b, const char *label, const char *value);

/* Tables driven by column specifications. */
typedef enum {
    ISMS_COL_TEXT,    /* the value as text (isms_report_text) */
    ISMS_COL_CLASS,   /* the same, and the value is the cell's class when it is one of
                       * GREEN AMBER RED pass fail waived (colours) */
    ISMS_COL_ENUM,    /* an enum shown with spaces for underscores (CONTINUAL IMPROVEMENT) */
    ISMS_COL_DATE,    /* kept on one line */
    ISMS_COL_REF,     /* a reference (MR-2026-01-A03), monospace */
    ISMS_COL_HASH     /* a hash, monospace, broken anywhere */
} isms_colfmt;

typedef struct {
    const char *head;     /* column heading */
    const char *key;      /* dotted path in the row object */
    isms_colfmt fmt;
    const char *sub;      /* optional: a second value shown below, in small type */
    const char *sub_label;    /* its label ("was ", "Rationale: ") */
} isms_col;

/* One <td> with the text in the format (isms_html_cell_end closes it; isms_html_td does
 * both). */
void isms_html_cell(isms_buf *b, const char *text, isms_colfmt fmt);
void isms_html_cell_end(isms_buf *b);
/* Inside a cell: a second value below the first, in small type ("label" "text"). */
void isms_html_sub(isms_buf *b, const char *label, const char *text);
void isms_html_td(isms_buf *b, const char *text, isms_colfmt fmt);

/* A table of rows (array of objects); empty (may be NULL) is shown instead when there are
 * none. */
void isms_html_table(isms_buf *b, apr_pool_t *p, const isms_col *cols, const json_t *rows,
                     const char *empty);
/* The class for a value, if it is one of the fixed list, else NULL. */
const char *isms_html_class(const char *value);

#endif
