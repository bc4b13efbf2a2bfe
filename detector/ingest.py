"""Ingest: bytes, HTML or text in; one :class:`~detector.document.Document` out.

Bytes are decoded in this order: a byte-order mark; the charset the caller
passed (an HTTP ``Content-Type``) or the page declares (``<meta charset>``,
``http-equiv``, an XML declaration); strict UTF-8; then detection with
charset-normalizer; and finally GB18030 with replacement. GB2312 and GBK are
decoded as GB18030 (their superset) and Big5 as CP950, because real pages
labelled with the narrower name use the wider repertoire. Decoding never
raises: undecodable bytes become U+FFFD and are counted in
``doc.decode.errors`` (reported as an ``encoding`` hit); binary input is
noted and reported as a ``limits`` hit.

HTML is parsed with lexbor (selectolax), a fast HTML5 parser that never
rejects input. Only visible text is kept: ``script``, ``style``,
``template``, ``noscript`` and the ruby annotations ``rt``/``rp``/``rtc`` are
dropped, so ``<ruby>協<rt>xié</rt></ruby>`` reads "協" and never flattens into
"協(xié)". Block elements become line breaks. The title and the links are
kept. The walk is iterative, so deeply nested markup cannot exhaust the stack.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

import regex

from .document import DecodeInfo, Document, Link, StashKey

#: Note kind for input that looks like binary data, not text.
BINARY_NOTE = "binary"

#: ``doc.stash`` key: names of the text-reading checks skipped on binary input.
BINARY_SKIPPED: StashKey[list[str]] = StashKey()

#: Note kind for NUL characters replaced in ``text=`` input (value: the count).
NUL_NOTE = "nul"

#: ``doc.stash`` key: offsets of the NUL characters replaced by U+FFFD.
NUL_POSITIONS: StashKey[list[int]] = StashKey()

#: Elements whose content is never visible text.
SKIP_TAGS = frozenset(
    {"script", "style", "template", "noscript", "rt", "rp", "rtc", "head", "svg", "math",
     "iframe", "object", "canvas", "select", "option"}
)

#: Elements that start a new line.
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "dd", "details", "dialog",
     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
     "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
     "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
     "caption", "center", "html", "title", "legend", "menu"}
)

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "cp950",
    "big5-hkscs": "big5hkscs",
    "x-sjis": "shift_jis",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "utf8": "utf-8",
}

#: Codec names Python accepts that no web page can legitimately use.
_NOT_WEB_CODECS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7", "mbcs",
     "oem", "palmos", "unicode_escape", "raw_unicode_escape", "utf_7"}
)

_META_CHARSET = regex.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    regex.IGNORECASE,
)
_CT_CHARSET = regex.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{2,40})", regex.IGNORECASE)
_HTML_SNIFF = regex.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|br|span|a\s|table|article)\b",
    regex.IGNORECASE,
)
_WS = regex.compile(r"[ \t\r\n\f\u00a0]+")
_BLANKS = regex.compile(r"[ \t\u3000]*\n[ \t\n\u3000]*")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalize_encoding(name: str | None) -> str | None:
    """Map a declared charset to the Python codec to use, or None if unknown.

    Examples:
        >>> normalize_encoding("GB2312"), normalize_encoding("utf8"), normalize_encoding("nope")
        ('gb18030', 'utf-8', None)
    """
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    if key in _ALIASES.values():
        return key
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    # A page may declare any codec name Python knows: only real text
    # encodings are honoured, never base64/zlib/rot13 (bytes-to-bytes codecs
    # that raise LookupError on .decode) or transforms such as
    # unicode_escape/idna/punycode/utf-7 that would reinterpret the markup.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB_CODECS:
        return None
    return info.name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """Charset from a Content-Type header or the first 4 KiB of the markup."""
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            return m.group(1)
    m = _META_CHARSET.search(data[:4096])
    if m:
        return (m.group(1) or m.group(2)).decode("ascii", "replace")
    return None


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        nul = head.count(b"\x00")
        if nul > len(head) // 100:
            return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > len(head) // 20


def decode_bytes(data: bytes, content_type: str | None = None) -> tuple[str, DecodeInfo]:
    """Decode bytes to text; never raises.

    Args:
        data: The raw bytes.
        content_type: An optional HTTP ``Content-Type`` value.

    Returns:
        ``(text, info)``; ``info.errors`` counts bytes replaced by U+FFFD.

    Examples:
        >>> decode_bytes("今年".encode("gbk"), "text/html; charset=gbk")[0]
        '今年'
        >>> decode_bytes("今年".encode("utf-8"))[1].encoding
        'utf-8'
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, "replace")
            return text, DecodeInfo(enc, "bom", text.count("\ufffd"))
    declared = declared_charset(data, content_type)
    enc = normalize_encoding(declared)
    if enc:
        try:
            return data.decode(enc), DecodeInfo(enc, "declared", 0, declared)
        except (UnicodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), DecodeInfo("utf-8", "detected" if declared else "utf-8", 0, declared)
    except UnicodeDecodeError:
        pass
    best_enc = None
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data[:200_000]).best()
        if match is not None:
            best_enc = normalize_encoding(match.encoding)
    except Exception:  # noqa: BLE001 - detection is best effort, never fatal
        best_enc = None
    if best_enc and best_enc.startswith(("utf-16", "utf-32")) and \
            data[:8192].count(b"\x00") < len(data[:8192]) // 10:
        best_enc = None  # UTF-16/32 without a BOM and without NULs: a misdetection
    candidates = [c for c in (best_enc, enc, "gb18030", "utf-8") if c]
    decoded: list[tuple[int, str, str]] = []
    for cand in dict.fromkeys(candidates):
        text = data.decode(cand, "replace")
        decoded.append((text.count("\ufffd"), cand, text))
    fewest = min(e for e, _, _ in decoded)
    # Several codecs may decode the bytes without error (short GBK input is
    # valid Big5 too, and charset-normalizer may prefer Big5): keep the
    # reading made of the most plausible characters; ties keep the order
    # above (detector, declaration, GB18030, UTF-8).
    tied = [d for d in decoded if d[0] == fewest]
    errs, cand, text = max(tied, key=lambda d: _plausibility(d[2])) if len(tied) > 1 else tied[0]
    source = "detected" if cand == best_enc else "fallback"
    return text, DecodeInfo(cand, source, errs, declared)


