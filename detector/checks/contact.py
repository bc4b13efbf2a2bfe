"""Contact-spam detection: phone, QQ, WeChat and e-mail details, weighed by context.

Content farms pad pages with ways to reach them: a mobile number "微信同号",
a QQ number, a WeChat id behind a disguise (``薇信``, ``V信``, ``加V``), a
free-mail address under "如有侵权请联系删除". Legitimate pages carry contact
details too: a bank's hotline, a newsroom's press line, a company's 400
number. The numbers alone cannot tell them apart; their *context* can.

Design:

* Everything is found in the ``contact`` view (:mod:`.contact_view`), where
  circled digits, Chinese numerals and separators are already undone, and
  reported at the original span (``View.evidence``). Each item carries its
  kind and the de-obfuscated value in ``details``.
* Items: mobile numbers (``1[3-9]`` + 9 digits, optional ``+86``/``0086``),
  Taiwan mobiles (``09`` + 8 digits) and Hong Kong ones (only with
  ``+852``), landlines (area code + 7–8 digits), 400/800 hotlines, QQ numbers (only
  after a QQ marker: QQ, 扣扣, 企鹅, Q号, QQ群 …), WeChat ids after a marker
  or one of its disguises, LINE / Telegram / WhatsApp ids after their
  markers (``加賴``, ``LINE:``, ``纸飞机``), and e-mail addresses (free-mail domains weigh
  more). Short service numbers (95555, 12315) are never items.
* One hit per kind (``CONTACT_MOBILE`` …) with a small weight: *personal*
  channels (mobile, QQ, WeChat, free mail) weigh more than *institutional*
  ones (landline, 400/800, a company domain), and no kind hit alone reaches
  2.0, so one press line or hotline never makes a page spam.
* Context hits carry the weight: the details sit in a takedown notice
  (``CONTACT_TAKEDOWN``), next to ad words (``CONTACT_AD_CONTEXT``), are
  obfuscated (``CONTACT_OBFUSCATED``), repeated (``CONTACT_REPEATED``),
  several channels are stacked in one block (``CONTACT_BLOCK``), or a
  personal channel sits in a copyright footer (``CONTACT_FOOTER``).
* All regexes run through :mod:`detector.limits`; item counts are capped,
  e-mail local parts are scanned backwards from each ``@`` with a bounded
  length, so 200 KB of digits or separators stays linear.

Options (``spamdetect_add_config``): ``contact.ad_words`` (extra ad words),
``contact.free_mail_domains`` (extra free-mail domains),
``contact.allow_values`` (numbers or addresses never reported, e.g. a
site's own hotline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from detector import hookimpl, limits
from detector.check import Check, RuleInfo
from detector.verdict import Evidence, Hit
from detector.views import View

from . import _rx
from .contact_view import build_contact_view

if TYPE_CHECKING:  # pragma: no cover
    from detector.config import Config, ConfigSpec
    from detector.document import Document

SOURCE = "check:contact"

#: Free-mail domains: an address there is a person, not an organisation.
FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "qq.com", "vip.qq.com", "foxmail.com", "163.com", "vip.163.com", "126.com", "vip.126.com",
    "yeah.net", "188.com", "sina.com", "sina.cn", "vip.sina.com", "sohu.com", "vip.sohu.com",
    "139.com", "189.cn", "wo.cn", "aliyun.com", "21cn.com", "tom.com", "gmail.com",
    "hotmail.com", "outlook.com", "live.com", "msn.com", "yahoo.com", "yahoo.com.tw",
    "yahoo.com.hk", "icloud.com", "me.com", "protonmail.com", "proton.me", "mail.com",
    "yandex.com", "hinet.net", "2980.com",
)

#: Ad words that mark a contact detail as an advertisement.
STRONG_AD_WORDS: tuple[str, ...] = (
    "加微信", "加微", "加V", "加v", "加好友", "代办", "代辦", "贷款", "貸款", "借款", "借钱", "借錢",
    "网贷", "網貸", "下款", "口子", "黑户", "黑戶", "刷单", "刷單", "兼职", "兼職", "日结", "日結",
    "包过", "包過", "套现", "套現", "回收", "代开", "代開", "发票", "發票", "办证", "辦證",
    "代写", "代寫", "私聊", "详聊", "詳聊", "引流", "推广", "推廣", "接单", "接單", "上分", "下分",
    "招商", "加盟", "出售", "批发", "批發", "现货", "現貨", "厂家", "廠家", "特价", "特價",
    "低价", "低價", "返利", "返现", "返現", "彩票", "博彩", "赌", "賭", "裸聊", "约炮", "外围",
    "外圍", "开户", "開戶", "代孕", "代购", "代購", "收购", "收購", "报价", "報價", "同号",
    "同號", "征信", "徵信", "洗白", "提额", "提額", "秒批", "秒到", "无抵押", "無抵押", "包下",
    "私人", "私訊", "私信", "加賴", "加赖", "强开", "強開", "解封", "协商还款", "協商還款",
    "停息挂账", "停息掛賬", "逾期", "加我",
)
#: Weak ad words: common in ads, but also in service notices.
WEAK_AD_WORDS: tuple[str, ...] = (
    "咨询", "諮詢", "免费", "免費", "优惠", "優惠", "热线", "熱線", "欢迎", "歡迎", "来电",
    "來電", "24小时", "24小時", "联系我", "聯繫我", "聯絡我", "立即", "马上", "馬上", "价格",
    "價格", "微信", "客服", "售后", "售後", "在线", "在線",
)

#: Kinds of contact item; personal ones are a person, not an organisation.
PERSONAL = frozenset({"mobile", "qq", "wechat", "messenger", "email_free"})

_TAKEDOWN = r"""
    (?:如有|如|若有|若|涉嫌|凡|如涉及|若涉及)[^\n]{0,6}?侵[权權][^\n]{0,12}?(?:[联聯][系繫络絡]|[删刪]除|告知|通知)
  | 侵[权權][、，,/和及与與]?[删刪](?:帖|贴|貼|除)
  | [删刪](?:帖|贴|貼|稿)[^\n]{0,6}?(?:[举舉][报報]|[联聯][系繫络絡]|投[诉訴])
  | 投[诉訴][删刪]除
  | [举舉][报報][删刪]
  | [联聯][系繫络絡][^\n]{0,8}?[删刪]除
  | [删刪]除[^\n]{0,4}?[联聯][系繫络絡]
  | 版[权權][问問]题[^\n]{0,6}?[联聯][系繫络絡]
  | 涉嫌[^\n]{0,4}?侵[权權][^\n]{0,30}?(?:[举舉][报報]|[删刪]除|[联聯][系繫络絡])
  | 侵犯[^\n]{0,8}?(?:[权權]益|[权權]利|版[权權])[^\n]{0,20}?(?:[删刪]除|告知|[联聯][系繫络絡])
  | 一[经經](?:查[实實]|核[实實]|确[认認])[^\n]{0,12}?[删刪]除
