"""Host lists in the community formats, and matching a URL against them.

One :class:`HostList` is built from one or more list files. Each line holds
one entry; blank lines and lines starting with ``#`` or ``!`` are ignored and
a ``  # comment`` tail is stripped. Understood kinds:

``host``
    ``example.com``: the host *and every subdomain* (``www.example.com``,
    ``a.b.example.com``). A host needs at least one dot, so a stray word or
    a bare TLD never blocks a whole namespace. Internationalised names are
    matched in their IDNA (punycode) form.
``glob``
    A host with ``*`` inside labels: ``xgz*.top``, ``name.blogspot.*``,
    ``daliulian.*.com``. ``*`` matches within one label; subdomains are
    covered as for ``host``.
``regex``
    ``/^https?://…/`` lines: a regular expression searched in the full URL
    (``regex`` module, under a time limit).
``domain-path``
    ``domain-path:host/path``: URLs on the host (or a subdomain) whose path
    is ``/path`` or lies below it.
``shorthand``
    ``udn:ID``, ``xuite:ID``, ``pchome:ID``: one user's blog on a blog
    platform (``blog.udn.com/ID``, ``blog.xuite.net/ID``,
    ``mypaper.pchome.com.tw/ID``), matched like ``domain-path``.
``ublacklist``
    uBlacklist match patterns: ``*://*.host/*`` (host and subdomains),
    ``*://host/*`` (that host only), ``https://host/path*`` (a path prefix).
TSV rows
    ``pattern<TAB>list``: the first field is read as above.

Anything else (uBlacklist ``title/…/`` rules, ``@`` unblock lines, an invalid
regex, a host without a dot…) is skipped and counted in
:attr:`HostList.skipped` by kind; it is never an error.

Matching cost: the URL's host is split into labels and each suffix
(``a.b.example.com``, ``b.example.com``, ``example.com``, ``com``) is looked
up in a dictionary of hosts, one of path prefixes and one of glob buckets
(keyed by the glob's rightmost literal label), so the work is constant per
host label whatever the list size. Only ``regex`` entries (a handful in
practice) are tried one by one.

Protected hosts (large platforms: toutiao.com, sohu.com, weixin.qq.com …)
are never blocked wholesale: an entry naming a protected host or one of its
parents, a glob that matches one, or a regex hit on a protected host or
under one, is ignored (counted as ``protected``). An entry naming a
*specific* sub-site or path on a platform (``someone.pixnet.net``,
``domain-path:cloud.tencent.com/developer/ask``) still applies.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import regex

#: Platforms whose own hosts a list can never block wholesale (see module docstring).
DEFAULT_PROTECTED: tuple[str, ...] = (
    "toutiao.com", "sohu.com", "baidu.com", "bilibili.com", "zhihu.com", "weixin.qq.com",
    "qq.com", "sina.com.cn", "weibo.com", "163.com", "douban.com", "jianshu.com",
    "wordpress.com", "blogspot.com", "medium.com", "github.com", "google.com",
    "wikipedia.org", "youtube.com", "facebook.com", "twitter.com", "x.com",
)

#: Blog-platform shorthands: prefix -> (host, path template).
SHORTHANDS: dict[str, tuple[str, str]] = {
    "udn": ("blog.udn.com", "/{}"),
    "xuite": ("blog.xuite.net", "/{}"),
    "pchome": ("mypaper.pchome.com.tw", "/{}"),
}

_HOST_RE = regex.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+")
_GLOB_LABEL_RE = regex.compile(r"[a-z0-9_*-]+")
_COMMENT_RE = regex.compile(r"\s+#.*$")
_UBL_RE = regex.compile(r"^(\*|https?)://([^/]+)(/.*)?$")
#: Per-call time limit for ``regex`` entries, seconds.
REGEX_TIMEOUT = 0.02


@dataclass(frozen=True, slots=True)
class Entry:
    """One list entry that matched.

    Attributes:
        list: Name of the list.
        kind: ``host``, ``glob``, ``regex``, ``domain-path``, ``shorthand``
            or ``ublacklist``.
        raw: The entry as written (without the comment).
        line: 1-based line number in ``source``.
        source: The file it came from.
    """

    list: str
    kind: str
    raw: str
    line: int
    source: str


def normalize_host(host: str) -> str | None:
    """Lower-case, strip a trailing dot, IDNA-encode; None when unusable.

    Examples:
        >>> normalize_host("WWW.Example.COM."), normalize_host("中文.com")
        ('www.example.com', 'xn--fiq228c.com')
    """
    h = host.strip().lower().rstrip(".")
    if not h:
        return None
    if not h.isascii():
        try:
            h = h.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return h


def split_url(url: str) -> tuple[str, str] | None:
    """``(host, path)`` of a URL (scheme optional); None when it has no host.

    Examples:
        >>> split_url("https://User@Sub.Example.com:8080/a/b?q=1")
        ('sub.example.com', '/a/b')
        >>> split_url("example.org/x")
        ('example.org', '/x')
    """
    if not url:
        return None
    u = url.strip()
    if "://" not in u[:12]:
        u = "http://" + u.lstrip("/")
    try:
        parts = urlsplit(u)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    h = normalize_host(host)
    if h is None:
        return None
    return h, parts.path or "/"


def _suffixes(host: str) -> list[str]:
    """``a.b.c`` -> ``["a.b.c", "b.c", "c"]`` (most specific first)."""
    labels = host.split(".")
    out: list[str] = []
    acc = ""
    for label in reversed(labels):
        acc = label if not acc else f"{label}.{acc}"
        out.append(acc)
    out.reverse()
    return out


def _path_under(path: str, prefix: str) -> bool:
    if prefix in ("", "/"):
        return True
    if not path.startswith(prefix):
        return False
    return len(path) == len(prefix) or prefix.endswith("/") or path[len(prefix)] in "/?#;."


def _glob_regex(glob: str) -> str:
    parts = []
    for label in glob.split("."):
        if label == "*":
            parts.append(r"[^.]+")
        else:
            parts.append(r"[^.]*".join(regex.escape(p) for p in label.split("*")))
    return r"\.".join(parts)


class HostList:
    """A block or allow list: hosts, globs, paths and regexes from list files.

    Args:
        name: The list's name (shown in hits and used in rule ids).
        protected: Hosts that cannot be blocked wholesale.

    Examples:
        >>> hl = HostList("demo")
        >>> hl.add_lines(["farm.example  # a farm", "domain-path:blog.example/spam",
        ...               "*://*.other.test/*", "title/小.百科网/"], source="inline")
        >>> hl.match("https://www.farm.example/a").raw
        'farm.example'
        >>> hl.match("https://blog.example/spammer/1") is None, hl.match("https://blog.example/spam/1").kind
        (True, 'domain-path')
        >>> dict(hl.skipped)
        {'ublacklist-title': 1}
    """

    def __init__(self, name: str, protected: Iterable[str] = DEFAULT_PROTECTED) -> None:
        self.name = name
        self.hosts: dict[str, Entry] = {}
        self.exact: dict[str, Entry] = {}
        self.paths: dict[str, list[tuple[str, Entry]]] = {}
        self._glob_src: dict[str, list[tuple[str, Entry]]] = {}
        self._globs: dict[str, tuple[regex.Pattern[str], list[Entry]]] | None = None
        self.regexes: list[tuple[regex.Pattern[str], Entry]] = []
        self.counts: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.protected = frozenset(h for h in (normalize_host(p) for p in protected) if h)
        self._protected_forms = self.protected | {f"www.{h}" for h in self.protected}

    # -- loading ------------------------------------------------------------
    def load(self, path: str | os.PathLike[str]) -> None:
        """Add every entry of the file at ``path`` (UTF-8; undecodable bytes replaced)."""
        p = Path(path)
        with p.open("r", encoding="utf-8", errors="replace") as fh:
            self.add_lines(fh, source=str(p))

    def add_lines(self, lines: Iterable[str], source: str = "") -> None:
        """Add entries from an iterable of lines."""
        for n, line in enumerate(lines, start=1):
            self._add(line, n, source)
        self._globs = None

    def _skip(self, kind: str) -> None:
        self.skipped[kind] += 1

    def _is_protected(self, host: str) -> bool:
        """True when blocking ``host`` wholesale would block a protected host."""
        if host in self._protected_forms:
            return True
        return any(p.endswith("." + host) for p in self.protected)

    def _add(self, line: str, n: int, source: str) -> None:
        s = line.strip().lstrip("\ufeff")
        if not s or s[0] in "#!":
            return
        if "\t" in s:
            s = s.split("\t", 1)[0].strip()
            if not s:
                return
        if s.startswith("/"):
            self._add_regex(s, n, source)
            return
        s = _COMMENT_RE.sub("", s).strip()
        if not s or s.startswith("#"):
            return
        if s.startswith("@"):
            self._skip("ublacklist-unblock")
            return
        if s.startswith("title/"):
            self._skip("ublacklist-title")
            return
        m = _UBL_RE.match(s)
        if m:
            self._add_ublacklist(s, m, n, source)
            return
        if s.startswith("domain-path:"):
            self._add_path(s[len("domain-path:"):], "domain-path", s, n, source)
            return
        prefix, sep, rest = s.partition(":")
        if sep and prefix.lower() in SHORTHANDS:
            rest = rest.strip().rstrip("/")
            if not rest or "/" in rest or " " in rest:
                self._skip("shorthand-invalid")
                return
            host, tpl = SHORTHANDS[prefix.lower()]
            self._add_path(host + tpl.format(rest), "shorthand", s, n, source)
            return
        if sep:
            self._skip(f"prefix-{prefix.lower()[:20]}")
            return
        self._add_host(s, "host", s, n, source, subdomains=True)

    def _add_host(self, host: str, kind: str, raw: str, n: int, source: str, *,
                  subdomains: bool) -> None:
        if "*" in host:
            self._add_glob(host, kind, raw, n, source)
            return
        h = normalize_host(host)
        if h is None or not _HOST_RE.fullmatch(h):
            self._skip("invalid-host")
            return
        if self._is_protected(h):
            self._skip("protected")
            return
        entry = Entry(self.name, kind, raw, n, source)
        target = self.hosts if subdomains else self.exact
        target.setdefault(h, entry)
        self.counts[kind] += 1

    def _add_glob(self, glob: str, kind: str, raw: str, n: int, source: str) -> None:
        g = glob.strip().lower().rstrip(".")
        if g.startswith("*."):
            g = g[2:]  # "*.host" = host and its subdomains, as for plain hosts
        labels = g.split(".")
        if len(labels) < 2 or not all(_GLOB_LABEL_RE.fullmatch(x) for x in labels):
            self._skip("invalid-glob")
            return
        literal = [x for x in labels if "*" not in x]
        if not literal:
            self._skip("glob-too-broad")
            return
        if "*" not in g:
            self._add_host(g, kind, raw, n, source, subdomains=True)
            return
        pat = regex.compile(r"(?:^|\.)" + _glob_regex(g) + r"$")
        if any(pat.search(p) for p in self._protected_forms):
            self._skip("protected")
            return
        self._glob_src.setdefault(literal[-1], []).append(
            (_glob_regex(g), Entry(self.name, "glob", raw, n, source)))
        self.counts["glob"] += 1

    def _add_path(self, spec: str, kind: str, raw: str, n: int, source: str) -> None:
        host, slash, path = spec.strip().partition("/")
        h = normalize_host(host)
        if h is None or not _HOST_RE.fullmatch(h):
            self._skip(f"{kind}-invalid")
            return
        prefix = "/" + path if slash else "/"
        if prefix == "/":
            self._add_host(h, kind, raw, n, source, subdomains=True)
            return
        self.paths.setdefault(h, []).append((prefix, Entry(self.name, kind, raw, n, source)))
        self.counts[kind] += 1

    def _add_regex(self, s: str, n: int, source: str) -> None:
        body = _COMMENT_RE.sub("", s).strip()
        if len(body) < 3 or not body.endswith("/"):
            self._skip("regex-invalid")
            return
        try:
            pat = regex.compile(body[1:-1], regex.IGNORECASE)
        except regex.error:
            self._skip("regex-invalid")
            return
        self.regexes.append((pat, Entry(self.name, "regex", body, n, source)))
        self.counts["regex"] += 1

    def _add_ublacklist(self, s: str, m: regex.Match[str], n: int, source: str) -> None:
        host, path = m.group(2), m.group(3) or "/*"
        if host == "*":
            # A path pattern on every host: turn the match pattern into a regex.
            body = "^https?://[^/]+" + regex.escape(path).replace(r"\*", ".*")
            self.regexes.append((regex.compile(body, regex.IGNORECASE),
                                 Entry(self.name, "ublacklist", s, n, source)))
            self.counts["ublacklist"] += 1
            return
        subdomains = host.startswith("*.")
        bare = host[2:] if subdomains else host
        if path in ("/*", "/"):
            if "*" in bare:
                self._add_glob(bare, "ublacklist", s, n, source)
            else:
                self._add_host(bare, "ublacklist", s, n, source, subdomains=subdomains)
            return
        if "*" in bare or "*" in path.rstrip("*"):
            self._skip("ublacklist-complex")
            return
        self._add_path(bare + path.rstrip("*"), "ublacklist", s, n, source)

    # -- matching -----------------------------------------------------------
    def _compiled_globs(self) -> dict[str, tuple[regex.Pattern[str], list[Entry]]]:
        if self._globs is None:
            out = {}
            for key, items in self._glob_src.items():
                alts = "|".join(f"(?P<g{i}>{src})" for i, (src, _) in enumerate(items))
                out[key] = (regex.compile(r"(?:^|\.)(?:" + alts + r")$"), [e for _, e in items])
            self._globs = out
        return self._globs

    def __len__(self) -> int:
        return sum(self.counts.values())

    def match(self, url: str) -> Entry | None:
        """The most specific entry covering ``url``, or None.

        Args:
            url: An absolute URL (a missing scheme is tolerated).

        Returns:
            The matching :class:`Entry`, or None.
        """
        hp = split_url(url)
        if hp is None:
            return None
        host, path = hp
        return self.match_host_path(host, path, url)

    def match_host_path(self, host: str, path: str, url: str) -> Entry | None:
        """Like :meth:`match` for an already split, normalised ``host`` and ``path``."""
        e = self.exact.get(host)
        if e is not None:
            return e
        globs = self._compiled_globs() if self._glob_src else None
        for suffix in _suffixes(host):
            cands = self.paths.get(suffix)
            if cands:
                for prefix, entry in cands:
                    if _path_under(path, prefix):
                        return entry
            e = self.hosts.get(suffix)
            if e is not None:
                return e
        if globs:
            for label in set(host.split(".")):
                g = globs.get(label)
                if g is not None:
                    m = g[0].search(host)
                    if m is not None and m.lastgroup:
                        return g[1][int(m.lastgroup[1:])]
        if self.regexes and not self._under_protected(host):
            for pat, entry in self.regexes:
                try:
                    if pat.search(url, timeout=REGEX_TIMEOUT):
                        return entry
                except TimeoutError:
                    self.skipped["regex-timeout"] += 1
        return None

    def _under_protected(self, host: str) -> bool:
        return any(s in self.protected for s in _suffixes(host))
