"""The damage checks (encoding, pinyin, deletion, script_mix, invisible) on text we write.

Every damaged fixture is made here from our own sentences, by the same wrong
decodings real pipelines apply (see :mod:`detector.damage.synth`), and checked
through the full detector, so ids, groups, weights, evidence offsets and the
repair details are what users get.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.damage import synth

SENT = "我们今天下午去公园散步，看见很多老人在湖边跳舞，孩子们在草地上放风筝。"
TRAD = "我們今天下午去公園散步，看見很多老人在湖邊跳舞，孩子們在草地上放風箏。"
DAMAGE_GROUPS = {"encoding", "pinyin", "deletion", "script_mix", "invisible"}


def _damage_hits(v):
    return [h for h in v.hits if h.group in DAMAGE_GROUPS]


def _assert_evidence_indexes_text(v, text):
    for h in v.hits:
        for e in h.evidence:
            assert text[e.start:e.end] == e.text


# -- encoding ----------------------------------------------------------------

@pytest.mark.parametrize("family,rule", [
    ("utf8_as_gbk", "ENC_MOJIBAKE_UTF8_AS_GBK"),
    ("gbk_as_latin1", "ENC_MOJIBAKE_GBK_AS_LATIN1"),
    ("utf8_as_latin1", "ENC_MOJIBAKE_UTF8_AS_LATIN1"),
    ("utf8_as_sjis", "ENC_MOJIBAKE_UTF8_AS_SJIS"),
    ("gbk_utf8_gbk", "ENC_REPLACEMENT_MARKER"),
])
def test_mojibake_family_is_reported_with_its_repair(detector, family, rule):
    start = SENT.index("看见")
    end = SENT.index("，孩子")
    inj = synth.inject(family, SENT, start, end, random.Random(0))
    v = detector.check(text=inj.text)
    hit = v.hit(rule)
    assert hit is not None, [h.rule for h in v.hits]
    assert hit.group == "encoding"
    assert hit.weight >= 5.0  # a confirmed 6+ Han span reaches review alone
    assert v.action in ("review", "reject")
    _assert_evidence_indexes_text(v, inj.text)
    assert any(e.start < inj.end and inj.start < e.end for e in hit.evidence)
    if rule != "ENC_REPLACEMENT_MARKER":
        # A lossy decoding (errors="replace") may eat a character or two.
        repaired = "".join(r["repaired"] for r in hit.details["repairs"])
        assert "人在湖边跳" in repaired


def test_big5_read_as_gbk_is_repaired(detector):
    clean = "據報導，該公司董事會決議發放現金股利，並於會議後宣布擴大投資計畫。"
    damaged = "董事會決議發放現金股利".encode("cp950").decode("gbk", "replace")
    text = TRAD + clean.replace("董事會決議發放現金股利", damaged) + TRAD
    hit = detector.check(text=text).hit("ENC_MOJIBAKE_BIG5_GBK")
    assert hit is not None
    # the lossy decoding ate the end of the span; the start is repaired
    assert "董事會決議" in "".join(r["repaired"] for r in hit.details["repairs"])


def test_gbk_read_as_big5_in_a_simplified_article(detector):
    clean = "据报道，该公司董事会决议发放现金股利，并于会议后宣布扩大投资计划。"
    damaged = "董事会决议发放现金股利".encode("gbk").decode("cp950", "replace")
    text = SENT + clean.replace("董事会决议发放现金股利", damaged) + SENT
    hit = detector.check(text=text).hit("ENC_MOJIBAKE_BIG5_GBK")
    assert hit is not None
    assert "现金股利" in "".join(r["repaired"] for r in hit.details["repairs"])


def test_gbk_desync_after_a_lost_byte(detector):
    data = (SENT + "Tom说：" + SENT).encode("gb18030")
    cut = len(SENT[:10].encode("gb18030"))
    text = (data[:cut] + data[cut + 1:]).decode("gb18030", "replace")
    v = detector.check(text=text)
    hit = v.hit("ENC_GBK_DESYNC")
    assert hit is not None
    assert 10 <= hit.evidence[0].start <= 14
    _assert_evidence_indexes_text(v, text)


def test_repeated_utf8_as_gbk_is_garbage(detector):
    text = SENT
    for _ in range(3):
        text = text.encode("utf-8").decode("gbk", "replace")
    v = detector.check(text=SENT + "\n" + text)
    assert {h.rule for h in v.hits} & {"ENC_GARBAGE_RUN", "ENC_MOJIBAKE_UTF8_AS_GBK"}
    assert v.score >= 5.0


@pytest.mark.parametrize("marker,rule", [
    ("锟斤拷锟斤拷", "ENC_REPLACEMENT_MARKER"),
    ("烫烫烫烫烫", "ENC_FILL_MARKER"),
    ("屯屯屯屯", "ENC_FILL_MARKER"),
])
def test_markers(detector, marker, rule):
    text = SENT[:10] + marker + SENT[10:]
    hit = detector.check(text=text).hit(rule)
    assert hit is not None and hit.evidence[0].text == marker
    assert hit.evidence[0].start == 10


def test_replacement_characters_in_text_input(detector):
    text = SENT + "\ufffd\ufffd价格\ufffd\ufffd\ufffd" + SENT
    hit = detector.check(text=text).hit("ENC_REPLACEMENT_CHARS")
    assert hit is not None and hit.details["count"] == 5
    assert detector.check(text=SENT + "\ufffd" + SENT).hit("ENC_REPLACEMENT_CHARS") is None


def test_replacement_characters_from_bytes_are_left_to_the_core(detector):
    data = SENT.encode("utf-8") + b"\xff\xfe\xfd\xfc" + SENT.encode("utf-8")
    v = detector.check(data=data, content_type="text/plain; charset=utf-8")
    assert v.hit("ENC_UNDECODABLE_BYTES") is not None
    assert v.hit("ENC_REPLACEMENT_CHARS") is None


def test_question_marks_for_unencodable_characters(detector):
    # Traditional text saved as GB2312: characters outside it became "?".
    saved = "景區門票價格實惠，遊客們覺得很劃算。".encode("gb2312", "replace").decode("gb2312")
    hit = detector.check(text=saved).hit("ENC_QMARK_SUBSTITUTION")
    assert hit is not None and hit.details["count"] == 2
    one = "景區門票".encode("gb2312", "replace").decode("gb2312") + "很便宜"
    with_orphan = detector.check(text=one + ",服?wù)很好").hit("ENC_QMARK_SUBSTITUTION")
    assert with_orphan is not None
    assert detector.check(text=one).hit("ENC_QMARK_SUBSTITUTION") is None
    assert detector.check(text="这是真的吗??是的,我也不信??我们走吧").hit("ENC_QMARK_SUBSTITUTION") is None


def test_single_question_marks_for_lost_spaces_and_dots(detector):
    # An abstract header whose ideographic spaces did not survive a narrow charset.
    page = "王小明\n摘　要　本文讨论方言词的读音。\n关键词　方言　读音　规范\n正文从这里开始。"
    # (A converter that only maps Han turns each U+3000 into "?".)
    saved = page.replace("\u3000", "?")
    assert saved.count("?") == 5
    v = detector.check(text=saved)
    hit = v.hit("ENC_QMARK_SINGLE")
    assert hit is not None and hit.group == "encoding" and hit.weight == 5.0
    assert hit.details["count"] == 5
    assert all(saved[e.start:e.end] == "?" for e in hit.evidence)
    # Three is damage but weaker; two (a lost middle dot in a book title) is not reported.
    three = "摘?要?本文讨论读音。关键词?方言"
    assert detector.check(text=three).hit("ENC_QMARK_SINGLE").weight < 5.0
    assert detector.check(text="生活?读书?新知三联书店出版。").hit("ENC_QMARK_SINGLE") is None
    # A rare character lost in a name, once per line (a portal's Big5 gateway), is not counted.
    names = "旅游专员区?智表示欢迎旅客。\n委员会主席陈?华出席会议。\n发言人李?明介绍了安排。\n"
    assert detector.check(text=names).hit("ENC_QMARK_SINGLE") is None


def test_single_question_marks_on_hostile_input(detector):
    text = "中?文" * 60000
    hit = detector.check(text=text).hit("ENC_QMARK_SINGLE")
    assert hit is not None and hit.details["count"] == 64


@pytest.mark.parametrize("text", [
    # ASCII question marks with a question word in the clause are questions.
    "这是什么?是书。你去不去?我去。有没有人?没有。真的吗?真的。他是谁?老王。",
    "怎么办?先冷静。为何如此?原因很多。是否需要?需要。能去哪?去北京。",
    "中国最流行的是什么主义?答:犬儒主义。钱在哪里?在银行。",
    # Fullwidth question marks are never substitutions.
    "原因是？因为下雨。结果是？大家都没来。后来呢？散了。方法是？多练习。",
])
def test_single_question_marks_that_ask(detector, text):
    assert detector.check(text=text).hit("ENC_QMARK_SINGLE") is None


@pytest.mark.parametrize("text", [
    SENT, TRAD, SENT + TRAD,
    "今日は天気がいいので、公園をゆっくり散歩しました。とても楽しかったです。",
    "Le café était très agréable, déjà noté — Über Größe · 30°C ± 2 ×3",
    "Москва и Санкт-Петербург: Ελληνικά γράμματα α β γ.",
    "魑魅魍魉的传说,饕餮纹的青铜器,《魍魉记》《饕餮志》都是虚构的书名。骥、浏、晖、韫都是名字用字。",
    "他问：“你去哪里?”我说：“回家。”真的吗??是的。",
])
def test_clean_text_has_no_damage(detector, text):
    v = detector.check(text=text)
    assert not [h for h in v.hits if h.group in ("encoding", "pinyin", "script_mix")], v.hits


# -- pinyin --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "花(hua)呗(bei)逾(yu)期(qi)怎么办",
    "協(xié)商還款,網(wǎng)商貸逾期,發(fā)展前景,請(qǐng)注意。",
    "協（xié）商還款,網（wǎng）商貸逾期,發（fā）展前景。",
    "協xié商還款,網wǎng商貸逾期,發fā展前景,請qǐng注意。",
    "花 (hua1) 钱 (qian2) 逾 (yu2) 期 (qi1) 怎么办",
])
def test_flattened_ruby_reaches_review_alone(detector, text):
    v = detector.check(text=text)
    hit = v.hit("PINYIN_RUBY_FLATTENED")
    assert hit is not None and hit.weight >= 5.0
    assert v.action in ("review", "reject")
    _assert_evidence_indexes_text(v, text)
    assert hit.details["count"] >= 3
    assert "(" not in hit.details["repaired"] and "（" not in hit.details["repaired"]


def test_ruby_evidence_points_at_fullwidth_original(detector):
    text = "前言。協（xié）商（shāng）會（huì）議"
    hit = detector.check(text=text).hit("PINYIN_RUBY_FLATTENED")
    assert hit.evidence[0].start == 3 and hit.evidence[0].text == "協（xié）"
    assert hit.details["repaired"] == "前言。協商會議"


@pytest.mark.parametrize("text", [
    "这个词的价值(value)很高,第一场(a)比赛,甲(A)方与乙(B)方签约,人力资本(humancapital)。",
    "多音字练习:重(chóng)庆的重(zhòng)要地位,银行(háng)和行(xíng)走,长(cháng)短与长(zhǎng)大。"
    "这些字在不同的词语里读音不同,同学们要注意区分,多读多练就能记住。" * 2,
    "Python 的 print(x) 函数和 len(s) 函数,以及 f(a) 的定义。",
])
def test_ruby_look_alikes_and_lessons_are_not_damage(detector, text):
    v = detector.check(text=text)
    assert v.hit("PINYIN_RUBY_FLATTENED") is None


def test_orphan_pinyin_after_lost_base(detector):
    text = "我們的服?wù)很好,?shù)據和?jīng)驗都在這里。"
    hit = detector.check(text=text).hit("PINYIN_RUBY_ORPHAN")
    assert hit is not None and hit.details["count"] == 3
    assert hit.weight >= 4.0


# -- deletion ------------------------------------------------------------------

@pytest.mark.parametrize("text,rule", [
    ("可以通过在线客服、 客服和邮件联系我们。", "DEL_GAP_AT_COMMA"),
    ("可以用短信 、邮件联系我们。", "DEL_GAP_AT_COMMA"),
    ("支持微信、等渠道办理业务。", "DEL_LIST_GAP"),
    ("遇到这个问,应当及时处理。", "DEL_LONE_WEN"),
    ("请选择网站或,选择其他渠道。", "DEL_DANGLING_OR"),
    ("开通“”服务后即可使用。", "DEL_EMPTY_BRACKETS"),
    ("苹果、、香蕉和梨。", "DEL_DOUBLED_PUNCT"),
    ("苹果，，香蕉和梨。", "DEL_DOUBLED_PUNCT"),
])
def test_deletion_traces_are_weak_hits(detector, text, rule):
    v = detector.check(text=text)
    hit = v.hit(rule)
    assert hit is not None and hit.group == "deletion"
    assert 0 < hit.weight <= 2.0
    assert v.action == "allow"  # weak alone
    _assert_evidence_indexes_text(v, text)


def test_deletion_group_is_capped(detector):
    text = "拨打 、邮件、 邮件、等方式。这个问,那个问。官网或,“”服务、、,,《》【】" * 5
    v = detector.check(text=text)
    kinds = [h for h in v.hits if h.group == "deletion" and h.rule != "DEL_GAPS_MANY"]
    assert len(kinds) >= 5
    # the per-kind hits share one budget of 3.0, however many kinds repeat
    assert sum(h.weight for h in kinds) == pytest.approx(3.0)
    # only the combination of several kinds adds to it, and the group cap holds
    assert v.hit("DEL_GAPS_MANY").weight == 2.5
    assert v.score <= 5.0 + sum(h.weight for h in v.hits if h.group != "deletion")


def test_one_kind_repeated_stays_under_review(detector):
    text = "可以通过 、短信联系。也可以拨打 、邮件联系。还可以用微信、 等方式。"
    v = detector.check(text=text)
    assert v.hit("DEL_EMPTY_LIST_ITEM").details["count"] == 3
    assert v.hit("DEL_GAPS_MANY") is None  # three traces, but one kind
    assert v.action == "allow"


@pytest.mark.parametrize("text,rule,evidence", [
    ("人们关于的讨论很多,平台对于,也没有回应。", "DEL_DANGLING_PREP", ["关于的", "对于,"]),
    ("他除了,什么也没带。", "DEL_DANGLING_PREP", ["除了,"]),
    ("用户会向,说明情况。", "DEL_DANGLING_PREP", ["会向,"]),
    ("可通过电话与,短信联系客服。", "DEL_DANGLING_CONJ", ["与"]),
    ("研究涵盖法律以及。", "DEL_DANGLING_CONJ", ["以及"]),
    ("可以通过邮件和。", "DEL_DANGLING_CONJ", ["和"]),
    ("他和、姐姐聊到深夜。", "DEL_DANGLING_CONJ", ["和"]),
    ("这个结果与无关。", "DEL_DANGLING_CONJ", ["与无关"]),
    ("這件事對於而言是好事。", "DEL_DANGLING_PREP", ["對於而言"]),
    ("這個名字(Foo)成為的熱門話題。", "DEL_ORPHAN_DE", ["成為的"]),
    ("标题\n\n图为某工厂生产的\n\n正文开始于此。", "DEL_ORPHAN_DE", ["图为某工厂生产的"]),
    ("这一点显得为重要。", "DEL_MISSING_DEGREE", ["显得为"]),
    ("这是家庭出游的佳选择。", "DEL_MISSING_DEGREE", ["的佳选择"]),
    ("這裡沒有絕對優選擇。", "DEL_MISSING_DEGREE", ["絕對優選擇"]),
    ("常见的有词典,汉语大词典》等。", "DEL_UNOPENED_TITLE", ["汉语大词典》"]),
])
def test_grammar_gaps(detector, text, rule, evidence):
    v = detector.check(text=text)
    hit = v.hit(rule)
    assert hit is not None and hit.group == "deletion"
    assert [e.text for e in hit.evidence] == evidence
    assert v.action == "allow"  # one kind of gap is weak
    _assert_evidence_indexes_text(v, text)


def test_three_gaps_of_two_kinds_reach_review(detector):
    text = ("人们关于的讨论很多。平台对于,也没有回应。这个名字(Foo)成为的热门话题。"
            "今天天气很好,我们去公园散步。")
    v = detector.check(text=text)
    many = v.hit("DEL_GAPS_MANY")
    assert many is not None and many.weight == 2.5
    assert many.details == {"traces": 3, "kinds": ["dangling_prep", "orphan_de"]}
    assert [e.text for e in many.evidence] == ["关于的", "对于,", "成为的"]
    assert v.score == pytest.approx(5.0) and v.action == "review"
    _assert_evidence_indexes_text(v, text)


def test_gaps_scattered_over_a_long_page_do_not_combine(detector):
    gaps = ["人们关于的讨论很多。", "平台对于,也没有回应。", "这个名字(Foo)成为的热门话题。"]
    filler = "今天天气很好,我们去公园散步,看到很多人在跑步锻炼身体。" * 220  # ~6,200 chars
    text = filler.join(gaps)
    v = detector.check(text=text)
    assert v.hit("DEL_DANGLING_PREP") is not None and v.hit("DEL_ORPHAN_DE") is not None
    assert v.hit("DEL_GAPS_MANY") is None  # 3 traces in ~12,000 characters: too sparse


def test_layout_gaps_do_not_combine(detector):
    # whitespace gaps and doubled commas come from layout and typing: never "many"
    text = "张三 、李四 、王五参加了会议,,会后合影。李雷 、韩梅梅、 露西也来了,,。"
    v = detector.check(text=text)
    assert v.hit("DEL_GAPS_MANY") is None and v.action == "allow"


@pytest.mark.parametrize("text,evidence", [
    ("可以拨打 、邮件联系我们。", "拨打 、"),
    ("我们会通过 、短信提醒您还款。", "通过 、"),
    ("办理时须出示、户口本原件。", "出示、"),
    ("平台会用短信、 等方式通知用户。", "、 等"),
])
def test_empty_list_item_is_a_strong_trace(detector, text, evidence):
    v = detector.check(text=text)
    hit = v.hit("DEL_EMPTY_LIST_ITEM")
    assert hit is not None and hit.group == "deletion"
    assert hit.weight == 2.0 and [e.text for e in hit.evidence] == [evidence]
    assert v.hit("DEL_GAP_AT_COMMA") is None  # one trace, one rule
    assert v.action == "allow"  # still not a verdict alone
    _assert_evidence_indexes_text(v, text)


def test_two_empty_list_items_reach_the_deletion_cap(detector):
    text = "可以通过 、短信联系客服。也可以用邮件、 等方式提交材料。"
    v = detector.check(text=text)
    hit = v.hit("DEL_EMPTY_LIST_ITEM")
    assert hit.details["count"] == 2 and hit.weight == 3.0
    assert v.score == 3.0


def test_bare_change_range_is_a_weak_trace(detector):
    text = "换用新设备后,成本可降低15–25,效率也上调3–5。"
    v = detector.check(text=text)
    hit = v.hit("DEL_BARE_CHANGE_RANGE")
    assert hit is not None and hit.details["count"] == 2
    assert [e.text for e in hit.evidence] == ["降低15–25", "上调3–5"]
    assert hit.weight == 1.5
    _assert_evidence_indexes_text(v, text)


@pytest.mark.parametrize("text", [
    "他笑着问。她又问,你去哪里?记者问:情况如何?",
    "请问,这里是图书馆吗?我想访问,顺便请教顾问。",
    "抑或,间或也会下雨。",
    "苹果、香蕉、梨等水果都很好吃。",
    "成本可降低15%–25%,效率提高3–5倍。",
    "气温下降10~15度,湿度增加了20至30个百分点。",
    "参加者包括张三、李四、王五等人,可以通过电话、短信联系。",
    "透過電話、電郵等方式聯絡,須出示身分證、健保卡。",
    # grammar-gap look-alikes: words that end in the function word, relative clauses
    "他从小就想成为的人,是一名医生。所基于的假设并不成立。",
    "文件被删除了,垃圾也清除了。伴随着,音乐响起。",
    "这种疾病的影响涉及,普及。参与、遥不可及。",
    "是的\n\n真的\n\n好的\n\n这个目的\n\n正文。",
    "这款车型的优势在于省油,是绝对优势。他变得更为成熟。",
    "《红楼梦》与《西游记》,《三国演义》都是名著。",
    "如何使用.NET与.Java?",
    "气候温和。讲究天时地利人和。数据的总和。两国讲和,恢复往来。",
    "大家趋同一致。他和我一样。这与此无关。相对来说,对于他而言很难。张志和、李四。",
])
def test_deletion_look_alikes(detector, text):
    assert not [h for h in detector.check(text=text).hits if h.group == "deletion"]


# -- script mix ----------------------------------------------------------------

def test_mixed_sentences_are_reported(detector):
    text = "这个國家的發展很快,我们們都看到了变化。这些經濟数據说明问題。今天天气很好。"
    v = detector.check(text=text)
    hit = v.hit("MIX_SENTENCE")
    assert hit is not None and hit.details["mixed_sentences"] == 2
    assert hit.weight <= 3.0
    _assert_evidence_indexes_text(v, text)


def test_one_interleaved_sentence_is_reported_weakly(detector):
    text = "这个國家的發展很快,我们們都看到了变化。今天天气很好。"
    hit = detector.check(text=text).hit("MIX_SENTENCE")
    assert hit is not None and hit.details["mixed_sentences"] == 1
    assert 3 <= hit.details["max_switches"] < 5 and hit.weight == 0.5
    # A Traditional name quoted without marks switches once or twice: not mixed.
    assert detector.check(text="他在台灣出版了這本書,我们都看了。今天天气很好。").hit("MIX_SENTENCE") is None


@pytest.mark.parametrize("text", [
    SENT * 3, TRAD * 3,
    "他在台灣出版了《這個國家的發展歷史》一書,这本书讲述了发展过程。他说“經濟發展很重要”,我们同意。",
    "皇后在宫里吃了面,干杯之后他们著书立说。",
])
def test_script_mix_silent_on_single_script_and_quotes(detector, text):
    assert detector.check(text=text).hit("MIX_SENTENCE") is None


# -- invisible -------------------------------------------------------------------

def test_invisible_characters_inside_han(detector):
    text = "请加微\u200b信联系,电\u200d话\u200b号码在下方。"
    v = detector.check(text=text)
    hit = v.hit("INVIS_IN_HAN")
    assert hit is not None and hit.details["count"] == 3
    assert hit.details["repaired"] == "请加微信联系,电话号码在下方。"
    _assert_evidence_indexes_text(v, text)


def test_bidi_controls_weigh_more(detector):
    zw = detector.check(text="请加微\u200b信").hit("INVIS_IN_HAN")
    bidi = detector.check(text="请加微\u202e信").hit("INVIS_IN_HAN")
    assert bidi.weight > zw.weight


def test_invisible_outside_han_is_not_reported(detector):
    assert detector.check(text="\ufeff" + SENT + " co\u00adoperate").hit("INVIS_IN_HAN") is None


# -- robustness ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "?" * 10000, "(" * 50000, "字(" * 20000, "\ufffd" * 30000,
    "锟" * 10000, "é" * 50000, "浠婂" * 20000, "、 " * 20000, "\u200b" * 10000,
    "".join(chr(c) for c in range(0xE000, 0xF900)),
    "".join(chr(c) for c in range(0x3400, 0x4DC0)) * 3,
])
def test_adversarial_text_never_fails_a_check(detector, text):
    v = detector.check(text=text)
    assert v.hit("PLUGIN_CHECK_FAILED") is None, v.errors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_gets_a_verdict(detector, text):
    v = detector.check(text=text)
    assert v.hit("PLUGIN_CHECK_FAILED") is None, v.errors
    _assert_evidence_indexes_text(v, text)


def test_mojibake_scan_cut_by_its_deadline_marks_the_verdict_partial(detector, monkeypatch):
    # A long GBK-read-as-Latin-1 page: with time left, a round trip confirms it...
    text = "\n".join("今天天气很好,我们一起去公园散步,看见很多人在锻炼身体。".encode("gbk").decode("latin-1")
                     for _ in range(40))
    v = detector.check(text=text)
    assert v.hit("ENC_MOJIBAKE_GBK_AS_LATIN1") is not None and not v.truncated
    # ...and when the scan's time is up before it starts, the verdict must say
    # it is partial instead of looking clean.
    from detector.checks import mojibake as check_mod

    monkeypatch.setattr(check_mod, "SCAN_SECONDS", -1.0)
    v = detector.check(text=text)
    assert v.hit("ENC_MOJIBAKE_GBK_AS_LATIN1") is None
    assert v.truncated
    limit = v.hit("LIMIT_TIME_BUDGET")
    assert limit is not None and "encoding(partial)" in limit.details["skipped"]


def test_latin1_windows_are_tried_before_han_windows():
    # A page read as Latin-1 is confirmed by its cheap Latin-1 windows alone:
    # enough Han are recovered before any Han window is tried.
    from detector.damage import mojibake

    text = "\n".join("关于进一步加强城市交通管理的通知。".encode("gbk").decode("latin-1") for _ in range(30))
    cls = mojibake.classify(text, mojibake.script_table())
    reps = mojibake.find_mojibake(text, cls, enough_han=20)
    assert reps and {r.family for r in reps} == {"gbk_as_latin1"}
    assert reps[0].start == 0 and reps[0].repaired == "关于进一步加强城市交通管理的通知"
    assert reps[-1].end < len(text) // 2  # it stopped early


def test_binary_input_gets_no_deletion_hits(detector):
    # random bytes decode to noise with stray 与, 、、 and empty brackets
    import random

    data = random.Random(7).randbytes(50_000)  # this seed decodes to a stray "与,"
    from detector.damage.deletion import find_deletions

    assert find_deletions(detector.document(data=data).view("nfkc").text)  # traces exist...
    v = detector.check(data=data)
    assert v.hit("LIMIT_BINARY_INPUT") is not None
    assert not [h for h in v.hits if h.group == "deletion"]  # ...but binary input is skipped


def test_a_lone_qmark_run_counts_with_single_qmarks_on_its_lines(detector):
    # Saved through GB2312: one run ("??") and two single "?" inside one sentence.
    saved = "相关产品销售目前尚未受到明显影响".replace("关", "?").replace("产", "?") \
        .replace("销", "?").replace("显", "?")
    assert saved.count("??") == 1
    page = "据了解,有关部门下发整治通知," + saved + "。业内人士表示将持续关注。"
    hit = detector.check(text=page).hit("ENC_QMARK_SINGLE")
    assert hit is not None and hit.details["count"] == 3
    # Two real questions and one "??" of surprise do not add up.
    chat = "你去吗?我不去。真的吗??是的。"
    assert detector.check(text=chat).hit("ENC_QMARK_SINGLE") is None


def test_short_lossy_mojibake_around_a_replacement_character(detector):
    # GBK bytes read as Big5 and back, bytes lost: too short for the dense-garbage window.
    text = "记者了解到,当地警方已经介入。" + "玂眤Τ\ufffd劾唱壕蕨@舦" + "目前调查仍在进行中。"
    v = detector.check(text=text)
    hit = v.hit("ENC_GARBAGE_RUN")
    assert hit is not None
    assert [e.text for e in hit.evidence] == ["玂眤Τ\ufffd劾唱壕蕨@舦"]
    _assert_evidence_indexes_text(v, text)
    # One stray U+FFFD in clean prose is not a garbage run.
    assert detector.check(text="记者了解到,当地警方\ufffd已经介入。目前调查仍在进行中。").hit("ENC_GARBAGE_RUN") is None
