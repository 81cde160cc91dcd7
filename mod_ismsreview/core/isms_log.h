/* SPDX-License-Identifier: Apache-2.0 */
/* Logging from the core through a callback (mod_md's md_log pattern): the core never includes
 * http_log.h; the httpd glue installs a callback that calls ap_log_error, tests capture lines. */
#ifndef ISMS_LOG_H
#define ISMS_LOG_H

typedef enum {
    ISMS_LOG_ERR = 3,
    ISMS_LOG_WARN = 4,
    ISMS_LOG_NOTICE = 5,
    ISMS_LOG_INFO = 6,
    ISMS_LOG_DEBUG = 7
} isms_log_level;

/* msgno is the message number (printed as AHnnnnn like APLOGNO); msg is already formatted. */
typedef void isms_log_fn(void *baton, isms_log_level level, int msgno, const char *msg);

void isms_log_set(isms_log_fn *fn, void *baton);
void isms_log(isms_log_level level, int msgno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
