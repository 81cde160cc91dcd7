#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the integration suite: tests/integration/run.sh [pytest args]
# Usable as an automake TESTS entry: the cwd may be the build tree; the sources are found via
# $srcdir or this script's own location, the build tree via $ISMS_BUILDDIR or the cwd.
# Exit code: pytest's.

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${srcdir:-}" ] && [ -f "$srcdir/tests/integration/harness.py" ]; then
    repo=$(cd "$srcdir" && pwd)
else
    repo=$(cd "$here/../.." && pwd)
fi

if [ -z "${ISMS_BUILDDIR:-}" ]; then
    # the build tree: the nearest directory up from the cwd that configure ran in
    d=$(pwd)
    for _ in 1 2 3; do
        if [ -f "$d/config.status" ]; then ISMS_BUILDDIR=$d; break; fi
        d=$(dirname "$d")
    done
    : "${ISMS_BUILDDIR:=$repo}"
fi
export ISMS_BUILDDIR

PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHONDONTWRITEBYTECODE=1
extra=""
# a read-only source tree (make distcheck): no cache directory
[ -w "$repo" ] || extra="-p no:cacheprovider"

cd "$repo" || exit 99
# the whole directory unless test files or node ids are given
what=tests/integration
for a in "$@"; do
    case $a in *.py|*.py::*) what="" ;; esac
done
# shellcheck disable=SC2086
exec "$PYTHON" -m pytest -q -ra $extra $what "$@"
