# SPDX-License-Identifier: Apache-2.0
"""The directives in the docs and in the shipped configuration are the ones the code has.

Parses the directive table the module's command_rec table is built from
(ISMS_DIRECTIVES in mod_ismsreview/core/isms_directives.h: name, how many arguments, where
allowed; and any AP_INIT_ row written out in mod_ismsreview/httpd/isms_config.c) and checks:
every directive has a section in docs/admin-guide.md's "Directives" with syntax, default, context, a description and an example whose argument count and context match
the code; every directive appears in conf/ismsreview.conf.in with a comment line right above
it; and no document names an ISMSReview* directive the code does not have. No server needed.
"""

import glob
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG_C = os.path.join(REPO, "mod_ismsreview", "httpd", "isms_config.c")
TABLE_H = os.path.join(REPO, "mod_ismsreview", "core", "isms_directives.h")
README = os.path.join(REPO, "README.md")
GUIDE = os.path.join(REPO, "docs", "admin-guide.md")   # the "Directives" section
CONF_IN = os.path.join(REPO, "conf", "ismsreview.conf.in")
DOCS = sorted(glob.glob(os.path.join(REPO, "docs", "*.md")))

CMD_RE = re.compile(r'AP_INIT_(TAKE1|TAKE2|TAKE3|TAKE12|TAKE_ARGV|FLAG|RAW_ARGS|NO_ARGS|'
                    r'ITERATE|ITERATE2)\(\s*"(\w+)"\s*,\s*\w+\s*,\s*[^,]+,\s*([A-Z_| ]+?)\s*,',
                    re.S)
# X(ID, "Name", syntax, context, parse function, "help") rows of ISMS_DIRECTIVES
ROW_RE = re.compile(r'^\s*X\(\s*(\w+)\s*,\s*"(\w+)"\s*,\s*(\w+)\s*,\s*(\w+)\s*,', re.M)
# the glue's mapping (isms_config.c: ISMS_CMD_<syntax>, ISMS_CTX_<context>)
ROW_KIND = {"TAKE1": "TAKE1", "TAKE2": "TAKE2", "ARGV": "TAKE_ARGV", "FLAG": "FLAG"}
ROW_CTX = {"SERVER": "RSRC_CONF", "ANY": "ACCESS_CONF | RSRC_CONF"}
NAME_RE = re.compile(r"\bISMSReview[A-Z]\w*")
# (min, max) arguments per kind; None = no upper bound
ARGS = {"TAKE1": (1, 1), "TAKE2": (2, 2), "TAKE3": (3, 3), "TAKE12": (1, 2), "FLAG": (1, 1),
        "TAKE_ARGV": (1, None), "RAW_ARGS": (0, None), "NO_ARGS": (0, 0),
        "ITERATE": (1, None), "ITERATE2": (2, None)}


def table_rows():
    src = open(TABLE_H).read()
    return ROW_RE.findall(src[src.index("#define ISMS_DIRECTIVES(X)"):])


def code_rows():
    src = open(CONFIG_C).read()
    rows = [(kind, name, where)
            for kind, name, where in CMD_RE.findall(src[src.index("isms_cmds[]"):])
            if name.startswith("ISMSReview")]
    return rows + [(ROW_KIND[syn], name, ROW_CTX[ctx]) for _, name, syn, ctx in table_rows()]


def code_directives():
    found = {}
    for kind, name, where in code_rows():
        flags = {f.strip() for f in where.split("|")}
        ctx = set()
        if "RSRC_CONF" in flags:
            ctx |= {"server config", "virtual host"}
        if "ACCESS_CONF" in flags:
            ctx.add("directory")
        if flags & {"OR_ALL", "OR_OPTIONS", "OR_FILEINFO", "OR_AUTHCFG", "OR_INDEXES",
                    "OR_LIMIT"}:
            ctx.add(".htaccess")
        found[name] = (kind, ctx)
    return found


def readme_section():
    text = open(GUIDE).read()
    start = text.index("\n## Directives\n")
    end = text.index("\n## ", start + 5)
    return text[start:end]


def split_args(line):
    """Arguments of a directive line as Apache reads them (quoted strings are one)."""
    return re.findall(r'"(?:[^"\\]|\\.)*"|\S+', line)[1:]


def test_code_table_parses():
    found = code_directives()
    src = open(TABLE_H).read()
    table = src[src.index("#define ISMS_DIRECTIVES(X)"):src.index("#define ISMS_DIRECTIVE_ID")]
    # every row of the table was understood (none skipped by the regex), names unique
    assert len(table_rows()) == table.count(" X("), table_rows()
    assert len(found) == len(code_rows()), code_rows()
    assert len(found) >= 7, found


