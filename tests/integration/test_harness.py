# SPDX-License-Identifier: Apache-2.0
"""Tests that guard the tests: the harness's error-log check and its process cleanup."""

import base64
import json
import os

import pytest

import harness


def _write_log(h, lines):
    with open(h.error_log, "w") as f:
        f.write("\n".join(lines) + "\n")


def test_error_log_check_flags_warnings_and_raw_lines(basedir, built):
    h = harness.Httpd(os.path.join(basedir, "logcheck"))
    _write_log(h, [
        "[Sat Nov 28 02:26:31.211119 2026] [mpm_event:notice] [pid 1:tid 1] AH00489: "
        "Apache/2.4.71 (Debian) configured -- resuming normal operations",
        "[Sat Nov 28 02:26:31.211196 2026] [ismsreview:info] [pid 1:tid 1] fine",
        "[Sat Nov 28 02:26:31.211196 2026] [ismsreview:warn] [pid 1:tid 1] AH21999: careful",
        "[Sat Nov 28 02:26:31.211196 2026] [:error] [pid 1:tid 1] no module name",
        "No tables in statement !",
        "[Sat Nov 28 02:26:31.211196 2026] [core:crit] [pid 1:tid 1] AH00000: allowed one",
    ])
    bad = h.bad_log_lines(allowed=[r"allowed one"])
    assert len(bad) == 3, bad
    assert any("careful" in b for b in bad)
    assert any("no module name" in b for b in bad)
    assert "No tables in statement !" in bad
    with pytest.raises(AssertionError):
        h.check_error_log()
    h.allow(r"careful", r"no module", r"No tables", r"allowed one")
    h.check_error_log()


def test_stock_apache_starts_and_stops_without_leftovers(basedir):
    h = harness.Httpd(os.path.join(basedir, "stock"), load_module=False)
    h.start()
    pid = h.pid
    assert harness.pid_alive(pid)
    assert h.request("GET", "/isms/api/v1/me")[0] == 401
    assert h.request("GET", "/isms/api/v1/me", user="author")[0] == 404
    h.stop()
    assert not harness.pid_alive(pid)
    assert harness.group_members(pid) == []
    assert harness.port_free(h.port)
    h.check_error_log()


def test_web_ui_is_served(make_httpd):
    h = make_httpd()
    if not os.path.exists(os.path.join(harness.REPO, "htdocs", "index.html")):
        pytest.skip("no htdocs/index.html")
    if not h.htdocs_readable:
        pytest.skip("the source tree is not readable by %s" % harness.SERVICE_USER)
    h.start()
    status, hdrs, body = h.request("GET", "/isms/")
    assert status == 200, body[:300]
    assert hdrs["content-type"].startswith("text/html")


def test_sanitizer_reports_fail_even_when_allowed(basedir, built):
    """tests/sanitize.sh: a report file of ASan/UBSan in the server's logs/sanitizer/, or a
    UBSan "runtime error:" line in the error log, is always a bad line."""
    h = harness.Httpd(os.path.join(basedir, "sancheck"))
    h.allow(r".*")
    _write_log(h, ["mod_ismsreview/core/isms_x.c:12:5: runtime error: signed integer overflow"])
    assert any("runtime error:" in b for b in h.bad_log_lines())
    _write_log(h, [])
    assert h.bad_log_lines() == []
    os.makedirs(os.path.join(h.log_dir, "sanitizer"), exist_ok=True)
    with open(os.path.join(h.log_dir, "sanitizer", "asan.4242"), "w") as f:
        f.write("==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n")
    bad = h.bad_log_lines()
    assert any("asan.4242" in b for b in bad) and any("heap-use-after-free" in b for b in bad)
    with pytest.raises(AssertionError):
        h.check_error_log()


