/* SPDX-License-Identifier: Apache-2.0 */
/* What storing an attachment as a BLOB through libdbi would cost in memory (issue 13: BLOB
 * column or content-addressed files). libdbi has no bound parameters and no streaming: the
 * bytes must be in memory, be quoted into an SQL literal (dbi_conn_quote_binary_copy), and
 * the statement built around that literal; the driver then sends the whole statement.
 *
 *   gcc -O2 -o blob_quote bench/blob_quote.c $(pkg-config --cflags --libs dbi)
 *   ./blob_quote DIR MB            # SQLite database DIR/blob.db, an MB-megabyte BLOB
 *
 * Prints the process's peak RSS (getrusage) before and after one INSERT. */
#include <dbi/dbi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long peak_mb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
    dbi_inst inst;
    dbi_conn c;
    size_t n, i, qlen;
    unsigned char *data, *quoted = NULL;
    char *sql;
    long before;

    if (argc != 3) {
        fprintf(stderr, "usage: blob_quote DIR MB\n");
        return 2;
    }
    n = (size_t)atol(argv[2]) * 1024 * 1024;
    dbi_initialize_r(NULL, &inst);
    c = dbi_conn_new_r("sqlite3", inst);
    dbi_conn_set_option(c, "sqlite3_dbdir", argv[1]);
    dbi_conn_set_option(c, "dbname", "blob.db");
    if (!c || dbi_conn_connect(c) < 0) {
        fprintf(stderr, "cannot open %s/blob.db\n", argv[1]);
        return 1;
    }
    dbi_result_free(dbi_conn_query(c, "CREATE TABLE IF NOT EXISTS t (b BLOB)"));
    data = malloc(n);
    for (i = 0; i < n; i++) data[i] = (unsigned char)(i * 2654435761u >> 13);
    before = peak_mb();
    qlen = dbi_conn_quote_binary_copy(c, data, n, &quoted);
    sql = malloc(qlen + 64);
    snprintf(sql, qlen + 64, "INSERT INTO t (b) VALUES (%s)", (char *)quoted);
    free(quoted);
    dbi_result_free(dbi_conn_query(c, sql));
    free(sql);
    printf("BLOB of %zu MB through libdbi (sqlite3): peak RSS %ld MB with the bytes in memory, "
           "%ld MB after quoting and the INSERT (+%ld MB)\n", n >> 20, before, peak_mb(),
           peak_mb() - before);
    free(data);
    dbi_conn_close(c);
    dbi_shutdown_r(inst);
    return 0;
}
