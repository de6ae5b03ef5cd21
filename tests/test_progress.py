"""Progress bars: on a terminal only, labelled in the language in force, silenced by --quiet."""

import io

import pytest
from click.testing import CliRunner

from zonekit.cli.main import main
from zonekit.geo import progress
from zonekit.vocabulary.messages import using


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def loud():
    yield
    progress.set_quiet(False)


def test_a_bar_on_a_terminal_in_chinese_and_none_when_quiet(monkeypatch):
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)  # in the test itself: pytest's capture is set up before
    with using("zh"):
        assert list(progress.tracked([[1, 2], [3]], "progress.parcels", total=3, unit="unit.parcels")) == [
            [1, 2],
            [3],
        ]
    shown = stderr.getvalue()
    assert "宗地" in shown and "/3" in shown and "宗/s" in shown
    stderr.truncate(0)
    progress.set_quiet(True)
    list(progress.tracked([[1]], "progress.parcels", total=1))
    assert stderr.getvalue() == ""


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stderr", out)
    list(progress.tracked([[1]], "progress.parcels", total=1))
    assert out.getvalue() == ""


def test_every_command_takes_quiet(sample_study, tmp_path):
    runner = CliRunner()
    for args in (
        ["check", str(sample_study), "--quiet"],
        ["intensity", str(sample_study), "--out", str(tmp_path / "i.csv"), "-q", "--lang", "en"],
    ):
        res = runner.invoke(main, args)
        assert res.exit_code == 0, res.output
    for cmd in ("import", "check", "intensity", "overlap", "consolidate", "map", "atlas", "sample"):
        assert "--quiet" in runner.invoke(main, [cmd, "--help"]).output, cmd


def test_the_search_for_overlaps_within_a_layer_shows_its_bar(monkeypatch):
    """A layer overlaid with itself: the validation of its batches (on threads) advances one bar to the end."""
    import numpy as np
    import shapely

    from zonekit.geo.overlay import maybe_overlapping

    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    tiles = np.array([shapely.box(i, 0, i + 1, 1) for i in range(40)], dtype=object)
    with using("zh"):
        maybe_overlapping(tiles, threads=2, batch=3)
    assert "图层自身叠加" in stderr.getvalue() and "个要素" in stderr.getvalue()
    stderr.seek(0)
    stderr.truncate(0)
    monkeypatch.setenv(progress.PROGRESS_ENV, "lines")  # as the QGIS plugin reads it: every percent reached
    with using("en"):
        maybe_overlapping(tiles, threads=2, batch=3)
    said = stderr.getvalue().splitlines()
    assert said[-1] == "zonekit-progress 100 a layer with itself: features that may overlap"
    assert [int(line.split()[1]) for line in said] == sorted(int(line.split()[1]) for line in said)
