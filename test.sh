#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: installs missing Debian packages (as root; tests/deps-build.txt and
# tests/deps-test.txt), builds if needed, runs `make check` (unit tests with check, then
# tests/integration/run.sh), and ends with one line "N passed, N failed[, N skipped]".
# Exit status: non-zero when anything failed. Safe while the demo runs (tests use free ports).
set -uo pipefail
cd "$(dirname "$0")" || exit 1
top=$(pwd)

deps() { sed -e 's/#.*//' -e 's/[[:space:]]//g' "$@" | grep -v '^$'; }
missing() {
    local p
    for p in $(deps "$@"); do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || echo "$p"
    done
}
need=$(missing tests/deps-build.txt tests/deps-test.txt | tr '\n' ' ')
if [ -n "${need// /}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "test.sh: installing $need"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need \
            || { echo "0 passed, 1 failed"; exit 1; }
    else
        echo "test.sh: missing Debian packages (run as root to install them): $need" >&2
    fi
fi

summary() {  # summary RC: count the tests from automake's .trs/.log files
    /usr/bin/python3 - "$top" "$1" <<'PYEOF'
import os, re, sys
top, rc = sys.argv[1], int(sys.argv[2])
check_re = re.compile(r"\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)")
pytest_re = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+) in [\d.]+s")
tot = {"passed": 0, "failed": 0, "skipped": 0}
parts = []
for d, dirs, files in sorted(os.walk(os.path.join(top, "tests"))):
    dirs[:] = [x for x in dirs if x != "node_modules"]
    for f in sorted(files):
        if not f.endswith(".trs"):
            continue
        trs = os.path.join(d, f)
        log = trs[:-4] + ".log"
        text = open(log, errors="replace").read() if os.path.exists(log) else ""
        name = os.path.relpath(trs[:-4], top)
        p = fl = sk = 0
        checks = check_re.findall(text)
        pyt = [m for m in (pytest_re.match(l.strip()) for l in text.splitlines()) if m]
        if checks:
            for n, fa, er in checks:
                p += int(n) - int(fa) - int(er)
                fl += int(fa) + int(er)
        elif pyt:
            for cnt, what in re.findall(r"(\d+) (\w+)", pyt[-1].group(1)):
                if what == "passed":
                    p += int(cnt)
                elif what in ("failed", "error", "errors", "xpassed"):
                    fl += int(cnt)
                elif what == "skipped":
                    sk += int(cnt)
        else:
            res = re.findall(r":test-result: (\w+)", open(trs).read())
            p += res.count("PASS") + res.count("XFAIL")
            fl += res.count("FAIL") + res.count("ERROR") + res.count("XPASS")
            sk += res.count("SKIP")
        res = re.findall(r":test-result: (\w+)", open(trs).read())
        if any(r in ("FAIL", "ERROR", "XPASS") for r in res) and fl == 0:
            fl = 1          # the program failed without a count (crash, timeout)
        parts.append("%s: %d passed, %d failed%s" % (name, p, fl,
                                                     ", %d skipped" % sk if sk else ""))
        tot["passed"] += p; tot["failed"] += fl; tot["skipped"] += sk
for line in parts:
    print("  " + line)
if rc != 0 and tot["failed"] == 0:
    tot["failed"] = 1       # the build or the harness failed before any test could
    print("  (make check failed outside the tests: see above)")
print("%d passed, %d failed%s" % (tot["passed"], tot["failed"],
                                  ", %d skipped" % tot["skipped"] if tot["skipped"] else ""))
PYEOF
}

build() {
    [ -x configure ] || autoreconf -fi || return 1
    [ -f Makefile ] || ./configure || return 1
    make -j2
}

if ! build; then
    echo "test.sh: build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

# stale results of an earlier run must not be counted
find tests -name node_modules -prune -o -name '*.trs' -exec sh -c 'rm -f "$1" "${1%.trs}.log"' _ {} \;
rm -f test-suite.log

make -j2 check
rc=$?

if [ ! -f tests/integration/run.sh.trs ]; then
    # the Makefile did not run the integration suite: run it here, in automake's format
    echo "test.sh: running tests/integration/run.sh"
    ISMS_BUILDDIR=$top tests/integration/run.sh > tests/integration/run.sh.log 2>&1
    irc=$?
    cat tests/integration/run.sh.log
    if [ $irc -eq 0 ]; then r=PASS; else r=FAIL; rc=1; fi
    printf ':test-result: %s\n' "$r" > tests/integration/run.sh.trs
fi

# the web UI in headless Chromium (exit 77: skipped, node or chromium missing)
echo "test.sh: running tests/browser/run.sh"
tests/browser/run.sh > tests/browser/run.sh.log 2>&1
brc=$?
tail -n 3 tests/browser/run.sh.log
case $brc in
    0) r=PASS ;;
    77) r=SKIP ;;
    *) r=FAIL; rc=1 ;;
esac
printf ':test-result: %s\n' "$r" > tests/browser/run.sh.trs

if [ $rc -ne 0 ]; then
    # show what failed (automake keeps it in the logs)
    find tests -name node_modules -prune -o -name '*.trs' -print | while read -r trs; do
        if grep -qE ':test-result: (FAIL|ERROR|XPASS)' "$trs"; then
            echo "===== ${trs%.trs}.log (last 150 lines)"
            tail -n 150 "${trs%.trs}.log"
        fi
    done
fi

echo
echo "Test summary:"
summary "$rc"
exit $rc
