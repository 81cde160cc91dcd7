/* SPDX-License-Identifier: Apache-2.0 */
/* Reports: the escapers of isms_escape.c against hostile strings, format negotiation, value
 * formatting, the SVG charts, and the iCalendar feed and the record CSV on a real database. */
#include "tests.h"

#include <apr_strings.h>
#include <openssl/evp.h>

#include "isms_escape.h"
#include "isms_html.h"
#include "isms_json.h"
#include "isms_report.h"
#include "isms_svg.h"
#include "isms_txn.h"

#define XSS_SCRIPT "<script>alert(1)</script>"
#define XSS_ATTR "\"><img src=x onerror=alert(1)>"

static int count(const char *hay, const char *needle);

static isms_buf *buf(void)
{
    return isms_buf_new(tpool, 16);
}

static const char *html(const char *s)
{
    return isms_html_str(tpool, s);
}

static const char *csv(const char *s)
{
    isms_buf *b = buf();

    isms_esc_csv(b, s);
    return b->s;
}

static const char *ics_text(const char *s)
{
    isms_buf *b = buf();

    isms_esc_ics_text(b, s);
    return b->s;
}

/* ---- buffer ---- */

START_TEST(buf_grows_and_formats)
{
    isms_buf *b = buf();
    int i;

    for (i = 0; i < 1000; i++) isms_buf_printf(b, "%04d,", i);
    ck_assert_uint_eq(b->len, 5000);
    ck_assert_uint_eq(strlen(b->s), 5000);
    ck_assert(strncmp(b->s + 4995, "0999,", 5) == 0);
    isms_buf_puts(b, NULL);
    isms_buf_putc(b, 'x');
    ck_assert_uint_eq(b->len, 5001);
}
END_TEST

/* ---- HTML ---- */

