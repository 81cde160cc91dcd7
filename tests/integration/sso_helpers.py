# SPDX-License-Identifier: Apache-2.0
"""Shared helpers of the authentication tests (test_auth_recipes.py, test_sso_*.py).

- recipes() / prepare() / recipe_server(): the fenced "# recipe: NAME" blocks of
  docs/authentication.md, with only host names, ports and paths swapped for local ones
- Browser: a user agent with a cookie jar that follows redirects one by one (keeping the
  chain), reads HTML forms and submits them, as a person's browser does during a single
  sign-on (no JavaScript needed: auto-submitted SAML forms are submitted by submit())
- Daemon: a provider process (oidc-provider, the SAML IdP, the KDC) on loopback, stopped
  by its pid at teardown
- Slapd: Debian's slapd in a temporary directory with a tiny directory of users and groups
- assert_forged_headers_ignored(): a client's X-Remote-User / OIDC_CLAIM_* / MELLON_*
  headers never become an identity or a role
"""

import html.parser
import http.cookiejar
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import harness

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(REPO, "docs", "authentication.md")
MODDIR = harness.apache_moddir()

# The directory of every identity provider of the tests: user -> (groups, roles they map to)
PEOPLE = {"priya": (["isms-authors"], ["author"]),
          "helga": (["isms-approvers", "isms-auditors"], ["approver", "auditor"]),
          "audit": (["isms-auditors"], ["auditor"]),
          "webadmin": (["isms-admins"], ["admin"]),
          "jonas": ([], [])}


def password(user):
    return "pw-" + user


# ---------------------------------------------------------------------------------------------
# the recipes of docs/authentication.md

def recipes():
    """{name: (modules, config text)} from the document."""
    out = {}
    for block in re.findall(r"```apache\n(.*?)```", open(DOC).read(), re.S):
        lines = block.splitlines()
        m = re.match(r"# recipe: (\w+)$", lines[0])
        if not m:
            continue
        mods = re.match(r"# modules: (.+)$", lines[1])
        assert mods, "recipe %s: second line must be '# modules: ...'" % m.group(1)
        assert m.group(1) not in out, "recipe %s twice" % m.group(1)
        out[m.group(1)] = (mods.group(1).split(), "\n".join(lines[2:]) + "\n")
    return out


def prepare(name, subs):
    """The recipe with subs applied (each must occur) and LoadModule lines for what the
    harness does not load already; skips when a module is not installed."""
    mods, text = recipes()[name]
    for old, new in subs.items():
        assert old in text, "recipe %s no longer contains %r" % (name, old)
        text = text.replace(old, new)
    load = []
    for mod in mods:
        if mod in harness.BASE_MODULES:
            continue
        so = os.path.join(MODDIR, "mod_%s.so" % mod)
        if not os.path.exists(so):
            pytest.skip("mod_%s is not installed (see tests/deps-test.txt)" % mod)
        load.append("LoadModule %s_module %s" % (mod, so))
    return "\n".join(load) + "\n" + text


def configure(h, name, subs):
    """Put recipe NAME (with SUBS) into the not yet started server h; apache2 -t must pass."""
    h.extra_conf = prepare(name, subs)
    rc, out = h.config_test()
    assert rc == 0 and "Syntax OK" in out, "apache2 -t on recipe %s:\n%s" % (name, out)
    return h


def recipe_server(make_httpd, name, subs, **kw):
    h = make_httpd(roles=False, extra_conf="", **kw)
    return configure(h, name, subs)


def me(h, user=None, password=None, tls=False, headers=None):
    st, hdrs, body = h.request("GET", h.api("v1/me"), user=user, password=password, tls=tls,
                               headers=headers)
    return st, hdrs, (json.loads(body) if st == 200 else body)


# ---------------------------------------------------------------------------------------------
# a browser

class _Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "id": a.get("id"),
                               "method": (a.get("method") or "get").lower(), "fields": {}})
        elif tag in ("input", "button") and a.get("name"):
            form = self._owner(a.get("form"))
            if form is not None and a.get("type", "submit" if tag == "button" else "text") \
                    not in ("submit", "image"):
                form["fields"][a["name"]] = a.get("value") or ""

    def _owner(self, form_id):
        if form_id:
            return next((f for f in self.forms if f["id"] == form_id), None)
        return self.forms[-1] if self.forms else None


