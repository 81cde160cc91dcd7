#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if code outside the dialect table (mod_ismsreview/core/isms_dialect.c) picks a
# database by its driver name ("sqlite3", "pgsql", "mysql" as a C string), or if code other
# than mod_ismsreview/core/isms_dbi_native.c reaches into libdbi's private connection
# (dbi-dev.h, dbi_conn_t). Behaviour that differs by database is a field or a hook of
# isms_dialect (core/isms_dialect.h). Usable as an automake test (0 pass, 1 fail, 99 error).
# Usage: check_dialect_literals.sh [SRCDIR]   (default: the repository of this script)

src=${1:-$(dirname "$0")/../../mod_ismsreview}
if ! ls "$src"/core/*.c >/dev/null 2>&1; then
    echo "check_dialect_literals: no sources in $src/core" >&2
    exit 99
fi
status=0
files=$(find "$src/core" "$src/tools" -name '*.[ch]' ! -name 'isms_dialect.c' ! -name 'isms_migrations_data.c' | sort)
hits=$(grep -nE '"(sqlite3|pgsql|mysql)"' $files | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|.*/\*.*"(sqlite3|pgsql|mysql)".*\*/)')
if [ -n "$hits" ]; then
    echo "check_dialect_literals: a database picked by its driver name outside" \
         "core/isms_dialect.c; add a field or hook to isms_dialect:" >&2
    printf '%s\n' "$hits" >&2
    status=1
fi
files=$(find "$src" -name '*.[ch]' ! -name 'isms_dbi_native.c' | sort)
hits=$(grep -nE 'dbi-dev\.h|dbi_conn_t\b' $files)
if [ -n "$hits" ]; then
    echo "check_dialect_literals: libdbi's private connection read outside" \
         "core/isms_dbi_native.c; use isms_dbi_native():" >&2
    printf '%s\n' "$hits" >&2
    status=1
fi
exit $status
