#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package: builds libapache2-mod-ismsreview with dpkg-buildpackage in a copy of the
# tree, checks what the .deb holds, runs lintian when installed (findings printed; only errors
# fail), and with ISMS_PACKAGE_INSTALL=1 installs it into the system Apache, enables it,
# serves health and an authenticated request, then purges it and checks it is gone.
#
#   tests/package/run.sh                          build + contents + lintian
#   ISMS_PACKAGE_INSTALL=1 tests/package/run.sh   ... + install into /etc/apache2 (root; CI
#                                                 on a fresh machine, never a developer's)
# Env: ISMS_PACKAGE_OUTDIR  where the copy, the log and the .deb go (default: a new
#                           /tmp/isms-package-XXXXXX, kept and printed)
#      ISMS_PACKAGE_DEB     an already built .deb: skips the build (install test only)
# Last line: "N passed, N failed[, N skipped]". Exit 0 when nothing failed, 77 when
# dpkg-buildpackage is missing, else 1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
PKG=libapache2-mod-ismsreview
STATEDIR=/var/lib/ismsreview
MODDIR=/usr/lib/apache2/modules
DATADIR=/usr/share/mod_ismsreview

passed=0 failed=0 skipped=0
pass() { echo "package: PASS $*"; passed=$((passed + 1)); }
fail() { echo "package: FAIL $*"; failed=$((failed + 1)); }
skip() { echo "package: SKIP $*"; skipped=$((skipped + 1)); }
summary() {
    local s=""
    [ "$skipped" -gt 0 ] && s=", $skipped skipped"
    echo "$passed passed, $failed failed$s"
}
finish() {
    summary
    [ "$failed" -eq 0 ] || exit 1
    exit 0
}

if ! command -v dpkg-buildpackage >/dev/null 2>&1 && [ -z "${ISMS_PACKAGE_DEB:-}" ]; then
    echo "package: dpkg-buildpackage missing (apt-get install dpkg-dev debhelper)"
    skip "build"
    summary
    exit 77
fi

out=${ISMS_PACKAGE_OUTDIR:-$(mktemp -d /tmp/isms-package-XXXXXX)}
mkdir -p "$out"
echo "package: output in $out"

