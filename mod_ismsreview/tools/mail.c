/* SPDX-License-Identifier: Apache-2.0 */
/* Internet mail for ismsreview-admin notify (mail.h). */
#include "mail.h"
#include "isms_buf.h"

#include <apr_base64.h>
#include <apr_lib.h>
#include <apr_network_io.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define B64_WORD_BYTES 45     /* 60 base64 characters: an encoded word stays under 75 */

static int printable_ascii(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) return 0;
    }
    return 1;
}

static const char *b64(apr_pool_t *p, const char *s, size_t n)
{
    char *out = apr_palloc(p, apr_base64_encode_len((int)n));

    apr_base64_encode(out, s, (int)n);
    return out;
}

const char *isms_mail_header_text(apr_pool_t *p, const char *s)
{
    isms_buf *b;
    size_t n = strlen(s), i = 0;

    if (printable_ascii(s)) return s;
    b = isms_buf_new(p, n * 2 + 16);
    while (i < n) {
        size_t k = n - i < B64_WORD_BYTES ? n - i : B64_WORD_BYTES;
        /* never split a UTF-8 sequence between two words (RFC 2047 section 5) */
        while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80) k--;
        isms_buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\n " : "", b64(p, s + i, k));
        i += k;
    }
    return b->s;
}

const char *isms_mail_addr(apr_pool_t *p, const char *from)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;

    return lt && gt ? apr_pstrndup(p, lt + 1, gt - lt - 1) : from;
}

const char *isms_mail_message_id(apr_pool_t *p, const char *from_addr)
{
    unsigned char r[8];
    const char *at = strrchr(from_addr, '@');
    char hex[17];
    int i;

    if (apr_generate_random_bytes(r, sizeof r) != APR_SUCCESS) memset(r, 0, sizeof r);
    for (i = 0; i < 8; i++) snprintf(hex + 2 * i, 3, "%02x", r[i]);
    return apr_psprintf(p, "<%" APR_TIME_T_FMT ".%s.ismsreview@%s>", apr_time_sec(apr_time_now()),
                        hex, at ? at + 1 : "localhost");
}

static const char *rfc5322_date(apr_pool_t *p)
{
    char d[64];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(d, sizeof d, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return apr_pstrdup(p, d);
}

/* A body in base64, 76 characters a line. */
static void body_part(isms_buf *b, apr_pool_t *p, const char *boundary, const char *type,
                      const char *text)
{
    const char *enc = b64(p, text, strlen(text));
    size_t n = strlen(enc), i;

    isms_buf_printf(b, "--%s\nContent-Type: %s; charset=UTF-8\n"
                       "Content-Transfer-Encoding: base64\n\n", boundary, type);
    for (i = 0; i < n; i += 76) {
        isms_buf_add(b, enc + i, n - i < 76 ? n - i : 76);
        isms_buf_putc(b, '\n');
    }
}

/* "Name <addr>" with the name quoted or encoded as RFC 5322 and 2047 want it. */
static const char *name_addr(apr_pool_t *p, const char *name, const char *addr)
{
    if (!name || !*name) return addr;
    if (printable_ascii(name)) {
        isms_buf *q = isms_buf_new(p, strlen(name) + 4);
        isms_buf_putc(q, '"');
        for (; *name; name++) {
            if (*name == '"' || *name == '\\') isms_buf_putc(q, '\\');
            isms_buf_putc(q, *name);
        }
        isms_buf_putc(q, '"');
        name = q->s;
    }
    else name = isms_mail_header_text(p, name);
    return apr_pstrcat(p, name, " <", addr, ">", NULL);
}

/* --from as given: "Name <addr>" (the name possibly UTF-8) or a bare address. */
static const char *from_header(apr_pool_t *p, const char *from)
{
    const char *lt = strrchr(from, '<');
    const char *name = lt ? apr_pstrndup(p, from, lt - from) : NULL;
    size_t n = name ? strlen(name) : 0;

    while (n && (name[n - 1] == ' ' || name[n - 1] == '"')) n--;
    while (name && (*name == ' ' || *name == '"') && n) name++, n--;
    return lt ? name_addr(p, apr_pstrndup(p, name, n), isms_mail_addr(p, from)) : from;
}

const char *isms_mail_render(apr_pool_t *p, const isms_mail *m)
{
    isms_buf *b = isms_buf_new(p, 4096);
    const char *boundary = apr_pstrcat(p, "=_ismsreview_", m->message_id + 1, NULL);

    boundary = apr_pstrndup(p, boundary, strcspn(boundary, "@>"));
    isms_buf_printf(b, "From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: %s\n"
                       "MIME-Version: 1.0\nAuto-Submitted: auto-generated\n"
                       "Content-Type: multipart/alternative; boundary=\"%s\"\n\n",
                    from_header(p, m->from), name_addr(p, m->to_name, m->to_addr),
                    isms_mail_header_text(p, m->subject),
                    rfc5322_date(p), m->message_id, boundary);
    body_part(b, p, boundary, "text/plain", m->text);
    body_part(b, p, boundary, "text/html", m->html);
    isms_buf_printf(b, "--%s--\n", boundary);
    return b->s;
}

/* ---- the local MTA: sendmail -t -i reads the recipients from the headers ---- */

const char *isms_mail_sendmail(apr_pool_t *p, const char *path, const char *message)
{
    const char *argv[] = {path, "-t", "-i", NULL};
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_size_t n = strlen(message);
    apr_exit_why_e why;
    int code;
    apr_status_t rv;

    if ((rv = apr_procattr_create(&attr, p)) != APR_SUCCESS ||
        (rv = apr_procattr_io_set(attr, APR_FULL_BLOCK, APR_NO_PIPE, APR_NO_PIPE)) !=
            APR_SUCCESS ||
        (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM)) != APR_SUCCESS ||
        (rv = apr_proc_create(&proc, path, argv, NULL, attr, p)) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot run %s: %pm", path, &rv);
    }
    rv = apr_file_write_full(proc.in, message, n, NULL);
    apr_file_close(proc.in);
    apr_proc_wait(&proc, &code, &why, APR_WAIT);
    if (rv != APR_SUCCESS) return apr_psprintf(p, "writing to %s: %pm", path, &rv);
    if (why != APR_PROC_EXIT || code != 0) {
        return apr_psprintf(p, "%s %s %d", path, why == APR_PROC_EXIT ? "exited with" :
                            "was killed by signal", code);
    }
    return NULL;
}

