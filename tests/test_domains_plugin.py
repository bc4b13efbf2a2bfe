"""The spamdetect-domains plugin: list formats, entry-point loading, the real community lists.

The plugin is a separate distribution under plugins/spamdetect-domains. The
``domains_installed`` fixture builds and installs it with pip into a
temporary directory placed first on ``sys.path`` (and on PYTHONPATH for
subprocesses), so the entry point is the real one a user gets and the test
environment is left alone.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detector import Config, Detector
from detector.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
PLUGIN_DIR = REPO / "plugins" / "spamdetect-domains"
PLATFORMS = ("toutiao.com", "sohu.com", "baidu.com", "bilibili.com", "zhihu.com",
             "weixin.qq.com", "sina.com.cn")


@pytest.fixture(scope="session")
def domains_installed(tmp_path_factory):
    """Build and install the plugin with pip into a directory put first on sys.path.

    The test environment itself is not modified; subprocesses get the
    directory through PYTHONPATH (see :func:`plugin_env`).
    """
    target = tmp_path_factory.mktemp("domains-plugin")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--disable-pip-version-check", "--target", str(target), str(PLUGIN_DIR)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    for name in [m for m in sys.modules if m == "spamdetect_domains" or m.startswith("spamdetect_domains.")]:
        del sys.modules[name]
    eps = [ep for ep in importlib.metadata.entry_points(group="spamdetect") if ep.name == "domains"]
    assert eps, "spamdetect-domains exposes no 'domains' entry point"
    assert Path(eps[0].load().__file__).is_relative_to(target)
    yield target
    sys.path.remove(str(target))


def plugin_env(target: Path) -> dict[str, str]:
    """Environment for a subprocess that sees the installed plugin."""
    pp = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(target) + (os.pathsep + pp if pp else "")}


@pytest.fixture
def lists_dir(tmp_path):
    (tmp_path / "farms.txt").write_text(
        "# a hand-written block list\n"
        "farm-one.example   # plain host, covers subdomains\n"
        "only.sub.example\n"
        "xgz*.test\n"
        "post.*.example\n"
        "/^https?://[^/]+/go\\.php\\?u=/\n"
        "domain-path:news.example/farm\n"
        "udn:spammer01\n"
        "*://*.ubl-farm.example/*\n"
        "*://exact-only.example/*\n"
        "title/小.百科网/\n"
        "@*://*.ubl-farm.example/*\n"
        "pattern\tlist\n"
        "tsv-farm.example\tcontent-farms\n"
        "strange:thing\n"
        "/[unclosed/\n"
        "sohu.com\n"
        "writer.sohu.com\n"
        "中文农场.example\n",
        encoding="utf-8")
    (tmp_path / "allow.txt").write_text("good.farm-one.example\n", encoding="utf-8")
    (tmp_path / "nearly.txt").write_text("borderline.example\n", encoding="utf-8")
    return tmp_path


def _detector(lists_dir: Path, **options) -> Detector:
    opts = {
        "domains.block": ["farms.txt", {"name": "nearly", "path": "nearly.txt", "weight": 1.5}],
        "domains.allow": ["allow.txt"],
        **options,
    }
    cfg = Config({"options": opts}, path=lists_dir / "spamdetect.toml")
    return Detector(config=cfg)


def _hit(det: Detector, url: str):
    v = det.check(text="一段普通的文字。", url=url)
    hits = [h for h in v.hits if h.group == "domain"]
    return hits[0] if hits else None


def test_plugin_loads_through_its_entry_point(domains_installed, lists_dir, monkeypatch):
    monkeypatch.setenv("SPAMDETECT_LOAD_PLUGINS", "domains")
    det = _detector(lists_dir)
    assert det.pm.has_plugin("domains")
    h = _hit(det, "https://www.farm-one.example/a/1.html")
    assert h is not None and h.rule == "DOMAIN_FARMS" and h.weight == 4.0
    assert h.details["list"] == "farms" and h.details["entry"] == "farm-one.example"
    assert "farms" in h.description_zh and "farms" in h.description_en
    # Without the entry point nobody declares the options: they come from the plugin.
    monkeypatch.setenv("SPAMDETECT_LOAD_PLUGINS", "")
    with pytest.raises(ConfigError, match="options.domains"):
        _detector(lists_dir)


@pytest.mark.parametrize("url, entry", [
    ("http://farm-one.example/", "farm-one.example"),
    ("https://a.b.farm-one.example:8443/x?y=1", "farm-one.example"),
    ("https://only.sub.example/p", "only.sub.example"),
    ("https://xgz123.test/", "xgz*.test"),
    ("https://post.any.example/", "post.*.example"),
    ("https://clean.example/go.php?u=abc", "/^https?://[^/]+/go\\.php\\?u=/"),
    ("https://news.example/farm/2024/1.html", "domain-path:news.example/farm"),
    ("https://blog.udn.com/spammer01/123", "udn:spammer01"),
    ("https://x.ubl-farm.example/a", "*://*.ubl-farm.example/*"),
    ("https://ubl-farm.example/", "*://*.ubl-farm.example/*"),
    ("https://exact-only.example/", "*://exact-only.example/*"),
    ("https://tsv-farm.example/", "tsv-farm.example"),
    ("https://writer.sohu.com/a/1", "writer.sohu.com"),
    ("https://www.中文农场.example/", "中文农场.example"),
    ("https://www.xn--fiqp7fjvgm8q.example/", "中文农场.example"),
])
def test_formats_that_hit(domains_installed, lists_dir, url, entry):
    h = _hit(_detector(lists_dir), url)
    assert h is not None, url
    assert h.details["entry"] == entry


@pytest.mark.parametrize("url", [
    "https://sub.example/",              # parent of a subdomain-only entry
    "https://example/",
    "https://www.exact-only.example/",   # *://host/* covers that host only
    "https://news.example/farmer/1",     # path prefix ends at a segment boundary
    "https://news.example/",
    "https://blog.udn.com/spammer012/1",
    "https://blog.udn.com/",
    "https://good.farm-one.example/ok",  # allow list wins
    "https://www.sohu.com/a/123",        # protected platform: "sohu.com" entry ignored
    "https://sohu.com/",
    "https://xgz.test.other/",
    "not a url at all",
    "",
    "https://[::1/",
])
def test_urls_that_do_not_hit(domains_installed, lists_dir, url):
    assert _hit(_detector(lists_dir), url) is None


def test_unknown_entries_are_counted_not_fatal(domains_installed, lists_dir):
    det = _detector(lists_dir)
    check = next(c for c in det.checks if c.name == "domains")
    skipped = check.stats()["farms"]["skipped"]
    assert skipped["ublacklist-title"] == 1
    assert skipped["ublacklist-unblock"] == 1
    assert skipped["regex-invalid"] == 1
    assert skipped["prefix-strange"] == 1
    assert skipped["invalid-host"] == 1  # the TSV header "pattern"
    assert skipped["protected"] == 1     # "sohu.com"


def test_second_list_has_its_own_rule_and_weight(domains_installed, lists_dir):
    det = _detector(lists_dir)
    h = _hit(det, "https://borderline.example/")
    assert h.rule == "DOMAIN_NEARLY" and h.weight == 1.5
    ids = {r.id for r in det.rules()}
    assert {"DOMAIN_FARMS", "DOMAIN_NEARLY"} <= ids
    det2 = _detector(lists_dir)
    det2.config.data["disable"] = ["DOMAIN_NEARLY"]
    det2.config._profiles.clear()
    assert _hit(det2, "https://borderline.example/") is None


def test_configuration_errors_name_the_key(domains_installed, lists_dir):
    with pytest.raises(ConfigError, match="domains.block"):
        _detector(lists_dir, **{"domains.block": ["missing.txt"]})
    with pytest.raises(ConfigError, match="domains.block"):
        _detector(lists_dir, **{"domains.block": "farms.txt"})
    with pytest.raises(ConfigError, match="domains.block"):
        _detector(lists_dir, **{"domains.block": [{"path": "farms.txt", "colour": "red"}]})
    with pytest.raises(ConfigError, match="domains.weight"):
        _detector(lists_dir, **{"domains.weight": "heavy"})


# ---------------------------------------------------------------------------
# the real community lists (../shared/data/contentfarm-domain-lists)


@pytest.fixture(scope="module")
def real_detector(shared_data, domains_installed):
    base = shared_data / "contentfarm-domain-lists" / "danny0838"
    cfg = Config({"options": {
        "domains.block": [str(base / "content-farms.txt"), str(base / "nearly-content-farms.txt"),
                          str(base / "extra-content-farms.txt"), str(base / "bad-cloners.txt")],
        "domains.allow": [str(base / "not-content-farms.txt")],
    }})
    return Detector(config=cfg), base


def _plain_hosts(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.split("#", 1)[0].strip()
        if s and "/" not in s and ":" not in s and "*" not in s and "." in s:
            out.append(s.lower())
    return out


@pytest.mark.corpus
def test_real_list_loads_every_kind(real_detector):
    det, _ = real_detector
    check = next(c for c in det.checks if c.name == "domains")
    st = check.stats()["content-farms"]
    assert st["loaded"]["host"] > 12_000
    assert st["loaded"]["shorthand"] > 3_000  # udn: / xuite: blogs
    assert st["loaded"]["glob"] > 100 and st["loaded"]["regex"] >= 3
    assert sum(st["skipped"].values()) < 10


@pytest.mark.corpus
def test_real_list_hits_listed_hosts(real_detector):
    det, base = real_detector
    hosts = _plain_hosts(base / "content-farms.txt")
    for h in hosts[::250]:
        hit = _hit(det, f"https://www.{h}/2024/05/article.html")
        assert hit is not None and hit.rule == "DOMAIN_CONTENT_FARMS", h


@pytest.mark.corpus
def test_whitelist_and_large_platforms_never_hit(real_detector):
    det, base = real_detector
    allowed = _plain_hosts(base / "not-content-farms.txt")
    assert "toutiao.com" in allowed
    for h in list(allowed) + list(PLATFORMS):
        for url in (f"https://{h}/", f"https://www.{h}/a/123456.html", f"http://m.{h}/news?id=1"):
            assert _hit(det, url) is None, url
    for url in ("https://mp.weixin.qq.com/s/AbCdEf", "https://baijiahao.baidu.com/s?id=1",
                "https://zhuanlan.zhihu.com/p/123", "https://www.bilibili.com/read/cv1",
                "https://news.sina.com.cn/c/2024-01-01/doc.shtml"):
        assert _hit(det, url) is None, url


@pytest.mark.corpus
def test_subdomain_only_entries_do_not_taint_their_parent(real_detector):
    det, base = real_detector
    listed = set()
    for name in ("content-farms.txt", "nearly-content-farms.txt", "extra-content-farms.txt",
                 "bad-cloners.txt"):
        listed.update(_plain_hosts(base / name))
    parents = {}
    for h in sorted(listed):
        labels = h.split(".")
        for i in range(1, len(labels) - 1):
            parent = ".".join(labels[i:])
            if not any(".".join(parent.split(".")[j:]) in listed
                       for j in range(len(parent.split(".")))):
                parents.setdefault(parent, h)
    assert "pixnet.net" in parents  # hundreds of *.pixnet.net blogs are listed, not pixnet.net
    assert len(parents) > 20
    for parent, child in parents.items():
        hit = _hit(det, f"https://{parent}/")
        if hit is not None:
            # Only an entry that really covers the parent may hit (a glob or a regex),
            # never the subdomain entry.
            assert not hit.details["entry"].endswith("." + parent), (parent, hit.details)
        assert _hit(det, f"https://{child}/x") is not None, child
