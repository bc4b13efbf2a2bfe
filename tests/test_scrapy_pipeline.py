"""The Scrapy pipeline and add-on: unit behaviour, and a real crawl on loopback.

The crawl test serves farm pages and clean pages (UTF-8 and GBK; charset in
the HTTP header, in a <meta>, or nowhere) from an HTTP server on 127.0.0.1
and runs a real Scrapy crawl in a subprocess (keeping Twisted's reactor out
of pytest), once with SPAMDETECT_ACTION=drop and once with annotate.
Farm pages carry the test plugin's marker (tests/plugins/crawler/marker.py);
one clean page sits under a path on a block list of the domain plugin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.settings import Settings
from test_domains_plugin import domains_installed, plugin_env  # noqa: F401 - shared fixture

from detector import Config, Detector
from detector.integrations.scrapy import SpamdetectAddon, SpamFilterPipeline

MARKER_DIR = Path(__file__).parent / "plugins" / "crawler"

_FARM_BODY = (
    "<p>小编导语:很多朋友都在问这个平台的问题,本站将从多个角度为大家分析。</p>"
    "<p>一、平台介绍</p><p>这里是一段随手写的填充内容,农场标记,用于测试。</p>"
    "<p>六、小编总结</p><p>以上就是小编为大家整理的全部内容。</p>"
)
_CLEAN_BODY = (
    "<p>本市今天举行了秋季运动会,来自三十所学校的两千多名学生参加了比赛。</p>"
    "<p>组织者表示,明年将增加游泳和射箭项目,欢迎更多学校报名。</p>"
)


def _page(title: str, body: str, meta: str = "") -> str:
    return f"<!doctype html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


#: path -> (bytes, Content-Type header, expected outcome)
PAGES: dict[str, tuple[bytes, str, str]] = {
    "/farm/gbk-header.html": (_page("平台逾期怎么办", _FARM_BODY).encode("gbk"),
                              "text/html; charset=gbk", "reject"),
    "/farm/gbk-meta.html": (_page("平台协商技巧", _FARM_BODY,
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                                  ).encode("gbk"), "text/html", "reject"),
    "/farm/utf8.html": (_page("网贷逾期", _FARM_BODY, '<meta charset="utf-8">').encode("utf-8"),
                        "text/html; charset=utf-8", "reject"),
    # No test marker: only the real template rules (rules/*.yaml) can reject this one.
    "/farm/gbk-template-only.html": (_page("平台协商还款", _FARM_BODY.replace("农场标记,", "")
                                           ).encode("gbk"), "text/html; charset=gbk", "reject"),
    "/clean/gbk-header.html": (_page("秋季运动会", _CLEAN_BODY).encode("gbk"),
                               "text/html; charset=gbk", "allow"),
    "/clean/gbk-undeclared.html": (_page("秋季运动会开幕", _CLEAN_BODY * 3).encode("gbk"),
                                   "text/html", "allow"),
    "/clean/utf8.html": (_page("运动会", _CLEAN_BODY).encode("utf-8"),
                         "text/html; charset=utf-8", "allow"),
    "/farmsite/clean.html": (_page("运动会报道", _CLEAN_BODY).encode("utf-8"),
                             "text/html; charset=utf-8", "allow"),
}


_ARTICLE = (
    "市图书馆昨天发布了新的开放时间安排,从下个月起,周末的闭馆时间推迟到晚上九点。"
    "馆方介绍,这次调整是根据去年读者问卷的结果作出的,超过六成的读者希望周末能多留一些时间。"
    "为了配合新的安排,图书馆还将增加两个自助借还书机,并在三楼开设一间可以小声讨论的学习室。"
    "少儿阅览区的故事会也会从每月一次改为每两周一次,由志愿者轮流主持。"
    "馆长在发布会上说,图书馆不仅是借书的地方,也应该是市民愿意停留的公共空间。"
    "有读者提出停车位紧张的问题,馆方表示正在和附近的学校商量,周末开放部分操场作为临时停车场。"
)
#: The same article on two sites; site B's copy has a few characters changed.
REPOSTS: dict[str, bytes] = {
    "/site-a/article.html": _page("图书馆调整开放时间", f"<p>{_ARTICLE}</p>").encode("gbk"),
    "/site-b/article.html": _page("图书馆周末延长开放", "<p>" + _ARTICLE.replace("昨天", "近日")
                                  .replace("两个", "三个") + "</p>").encode("gbk"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server API
        if self.path == "/":
            links = "".join(f'<a href="{p}">{p}</a>' for p in PAGES)
            body, ctype = f"<html><body>{links}</body></html>".encode(), "text/html; charset=utf-8"
        elif self.path in ("/site-a/", "/site-b/"):
            link = self.path + "article.html"
            body, ctype = f'<html><body><a href="{link}">x</a></body></html>'.encode(), "text/html"
        elif self.path in REPOSTS:
            body, ctype = REPOSTS[self.path], "text/html; charset=gbk"
        elif self.path in PAGES:
            body, ctype, _ = PAGES[self.path]
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


_SPIDER = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

class PagesSpider(scrapy.Spider):
    name = "pages"

    def __init__(self, start, **kw):
        super().__init__(**kw)
        self.start_urls = [start]

    def parse(self, response):
        if response.url.endswith("/"):
            yield from response.follow_all(css="a", callback=self.parse)
            return
        yield {"url": response.url, "html": response.body,
               "content_type": response.headers.get("Content-Type")}

settings = json.loads(sys.argv[2])
process = CrawlerProcess(settings)
process.crawl(PagesSpider, start=sys.argv[1])
process.start()
'''


def _crawl(tmp_path: Path, start: str, action: str, target: Path,
           extra_options: str = "", extra_settings: dict | None = None) -> tuple[list[dict], str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "blocked.txt").write_text("domain-path:127.0.0.1/farmsite\n", encoding="utf-8")
    (tmp_path / "spamdetect.toml").write_text(
        '[options]\n"domains.block" = [{name = "test-farms", path = "blocked.txt"}]\n'
        + extra_options, encoding="utf-8")
    script = tmp_path / "crawl.py"
    script.write_text(_SPIDER, encoding="utf-8")
    feed = tmp_path / f"items-{action}.jsonl"
    log = tmp_path / f"crawl-{action}.log"
    settings = {
        "ADDONS": {"detector.integrations.scrapy.SpamdetectAddon": 0},
        "SPAMDETECT_ACTION": action,
        "SPAMDETECT_CONFIG": str(tmp_path / "spamdetect.toml"),
        "SPAMDETECT_PLUGINS_DIR": str(MARKER_DIR),
        "FEEDS": {str(feed): {"format": "jsonlines", "fields": ["url", "spamdetect"]}},
        "LOG_FILE": str(log),
        "LOG_LEVEL": "INFO",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        **(extra_settings or {}),
    }
    env = {**plugin_env(target), "SPAMDETECT_LOAD_PLUGINS": "domains"}
    proc = subprocess.run([sys.executable, str(script), start, json.dumps(settings)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    assert proc.returncode == 0, proc.stderr[-3000:] + text[-3000:]
    items = [json.loads(x) for x in feed.read_text(encoding="utf-8").splitlines() if x.strip()]
    return items, text


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_real_crawl_drops_farm_pages(tmp_path, server, domains_installed):  # noqa: F811
    items, log = _crawl(tmp_path, server + "/", "drop", domains_installed)
    kept = sorted(_path(i["url"]) for i in items)
    assert kept == sorted(p for p, (_, _, want) in PAGES.items() if want == "allow")
    for path, (_, _, want) in PAGES.items():
        dropped_line = [ln for ln in log.splitlines() if "Dropped: spamdetect reject" in ln
                        and path in ln]
        if want == "reject":
            assert dropped_line, path
            assert " INFO: " in dropped_line[0]
            rule = "TEST_FARM_MARKER" if "template-only" not in path else "ZH_TEMPLATE_XIAOBIAN_INTRO"
            assert rule in dropped_line[0], dropped_line[0]
        else:
            assert not dropped_line, path
    assert "'spamdetect/dropped': 4" in log
    assert "'spamdetect/checked': 8" in log


def test_real_crawl_annotates_every_page(tmp_path, server, domains_installed):  # noqa: F811
    items, _ = _crawl(tmp_path, server + "/", "annotate", domains_installed)
    got = {_path(i["url"]): i["spamdetect"] for i in items}
    assert set(got) == set(PAGES)
    for path, (_, _, want) in PAGES.items():
        v = got[path]
        assert v["action"] == want, (path, v["hits"])
        rules = {h["rule"] for h in v["hits"]}
        # Every page decoded cleanly, GBK ones included (header, meta or sniffed).
        assert "ENC_UNDECODABLE_BYTES" not in rules, path
        if want == "reject":
            # The real template rules fire on every farm page (GBK ones decoded correctly) ...
            intro = next(h for h in v["hits"] if h["rule"] == "ZH_TEMPLATE_XIAOBIAN_INTRO")
            assert intro["evidence"][0]["text"].startswith("小编导语")
            if "template-only" not in path:  # ... and the test marker where there is one.
                marker = next(h for h in v["hits"] if h["rule"] == "TEST_FARM_MARKER")
                assert marker["evidence"][0]["text"] == "农场标记"
    domain = {h["rule"]: h for h in got["/farmsite/clean.html"]["hits"]}
    assert "DOMAIN_TEST_FARMS" in domain and domain["DOMAIN_TEST_FARMS"]["details"]["kind"] == "domain-path"
    assert not any(h["group"] == "domain" for h in got["/clean/utf8.html"]["hits"])


# ---------------------------------------------------------------------------
# unit behaviour (no crawl)


class _Crawler:
    def __init__(self, settings):
        self.settings = Settings(settings)
        self.stats = None


def test_disabled_pipeline_is_not_configured():
    with pytest.raises(NotConfigured):
        SpamFilterPipeline.from_crawler(_Crawler({"SPAMDETECT_ENABLED": False}))


def test_invalid_action_is_an_error():
    with pytest.raises(ValueError, match="SPAMDETECT_ACTION"):
        SpamFilterPipeline.from_crawler(_Crawler({"SPAMDETECT_ACTION": "delete"}))


def test_addon_inserts_the_pipeline():
    s = Settings({"SPAMDETECT_PIPELINE_PRIORITY": 50})
    SpamdetectAddon().update_settings(s)
    assert s["ITEM_PIPELINES"][SpamFilterPipeline] == 50


def test_process_item_reads_configured_fields_and_drops_at_info():
    det = Detector(config=Config(), load_entrypoints=False, plugins_dir=MARKER_DIR)
    pipe = SpamFilterPipeline(det, fields={"text": "body", "url": "link"})
    keep = {"body": "普通的新闻文字。", "link": "https://news.example/1"}
    assert pipe.process_item(keep) is keep
    with pytest.raises(DropItem) as exc:
        pipe.process_item({"body": "这里有农场标记。", "link": "https://farm.example/2"})
    assert exc.value.log_level == "INFO"
    assert "https://farm.example/2" in str(exc.value) and "TEST_FARM_MARKER" in str(exc.value)
    # An item without any page field passes through untouched.
    other = {"price": 3}
    assert pipe.process_item(other) is other


def test_annotate_mode_adds_the_verdict_and_review_threshold():
    det = Detector(config=Config({"review": 3.0, "reject": 20.0}), load_entrypoints=False,
                   plugins_dir=MARKER_DIR)
    item = {"text": "这里有农场标记。"}
    SpamFilterPipeline(det, action="annotate").process_item(item)
    assert item["spamdetect"]["action"] == "review"
    with pytest.raises(DropItem):
        SpamFilterPipeline(det, drop_on="review").process_item({"text": "农场标记"})
    assert SpamFilterPipeline(det).process_item({"text": "农场标记"})  # review < reject: kept


def test_crawler_processes_share_a_redis_index(tmp_path, server, domains_installed,  # noqa: F811
                                               redis_url):
    """Two crawler processes, one Redis index: the second sees the first one's article."""
    learn = '"index.learn" = true\n'
    spec = redis_url + "?prefix=crawl-test"
    first, _ = _crawl(tmp_path / "a", server + "/site-a/", "annotate", domains_installed,
                      learn, {"SPAMDETECT_INDEX": spec})
    second, _ = _crawl(tmp_path / "b", server + "/site-b/", "annotate", domains_installed,
                       learn, {"SPAMDETECT_INDEX": spec})
    (a,), (b,) = first, second
    assert a["spamdetect"]["near_duplicates"] == []
    dups = b["spamdetect"]["near_duplicates"]
    assert [d["id"] for d in dups] == [a["url"]]  # the pipeline ids documents by URL
    assert dups[0]["similarity"] >= 0.8
    assert "DUP_REPOST" in {h["rule"] for h in b["spamdetect"]["hits"]}
