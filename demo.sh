#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Build mod_ismsreview and start a demo: Apache on 127.0.0.1:${PORT:-8080} with the module,
# SQLite in ./demo-run/db, demo users for every role. Ctrl-C stops it.
# As root, missing Debian packages (tests/deps-build.txt) are installed first.
set -euo pipefail
cd "$(dirname "$0")"

deps() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$@" | grep -v '^$'; }
missing() {
    local p
    for p in $(deps "$@"); do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$p"
    done
}
need=$(missing tests/deps-build.txt | tr '\n' ' ')
if [ -n "${need// /}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "demo.sh: installing $need"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
    else
        echo "demo.sh: missing Debian packages (run as root to install them): $need" >&2
    fi
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j2

exec /usr/bin/python3 tests/integration/harness.py serve --port "${PORT:-8080}" "$@"
