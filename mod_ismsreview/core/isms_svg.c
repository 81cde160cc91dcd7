/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_svg.h"
#include "isms_escape.h"
#include "isms_api.h"

#include <apr_strings.h>
#include <math.h>
#include <string.h>

#define L 64
#define R 16
#define T 40
#define B 30
#define PW (ISMS_SVG_WIDTH - L - R)
#define PH (ISMS_SVG_HEIGHT - T - B)
#define EPOCH "1970-01-01"

typedef struct {
    double x0, x1, y0, y1, step;     /* y0 and y1 are multiples of step */
} range;

static void widen(range *g, const isms_pt *p, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (p[i].x < g->x0) g->x0 = p[i].x;
        if (p[i].x > g->x1) g->x1 = p[i].x;
        if (p[i].y < g->y0) g->y0 = p[i].y;
        if (p[i].y > g->y1) g->y1 = p[i].y;
    }
}

/* A round tick step (1, 2, 2.5 or 5 times a power of ten) for about four intervals. */
static double nice_step(double span, int integers)
{
    double raw = span / 4, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;

    return integers && step < 1 ? 1 : step;
}

static range scale_of(const isms_chart *c)
{
    range g = {c->pts[0].x, c->pts[0].x, c->pts[0].y, c->pts[0].y, 1};

    widen(&g, c->pts, c->n);
    widen(&g, c->target, c->target ? c->nt : 0);
    if (c->from_zero && g.y0 > 0) g.y0 = 0;
    if (g.x1 - g.x0 < 1e-9) {
        g.x0 -= 1;
        g.x1 += 1;
    }
    if (g.y1 - g.y0 < 1e-9) {
        double pad = fabs(g.y1) > 1e-9 ? fabs(g.y1) * 0.1 : 1;
        g.y1 += pad;
        if (!c->from_zero || g.y0 < 0) g.y0 -= pad;
    }
    g.step = nice_step(g.y1 - g.y0, c->steps);
    g.y0 = floor(g.y0 / g.step) * g.step;
    g.y1 = ceil(g.y1 / g.step) * g.step;
    if (g.y1 - g.y0 < g.step) g.y1 = g.y0 + g.step;
    return g;
}

static double px(const range *g, double x)
{
    return L + (x - g->x0) / (g->x1 - g->x0) * PW;
}

static double py(const range *g, double y)
{
    return T + PH - (y - g->y0) / (g->y1 - g->y0) * PH;
}

static void text(isms_buf *b, double x, double y, const char *anchor, const char *s)
{
    isms_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
    isms_esc_svg(b, s);
    isms_buf_puts(b, "</text>\n");
}

static void axes(isms_buf *b, const range *g, const isms_chart *c)
{
    char label[64];
    double v;

    isms_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" "
                       "stroke=\"#888888\"/>\n", L, T, PW, PH);
    for (v = g->y0; v <= g->y1 + g->step / 2; v += g->step) {
        double y = py(g, v);
        isms_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                           "stroke=\"#dddddd\"/>\n", L, y, L + PW, y);
        apr_snprintf(label, sizeof(label), "%.6g", fabs(v) < g->step / 1e6 ? 0.0 : v);
        text(b, L - 4, y + 4, "end", label);
    }
    text(b, L, ISMS_SVG_HEIGHT - 10, "start", c->x_lo ? c->x_lo : "");
    text(b, L + PW, ISMS_SVG_HEIGHT - 10, "end", c->x_hi ? c->x_hi : "");
    if (c->unit) text(b, 4, T - 8, "start", c->unit);
}

static void polyline(isms_buf *b, const range *g, const isms_pt *p, int n, int steps,
                     const char *attrs)
{
    int i;

    isms_buf_printf(b, "<polyline fill=\"none\" %s points=\"", attrs);
    for (i = 0; i < n; i++) {
        if (steps && i) isms_buf_printf(b, "%.1f,%.1f ", px(g, p[i].x), py(g, p[i - 1].y));
        isms_buf_printf(b, "%.1f,%.1f ", px(g, p[i].x), py(g, p[i].y));
    }
    if (steps && n) {               /* a step line holds its last value to the right edge */
        isms_buf_printf(b, "%.1f,%.1f", (double)(L + PW), py(g, p[n - 1].y));
    }
    isms_buf_puts(b, "\"/>\n");
}

