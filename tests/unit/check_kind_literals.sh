#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if code outside the descriptor table (mod_ismsreview/core/isms_entity.c) picks a
# record kind by its name: strcmp(e->kind, "action"), isms_entity_by_kind("objective"),
# strcmp(kind, "input") ... Code that means one kind names its descriptor
# (&isms_entity_action); behaviour that differs by kind is a hook (core/isms_hooks.h,
# core/isms_kinds.c). Usable as an automake test (exit 0 pass, 1 fail, 99 hard error).
# Usage: check_kind_literals.sh [SRCDIR]   (default: the repository of this script)

src=${1:-$(dirname "$0")/../../mod_ismsreview}
if ! ls "$src"/core/*.c >/dev/null 2>&1; then
    echo "check_kind_literals: no sources in $src/core" >&2
    exit 99
fi
kinds='review|attendee|input|decision|action|improvement|change|objective|resource|communication|person'
items='attendee|input|decision|action|improvement|change|objective|resource|communication'
files=$(find "$src" -name '*.c' ! -name 'isms_entity.c' ! -name 'isms_migrations_data.c' |
        sort)
hits=$(grep -nE \
    -e "cmp[[:space:]]*\([^,()]*->kind[[:space:]]*,[[:space:]]*\"" \
    -e "\"($kinds)\"[[:space:]]*,[[:space:]]*[A-Za-z_]+(->|\.)kind\b" \
    -e "isms_entity_by_kind[[:space:]]*\([[:space:]]*\"" \
    -e "strn?cmp[[:space:]]*\([[:space:]]*[A-Za-z_]*kind[[:space:]]*,[[:space:]]*\"($items)\"" \
    $files)
if [ -n "$hits" ]; then
    echo "check_kind_literals: a record kind picked by its name outside isms_entity.c;" \
         "name the descriptor (&isms_entity_<kind>) or add a hook (isms_kinds.c):" >&2
    printf '%s\n' "$hits" >&2
    exit 1
fi
echo "check_kind_literals: $(printf '%s\n' "$files" | wc -l) files, no kind picked by name"
exit 0
