"""The spin rules (rules/spin.yaml): one spun form per family, look-alikes, keyword coverage.

The lexicon sub-rule runs only when one of its ``keywords`` is in the text,
so a form whose literals no keyword covers would silently never match:
``test_every_form_contains_a_keyword`` expands each sub-rule's pattern into
the literal strings it can match (the pattern uses only literals, ``[...]``
classes, ``(?:...)`` groups, optional groups and look-arounds) and checks
each holds a keyword. Fixtures are sentences written for these tests.
"""

from __future__ import annotations

import pytest
import yaml

from detector.checks.rulefiles import packaged_rules_dir


def _spin_rules() -> dict[str, dict]:
    with open(packaged_rules_dir() / "spin.yaml", encoding="utf-8") as fh:
        return {r["id"]: r for r in yaml.safe_load(fh)["rules"]}


def _skip_group(p: str, i: int) -> int:
    """Index just past the group opening at ``p[i]``."""
    depth = 0
    while True:
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = p.index("]", i) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _expand(p: str, i: int = 0) -> tuple[list[str], int]:
    """All literal strings of the alternation starting at ``p[i]`` (up to its ``)``)."""
    alts: list[str] = []
    cur = [""]
    while i < len(p):
        c = p[i]
        if c == ")":
            break
        if c == "|":
            alts += cur
            cur = [""]
            i += 1
        elif p.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            i = _skip_group(p, i)  # zero-width: contributes nothing
        elif p.startswith("(?:", i):
            sub, j = _expand(p, i + 3)
            i = j + 1
            if i < len(p) and p[i] == "?":
                sub, i = sub + [""], i + 1
            cur = [a + b for a in cur for b in sub]
        elif c == "[":
            j = p.index("]", i)
            cur = [a + ch for a in cur for ch in p[i + 1:j]]
            i = j + 1
        elif c in "(*+{}.\\^$":
            raise AssertionError(f"pattern syntax the expander does not know at {p[i:i + 12]!r}")
        else:
            cur = [a + c for a in cur]
            i += 1
    return alts + cur, i


def _flat(pattern: str) -> str:
    lines = [ln.split("#")[0].strip() for ln in pattern.splitlines()]
    return "".join(ln for ln in lines if ln and ln != "(?x)")


@pytest.mark.parametrize("rule_id", ["ZH_SUB_SPIN_FARM", "ZH_SUB_SPIN_LEXICON"])
def test_every_form_contains_a_keyword(rule_id):
    rule = _spin_rules()[rule_id]
    forms, _ = _expand(_flat(rule["pattern"]))
    assert len(forms) > 20
    uncovered = [f for f in forms if not any(k in f for k in rule["keywords"])]
    assert uncovered == []


@pytest.mark.parametrize("text,spun", [
    ("有问题请拨打德律风咨询。", "拨打德律风"),
    ("系统会自动处置惩罚数据。", "处置惩罚数据"),
    ("我们年夜家一起努力。", "年夜家"),
    ("企业要重视收集宁静。", "收集宁静"),
    ("熬夜晦气于身体健康。", "晦气于"),
    ("凡是情况下不会扣费。", "凡是情况下"),
    ("购买后享受售后办事。", "售后办事"),
    ("安装应用法式后重启。", "应用法式"),
    ("公司有多项焦点手艺。", "焦点手艺"),
    ("选择合适的枢纽词很重要。", "枢纽词"),
    ("这样能晋升体验。", "晋升体验"),
    ("这款产品对照便宜。", "对照便宜"),
    ("出格注意饮食卫生。", "出格注意"),
    ("找准方针用户再推广。", "方针用户"),
    ("运动起到了很大的感化。", "起到了很大的感化"),
    ("如果泛起问题请重启。", "泛起问题"),
    ("材料包罗但不限于身份证。", "包罗但不限于"),
    ("请选择付出体例。", "付出体例"),
    ("本周举办勾当,欢迎参加。", "举办勾当"),
    ("请关注今日旧事。", "今日旧事"),
    ("事情职员会联系您。", "事情职员"),
    ("改善日常糊口习惯。", "日常糊口"),
    ("患者需接管治疗。", "接管治疗"),
    ("这样可以低落成本。", "低落成本"),
    ("合理规划能淘汰开支。", "淘汰开支"),
    ("法律会掩护消费者的权益。", "掩护消费者"),
    ("他是一名软件开辟工程师。", "软件开辟"),
    ("请阅读以下步调。", "以下步调"),
    ("提升用户闭会。", "用户闭会"),
    ("发现问题要当令处理。", "当令处理"),
    ("相关保举:热门文章。", "相关保举"),
    ("界面操作简朴。", "操作简朴"),
    ("请勿泄露登录暗码。", "登录暗码"),
    ("可以咨询专业状师。", "专业状师"),
    ("签订借款条约前要细读。", "借款条约"),
    ("他經由過程考試,透露表現很滿意。", "經由過程"),  # Traditional, via the simplified view
])
def test_lexicon_forms(detector, text, spun):
    v = detector.check(text=text)
    hit = v.hit("ZH_SPIN_COLLOCATION")
    assert hit is not None and hit.group == "spin" and hit.weight == 2.5
    assert spun in [e.text for e in hit.evidence]
    for e in hit.evidence:
        assert text[e.start:e.end] == e.text


@pytest.mark.parametrize("text", [
    "除夕吃年夜饭,大年夜家人团聚,跨年夜会有烟火。",
    "我们收集了用户意见,也收集平台数据。",
    "夜里很宁静。他靠打零工养家糊口。",
    "今天去办事处办事,办事效率很高。",
    "这位手艺人的手艺水平很高。",
    "交通枢纽在于规划。这件事情日益严重。",
    "他进步很快。对照组的结果对照大纲检查。",
    "事故的起因已查明。他付出了很多努力。",
    "晋升速度很快。落后产能面临淘汰风险。新团队接管工作。",
    "开辟者的精神值得学习。两国签订条约。大家步调一致。",
    "他情绪低落。士兵掩护战友撤退。法式面包很好吃。",
    "凡是参加的人都有奖品。这种情况出格少见吗?不,只是他的行为太出格。",
])
def test_lexicon_look_alikes(detector, text):
    assert detector.check(text=text).hit("ZH_SPIN_COLLOCATION") is None


def test_three_forms_of_either_family_make_many(detector):
    text = "客服会打德律风联系您。请当令处置惩罚。逾期会作用个人信用。"
    v = detector.check(text=text)
    assert v.hit("ZH_SPIN_COLLOCATION") is not None
    many = v.hit("ZH_SPIN_COLLOCATION_MANY")
    assert many is not None
    assert v.score == pytest.approx(5.0)
