#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Load test: wrk, 64 connections, 60 s, 90/10 read/write mix, on SQLite and PostgreSQL; exit
# status 1 on any unexpected answer, socket error or error-log line. See bench/load.py and
# bench/README.md (LOAD_DB, LOAD_CONNECTIONS, LOAD_DURATION, LOAD_WARMUP, ISMS_MPM, ISMS_KEEP).
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/load.py" "$@"
