#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The unit and integration suites once more against a build with
# -fsanitize=address,undefined (configure --enable-sanitizers), in a separate copy of the
# source tree (the checkout itself stays configured as it is). apache2 is not sanitized: the
# integration harness preloads libasan into it (ISMS_SANITIZE=1, see harness.py). Any
# sanitizer report fails: the unit tests and the fuzz corpus replayers halt on the first, the
# harness fails a test whose server wrote one, and report files of other processes (the admin
# tool) are counted at the end. Ends with one line "N passed, N failed".
#   usage: tests/sanitize.sh [pytest args]
#   env:   ISMS_BACKENDS (default sqlite3: the sanitized httpd is slow; see README),
#          ISMS_SANITIZE_DIR (work directory, default a temp dir, removed unless KEEP=1)
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=${ISMS_SANITIZE_DIR:-$(mktemp -d /tmp/isms-sanitize.XXXXXX)}
tree=$work/src
logs=$work/reports
mkdir -p "$tree" "$logs"
chmod 755 "$work" "$tree"
chmod 1777 "$logs"
export ISMS_BACKENDS=${ISMS_BACKENDS:-sqlite3}
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "sanitize.sh: $*"; echo "0 passed, 1 failed"; exit 1; }

# ---- a copy of the sources (tracked and new files, as they are in the working tree)
cd "$src" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | \
        (cd "$src" && xargs -0 cp --parents -t "$tree" 2>/dev/null)
else
    tar -C "$src" --exclude=.git --exclude='*.o' --exclude='*.lo' --exclude=.libs \
        --exclude=autom4te.cache -cf - . | tar -C "$tree" -xf -
    (cd "$tree" && [ -f Makefile ] && make distclean >/dev/null 2>&1)
fi
[ -f "$tree/configure.ac" ] || fail "could not copy the sources to $tree"

# ---- the sanitized build
cd "$tree" || exit 1
echo "sanitize.sh: building in $tree with --enable-sanitizers"
{ autoreconf -fi && ./configure --enable-sanitizers && make -j2; } > "$work/build.log" 2>&1 \
    || { tail -n 40 "$work/build.log"; fail "the sanitized build failed"; }

# Leaks are not LeakSanitizer's here: APR's pool memory (where the store keeps libdbi's and
# SQLite's objects) is not among the places it scans, so it reports them as lost, and it
# crashes in check's forked test processes. Leaks are valgrind's (make check-valgrind), and
# LeakSanitizer's only for the fuzz replayers (they keep the store reachable).
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=0:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
passed=0
failed=0

# ---- unit tests and the fuzz corpora (make check without the integration suite)
echo "===== unit tests and fuzz corpus replay (sanitized)"
make -j2 check TESTS="tests/unit/test_core" > "$work/unit.log" 2>&1
urc=$?
# the replayers keep the store reachable: with leak detection
ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1} \
    make check TESTS="tests/fuzz/replay.sh" >> "$work/unit.log" 2>&1 || urc=1
checks=$(grep -hE '^[0-9]+%: Checks: ' tests/unit/test_core.log 2>/dev/null | tail -n 1)
echo "${checks:-tests/unit/test_core: no result}"
grep -h "^fuzz corpora" tests/fuzz/replay.sh.log 2>/dev/null
if [ -n "$checks" ]; then
    read -r n fa er < <(echo "$checks" | \
        sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/')
    passed=$((passed + n - fa - er))
    failed=$((failed + fa + er))
else
    failed=$((failed + 1))
fi
if grep -q '^:test-result: PASS' tests/fuzz/replay.sh.trs 2>/dev/null; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
[ $urc -eq 0 ] || { tail -n 60 "$work/unit.log"; tail -n 60 tests/unit/test_core.log 2>/dev/null; }

# ---- the integration suite against the sanitized module
echo "===== integration tests (sanitized module, ISMS_BACKENDS=$ISMS_BACKENDS)"
ISMS_SANITIZE=1 ISMS_BUILDDIR=$tree /usr/bin/python3 -m pytest -q -ra -p no:cacheprovider \
    tests/integration "$@" > "$work/integration.log" 2>&1
irc=$?
line=$(grep -E '^=*\s*([0-9]+ \w+(, )?)+ in [0-9.]+s' "$work/integration.log" | tail -n 1)
echo "${line:-integration: no result}"
p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(echo "$line" | grep -oE '[0-9]+ (failed|errors?)' | awk '{s += $1} END {print s + 0}')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
if [ $irc -ne 0 ]; then
    grep -E '^(FAILED|ERROR) ' "$work/integration.log" | head -n 30
    [ -n "${f:-}" ] && [ "${f:-0}" -gt 0 ] || failed=$((failed + 1))
fi

# ---- reports of any other sanitized process (ismsreview-admin run by the tests ...)
reports=$(ls "$logs" 2>/dev/null | wc -l)
if [ "$reports" -gt 0 ]; then
    echo "sanitizer reports in $logs:"
    for r in "$logs"/*; do echo "--- $r"; head -n 40 "$r"; done
    failed=$((failed + reports))
    KEEP=1
fi
[ "${KEEP:-0}" = 1 ] && echo "sanitize.sh: kept $work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
