/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer for generated documents (reports): malloc-backed so that a large
 * report does not leave every outgrown copy in the request pool; freed when the pool it was
 * created in is cleared. */
#ifndef ISMS_BUF_H
#define ISMS_BUF_H

#include <apr_pools.h>
#include <stddef.h>

typedef struct isms_buf {
    char *s;          /* always NUL-terminated */
    size_t len, cap;
} isms_buf;

isms_buf *isms_buf_new(apr_pool_t *p, size_t cap);
void isms_buf_add(isms_buf *b, const char *s, size_t n);
void isms_buf_puts(isms_buf *b, const char *s);            /* NULL appends nothing */
void isms_buf_putc(isms_buf *b, char c);
void isms_buf_printf(isms_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