# ---------------------------------------------------------------------------- build
build() {
    local version src start
    version=$(cd "$repo" && dpkg-parsechangelog -S Version) || return 1
    src="$out/src/$PKG-$version"
    rm -rf "$out/src"
    mkdir -p "$src"
    # the tracked and new (not ignored) files of a git checkout; else, in a tree configured
    # in place, what `make dist` would ship; else (an unpacked tarball) the whole tree
    if command -v git >/dev/null 2>&1 &&
       [ "$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$repo" && pwd -P)" ]; then
        (cd "$repo" && git ls-files -co --exclude-standard -z |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            tar --null -cf - -T -) | tar -xf - -C "$src" || return 1
    elif [ -f "$repo/Makefile" ] && [ -f "$repo/config.status" ]; then
        rmdir "$src"
        make -C "$repo" distdir distdir="$src" > "$out/distdir.log" 2>&1 ||
            { tail -n 20 "$out/distdir.log"; return 1; }
    else
        (cd "$repo" && tar --exclude=./.git -cf - .) | tar -xf - -C "$src" || return 1
    fi
    start=$(date +%s)
    if (cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
        echo "package: built in $(( $(date +%s) - start )) s (log: $out/build.log)"
    else
        tail -n 80 "$out/build.log"
        echo "package: dpkg-buildpackage failed after $(( $(date +%s) - start )) s"
        return 1
    fi
    deb=$(ls "$out"/src/${PKG}_"$version"_*.deb 2>/dev/null | head -n 1)
    changes=$(ls "$out"/src/${PKG}_"$version"_*.changes 2>/dev/null | head -n 1)
    [ -n "$deb" ] && [ -f "$deb" ]
}

deb=${ISMS_PACKAGE_DEB:-}
changes=""
if [ -n "$deb" ]; then
    deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
    [ -f "$deb" ] || { fail "ISMS_PACKAGE_DEB=$deb does not exist"; finish; }
elif build; then
    pass "dpkg-buildpackage -us -uc -b ($(basename "$deb"))"
else
    fail "dpkg-buildpackage"
    finish
fi

# ---------------------------------------------------------------------------- contents
contents() {
    local list f problems=""
    list=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
    for f in "$MODDIR/mod_ismsreview.so" /etc/apache2/mods-available/ismsreview.load \
             /etc/apache2/mods-available/ismsreview.conf /usr/bin/ismsreview-admin \
             /lib/systemd/system/ismsreview-notify.service \
             /lib/systemd/system/ismsreview-notify.timer /etc/cron.d/ismsreview-notify \
             /etc/default/ismsreview-notify; do
        grep -qx "$f" <<<"$list" || problems="$problems missing:$f"
    done
    # every file of sql/ and htdocs/ in the source tree is shipped
    while IFS= read -r f; do
        grep -qx "$DATADIR/$f" <<<"$list" || problems="$problems missing:$DATADIR/$f"
    done < <(cd "$repo" && find sql htdocs -type f ! -name '.*' | sort)
    grep -q '\.la$' <<<"$list" && problems="$problems libtool-archive-shipped"
    # the a2enmod files point at the installed paths
    local x
    x=$(mktemp -d)
    dpkg-deb -x "$deb" "$x"
    grep -qx "LoadModule ismsreview_module $MODDIR/mod_ismsreview.so" \
        "$x/etc/apache2/mods-available/ismsreview.load" || problems="$problems load-file"
    grep -q "sqlite3_dbdir=$STATEDIR\$" "$x/etc/apache2/mods-available/ismsreview.conf" \
        || problems="$problems conf-statedir"
    grep -q "Alias /isms/ $DATADIR/htdocs/" "$x/etc/apache2/mods-available/ismsreview.conf" \
        || problems="$problems conf-alias"
    rm -rf "$x"
    if [ -z "$problems" ]; then
        echo "package: $(wc -l <<<"$list") entries; module, a2enmod files, tool, sql/, htdocs/ present"
        return 0
    fi
    echo "package: contents:$problems"
    dpkg-deb -c "$deb"
    return 1
}
if contents; then pass "contents of the .deb"; else fail "contents of the .deb"; fi

# ---------------------------------------------------------------------------- lintian
if ! command -v lintian >/dev/null 2>&1; then
    skip "lintian (not installed)"
else
    target=${changes:-$deb}
    # --pedantic shows everything; only errors fail (lintian's own exit code)
    lintian --pedantic --info --fail-on error "$target" > "$out/lintian.log" 2>&1
    lrc=$?
    grep -E '^[EWIPX]: ' "$out/lintian.log" || true
    counts=$(grep -cE '^E: ' "$out/lintian.log")
    if [ "$lrc" -eq 0 ]; then
        pass "lintian ($(grep -cE '^W: ' "$out/lintian.log") warnings, $counts errors)"
    else
        tail -n 30 "$out/lintian.log"
        fail "lintian (exit $lrc, $counts errors)"
    fi
fi

# ---------------------------------------------------------------------------- install
if [ "${ISMS_PACKAGE_INSTALL:-0}" != 1 ]; then
    skip "install into the system Apache (set ISMS_PACKAGE_INSTALL=1 on a throw-away machine)"
    finish
fi
if [ "$(id -u)" -ne 0 ]; then
    fail "install test needs root"
    finish
fi
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'installed'; then
    fail "install test: $PKG is already installed here; the test would purge it"
    finish
fi
if [ -e "$STATEDIR" ]; then
    fail "install test: $STATEDIR exists; the test would move it away on purge"
    finish
fi

# the default site listens on port 80
if [ ! -f /var/run/apache2/apache2.pid ] && command -v ss >/dev/null 2>&1 &&
   ss -Hltn 'sport = :80' | grep -q .; then
    fail "install test: port 80 is taken by something other than the system Apache"
    finish
fi

export DEBIAN_FRONTEND=noninteractive
SITE_CONF=/etc/apache2/conf-available/ismsreview-package-test.conf
HTPASSWD=/etc/apache2/ismsreview-package-test.htpasswd
PIDFILE=/var/run/apache2/apache2.pid
installed=0 started_by_us=0 was_running=0

apache_running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
apache() {   # apache start|restart|stop: systemd when it runs, else apache2ctl
    if [ -d /run/systemd/system ]; then
        systemctl "$1" apache2
    else
        apache2ctl "$1"
    fi
}
wait_http() {   # wait_http URL: until Apache answers at all (any status), 20 s at most
    local i
    for i in $(seq 1 100); do
        curl -s -o /dev/null --max-time 2 "$1" && return 0
        sleep 0.2
    done
    return 1
}
cleanup() {
    rm -f /etc/apache2/conf-enabled/ismsreview-package-test.conf "$SITE_CONF" "$HTPASSWD"
    if [ "$installed" = 1 ]; then
        apt-get purge -y -q "$PKG" >/dev/null 2>&1
    fi
    # database directories the purge moved aside during this test (STATEDIR did not exist
    # before it, so they hold only its data)
    local b
    for b in /var/backups/ismsreview-*; do
        [ -e "$b" ] || continue
        grep -qxF "$b" <<<"$backups_before" || rm -rf "$b"
    done
    if [ "$started_by_us" = 1 ] && apache_running; then
        local pid i
        pid=$(cat "$PIDFILE")
        apache stop >/dev/null 2>&1
        for i in $(seq 1 50); do   # stop returns before the server is gone
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
    elif [ "$was_running" = 1 ]; then
        apache restart >/dev/null 2>&1
    fi
}
trap cleanup EXIT

apache_running && was_running=1
backups_before=$(ls -d /var/backups/ismsreview-* 2>/dev/null)
# apache2 (a2enmod, /etc/apache2) is only a Recommends of the package; curl and htpasswd for
# the checks
if apt-get install -y -q --no-install-recommends "$deb" apache2 apache2-utils curl \
        > "$out/install.log" 2>&1; then
    installed=1
    pass "apt-get install ./$(basename "$deb")"
else
    tail -n 40 "$out/install.log"
    fail "apt-get install ./$(basename "$deb")"
    finish
fi

# the reminder timer is installed off: nothing is mailed before the admin turns it on
if [ ! -e /etc/systemd/system/timers.target.wants/ismsreview-notify.timer ] &&
   grep -q '^#30 6' /etc/cron.d/ismsreview-notify; then
    pass "reminders: ismsreview-notify.timer and the cron fallback installed, not enabled"
else
    fail "reminders: the timer or the cron job is enabled after install"
fi

st=$(stat -c '%U:%G %a' "$STATEDIR" 2>/dev/null)
if [ "$st" = "www-data:www-data 750" ] && [ ! -e /etc/apache2/mods-enabled/ismsreview.load ]; then
    pass "postinst: $STATEDIR $st; the module is installed, not enabled"
else
    fail "postinst: $STATEDIR is '$st'; mods-enabled: $(ls /etc/apache2/mods-enabled | grep isms)"
fi

# Basic auth with two demo users on the shipped <Location /isms/api>
htpasswd -bcB "$HTPASSWD" author demo-author >/dev/null 2>&1
htpasswd -bB "$HTPASSWD" auditor demo-auditor >/dev/null 2>&1
chown root:www-data "$HTPASSWD"
chmod 0640 "$HTPASSWD"
cat > "$SITE_CONF" <<EOF
# written by tests/package/run.sh, removed when it ends
<IfModule ismsreview_module>
    <Location /isms/api>
        AuthType Basic
        AuthName "ISMS management review"
        AuthUserFile $HTPASSWD
        ISMSReviewRole author  "%{REMOTE_USER} == 'author'"
        ISMSReviewRole auditor "%{REMOTE_USER} == 'auditor'"
    </Location>
</IfModule>
EOF

url=http://127.0.0.1/isms
if a2enmod ismsreview > "$out/enable.log" 2>&1 && a2enconf ismsreview-package-test \
        >> "$out/enable.log" 2>&1 && apache2ctl -t >> "$out/enable.log" 2>&1; then
    if apache_running; then apache restart; else apache start && started_by_us=1; fi \
        >> "$out/enable.log" 2>&1
fi
# (apache2ctl start returns before the pid file is written: wait for an answer first)
if wait_http "$url/api/v1/health" && apache_running; then
    pass "a2enmod ismsreview; Apache $( [ "$was_running" = 1 ] && echo restarted || echo started)"
else
    cat "$out/enable.log"
    tail -n 20 /var/log/apache2/error.log 2>/dev/null
    fail "a2enmod ismsreview and start Apache"
    finish
fi

health=$(curl -s -w '\n%{http_code}' --max-time 10 "$url/api/v1/health")
code=$(tail -n 1 <<<"$health")
body=$(head -n -1 <<<"$health")
if [ "$code" = 200 ] && grep -q '"database":"ok"' <<<"$body" &&
   grep -Eq '"schema_version":[1-9][0-9]*' <<<"$body"; then
    pass "GET /isms/api/v1/health: 200 $body"
else
    tail -n 20 /var/log/apache2/error.log 2>/dev/null
    fail "GET /isms/api/v1/health: $code $body"
fi

# authentication, a write into $STATEDIR, the UI, the admin tool on the same database
c_anon=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/me")
me=$(curl -s -u author:demo-author "$url/api/v1/me")
created=$(curl -s -o /dev/null -w '%{http_code}' -u author:demo-author \
    -H 'Content-Type: application/json' \
    -d '{"title":"Package test review","review_type":"SCHEDULED","planned_date":"2026-03-10"}' \
    "$url/api/v1/reviews")
ui=$(curl -s -o /dev/null -w '%{http_code}' "$url/")
admin=$(ismsreview-admin --database "sqlite3 dbname=isms.db sqlite3_dbdir=$STATEDIR" status 2>&1)
arc=$?
if [ "$c_anon" = 401 ] && grep -q '"roles":\["author"\]' <<<"$me" && [ "$created" = 201 ] &&
   [ "$ui" = 200 ] && [ "$arc" = 0 ]; then
    pass "Basic auth (401 without, roles of author), POST v1/reviews 201, UI 200, ismsreview-admin status"
else
    tail -n 20 /var/log/apache2/error.log 2>/dev/null
    fail "anonymous me=$c_anon, me=$me, POST reviews=$created, UI=$ui, admin status=$arc $admin"
fi

# purge: the module, its files and the a2enmod links are gone; the database is kept aside
rm -f /etc/apache2/conf-enabled/ismsreview-package-test.conf "$SITE_CONF"
if apt-get purge -y -q "$PKG" > "$out/purge.log" 2>&1; then
    installed=0
    left=""
    for f in "$MODDIR/mod_ismsreview.so" /etc/apache2/mods-available/ismsreview.load \
             /etc/apache2/mods-available/ismsreview.conf /etc/apache2/mods-enabled/ismsreview.load \
             /etc/apache2/mods-enabled/ismsreview.conf /usr/bin/ismsreview-admin "$DATADIR" \
             "$STATEDIR"; do
        [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
    done
    backup=$(ls -d /var/backups/ismsreview-* 2>/dev/null | tail -n 1)
    [ -n "$backup" ] && [ -f "$backup/isms.db" ] || left="$left (no database in /var/backups)"
    # policy-rc.d may have kept the maintainer scripts from restarting Apache
    apache restart >> "$out/purge.log" 2>&1
    wait_http "$url/" || left="$left (Apache did not come back)"
    # a request racing the restart may still meet the old generation: 10 s to answer 404
    for _ in $(seq 1 50); do
        code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$url/api/v1/health")
        [ "$code" = 404 ] && break
        sleep 0.2
    done
    [ "$code" = 404 ] || left="$left (health answers $code after purge)"
    apache2ctl -M 2>/dev/null | grep -q ismsreview && left="$left (module still loaded)"
    if [ -z "$left" ]; then
        pass "apt-get purge: module gone, health 404, database kept in $backup"
    else
        fail "apt-get purge: left behind:$left"
    fi
else
    tail -n 30 "$out/purge.log"
    fail "apt-get purge $PKG"
fi
finish
