"""An output never destroys an input: --out naming the study, sample and atlas into a folder with a study."""

from __future__ import annotations

import pytest

from tests.safety.conftest import digest, run_cli
from zonekit.geo.io import atomic_folder, atomic_output
from zonekit.layers.study import read_study

COMMANDS = {
    "check": [],
    "intensity": [],
    "overlap": ["--a", "parks", "--b", "zones"],
    "consolidate": [],
    "map": [],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_out_naming_the_study_is_refused(command, small_study, capsys):
    before = digest(small_study)
    code = run_cli(command, small_study, *COMMANDS[command], "--out", small_study)
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1, err
    assert "--out 指向一个 zonekit 研究库" in err and "Traceback" not in err
    assert digest(small_study) == before
    assert len(read_study(small_study)["parks"]) == 1


def test_out_naming_the_study_through_another_path_is_refused(small_study, capsys):
    other = small_study.parent / "sub" / ".." / small_study.name
    (small_study.parent / "sub").mkdir()
    before = digest(small_study)
    assert run_cli("intensity", small_study, "--out", other) == 1
    assert digest(small_study) == before


def test_sample_never_overwrites_a_study(small_study, capsys):
    before = digest(small_study)
    assert run_cli("sample", small_study.parent) == 1
    assert "--force" in capsys.readouterr().err
    assert digest(small_study) == before
    assert run_cli("sample", small_study.parent, "--force") == 0
    assert digest(small_study) != before


def test_atlas_never_replaces_a_folder_it_did_not_write(small_study, tmp_path, capsys):
    before = digest(small_study)
    assert run_cli("atlas", "--out", small_study.parent) == 1  # the folder holds the user's study
    assert run_cli("atlas", small_study, "--out", tmp_path) == 1  # the study is inside --out
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("未写出任何内容") == 2
    assert digest(small_study) == before


def test_atlas_replaces_its_own_earlier_folder(small_study, tmp_path):
    out = tmp_path / "atlas"
    assert run_cli("atlas", small_study, "--out", out) == 0
    (out / "stale-from-last-run.txt").write_text("x")
    assert run_cli("atlas", small_study, "--out", out) == 0
    assert (out / "index.html").exists() and not (out / "stale-from-last-run.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".atlas")]


def test_a_failed_folder_write_leaves_the_previous_folder(tmp_path):
    out = tmp_path / "atlas"
    with atomic_folder(out) as tmp:
        (tmp / "a.txt").write_text("first")

    def fail_half_way():
        with atomic_folder(out) as tmp:
            (tmp / "a.txt").write_text("second")
            raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert (out / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]


def test_a_replaced_output_keeps_its_mode_and_a_read_only_one_is_kept(tmp_path):
    out = tmp_path / "r.xlsx"
    out.write_text("old")
    out.chmod(0o640)
    with atomic_output(out) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new" and oct(out.stat().st_mode & 0o777) == "0o640"
    out.chmod(0o444)
    with pytest.raises(PermissionError), atomic_output(out) as tmp:
        tmp.write_text("newer")
    assert out.read_text() == "new"


def test_a_csv_output_stopped_midway_leaves_every_previous_file(tmp_path, monkeypatch):
    import pandas as pd

    from zonekit.reports import tables

    out = tmp_path / "i.csv"
    first = {
        "main": pd.DataFrame({"a": [1]}),
        "more": pd.DataFrame({"b": [2]}),
        "last": pd.DataFrame({"c": [3]}),
    }
    written = tables.write_tables(first, out, main="main")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {p.name for p in written} | {"i.metadata.csv"} and len(before) == 4
    calls = []
    real = tables.write_csv

    def failing(df, path):  # the third file fails, as a full disk or Ctrl-C would stop it
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(df, path)

    monkeypatch.setattr(tables, "write_csv", failing)
    second = {k: v * 10 for k, v in first.items()}
    with pytest.raises(OSError, match="No space left"):
        tables.write_tables(second, out, main="main")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no new file, no leftover