static void legend(isms_buf *b, const isms_chart *c)
{
    int x = L + PW - 190;

    isms_buf_printf(b, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"#1565c0\" "
                       "stroke-width=\"2\"/>\n", x, x + 18);
    text(b, x + 22, 24, "start", c->steps ? "open" : "measured");
    if (!c->target) return;
    isms_buf_printf(b, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"#c62828\" "
                       "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n", x + 95, x + 113);
    text(b, x + 117, 24, "start", "target");
}

void isms_svg_chart(isms_buf *b, const isms_chart *c)
{
    range g;
    int i;

    if (c->n < 1) return;
    g = scale_of(c);
    isms_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                       "width=\"%d\" height=\"%d\" role=\"img\" font-family=\"sans-serif\" "
                       "font-size=\"11\" aria-label=\"", ISMS_SVG_WIDTH, ISMS_SVG_HEIGHT, ISMS_SVG_WIDTH,
                    ISMS_SVG_HEIGHT);
    isms_esc_svg(b, c->title);
    isms_buf_puts(b, "\">\n<title>");
    isms_esc_svg(b, c->title);
    isms_buf_puts(b, "</title>\n<g font-weight=\"bold\">");
    text(b, L, 16, "start", c->title);
    isms_buf_puts(b, "</g>\n");
    axes(b, &g, c);
    legend(b, c);
    if (c->target && c->nt) {
        polyline(b, &g, c->target, c->nt, 1, "stroke=\"#c62828\" stroke-width=\"1.5\" "
                                             "stroke-dasharray=\"6 4\"");
    }
    polyline(b, &g, c->pts, c->n, c->steps, "stroke=\"#1565c0\" stroke-width=\"2\"");
    for (i = 0; !c->steps && i < c->n && c->n <= 100; i++) {
        isms_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1565c0\"/>\n",
                        px(&g, c->pts[i].x), py(&g, c->pts[i].y));
    }
    isms_buf_puts(b, "</svg>\n");
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

void isms_svg_kpi(isms_buf *b, apr_pool_t *p, const json_t *objective)
{
    const json_t *kpi = json_object_get(objective, "kpi");
    const json_t *list = json_object_get(objective, "measurements");
    int n = (int)json_array_size(list), i;
    isms_pt *pts, *tgt;
    isms_chart c;

    if (!json_is_object(kpi) || n < 1) return;
    pts = apr_pcalloc(p, sizeof(*pts) * (size_t)n);
    tgt = apr_pcalloc(p, sizeof(*tgt) * (size_t)n);
    for (i = 0; i < n; i++) {
        const json_t *m = json_array_get(list, i);
        pts[i].x = tgt[i].x = (double)isms_days_between(EPOCH, jstr(m, "period_to"));
        pts[i].y = json_number_value(json_object_get(m, "value"));
        tgt[i].y = json_number_value(json_object_get(m, "target_at_time"));
    }
    memset(&c, 0, sizeof(c));
    c.title = apr_pstrcat(p, "KPI: ", jstr(kpi, "name") ? jstr(kpi, "name") : "", NULL);
    c.unit = jstr(kpi, "unit");
    c.x_lo = jstr(json_array_get(list, 0), "period_to");
    c.x_hi = jstr(json_array_get(list, n - 1), "period_to");
    c.pts = pts;
    c.n = n;
    c.target = tgt;
    c.nt = n;
    isms_svg_chart(b, &c);
}

void isms_svg_burn_down(isms_buf *b, apr_pool_t *p, const json_t *series, const char *title)
{
    int n = (int)json_array_size(series), i;
    isms_pt *pts;
    isms_chart c;

    if (n < 1) return;
    pts = apr_pcalloc(p, sizeof(*pts) * (size_t)n);
    for (i = 0; i < n; i++) {
        const json_t *s = json_array_get(series, i);
        pts[i].x = (double)isms_days_between(EPOCH, jstr(s, "date"));
        pts[i].y = (double)json_integer_value(json_object_get(s, "open"));
    }
    memset(&c, 0, sizeof(c));
    c.title = title;
    c.unit = "open actions";
    c.x_lo = jstr(json_array_get(series, 0), "date");
    c.x_hi = jstr(json_array_get(series, n - 1), "date");
    c.pts = pts;
    c.n = n;
    c.steps = 1;
    c.from_zero = 1;
    isms_svg_chart(b, &c);
}
