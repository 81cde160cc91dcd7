/* SPDX-License-Identifier: Apache-2.0 */
/* The review record (minutes), GET v1/reviews/{id}/report: the data (isms_report_record.c)
 * and its HTML (isms_report_record_html.c). */
#ifndef ISMS_REPORT_RECORD_H
#define ISMS_REPORT_RECORD_H

#include "isms_report.h"

/* The record as one document: {"report", "generated_at", "generated_by", "document" (the
 * document-control block), "review" (every item embedded, objectives with measurements and
 * revisions, decision_ref / basis_input_refs resolved), "findings", "history",
 * "burn_down"}. version 0 is the live record. */
isms_result isms_record_data(isms_ctx *ctx, long long id, long long version, json_t **doc);

void isms_record_html(isms_buf *b, apr_pool_t *p, const json_t *doc);

/* Labels of the input categories a..g ("a) Status of actions ..."). */
const char *isms_input_category_label(const char *category);

#endif
