/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin notify: one digest mail a day to each person with something to do
 * (isms_notify_collect), recorded (notification row + audit event) only after the MTA took it.
 * Running it twice on a day sends nothing new; a failing MTA stops the run with exit 1 and
 * leaves that person's digest unrecorded, so the next run sends it. */
#include "notify.h"
#include "isms_json.h"
#include "mail.h"
#include "isms_buf.h"
#include "isms_canon.h"
#include "isms_escape.h"
#include "isms_notify.h"
#include "isms_workflow.h"

#include <apr_getopt.h>
#include <apr_network_io.h>
#include <apr_strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int days, dry_run;
    const char *mail_domain, *sendmail, *smtp, *from, *base_url;
} notify_opts;

/* The sections of a digest, in the order a reader needs them. */
static const struct {
    const char *kind, *heading;
} sections[] = {
    {"action_overdue", "Your overdue actions"},
    {"action_due", "Your actions due soon"},
    {"approval", "Reviews awaiting your approval"},
    {"replan_needed", "Overdue actions that need a re-plan decision"},
    {"effectiveness_check", "Completed actions: verify their effectiveness"},
    {"communication_planned", "Communications of published reviews planned but not sent"},
    {"review_due", "The next management review"},
};

/* One line about an item: what, and why now. */
static const char *item_text(apr_pool_t *p, const json_t *it)
{
    const char *kind = isms_jstr(it, "kind"), *date = isms_jstr(it, "date");
    json_int_t days = json_integer_value(json_object_get(it, "days"));
    const char *what = isms_jstr(it, "ref") ? apr_psprintf(p, "%s \"%s\"", isms_jstr(it, "ref"),
                                                      isms_jstr(it, "title")) : isms_jstr(it, "title");
    const char *when;

    if (!strcmp(kind, "action_overdue") || !strcmp(kind, "replan_needed"))
        when = apr_psprintf(p, "due %s, overdue by %" APR_INT64_T_FMT " day%s", date, (apr_int64_t)days,
                            days == 1 ? "" : "s");
    else if (!strcmp(kind, "action_due"))
        when = days ? apr_psprintf(p, "due %s, in %" APR_INT64_T_FMT " day%s", date, (apr_int64_t)days,
                                   days == 1 ? "" : "s") : apr_psprintf(p, "due today");
    else if (!strcmp(kind, "approval")) when = apr_psprintf(p, "submitted %s", date);
    else if (!strcmp(kind, "effectiveness_check"))
        when = !date ? "completed"
               : json_is_true(json_object_get(it, "check_due"))
                   ? apr_psprintf(p, "effectiveness check due %s", date)
                   : apr_psprintf(p, "completed %s", date);
    else if (!strcmp(kind, "communication_planned"))
        when = apr_psprintf(p, "planned for %s (review %s)", date, isms_jstr(it, "review"));
    else when = apr_psprintf(p, "due %s (after %s)", date, isms_jstr(it, "review"));
    return apr_pstrcat(p, what, ": ", when, NULL);
}

static void render_bodies(apr_pool_t *p, const notify_opts *o, const json_t *d,
                          const char **text, const char **html)
{
    isms_buf *t = isms_buf_new(p, 2048), *h = isms_buf_new(p, 4096);
    const char *name = isms_jstr(d, "name") ? isms_jstr(d, "name") : isms_jstr(d, "login");
    const json_t *it;
    size_t s, i;

    isms_buf_printf(t, "Hello %s,\n\nwhat the ISMS management review needs from you today:\n",
                    name);
    isms_buf_puts(h, "<!DOCTYPE html><html><body><p>Hello ");
    isms_esc_html(h, name);
    isms_buf_puts(h, ",</p><p>what the ISMS management review needs from you today:</p>");
    for (s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        int first = 1;
        json_array_foreach(json_object_get(d, "items"), i, it) {
            const char *line, *url;
            if (strcmp(isms_jstr(it, "kind"), sections[s].kind)) continue;
            if (first) {
                isms_buf_printf(t, "\n%s\n", sections[s].heading);
                isms_buf_printf(h, "<h2>%s</h2><ul>", sections[s].heading);
                first = 0;
            }
            line = item_text(p, it);
            url = apr_pstrcat(p, o->base_url, isms_jstr(it, "link"), NULL);
            isms_buf_printf(t, "  - %s\n    %s\n", line, url);
            isms_buf_puts(h, "<li><a href=\"");
            isms_esc_html(h, url);
            isms_buf_puts(h, "\">");
            isms_esc_html(h, line);
            isms_buf_puts(h, "</a></li>");
        }
        if (!first) isms_buf_puts(h, "</ul>");
    }
    isms_buf_printf(t, "\nOpen the management review: %s\n\n-- \nSent once a day by "
                       "ismsreview-admin notify.\n", o->base_url);
    isms_buf_puts(h, "<p><a href=\"");
    isms_esc_html(h, o->base_url);
    isms_buf_puts(h, "\">Open the management review</a></p><p>Sent once a day by "
                     "ismsreview-admin notify.</p></body></html>\n");
    *text = t->s;
    *html = h->s;
}

/* The address of a digest: the people register's, else login@--mail-domain, else NULL. */
static const char *address(apr_pool_t *p, const notify_opts *o, const json_t *d)
{
    if (isms_jstr(d, "email") && *isms_jstr(d, "email")) return isms_jstr(d, "email");
    if (o->mail_domain && !strchr(isms_jstr(d, "login"), '@') && !strpbrk(isms_jstr(d, "login"), " <>\"")) {
        return apr_pstrcat(p, isms_jstr(d, "login"), "@", o->mail_domain, NULL);
    }
    return NULL;
}

