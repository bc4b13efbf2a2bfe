"""Configuration: discovery, validation with the key named, profiles."""

from __future__ import annotations

import pytest

from detector import Config, ConfigError


def test_search_finds_spamdetect_toml_upwards(tmp_path, monkeypatch):
    (tmp_path / "spamdetect.toml").write_text('review = 3.0\n[profiles.forum]\nreject = 6\n', "utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    cfg = Config.load()
    assert cfg.path == (tmp_path / "spamdetect.toml").resolve()
    assert cfg.profile().review == 3.0 and cfg.profile("forum").reject == 6


def test_pyproject_tool_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.spamdetect]\nreject = 7\n', "utf-8")
    cfg = Config.load(start=tmp_path)
    assert cfg.profile().reject == 7


def test_pyproject_without_section_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname="x"\n', "utf-8")
    assert Config.load(start=tmp_path).path is None


@pytest.mark.parametrize("data,key", [
    ({"review": "high"}, "review"),
    ({"weights": {"X": "a"}}, "weights.X"),
    ({"bogus": 1}, "bogus"),
    ({"profiles": {"f": {"reject": -1}}}, "profiles.f.reject"),
    ({"group_caps": {"nogroup": 1}}, "group_caps"),
    ({"disable": [1]}, "disable[0]"),
    ({"review": 9, "reject": 3}, "review"),
    ({"max_chars": True}, "max_chars"),
])
def test_invalid_values_name_the_key(data, key):
    with pytest.raises(ConfigError) as exc:
        Config(data)
    assert key in str(exc.value)


def test_missing_file_and_invalid_toml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        Config.load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("review = = 3", "utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        Config.load(bad)


def test_profile_merges_over_top_level(tmp_path):
    cfg = Config({"weights": {"A": 1, "B": 2}, "disable": ["X"],
                  "profiles": {"p": {"weights": {"B": 5}, "disable": ["Y"]}}})
    p = cfg.profile("p")
    assert dict(p.weights) == {"A": 1, "B": 5}
    assert p.disable == {"X", "Y"}
    assert p.action(p.reject) == "reject" and p.action(p.review) == "review" and p.action(0) == "allow"


def test_rule_dirs_resolve_relative_to_the_file(tmp_path):
    f = tmp_path / "conf" / "spamdetect.toml"
    f.parent.mkdir()
    f.write_text('rule_dirs = ["my-rules"]\n', "utf-8")
    assert Config.load(f).profile().rule_dirs == ((tmp_path / "conf" / "my-rules").resolve(),)
