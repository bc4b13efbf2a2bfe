"""Seeded contact-spam footers, for measuring the contact check on clean text.

Real farm pages with contact footers are few in any labelled set, so the
contact check is also measured the way damage is: a footer is appended to
each clean article and the verdict is read. :func:`contact_footer` draws one
footer from a seeded :class:`random.Random`: an optional lead-in (a takedown
notice, a solicitation such as 有需要的朋友可以联系我, or nothing), then one
to three contact items joined by a newline, spaces or a comma. Items are a
mobile (optionally ``+86``), a QQ number, a WeChat id behind one of its
markers or disguises (微信, V信, 薇信, VX, 加V…), an e-mail address, a
400/800 hotline or a landline. Mobile digits are written plainly or
disguised the ways PRODUCT.md lists: fullwidth, circled ①, dingbat ❶,
Chinese numerals (一三九, 幺), separators (``139-3638-8766``, spaces, dots).

The lexicons here are written for the generator; none comes from a corpus.
The same seed always gives the same footers (``benchmarks/contact_footers.py``
and ``tests/test_contact_stuffing_corpus.py`` use different seeds).

Examples:
    >>> import random
    >>> f = contact_footer(random.Random(7))
    >>> f.text == contact_footer(random.Random(7)).text
    True
    >>> f.kinds <= set(ITEM_KINDS)
    True
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: Item kinds; the first four reach a person, the last two an organisation.
ITEM_KINDS: tuple[str, ...] = ("mobile", "qq", "wechat", "email", "hotline", "landline")
PERSONAL_KINDS = frozenset({"mobile", "qq", "wechat", "email"})

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_DIGIT_SETS: dict[str, str] = {
    "circled": "⓪①②③④⑤⑥⑦⑧⑨",
    "dingbat": "⓿❶❷❸❹❺❻❼❽❾",
    "numerals": "零一二三四五六七八九",
    "numerals_yao": "〇幺二三四五六七八九",
}
#: Ways a mobile number is written (plain ones are the most common).
DIGIT_STYLES: tuple[str, ...] = ("plain", "plain", "plain", "dash", "space", "dot", "fullwidth",
                                 "circled", "dingbat", "numerals", "numerals_yao")

_LEADINS: tuple[tuple[str, str], ...] = (
    ("takedown", "内容侵权、删帖举报联系方式:"),
    ("takedown", "如有侵权请联系删除,联系方式:"),
    ("takedown", "本站部分内容来源于网络,如有侵权,请联系我们删除。"),
    ("takedown", "免責聲明:本文來自網絡,如有侵權請聯繫刪除。"),
    ("solicit", "想了解更多详情,欢迎咨询:"),
    ("solicit", "有需要的朋友可以联系我:"),
    ("solicit", "加我领取优惠资料:"),
    ("solicit", "专业代办,价格优惠,联系:"),
    ("solicit", "長期合作,歡迎諮詢:"),
    ("none", ""),
    ("none", ""),
)
_MOBILE_LABELS = ("手机", "电话", "联系电话", "手机号", "联系方式", "Tel", "手機")
_QQ_LABELS = ("QQ", "qq", "扣扣", "QQ号")
_WECHAT_LABELS = ("微信", "V信", "薇信", "VX", "加V", "威信", "加微", "微信号")
_MAIL_LABELS = ("邮箱", "E-mail", "邮件", "郵箱")
_MAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "foxmail.com")
_HOTLINE_LABELS = ("服务热线", "咨询热线", "全国热线")
_LANDLINE_LABELS = ("座机", "电话", "办公电话")
_ID_CHARS = "abcdefghjkmnpqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Footer:
    """One generated footer.

    Attributes:
        text: The footer as appended to an article.
        leadin: ``takedown``, ``solicit`` or ``none``.
        kinds: The item kinds it holds.
        styles: How each mobile number in it was written.
    """

    text: str
    leadin: str
    kinds: frozenset[str]
    styles: tuple[str, ...]

    @property
    def personal(self) -> bool:
        """True when at least one item reaches a person (mobile, QQ, WeChat, e-mail)."""
        return bool(self.kinds & PERSONAL_KINDS)


def write_digits(digits: str, style: str) -> str:
    """Write a digit string in one of :data:`DIGIT_STYLES`.

    Examples:
        >>> write_digits("13936388766", "dash")
        '139-3638-8766'
        >>> write_digits("139", "numerals_yao")
        '幺三九'
    """
    if style == "plain":
        return digits
    if style == "dash":
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if style == "space":
        return " ".join(digits)
    if style == "dot":
        return f"{digits[:3]}.{digits[3:7]}.{digits[7:]}"
    if style == "fullwidth":
        return digits.translate(_FULLWIDTH)
    table = _DIGIT_SETS[style]
    return "".join(table[int(c)] for c in digits)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _colon(rng: random.Random) -> str:
    return rng.choice((":", "：", ""))


def _item(rng: random.Random, kind: str, styles: list[str]) -> str:
    if kind == "mobile":
        number = rng.choice(("13", "15", "17", "18", "19")) + _digits(rng, 9)
        style = rng.choice(DIGIT_STYLES)
        styles.append(style)
        prefix = "+86 " if style in ("plain", "dash", "dot") and rng.random() < 0.25 else ""
        return rng.choice(_MOBILE_LABELS) + _colon(rng) + prefix + write_digits(number, style)
    if kind == "qq":
        return rng.choice(_QQ_LABELS) + _colon(rng) + str(rng.randint(10_000_000, 3_999_999_999))
    if kind == "wechat":
        wid = rng.choice("abcdefghkmnpqrstwxyz") + "".join(rng.choice(_ID_CHARS) for _ in range(rng.randint(5, 9)))
        return rng.choice(_WECHAT_LABELS) + rng.choice((":", "：", " ")) + wid
    if kind == "email":
        local = str(rng.randint(100_000, 3_999_999_999))
        return rng.choice(_MAIL_LABELS) + rng.choice((":", "：")) + f"{local}@{rng.choice(_MAIL_DOMAINS)}"
    if kind == "hotline":
        return (rng.choice(_HOTLINE_LABELS) + rng.choice((":", "："))
                + f"{rng.choice(('400', '800'))}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}")
    area = rng.choice(("010", "021", "020", "0571", "0731", "028", "0755"))
    return rng.choice(_LANDLINE_LABELS) + rng.choice((":", "：")) + f"{area}-{rng.randint(2_000_000, 89_999_999)}"


def contact_footer(rng: random.Random) -> Footer:
    """Draw one contact-spam footer (see the module docstring)."""
    leadin, head = rng.choice(_LEADINS)
    kinds = [rng.choice(ITEM_KINDS) for _ in range(rng.choice((1, 2, 2, 3)))]
    styles: list[str] = []
    items = [_item(rng, k, styles) for k in kinds]
    sep = rng.choice(("\n", " ", "  ", ","))
    joint = "\n" if head and rng.random() < 0.5 else ""
    return Footer(head + joint + sep.join(items), leadin, frozenset(kinds), tuple(styles))


def with_footer(article: str, footer: Footer) -> str:
    """The article with the footer appended after a blank line."""
    return article.rstrip() + "\n\n" + footer.text
