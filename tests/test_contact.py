"""Tests for the ``contact`` view and the contact check (fixtures written for these tests)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import Config, Detector, Document
from detector.checks.contact import ContactCheck
from detector.checks.contact_view import CHINESE_DIGITS, _special_digit_table, build_contact_view


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(config=Config(), load_entrypoints=False)


def _view(text: str):
    return build_contact_view(Document(text=text))


def _contact_hits(det: Detector, text: str, **kw):
    v = det.check(text=text, **kw)
    return {h.rule: h for h in v.hits if h.group == "contact"}, v


def _contact_score(hits) -> float:
    return sum(h.weight for h in hits.values())


# ---------------------------------------------------------------------------
# the view


@pytest.mark.parametrize(
    ("text", "digits", "original"),
    [
        ("电话１３９３６３８８７６６。", "13936388766", "１３９３６３８８７６６"),
        ("手机①③⑨③⑥③⑧⑧⑦⑥⑥吧", "13936388766", "①③⑨③⑥③⑧⑧⑦⑥⑥"),
        ("号码❶❸❾❸❻❸❽❽❼❻❻", "13936388766", "❶❸❾❸❻❸❽❽❼❻❻"),
        ("号码➀➂➈➂➅➂➇➇➆➅➅", "13936388766", "➀➂➈➂➅➂➇➇➆➅➅"),
        ("号码⑴⑶⑼⑶⑹⑶⑻⑻⑺⑹⑹", "13936388766", "⑴⑶⑼⑶⑹⑶⑻⑻⑺⑹⑹"),
        ("号码⒈⒊⒐⒊⒍⒊⒏⒏⒎⒍⒍", "13936388766", "⒈⒊⒐⒊⒍⒊⒏⒏⒎⒍⒍"),
        ("打一三九三六三八八七六六就行", "13936388766", "一三九三六三八八七六六"),
        ("拨幺三九两两四五六七八零", "13922456780", "幺三九两两四五六七八零"),
        ("壹叁玖叁陆叁捌捌柒陆陆", "13936388766", "壹叁玖叁陆叁捌捌柒陆陆"),
        ("扣扣:八〇〇六七二三", "8006723", "八〇〇六七二三"),
        ("电话139-3638-8766。", "13936388766", "139-3638-8766"),
        ("电话 1 3 9 3 6 3 8 8 7 6 6 !", "13936388766", "1 3 9 3 6 3 8 8 7 6 6"),
        ("电话139.3638.8766。", "13936388766", "139.3638.8766"),
        ("电话139 3638 8766。", "13936388766", "139 3638 8766"),
        ("电话一三九 三六三八 八七六六,一个人", "13936388766", "一三九 三六三八 八七六六"),
        ("混写13九3638八766号", "13936388766", "13九3638八766"),
        ("零宽1\u200b3\u200b9\u200b3\u200b6", "13936", "1\u200b3\u200b9\u200b3\u200b6"),
        # The marks after the last digit produce no view character, so the
        # evidence ends at that digit.
        ("键帽1\ufe0f\u20e33\ufe0f\u20e39\ufe0f\u20e3号", "139", "1\ufe0f\u20e33\ufe0f\u20e39"),
        ("电话139/3638/8766。", "13936388766", "139/3638/8766"),
        ("电话139｜3638｜8766。", "13936388766", "139｜3638｜8766"),
        ("电话139丨3638丨8766。", "13936388766", "139丨3638丨8766"),
        ("电话1.3.9.3.6.3.8.8.7.6.6。", "13936388766", "1.3.9.3.6.3.8.8.7.6.6"),
    ],
)
def test_view_undoes_each_obfuscation_and_maps_back(text, digits, original):
    v = _view(text)
    i = v.text.index(digits)
    ev = v.evidence(i, i + len(digits))
    assert ev.text == original
    assert text[ev.start:ev.end] == original


@pytest.mark.parametrize(
    "text",
    ["我们一个人去了三三两两的小店", "一九八九年四月的一天", "第一二条规定", "他说一不二", "二〇二四年"],
)
def test_view_leaves_prose_numerals_alone(text):
    assert _view(text).text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机 13912345678 13812345678", "手机 13912345678 13812345678"),
        ("电话 139 3638 8766 139 3638 8766", "电话 13936388766 13936388766"),
        ("门诊 027-60229616 60229618", "门诊 02760229616 60229618"),
        ("境外 +86 139 1234 5678", "境外 +8613912345678"),
    ],
)
def test_view_keeps_separate_numbers_apart(text, expected):
    assert _view(text).text == expected


def test_decimal_table_does_not_become_a_phone_number(det):
    text = "本周气温(摄氏度):13.5 14.2 15.6 16 17.3 18.8 19.1"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_MOBILE" not in hits


def test_two_mobiles_separated_by_a_space_are_both_found(det):
    hits, _ = _contact_hits(det, "手机 13912345678 13812345678")
    assert hits["CONTACT_MOBILE"].details["distinct"] == 2


def test_view_is_identity_on_plain_text():
    v = _view("今天天气很好,我们去公园散步。")
    assert v.text == "今天天气很好,我们去公园散步。"
    assert v.evidence(2, 4).text == "天气"


def test_view_registered_through_the_hook(det):
    assert "contact" in det.view_builders
    doc = det.document(text="微信 一三九三六三八八七六六")
    assert "13936388766" in doc.view("contact").text


_ALPHABET = "0123456789 -._·/|丨一二三四五六七八九〇零幺两壹贰①❶➀⑴⒈⑩０１个人的,\u200b\ufe0f\u20e3Q微@\n"


def _fold_source(ch: str) -> str:
    special = _special_digit_table()
    if ch in special:
        return special[ch]
    if ch in CHINESE_DIGITS:
        return CHINESE_DIGITS[ch]
    return unicodedata.normalize("NFKC", ch)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_view_offsets_map_back_exactly(text):
    v = _view(text)
    pos = [v.span(i, i + 1)[0] for i in range(len(v.text))]
    assert pos == sorted(pos)
    assert all(0 <= p < len(text) for p in pos)
    for i, ch in enumerate(v.text):
        s, e = v.span(i, i + 1)
        src = text[s:e]
        assert src, (text, i)
        if ch.isdigit():
            # Every digit of the view comes from a character that reads as it.
            assert ch in _fold_source(src[0]) or src[0] == ch
        else:
            assert ch in unicodedata.normalize("NFKC", src[0]) or ch == src[0]
    # The whole view maps to a span inside the text.
    if v.text:
        s, e = v.span(0, len(v.text))
        assert 0 <= s <= e <= len(text)


# ---------------------------------------------------------------------------
# kinds


@pytest.mark.parametrize(
    ("text", "rule", "value"),
    [
        ("联系手机 13912345678 即可", "CONTACT_MOBILE", "13912345678"),
        ("境外请拨 +86 139 1234 5678", "CONTACT_MOBILE", "+8613912345678"),
        ("境外请拨0086-13912345678", "CONTACT_MOBILE", "008613912345678"),
        ("办公电话 010-65432198", "CONTACT_LANDLINE", "01065432198"),
        ("Tel.010-65432198", "CONTACT_LANDLINE", "01065432198"),
        ("门店电话 0755-2345678", "CONTACT_LANDLINE", "07552345678"),
        ("全国热线 400-812-3456", "CONTACT_HOTLINE", "4008123456"),
        ("免费电话 800 810 8888", "CONTACT_HOTLINE", "8008108888"),
        ("有问题加QQ:12345678", "CONTACT_QQ", "12345678"),
        ("扣扣 987654321", "CONTACT_QQ", "987654321"),
        ("企鹅号:55667788", "CONTACT_QQ", "55667788"),
        ("进qq群 66778899 交流", "CONTACT_QQ", "66778899"),
        ("Q号:20304050", "CONTACT_QQ", "20304050"),
        ("写信到 someone123@qq.com 吧", "CONTACT_EMAIL", "someone123@qq.com"),
        ("手機 0912-345-678 歡迎來電", "CONTACT_MOBILE", "0912345678"),
        ("台灣 +886 912 345 678", "CONTACT_MOBILE", "+886912345678"),
        ("香港 +852 6123 4567", "CONTACT_MOBILE", "+85261234567"),
        ("加賴:shop_88 私訊", "CONTACT_MESSENGER", "shop_88"),
        ("LINE ID: @deal_hk", "CONTACT_MESSENGER", "@deal_hk"),
        ("纸飞机 fastloan88", "CONTACT_MESSENGER", "fastloan88"),
        ("WhatsApp: +85261234567", "CONTACT_MESSENGER", "+85261234567"),
        ("写信到 editor@example.org", "CONTACT_EMAIL", "editor@example.org"),
    ],
)
def test_each_kind_is_found_with_value(det, text, rule, value):
    hits, _ = _contact_hits(det, text)
    assert rule in hits
    values = [i["value"] for i in hits[rule].details["items"]]
    assert value in values
    for ev in hits[rule].evidence:
        assert text[ev.start:ev.end] == ev.text


@pytest.mark.parametrize(
    "text",
    [
        "加微信:abc_12345 详聊", "V信:abc_12345", "薇信 abc_12345", "威信号 abc_12345",
        "VX:abc_12345", "wx: abc_12345", "加V abc_12345", "嶶信:abc_12345", "v❤:abc_12345",
        "微信号:abc_12345",
    ],
)
def test_wechat_markers_and_disguises(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_WECHAT" in hits
    assert hits["CONTACT_WECHAT"].details["items"][0]["value"] == "abc_12345"


def test_wechat_disguise_is_obfuscation_plain_marker_is_not(det):
    hits, _ = _contact_hits(det, "薇信:abc_12345")
    assert "CONTACT_OBFUSCATED" in hits
    plain, _ = _contact_hits(det, "微信:abc_12345")
    assert "CONTACT_OBFUSCATED" not in plain


@pytest.mark.parametrize(
    "text",
    ["the line between us is thin", "民政事務總署熱線 2835 1473 供市民查詢", "依賴進口的產品很多"],
)
def test_prose_and_hk_landlines_are_not_personal_ids(det, text):
    hits, _ = _contact_hits(det, text)
    assert not {"CONTACT_MESSENGER", "CONTACT_MOBILE"} & set(hits)


def test_qq_number_needs_qq_context(det):
    hits, _ = _contact_hits(det, "本期共有 87654321 人参与投票。")
    assert "CONTACT_QQ" not in hits


def test_wechat_marker_without_id_is_not_reported(det):
    hits, _ = _contact_hits(det, "请关注我们的微信公众号,也可以用微信扫码支付。微信图片_20211223090436.png")
    assert "CONTACT_WECHAT" not in hits


def test_mobile_with_wechat_same_number_counts_as_wechat(det):
    hits, _ = _contact_hits(det, "手机:13912345678(微信同号)")
    assert "CONTACT_WECHAT" in hits
    assert hits["CONTACT_WECHAT"].details["items"][0]["value"] == "13912345678"


def test_obfuscated_number_details_carry_deobfuscated_value(det):
    text = "加我 一三九-①②③④-五六七八 私聊"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_OBFUSCATED" in hits
    item = hits["CONTACT_MOBILE"].details["items"][0]
    assert item["value"] == "13912345678"
    assert text[item["start"]:item["end"]] == "一三九-①②③④-五六七八"
    assert item["obfuscated"] == "digit_forms"


def test_split_digits_in_email_are_obfuscation(det):
    text = "投稿邮箱:12 34 56 78 9@qq.com"
    hits, _ = _contact_hits(det, text)
    assert hits["CONTACT_EMAIL"].details["items"][0]["value"] == "123456789@qq.com"
    assert "CONTACT_OBFUSCATED" in hits


def test_spelt_out_at_sign_and_dots(det):
    hits, _ = _contact_hits(det, "投稿请寄 writer88艾特qq点com")
    assert hits["CONTACT_EMAIL"].details["items"][0]["value"] == "writer88@qq.com"
    assert hits["CONTACT_OBFUSCATED"].weight == 1.5
    hits, _ = _contact_hits(det, "mail: writer88 (at) example.org")
    assert hits["CONTACT_EMAIL"].details["items"][0]["value"] == "writer88@example.org"


@pytest.mark.parametrize("text", ["QQ浏览器下载量突破 10000000 次", "QQ音乐年度榜单共收录 35000 首歌曲"])
def test_qq_product_names_with_numbers_are_not_qq_numbers(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_QQ" not in hits


def test_phone_formatting_is_not_obfuscation(det):
    hits, _ = _contact_hits(det, "联系电话 139 1234 5678")
    assert "CONTACT_MOBILE" in hits
    assert "CONTACT_OBFUSCATED" not in hits


def test_free_mail_weighs_more_than_company_mail(det):
    free, _ = _contact_hits(det, "邮箱 someone@163.com")
    org, _ = _contact_hits(det, "邮箱 someone@example-company.com")
    assert free["CONTACT_EMAIL"].weight > org["CONTACT_EMAIL"].weight


# ---------------------------------------------------------------------------
# context


def test_takedown_notice_with_free_mail_reaches_review(det):
    text = ("本文由网友投稿发布,观点仅代表作者本人。如有侵权请联系删除,联系邮箱:reader2024@qq.com")
    hits, v = _contact_hits(det, text)
    assert "CONTACT_TAKEDOWN" in hits
    assert hits["CONTACT_TAKEDOWN"].weight >= 4.0
    assert _contact_score(hits) >= 5.0
    assert v.action in ("review", "reject")


def test_takedown_footer_with_mobile(det):
    text = "内容侵权、删帖举报联系方式:13812345678 邮箱:takedown88@163.com"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_TAKEDOWN" in hits
    assert _contact_score(hits) >= 5.0


def test_ad_words_next_to_contact(det):
    text = "低息贷款,当天下款,加微信:loan_fast88 详聊"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_AD_CONTEXT" in hits
    assert hits["CONTACT_AD_CONTEXT"].weight >= 2.0
    assert "贷款" in hits["CONTACT_AD_CONTEXT"].details["words"] or "下款" in hits["CONTACT_AD_CONTEXT"].details["words"]


def test_ad_words_on_another_line_do_not_count(det):
    text = "本店提供贷款咨询服务\n门店邮箱 someone@qq.com"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_AD_CONTEXT" not in hits
    hits, _ = _contact_hits(det, "本店提供贷款咨询服务 门店邮箱 someone@qq.com")
    assert "CONTACT_AD_CONTEXT" in hits


def test_takedown_notice_two_lines_above_does_not_count(det):
    text = "如有侵权请联系删除。\n本文作者介绍。\n作者邮箱 someone@qq.com"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_TAKEDOWN" not in hits
    hits, _ = _contact_hits(det, "如有侵权请联系删除。\n作者邮箱 someone@qq.com")
    assert "CONTACT_TAKEDOWN" in hits


def test_view_docstring_examples():
    import doctest

    from detector.checks import contact_view

    result = doctest.testmod(contact_view)
    assert result.attempted > 0 and result.failed == 0


def test_repeated_contact(det):
    text = "找我办证 13912345678。\n" + "正文内容,说明情况。" * 10 + "\n再说一次:13912345678。\n最后:13912345678"
    hits, _ = _contact_hits(det, text)
    assert hits["CONTACT_REPEATED"].details["count"] == 3


def test_stacked_contact_block(det):
    text = "联系人:王先生\n手机:13912345678\n电话:021-66778899\nQQ:4455667788\n邮箱:shop@example.com"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_BLOCK" in hits
    assert _contact_score(hits) >= 5.0


def test_obfuscated_contact_with_ad_words_reaches_review(det):
    text = "刷单兼职日结,加V:❶❸❾❶❷❸❹❺❻❼❽"
    hits, v = _contact_hits(det, text)
    assert {"CONTACT_OBFUSCATED", "CONTACT_AD_CONTEXT", "CONTACT_WECHAT"} <= set(hits)
    assert v.action in ("review", "reject")


def test_personal_mail_in_copyright_footer(det):
    text = "Copyright © 2015-2023 某某资讯网 版权所有 备案号:X-12 联系邮箱:webmaster1@126.com"
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_FOOTER" in hits


# ---------------------------------------------------------------------------
# precision traps


NEWS_WITH_PRESS_LINE = (
    "本报讯 市交通运输局昨日召开发布会,通报今年前三季度城市公交运营情况。据介绍,全市新开通公交线路"
    "十二条,优化调整线路二十余条,公交分担率继续提升。发布会上,相关负责人表示,下一步将继续推进"
    "公交专用道建设,改善市民出行体验。市民如有意见建议,可拨打市交通运输局新闻办电话010-63451234"
    "进行反映。(记者 张明)"
)


def test_press_contact_landline_in_news_is_not_spam(det):
    hits, v = _contact_hits(det, NEWS_WITH_PRESS_LINE)
    assert "CONTACT_LANDLINE" in hits
    assert all(h.weight < 2.0 for h in hits.values())
    assert _contact_score(hits) < 2.0
    assert v.action == "allow"


def test_bank_and_service_short_numbers_are_not_items(det):
    text = ("尊敬的客户:我行将于本周日凌晨进行系统升级,届时手机银行暂停服务。如有疑问,请致电客服热线95555,"
            "或向消费者投诉热线12315反映。感谢您的理解与支持。")
    hits, v = _contact_hits(det, text)
    assert hits == {}
    assert v.action == "allow"


def test_product_page_with_one_400_number_is_not_spam(det):
    text = ("产品介绍:本款空气净化器采用三层滤网设计,适用面积约四十平方米,噪音低于三十五分贝。"
            "整机保修一年,滤网建议每六个月更换一次。售后服务热线:400-820-1234(工作日9:00-18:00)。")
    hits, v = _contact_hits(det, text)
    assert set(hits) == {"CONTACT_HOTLINE"}
    assert _contact_score(hits) < 2.0
    assert v.action == "allow"


def test_bank_official_400_line_with_card_words_stays_low(det):
    text = "服务热线:95566 信用卡热线:4006695566\n尊敬的客户:信用卡分期业务调整,特此公告。"
    hits, _ = _contact_hits(det, text)
    assert _contact_score(hits) < 2.0


def test_news_site_footer_with_complaint_channels_is_not_a_block(det):
    text = ("最新动态\n市区新增两处停车场\n关于我们 联系我们 法律声明\n某某晚报网 版权所有\n"
            "网站投诉:complain_news@163.com 电话:13398765432 违法和不良信息举报电话:0351-4567890\n"
            "ICP许可证号:X-20040000\nCopyright © 2014 news.example All rights reserved.")
    hits, v = _contact_hits(det, text)
    assert "CONTACT_BLOCK" not in hits
    assert "CONTACT_FOOTER" in hits
    assert all(h.weight < 2.0 for h in hits.values())
    assert v.action == "allow"


def test_takedown_disclaimer_without_contact_adds_nothing(det):
    hits, _ = _contact_hits(det, "图片来源网络,版权归原作者所有,如有侵权请联系我们,我们将立即删除。")
    assert hits == {}


# ---------------------------------------------------------------------------
# options


def test_allow_values_option_suppresses_a_number():
    det = Detector(config=Config({"options": {"contact.allow_values": ["4008123456"]}}),
                   load_entrypoints=False)
    v = det.check(text="全国热线 400-812-3456")
    assert not [h for h in v.hits if h.group == "contact"]


def test_extra_ad_words_and_free_mail_domains():
    cfg = Config({"options": {"contact.ad_words": ["上门维修"], "contact.free_mail_domains": ["mail.example"]}})
    det = Detector(config=cfg, load_entrypoints=False)
    v = det.check(text="上门维修空调 13912345678")
    assert v.hit("CONTACT_AD_CONTEXT") is not None
    v = det.check(text="写信 abc@mail.example")
    h = v.hit("CONTACT_EMAIL")
    assert h is not None and h.details["items"][0]["kind"] == "email_free"


def test_invalid_option_type_is_a_config_error():
    from detector.errors import ConfigError

    with pytest.raises(ConfigError):
        Detector(config=Config({"options": {"contact.ad_words": "贷款"}}), load_entrypoints=False)


# ---------------------------------------------------------------------------
# adversarial input


@pytest.mark.parametrize(
    "text",
    [
        "1" * 200_000,
        "1-" * 100_000,
        "1 " * 100_000,
        "一三九" * 60_000,
        "①" * 200_000,
        "a@" * 100_000,
        "QQ:" * 60_000,
        "微信" * 100_000,
        "#qq.com " * 25_000,
        ("加V" + "9" * 30 + "@qq.com ") * 5_000,
        "\x00\x01\ufffd" * 50_000,
        "",
    ],
)
def test_adversarial_inputs_never_raise(det, text):
    v = det.check(text=text)
    assert not v.errors
    assert v.hit("PLUGIN_CHECK_FAILED") is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789 -.@#qQ微信V加①一三九幺:：\n侵权删除贷款xyz", max_size=400))
def test_random_contactish_text_never_raises(text):
    check = ContactCheck()
    doc = Document(text=text)
    hits = list(check.run(doc))
    for h in hits:
        for e in h.evidence:
            assert text[e.start:e.end] == e.text


# ---------------------------------------------------------------------------
# country code before dotted groups, glued WeChat ids, trailers, lead-in lines

#: A body long enough to count as an article before a trailer (written for the test).
ARTICLE = ("今年夏天,市里的几家图书馆延长了开放时间,晚上九点以后仍有不少学生在自习。"
           "馆方表示,延时服务试行三个月以来,读者反映良好,下一步将增加座位并开放更多的研讨室,"
           "同时加强夜间的安全巡查,方便附近的居民和上班族在下班后借阅图书、参加讲座。") * 2


@pytest.mark.parametrize("text", ["联系电话：+86 130.9281.2332", "电话:0086 139.3638.8766", "+86 139-3638-8766"])
def test_country_code_before_a_dotted_or_dashed_number(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_MOBILE" in hits
    assert hits["CONTACT_MOBILE"].details["items"][0]["value"].endswith(text[-4:])


def test_country_code_does_not_turn_a_table_of_decimals_into_a_number(det):
    hits, _ = _contact_hits(det, "体重 86 13.5 14.2 15.6 18.3")
    assert hits == {}


@pytest.mark.parametrize(("text", "value"), [("加Vkf2024ab", "kf2024ab"), ("VXabcb3ba1q", "abcb3ba1q"),
                                             ("加v kf2024ab", "kf2024ab")])
def test_wechat_id_glued_to_a_latin_marker(det, text, value):
    hits, _ = _contact_hits(det, text)
    assert hits["CONTACT_WECHAT"].details["items"][0]["value"] == value


@pytest.mark.parametrize("text", ["加VIP会员享八折", "加VIP2024会员", "VXlog 更新了", "https://a.example/vx12345abc"])
def test_latin_words_after_a_marker_are_not_ids(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_WECHAT" not in hits


def test_one_personal_channel_after_the_article_is_a_weak_trailer(det):
    hits, v = _contact_hits(det, ARTICLE + "\n\nQQ号:1610357192")
    assert hits["CONTACT_TRAILER"].weight == 1.5
    assert v.action == "allow"  # one channel: a reporter's tip line looks the same


def test_two_channels_after_the_article_reach_review(det):
    hits, v = _contact_hits(det, ARTICLE + "\n\nQQ号:1610357192\n邮箱:509748676@126.com")
    assert hits["CONTACT_TRAILER"].weight == 3.0
    assert [e.text for e in hits["CONTACT_TRAILER"].evidence] == ["1610357192", "509748676@126.com"]
    assert v.action == "review"


def test_institutional_numbers_after_the_article_are_no_trailer(det):
    hits, v = _contact_hits(det, ARTICLE + "\n\n服务热线:400-123-4567 办公电话:0571-87654321")
    assert "CONTACT_TRAILER" not in hits and v.action == "allow"


@pytest.mark.parametrize("text", [
    "QQ号:1610357192\n" + ARTICLE,                                     # contact first, article after
    ARTICLE + "\n\nQQ号:1610357192\n" + "读者来信请寄编辑部,我们会尽快回复每一位读者。" * 2,  # text follows
    "短讯。\nQQ号:1610357192 邮箱:509748676@126.com",                     # no article before
    ARTICLE + "\n版权所有 © 某某网 QQ:1610357192 邮箱:509748676@126.com",  # a site's copyright footer
])
def test_no_trailer_without_an_article_ending_in_contact_details(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_TRAILER" not in hits


def test_a_colon_lead_in_line_is_the_context_of_the_next_line(det):
    hits, _ = _contact_hits(det, ARTICLE + "\n\n专业代办,价格优惠,联系:\n邮箱:509748676@126.com")
    assert hits["CONTACT_AD_CONTEXT"].details["words"] == ["代办"]
    hits, _ = _contact_hits(det, ARTICLE + "\n\n专业代办,价格优惠。\n邮箱:509748676@126.com")
    assert "CONTACT_AD_CONTEXT" not in hits  # a sentence ending in 。 introduces nothing


@pytest.mark.parametrize("notice", [
    "如发现本站有涉嫌抄袭侵权/违法违规的内容,请发送邮件至 2853725@qq.com 举报,一经查实,本站将立刻删除。",
    "如有侵犯您的权益,请来信告知 2853725@qq.com,我们将在24小时内删除。",
    "一经查实立即删除,联系邮箱:2853725@qq.com",
])
def test_scraper_disclaimers_are_takedown_context(det, notice):
    hits, v = _contact_hits(det, ARTICLE + "\n\n" + notice)
    assert hits["CONTACT_TAKEDOWN"].weight == 4.0
    assert v.action != "allow"


def test_infringement_in_news_prose_is_not_a_takedown_notice(det):
    text = ("法院认定该公司涉嫌侵权的证据不足,驳回了原告的诉讼请求。"
            "原告代理律师表示将提起上诉,联系电话0571-87654321。")
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_TAKEDOWN" not in hits


@pytest.mark.parametrize("text", ["微❤:xy1234567", "威♥ xy1234567", "wei信:abc12345", "WEI 信 abc12345"])
def test_more_wechat_marker_disguises(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_WECHAT" in hits and "CONTACT_OBFUSCATED" in hits


def test_no_trailer_on_a_whole_html_page(det):
    # The text of an HTML page ends with the site's footer; "after the article" is unknowable.
    html = ("<html><body><article><p>" + ARTICLE + "</p></article>"
            "<footer>联系我们 QQ:1610357192 微信:shop2024ab</footer></body></html>")
    hits = {h.rule: h for h in det.check(html=html).hits}
    assert "CONTACT_TRAILER" not in hits
    hits, _ = _contact_hits(det, ARTICLE + "\n\n联系我们 QQ:1610357192 微信:shop2024ab")
    assert "CONTACT_TRAILER" in hits


def test_a_post_given_as_an_html_fragment_still_has_a_trailer(det):
    html = "<p>" + ARTICLE + "</p><p>联系我们 QQ:1610357192 微信:shop2024ab</p>"
    assert "CONTACT_TRAILER" in {h.rule for h in det.check(html=html).hits}


@pytest.mark.parametrize(("text", "rule", "value"), [
    ("加薇:kf8899 备注来意", "CONTACT_WECHAT", "kf8899"),
    ("vx同号:13936388766", "CONTACT_WECHAT", "13936388766"),
    ("飞机:@abc_kefu", "CONTACT_MESSENGER", "@abc_kefu"),
])
def test_more_marker_forms(det, text, rule, value):
    hits, _ = _contact_hits(det, text)
    assert hits[rule].details["items"][0]["value"] == value


@pytest.mark.parametrize("text", ["加威力更大的发动机", "坐飞机:去北京出差", "我们加薇薇一起去"])
def test_words_that_look_like_markers(det, text):
    hits, _ = _contact_hits(det, text)
    assert "CONTACT_WECHAT" not in hits and "CONTACT_MESSENGER" not in hits
