#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Memory of one Apache child over many mixed requests (issue 16): see bench/rss.py and
# bench/README.md (RSS_DB=pgsql, RSS_REQUESTS=1000000 for 10^6, RSS_MALLOC_ARENA_MAX, RSS_GDB, ...).
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/rss.py" "$@"