static int record(apr_pool_t *p, isms_conn *c, const isms_notification *n)
{
    isms_ctx ctx;
    const char *err = NULL;

    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    if (isms_conn_begin(c, 1, &err) == ISMS_DB_OK && isms_notify_record(&ctx, n, &err) ==
        ISMS_DB_OK && isms_conn_commit(c, &err) == ISMS_DB_OK) return EXIT_SUCCESS;
    isms_conn_rollback(c);
    fprintf(stderr, "ismsreview-admin: notify: the mail to %s (%s) was sent but could not be "
                    "recorded, so the next run sends it again: %s\n", n->login, n->email, err);
    return EXIT_FAILURE;
}

/* Composes, sends and records one digest. 0 sent, 1 failed, 2 no address (skipped). */
static int send_one(apr_pool_t *p, isms_conn *c, const notify_opts *o, const char *key,
                    const json_t *d, const char *today)
{
    isms_mail m = {o->from, isms_jstr(d, "name"), address(p, o, d), NULL, NULL, NULL, NULL};
    size_t n = json_array_size(json_object_get(d, "items"));
    isms_notification rec;
    const char *msg, *err;

    if (!m.to_addr) {
        fprintf(stderr, "ismsreview-admin: notify: no e-mail address for %s (not in the people "
                        "register and no --mail-domain): %zu item(s) not sent\n",
                isms_jstr(d, "login"), n);
        return 2;
    }
    m.subject = apr_psprintf(p, "ISMS management review: %" APR_SIZE_T_FMT " item%s for you (%s)", n,
                             n == 1 ? "" : "s", today);
    m.message_id = isms_mail_message_id(p, isms_mail_addr(p, o->from));
    render_bodies(p, o, d, &m.text, &m.html);
    msg = isms_mail_render(p, &m);
    if (o->dry_run) {
        printf("%s\n", msg);
        return 0;
    }
    err = o->smtp ? isms_mail_smtp(p, o->smtp, isms_mail_addr(p, o->from), m.to_addr, msg)
                  : isms_mail_sendmail(p, o->sendmail, msg);
    if (err) {
        fprintf(stderr, "ismsreview-admin: notify: sending to %s (%s) failed, nothing recorded "
                        "for it: %s\n", isms_jstr(d, "login"), m.to_addr, err);
        return 1;
    }
    rec = (isms_notification){isms_jstr(d, "login"), key, m.to_addr, m.message_id, m.subject,
                              isms_sha256_hex(p, m.text, strlen(m.text), NULL, 0), (int)n};
    if (record(p, c, &rec) != EXIT_SUCCESS) return 1;
    printf("sent %s to %s (%s): %zu item(s)\n", m.message_id, isms_jstr(d, "login"), m.to_addr, n);
    return 0;
}

static int parse_opts(apr_pool_t *p, int argc, const char *const *argv, notify_opts *o)
{
    static const apr_getopt_option_t opts[] = {
        {"days", 'n', 1, ""}, {"mail-domain", 'm', 1, ""}, {"sendmail", 's', 1, ""},
        {"smtp", 'S', 1, ""}, {"from", 'f', 1, ""}, {"base-url", 'b', 1, ""},
        {"dry-run", 'D', 0, ""}, {NULL, 0, 0, NULL}};
    apr_getopt_t *g;
    const char *arg;
    char host[256] = "localhost";
    int ch;
    apr_status_t rv;

    apr_gethostname(host, sizeof host, p);
    *o = (notify_opts){14, 0, NULL, "/usr/sbin/sendmail", NULL, NULL, "http://localhost/isms/"};
    o->from = apr_psprintf(p, "ISMS management review <ismsreview@%s>", host);
    apr_getopt_init(&g, p, argc, argv);
    while ((rv = apr_getopt_long(g, opts, &ch, &arg)) == APR_SUCCESS) {
        char *end;
        switch (ch) {
        case 'n':
            o->days = (int)strtol(arg, &end, 10);
            if (*end || o->days < 0 || o->days > 366) return EXIT_USAGE_NOTIFY;
            break;
        case 'm': o->mail_domain = arg; break;
        case 's': o->sendmail = arg; break;
        case 'S': o->smtp = arg; break;
        case 'f': o->from = arg; break;
        case 'b': o->base_url = arg; break;
        default: o->dry_run = 1;
        }
    }
    return rv == APR_EOF && g->ind == argc ? 0 : EXIT_USAGE_NOTIFY;
}

int isms_admin_notify(apr_pool_t *p, isms_conn *c, int argc, const char *const *argv)
{
    notify_opts o;
    isms_ctx ctx;
    json_t *all, *d;
    const char *key, *err = NULL;
    int sent = 0, skipped = 0, rc;

    if (parse_opts(p, argc, argv, &o) != 0) {
        fprintf(stderr, "ismsreview-admin: notify: bad option; see `ismsreview-admin --help`\n");
        return EXIT_USAGE_NOTIFY;
    }
    isms_ctx_init(&ctx, p, c, "ismsreview-admin");
    if (isms_conn_begin(c, 0, &err) != ISMS_DB_OK ||
        isms_notify_collect(&ctx, o.days, &all, &err) != ISMS_DB_OK) {
        isms_conn_rollback(c);
        fprintf(stderr, "ismsreview-admin: notify: %s\n", err);
        return EXIT_FAILURE;
    }
    isms_conn_rollback(c);      /* a read: nothing to commit */
    json_object_foreach(all, key, d) {
        if ((rc = send_one(p, c, &o, key, d, ctx.today)) == 1) {
            json_decref(all);
            return EXIT_FAILURE;
        }
        if (rc == 2) skipped++;
        else sent++;
    }
    json_decref(all);
    if (!o.dry_run) printf("notify %s: %d digest(s) sent, %d without an address\n", ctx.today,
                           sent, skipped);
    return EXIT_SUCCESS;
}
