/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_html.h"
#include "isms_escape.h"
#include "isms_report.h"

#include <apr_strings.h>
#include <string.h>

static const char css[] =
    "@page { size: A4; margin: 16mm 14mm 18mm 14mm; }\n"
    "html { font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; "
    "font-size: 10pt; color: #111; }\n"
    "body { margin: 0 auto; max-width: 200mm; padding: 6mm; }\n"
    "h1 { font-size: 17pt; margin: 0 0 3mm; }\n"
    "h2 { font-size: 13pt; border-bottom: 1px solid #888; margin: 7mm 0 2mm; "
    "break-after: avoid; page-break-after: avoid; }\n"
    "h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }\n"
    "th, td { border: 1px solid #aaa; padding: 1mm 1.5mm; text-align: left; "
    "vertical-align: top; white-space: pre-wrap; overflow-wrap: break-word; }\n"
    "th { background: #eee; font-weight: bold; }\n"
    "td, thead th { font-size: 8.5pt; }\n"
    "thead { display: table-header-group; }\n"
    "tr, svg, .keep { break-inside: avoid; page-break-inside: avoid; }\n"
    "p, .text { white-space: pre-wrap; margin: 1mm 0 2mm; }\n"
    "table.kv th { width: 32%; }\n"
    "header { border: 2px solid #333; padding: 2mm 3mm; margin-bottom: 4mm; }\n"
    ".muted { color: #555; }\n"
    ".code, .ref { font-family: \"DejaVu Sans Mono\", monospace; font-size: 8pt; }\n"
    ".code { word-break: break-all; }\n"
    ".nw { white-space: nowrap; }\n"
    ".sub { font-size: 7.5pt; color: #444; }\n"
    ".GREEN, .pass { background: #c8e6c9; }\n"
    ".AMBER, .waived { background: #fff3c4; }\n"
    ".RED, .fail { background: #ffcdd2; }\n"
    ".alert { border: 2px solid #b71c1c; background: #ffebee; padding: 2mm 3mm; "
    "font-weight: bold; }\n"
    ".ok { border: 1px solid #2e7d32; background: #e8f5e9; padding: 2mm 3mm; }\n"
    "svg { display: block; max-width: 100%; height: auto; margin: 2mm 0; }\n"
    "@page wide { size: A4 landscape; margin: 12mm; }\n"
    ".wide { page: wide; }\n"
    "table.matrix th, table.matrix td { font-size: 7pt; padding: 0.6mm 0.8mm; "
    "text-align: center; }\n"
    "table.matrix td:first-child, table.matrix th:first-child { text-align: left; }\n"
    "footer { margin-top: 8mm; font-size: 8pt; color: #555; }\n"
    "@media print { body { padding: 0; max-width: none; } "
    "h2 { break-before: auto; } }\n";

static const char *const classes[] = {"GREEN", "AMBER", "RED", "pass", "fail", "waived", NULL};

const char *isms_html_css(void)
{
    return css;
}

const char *isms_html_class(const char *value)
{
    int i;

    for (i = 0; value && classes[i]; i++) {
        if (!strcmp(value, classes[i])) return classes[i];
    }
    return NULL;
}

void isms_html_begin(isms_buf *b, const char *title)
{
    isms_html_begin_as(b, title, 0);
}

void isms_html_begin_as(isms_buf *b, const char *title, int landscape)
{
    isms_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    isms_esc_html(b, title);
    isms_buf_puts(b, "</title>\n<style>");
    isms_buf_puts(b, css);
    isms_buf_puts(b, landscape ? "</style>\n</head>\n<body class=\"wide\">\n"
                               : "</style>\n</head>\n<body>\n");
    isms_html_el(b, "h1", NULL, title);
}

void isms_html_end(isms_buf *b)
{
    isms_buf_puts(b, "</body>\n</html>\n");
}

isms_result isms_html_result(isms_ctx *ctx, const isms_buf *b, const char *filename)
{
    return isms_report_raw(ctx, b, "text/html; charset=utf-8", filename,
                           isms_html_csp(ctx->pool, css));
}

void isms_html_el(isms_buf *b, const char *tag, const char *cls, const char *text)
{
    isms_buf_printf(b, "<%s", tag);
    if (cls) isms_buf_printf(b, " class=\"%s\"", cls);
    isms_buf_putc(b, '>');
    isms_esc_html(b, text);
    isms_buf_printf(b, "</%s>\n", tag);
}

