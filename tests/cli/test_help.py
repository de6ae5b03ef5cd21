"""``--help`` in Chinese by default and in English on request, every text present in both, laid out to width."""

from __future__ import annotations

import importlib
import os
import re

import click
import pytest
from click.testing import CliRunner

from zonekit.cli.help import chinese
from zonekit.cli.main import COMMANDS, main
from zonekit.vocabulary.messages import using
from zonekit.vocabulary.widths import display_width

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _chinese(monkeypatch):
    """Chinese, as a user's process starts (the suite's other tests speak English); the environment's
    ZONEKIT_LANG restored after the test, whatever a command set."""
    monkeypatch.setenv("ZONEKIT_LANG", "zh")
    with using("zh"):
        yield


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), prog_name="zonekit", terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.stdout


def _commands() -> dict[str, click.Command]:
    found = {}
    for name, target in COMMANDS.items():
        module, attr = target.split(":")
        found[name] = getattr(importlib.import_module(module), attr)
    return found


def _flags(command: click.Command) -> set[str]:
    return {max(p.opts, key=len) for p in command.params if isinstance(p, click.Option)}


def test_every_command_and_option_has_its_chinese_and_every_chinese_text_its_command():
    zh, shared = chinese(), set(chinese()["shared"]["options"])
    commands = _commands()
    assert set(zh) == {"main", "shared", *commands}
    for name, command in {"main": main, **commands}.items():
        assert HAN.search(zh[name]["help"]), name
        own = set(zh[name].get("options", {}))
        assert _flags(command) <= own | shared, (name, _flags(command) - own - shared)
        assert own <= _flags(command), (name, own - _flags(command))  # no text for an option gone
    used = set().union(*(_flags(c) for c in commands.values())) | {"--help"}
    assert shared <= used


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_is_chinese_by_default_and_fits_the_width(name):
    text = _help(name, "--help")
    assert text.startswith(f"用法：zonekit {name}")
    assert "选项：" in text and "Options:" not in text and "Show this message" not in text
    description = chinese()[name]["help"].strip().splitlines()[0]
    assert description.rstrip("\\") in text.replace("\n", "")  # wrapped, but all there
    options = text[text.index("选项：") :]
    for line in options.splitlines():  # Chinese option help wraps between characters (names may not)
        assert line.lstrip().startswith("-") or display_width(line) <= 100, line
    command = _commands()[name]
    for param in command.params:  # no English option help left
        if isinstance(param, click.Option) and param.help:
            assert param.help[:40] not in text


def test_english_on_request_before_or_after_help_and_from_the_environment(monkeypatch):
    for args in (("intensity", "--lang", "en", "--help"), ("intensity", "--help", "--lang", "en")):
        text = _help(*args)
        assert text.startswith("Usage: zonekit intensity") and "Options:" in text
        assert "Land intensive-use evaluation" in text and "评价每个园区" not in text
    monkeypatch.setenv("ZONEKIT_LANG", "en")
    assert _help("intensity", "--help").startswith("Usage:")
    assert _help("intensity", "--help", "--lang", "zh").startswith("用法：")


def test_the_command_list_says_each_command_in_chinese_and_english():
    text = _help("--help")
    assert "命令：" in text and "示例：" in text
    assert re.search(r"^  intensity +按园区或开发区对 STUDY 进行土地集约利用评价$", text, re.M)
    text = _help("--lang", "en", "--help")
    assert "Commands:" in text and re.search(r"^  intensity +Land intensive-use evaluation", text, re.M)