def _plausibility(text: str) -> float:
    """Share of characters a writer plausibly used (for choosing between decodings).

    Implausible: Han outside the common sets of both scripts (GB2312 level 1
    and Big5 level 1, see :mod:`detector.damage.charsets`), private use, C1
    controls and U+FFFD, which is what a wrong CJK decoding produces. Scored
    on the first 20,000 characters. A reading entirely in one script's
    common set beats a mixed one.
    """
    from .damage import charsets

    sample = text[:20000]
    if not sample:
        return 0.0
    gb, b5 = charsets.gb2312_level1(), charsets.big5_level1()
    bad = in_gb = in_b5 = han = 0
    for ch in sample:
        o = ord(ch)
        if o < 0x80:
            continue
        if 0x80 <= o < 0xA0 or 0xE000 <= o < 0xF900 or o == 0xFFFD:
            bad += 1
        elif charsets.is_han(ch):
            han += 1
            g, b = ch in gb, ch in b5
            in_gb += g
            in_b5 += b
            if not (g or b):
                bad += 1
    consistency = max(in_gb, in_b5) / han if han else 1.0
    return (1.0 - bad / len(sample)) + 0.01 * consistency


def looks_like_html(text: str) -> bool:
    """True when the start of ``text`` looks like markup."""
    return bool(_HTML_SNIFF.search(text[:2048]))


#: Nesting depth beyond which tags are dropped (their text is kept). HTML5
#: parsers slow down quadratically on absurd nesting (100k open <div>s);
#: real pages stay far below this.
MAX_HTML_DEPTH = 512
_TAG = regex.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})\b[^<>]{0,2000}?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})


