#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: every fuzz target (built by gcc with replay_main.c) runs its whole seed corpus
# tests/fuzz/corpus/<name>/ once; an invariant violation aborts and fails the test.
srcdir=${srcdir:-$(dirname "$0")/../..}
rc=0
pass=0
fail=0
for t in validate path sql escape audit canon attach; do
    prog=tests/fuzz/replay_$t
    if "$prog" "$srcdir/tests/fuzz/corpus/$t"; then
        echo "PASS: fuzz replay $t"
        pass=$((pass + 1))
    else
        echo "FAIL: fuzz replay $t"
        fail=$((fail + 1))
        rc=1
    fi
done
echo "fuzz corpora: $pass passed, $fail failed"
exit $rc
