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

/* The pack can be opened for reading: NULL, or why not. */
static const char *unreadable(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (!f) return strerror(errno);
    fclose(f);
    return NULL;
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
    const char *err, *summary = NULL;
    int i, ok;

    if (argc == 1 && (!strcmp(args[0], "--help") || !strcmp(args[0], "-h"))) {
        print_usage(stdout);
        return 0;
    }
    if (argc != 1) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if ((err = unreadable(args[0])) != NULL) {
        fprintf(stderr, "ismsreview-admin: verify-evidence: cannot read %s: %s\n", args[0], err);
        return EXIT_USAGE;
    }
    /* read as it is checked: attachments are hashed, not held in memory */
    ok = isms_evidence_verify_file(p, args[0], problems, &summary);
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