@pytest.mark.parametrize("name", sorted(code_directives()))
def test_readme_documents_directive(name):
    kind, ctx = code_directives()[name]
    section = readme_section()
    m = re.search(r"\n### `%s`\n(.*?)(?=\n### |\Z)" % name, section, re.S)
    assert m, "admin guide: no '### `%s`' subsection under ## Directives" % name
    body = m.group(1)
    fields = {}
    for key in ("Syntax", "Default", "Context"):
        fm = re.search(r"^- \*\*%s:\*\* (.+)$" % key, body, re.M)
        assert fm, "admin guide %s: no **%s:** line" % (name, key)
        fields[key] = fm.group(1)
    # syntax: the name and as many arguments as the code takes
    sm = re.match(r"`(%s(?: [^`]*)?)`" % name, fields["Syntax"])
    assert sm, "admin guide %s: the syntax does not start with `%s ...`" % (name, name)
    lo, hi = ARGS[kind]
    n = len(split_args(sm.group(1)))
    if kind == "TAKE_ARGV":
        assert n >= 1 and "…" in sm.group(1), (name, sm.group(1))
    else:
        assert lo <= n and (hi is None or n <= hi), (name, kind, sm.group(1))
    if kind == "FLAG":
        assert "On|Off" in sm.group(1), (name, sm.group(1))
    # context: exactly where the code allows it
    doc_ctx = {c.strip() for c in fields["Context"].split(",")}
    assert doc_ctx == ctx, "admin guide %s: context %s, code %s" % (name, doc_ctx, ctx)
    # a description (a bullet that is not one of the three fields) and an example
    desc = [l for l in body.splitlines() if l.startswith("- ") and not l.startswith("- **")]
    assert desc and len(" ".join(desc)) > 40, "admin guide %s: no description" % name
    ex = re.search(r"```apache\n(.*?)```", body, re.S)
    assert ex, "admin guide %s: no ```apache example" % name
    lines = [l.strip() for l in ex.group(1).splitlines() if l.strip().startswith(name + " ")]
    assert lines, "admin guide %s: the example does not use it" % name
    for line in lines:
        n = len(split_args(line))
        assert lo <= n and (hi is None or n <= hi), (name, kind, line)


def test_readme_lists_no_other_directive():
    code = set(code_directives())
    headings = set(re.findall(r"\n### `(ISMSReview\w+)`", readme_section()))
    assert headings == code, (headings ^ code)


@pytest.mark.parametrize("name", sorted(code_directives()))
def test_shipped_conf_has_directive(name):
    lines = open(CONF_IN).read().splitlines()
    hits = [i for i, l in enumerate(lines)
            if re.match(r"\s*#?\s*%s\s" % name, l)]
    assert hits, "conf/ismsreview.conf.in does not mention %s" % name
    # the first mention is explained: a comment line above it (or above the run of lines of
    # the same directive it belongs to)
    i = hits[0] - 1
    while i >= 0 and re.match(r"\s*#?\s*%s\s" % name, lines[i]):
        i -= 1
    assert i >= 0 and lines[i].strip().startswith("#") and \
        not NAME_RE.match(lines[i].strip().lstrip("# ")), \
        "conf/ismsreview.conf.in: %s has no comment line above it" % name


@pytest.mark.parametrize("path", [README, CONF_IN, os.path.join(REPO, "HACKING.md")] + DOCS,
                         ids=lambda p: os.path.relpath(p, REPO))
def test_docs_name_only_real_directives(path):
    code = set(code_directives())
    named = set(NAME_RE.findall(open(path).read()))
    unknown = named - code
    assert not unknown, "%s names directives the code does not have: %s" % (
        os.path.relpath(path, REPO), sorted(unknown))


def test_checker_catches_a_missing_directive(monkeypatch, tmp_path):
    """The checks above can fail: an admin guide without one of the sections is caught."""
    text = open(GUIDE).read()
    broken = re.sub(r"\n### `ISMSReviewInterval`\n.*?(?=\n### )", "\n", text, flags=re.S)
    assert broken != text
    fake = tmp_path / "admin-guide.md"
    fake.write_text(broken)
    monkeypatch.setattr(__import__(__name__), "GUIDE", str(fake))
    with pytest.raises(AssertionError):
        test_readme_lists_no_other_directive()
    with pytest.raises(AssertionError):
        test_readme_documents_directive("ISMSReviewInterval")
