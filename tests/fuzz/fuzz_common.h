/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c): APR set up once, a pool per input,
 * invariants that abort (so libFuzzer and the replayer both report them), a SQLite store in a
 * temporary directory for the targets that need a database, and a reader that takes values
 * from the fuzz bytes. Each target is built as a libFuzzer target (clang,
 * run-libfuzzer.sh) and as a replayer of its corpus (gcc, replay_main.c, make check). */
#ifndef ISMS_FUZZ_COMMON_H
#define ISMS_FUZZ_COMMON_H

#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isms_dbconf.h"
#include "isms_migrate.h"
#include "isms_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- a SQLite store in a temporary directory (removed at exit, and before an abort) */

static char fuzz_dbdir[256];
/* The store lives as long as the process. Its objects are referenced from APR pool memory,
 * which LeakSanitizer does not scan: kept here as well (a global the compiler cannot drop) so
 * that they are not reported as leaks. */
void *isms_fuzz_keep[4];

static inline void fuzz_db_remove(void)
{
    char path[300];

    if (!*fuzz_dbdir) return;
    snprintf(path, sizeof(path), "%s/fuzz.db", fuzz_dbdir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/fuzz.db-journal", fuzz_dbdir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/fuzz.db-wal", fuzz_dbdir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/fuzz.db-shm", fuzz_dbdir);
    unlink(path);
    rmdir(fuzz_dbdir);
}

#define FUZZ_ASSERT(cond, ...) do {                                                        \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: invariant violated: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            fuzz_db_remove();                                                              \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static apr_pool_t *fuzz_root;

static inline apr_pool_t *fuzz_root_pool(void)
{
    if (!fuzz_root) {
        apr_initialize();
        apr_pool_create(&fuzz_root, NULL);
    }
    return fuzz_root;
}

static isms_conn *fuzz_conn;

/* The connection's cache of prepared statements is malloc'd and hangs off the pool-allocated
 * connection, where LeakSanitizer does not find it: free it before exit (atexit runs this
 * before fuzz_db_remove, registered earlier). */
static inline void fuzz_db_stmts_free(void)
{
    if (fuzz_conn) isms_sqlite_stmts_free(fuzz_conn);
}

/* One connection for the whole run; with the schema of the module when migrate is set. */
static inline isms_conn *fuzz_db(int migrate)
{
    apr_pool_t *p = fuzz_root_pool();
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", *err = NULL;
    isms_dbconf *conf = NULL;
    isms_store *s = NULL;
    int applied = 0;

    if (fuzz_conn) return fuzz_conn;
    snprintf(fuzz_dbdir, sizeof(fuzz_dbdir), "%s/ismsfuzz.XXXXXX", base);
    FUZZ_ASSERT(mkdtemp(fuzz_dbdir) != NULL, "mkdtemp %s", fuzz_dbdir);
    atexit(fuzz_db_remove);
    err = isms_dbconf_parse_line(p, apr_psprintf(p, "sqlite3 sqlite3_dbdir=%s dbname=fuzz.db",
                                                 fuzz_dbdir), &conf);
    FUZZ_ASSERT(err == NULL, "dbconf: %s", err);
    conf->durability = ISMS_DURABILITY_NORMAL;
    FUZZ_ASSERT(isms_store_create(p, conf, 1, &s, &err) == ISMS_DB_OK, "store: %s", err);
    FUZZ_ASSERT(isms_store_acquire(s, p, &fuzz_conn, &err) == ISMS_DB_OK, "acquire: %s", err);
    isms_fuzz_keep[0] = s;
    isms_fuzz_keep[1] = fuzz_conn;
    isms_fuzz_keep[2] = fuzz_conn->handle;
    isms_fuzz_keep[3] = isms_store_backend(s);
    atexit(fuzz_db_stmts_free);
    if (migrate) {
        FUZZ_ASSERT(isms_migrate_apply(fuzz_conn, p, &applied, &err) == ISMS_DB_OK, "migrate: %s",
                    err);
    }
    return fuzz_conn;
}

/* ---- values from the fuzz bytes */

typedef struct {
    const uint8_t *d;
    size_t n;
} fuzz_in;

static inline unsigned fuzz_byte(fuzz_in *in)
{
    unsigned b = 0;

    if (in->n) {
        b = in->d[0];
        in->d++;
        in->n--;
    }
    return b;
}

/* A string of up to max bytes (length from one byte), copied into p, NUL-terminated. */
static inline char *fuzz_str(fuzz_in *in, apr_pool_t *p, size_t max)
{
    size_t len = fuzz_byte(in) % (max + 1);

    if (len > in->n) len = in->n;
    {
        char *s = apr_pstrmemdup(p, (const char *)in->d, len);
        in->d += len;
        in->n -= len;
        return s;
    }
}

#endif
