"""A pinned, reproducible benchmark corpus of ~2 KB Chinese documents.

Half the documents are windows of the real clean articles in
``../shared/data`` (``zh-web-extraction-69`` and ``zh-netease-news-74``, read
by path, never copied), cut to the target size; the other half are
farm-like articles generated from templates written here (小编导语 intro,
numbered skeleton, invented case, 小编总结, contact footer, flattened pinyin,
keyword repetition) with a seeded RNG. The same seed and data give the same
documents, byte for byte, on every machine.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

_PLATFORMS = ("融易借", "快闪贷", "安心花", "速米袋", "好期分", "优享钱包", "星辰借款", "如意分期")
_SURNAMES = "李王张刘陈杨赵黄周吴"
_FILLER = (
    "随着互联网金融的迅猛发展,越来越多的用户开始接触线上借贷产品。",
    "很多朋友在遇到还款困难的时候,往往不知道应该如何处理。",
    "其实只要掌握正确的方法,问题是可以得到妥善解决的。",
    "用户需要保持冷静,积极与平台进行沟通,说明自身的实际情况。",
    "在协商的过程中,一定要注意保留好相关的证据材料。",
    "如果平台的催收方式存在违规行为,可以向相关部门进行投诉。",
    "逾期之后不仅会产生罚息,还可能影响个人的征信记录。",
    "建议大家合理规划自己的消费,避免过度借贷。",
    "下面就由本站为大家详细介绍一下具体的操作步骤。",
    "希望以上的内容能够对大家有所帮助,如有疑问欢迎留言。",
    "不同的平台在处理逾期问题上会有不同的政策。",
    "用户可以通过官方客服渠道了解最新的减免政策。",
)
_PINYIN = ("協(xié)商", "還(huán)款", "逾(yu)期(qi)", "客(kè)服", "網(wǎng)貸")
_HEADINGS = ("一、{p}是什么", "二、{p}逾期的后果", "三、{p}协商还款的技巧", "四、{p}客服电话",
             "五、案例分析", "六、小编总结")


def _farm_article(rng: random.Random, target_bytes: int) -> tuple[str, str]:
    p = rng.choice(_PLATFORMS)
    title = rng.choice(("{p}逾期了怎么办?{p}协商还款技巧", "{p}客服电话是多少,{p}怎么联系人工",
                        "{p}多次协商不了怎么办", "{p}逾期客服态度强硬该如何应对")).format(p=p)
    parts = [f"小编导语:{p}逾期{rng.randint(3, 90)}天会怎么样?很多用户都关心这个问题,"
             "本站将从多个角度为大家详细分析。"]
    footer = (f"\n内容侵权、删帖举报联系方式:1{rng.randint(3, 9)}{rng.randint(0, 9)}"
              f"{rng.randint(10000000, 99999999)} 邮箱:{rng.randint(10000, 999999999)}@qq.com")
    for h in _HEADINGS[:-1]:
        parts.append(h.format(p=p))
        for sub in range(1, rng.randint(2, 3)):
            parts.append(f"{_HEADINGS.index(h) + 1}.{sub} {p}{rng.choice(('的基本情况', '的处理方式', '的注意事项'))}")
            parts.append("".join(rng.choice(_FILLER) for _ in range(rng.randint(1, 3))))
            if rng.random() < 0.3:
                parts.append(f"{p}{rng.choice(_PINYIN)}的时候要注意{p}的规定。")
        if h.startswith("五"):
            parts.append(f"案例一:借款人小{rng.choice(_SURNAMES)}的经历")
    outro = f"六、小编总结\n以上就是关于{p}的全部内容,希望对大家有所帮助。"
    body = "\n".join(parts)
    budget = target_bytes - len((outro + footer).encode())
    while len(body.encode()) < budget:
        body += "\n" + rng.choice(_FILLER)
    while len(body.encode()) > budget and "\n" in body:
        body = body.rsplit("\n", 1)[0]
    return title, body + "\n" + outro + footer


def _clean_texts(data_dir: Path) -> list[tuple[str, str]]:
    out = []
    for rel in ("zh-web-extraction-69/pages.jsonl", "zh-netease-news-74/news.jsonl"):
        with (data_dir / rel).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                text = (row.get("text") or "").strip()
                if text:
                    out.append((row.get("title") or "", text))
    return out


def _cut(text: str, target_bytes: int) -> str:
    out, size = [], 0
    for ch in text:
        n = len(ch.encode())
        if size + n > target_bytes:
            break
        out.append(ch)
        size += n
    return "".join(out)


def build_corpus(data_dir: Path, n: int, *, target_bytes: int = 2048, seed: int = 20261124,
                 farm_share: float = 0.5) -> list[dict]:
    """``n`` documents ``{"id", "title", "text", "label"}`` of about ``target_bytes`` UTF-8 bytes.

    Args:
        data_dir: The ``../shared/data`` directory.
        n: Number of documents.
        target_bytes: Size of each document in UTF-8 bytes.
        seed: RNG seed (the corpus is a pure function of the arguments and the data).
        farm_share: Fraction of generated farm-like documents.
    """
    rng = random.Random(seed)
    clean = _clean_texts(data_dir)
    # Windows over the concatenated clean articles, so every window is full size.
    stream = "\n".join(t for _, t in clean)
    docs: list[dict] = []
    pos = 0
    for i in range(n):
        if rng.random() < farm_share:
            title, text = _farm_article(rng, target_bytes)
            label = "farm"
        else:
            if pos >= len(stream) - target_bytes:
                pos = rng.randint(0, 400)
            text = _cut(stream[pos:pos + target_bytes], target_bytes)
            pos += len(text)
            title, label = "", "clean"
        docs.append({"id": f"{label}-{i}", "title": title, "text": text, "label": label})
    return docs


def index_documents(data_dir: Path, n: int, *, target_bytes: int = 2048, seed: int = 7):
    """Yield ``n`` distinct documents ``{"id", "text", "label"}`` to fill a near-duplicate index.

    Each is a random draw of sentences from the clean articles, so documents
    share vocabulary but are not near-duplicates of each other (as most of a
    real index is not).
    """
    import regex

    rng = random.Random(seed)
    sentences = [s for _, t in _clean_texts(data_dir)
                 for s in regex.split(r"(?<=[。!?！？\n])", t) if len(s.strip()) >= 8]
    for i in range(n):
        parts, size = [], 0
        while size < target_bytes:
            s = rng.choice(sentences).strip()
            parts.append(s)
            size += len(s.encode())
        label = "spam" if i % 10 == 0 else "ham"
        yield {"id": f"idx-{i}", "text": _cut("".join(parts), target_bytes), "label": label}
