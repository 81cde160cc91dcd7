#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds every fuzz target (tests/fuzz/fuzz_*.c) with clang as a libFuzzer target with ASan and
# UBSan, the core compiled from its sources with the same sanitizers, and runs each for SECONDS
# (default 60) on a scratch copy of its seed corpus tests/fuzz/corpus/<name>/. Prints exec/s,
# coverage (cov: edges, ft: features) and crashes per target; a crash is saved into the corpus
# directory as crash-<sha1> for review (fix the bug, keep the file: make check replays it).
#   usage: tests/fuzz/run-libfuzzer.sh [SECONDS] [TARGET ...]
#   env:   CC (default clang), FUZZ_OUT (build and scratch directory; default a temp dir),
#          FUZZ_JOBS (targets run in parallel, default 1)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
shift || true
targets=${*:-validate path sql escape audit canon attach}
CC=${CC:-clang}
out=${FUZZ_OUT:-$(mktemp -d /tmp/ismsfuzz-run.XXXXXX)}
mkdir -p "$out/obj" "$out/work"
cd "$top" || exit 1

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# the core's libraries, as configure.ac checks them (utf8proc: isms_userkey.c)
pkgs="dbi sqlite3 jansson libcrypto libarchive libmagic libutf8proc"
# shellcheck disable=SC2086
cflags="-g -O1 $san -Imod_ismsreview/core $(apr-1-config --cppflags --includes) \
$(apu-1-config --includes) $(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
libs="$(pkg-config --libs $pkgs) \
$(apu-1-config --link-ld) $(apr-1-config --link-ld --libs) -lm"

# the embedded migrations, as the Makefile makes them
migrations=$(sed -n '/^SQL_MIGRATIONS = /,/^$/p' Makefile.am | tr -d '\\' | tr ' \t' '\n\n' \
             | grep '\.sql$')
# shellcheck disable=SC2086
sh build-aux/embed-sql.sh . $migrations > "$out/obj/isms_migrations_data.c" || exit 1

echo "run-libfuzzer.sh: building the core with $CC ($san) in $out"
objs=""
for src in $(ls mod_ismsreview/core/*.c | grep -v isms_migrations_data) \
           "$out/obj/isms_migrations_data.c"; do
    o="$out/obj/$(basename "$src" .c).o"
    # shellcheck disable=SC2086
    $CC $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$o" || exit 1
    objs="$objs $o"
done
for t in $targets; do
    # shellcheck disable=SC2086
    $CC $cflags -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" $objs $libs -o "$out/fuzz_$t" || exit 1
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
printf '%-10s %10s %8s %8s %8s %8s\n' target exec/s cov ft corpus crashes
rc=0
for t in $targets; do
    work="$out/work/$t"
    mkdir -p "$work"
    before=$(ls tests/fuzz/corpus/"$t" | grep -cE '^(crash|leak|timeout|oom)-')
    "$out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="tests/fuzz/corpus/$t/" \
        "$work" "tests/fuzz/corpus/$t" > "$out/$t.log" 2>&1
    frc=$?
    after=$(ls tests/fuzz/corpus/"$t" | grep -cE '^(crash|leak|timeout|oom)-')
    done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED).*cov:' "$out/$t.log" | tail -n 1)
    cov=$(echo "$done_line" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
    ft=$(echo "$done_line" | sed -nE 's/.*ft: ([0-9]+).*/\1/p')
    corp=$(echo "$done_line" | sed -nE 's/.*corp: ([0-9]+).*/\1/p')
    eps=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$out/$t.log" | tail -n 1)
    printf '%-10s %10s %8s %8s %8s %8s\n' "$t" "${eps:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$((after - before))"
    if [ $frc -ne 0 ]; then
        rc=1
        echo "  $t failed (exit $frc): $out/$t.log"
        grep -E 'invariant violated|ERROR: |runtime error:|SUMMARY' "$out/$t.log" | head -n 5 \
            | sed 's/^/  /'
    fi
done
echo "logs and builds: $out"
exit $rc
