/* SPDX-License-Identifier: Apache-2.0 */
/* Pictures for the HTML reports as inline SVG generated here (no script, no style
 * attributes, so the page's strict CSP holds): a line chart of a series against a target,
 * used for KPI trends and for the burn-down of open actions. All text goes through the HTML
 * escaper. */
#ifndef ISMS_SVG_H
#define ISMS_SVG_H

#include <apr_pools.h>
#include <jansson.h>

#include "isms_buf.h"

typedef struct {
    double x, y;
} isms_pt;

typedef struct {
    const char *title;          /* <title>, aria-label and the caption */
    const char *x_lo, *x_hi;    /* labels of the first and the last x (dates) */
    const char *unit;           /* of y, may be NULL */
    const isms_pt *pts;         /* the series, x ascending */
    int n;
    const isms_pt *target;      /* the target over x (a step line, dashed); NULL for none */
    int nt;
    int steps;                  /* draw the series as steps (counts over time) */
    int from_zero;              /* the y axis starts at 0 */
} isms_chart;

#define ISMS_SVG_WIDTH 640
#define ISMS_SVG_HEIGHT 220

void isms_svg_chart(isms_buf *b, const isms_chart *c);

/* KPI trend of an objective (its "kpi" and "measurements": value and target_at_time over
 * period_to); nothing when it has no KPI or no measurement. */
void isms_svg_kpi(isms_buf *b, apr_pool_t *p, const json_t *objective);

/* Burn-down: [{"date", "open"}] (isms_burn_down); nothing for an empty series. */
void isms_svg_burn_down(isms_buf *b, apr_pool_t *p, const json_t *series, const char *title);

#endif