"""
_FOOTER = r"版[权權]所有|Copyright|copyright|COPYRIGHT|©|ICP[备備证證]|[备備]案[号號]|All Rights Reserved"

#: Heart symbols used as a stand-in for 信 ("v❤").
_HEARTS = r"\N{HEAVY BLACK HEART}\N{BLACK HEART SUIT}\N{WHITE HEART SUIT}\N{ROTATED HEAVY BLACK HEART BULLET}"

# Numbers. The contact view has already dropped separators between digits.
_NUMBERS = r"""
    (?<![0-9A-Za-z/=_%&?#\\])
    (?:
        (?P<mobile>
            (?:(?:\+|00)86)?1[3-9][0-9]{9}      # mainland mobile
          | (?:\+|00)8869[0-9]{8} | 09[0-9]{8}  # Taiwan mobile
          | (?:\+|00)852[5-9][0-9]{7}           # Hong Kong mobile (with its prefix only)
        )
      | (?P<hotline>[48]00[0-9]{7})
      | (?P<landline>(?:\+86)?0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7})
    )
    (?![0-9]|\.(?:s?html?|php|aspx?|jpe?g|png|gif))
"""
_QQ = r"""
    (?P<marker>
        (?<![A-Za-z])[Qq]\ ?[Qq](?![A-Za-z])
      | 扣扣 | 企[鹅鵝] | 球球
      | (?<![A-Za-z])[Qq](?=[号號群])
    )
    (?P<gap>(?:[\s:：=号號码碼群是为為加\-/]|在线|在線|客服|交流|咨询|諮詢){0,5})
    (?P<num>[1-9][0-9]{4,11})
    (?![0-9])
"""
# An id glued to a Latin marker ("加Vkf2024ab", "VXzx88abc") is read only when
# it holds a digit and is not "IP…": "加VIP", "加VIP2024", "VXlog" are words.
_GLUED_ID = r"(?![Ii][Pp])[A-Za-z][-_A-Za-z]{0,18}[0-9]"
_WECHAT = r"""
    (?P<marker>
        微信(?:[号號])? | 微[訊讯]
      | (?:威|薇|徽|嶶|溦|維|维|唯|胃|V|v)信
      | (?<![A-Za-z])[Vv][HEARTS\N{VARIATION SELECTOR-16}]+
      | [微威薇][HEARTS\N{VARIATION SELECTOR-16}]+
      | (?<![A-Za-z])[Ww][Ee][Ii]\ ?信
      | (?<![A-Za-z])(?:weixin|wechat|WeChat|WECHAT|Wechat)(?![A-Za-z])
      | (?<![A-Za-z/=._\-])[VvWw][Xx](?:(?![A-Za-z])|(?=GLUED))
      | (?:加|\+|\N{HEAVY PLUS SIGN})\ ?(?:[Vv]|微)(?:(?![A-Za-z信])|(?=GLUED))
      | 加[薇威](?![信\p{Han}])
    )
    (?P<gap>(?:同[号號])?[\ \t:：=\-号號码碼是为為\N{HEAVY BLACK HEART}]{0,4})
    (?P<id>[A-Za-z][-_A-Za-z0-9]{5,19}|(?:\+?86)?1[3-9][0-9]{9}|[1-9][0-9]{5,11})
    (?![-_A-Za-z0-9@.])
""".replace("HEARTS", _HEARTS).replace("GLUED", _GLUED_ID)
# LINE / Telegram / WhatsApp ids. Latin markers need a colon ("line: x"),
# so English prose ("the line between") is not an id.
_MESSENGER = r"""
    (?:
        (?<![A-Za-z])(?:LINE|Line|line|TG|Telegram|telegram|WhatsApp|Whatsapp|whatsapp)
            (?:\ ?(?:ID|id|Id|号|號))?\ ?[:：]\ ?
      | (?:加[賴赖]|[賴赖](?=\ ?[:：])|纸飞机|紙飛機|飞机号|飛機號|[飞飛][机機](?=\ ?[:：]\ ?@)|加(?:LINE|Line|line))[\ \t:：=号號]{0,4}
    )
    (?P<id>@?[A-Za-z][-_A-Za-z0-9]{2,30}|\+?[0-9]{6,15})
    (?![-_A-Za-z0-9@])
"""
# "13800000000(微信同号)": the mobile number is also the WeChat id.
_WECHAT_SAME = r"""\G[\ (（\[【]{0,2}(?:微信|[Vv]信|[VvWw][Xx]|薇信|威信)(?:同[号號]|[号號])?(?:[)）\]】]|同[号號])"""
_EMAIL_AT = r"@|\(at\)|\[at\]|艾特|#"
# Dots may be spelt out too ("qq点com", "qq(dot)com").
_DOT = r"(?:\.|点|點|\(dot\)|\[dot\]|\ dot\ )"
_EMAIL_DOMAIN = (
    r"\G\ ?(?P<domain>[A-Za-z0-9-]{1,63}(?:" + _DOT + r"[A-Za-z0-9-]{1,63}){0,4}" + _DOT + r"[A-Za-z]{2,10})"
    r"(?![A-Za-z0-9-])"
)
_DIGIT_SOURCES = r"[^0-9\ \t\-._·/+()（）]"

#: WeChat markers that are not disguises.
_PLAIN_WECHAT = frozenset(
    {"微信", "微信号", "微信號", "微訊", "微讯", "WeChat", "wechat", "Wechat", "WECHAT", "weixin"}
)

#: Caps that keep adversarial input bounded.
MAX_ITEMS = 200
MAX_AT_SIGNS = 2000
#: Context windows, in contact-view characters before / after an item.
AD_WINDOW = 24
TAKEDOWN_BEFORE = 120
TAKEDOWN_AFTER = 40
FOOTER_WINDOW = 80
BLOCK_SPAN = 300
#: A contact trailer: personal items in the last TRAILER_WINDOW view
#: characters, at most TRAILER_AFTER characters after the last of them, and
#: at least TRAILER_MIN_BODY characters of text before the first.
TRAILER_WINDOW = 200
TRAILER_AFTER = 40
TRAILER_MIN_BODY = 150

RULES = (
    RuleInfo("CONTACT_MOBILE", "contact", 1.0, "正文含手机号码", "A mobile phone number", source=SOURCE,
             target="contact"),
    RuleInfo("CONTACT_LANDLINE", "contact", 0.3, "正文含固定电话号码", "A landline number",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_HOTLINE", "contact", 0.3, "正文含400/800服务热线", "A 400/800 hotline number",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_QQ", "contact", 1.5, "正文含QQ号码", "A QQ number after a QQ marker",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_WECHAT", "contact", 1.8, "正文含微信号(或其变体写法)",
             "A WeChat id after a WeChat marker or one of its disguises", source=SOURCE,
             target="contact"),
    RuleInfo("CONTACT_MESSENGER", "contact", 1.8, "正文含LINE/Telegram/WhatsApp账号",
             "A LINE, Telegram or WhatsApp id after its marker", source=SOURCE, target="contact"),
    RuleInfo("CONTACT_EMAIL", "contact", 1.0, "正文含电子邮箱(免费邮箱权重更高)",
             "An e-mail address (free-mail domains weigh more)", source=SOURCE, target="contact"),
    RuleInfo("CONTACT_TAKEDOWN", "contact", 4.0, "联系方式位于侵权/删帖/投诉声明中",
             "Contact details inside a takedown / infringement notice", source=SOURCE,
             target="contact"),
    RuleInfo("CONTACT_AD_CONTEXT", "contact", 1.5, "联系方式紧邻广告用语(加微信、代办、贷款等)",
             "Contact details next to advertising words (add WeChat, agency, loans …)",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_OBFUSCATED", "contact", 3.5, "联系方式经过变形以躲避过滤(圈码、汉字数字、拆分数字、谐音)",
             "Contact details disguised to evade filters (circled digits, Chinese numerals, "
             "split digits, homophone markers)", source=SOURCE, target="contact"),
    RuleInfo("CONTACT_REPEATED", "contact", 1.0, "同一联系方式重复出现", "The same contact detail repeated",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_BLOCK", "contact", 1.5, "多种联系方式集中堆叠", "Several contact channels stacked together",
             source=SOURCE, target="contact"),
    RuleInfo("CONTACT_FOOTER", "contact", 0.5, "个人联系方式位于版权页脚",
             "A personal contact detail in a copyright footer", source=SOURCE, target="contact"),
    RuleInfo("CONTACT_TRAILER", "contact", 1.5, "正文结束后附上个人联系方式(文末联系方式尾巴)",
             "Personal contact details appended after the end of the article (a contact trailer)",
             source=SOURCE, target="contact"),
)


@dataclass
class ContactItem:
    """One contact detail found in the contact view.

    Attributes:
        kind: ``mobile``, ``landline``, ``hotline``, ``qq``, ``wechat``,
            ``email_free`` or ``email``.
        value: The de-obfuscated value (digits, id or address).
        start: Start offset in the contact view.
        end: End offset in the contact view.
        evidence: The original span.
        obfuscated: Why the item counts as disguised (empty when it is not).
        context: Context flags found around it.
    """

    kind: str
    value: str
    start: int
    end: int
    evidence: Evidence
    obfuscated: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def personal(self) -> bool:
        """True for channels that reach a person (mobile, QQ, WeChat, free mail)."""
        return self.kind in PERSONAL

    def to_dict(self) -> dict[str, Any]:
        """JSON form for hit details."""
        d: dict[str, Any] = {"kind": self.kind, "value": self.value,
                             "start": self.evidence.start, "end": self.evidence.end}
        if self.obfuscated:
            d["obfuscated"] = self.obfuscated
        return d


def _words_re(words: Iterable[str]) -> regex.Pattern[str]:
    ws = sorted({w for w in words if w}, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in ws) or r"(?!)")


def _obfuscation(original: str, digits: str) -> str:
    """Why the original span of a number is a disguise, or "" for plain formatting.

    Args:
        original: The original text of the item.
        digits: Its digits as read in the contact view.
    """
    forms = _digit_forms()
    if any(c in forms for c in original):
        return "digit_forms"
    if not original.isascii() and any("\uff10" <= c <= "\uff19" for c in original):
        return "fullwidth"
    # Split digits: separators inside the number, with short groups
    # ("1 3 9 3", "85 18 07 48 3"), not phone formatting ("139 3638 8766").
    groups = [g for g in _rx.split(_NON_DIGITS(), original) if g]
    if len(groups) >= 4 and len(digits) / len(groups) <= 2.5:
        return "split_digits"
    return ""


@lru_cache(maxsize=1)
def _NON_DIGITS() -> regex.Pattern[str]:  # noqa: N802 - a lazily compiled constant
    return regex.compile(r"[^0-9]+")


@lru_cache(maxsize=1)
def _digit_forms() -> frozenset[str]:
    """Characters that only a disguised number is written with."""
    from .contact_view import CHINESE_DIGITS, _special_digit_table

    return frozenset(CHINESE_DIGITS) | frozenset(_special_digit_table())



#: One character class (linear, no backtracking): the standard library's re
#: finds it in C, where a generator over the characters costs ~20x more.
_ASCII_DIGIT = re.compile("[0-9]")

class ContactCheck(Check):
    """Find contact details in the ``contact`` view and weigh them by context.

    Args:
        config: The loaded configuration (reads the ``contact.*`` options).
    """

    name = "contact"
    rules = RULES

    def __init__(self, config: Config | None = None) -> None:
        opt = (lambda k, d: config.option(k, d)) if config is not None else (lambda k, d: d)
        self.free_mail = frozenset(d.lower() for d in (*FREE_MAIL_DOMAINS, *opt("contact.free_mail_domains", [])))
        self.allow = frozenset(str(v).lower() for v in opt("contact.allow_values", []))
        self.strong_re = _words_re((*STRONG_AD_WORDS, *opt("contact.ad_words", [])))
        self.weak_re = _words_re(WEAK_AD_WORDS)
        flags = regex.VERBOSE | regex.V0
        self.numbers_re = regex.compile(_NUMBERS, flags)
        self.qq_re = regex.compile(_QQ, flags)
        self.wechat_re = regex.compile(_WECHAT, flags)
        self.wechat_same_re = regex.compile(_WECHAT_SAME, flags)
        self.messenger_re = regex.compile(_MESSENGER, flags)
        self.messenger_prefilter = regex.compile(r"(?i)line|tg|telegram|whatsapp|[賴赖]|飞机|飛機")
        self.email_at_re = regex.compile(_EMAIL_AT)
        self.email_domain_re = regex.compile(_EMAIL_DOMAIN, flags)
        self.takedown_re = regex.compile(_TAKEDOWN, flags)
        self.footer_re = regex.compile(_FOOTER)
        self.qq_prefilter = regex.compile(r"[Qq]|扣扣|企[鹅鵝]|球球")
        self.wechat_prefilter = regex.compile(
            r"信|[VvWw][Xx]|weixin|wechat|WeChat|WECHAT|Wechat|[加+\N{HEAVY PLUS SIGN}]\ ?[Vv微]"
            r"|[Vv微威薇][" + _HEARTS + "]|加[薇威]"
        )

    # -- finding items ----------------------------------------------------
    def items(self, doc: Document, view: View | None = None) -> list[ContactItem]:
        """All contact items of ``doc``, in view order (no context yet).

        Args:
            doc: The document.
            view: Its contact view (built when omitted).
        """
        v = view if view is not None else _contact_view(doc)
        t = v.text
        found: list[ContactItem] = []
        taken: list[tuple[int, int]] = []

        def overlaps(s: int, e: int) -> bool:
            return any(s < b and a < e for a, b in taken)

        def add(kind: str, value: str, s: int, e: int, obf: str = "") -> None:
            if len(found) >= MAX_ITEMS or value.lower() in self.allow or overlaps(s, e):
                return
            ev = v.evidence(s, e)
            if kind in ("email", "email_free"):
                local = value.split("@", 1)[0]
                at = v.evidence(s, s + len(local)).text if t[s:s + len(local)] == local else ""
                obf = (_obfuscation(at, local) if any(c.isdigit() for c in local) else "") or obf
            else:
                obf = _obfuscation(ev.text, value) or obf
            found.append(ContactItem(kind, value, s, e, ev, obf))
            taken.append((s, e))

        has_digit = _ASCII_DIGIT.search(t) is not None
        # E-mail first: digits inside an address are not phone numbers.
        if "@" in t or "(at)" in t or "[at]" in t or "#" in t or "艾特" in t:
            self._emails(doc, t, add)
        if limits.search(self.wechat_prefilter, t, doc, what="CONTACT_WECHAT"):
            for m in limits.finditer(self.wechat_re, t, doc, what="CONTACT_WECHAT"):
                marker = m.group("marker")
                disguised = "" if marker in _PLAIN_WECHAT else "marker"
                add("wechat", m.group("id"), m.start("id"), m.end("id"), disguised)
                if len(found) >= MAX_ITEMS:
                    break
        if limits.search(self.messenger_prefilter, t, doc, what="CONTACT_MESSENGER"):
            for m in limits.finditer(self.messenger_re, t, doc, what="CONTACT_MESSENGER"):
                add("messenger", m.group("id"), m.start("id"), m.end("id"))
                if len(found) >= MAX_ITEMS:
                    break
        if not has_digit:
            return sorted(found, key=lambda it: it.start)
        if limits.search(self.qq_prefilter, t, doc, what="CONTACT_QQ"):
            for m in limits.finditer(self.qq_re, t, doc, what="CONTACT_QQ"):
                add("qq", m.group("num"), m.start("num"), m.end("num"))
                if len(found) >= MAX_ITEMS:
                    break
        for m in limits.finditer(self.numbers_re, t, doc, what="CONTACT_NUMBERS"):
            kind = m.lastgroup or "mobile"
            value = m.group(kind)
            s, e = m.start(kind), m.end(kind)
            if kind == "mobile":
                same = _rx.match_at(self.wechat_same_re, t, e, doc, span=16, what="CONTACT_WECHAT")
                if same is not None:
                    add("wechat", value[-11:], s, e, "")
                    continue
            add(kind, value, s, e)
            if len(found) >= MAX_ITEMS:
                break
        return sorted(found, key=lambda it: it.start)

    def _emails(self, doc: Document, t: str, add: Any) -> None:
        n = 0
        for m in limits.finditer(self.email_at_re, t, doc, what="CONTACT_EMAIL"):
            n += 1
            if n > MAX_AT_SIGNS:
                break
            at = m.group()
            # Local part: scan backwards over allowed characters (bounded),
            # allowing one space before the sign ("abc @qq.com").
            j = m.start()
            if j > 0 and t[j - 1] == " " and at != "#":
                j -= 1
            i = j
            while i > 0 and j - i < 64 and (t[i - 1].isascii() and (t[i - 1].isalnum() or t[i - 1] in "._%+-")):
                i -= 1
            while i < j and not t[i].isalnum():
                i += 1
            if i >= j:
                continue
            dm = _rx.match_at(self.email_domain_re, t, m.end(), doc, span=340, what="CONTACT_EMAIL")
            if dm is None:
                continue
            raw_domain = dm.group("domain")
            domain = raw_domain
            for dot in ("点", "點", "(dot)", "[dot]", " dot "):
                domain = domain.replace(dot, ".")
            domain = domain.lower()
            free = domain in self.free_mail
            if at == "#" and not free:
                continue  # a hashtag, not an address
            local = t[i:j]
            value = f"{local}@{domain}"
            obf = "at_sign" if at != "@" or domain != raw_domain.lower() else ""
            add("email_free" if free else "email", value, i, dm.end("domain"), obf)

    # -- context ----------------------------------------------------------
    def _context(self, doc: Document, t: str, items: list[ContactItem]) -> None:
        for it in items:
            # Ad words count on the item's own line; a takedown notice may
            # sit on the line before ("如有侵权请联系删除\n邮箱:…").
            line_start = t.rfind("\n", 0, it.start) + 1
            line_end = t.find("\n", it.end)
            line_end = len(t) if line_end < 0 else line_end
            prev_start = t.rfind("\n", 0, max(0, line_start - 1)) + 1 if line_start > 0 else 0
            a = max(line_start, it.start - AD_WINDOW)
            if a == line_start and line_start >= 2 and t[line_start - 2] in ":：":
                # A lead-in line ending in a colon introduces this one
                # ("有需要的朋友欢迎咨询:\nQQ:…"): its words are the item's context.
                a = max(prev_start, line_start - 1 - AD_WINDOW)
            b = min(line_end, it.end + AD_WINDOW)
            window = t[a:b]
            strong = limits.search(self.strong_re, window, doc, what="CONTACT_AD_CONTEXT")
            if strong is not None:
                it.context["ad"] = ("strong", strong.group(), a + strong.start(), a + strong.end())
            else:
                weak = limits.search(self.weak_re, window, doc, what="CONTACT_AD_CONTEXT")
                if weak is not None and weak.group() != "微信":
                    it.context["ad"] = ("weak", weak.group(), a + weak.start(), a + weak.end())
            ta = max(prev_start, it.start - TAKEDOWN_BEFORE)
            tb = min(line_end, it.end + TAKEDOWN_AFTER)
            td = limits.search(self.takedown_re, t[ta:tb], doc, what="CONTACT_TAKEDOWN")
            if td is not None:
                it.context["takedown"] = (td.group(), ta + td.start(), ta + td.end())
            fa = max(0, it.start - FOOTER_WINDOW)
            fb = min(len(t), it.end + FOOTER_WINDOW)
            ft = limits.search(self.footer_re, t[fa:fb], doc, what="CONTACT_FOOTER")
            if ft is not None:
                it.context["footer"] = (ft.group(), fa + ft.start(), fa + ft.end())

    # -- the check ----------------------------------------------------------
    def run(self, doc: Document) -> Iterable[Hit]:
        """Yield contact hits for ``doc``."""
        if not doc.text:
            return []
        v = _contact_view(doc)
        items = self.items(doc, v)
        if not items:
            return []
        self._context(doc, v.text, items)
        return list(self._hits(v, items, page=_whole_page(doc)))

    def _hits(self, v: View, items: list[ContactItem], page: bool = False) -> Iterable[Hit]:
        by_kind: dict[str, list[ContactItem]] = {}
        for it in items:
            by_kind.setdefault("email" if it.kind == "email_free" else it.kind, []).append(it)
        rule_of = {"mobile": "CONTACT_MOBILE", "landline": "CONTACT_LANDLINE", "hotline": "CONTACT_HOTLINE",
                   "qq": "CONTACT_QQ", "wechat": "CONTACT_WECHAT", "messenger": "CONTACT_MESSENGER",
                   "email": "CONTACT_EMAIL"}
        for kind, its in by_kind.items():
            rid = rule_of[kind]
            base = self.rule(rid).weight
            if kind == "email" and not any(i.personal for i in its):
                base = 0.2  # an organisation's address
            distinct = len({i.value for i in its})
            weight = min(base * (1 + 0.25 * (distinct - 1)), 1.9)
            yield self.hit(rid, [i.evidence for i in its[:10]], weight=round(weight, 3),
                           details={"count": len(its), "distinct": distinct,
                                    "items": [i.to_dict() for i in its[:10]]})
        yield from self._context_hits(v, items, page)

    def _context_hits(self, v: View, items: list[ContactItem], page: bool = False) -> Iterable[Hit]:
        def ev(span: tuple[Any, ...]) -> Evidence:
            return v.evidence(span[-2], span[-1])

        # Takedown notice.
        td = [i for i in items if "takedown" in i.context]
        if td:
            personal = any(i.personal for i in td)
            w = self.rule("CONTACT_TAKEDOWN").weight if personal else 1.5
            first = td[0].context["takedown"]
            yield self.hit("CONTACT_TAKEDOWN", [ev(first), *(i.evidence for i in td[:5])], weight=w,
                           details={"notice": first[0], "items": [i.to_dict() for i in td[:5]]})
        # Ad words.
        best = 0.0
        ad_items: list[ContactItem] = []
        for i in items:
            ad = i.context.get("ad")
            if ad is None:
                continue
            strength = ad[0]
            if strength == "strong":
                w = 2.0 if i.personal else 1.0
            else:
                w = 1.0 if i.personal else 0.0
            if w > 0:
                ad_items.append(i)
                best = max(best, w)
        if ad_items:
            words = sorted({i.context["ad"][1] for i in ad_items})
            evs = [ev(ad_items[0].context["ad"]), *(i.evidence for i in ad_items[:5])]
            yield self.hit("CONTACT_AD_CONTEXT", evs, weight=best,
                           details={"words": words, "items": [i.to_dict() for i in ad_items[:5]]})
        # Obfuscation.
        obf = [i for i in items if i.obfuscated]
        if obf:
            # Disguised digits are deliberate; a spelt-out "@" or a marker
            # homophone is also common among people dodging scrapers.
            digits = [i for i in obf if i.obfuscated not in ("marker", "at_sign")]
            w = self.rule("CONTACT_OBFUSCATED").weight if digits else 1.5
            yield self.hit("CONTACT_OBFUSCATED", [i.evidence for i in obf[:10]], weight=w,
                           details={"items": [i.to_dict() for i in obf[:10]],
                                    "forms": sorted({i.obfuscated for i in obf})})
        # Repetition of one personal value.
        counts: dict[str, list[ContactItem]] = {}
        for i in items:
            if i.personal:
                counts.setdefault(i.value[-11:] if i.kind in ("mobile", "wechat") else i.value, []).append(i)
        rep = max(counts.values(), key=len) if counts else []
        if len(rep) >= 2:
            w = 1.0 if len(rep) == 2 else 1.5
            yield self.hit("CONTACT_REPEATED", [i.evidence for i in rep[:10]], weight=w,
                           details={"value": rep[0].value, "count": len(rep)})
        # A block of stacked channels.
        # Site footers legitimately list their channels (news sites give a
        # 163.com address and a mobile for complaints): a block in a
        # copyright footer does not count as stacking.
        block = [i for i in _densest_block(items) if "footer" not in i.context]
        if len(block) >= 3:
            kinds = {("email" if i.kind == "email_free" else i.kind) for i in block}
            personal = sum(1 for i in block if i.personal)
            if len(kinds) >= 2 and personal >= 1:
                w = 2.0 if len(kinds) >= 3 else self.rule("CONTACT_BLOCK").weight
                yield self.hit("CONTACT_BLOCK", [i.evidence for i in block[:10]], weight=w,
                               details={"kinds": sorted(kinds), "count": len(block)})
        # Personal channels appended after the article: the farm's
        # "contact me" tail. A site's copyright footer is left to
        # CONTACT_FOOTER; institutional numbers (a press line) never count.
        # Only for text input: the text of a whole HTML page ends with the
        # site's own footer, where a small business lists its QQ and WeChat.
        tail_from = len(v.text) - TRAILER_WINDOW
        tail = [] if page else [i for i in items if i.start >= tail_from and "footer" not in i.context]
        if any(i.personal for i in tail):
            after = len(v.text[tail[-1].end:].strip())
            line_start = v.text.rfind("\n", 0, tail[0].start) + 1
            if after <= TRAILER_AFTER and len(v.text[:line_start].strip()) >= TRAILER_MIN_BODY:
                # One channel: a weak sign (a reporter's tip line is one);
                # two or more, at least one personal: a contact footer.
                distinct = len({i.value for i in tail})
                w = self.rule("CONTACT_TRAILER").weight if distinct == 1 else 3.0
                yield self.hit("CONTACT_TRAILER", [i.evidence for i in tail[:10]], weight=w,
                               details={"count": len(tail), "distinct": distinct,
                                        "items": [i.to_dict() for i in tail[:5]]})
        # Personal channel in a copyright footer.
        ft = [i for i in items if "footer" in i.context and i.personal]
        if ft:
            yield self.hit("CONTACT_FOOTER", [ev(ft[0].context["footer"]), *(i.evidence for i in ft[:5])],
                           details={"footer": ft[0].context["footer"][0],
                                    "items": [i.to_dict() for i in ft[:5]]})


def _densest_block(items: list[ContactItem]) -> list[ContactItem]:
    """The largest group of distinct items (3+) within :data:`BLOCK_SPAN` view characters."""
    best: list[ContactItem] = []
    j = 0
    for i in range(len(items)):
        while items[i].start - items[j].start > BLOCK_SPAN:
            j += 1
        group = items[j:i + 1]
        if len({g.value for g in group}) >= 3 and len(group) > len(best):
            best = group
    return best


_PAGE_MARKUP = re.compile(r"<(?:html|body|footer|nav|header)\b", re.IGNORECASE)


def _whole_page(doc: Document) -> bool:
    """Whether the input was a whole HTML page (not a post's HTML fragment)."""
    return doc.html is not None and _PAGE_MARKUP.search(doc.html, 0, 1_000_000) is not None


def _contact_view(doc: Document) -> View:
    try:
        return doc.view("contact")
    except KeyError:
        v = build_contact_view(doc)
        doc._views["contact"] = v
        return v


@hookimpl
def spamdetect_add_config(spec: ConfigSpec) -> None:
    """Declare the ``contact.*`` options."""
    spec.add("contact.ad_words", [], type=list,
             help="Extra ad words that make nearby contact details weigh more")
    spec.add("contact.free_mail_domains", [], type=list,
             help="Extra free-mail domains (addresses there count as personal)")
    spec.add("contact.allow_values", [], type=list,
             help="Numbers or addresses never reported (e.g. the site's own hotline)")


@hookimpl
def spamdetect_register_views() -> dict[str, Any]:
    """Register the ``contact`` view (digit obfuscation undone)."""
    return {"contact": build_contact_view}


@hookimpl
def spamdetect_register_checks(config: Config) -> list[Check]:
    """Register the contact check."""
    return [ContactCheck(config)]
