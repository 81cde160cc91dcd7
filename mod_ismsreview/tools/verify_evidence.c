/* SPDX-License-Identifier: Apache-2.0 */
/* ismsreview-admin verify-evidence FILE.zip: checks an evidence pack offline with the core's
 * verifier (isms_evidence_verify) and prints every file or hash that does not match. */
#include "verify_evidence.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "isms_evidence.h"

#define EXIT_USAGE 2

/* The whole file into p (at most ISMS_EVIDENCE_MAX_BYTES); NULL and a message otherwise. */
static const char *slurp(apr_pool_t *p, const char *path, size_t *len, const char **err)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f) {
        *err = strerror(errno);
        return NULL;
    }
    do {
        if (n == cap) {
            char *bigger = apr_palloc(p, cap = cap ? cap * 2 : 1 << 20);
            if (n) memcpy(bigger, buf, n);
            buf = bigger;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0 && n <= ISMS_EVIDENCE_MAX_BYTES);
    *err = ferror(f) ? strerror(errno) : n > ISMS_EVIDENCE_MAX_BYTES ? "larger than 256 MiB"
                                                                   : NULL;
    fclose(f);
    *len = n;
    return *err ? NULL : buf;
}

static void print_usage(FILE *out)
{
    fprintf(out, "usage: ismsreview-admin verify-evidence FILE.zip\n"
                 "checks an evidence pack (GET v1/reviews/{id}/evidence) offline; exit 0 "
                 "verified, 1 not, 2 usage\n");
}

int isms_admin_verify_evidence(apr_pool_t *p, int argc, const char *const *args)
{
    apr_array_header_t *problems = apr_array_make(p, 8, sizeof(const char *));
    const char *zip, *err = NULL, *summary = NULL;
    size_t len = 0;
    int i, ok;

    if (argc == 1 && (!strcmp(args[0], "--help") || !strcmp(args[0], "-h"))) {
        print_usage(stdout);
        return 0;
    }
    if (argc != 1) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (!(zip = slurp(p, args[0], &len, &err))) {
        fprintf(stderr, "ismsreview-admin: verify-evidence: cannot read %s: %s\n", args[0], err);
        return EXIT_USAGE;
    }
    ok = isms_evidence_verify(p, zip, len, problems, &summary);
    if (ok) {
        printf("verified: %s: %s\n", args[0], summary);
        return 0;
    }
    printf("NOT verified: %s: %d problem(s)\n", args[0], problems->nelts);
    for (i = 0; i < problems->nelts; i++) {
        printf("  %s\n", APR_ARRAY_IDX(problems, i, const char *));
    }
    printf("pack: %s\n", summary);
    return 1;
}