class Page:
    def __init__(self, url, status, headers, body):
        self.url, self.status, self.headers, self.body = url, status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def forms(self):
        p = _Forms()
        p.feed(self.text)
        return p.forms

    def __repr__(self):
        return "<%d %s: %r>" % (self.status, self.url, self.body[:300])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


class Browser:
    """Cookies, redirects followed one at a time (self.chain has every URL visited),
    forms submitted. TLS certificates are not verified (the test servers' are self-signed)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect(),
            urllib.request.HTTPSHandler(context=ctx))
        self.chain = []
        self.headers = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                        "User-Agent": "ismsreview-sso-test"}

    def fetch(self, method, url, data=None, headers=None):
        """One request, no redirect followed."""
        h = dict(self.headers)
        h.update(headers or {})
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=data, headers=h, method=method)
        self.chain.append((method, url))
        try:
            with self.opener.open(req, timeout=30) as r:
                return Page(url, r.status, _lower(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Page(url, e.code, _lower(e.headers), e.read())

    def go(self, url, method="GET", data=None, headers=None, max_hops=20):
        """A request and every redirect after it; the last page."""
        page = self.fetch(method, url, data, headers)
        for _ in range(max_hops):
            if page.status not in (301, 302, 303, 307, 308):
                return page
            url = urllib.parse.urljoin(page.url, page.headers["location"])
            if page.status in (307, 308):
                page = self.fetch(method, url, data, headers)
            else:
                page = self.fetch("GET", url, None, headers)
        raise AssertionError("more than %d redirects: %s" % (max_hops, self.chain[-5:]))

    def submit(self, page, fields=None, index=0, headers=None):
        """Submit the page's form number INDEX with FIELDS changed, follow the redirects."""
        forms = page.forms()
        assert len(forms) > index, "no form in %r" % page
        form = forms[index]
        data = dict(form["fields"])
        data.update(fields or {})
        url = urllib.parse.urljoin(page.url, form["action"] or page.url)
        if form["method"] == "post":
            return self.go(url, "POST", data, headers)
        sep = "&" if urllib.parse.urlsplit(url).query else "?"
        return self.go(url + sep + urllib.parse.urlencode(data), headers=headers)

    def cookie_names(self):
        return {c.name for c in self.jar}


def _lower(msg):
    out = {}
    for k, v in msg.items():
        k = k.lower()
        out[k] = out[k] + ", " + v if k in out else v
    return out


