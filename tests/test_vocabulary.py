"""One vocabulary: every message in Chinese and English, Chinese by default, the same blanks in both."""

from __future__ import annotations

import os
import string
import subprocess
import sys

import pytest

from zonekit.errors import SourceReadError, StudyError
from zonekit.vocabulary.messages import MESSAGES, language, say, set_language, using


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_message_says_the_same_in_both_languages(code):
    msg = MESSAGES[code]
    assert msg.zh and msg.en, code
    assert blanks(msg.zh) == blanks(msg.en) and blanks(msg.fix_zh) == blanks(msg.fix_en), code
    assert bool(msg.fix_zh) == bool(msg.fix_en), code
    assert any(ord(ch) >= 0x3000 for ch in msg.zh + msg.fix_zh) or msg.zh == msg.en, code  # CJK or full-width


def test_chinese_unless_told_otherwise():
    env = {k: v for k, v in os.environ.items() if k != "ZONEKIT_LANG"}
    code = "from zonekit.vocabulary.messages import language; print(language())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "zh"
    env["ZONEKIT_LANG"] = "en"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "en"


@pytest.mark.parametrize(
    ("given", "lang", "warned"),
    [("en_US.UTF-8", "en", False), ("zh_CN.GBK", "zh", False), ("English", "en", False), (" ", "zh", False),
     ("fr_FR.UTF-8", "zh", True), ("klingon", "zh", True)],
)  # fmt: skip
def test_zonekit_lang_is_read_as_a_locale_and_a_value_it_cannot_read_is_said_once(given, lang, warned):
    """A notebook user's ZONEKIT_LANG copied from LANG works; one zonekit does not speak is not ignored."""
    env = {**os.environ, "ZONEKIT_LANG": given}
    code = (
        "import warnings; warnings.simplefilter('always')\n"
        "from zonekit.vocabulary.messages import language, say\n"
        "print(language(), language(), say('source.missing', path='a.shp'))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split()[:2] == [lang, lang]
    assert ("文件不存在" if lang == "zh" else "does not exist") in out.stdout
    assert out.stderr.count("ZonekitWarning") == (1 if warned else 0), out.stderr
    if warned:
        assert (
            repr(given) in out.stderr
            and "set it to zh or en" in out.stderr
            and "请设为 zh 或 en" in out.stderr
        )


def test_an_error_is_said_in_the_language_in_force_when_shown():
    err = SourceReadError("source.missing", path="园区.shp")
    with using("zh"):
        assert str(err) == "园区.shp: 文件不存在。请检查路径和拼写。"
    with using("en"):
        assert str(err) == "园区.shp: The file does not exist. Check the path and the spelling."
    assert err.text("zh").startswith("园区.shp: 文件不存在")


def test_a_value_that_is_a_message_is_translated_too():
    err = StudyError("study.layer_empty", path="s.gpkg", layer="parks", purpose="purpose.map")
    assert "而地图需要它" in err.text("zh") and "the map needs it" in err.text("en")


def test_text_that_is_no_message_id_is_kept_as_it_is():
    assert str(StudyError("something else went wrong", path="s.gpkg", fix="Try again.")) == (
        "s.gpkg: something else went wrong Try again."
    )


def test_set_language_refuses_what_zonekit_does_not_speak():
    with using("en"):
        set_language("zh")
        assert language() == "zh"
        with pytest.raises(Exception, match="fr"):
            set_language("fr")
    assert say("cli.wrote", "zh", file="a.xlsx") == "已写出 a.xlsx"


def test_the_command_line_speaks_chinese_by_default_and_english_when_asked(tmp_path):
    from click.testing import CliRunner

    from zonekit.cli.main import main

    missing = str(tmp_path / "无.shp")
    zh = CliRunner().invoke(main, ["import", missing, "--into", str(tmp_path / "s.gpkg"), "--as", "parks"])
    en = CliRunner().invoke(
        main, ["import", missing, "--into", str(tmp_path / "s.gpkg"), "--as", "parks", "--lang", "en"]
    )
    assert zh.exit_code == en.exit_code == 1
    zh_text, en_text = ("".join(r.stderr.split()) for r in (zh, en))  # wrapped to the terminal's width
    assert "错误" in zh_text and "文件不存在" in zh_text
    assert "error" in en_text and "doesnotexist" in en_text


@pytest.mark.parametrize("code", [c for c in MESSAGES if c.split(".")[0] in ("row", "repair", "note", "how")])
def test_every_stored_reason_is_recognised_and_said_in_chinese(code):
    from zonekit.vocabulary.phrases import translate

    values = {name: f"v{k}" for k, name in enumerate(sorted(blanks(MESSAGES[code].en)))}
    stored = MESSAGES[code].en.format_map(values)
    assert translate(stored, "zh") == MESSAGES[code].zh.format_map(values)
    assert translate(stored + " ×3", "zh") == MESSAGES[code].zh.format_map(values) + " ×3"
    assert translate(stored, "en") == stored


def test_a_chinese_workbook_gives_the_rejection_reasons_in_chinese(tmp_path):
    import geopandas as gpd
    import pandas as pd
    import shapely

    from zonekit.layers.importer import import_layer
    from zonekit.layers.study import read_table
    from zonekit.reports.tables import write_tables

    parks = gpd.GeoDataFrame(
        {"park_id": ["A", None], "zone_id": ["Z", "Z"], "name": ["甲", "乙"], "kind": ["main", "sub"]},
        geometry=[shapely.box(120, 32, 120.01, 32.01), shapely.box(120.02, 32, 120.03, 32.01)],
        crs=4490,
    )
    study = tmp_path / "s.gpkg"
    report = import_layer(parks, study, as_="parks")
    assert report.rejected == 1 and report.rejected_reasons == {"park_id is empty": 1}  # stored canonical
    rejected = read_table(study, "parks_rejected")
    out = tmp_path / "r.xlsx"
    write_tables({"rejected": rejected}, out, main="rejected", lang="zh", metadata={})
    sheet = pd.read_excel(out, sheet_name=0)
    assert list(sheet["拒收原因"]) == ["园区代码 为空"]  # header and value in Chinese
