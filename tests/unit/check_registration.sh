#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if a START_TEST(name) in tests/unit/*.c is never registered with tcase_add_test,
# tcase_add_loop_test (or their _raise_signal / exit variants): an unregistered test is
# silently never run. Usable as an automake test (exit 0 pass, 1 fail, 99 hard error).
# Usage: check_registration.sh [DIR]   (default: the directory of this script)

dir=${1:-$(dirname "$0")}
if ! ls "$dir"/*.c >/dev/null 2>&1; then
    echo "check_registration: no C files in $dir" >&2
    exit 99
fi

# All sources on one line with comments removed, so calls split over lines still match.
all=$(cat "$dir"/*.c | sed -e 's://.*$::' | tr '\n' ' ' | sed -e 's:/\*[^*]*\*\+\([^/*][^*]*\*\+\)*/: :g')

names=$(printf '%s\n' "$all" |
        grep -o 'START_TEST[[:space:]]*([[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*)' |
        sed -e 's/^START_TEST[[:space:]]*([[:space:]]*//' -e 's/[[:space:]]*)$//' | sort)

if [ -z "$names" ]; then
    echo "check_registration: no START_TEST found in $dir/*.c" >&2
    exit 99
fi

status=0
count=0
for n in $names; do
    count=$((count + 1))
    if ! printf '%s\n' "$all" |
         grep -q "tcase_add_[a-z_]*test[a-z_]*[[:space:]]*([^,()]*,[[:space:]]*$n[[:space:]]*[,)]"; then
        echo "check_registration: test '$n' is defined with START_TEST but never registered" >&2
        status=1
    fi
done

dups=$(printf '%s\n' "$names" | uniq -d)
if [ -n "$dups" ]; then
    echo "check_registration: tests defined more than once: $dups" >&2
    status=1
fi

if [ $status -eq 0 ]; then
    echo "check_registration: all $count tests are registered"
fi
exit $status