/* ---- SMTP (RFC 5321): EHLO, MAIL, RCPT, DATA, QUIT; no AUTH, no TLS: a relay on the host
 * or the organisation's internal relay ---- */

typedef struct {
    apr_pool_t *p;
    apr_socket_t *s;
    char buf[1024];
    size_t len;
} smtp;

/* Reads one reply (all its lines); its code, or -1 on a broken connection. */
static int smtp_reply(smtp *c, const char **text)
{
    for (;;) {
        char *eol = memchr(c->buf, '\n', c->len);
        apr_size_t n;
        if (eol) {
            size_t line = eol - c->buf + 1;
            int last = line >= 4 && c->buf[3] != '-', code = atoi(c->buf);
            *text = apr_pstrndup(c->p, c->buf, line > 2 ? line - 2 : line);
            memmove(c->buf, c->buf + line, c->len - line);
            c->len -= line;
            if (last) return code;
            continue;
        }
        if (c->len == sizeof c->buf) c->len = 0;          /* an over-long line: drop it */
        n = sizeof c->buf - c->len;
        if (apr_socket_recv(c->s, c->buf + c->len, &n) != APR_SUCCESS || n == 0) return -1;
        c->len += n;
    }
}

static const char *smtp_cmd(smtp *c, const char *cmd, int want)
{
    const char *text = "";
    apr_size_t n = strlen(cmd);
    int code;

    if (n && apr_socket_send(c->s, cmd, &n) != APR_SUCCESS) return "connection lost";
    code = smtp_reply(c, &text);
    if (code / 100 != want) {
        return apr_psprintf(c->p, "SMTP server answered %s to %.*s", code < 0 ?
                            "nothing (connection closed)" : text,
                            (int)strcspn(cmd, "\r"), n ? cmd : "the greeting");
    }
    return NULL;
}

/* The message with CRLF line ends, lines starting with "." doubled (RFC 5321 4.5.2). */
static const char *smtp_data(apr_pool_t *p, const char *message)
{
    isms_buf *b = isms_buf_new(p, strlen(message) * 11 / 10 + 8);
    const char *s = message;

    while (*s) {
        size_t n = strcspn(s, "\n");
        if (*s == '.') isms_buf_putc(b, '.');
        isms_buf_add(b, s, n);
        isms_buf_puts(b, "\r\n");
        s += n + (s[n] == '\n');
    }
    isms_buf_puts(b, ".\r\n");
    return b->s;
}

static const char *smtp_connect(smtp *c, const char *hostport)
{
    char *host, *scope;
    apr_port_t port;
    apr_sockaddr_t *sa;
    apr_status_t rv;

    if (apr_parse_addr_port(&host, &scope, &port, hostport, c->p) != APR_SUCCESS || !host) {
        return apr_psprintf(c->p, "--smtp %s is not HOST:PORT", hostport);
    }
    if ((rv = apr_sockaddr_info_get(&sa, host, APR_UNSPEC, port ? port : 25, 0, c->p)) !=
            APR_SUCCESS ||
        (rv = apr_socket_create(&c->s, sa->family, SOCK_STREAM, APR_PROTO_TCP, c->p)) !=
            APR_SUCCESS ||
        (rv = apr_socket_timeout_set(c->s, apr_time_from_sec(30))) != APR_SUCCESS ||
        (rv = apr_socket_connect(c->s, sa)) != APR_SUCCESS) {
        return apr_psprintf(c->p, "cannot connect to the SMTP server %s: %pm", hostport, &rv);
    }
    return NULL;
}

const char *isms_mail_smtp(apr_pool_t *p, const char *hostport, const char *envelope_from,
                           const char *rcpt, const char *message)
{
    smtp c = {p, NULL, {0}, 0};
    char host[256] = "localhost";
    const char *err;

    if ((err = smtp_connect(&c, hostport)) != NULL) return err;
    apr_gethostname(host, sizeof host, p);
    if (!(err = smtp_cmd(&c, "", 2)) &&
        !(err = smtp_cmd(&c, apr_psprintf(p, "EHLO %s\r\n", host), 2)) &&
        !(err = smtp_cmd(&c, apr_psprintf(p, "MAIL FROM:<%s>\r\n", envelope_from), 2)) &&
        !(err = smtp_cmd(&c, apr_psprintf(p, "RCPT TO:<%s>\r\n", rcpt), 2)) &&
        !(err = smtp_cmd(&c, "DATA\r\n", 3)) &&
        !(err = smtp_cmd(&c, smtp_data(p, message), 2))) {
        smtp_cmd(&c, "QUIT\r\n", 2);
    }
    apr_socket_close(c.s);
    return err;
}
