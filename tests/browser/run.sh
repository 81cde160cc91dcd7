#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Browser test of the web UI: playwright-core + Debian's chromium against a harness server.
# Exit 0 pass, 1 fail, 77 skipped (no node or no chromium).
cd "$(dirname "$0")" || exit 1
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed (apt-get install nodejs npm)"; exit 77; }
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "SKIP: $CHROMIUM is missing (apt-get install chromium)"; exit 77; }
[ -x ../../.libs/mod_ismsreview.so ] || [ -e ../../mod_ismsreview.la ] || [ -n "$(find ../.. -maxdepth 3 -name 'mod_ismsreview.so' -print -quit)" ] || {
  echo "FAIL: the module is not built (run make first)"; exit 1; }
# (re)install when a dependency is missing or the lock file changed since the last install
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  command -v npm >/dev/null 2>&1 || { echo "SKIP: npm is missing to install playwright-core"; exit 77; }
  npm ci --no-audit --no-fund >/dev/null || { echo "FAIL: npm ci"; exit 1; }
fi
rm -rf artifacts && mkdir -p artifacts
CHROMIUM="$CHROMIUM" node ui.test.mjs && CHROMIUM="$CHROMIUM" node --test --test-concurrency=1 safety.test.mjs history.test.mjs attachments.test.mjs programmes.test.mjs followthrough.test.mjs inputa.test.mjs
