#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if the httpd glue reads the response status back as a side channel (r->status >= 400:
# "a check has sent its problem") or sends a problem anywhere but the one response path
# (httpd/isms_respond.c, see HACKING.md "One response path"). Checks return an isms_result;
# isms_respond sends it. Usable as an automake test (exit 0 pass, 1 fail, 99 hard error).
# Usage: check_one_response.sh [SRCDIR]   (default: the repository of this script)

src=${1:-$(dirname "$0")/../../mod_ismsreview}
if ! ls "$src"/httpd/*.c >/dev/null 2>&1; then
    echo "check_one_response: no sources in $src/httpd" >&2
    exit 99
fi
files=$(find "$src/httpd" -name '*.c' ! -name 'isms_respond.c' | sort)
hits=$(grep -nE \
    -e "->status[[:space:]]*(>=|>|<|<=|==|!=)" \
    -e "(>=|>|<|<=|==|!=)[[:space:]]*[A-Za-z_]*->r->status" \
    -e "application/problem\+json" \
    -e "isms_send_(problem|json)" \
    $files | grep -v "res[.>-]*status\|res->status")
if [ -n "$hits" ]; then
    echo "check_one_response: the response status read back, or a problem sent outside" \
         "httpd/isms_respond.c; return an isms_result and let isms_respond send it:" >&2
    printf '%s\n' "$hits" >&2
    exit 1
fi
exit 0