def query(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


# ---------------------------------------------------------------------------------------------
# identity headers a client makes up

FORGED = {"X-Remote-User": "webadmin", "X-Forwarded-User": "webadmin", "Remote-User": "webadmin",
          "OIDC_CLAIM_groups": "isms-admins", "OIDC-CLAIM-groups": "isms-admins",
          "OIDC_CLAIM_preferred_username": "webadmin", "MELLON_groups": "isms-admins",
          "MELLON-groups": "isms-admins", "MELLON_uid": "webadmin",
          "AUTHENTICATE_MEMBEROF": "cn=isms-admins,ou=groups,dc=example,dc=org",
          "AUTHORIZE_MEMBEROF": "cn=isms-admins,ou=groups,dc=example,dc=org"}


def assert_forged_headers_ignored(get_me, user, roles):
    """get_me(headers) -> (status, document): signed in as USER (ROLES), the made-up headers
    change neither the user nor the roles."""
    st, doc = get_me(FORGED)
    assert st == 200, (st, doc)
    assert doc["user"] == user and sorted(doc["roles"]) == sorted(roles), doc


def assert_anonymous_forged_refused(h, tls=False, login_prefix=None):
    """Without a login, the made-up headers get no API answer: 401, or a redirect to the
    login (LOGIN_PREFIX) for a navigation."""
    for accept in ("application/json", "text/html"):
        hdrs = dict(FORGED, Accept=accept)
        st, rh, body = h.request("GET", h.api("v1/me"), headers=hdrs, tls=tls)
        assert st in (302, 303, 401), (accept, st, body[:300])
        if st != 401 and login_prefix:
            assert rh["location"].startswith(login_prefix), rh["location"]


# ---------------------------------------------------------------------------------------------
# processes

def write(path, text, mode=0o644):
    """A configuration file the servers (some as www-data) read."""
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def tool_or_skip(*names):
    for n in names:
        if not (shutil.which(n) or os.path.exists(n)):
            pytest.skip("%s is not installed (see tests/deps-test.txt)" % n)


class Daemon:
    """A child process serving on a loopback port; stop() ends it (by its pid)."""

    def __init__(self, argv, port, log, env=None, cwd=None, timeout=60):
        self.log = log
        self.logf = open(log, "ab")
        self.proc = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while not harness.port_answers(port):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise AssertionError("%s did not come up on port %d:\n%s"
                                     % (argv[0], port, self.output()))
            time.sleep(0.05)

    def output(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        """Ends the process; its log goes to stdout (pytest shows it when a test fails)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.logf.close()
        print("---- %s (%s):\n%s" % (os.path.basename(self.log), self.proc.args[0],
                                     self.output()))


# ---------------------------------------------------------------------------------------------
# slapd

GROUP_OF = {}
for _user, (_groups, _) in PEOPLE.items():
    for _g in _groups:
        GROUP_OF.setdefault(_g, []).append(_user)


class Slapd:
    """Debian's slapd with the memberof overlay: PEOPLE in their groups, a service account."""

    def __init__(self):
        self.dir = harness.make_basedir(prefix="isms-slapd-")
        self.port = harness.free_port()
        os.makedirs(os.path.join(self.dir, "data"))
        conf = write(os.path.join(self.dir, "slapd.conf"),
                     "include /etc/ldap/schema/core.schema\n"
                     "include /etc/ldap/schema/cosine.schema\n"
                     "include /etc/ldap/schema/inetorgperson.schema\n"
                     "modulepath /usr/lib/ldap\nmoduleload back_mdb\nmoduleload memberof\n"
                     "pidfile %s/slapd.pid\n"
                     "database mdb\nmaxsize 10485760\nsuffix \"dc=example,dc=org\"\n"
                     "rootdn \"cn=admin,dc=example,dc=org\"\nrootpw admin-secret\n"
                     "directory %s/data\noverlay memberof\n" % (self.dir, self.dir))
        self.url = "ldap://127.0.0.1:%d" % self.port
        p = subprocess.run(["/usr/sbin/slapd", "-f", conf, "-h", self.url + "/"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        self.pid = None
        deadline = time.time() + 10
        while time.time() < deadline and not harness.port_answers(self.port):
            time.sleep(0.05)
        with open(os.path.join(self.dir, "slapd.pid")) as f:
            self.pid = int(f.read().strip())
        self.add(self.ldif())

    @staticmethod
    def ldif():
        e = ["dn: dc=example,dc=org\nobjectClass: dcObject\nobjectClass: organization\n"
             "o: Example\ndc: example\n"]
        for ou in ("people", "groups", "services"):
            e.append("dn: ou=%s,dc=example,dc=org\nobjectClass: organizationalUnit\nou: %s\n"
                     % (ou, ou))
        e.append("dn: cn=apache-isms,ou=services,dc=example,dc=org\nobjectClass: "
                 "organizationalRole\nobjectClass: simpleSecurityObject\ncn: apache-isms\n"
                 "userPassword: change-me\n")
        for u in list(PEOPLE) + ["nobody-here"]:
            e.append("dn: uid=%s,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                     "uid: %s\ncn: %s\nsn: %s\nuserPassword: %s\n" % (u, u, u, u, password(u)))
        for g, members in GROUP_OF.items():
            e.append("dn: cn=%s,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\n"
                     "cn: %s\n%s" % (g, g, "".join("member: uid=%s,ou=people,dc=example,"
                                                   "dc=org\n" % m for m in members)))
        return "\n".join(e)

    def add(self, ldif):
        p = subprocess.run(["ldapadd", "-x", "-H", self.url, "-D", "cn=admin,dc=example,dc=org",
                            "-w", "admin-secret"], input=ldif, capture_output=True, text=True,
                           timeout=30)
        assert p.returncode == 0, p.stderr

    def stop(self):
        if self.pid and harness.pid_alive(self.pid):
            os.kill(self.pid, 15)
            deadline = time.time() + 10
            while time.time() < deadline and harness.pid_alive(self.pid):
                time.sleep(0.05)
        shutil.rmtree(self.dir, ignore_errors=True)


def slapd_or_skip():
    if not os.path.exists("/usr/sbin/slapd") or not shutil.which("ldapadd"):
        pytest.skip("slapd / ldap-utils not installed (see tests/deps-test.txt)")
    return Slapd()
