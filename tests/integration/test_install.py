# SPDX-License-Identifier: Apache-2.0
"""`make install` with DESTDIR puts the module, the a2enmod files, the admin tool, sql/ and
htdocs/ where they belong, and the installed configuration works in a real Apache."""
import os
import re
import subprocess

import harness


def _install(destdir):
    subprocess.run(["make", "install", "DESTDIR=%s" % destdir], cwd=harness.builddir(),
                   check=True, capture_output=True)


def _configured(var):
    """A directory configure chose (apachemoduledir, apacheconfdir), from the build tree's
    Makefile: apxs's under a normal build, below the prefix under make distcheck."""
    with open(os.path.join(harness.builddir(), "Makefile")) as f:
        for line in f:
            m = re.match(r"^%s = (\S+)\s*$" % re.escape(var), line)
            if m:
                return m.group(1)
    raise AssertionError("%s not found in the build tree's Makefile" % var)


def _find(root, name):
    for d, _, files in os.walk(root):
        if name in files:
            return os.path.join(d, name)
    return None


def test_make_install_destdir_layout(basedir):
    dest = os.path.join(basedir, "dest")
    _install(dest)
    so = _find(dest, "mod_ismsreview.so")
    load = _find(dest, "ismsreview.load")
    conf = _find(dest, "ismsreview.conf")
    moddir = os.path.join(dest, _configured("apachemoduledir").lstrip("/"))
    assert so and os.path.dirname(so) == moddir, (so, moddir)
    assert not _find(dest, "mod_ismsreview.la"), "the .la must not be installed"
    assert load and conf and os.path.dirname(load) == os.path.dirname(conf)
    assert os.path.dirname(load) == os.path.join(dest, _configured("apacheconfdir").lstrip("/"))
    assert os.path.dirname(load).endswith("mods-available")
    assert _find(dest, "ismsreview-admin")
    for f in ("001_schema_version.sql", "002_records.sql", "003_workflow.sql",
              "004_more_guards.sql", "009_tracking_history.sql", "index.html", "app.js", "api.js", "dom.js", "fields.js",
              "style.css"):
        assert _find(dest, f), f
    text = open(load).read()
    assert re.search(r"^LoadModule ismsreview_module /\S+/mod_ismsreview\.so$", text, re.M)


def test_installed_configuration_serves_health(basedir, make_httpd):
    dest = os.path.join(basedir, "dest")
    _install(dest)
    load = open(_find(dest, "ismsreview.load")).read()
    conf = open(_find(dest, "ismsreview.conf")).read()
    h = make_httpd(load_module=False)
    # point the installed files at DESTDIR and the database at this test's directory
    load = re.sub(r"(LoadModule ismsreview_module )(/\S+)", lambda m: m.group(1) + dest +
                  m.group(2), load)
    conf = re.sub(r"^(\s*ISMSReviewDatabase sqlite3 .*)$", "    ISMSReviewDatabase %s"
                  % h.db_args, conf, flags=re.M)
    conf = re.sub(r'(Alias /isms/ |<Directory )(/\S+)', lambda m: m.group(1) + dest +
                  m.group(2), conf)
    h.early_conf = load
    h.extra_conf = conf
    h.allow(r"AH00671")   # the installed Alias /isms/ overlaps the harness's own
    h.write_conf()
    rc, out = h.config_test()
    assert rc == 0 and "Syntax OK" in out, out
    h.start()
    status, hdrs, body = h.request("GET", "/isms/api/v1/health")
    assert status == 200, body
    assert b'"database":"ok"' in body
