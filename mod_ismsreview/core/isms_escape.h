/* SPDX-License-Identifier: Apache-2.0 */
/* Output safety for every report, in one place: whatever a user stored in the record comes
 * out of an HTML page, an SVG picture, a CSV sheet or an iCalendar feed as inert text.
 *
 *  HTML   & < > " ' become entities; one escaper for text and for quoted attribute values.
 *  JSON   string literals for documents written without jansson (large registers).
 *  SVG    inline in the HTML page: the HTML escaper (isms_esc_svg).
 *  CSV    RFC 4180: a cell with " , CR or LF is quoted, " doubled; a text cell that starts
 *         with = + - @ TAB or CR gets a leading apostrophe (formula injection guard).
 *  ICS    RFC 5545 TEXT: \ ; , escaped, line breaks as \n; content lines folded at 75 octets
 *         (never inside a UTF-8 sequence), CRLF line ends.
 *  names  download file names keep only [A-Za-z0-9._-].
 *  CSP    the HTML reports allow exactly their one <style> element by its SHA-256. */
#ifndef ISMS_ESCAPE_H
#define ISMS_ESCAPE_H

#include <apr_pools.h>

#include "isms_buf.h"

void isms_esc_html(isms_buf *b, const char *s);
const char *isms_html_str(apr_pool_t *p, const char *s);
#define isms_esc_svg isms_esc_html

/* A JSON string literal (RFC 8259), quotes included; NULL is null. "<", ">" and "&" are
 * \u-escaped too, so the text stays inert even if a JSON document is shown as HTML. */
void isms_esc_json(isms_buf *b, const char *s);

/* One CSV cell of text (NULL is an empty cell); the caller writes the separators. */
void isms_esc_csv(isms_buf *b, const char *s);
/* Ends a CSV record (CRLF). */
void isms_csv_eol(isms_buf *b);

/* An iCalendar TEXT value, escaped (not folded). */
void isms_esc_ics_text(isms_buf *b, const char *s);
/* Appends one content line (name, parameters, ':' and value, already escaped), folded at 75
 * octets with CRLF + space, ending with CRLF. */
void isms_ics_line(isms_buf *b, const char *line);

/* A file name of [A-Za-z0-9._-] only (others become '-'; never empty, never starting with
 * '.'). */
const char *isms_safe_filename(apr_pool_t *p, const char *name);

/* 'sha256-<base64>' of the bytes of a stylesheet, as a CSP source. */
const char *isms_csp_hash(apr_pool_t *p, const char *css);
/* The Content-Security-Policy of an HTML report whose only style is css: no script, no
 * unsafe-inline, images only as data: URIs, no base, forms or framing. */
const char *isms_html_csp(apr_pool_t *p, const char *css);

#endif
