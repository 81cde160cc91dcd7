#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Benchmark: requests/s of v1/health, v1/me and the full review (GET v1/reviews/{id}, 62 items)
# against static files of the same sizes, and of POST v1/reviews/{id}/actions against a bare
# one-INSERT libdbi transaction on the same database -- one Apache, one run, the same Basic auth.
# See bench/README.md and bench/bench.py for the setup and the knobs (BENCH_DB=sqlite3|pgsql,
# WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION, WRK_WARMUP, WRK_TIMEOUT, BENCH_INSERT_THREADS,
# BENCH_PERF, BENCH_DASHBOARD, BENCH_ONLY=dashboard, ISMS_MPM, ISMS_BUILDDIR, ISMS_KEEP).
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/bench.py" "$@"