def flatten_deep_html(html: str, max_depth: int = MAX_HTML_DEPTH) -> tuple[str, bool]:
    """Drop tags nested deeper than ``max_depth``; returns ``(html, changed)``.

    Only pages with very many tags are scanned, so ordinary pages pay one
    ``str.count``.
    """
    if html.count("<") < 4 * max_depth:
        return html, False
    depth = 0
    out: list[str] = []
    last = 0
    changed = False
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        void = selfclose or name in _VOID
        if closing:
            inside = depth > max_depth
            depth = max(depth - 1, 0)
        else:
            if not void:
                depth += 1
            inside = depth > max_depth
        if inside:
            out.append(html[last:m.start()])
            last = m.end()
            changed = True
    if not changed:
        return html, False
    out.append(html[last:])
    return "".join(out), True


def html_to_text(html: str) -> tuple[str, str | None, list[Link]]:
    """Visible text, title and links of an HTML document.

    Examples:
        >>> html_to_text("<title>T</title><p>協<ruby>商<rt>shāng</rt></ruby></p><div>二</div>")[0]
        '協商\\n二'
    """
    from selectolax.lexbor import LexborHTMLParser

    html, _ = flatten_deep_html(html)
    tree = LexborHTMLParser(html)
    title = None
    tnode = tree.css_first("title")
    if tnode is not None:
        title = _WS.sub(" ", tnode.text(deep=True)).strip() or None
    links: list[Link] = []
    parts: list[str] = []
    root = tree.root
    if root is None:
        return "", title, links
    # Iterative pre-order walk; "\n" markers around block elements.
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        tag = node.tag
        if tag == "-text":
            txt = node.text_content
            if txt:
                parts.append(_WS.sub(" ", txt))
            continue
        if tag in SKIP_TAGS or tag in ("-comment", "!doctype"):
            continue
        if tag == "a":
            href = node.attributes.get("href")
            if href:
                links.append(Link(href.strip(), _WS.sub(" ", node.text(deep=True)).strip()))
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
            stack.append("\n")
        child = node.last_child
        while child is not None:
            stack.append(child)
            child = child.prev
    text = "".join(parts)
    text = _BLANKS.sub("\n", text).strip()
    text = regex.sub(r"[ \t]{2,}", " ", text)
    return text, title, links


def make_document(
    text: str | None = None,
    html: str | None = None,
    data: bytes | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    site: str | None = None,
    id: str | None = None,  # noqa: A002
    meta: Mapping[str, Any] | None = None,
    content_type: str | None = None,
) -> Document:
    """Build a Document from exactly one of ``text``, ``html`` or ``data``.

    Raises:
        TypeError: when none or more than one input is given, or of the wrong type.
    """
    given = [x is not None for x in (text, html, data)]
    if sum(given) != 1:
        raise TypeError("give exactly one of text=, html= or data=")
    decode = None
    notes: list[tuple[str, str]] = []
    is_html = html is not None
    if data is not None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("data= must be bytes")
        data = bytes(data)
        if _is_binary(data):
            notes.append((BINARY_NOTE, "input looks like binary data, not text"))
        decoded, decode = decode_bytes(data, content_type)
        ct = (content_type or "").lower()
        if "html" in ct or "xml" in ct or (not ct.startswith("text/plain") and looks_like_html(decoded)):
            html, is_html = decoded, True
        else:
            text = decoded
    if is_html:
        if not isinstance(html, str):
            raise TypeError("html= must be str")
        body, html_title, links = html_to_text(html)
        doc = Document(
            text=body, title=title if title is not None else html_title, url=url, site=site,
            id=id, meta=dict(meta or {}), links=links, html=html, decode=decode,
        )
    else:
        if not isinstance(text, str):
            raise TypeError("text= must be str")
        nuls = text.count("\x00") if "\x00" in text else 0
        if nuls:
            # NUL is not text (and breaks C libraries and terminals): it becomes
            # U+FFFD, offsets unchanged. Its positions are kept so the U+FFFD
            # it leaves is not mistaken for a decoding error, and a note makes
            # the limits check report it.
            positions: list[int] = []
            i = text.find("\x00")
            while i >= 0:
                positions.append(i)
                i = text.find("\x00", i + 1)
            text = text.replace("\x00", "\ufffd")
            notes.append((NUL_NOTE, str(nuls)))
        doc = Document(text=text, title=title, url=url, site=site, id=id,
                       meta=dict(meta or {}), decode=decode)
        if nuls:
            doc.stash[NUL_POSITIONS] = positions
    doc.notes.extend(notes)
    return doc
