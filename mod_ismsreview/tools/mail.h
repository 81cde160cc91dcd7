/* SPDX-License-Identifier: Apache-2.0 */
/* Internet mail for ismsreview-admin notify: an RFC 5322 message with a text and an HTML
 * part (MIME, UTF-8, base64 bodies, RFC 2047 encoded words in headers), handed to the local
 * MTA the Unix way (sendmail -t -i) or to an SMTP server. */
#ifndef ISMS_MAIL_H
#define ISMS_MAIL_H

#include <apr_pools.h>

typedef struct {
    const char *from;          /* "Name <addr>" or "addr" */
    const char *to_name;       /* display name, UTF-8, or NULL */
    const char *to_addr;
    const char *subject;       /* UTF-8 */
    const char *text, *html;   /* UTF-8 bodies */
    const char *message_id;    /* "<...@...>" */
} isms_mail;

/* A header value: as is when it is printable ASCII, else RFC 2047 encoded words. */
const char *isms_mail_header_text(apr_pool_t *p, const char *utf8);

/* The address inside "Name <addr>" (or the whole string). */
const char *isms_mail_addr(apr_pool_t *p, const char *from);

/* A new Message-ID for a message from the domain of from_addr. */
const char *isms_mail_message_id(apr_pool_t *p, const char *from_addr);

/* The whole message, lines ending in "\n". */
const char *isms_mail_render(apr_pool_t *p, const isms_mail *m);

/* Delivery: NULL on success, else the reason. */
const char *isms_mail_sendmail(apr_pool_t *p, const char *path, const char *message);
const char *isms_mail_smtp(apr_pool_t *p, const char *hostport, const char *envelope_from,
                           const char *rcpt, const char *message);

#endif
