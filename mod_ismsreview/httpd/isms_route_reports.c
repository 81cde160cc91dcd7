/* SPDX-License-Identifier: Apache-2.0 */
/* Adapters from a parsed request to the reports of the core (isms_report*.c): the query and
 * the Accept header go in, a document (HTML, CSV, iCalendar) or JSON comes out. */
#include "mod_ismsreview.h"
#include "isms_route_ops.h"

#include "isms_report.h"

#define REQ(arg) ((isms_req *)(arg))
#define ACCEPT(arg) apr_table_get(REQ(arg)->r->headers_in, "Accept")

isms_result isms_op_report_review(isms_ctx *c, void *a)
{
    return isms_report_review(c, REQ(a)->ids[0], REQ(a)->query, ACCEPT(a));
}

isms_result isms_op_report_dashboard(isms_ctx *c, void *a)
{
    return isms_report_dashboard(c, REQ(a)->query, ACCEPT(a));
}

isms_result isms_op_report_actions(isms_ctx *c, void *a)
{
    return isms_report_actions(c, REQ(a)->query, ACCEPT(a));
}

isms_result isms_op_report_compliance(isms_ctx *c, void *a)
{
    return isms_report_compliance(c, REQ(a)->query, ACCEPT(a));
}

isms_result isms_op_calendar(isms_ctx *c, void *a)
{
    return isms_calendar_ics(c, REQ(a)->query);
}