def test_serve_command_runs_the_demo(basedir, built):
    """`harness.py serve` is what ./demo.sh and the browser test run as a script: it starts
    Apache with the module and answers health, and stops everything on SIGTERM (a function
    defined after the script's entry point once broke it while every pytest test passed)."""
    import signal
    import subprocess
    import sys
    import time
    port = harness.free_port()
    here = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.Popen([sys.executable, os.path.join(here, "harness.py"), "serve",
                             "--port", str(port), "--dir", os.path.join(basedir, "demo")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status = None
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            if harness.port_answers(port):
                conn = harness.http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/isms/api/v1/health")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    break
            time.sleep(0.2)
        assert status == 200, "serve did not answer health (exit %s):\n%s" % (
            proc.poll(), proc.stdout.read() if proc.poll() is not None else "")
        # the demo as most organisations run it: a quorum of two approvers; the UI's icon
        conn = harness.http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/isms/api/v1/reviews", body=json.dumps(
            {"title": "Demo", "review_type": "SCHEDULED", "planned_date": "2026-03-10"}),
            headers={"Content-Type": "application/json", "Authorization": "Basic " +
                     base64.b64encode(b"author:demo-author").decode()})
        rid = json.loads(conn.getresponse().read())["id"]
        conn.request("GET", "/isms/api/v1/reviews/%d/history" % rid, headers={
            "Authorization": "Basic " + base64.b64encode(b"approver2:demo-approver2").decode()})
        assert json.loads(conn.getresponse().read())["approvals_required"] == 2
        conn.request("GET", "/favicon.ico")
        res = conn.getresponse()
        assert (res.status, res.read()[:4]) == (200, b"\x00\x00\x01\x00")
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert not harness.port_answers(port), "Apache still answers after serve stopped"


@pytest.mark.skipif(not harness.is_root(), reason="only root's Apache runs as another user")
def test_demo_sh_from_a_closed_home_with_a_space(built):
    """The quick start as a newcomer meets it: the clone in root's home (0700, so www-data may
    not even look inside) under a path with a space. ./demo.sh must serve health, the web UI and
    a write, from a server root Apache's user can reach, and say where that is."""
    import hashlib
    import shutil
    import signal
    import subprocess
    import tempfile
    import time
    import types
    home = tempfile.mkdtemp(prefix="isms home ", dir=os.path.expanduser("~"))
    try:
        os.chmod(home, 0o700)
        clone = os.path.join(home, "my project")
        # the built tree, as a clone that ran ./demo.sh once would have it (make finds it built)
        shutil.copytree(harness.builddir(), clone, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", "node_modules", "demo-run",
                                                      "*.trs", "*.log"))
        port = harness.free_port()
        demo = types.SimpleNamespace(port=port, tls_port=None,
                                     auth_header=harness.Httpd.auth_header)

        def req(method, path, **kw):
            return harness.Httpd.request(demo, method, path, **kw)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ISMS_")}
        env["PORT"] = str(port)
        log = open(os.path.join(home, "demo.log"), "w+")
        proc = subprocess.Popen([os.path.join(clone, "demo.sh")], cwd=home, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.time() + 180
            health = None
            while time.time() < deadline and proc.poll() is None and health != 200:
                time.sleep(0.3)
                if harness.port_answers(port):
                    health = req("GET", "/isms/api/v1/health")[0]
            assert health == 200, "demo did not answer (exit %s)" % proc.poll()
            assert req("GET", "/isms/")[0] == 200
            st, _, body = req(
                "POST", "/isms/api/v1/reviews", user="author",
                body={"title": "Quick start review", "review_type": "SCHEDULED",
                      "planned_date": "2026-03-10"})
            assert st == 201, body
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=60)
            log.seek(0)
            out = log.read()
        assert "/var/tmp/mod_ismsreview-demo/" in out, out
        assert proc.returncode == 0, out
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(os.path.join("/var/tmp/mod_ismsreview-demo", hashlib.sha256(
            os.path.join(home, "my project").encode()).hexdigest()[:12]), ignore_errors=True)
