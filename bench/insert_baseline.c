/* SPDX-License-Identifier: Apache-2.0 */
/* The write baseline of bench/bench.py: how many bare one-INSERT transactions per second the
 * same database takes through libdbi, with the connection settings the module uses.
 *
 *   insert_baseline [-t THREADS] [-d SECONDS] [-w WARMUP_SECONDS] DRIVER key=value ...
 *
 * DRIVER and the key=value options are those of ISMSReviewDatabase (sqlite3: dbname,
 * sqlite3_dbdir, sqlite3_timeout in ms; pgsql: host, port, dbname, username, password).
 * Like the module (isms_store_dbi.c, isms_store.c):
 *   - one dbi_inst, one dbi_conn per thread, connect/close serialized by a mutex;
 *   - sqlite3: journal_mode=WAL, PRAGMA synchronous=FULL and foreign_keys=ON per connection,
 *     the busy timeout from sqlite3_timeout; every write transaction is BEGIN IMMEDIATE;
 *   - pgsql: BEGIN ISOLATION LEVEL READ COMMITTED.
 * Each thread loops BEGIN; INSERT one row into a scratch table; COMMIT until the time is up.
 * Output, one "key value" per line: threads, seconds, transactions, failed (measured phase),
 * failed_warmup (warm-up and transactions cut by the start or end of the measurement), tps,
 * p50_ms, p99_ms, max_ms, first_error (of any phase). The scratch table
 * (bench_insert_scratch) is created if missing.
 *
 * Build: gcc -O2 -pthread -o insert_baseline insert_baseline.c $(pkg-config --cflags --libs dbi)
 */
#include <dbi/dbi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPTS 32

static const char *driver;
static const char *opt_keys[MAX_OPTS], *opt_vals[MAX_OPTS];
static int nopts;
static dbi_inst inst;
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[512];
static volatile int measuring;       /* 0 warm-up, 1 measured, 2 stop */
static int is_sqlite;

typedef struct {
    int no;
    dbi_conn conn;
    long ok, failed, failed_other;   /* failed: measured phase; other: warm-up, edges */
    double *lat;                     /* ms, measured phase only */
    size_t nlat, cap;
} worker;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int numeric_option(const char *key)
{
    return strcmp(key, "sqlite3_timeout") == 0 || strcmp(key, "timeout") == 0 ||
           strcmp(key, "port") == 0;
}

static void note_error(const char *what, dbi_conn conn)
{
    const char *msg = NULL;

    if (conn) dbi_conn_error(conn, &msg);
    pthread_mutex_lock(&err_lock);
    if (!first_error[0]) {
        snprintf(first_error, sizeof(first_error), "%s: %s", what, msg ? msg : "?");
        for (char *c = first_error; *c; c++) {
            if (*c == '\n' || *c == '\t' || *c == '\r') *c = ' ';
        }
    }
    pthread_mutex_unlock(&err_lock);
}

static int exec(dbi_conn conn, const char *sql)
{
    dbi_result r = dbi_conn_query(conn, sql);

    if (!r) {
        note_error(sql, conn);
        return -1;
    }
    dbi_result_free(r);
    return 0;
}

static dbi_conn connect_db(void)
{
    dbi_conn conn;
    int i;

    pthread_mutex_lock(&conn_lock);     /* libdbi: connection setup is not thread-safe */
    conn = dbi_conn_new_r(driver, inst);
    if (!conn) {
        pthread_mutex_unlock(&conn_lock);
        fprintf(stderr, "insert_baseline: libdbi driver %s cannot be loaded\n", driver);
        return NULL;
    }
    for (i = 0; i < nopts; i++) {
        if (numeric_option(opt_keys[i])) {
            dbi_conn_set_option_numeric(conn, opt_keys[i], atoi(opt_vals[i]));
        }
        else {
            dbi_conn_set_option(conn, opt_keys[i], opt_vals[i]);
        }
    }
    if (dbi_conn_connect(conn) < 0) {
        const char *msg = NULL;
        dbi_conn_error(conn, &msg);
        fprintf(stderr, "insert_baseline: connect: %s\n", msg ? msg : "?");
        dbi_conn_close(conn);
        pthread_mutex_unlock(&conn_lock);
        return NULL;
    }
    pthread_mutex_unlock(&conn_lock);
    if (is_sqlite && (exec(conn, "PRAGMA synchronous=FULL") != 0 ||
                      exec(conn, "PRAGMA foreign_keys=ON") != 0)) {
        dbi_conn_close(conn);
        return NULL;
    }
    return conn;
}

static void close_db(dbi_conn conn)
{
    pthread_mutex_lock(&conn_lock);
    dbi_conn_close(conn);
    pthread_mutex_unlock(&conn_lock);
}