void isms_html_section(isms_buf *b, const char *id, const char *title)
{
    isms_buf_printf(b, "<section id=\"%s\">\n", id);
    isms_html_el(b, "h2", NULL, title);
}

void isms_html_section_end(isms_buf *b)
{
    isms_buf_puts(b, "</section>\n");
}

void isms_html_kv(isms_buf *b, const char *label, const char *value)
{
    isms_buf_puts(b, "<tr><th scope=\"row\">");
    isms_esc_html(b, label);
    isms_buf_puts(b, "</th><td>");
    isms_esc_html(b, value);
    isms_buf_puts(b, "</td></tr>\n");
}

/* An enum for reading: underscores as spaces. */
static const char *enum_text(apr_pool_t *p, const char *s)
{
    char *out = apr_pstrdup(p, s), *c;

    for (c = out; *c; c++) {
        if (*c == '_') *c = ' ';
    }
    return out;
}

void isms_html_cell(isms_buf *b, const char *text, isms_colfmt fmt)
{
    const char *cls = fmt == ISMS_COL_CLASS ? isms_html_class(text) : fmt == ISMS_COL_DATE
                    ? "nw" : fmt == ISMS_COL_REF ? "ref" : fmt == ISMS_COL_HASH ? "code" : NULL;
    size_t i;

    if (cls) {
        isms_buf_add(b, "<td class=\"", 11);
        isms_buf_puts(b, cls);
        isms_buf_add(b, "\">", 2);
    }
    else isms_buf_add(b, "<td>", 4);
    if (fmt != ISMS_COL_ENUM) {
        isms_esc_html(b, text);
        return;
    }
    for (i = 0; text[i]; i++) {          /* enums are [A-Z0-9_]; anything else is escaped */
        char one[2] = {text[i] == '_' ? ' ' : text[i], '\0'};
        isms_esc_html(b, one);
    }
}

void isms_html_cell_end(isms_buf *b)
{
    isms_buf_add(b, "</td>", 5);
}

void isms_html_td(isms_buf *b, const char *text, isms_colfmt fmt)
{
    isms_html_cell(b, text, fmt);
    isms_html_cell_end(b);
}

void isms_html_sub(isms_buf *b, const char *label, const char *text)
{
    isms_buf_puts(b, "<br><span class=\"sub\">");
    isms_esc_html(b, label);
    isms_esc_html(b, text);
    isms_buf_puts(b, "</span>");
}

/* The main value, and the second one below it unless it is empty or the same. In a date
 * column the second one alone takes the main place (a sealed action has its first due date,
 * not a current one). */
static void table_cell(isms_buf *b, apr_pool_t *p, const isms_col *c, const json_t *row)
{
    const char *main = isms_report_field(p, row, c->key);
    const char *sub = c->sub ? isms_report_field(p, row, c->sub) : "";

    if (!*main && c->fmt == ISMS_COL_DATE) {
        main = sub;
        sub = "";
    }

    isms_html_cell(b, main, c->fmt);
    if (*sub && strcmp(sub, main) != 0) {
        isms_html_sub(b, c->sub_label, c->fmt == ISMS_COL_ENUM ? enum_text(p, sub) : sub);
    }
    isms_html_cell_end(b);
}

void isms_html_table(isms_buf *b, apr_pool_t *p, const isms_col *cols, const json_t *rows,
                     const char *empty)
{
    const isms_col *c;
    size_t i;

    if (!json_array_size(rows)) {
        if (empty) isms_html_el(b, "p", "muted", empty);
        return;
    }
    isms_buf_puts(b, "<table>\n<thead><tr>");
    for (c = cols; c->head; c++) {
        isms_buf_puts(b, "<th scope=\"col\">");
        isms_esc_html(b, c->head);
        isms_buf_puts(b, "</th>");
    }
    isms_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (i = 0; i < json_array_size(rows); i++) {
        isms_buf_puts(b, "<tr>");
        for (c = cols; c->head; c++) table_cell(b, p, c, json_array_get(rows, i));
        isms_buf_puts(b, "</tr>\n");
    }
    isms_buf_puts(b, "</tbody>\n</table>\n");
}