def test_the_language_before_the_command_applies_to_it_and_its_own_lang_wins(monkeypatch, tmp_path):
    runner = CliRunner()
    odd = tmp_path / "坏.gpkg"
    odd.write_bytes(b"not a GeoPackage")
    said = runner.invoke(main, ["--lang", "en", "info", str(odd)], prog_name="zonekit")
    assert said.exit_code == 1 and "not a study" in " ".join(said.stderr.split())
    said = runner.invoke(main, ["--lang", "en", "info", str(odd), "--lang", "zh"], prog_name="zonekit")
    assert said.exit_code == 1 and "不是研究库" in "".join(said.stderr.split())
    monkeypatch.setenv("ZONEKIT_LANG", "en")  # ZONEKIT_LANG reaches the commands (--lang's default hid it)
    said = runner.invoke(main, ["info", str(odd)], prog_name="zonekit")
    assert said.exit_code == 1 and "not a study" in " ".join(said.stderr.split())
    monkeypatch.setenv("ZONEKIT_LANG", "en_US.UTF-8")  # as copied from LANG: read as the library reads it
    said = runner.invoke(main, ["info", str(odd)], prog_name="zonekit")
    assert said.exit_code == 1 and "not a study" in " ".join(said.stderr.split())
    monkeypatch.setenv("ZONEKIT_LANG", "zh_CN.GBK")
    said = runner.invoke(main, ["info", str(odd)], prog_name="zonekit")
    assert said.exit_code == 1 and "不是研究库" in "".join(said.stderr.split())


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Missing option '--into'.", "缺少选项 '--into'。"),
        ("Missing argument 'STUDY'.", "缺少参数 'STUDY'。"),
        ("No such option '--bogus'.", "没有选项 '--bogus'。"),
        ("No such option '--ot'. Did you mean '--out'?", "没有选项 '--ot'。您是不是要用 '--out'？"),
        ("No such command 'infoo'.", "没有命令 'infoo'。"),
        ("Option '--into' requires an argument.", "选项 '--into' 需要一个值。"),
        ("Got unexpected extra argument (b)", "多余的参数：b"),
        (
            "Invalid value for '--by': 'county' is not one of 'park', 'zone'.",
            "'--by' 的值无效：'county' 不是 'park', 'zone' 之一。",
        ),
        (
            "Invalid value for '--imports': 'abc' is not a valid integer.",
            "'--imports' 的值无效：'abc' 不是整数。",
        ),
        ("Invalid value for 'STUDY': Path 'a' does not exist.", "'STUDY' 的值无效：路径 'a' 不存在。"),
        (
            "Invalid value for '--lang' (env var: 'ZONEKIT_LANG'): 'fr' is not one of 'zh', 'en'.",
            "'--lang'（环境变量 'ZONEKIT_LANG'） 的值无效：'fr' 不是 'zh', 'en' 之一。",
        ),
        ("Something click says that is not listed.", "Something click says that is not listed."),
    ],
)
def test_usage_errors_are_said_in_chinese(message, said):
    from zonekit.cli.help import usage_error_text

    assert usage_error_text(click.UsageError(message)) == f"错误：{said}"


def test_a_usage_error_in_a_fresh_process_in_either_language(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    zonekit = str(Path(sys.executable).with_name("zonekit"))
    env = {k: v for k, v in os.environ.items() if k != "ZONEKIT_LANG"}
    zh = subprocess.run([zonekit, "import", "x.shp"], capture_output=True, text=True, env=env, timeout=120)
    assert zh.returncode == 2
    assert zh.stderr.splitlines() == [
        "用法：zonekit import [OPTIONS] SRC...",
        "请用 'zonekit import --help' 查看帮助。",
        "",
        "错误：缺少选项 '--into'。",
    ]
    en = subprocess.run(
        [zonekit, "import", "x.shp", "--lang", "en"], capture_output=True, text=True, env=env, timeout=120
    )
    assert en.returncode == 2 and en.stderr.splitlines()[-1] == "Error: Missing option '--into'."
    assert en.stderr.startswith("Usage: zonekit import")
    # a ZONEKIT_LANG zonekit does not speak: the usage error of --lang, in Chinese, once, no Python warning
    fr = subprocess.run(
        [zonekit, "info", "x.gpkg"], capture_output=True, text=True, env={**env, "ZONEKIT_LANG": "fr"}
    )
    assert fr.returncode == 2 and "ZONEKIT_LANG" in fr.stderr and "'fr' 不是 'zh', 'en' 之一" in fr.stderr
    assert fr.stderr.count("ZONEKIT_LANG") == 1 and "Warning" not in fr.stderr and "警告" not in fr.stderr


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (
            ["overlap", "{study}", "--out", "o.xlsx"],
            "请给出 --a 和至少一个 --b",
            "give --a and at least one --b",
        ),
        (["partition", "{study}"], "请给出 --out 目录.parquet", "give --out DIR.parquet"),
        (
            ["potential", "{study}", "--date", "2025-13-45", "--out", "p.xlsx"],
            "统计时点请写成",
            "statistics date",
        ),
        (
            ["monitor", "{study}", "--dates", "2024-12-31", "--out", "m.xlsx"],
            "两个或更多统计时点",
            "two statistics",
        ),
        (["intensity", "{study}", "--cluster", "foo", "--out", "i.csv"], "请写 local:N", "give local:N"),
        (["snapshot", "{study}", "--date", "31/12/2024"], "日期请写成 YYYY-MM-DD", "write the date as"),
    ],
)
def test_zonekits_own_usage_errors_in_either_language(sample_study, args, zh, en):
    """The checks zonekit adds to click's (a date's form, a missing --a, a cluster address) speak both."""
    runner = CliRunner()
    filled = [a.replace("{study}", str(sample_study)) for a in args]
    said = runner.invoke(main, filled, prog_name="zonekit", env={"ZONEKIT_LANG": "zh"})
    assert said.exit_code == 2 and zh in said.stderr and en not in said.stderr, said.stderr
    said = runner.invoke(main, [*filled, "--lang", "en"], prog_name="zonekit", env={"ZONEKIT_LANG": "zh"})
    assert said.exit_code == 2 and en in said.stderr, said.stderr
