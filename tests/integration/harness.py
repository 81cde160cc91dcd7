#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Integration harness for mod_ismsreview: a real Apache httpd with the module loaded from the
build tree, a throw-away PostgreSQL cluster, and the admin tool.

Used as a module by the pytest suite (tests/integration/) and the benchmark (bench/), and as a
command line tool for the demo:

    /usr/bin/python3 tests/integration/harness.py serve --port 8080 --dir ./demo-run

Python 3 standard library only. Nothing here touches /etc/apache2 or a system PostgreSQL: every
server gets its own directory, port, pid file and error log, and is stopped at exit.

Environment:
    ISMS_BUILDDIR      build tree (default: the repository root, two levels up from this file)
    ISMS_MPM           event (default), worker or prefork
    ISMS_HTTPD         the httpd binary (default /usr/sbin/apache2)
    ISMS_APACHE_MODDIR where Apache's own modules are (default: `apxs -q LIBEXECDIR`, else
                       /usr/lib/apache2/modules)
    ISMS_PG_BINDIR     PostgreSQL binaries (default: the newest /usr/lib/postgresql/*/bin)
"""

import argparse
import atexit
import base64
import glob
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl as _ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def builddir():
    return os.path.abspath(os.environ.get("ISMS_BUILDDIR") or REPO)


def module_path():
    return os.path.join(builddir(), "mod_ismsreview", ".libs", "mod_ismsreview.so")


def admin_path():
    return os.path.join(builddir(), "ismsreview-admin")


HTTPD_BIN = os.environ.get("ISMS_HTTPD", "/usr/sbin/apache2")
HTPASSWD_BIN = "/usr/bin/htpasswd"
SERVICE_USER = "www-data"
SERVICE_GROUP = "www-data"

# user -> (password, roles granted by the generated configuration)
USERS = {
    "author": ("demo-author", ["author"]),
    "approver": ("demo-approver", ["approver"]),
    "approver2": ("demo-approver2", ["approver"]),
    "auditor": ("demo-auditor", ["auditor"]),
    "admin": ("demo-admin", ["admin"]),
    "owner": ("demo-owner", []),
    "nobody": ("demo-nobody", []),
}

ROLE_DIRECTIVES = """\
  ISMSReviewRole author   "%{REMOTE_USER} == 'author'"
  ISMSReviewRole approver "%{REMOTE_USER} in {'approver','approver2'}"
  ISMSReviewRole auditor  "%{REMOTE_USER} == 'auditor'"
  ISMSReviewRole admin    "%{REMOTE_USER} == 'admin'"
"""

BASE_MODULES = ["authz_core", "authn_core", "authn_file", "auth_basic", "authz_user",
                "authz_host", "mime", "alias", "dir", "env", "setenvif", "headers"]

LEVELS = ["emerg", "alert", "crit", "error", "warn", "notice", "info", "debug"] + \
         ["trace%d" % i for i in range(1, 9)]
BAD_LEVELS = {"emerg", "alert", "crit", "error", "warn"}
# [Fri Nov 28 02:21:00.123456 2026] [module:level] [pid 1:tid 2] ...
LOG_LINE_RE = re.compile(r"^\[[^\]]*\] \[([^:\]\s]*):(\w+)\]")

_live = []          # servers and clusters to stop at exit, whatever happens


def _cleanup_all():
    for obj in list(reversed(_live)):
        try:
            obj._emergency_stop()
        except Exception as e:   # never let one failure keep another process alive
            sys.stderr.write("harness: cleanup of %r failed: %s\n" % (obj, e))


atexit.register(_cleanup_all)


def is_root():
    return os.geteuid() == 0


def apache_moddir():
    env = os.environ.get("ISMS_APACHE_MODDIR")
    if env:
        return env
    apxs = shutil.which("apxs") or shutil.which("apxs2")
    if apxs:
        try:
            out = subprocess.run([apxs, "-q", "LIBEXECDIR"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
            if out and os.path.isdir(out):
                return out
        except (OSError, subprocess.SubprocessError):
            pass
    return "/usr/lib/apache2/modules"


def pg_bindir():
    env = os.environ.get("ISMS_PG_BINDIR")
    if env:
        return env
    cands = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                   key=lambda p: int(re.sub(r"\D", "", p.split("/")[-2]) or 0))
    return cands[-1] if cands else "/usr/lib/postgresql/15/bin"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port, host="127.0.0.1", timeout=0.2):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_free(port, host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def _proc_stat(pid):
    """(state, pgrp) of a process, or None when it does not exist."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[2])


def become_subreaper():
    """Make this process the reaper of the daemons it starts (apache2 -k start and pg_ctl
    detach; this machine's init does not reap orphans, so they would stay zombies)."""
    global _subreaper
    if _subreaper:
        return
    _subreaper = True
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


_subreaper = False


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def pid_alive(pid):
    """True for a running process; a zombie (nobody reaped it, as happens under a container's
    init) counts as gone."""
    _reap(pid)
    st = _proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def group_members(pgid):
    pids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _proc_stat(int(d))
            if st and st[1] == pgid and st[0] not in ("Z", "X"):
                pids.append(int(d))
    return pids


def _chown_service(path):
    if is_root():
        import grp
        import pwd
        shutil.chown(path, pwd.getpwnam(SERVICE_USER).pw_uid, grp.getgrnam(SERVICE_GROUP).gr_gid)


def readable_by_others(path):
    """Would an unprivileged user (www-data) be able to read path? Checks 'other' permission
    bits on every directory on the way (a good enough approximation; nothing is changed)."""
    path = os.path.abspath(path)
    parts = path.split("/")
    for i in range(2, len(parts) + 1):
        p = "/".join(parts[:i]) or "/"
        try:
            st = os.stat(p)
        except OSError:
            return False
        need = 0o005 if os.path.isdir(p) else 0o004
        if st.st_mode & need != need:
            return False
    return True


_staged = {}


def service_path(path):
    """PATH where the Apache user (www-data, when we are root) can reach it: PATH itself, or a
    copy made once per process in a directory of its own under the temp directory when a
    component on the way is closed to that user (a clone in root's 0700 home, say). The copies
    are removed when the process exits. Nothing Apache or the service user reads at run time
    (the web UI, the admin tool) has to live in a world-readable clone."""
    path = os.path.abspath(path)
    if not is_root() or readable_by_others(path):
        return path
    if path not in _staged:
        d = tempfile.mkdtemp(prefix="isms-stage-")
        os.chmod(d, 0o755)
        atexit.register(shutil.rmtree, d, True)
        dst = os.path.join(d, os.path.basename(path))
        if os.path.isdir(path):
            shutil.copytree(path, dst, ignore=shutil.ignore_patterns("node_modules"))
        else:
            shutil.copy2(path, dst)
        for root, dirs, files in os.walk(dst):
            os.chmod(root, 0o755)
            for f in files:
                fp = os.path.join(root, f)
                os.chmod(fp, os.stat(fp).st_mode | 0o444 | (0o111 if os.access(fp, os.X_OK) else 0))
        _staged[path] = dst
    return _staged[path]


def htdocs_dir():
    """The web UI (htdocs/) as the Apache children can read it (see service_path)."""
    return service_path(os.path.join(REPO, "htdocs"))


def run_as_service_user(argv, **kw):
    """Run a command as the user the Apache children run as (root: www-data; otherwise
    ourselves), e.g. sqlite3 on a database that Apache owns, without leaving root-owned
    -wal/-shm files behind."""
    if is_root():
        argv = ["runuser", "-u", SERVICE_USER, "--", service_path(argv[0])] + list(argv[1:]) \
            if os.path.sep in argv[0] else ["runuser", "-u", SERVICE_USER, "--"] + list(argv)
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 60)
    return subprocess.run(argv, **kw)


def sqlite_db_args(dbdir, dbname="isms.db", timeout_ms=5000):
    return "sqlite3 dbname=%s sqlite3_dbdir=%s sqlite3_timeout=%d" % (dbname, dbdir, timeout_ms)


def migrate(db_args, command="migrate", timeout=120):
    """Run ismsreview-admin --database DB_ARGS COMMAND; returns (returncode, combined output)."""
    return run_admin(["--database", db_args, command], timeout=timeout)


def run_admin(args, timeout=120):
    tool = admin_path()
    if not os.access(tool, os.X_OK):
        raise RuntimeError("admin tool not built: %s (run make)" % tool)
    p = subprocess.run([tool] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout


class HarnessError(RuntimeError):
    pass


def check_contract(method, path, status, hdrs, body):
    """Every response of the API against its OpenAPI contract (contract.py)."""
    import contract    # next to this file
    if contract.enabled():
        contract.load(admin_path()).check(method, path, status, hdrs, body)


class Httpd:
    """One Apache httpd with mod_ismsreview, in its own server root.

    basedir       directory for the server root (created; must be reachable by www-data as root)
    port          TCP port (default: a free one; retried on a bind race)
    db_args       arguments of ISMSReviewDatabase (default: SQLite in BASEDIR/db)
    database_line replaces the whole ISMSReviewDatabase line; "" omits it
    extra_conf    appended at the end of httpd.conf
    early_conf    inserted before the shipped Alias/Location sections (e.g. a more specific
                  Alias, which must come before "Alias /isms/")
    loglevel      LogLevel (default "warn")
    mpm           event, worker or prefork (default: env ISMS_MPM or event)
    mpm_conf      replaces the MPM tuning block
    load_module   False: a stock Apache without the module (and without its directives)
    ssl           True: also listen with TLS on self.tls_port (self-signed certificate)
    htpasswd_hash bcrypt (default, cost 5), md5 (apr1) or sha
    roles         False: leave out the ISMSReviewRole lines
    """

    def __init__(self, basedir, port=None, db_args=None, database_line=None, extra_conf="",
                 loglevel="warn", mpm=None, mpm_conf=None, load_module=True, ssl=False,
                 htpasswd_hash="bcrypt", roles=True, early_conf=""):
        self.basedir = os.path.abspath(basedir)
        self._auto_port = port is None
        self.port = port or free_port()
        self.ssl = ssl
        self.tls_port = free_port() if ssl else None
        self.extra_conf = extra_conf
        self.early_conf = early_conf
        self.loglevel = loglevel
        self.mpm = mpm or os.environ.get("ISMS_MPM", "event")
        self.mpm_conf = mpm_conf
        self.load_module = load_module
        self.htpasswd_hash = htpasswd_hash
        self.roles = roles
        self.conf_path = os.path.join(self.basedir, "conf", "httpd.conf")
        self.run_dir = os.path.join(self.basedir, "run")
        self.log_dir = os.path.join(self.basedir, "logs")
        self.db_dir = os.path.join(self.basedir, "db")
        self.pid_file = os.path.join(self.run_dir, "httpd.pid")
        self.error_log = os.path.join(self.log_dir, "error.log")
        self.htpasswd = os.path.join(self.basedir, "conf", "htpasswd")
        self.db_args = db_args if db_args is not None else sqlite_db_args(self.db_dir)
        self.database_line = database_line
        # regexes that check_error_log accepts (tests add theirs). AH03093: mpm_event's race
        # between a keep-alive connection and the stop of the server (httpd, not the module)
        self.allowed = [r"\[mpm_event:error\].*AH03093: process_socket: apr_pollset_add",
                        r"\[mpm_event:\w+\].*AH03092"]
        if ssl:
            # Debian's mod_ssl vs. a newer libssl3 point release: a packaging note, not ours
            self.allowed.append(r"\[ssl:warn\].*AH01882:")
        self.pid = None
        self._started = False
        self.htdocs_readable = True
        self._setup_dirs()
        self.write_conf()

    # ---- files
    def _setup_dirs(self):
        for d in (self.basedir, os.path.join(self.basedir, "conf"), self.run_dir, self.log_dir,
                  self.db_dir):
            os.makedirs(d, exist_ok=True)
        if is_root():
            os.chmod(self.basedir, 0o755)
            os.chmod(os.path.join(self.basedir, "conf"), 0o755)
            for d in (self.run_dir, self.log_dir, self.db_dir):
                _chown_service(d)
            htdocs = htdocs_dir()
            self.htdocs_readable = readable_by_others(htdocs)
            if not self.htdocs_readable:
                import warnings
                warnings.warn("%s is not readable by %s: /isms/ will answer 403"
                              % (htdocs, SERVICE_USER))
            if not readable_by_others(self.db_dir):
                raise HarnessError("%s is not reachable by %s: use a base directory outside "
                                   "private temp dirs (e.g. tempfile.mkdtemp())"
                                   % (self.db_dir, SERVICE_USER))
        self._write_htpasswd()
        mime = os.path.join(self.basedir, "conf", "mime.types")
        if not os.path.exists(mime):
            if os.path.exists("/etc/mime.types"):
                shutil.copyfile("/etc/mime.types", mime)
            else:
                with open(mime, "w") as f:
                    f.write("text/html html htm\ntext/css css\ntext/javascript js mjs\n"
                            "application/json json\nimage/svg+xml svg\nimage/png png\n"
                            "text/plain txt\ntext/calendar ics\ntext/csv csv\n")

    def _write_htpasswd(self):
        flag = {"bcrypt": ["-B", "-C", "5"], "md5": ["-m"], "sha": ["-s"]}[self.htpasswd_hash]
        if os.path.exists(self.htpasswd):
            os.unlink(self.htpasswd)
        for i, (user, (pw, _)) in enumerate(USERS.items()):
            argv = [HTPASSWD_BIN, "-b"] + (["-c"] if i == 0 else []) + flag + \
                   [self.htpasswd, user, pw]
            p = subprocess.run(argv, capture_output=True, text=True)
            if p.returncode != 0:
                raise HarnessError("htpasswd failed: %s" % p.stderr)
        os.chmod(self.htpasswd, 0o644)

    def _mpm_block(self):
        if self.mpm_conf is not None:
            return self.mpm_conf
        if self.mpm == "prefork":
            return ("StartServers 2\nMinSpareServers 2\nMaxSpareServers 5\n"
                    "MaxRequestWorkers 20\nServerLimit 20\n")
        return ("StartServers 2\nServerLimit 4\nThreadsPerChild 10\nMaxRequestWorkers 20\n"
                "MinSpareThreads 5\nMaxSpareThreads 20\n")

    def _tls_files(self):
        crt = os.path.join(self.basedir, "conf", "server.crt")
        key = os.path.join(self.basedir, "conf", "server.key")
        if not os.path.exists(crt):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", crt, "-days", "2", "-subj",
                            "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                            "-addext", "basicConstraints=critical,CA:FALSE"],
                           check=True, capture_output=True)
        return crt, key

    def conf_text(self):
        md = apache_moddir()
        htdocs = htdocs_dir()
        L = []
        L.append("# generated by tests/integration/harness.py")
        L.append('ServerRoot "%s"' % self.basedir)
        L.append('PidFile "%s"' % self.pid_file)
        L.append('DefaultRuntimeDir "%s"' % self.run_dir)
        L.append('ErrorLog "%s"' % self.error_log)
        L.append("LogLevel %s" % self.loglevel)
        L.append("Listen 127.0.0.1:%d" % self.port)
        L.append("ServerName 127.0.0.1")
        L.append("LoadModule mpm_%s_module %s/mod_mpm_%s.so" % (self.mpm, md, self.mpm))
        for m in BASE_MODULES:
            L.append("LoadModule %s_module %s/mod_%s.so" % (m, md, m))
        if self.ssl:
            L.append("LoadModule socache_shmcb_module %s/mod_socache_shmcb.so" % md)
            L.append("LoadModule ssl_module %s/mod_ssl.so" % md)
        if is_root():
            L.append("User %s" % SERVICE_USER)
            L.append("Group %s" % SERVICE_GROUP)
        L.append(self._mpm_block().rstrip("\n"))
        L.append("TypesConfig conf/mime.types")
        L.append("TraceEnable off")          # as the shipped configuration (no TRACE echo)
        L.append("DirectoryIndex index.html")
        L.append("KeepAliveTimeout 5")
        L.append("<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>")
        if self.load_module:
            L.append('LoadModule ismsreview_module "%s"' % module_path())
            if self.database_line is None:
                L.append("ISMSReviewDatabase %s" % self.db_args)
            elif self.database_line:
                L.append(self.database_line)
        if self.early_conf:
            L.append(self.early_conf.rstrip("\n"))
        L.append('Alias /isms/ "%s/"' % htdocs)
        L.append('<Directory "%s">\n  Require all granted' % htdocs)
        L.extend("  " + h for h in shipped_ui_headers("set"))   # as the shipped configuration
        L.append("</Directory>")
        L.append("<Location /isms/api>")
        if self.load_module:
            L.append("  SetHandler ismsreview")
        L.extend("  " + h for h in shipped_ui_headers("unset"))   # as shipped: not on the API
        L.append('  AuthType Basic\n  AuthName "ISMS"\n  AuthBasicProvider file')
        L.append('  AuthUserFile "%s"' % self.htpasswd)
        L.append("  Require valid-user")
        if self.load_module and self.roles:
            L.append(ROLE_DIRECTIVES.rstrip("\n"))
        L.append("</Location>")
        L.append("<Location /isms/api/v1/health>\n  Require all granted\n</Location>")
        if self.ssl:
            crt, key = self._tls_files()
            L.append("Listen 127.0.0.1:%d https" % self.tls_port)
            L.append('SSLSessionCache "shmcb:%s/ssl_scache(512000)"' % self.run_dir)
            L.append("<VirtualHost 127.0.0.1:%d>\n  ServerName 127.0.0.1\n  SSLEngine on\n"
                     '  SSLCertificateFile "%s"\n  SSLCertificateKeyFile "%s"\n</VirtualHost>'
                     % (self.tls_port, crt, key))
        if self.extra_conf:
            L.append("# extra_conf")
            L.append(self.extra_conf.rstrip("\n"))
        return "\n".join(L) + "\n"

    def write_conf(self):
        with open(self.conf_path, "w") as f:
            f.write(self.conf_text())

    # ---- lifecycle
    def _apache(self, *args, timeout=60):
        p = subprocess.run([HTTPD_BIN, "-f", self.conf_path] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL,
                           env=sanitizer_env(self.log_dir))
        return p.returncode, p.stdout

    def config_test(self):
        """apache2 -t: (returncode, combined output)."""
        self.write_conf()
        return self._apache("-t")

    def read_pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def start(self, timeout=10.0):
        if self._started:
            raise HarnessError("already started")
        become_subreaper()
        for attempt in range(3):
            self.write_conf()
            mark = self.log_size()
            rc, out = self._apache("-k", "start")
            if rc != 0:
                raise HarnessError("apache2 -k start failed (rc %d):\n%s\n--- error log:\n%s"
                                   % (rc, out, self.error_log_text(mark)))
            self._started = True
            if self not in _live:
                _live.append(self)
            try:
                self._wait_up(timeout, mark)
                return self
            except HarnessError:
                log = self.error_log_text(mark)
                self._force_stop()
                if self._auto_port and "AH00072" in log and attempt < 2:
                    self.port = free_port()      # somebody took the port meanwhile: retry
                    continue
                raise

    def _wait_up(self, timeout, mark):
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid = self.read_pid()
            if pid and not pid_alive(pid):
                break
            if pid and port_answers(self.port):
                if not self.ssl or port_answers(self.tls_port):
                    self.pid = pid
                    return
            time.sleep(0.02)
        raise HarnessError("httpd on port %d did not come up within %.0f s\n--- error log:\n%s"
                           % (self.port, timeout, self.error_log_text(mark)))

    def stop(self, timeout=10.0):
        if not self._started:
            return
        pid = self.read_pid() or self.pid
        try:
            self._apache("-k", "stop", timeout=30)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self._gone(pid):
                break
            time.sleep(0.05)
        else:
            self._kill(pid)
        self._started = False
        self.pid = None
        if self in _live:
            _live.remove(self)

    def _gone(self, pid):
        if pid and (pid_alive(pid) or group_members(pid)):
            return False
        return port_free(self.port) and (not self.ssl or port_free(self.tls_port))

    def _kill(self, pid):
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            deadline = time.time() + 5
            while time.time() < deadline and (pid_alive(pid) or group_members(pid)):
                time.sleep(0.05)

    def _force_stop(self):
        pid = self.read_pid() or self.pid
        if pid and pid_alive(pid):
            self._apache("-k", "stop", timeout=30)
            deadline = time.time() + 10
            while time.time() < deadline and not self._gone(pid):
                time.sleep(0.05)
            if not self._gone(pid):
                self._kill(pid)
        self._started = False
        if self in _live:
            _live.remove(self)

    _emergency_stop = _force_stop

    def restart_graceful(self, timeout=10.0):
        mark = self.log_size()
        rc, out = self._apache("-k", "graceful")
        if rc != 0:
            raise HarnessError("graceful failed: %s" % out)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if "AH00489" in self.error_log_text(mark) or "resuming normal" in \
                    self.error_log_text(mark):
                return
            time.sleep(0.05)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- HTTP
    def url(self, path="/", tls=False):
        if not path.startswith("/"):
            path = "/" + path
        if tls:
            return "https://127.0.0.1:%d%s" % (self.tls_port, path)
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def api(self, path):
        """Path below the API root: api('v1/me') -> '/isms/api/v1/me'."""
        return "/isms/api/" + path.lstrip("/")

    @staticmethod
    def auth_header(user, password=None):
        if password is None:
            password = USERS[user][0]
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        return "Basic " + token

    def request(self, method, path, user=None, body=None, headers=None, password=None,
                tls=False, timeout=30):
        """(status, headers with lowercase names, body bytes)."""
        h = {"Connection": "close"}    # one request per connection, like http.client does
        h.update(headers or {})
        if user is not None:
            h["Authorization"] = self.auth_header(user, password)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        if tls:
            ctx = _ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = _ssl.CERT_NONE
            conn = http.client.HTTPSConnection("127.0.0.1", self.tls_port, timeout=timeout,
                                               context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {}
            for k, v in resp.getheaders():
                k = k.lower()
                hdrs[k] = hdrs[k] + ", " + v if k in hdrs else v
            check_contract(method, path, resp.status, hdrs, data)
            return resp.status, hdrs, data
        finally:
            conn.close()

    def get_json(self, path, user=None, **kw):
        status, hdrs, body = self.request("GET", path, user=user, **kw)
        return status, hdrs, json.loads(body) if body else None

    # ---- error log
    def log_size(self):
        try:
            return os.path.getsize(self.error_log)
        except OSError:
            return 0

    def error_log_text(self, since=0):
        try:
            with open(self.error_log, "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def error_log_lines(self, since=0):
        return [l for l in self.error_log_text(since).splitlines() if l.strip()]

    def allow(self, *regexes):
        """Accept error-log lines matching these regexes in check_error_log (this server)."""
        self.allowed.extend(regexes)

    def bad_log_lines(self, allowed=(), since=0):
        """Lines at warn or above, and lines without an Apache '[module:level]' prefix (raw
        stderr of a library), that match no allowed regex. Sanitizer reports (ISMS_SANITIZE)
        are always bad."""
        pats = [re.compile(a) for a in list(self.allowed) + list(allowed)]
        bad = sanitizer_reports(self.log_dir)
        for line in self.error_log_lines(since):
            if SANITIZER_LINE_RE.search(line):
                bad.append(line)
                continue
            m = LOG_LINE_RE.match(line)
            if m and m.group(2) not in BAD_LEVELS:
                continue
            if any(p.search(line) for p in pats):
                continue
            bad.append(line)
        return bad

    def check_error_log(self, allowed=(), since=0):
        bad = self.bad_log_lines(allowed, since)
        assert not bad, "unexpected lines in %s:\n%s" % (self.error_log, "\n".join(bad))


JSON_TYPE = "application/json; charset=utf-8"
PROBLEM_TYPE = "application/problem+json"


def content_type(hdrs):
    return hdrs.get("content-type", "")


def assert_api_headers(hdrs):
    """Headers every API response carries."""
    assert hdrs.get("x-content-type-options", "").lower() == "nosniff", hdrs
    assert "no-store" in hdrs.get("cache-control", "").lower(), hdrs


def assert_json(resp, status=200):
    """A JSON API response with the given status; returns the parsed body."""
    st, hdrs, body = resp
    assert st == status, "expected %d, got %d: %r" % (status, st, body[:2000])
    assert content_type(hdrs).replace(" ", "").lower() == JSON_TYPE.replace(" ", ""), hdrs
    assert_api_headers(hdrs)
    return json.loads(body)


def assert_problem(resp, status):
    """An RFC 9457 problem response with the given status; returns the parsed body."""
    st, hdrs, body = resp
    assert st == status, "expected %d, got %d: %r" % (status, st, body[:2000])
    assert content_type(hdrs).lower().startswith(PROBLEM_TYPE), hdrs
    assert_api_headers(hdrs)
    doc = json.loads(body)
    assert isinstance(doc, dict), doc
    assert doc.get("status") == status, doc
    assert isinstance(doc.get("title"), str) and doc["title"], doc
    assert isinstance(doc.get("type"), str) and doc["type"], doc
    if "detail" in doc:
        assert isinstance(doc["detail"], str), doc
    if "errors" in doc:
        assert isinstance(doc["errors"], list), doc
    return doc


class Postgres:
    """A throw-away PostgreSQL cluster in basedir, listening on 127.0.0.1:port and a socket in
    basedir/sock. As root the files belong to 'postgres' and commands run through su."""

    USER = "isms"
    PASSWORD = "isms-test"
    DBNAME = "isms"

    def __init__(self, basedir=None, port=None, bindir=None):
        self.basedir = os.path.abspath(basedir or tempfile.mkdtemp(prefix="isms-pg-"))
        self.bindir = bindir or pg_bindir()
        self.port = port or free_port()
        self.datadir = os.path.join(self.basedir, "data")
        self.sockdir = os.path.join(self.basedir, "sock")
        self.logfile = os.path.join(self.basedir, "postgres.log")
        self.running = False
        self._dbs = []
        become_subreaper()
        os.makedirs(self.sockdir, exist_ok=True)
        if is_root():
            import pwd
            pw = pwd.getpwnam("postgres")
            for d in (self.basedir, self.sockdir):
                os.chown(d, pw.pw_uid, pw.pw_gid)
            os.chmod(self.basedir, 0o755)
        _live.append(self)
        self._initdb()
        self.start()
        self.psql("CREATE ROLE %s LOGIN PASSWORD '%s'" % (self.USER, self.PASSWORD),
                  dbname="postgres")
        self.psql("CREATE DATABASE %s OWNER %s" % (self.DBNAME, self.USER), dbname="postgres")

    def __repr__(self):
        return "Postgres(%s, port %d)" % (self.basedir, self.port)

    def _run(self, argv, check=True, timeout=120):
        if is_root():
            cmd = " ".join(shlex.quote(a) for a in argv)
            argv = ["su", "postgres", "-s", "/bin/sh", "-c", cmd]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, cwd="/")
        if check and p.returncode != 0:
            raise HarnessError("%s failed (rc %d):\n%s%s" % (" ".join(argv), p.returncode,
                                                              p.stdout, p.stderr))
        return p

    def _bin(self, name):
        return os.path.join(self.bindir, name)

    def _initdb(self):
        self._run([self._bin("initdb"), "-D", self.datadir, "-U", "postgres", "-A", "trust",
                   "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])

    def start(self):
        opts = ("-k %s -c listen_addresses=127.0.0.1 -p %d -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
                "-c shared_buffers=32MB" % (self.sockdir, self.port))
        self._run([self._bin("pg_ctl"), "-D", self.datadir, "-l", self.logfile, "-o", opts,
                   "-w", "-t", "30", "start"])
        self.running = True

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.datadir, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    def _wait_gone(self, pid):
        deadline = time.time() + 10
        while pid and time.time() < deadline and pid_alive(pid):
            time.sleep(0.02)

    def stop(self):
        if self.running:
            pid = self.postmaster_pid()
            self._run([self._bin("pg_ctl"), "-D", self.datadir, "-m", "fast", "-w", "-t", "30",
                       "stop"])
            self._wait_gone(pid)
            self.running = False

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.basedir, ignore_errors=True)
            if self in _live:
                _live.remove(self)

    def _emergency_stop(self):
        if self.running:
            pid = self.postmaster_pid()
            self._run([self._bin("pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w",
                       "stop"], check=False)
            self._wait_gone(pid)
            self.running = False

    def psql(self, sql, dbname=None, user="postgres", check=True):
        """Run SQL through the socket; returns stdout (unaligned, tuples only)."""
        p = self._run([self._bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                       "-h", self.sockdir, "-p", str(self.port), "-U", user,
                       "-d", dbname or self.DBNAME, "-c", sql], check=check)
        return p.stdout

    def db_args(self, dbname=None):
        return ("pgsql host=127.0.0.1 port=%d dbname=%s username=%s password=%s"
                % (self.port, dbname or self.DBNAME, self.USER, self.PASSWORD))

    def create_db(self, name):
        """A fresh, empty database owned by the isms role."""
        self.psql("CREATE DATABASE %s OWNER %s" % (name, self.USER), dbname="postgres")
        self._dbs.append(name)
        return name

    def drop_db(self, name):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name, dbname="postgres",
                  check=False)


class MariaDB:
    """A throw-away MariaDB server (Debian's mariadb-server) in basedir: mariadb-install-db
    into basedir/data, mariadbd on 127.0.0.1:port and its own socket, no fsync, its log on
    stderr into basedir/mariadb.log. Root reaches
    it through the socket (unix_socket authentication); the module and the admin tool log in
    over TCP as USER with a password, with the grants the README names."""

    USER = "isms"
    PASSWORD = "isms-test"
    DBNAME = "isms"

    def __init__(self, basedir=None, port=None):
        self.basedir = os.path.abspath(basedir or tempfile.mkdtemp(prefix="isms-maria-"))
        os.makedirs(self.basedir, exist_ok=True)
        self.port = port or free_port()
        self.datadir = os.path.join(self.basedir, "data")
        self.sock = os.path.join(self.basedir, "mysqld.sock")
        self.logfile = os.path.join(self.basedir, "mariadb.log")
        self.proc = None
        self._dbs = []
        become_subreaper()
        self.user = "mysql" if is_root() else None
        if self.user:
            import pwd
            pw = pwd.getpwnam(self.user)
            os.chown(self.basedir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.basedir, 0o755)
        _live.append(self)
        self._install_db()
        self.start()
        self.sql("CREATE USER '%s'@'127.0.0.1' IDENTIFIED BY '%s'" % (self.USER, self.PASSWORD),
                 dbname="")
        self.create_db(self.DBNAME)

    def __repr__(self):
        return "MariaDB(%s, port %d)" % (self.basedir, self.port)

    def _server_opts(self):
        opts = ["--no-defaults", "--datadir=" + self.datadir, "--socket=" + self.sock,
                "--bind-address=127.0.0.1", "--port=%d" % self.port,
                "--pid-file=" + os.path.join(self.basedir, "mysqld.pid"),
                "--innodb-flush-log-at-trx-commit=0",
                "--innodb-doublewrite=0", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M", "--skip-name-resolve", "--max-connections=300",
                "--character-set-server=utf8mb4", "--performance-schema=0", "--skip-log-bin"]
        if self.user:
            opts.append("--user=" + self.user)
        return opts

    def _install_db(self):
        argv = ["mariadb-install-db", "--no-defaults", "--datadir=" + self.datadir,
                "--auth-root-authentication-method=socket", "--skip-test-db",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=32M"]
        if self.user:
            argv.append("--user=" + self.user)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=180,
                           stdin=subprocess.DEVNULL, cwd="/")
        if p.returncode != 0:
            raise HarnessError("mariadb-install-db failed (rc %d):\n%s%s"
                               % (p.returncode, p.stdout, p.stderr))

    def start(self):
        log = open(self.logfile, "ab")
        self.proc = subprocess.Popen(["/usr/sbin/mariadbd"] + self._server_opts(),
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     cwd="/", start_new_session=True)
        log.close()
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError("mariadbd exited (rc %d):\n%s"
                                   % (self.proc.returncode, open(self.logfile).read()[-3000:]))
            if os.path.exists(self.sock) and port_answers(self.port):
                return self
            time.sleep(0.05)
        raise HarnessError("mariadbd did not start in 60 s:\n%s"
                           % open(self.logfile).read()[-3000:])

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.running:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.basedir, ignore_errors=True)
            if self in _live:
                _live.remove(self)

    def _emergency_stop(self):
        if self.running:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    # the session the module sets up (isms_store_dbi.c), so tests' SQL reads the same
    SESSION = ("SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,STRICT_ALL_TABLES,"
               "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';"
               " SET NAMES utf8mb4 COLLATE utf8mb4_nopad_bin; SET time_zone = '+00:00'; ")

    def run_sql(self, sql, dbname=None):
        """Run SQL as root through the socket (the mariadb CLI, batch mode: tab-separated
        rows, no headers, NULL as the word NULL; --raw: tabs and newlines unescaped)."""
        argv = ["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "--batch",
                "--raw", "--skip-column-names", "--default-character-set=utf8mb4"]
        if dbname is None:
            dbname = self.DBNAME
        if dbname:
            argv.append(dbname)
        return subprocess.run(argv + ["-e", self.SESSION + sql], capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL, cwd="/")

    def sql(self, sql, dbname=None, check=True):
        """run_sql's stdout; raises on an error unless check is False."""
        p = self.run_sql(sql, dbname)
        if check and p.returncode != 0:
            raise HarnessError("mariadb failed (rc %d): %s\n%s" % (p.returncode, sql, p.stderr))
        return p.stdout

    @staticmethod
    def rows(out):
        """Rows of run_sql's output as psql -At and sqlite3 print them: NULL as ''."""
        return [["" if v == "NULL" else v for v in line.split("\t")]
                for line in out.splitlines() if line.strip()]

    def db_args(self, dbname=None):
        return ("mysql host=127.0.0.1 port=%d dbname=%s username=%s password=%s"
                % (self.port, dbname or self.DBNAME, self.USER, self.PASSWORD))

    def create_db(self, name):
        """A fresh, empty database (the server's default, case-insensitive collation: the
        tables bring their own); USER gets the grants the README documents."""
        self.sql("CREATE DATABASE %s" % name, dbname="")
        self.sql("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, "
                 "REFERENCES, TRIGGER ON %s.* TO '%s'@'127.0.0.1'" % (name, self.USER),
                 dbname="")
        self._dbs.append(name)
        return name

    def drop_db(self, name):
        self.sql("DROP DATABASE IF EXISTS %s" % name, dbname="", check=False)


def make_basedir(prefix="isms-httpd-"):
    """A temp directory that www-data can traverse (pytest's tmp_path is 0700 root)."""
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    return d


# ---------------------------------------------------------------------------------------------
# CLI


def _stop_stale(basedir):
    pid_file = os.path.join(basedir, "run", "httpd.pid")
    try:
        pid = int(open(pid_file).read().strip())
    except (OSError, ValueError):
        return
    if pid_alive(pid):
        print("stopping the httpd (pid %d) left running in %s" % (pid, basedir))
        conf = os.path.join(basedir, "conf", "httpd.conf")
        subprocess.run([HTTPD_BIN, "-f", conf, "-k", "stop"], capture_output=True)
        deadline = time.time() + 10
        while time.time() < deadline and (pid_alive(pid) or group_members(pid)):
            time.sleep(0.1)
        if pid_alive(pid) or group_members(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def demo_basedir(requested):
    """The demo's server root: REQUESTED (default ./demo-run), unless we are root and the Apache
    user cannot reach it (a clone in root's 0700 home): then a directory of this clone's own
    under /var/tmp/mod_ismsreview-demo/, which it can, and which keeps the demo's data between
    runs as ./demo-run would."""
    import hashlib
    basedir = os.path.abspath(requested or "./demo-run")
    if not is_root() or readable_by_others(os.path.dirname(basedir)):
        return basedir
    if requested:
        sys.exit("%s is not reachable by %s (a component on the way is closed to it): "
                 "pass a --dir it can reach" % (basedir, SERVICE_USER))
    top = "/var/tmp/mod_ismsreview-demo"
    os.makedirs(top, exist_ok=True)
    os.chmod(top, 0o755)
    return os.path.join(top, hashlib.sha256(REPO.encode()).hexdigest()[:12])


def demo_evidence_conf(basedir):
    """The demo's evidence attachments (the UI's upload, list, download): files under the
    server root, 8 MiB per file."""
    evidence = os.path.join(basedir, "evidence")
    os.makedirs(evidence, exist_ok=True)
    _chown_service(evidence)
    return ("ISMSReviewEvidenceDir %s\n<Location /isms/api>\n"
            "  ISMSReviewMaxAttachment 8388608\n</Location>\n" % evidence)


def cmd_serve(args):
    basedir = demo_basedir(args.dir)
    os.makedirs(basedir, exist_ok=True)
    _stop_stale(basedir)
    if not os.path.exists(module_path()):
        sys.exit("module not built: %s (run ./configure && make)" % module_path())
    pg = None
    if args.db in ("pgsql", "mysql"):
        if args.db == "pgsql":
            pg = Postgres(os.path.join(basedir, "pg") if not is_root() else None)
        else:
            pg = MariaDB()
        rc, out = migrate(pg.db_args())
        if rc != 0:
            pg.destroy()
            sys.exit("migrate failed:\n" + out)
        db_args = pg.db_args()
    else:
        db_args = sqlite_db_args(os.path.join(basedir, "db"))
    if not port_free(args.port):
        sys.exit("port %d is in use (pass --port)" % args.port)
    # the demo as most organisations run it: two approvers must approve (approver, approver2);
    # the UI's icon at /favicon.ico and 4 database connections per child as the shipped
    # configuration has them
    demo_conf = ('<Location /isms/api>\n  ISMSReviewApprovals 2\n</Location>\n'
                 'Alias /favicon.ico "%s/favicon.ico"\nISMSReviewConnections 4\n'
                 % htdocs_dir())
    httpd = Httpd(basedir, port=args.port, db_args=db_args, loglevel=args.loglevel,
                  extra_conf=demo_conf)

    stopping = []

    def on_signal(signum, frame):
        if not stopping:
            stopping.append(signum)
            raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    httpd.extra_conf += demo_evidence_conf(basedir)

    try:
        httpd.start()
        print()
        print("mod_ismsreview demo is running (%s MPM, %s database, pid %d)"
              % (httpd.mpm, args.db, httpd.pid))
        print("  web UI:  %s" % httpd.url("/isms/"))
        print("  health:  %s" % httpd.url("/isms/api/v1/health"))
        print("  API:     %s" % httpd.url("/isms/api/v1/"))
        print("  server root: %s   error log: %s" % (basedir, httpd.error_log))
        print()
        print("  %-10s %-16s %s" % ("user", "password", "roles"))
        for user, (pw, roles) in USERS.items():
            print("  %-10s %-16s %s" % (user, pw, ", ".join(roles) or "(none)"))
        print()
        print("  try: curl -u author:demo-author %s" % httpd.url("/isms/api/v1/me"))
        print("Press Ctrl-C to stop.")
        sys.stdout.flush()
        while True:
            time.sleep(1)
            if httpd.read_pid() is None or not pid_alive(httpd.pid):
                print("httpd exited; see %s" % httpd.error_log)
                return 1
    except KeyboardInterrupt:
        print("\nstopping ...")
    except HarnessError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        httpd.stop()
        if pg:
            pg.destroy()
    print("stopped.")
    return 0


def shipped_ui_headers(action):
    """The `Header always <action> ...` lines of conf/ismsreview.conf.in: "set" on the web UI
    (CSP with frame-ancestors, nosniff), "unset" on the API below it, so that the demo and the
    tests serve what is shipped."""
    with open(os.path.join(REPO, "conf", "ismsreview.conf.in")) as f:
        return [l.strip() for l in f if l.strip().startswith("Header always %s " % action)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="start a demo Apache with the module until Ctrl-C")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--dir", default=None,
                   help="server root (default ./demo-run; as root, when the Apache user cannot "
                        "reach it, /var/tmp/mod_ismsreview-demo/ID)")
    s.add_argument("--db", choices=["sqlite3", "pgsql", "mysql"], default="sqlite3")
    s.add_argument("--loglevel", default="warn")
    args = ap.parse_args(argv)
    if args.cmd == "serve":
        return cmd_serve(args)
    return 2



# ---- sanitizers (tests/sanitize.sh): with ISMS_SANITIZE=1 the module under test is built with
# -fsanitize=address,undefined. apache2 is not, so libasan is preloaded into it; reports go
# to files in the server's logs/sanitizer/ (and "runtime error:" lines to the error log), and
# every one of them fails the test (bad_log_lines). Leak detection is off for httpd, which
# exits without freeing its pools.
SANITIZER_LINE_RE = re.compile(r"runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer|"
                               r"AddressSanitizer:DEADLYSIGNAL")


def sanitizing():
    return os.environ.get("ISMS_SANITIZE", "") not in ("", "0")


def _libasan():
    lib = os.environ.get("ISMS_LIBASAN")
    if not lib:
        lib = subprocess.run(["gcc", "-print-file-name=libasan.so"], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.strip()
    return os.path.realpath(lib)


def sanitizer_env(log_dir):
    """The environment for apache2: ours, plus the preload and options when sanitizing."""
    env = dict(os.environ)
    if not sanitizing():
        return env
    log_dir = os.path.join(log_dir, "sanitizer")    # the children (www-data) write there
    os.makedirs(log_dir, exist_ok=True)
    os.chmod(log_dir, 0o1777)
    env["LD_PRELOAD"] = " ".join(x for x in (_libasan(), env.get("LD_PRELOAD")) if x)
    env["ASAN_OPTIONS"] = ("detect_leaks=0:halt_on_error=1:abort_on_error=0:"
                           "log_path=%s" % os.path.join(log_dir, "asan"))
    env["UBSAN_OPTIONS"] = ("print_stacktrace=1:halt_on_error=1:"
                            "log_path=%s" % os.path.join(log_dir, "ubsan"))
    return env


def sanitizer_reports(log_dir):
    """The lines of every sanitizer report file (asan.<pid>, ubsan.<pid>) in log_dir."""
    lines = []
    log_dir = os.path.join(log_dir, "sanitizer")
    for f in sorted(glob.glob(os.path.join(log_dir, "asan.*")) +
                    glob.glob(os.path.join(log_dir, "ubsan.*"))):
        try:
            with open(f, errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue
        lines.append("sanitizer report %s:" % f)
        lines.extend(text.splitlines()[:60])
    return lines


if __name__ == "__main__":
    sys.exit(main())
