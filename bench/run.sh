#!/bin/sh
# Benchmark: requests/s of v1/health and v1/me relative to a static file of the same size on the
# same Apache, behind the same Basic auth. See bench/bench.py for the setup and the knobs
# (WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION, WRK_WARMUP, ISMS_MPM, ISMS_BUILDDIR).
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/bench.py" "$@"