static void *run(void *arg)
{
    worker *w = arg;
    const char *begin = is_sqlite ? "BEGIN IMMEDIATE" : "BEGIN ISOLATION LEVEL READ COMMITTED";
    char sql[512];
    long n = 0;

    while (measuring < 2) {
        double t0 = now_s();
        int phase = measuring, ok;

        snprintf(sql, sizeof(sql),
                 "INSERT INTO bench_insert_scratch (thread_no, n, title, created_at) VALUES "
                 "(%d, %ld, 'Set up an emergency patch window for critical vulnerabilities', "
                 "'2026-03-10T12:00:00Z')", w->no, n++);
        ok = exec(w->conn, begin) == 0;
        if (ok) {
            ok = exec(w->conn, sql) == 0 && exec(w->conn, "COMMIT") == 0;
            if (!ok) {
                dbi_result r = dbi_conn_query(w->conn, "ROLLBACK");
                if (r) dbi_result_free(r);
            }
        }
        if (phase != 1 || measuring != 1) {            /* count only whole measured txns */
            if (!ok) w->failed_other++;
            continue;
        }
        if (!ok) {
            w->failed++;
            continue;
        }
        w->ok++;
        if (w->nlat == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4096;
            w->lat = realloc(w->lat, w->cap * sizeof(double));
            if (!w->lat) abort();
        }
        w->lat[w->nlat++] = (now_s() - t0) * 1000.0;
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void sleep_s(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int main(int argc, char **argv)
{
    int threads = 32, i, c;
    double seconds = 10, warmup = 2, t0, elapsed;
    worker *ws;
    pthread_t *tids;
    dbi_conn conn;
    long ok = 0, failed = 0, failed_other = 0;
    size_t nlat = 0, k;
    double *all;

    while ((c = getopt(argc, argv, "t:d:w:")) != -1) {
        switch (c) {
        case 't': threads = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        default:
            fprintf(stderr, "usage: %s [-t THREADS] [-d SECONDS] [-w WARMUP] DRIVER "
                            "key=value ...\n", argv[0]);
            return 2;
        }
    }
    if (optind >= argc || threads < 1 || seconds <= 0) {
        fprintf(stderr, "usage: %s [-t THREADS] [-d SECONDS] [-w WARMUP] DRIVER key=value ...\n",
                argv[0]);
        return 2;
    }
    driver = argv[optind++];
    is_sqlite = strcmp(driver, "sqlite3") == 0;
    for (; optind < argc && nopts < MAX_OPTS; optind++) {
        char *eq = strchr(argv[optind], '=');
        if (!eq) {
            fprintf(stderr, "insert_baseline: option without '=': %s\n", argv[optind]);
            return 2;
        }
        *eq = '\0';
        opt_keys[nopts] = argv[optind];
        opt_vals[nopts++] = eq + 1;
    }
    if (dbi_initialize_r(NULL, &inst) < 1) {
        fprintf(stderr, "insert_baseline: libdbi found no drivers\n");
        return 1;
    }

    /* setup connection: WAL (stored in the file) and the scratch table */
    if (!(conn = connect_db())) return 1;
    if (is_sqlite) {
        dbi_result r = dbi_conn_query(conn, "PRAGMA journal_mode=WAL");
        if (r) dbi_result_free(r);
        if (exec(conn, "CREATE TABLE IF NOT EXISTS bench_insert_scratch (id INTEGER PRIMARY "
                       "KEY AUTOINCREMENT, thread_no INTEGER NOT NULL, n INTEGER NOT NULL, "
                       "title TEXT NOT NULL, created_at TEXT NOT NULL)") != 0) {
            fprintf(stderr, "insert_baseline: %s\n", first_error);
            return 1;
        }
    }
    else if (exec(conn, "CREATE TABLE IF NOT EXISTS bench_insert_scratch (id BIGSERIAL "
                        "PRIMARY KEY, thread_no INTEGER NOT NULL, n BIGINT NOT NULL, "
                        "title TEXT NOT NULL, created_at TEXT NOT NULL)") != 0) {
        fprintf(stderr, "insert_baseline: %s\n", first_error);
        return 1;
    }
    close_db(conn);

    ws = calloc((size_t)threads, sizeof(*ws));
    tids = calloc((size_t)threads, sizeof(*tids));
    for (i = 0; i < threads; i++) {
        ws[i].no = i;
        if (!(ws[i].conn = connect_db())) return 1;
    }
    for (i = 0; i < threads; i++) pthread_create(&tids[i], NULL, run, &ws[i]);
    if (warmup > 0) sleep_s(warmup);
    measuring = 1;
    t0 = now_s();
    sleep_s(seconds);
    measuring = 2;
    elapsed = now_s() - t0;
    for (i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        close_db(ws[i].conn);
        ok += ws[i].ok;
        failed += ws[i].failed;
        failed_other += ws[i].failed_other;
        nlat += ws[i].nlat;
    }
    all = malloc((nlat ? nlat : 1) * sizeof(double));
    for (i = 0, k = 0; i < threads; i++) {
        memcpy(all + k, ws[i].lat, ws[i].nlat * sizeof(double));
        k += ws[i].nlat;
    }
    qsort(all, nlat, sizeof(double), cmp_double);
    printf("threads %d\nseconds %.3f\ntransactions %ld\nfailed %ld\nfailed_warmup %ld\n"
           "tps %.1f\n", threads, elapsed, ok, failed, failed_other, ok / elapsed);
    printf("p50_ms %.3f\np99_ms %.3f\nmax_ms %.3f\n", nlat ? all[nlat / 2] : 0.0,
           nlat ? all[(size_t)(nlat * 0.99) < nlat ? (size_t)(nlat * 0.99) : nlat - 1] : 0.0,
           nlat ? all[nlat - 1] : 0.0);
    printf("first_error %s\n", first_error[0] ? first_error : "-");
    dbi_shutdown_r(inst);
    return 0;
}