START_TEST(html_escapes_markup)
{
    ck_assert_str_eq(html(XSS_SCRIPT), "&lt;script&gt;alert(1)&lt;/script&gt;");
    ck_assert_str_eq(html(XSS_ATTR), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    ck_assert_str_eq(html("Tom & Jerry's"), "Tom &amp; Jerry&#39;s");
    ck_assert_str_eq(html("&amp;"), "&amp;amp;");
    ck_assert_str_eq(html("Größe – 日本語 ✓"), "Größe – 日本語 ✓");
    ck_assert_str_eq(html("a\nb\tc"), "a\nb\tc");
    ck_assert_str_eq(html(""), "");
    ck_assert_str_eq(html(NULL), "");
}
END_TEST

START_TEST(html_table_is_inert)
{
    static const isms_col cols[] = {{"Title", "title", ISMS_COL_TEXT, "note", "Note: "},
                                    {"RAG", "rag", ISMS_COL_CLASS, NULL, NULL},
                                    {"Status", "status", ISMS_COL_ENUM, NULL, NULL},
                                    {NULL, NULL, ISMS_COL_TEXT, NULL, NULL}};
    json_t *rows = isms_test_json("[{\"title\":\"<script>alert(1)</script>\",\"rag\":\"RED\","
                                  "\"status\":\"IN_PROGRESS\",\"note\":\"<b>n</b>\"},"
                                  "{\"title\":\"x\",\"rag\":\"\\\"><img src=x onerror=y>\"}]");
    isms_buf *b = buf();

    isms_html_table(b, tpool, cols, rows, NULL);
    ck_assert_ptr_null(strstr(b->s, "<script"));
    ck_assert_ptr_null(strstr(b->s, "<img"));
    ck_assert_ptr_null(strstr(b->s, "\"><"));
    ck_assert_ptr_nonnull(strstr(b->s, "<td class=\"RED\">RED</td>"));
    ck_assert_ptr_nonnull(strstr(b->s, "<td>&quot;&gt;&lt;img src=x onerror=y&gt;</td>"));
    ck_assert_ptr_nonnull(strstr(b->s, "<td>IN PROGRESS</td>"));
    ck_assert_ptr_nonnull(strstr(b->s, "<br><span class=\"sub\">Note: &lt;b&gt;n&lt;/b&gt;"));
    ck_assert_int_eq(count(b->s, "class=\"sub\""), 1);      /* none for an empty value */
}
END_TEST

START_TEST(html_document_and_csp)
{
    isms_buf *b = buf();
    const char *csp = isms_html_csp(tpool, isms_html_css());
    unsigned char md[32], b64[64];
    unsigned int n = 0;

    isms_html_begin(b, XSS_SCRIPT);
    isms_html_end(b);
    ck_assert(strncmp(b->s, "<!DOCTYPE html>", 15) == 0);
    ck_assert_ptr_null(strstr(b->s, "<script"));
    ck_assert_ptr_nonnull(strstr(b->s, "@page { size: A4"));
    ck_assert_ptr_null(strstr(csp, "unsafe-inline"));
    ck_assert_ptr_null(strstr(csp, "script-src"));
    ck_assert_ptr_nonnull(strstr(csp, "default-src 'none'"));
    ck_assert_ptr_nonnull(strstr(csp, "img-src data:"));
    ck_assert_ptr_nonnull(strstr(csp, "base-uri 'none'"));
    ck_assert_ptr_nonnull(strstr(csp, "form-action 'none'"));
    ck_assert_ptr_nonnull(strstr(csp, "frame-ancestors 'none'"));
    EVP_Digest(isms_html_css(), strlen(isms_html_css()), md, &n, EVP_sha256(), NULL);
    EVP_EncodeBlock(b64, md, (int)n);
    ck_assert_ptr_nonnull(strstr(csp, apr_psprintf(tpool, "style-src 'sha256-%s'", b64)));
    /* the document carries exactly that stylesheet */
    ck_assert_ptr_nonnull(strstr(b->s, apr_pstrcat(tpool, "<style>", isms_html_css(),
                                                   "</style>", NULL)));
}
END_TEST

START_TEST(csp_hash_known_value)
{
    /* SHA-256("abc"), base64 */
    ck_assert_str_eq(isms_csp_hash(tpool, "abc"),
                     "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}
END_TEST

/* ---- CSV ---- */

START_TEST(csv_guards_formulas)
{
    ck_assert_str_eq(csv("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    ck_assert_str_eq(csv("+cmd"), "'+cmd");
    ck_assert_str_eq(csv("-1+1"), "'-1+1");
    ck_assert_str_eq(csv("@SUM(A1:A9)"), "'@SUM(A1:A9)");
    ck_assert_str_eq(csv("\tcmd"), "'\tcmd");
    ck_assert_str_eq(csv("\rcmd"), "\"'\rcmd\"");
    ck_assert_str_eq(csv("=1+1"), "'=1+1");
    /* not at the start: left alone */
    ck_assert_str_eq(csv("a=1+1"), "a=1+1");
    ck_assert_str_eq(csv(" =1"), " =1");
}
END_TEST

START_TEST(csv_quotes_rfc4180)
{
    ck_assert_str_eq(csv("plain"), "plain");
    ck_assert_str_eq(csv("a,b"), "\"a,b\"");
    ck_assert_str_eq(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
    ck_assert_str_eq(csv("line1\nline2"), "\"line1\nline2\"");
    ck_assert_str_eq(csv("line1\r\nline2"), "\"line1\r\nline2\"");
    ck_assert_str_eq(csv("Größe, 日本語"), "\"Größe, 日本語\"");
    ck_assert_str_eq(csv(XSS_SCRIPT), XSS_SCRIPT);
    ck_assert_str_eq(csv(""), "");
    ck_assert_str_eq(csv(NULL), "");
}
END_TEST

/* ---- JSON ---- */

START_TEST(json_strings)
{
    const char *hostile = "</script><script>alert(1)</script> \"q\" \\ \n\r\t\x01 Größe ✓";
    isms_buf *b = buf();
    json_error_t e;
    json_t *back;

    isms_esc_json(b, hostile);
    ck_assert_ptr_null(strchr(b->s, '<'));
    ck_assert_ptr_null(strchr(b->s, '\n'));
    ck_assert_ptr_nonnull(strstr(b->s, "\\u003c/script\\u003e"));
    back = isms_json_pool(tpool, json_loads(b->s, JSON_DECODE_ANY, &e));
    ck_assert_msg(back != NULL, "not JSON: %s: %s", e.text, b->s);
    ck_assert_str_eq(json_string_value(back), hostile);
    b = buf();
    isms_esc_json(b, NULL);
    ck_assert_str_eq(b->s, "null");
}
END_TEST

/* ---- iCalendar ---- */

START_TEST(ics_escapes_text)
{
    ck_assert_str_eq(ics_text("a\\b;c,d"), "a\\\\b\\;c\\,d");
    ck_assert_str_eq(ics_text("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
    ck_assert_str_eq(ics_text("tab\there"), "tab\there");
    ck_assert_str_eq(ics_text(XSS_SCRIPT), XSS_SCRIPT);
    ck_assert_str_eq(ics_text("Größe ✓"), "Größe ✓");
    /* no way to end the property and start another one */
    ck_assert_ptr_null(strchr(ics_text("x\r\nEND:VEVENT\r\nBEGIN:VEVENT"), '\n'));
}
END_TEST

/* Unfolds RFC 5545 content lines (logical lines joined by CRLF, no final CRLF); checks
 * every physical line is at most 75 octets, ends with CRLF, and that no continuation starts
 * inside a UTF-8 sequence. */
static const char *unfold_checked(const char *folded)
{
    isms_buf *out = buf();
    const char *p = folded;

    while (*p) {
        const char *eol = strstr(p, "\r\n");
        size_t n;
        ck_assert_msg(eol != NULL, "a line without CRLF: %s", p);
        n = (size_t)(eol - p);
        ck_assert_msg(n <= 75, "a line of %zu octets", n);
        if (*p == ' ') {
            ck_assert_msg(p != folded, "the first line is a continuation");
            p++;
            n--;
            ck_assert_msg(n == 0 || ((unsigned char)*p & 0xC0) != 0x80,
                          "a continuation line starts inside a UTF-8 sequence");
        }
        else if (p != folded) isms_buf_add(out, "\r\n", 2);
        isms_buf_add(out, p, n);
        p = eol + 2;
    }
    return out->s;
}

START_TEST(ics_folds_long_lines)
{
    isms_buf *b = buf(), *line = buf();
    int i;

    isms_buf_puts(line, "SUMMARY:");
    for (i = 0; i < 40; i++) isms_buf_puts(line, "0123456789");
    isms_ics_line(b, line->s);
    ck_assert_str_eq(unfold_checked(b->s), line->s);
    ck_assert_int_eq((int)strspn(b->s + 75, "\r\n "), 3);

    b = buf();
    line = buf();
    isms_buf_puts(line, "DESCRIPTION:");
    for (i = 0; i < 60; i++) isms_buf_puts(line, "日本語ü✓");   /* 3+3+3+2+3 octets */
    isms_ics_line(b, line->s);
    ck_assert_str_eq(unfold_checked(b->s), line->s);

    b = buf();
    isms_ics_line(b, "SHORT:x");
    ck_assert_str_eq(b->s, "SHORT:x\r\n");
}
END_TEST

/* ---- file names ---- */

START_TEST(safe_filenames)
{
    ck_assert_str_eq(isms_safe_filename(tpool, "MR-2026-01-v1.csv"), "MR-2026-01-v1.csv");
    ck_assert_str_eq(isms_safe_filename(tpool, "a\"b;c/d\\e\r\nf g.csv"),
                     "a-b-c-d-e--f-g.csv");
    ck_assert_str_eq(isms_safe_filename(tpool, "../etc/passwd"), "_.-etc-passwd");
    ck_assert_str_eq(isms_safe_filename(tpool, "Größe.html"), "Gr--e.html");
    ck_assert_str_eq(isms_safe_filename(tpool, ""), "report");
    ck_assert_str_eq(isms_report_filename(tpool, "action-register-2026-11-28", ISMS_FMT_CSV),
                     "action-register-2026-11-28.csv");
}
END_TEST

/* ---- negotiation and formatting ---- */

#define ALL (ISMS_FMT_HTML | ISMS_FMT_JSON | ISMS_FMT_CSV)

START_TEST(format_negotiation)
{
    apr_pool_t *p = tpool;

    ck_assert_int_eq(isms_report_format(p, NULL, NULL, ALL, ISMS_FMT_HTML), ISMS_FMT_HTML);
    ck_assert_int_eq(isms_report_format(p, "json", NULL, ALL, ISMS_FMT_HTML), ISMS_FMT_JSON);
    ck_assert_int_eq(isms_report_format(p, "csv", "text/html", ALL, ISMS_FMT_HTML),
                     ISMS_FMT_CSV);
    ck_assert_int_eq(isms_report_format(p, "html", NULL, ALL, ISMS_FMT_JSON), ISMS_FMT_HTML);
    ck_assert_int_eq(isms_report_format(p, "pdf", NULL, ALL, ISMS_FMT_HTML), ISMS_FMT_NONE);
    ck_assert_int_eq(isms_report_format(p, "csv", NULL, ISMS_FMT_HTML | ISMS_FMT_JSON,
                                        ISMS_FMT_JSON), ISMS_FMT_NONE);
    ck_assert_int_eq(isms_report_format(p, NULL, "text/csv", ALL, ISMS_FMT_HTML), ISMS_FMT_CSV);
    ck_assert_int_eq(isms_report_format(p, NULL, "application/json", ALL, ISMS_FMT_HTML),
                     ISMS_FMT_JSON);
    ck_assert_int_eq(isms_report_format(p, NULL, "*/*", ALL, ISMS_FMT_JSON), ISMS_FMT_JSON);
    ck_assert_int_eq(isms_report_format(p, NULL, "image/png", ALL, ISMS_FMT_HTML),
                     ISMS_FMT_HTML);
    ck_assert_int_eq(isms_report_format(p, NULL, "text/html;q=0.5, text/csv;q=0.9", ALL,
                                        ISMS_FMT_HTML), ISMS_FMT_CSV);
    ck_assert_int_eq(isms_report_format(p, NULL, "text/csv; q=0, application/json", ALL,
                                        ISMS_FMT_HTML), ISMS_FMT_JSON);
    ck_assert_int_eq(isms_report_format(p, NULL, "TEXT/CSV", ALL, ISMS_FMT_HTML),
                     ISMS_FMT_CSV);
    /* a browser */
    ck_assert_int_eq(isms_report_format(p, NULL, "text/html,application/xhtml+xml,"
                                        "application/xml;q=0.9,*/*;q=0.8", ALL, ISMS_FMT_JSON),
                     ISMS_FMT_HTML);
    /* equal q: the report's default */
    ck_assert_int_eq(isms_report_format(p, NULL, "text/csv, application/json", ALL,
                                        ISMS_FMT_JSON), ISMS_FMT_JSON);
    ck_assert_int_eq(isms_report_format(p, NULL, "text/csv", ISMS_FMT_HTML | ISMS_FMT_JSON,
                                        ISMS_FMT_JSON), ISMS_FMT_JSON);
}
END_TEST

START_TEST(value_text)
{
    json_t *o = isms_test_json("{\"i\":42,\"r\":165000.5,\"t\":true,\"f\":false,\"n\":null,"
                               "\"s\":\"x\",\"l\":[\"a\",\"b\"],\"k\":{\"target\":10.25},"
                               "\"d\":[{\"doc_id\":\"SOA\",\"to_version\":\"13\"},"
                               "{\"doc_id\":\"POL\"}]}");

    ck_assert_str_eq(isms_report_field(tpool, o, "i"), "42");
    ck_assert_str_eq(isms_report_field(tpool, o, "r"), "165000.5");
    ck_assert_str_eq(isms_report_field(tpool, o, "t"), "yes");
    ck_assert_str_eq(isms_report_field(tpool, o, "f"), "no");
    ck_assert_str_eq(isms_report_field(tpool, o, "n"), "");
    ck_assert_str_eq(isms_report_field(tpool, o, "missing"), "");
    ck_assert_str_eq(isms_report_field(tpool, o, "l"), "a, b");
    ck_assert_str_eq(isms_report_field(tpool, o, "k.target"), "10.25");
    ck_assert_str_eq(isms_report_field(tpool, o, "k.nope.deeper"), "");
    ck_assert_str_eq(isms_report_field(tpool, o, "d"), "doc_id=SOA to_version=13; doc_id=POL");
}
END_TEST

START_TEST(months_added)
{
    ck_assert_str_eq(isms_add_months(tpool, "2026-03-10", 12), "2027-03-10");
    ck_assert_str_eq(isms_add_months(tpool, "2026-01-31", 1), "2026-02-28");
    ck_assert_str_eq(isms_add_months(tpool, "2024-01-31", 1), "2024-02-29");
    ck_assert_str_eq(isms_add_months(tpool, "2026-11-15", 3), "2027-02-15");
    ck_assert_str_eq(isms_add_months(tpool, "2026-03-10", -14), "2025-01-10");
    ck_assert_str_eq(isms_add_months(tpool, "2026-12-31", 36), "2029-12-31");
}
END_TEST

/* ---- SVG ---- */

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (; (hay = strstr(hay, needle)); hay++) n++;
    return n;
}

START_TEST(svg_chart)
{
    isms_pt pts[] = {{0, 14}, {30, 12}, {60, 11.5}}, tgt[] = {{0, 10}, {60, 8}};
    isms_chart c = {XSS_SCRIPT, "2026-01-31", XSS_ATTR, "days", pts, 3, tgt, 2, 0, 0};
    isms_buf *b = buf();

    isms_svg_chart(b, &c);
    ck_assert(strncmp(b->s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
    ck_assert_int_eq(count(b->s, "</svg>"), 1);
    ck_assert_int_eq(count(b->s, "<polyline"), 2);
    ck_assert_int_eq(count(b->s, "<circle"), 3);
    ck_assert_int_eq(count(b->s, "stroke-dasharray"), 2);    /* legend and target line */
    ck_assert_ptr_null(strstr(b->s, "<script"));
    ck_assert_ptr_null(strstr(b->s, "<img"));
    ck_assert_ptr_null(strstr(b->s, "style="));
    ck_assert_ptr_nonnull(strstr(b->s, "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    ck_assert_ptr_nonnull(strstr(b->s, "aria-label=\"&lt;script&gt;"));
    ck_assert_ptr_null(strstr(b->s, "nan"));

    /* a single point and no target */
    b = buf();
    c.n = 1;
    c.target = NULL;
    c.nt = 0;
    isms_svg_chart(b, &c);
    ck_assert_int_eq(count(b->s, "<circle"), 1);
    ck_assert_ptr_null(strstr(b->s, "nan"));
    ck_assert_ptr_null(strstr(b->s, "inf"));

    /* nothing to draw */
    b = buf();
    c.n = 0;
    isms_svg_chart(b, &c);
    ck_assert_uint_eq(b->len, 0);
}
END_TEST

START_TEST(svg_kpi_and_burn_down)
{
    json_t *obj = isms_test_json(
        "{\"kpi\":{\"name\":\"MTTP <b>critical</b>\",\"unit\":\"days\",\"target\":10},"
        "\"measurements\":[{\"period_to\":\"2026-01-31\",\"value\":14,\"target_at_time\":10},"
        "{\"period_to\":\"2026-02-28\",\"value\":12.5,\"target_at_time\":10},"
        "{\"period_to\":\"2026-03-31\",\"value\":9,\"target_at_time\":8}]}");
    json_t *burn = isms_test_json("[{\"date\":\"2026-01-01\",\"open\":3},"
                                  "{\"date\":\"2026-02-01\",\"open\":5},"
                                  "{\"date\":\"2026-03-01\",\"open\":1}]");
    isms_buf *b = buf();

    isms_svg_kpi(b, tpool, obj);
    ck_assert_int_eq(count(b->s, "<circle"), 3);
    ck_assert_ptr_nonnull(strstr(b->s, "KPI: MTTP &lt;b&gt;critical&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(b->s, ">2026-01-31</text>"));
    ck_assert_ptr_nonnull(strstr(b->s, ">2026-03-31</text>"));
    b = buf();
    isms_svg_burn_down(b, tpool, burn, "Open actions");
    ck_assert_int_eq(count(b->s, "<polyline"), 1);
    ck_assert_int_eq(count(b->s, "<circle"), 0);
    ck_assert_ptr_nonnull(strstr(b->s, ">2026-01-01</text>"));
    b = buf();
    isms_svg_kpi(b, tpool, isms_test_json("{\"kpi\":{\"name\":\"x\",\"target\":1},"
                                          "\"measurements\":[]}"));
    isms_svg_burn_down(b, tpool, isms_test_json("[]"), "none");
    ck_assert_uint_eq(b->len, 0);
}
END_TEST

/* ---- on a database: the record CSV and the calendar feed with hostile data ---- */

typedef struct {
    long long id;
    const char *format;
} op_arg;

static isms_result csv_op(isms_ctx *ctx, void *arg)
{
    op_arg *a = arg;
    apr_table_t *q = apr_table_make(ctx->pool, 2);

    apr_table_setn(q, "format", a->format);
    return isms_report_review(ctx, a->id, q, NULL);
}

static isms_result ics_op(isms_ctx *ctx, void *arg)
{
    return isms_calendar_ics(ctx, NULL);
}

static long long hostile_review(isms_ctx *ctx)
{
    long long rid = isms_test_created_id(isms_test_review_create(ctx, isms_test_json(
        "{\"title\":\"=HYPERLINK(\\\"http://x\\\") <script>alert(1)</script>\","
        "\"review_type\":\"SCHEDULED\",\"planned_date\":\"2026-03-10\","
        "\"location\":\"Room 1; floor 2, \\\\annex\"}")));

    isms_test_created_id(isms_test_item_create(ctx, rid, "actions", isms_test_json(
        "{\"title\":\"+cmd \\\"><img src=x onerror=alert(1)>\",\"type\":\"CORRECTIVE\","
        "\"owner\":\"@evil\",\"due_date\":\"2026-06-30\",\"priority\":\"HIGH\"}")));
    return rid;
}

START_TEST(record_csv_and_html_inert)
{
    isms_ctx ctx;
    op_arg a = {0, "csv"};
    isms_result r;

    isms_test_ctx(&ctx, "author", ISMS_R_AUTHOR);
    a.id = hostile_review(&ctx);
    r = isms_txn_read(&ctx, csv_op, &a);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.filename, "MR-2026-01-v1.csv");
    ck_assert(strncmp(r.content_type, "text/csv", 8) == 0);
    ck_assert_ptr_nonnull(strstr(r.raw, "\r\nreview,MR-2026-01,\"'=HYPERLINK("));
    ck_assert_ptr_nonnull(strstr(r.raw, ",\"'+cmd \"\"><img src=x onerror=alert(1)>\","));
    ck_assert_ptr_nonnull(strstr(r.raw, ",'@evil,"));
    a.format = "html";
    r = isms_txn_read(&ctx, csv_op, &a);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(r.csp);
    ck_assert_ptr_null(strstr(r.raw, "<script"));
    ck_assert_ptr_null(strstr(r.raw, "<img"));
    ck_assert_ptr_nonnull(strstr(r.raw, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    a.id = 999;
    ck_assert_int_eq(isms_txn_read(&ctx, csv_op, &a).status, 404);
}
END_TEST

START_TEST(calendar_feed)
{
    isms_ctx ctx;
    isms_result r;
    long long rid;

    isms_test_ctx(&ctx, "author", ISMS_R_AUTHOR);
    rid = hostile_review(&ctx);
    r = isms_txn_read(&ctx, ics_op, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "text/calendar; charset=utf-8");
    ck_assert(strncmp(r.raw, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
    ck_assert_ptr_nonnull(strstr(r.raw, "\r\nEND:VCALENDAR\r\n"));
    ck_assert_ptr_nonnull(strstr(r.raw, isms_test_printf("UID:review-%lld@ismsreview\r\n",
                                                         rid)));
    ck_assert_ptr_nonnull(strstr(r.raw, "UID:action-1@ismsreview\r\n"));
    ck_assert_ptr_nonnull(strstr(r.raw, "DTSTART;VALUE=DATE:20260310\r\n"));
    ck_assert_ptr_nonnull(strstr(r.raw, "DTSTART;VALUE=DATE:20260630\r\n"));
    ck_assert_ptr_nonnull(strstr(r.raw, "DTSTAMP:20260401T090000Z\r\n"));
    ck_assert_ptr_nonnull(strstr(r.raw, "LOCATION:Room 1\\; floor 2\\, \\\\annex\r\n"));
    /* next review due: planned date + 12 months */
    ck_assert_ptr_nonnull(strstr(r.raw, "DTSTART;VALUE=DATE:20270310\r\n"));
    ck_assert_ptr_nonnull(strstr(unfold_checked(r.raw), "SUMMARY:Action due: "
                                 "MR-2026-01-A01 +cmd \"><img src=x onerror=alert(1)>"));
    ck_assert_int_eq(count(r.raw, "BEGIN:VEVENT"), 3);
    ck_assert_int_eq(count(r.raw, "END:VEVENT"), 3);
}
END_TEST

Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = isms_test_tcase("escapers", 0);
    TCase *db = isms_test_tcase("on a database", 1);

    tcase_add_test(tc, buf_grows_and_formats);
    tcase_add_test(tc, html_escapes_markup);
    tcase_add_test(tc, html_table_is_inert);
    tcase_add_test(tc, html_document_and_csp);
    tcase_add_test(tc, csp_hash_known_value);
    tcase_add_test(tc, csv_guards_formulas);
    tcase_add_test(tc, csv_quotes_rfc4180);
    tcase_add_test(tc, json_strings);
    tcase_add_test(tc, ics_escapes_text);
    tcase_add_test(tc, ics_folds_long_lines);
    tcase_add_test(tc, safe_filenames);
    tcase_add_test(tc, format_negotiation);
    tcase_add_test(tc, value_text);
    tcase_add_test(tc, months_added);
    tcase_add_test(tc, svg_chart);
    tcase_add_test(tc, svg_kpi_and_burn_down);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(db, isms_test_migrate, NULL);
    tcase_add_test(db, record_csv_and_html_inert);
    tcase_add_test(db, calendar_feed);
    suite_add_tcase(s, db);
    return s;
}
