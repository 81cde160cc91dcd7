/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_log.h"

#include <stdarg.h>
#include <stdio.h>

static isms_log_fn *log_fn;
static void *log_baton;

void isms_log_set(isms_log_fn *fn, void *baton)
{
    log_fn = fn;
    log_baton = baton;
}

void isms_log(isms_log_level level, int msgno, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (log_fn) {
        log_fn(log_baton, level, msgno, buf);
    }
    else if (level <= ISMS_LOG_WARN) {
        fprintf(stderr, "AH%05d: %s\n", msgno, buf);
    }
}
