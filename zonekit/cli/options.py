"""Options shared by several commands."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import click

from zonekit.choices import CODE_SYSTEMS
from zonekit.vocabulary.messages import say


def _set_language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from zonekit.vocabulary.messages import set_language

    set_language(value)
    return value


def _set_language_for_all(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:  # before the command's name: for the command too (its --lang reads ZONEKIT_LANG)
        _set_language(ctx, param, value)
        os.environ["ZONEKIT_LANG"] = value


class _Language(click.Choice):
    """``zh`` or ``en``; a locale or a name of either (``en_US.UTF-8``, ``中文``) is read as the library reads it."""

    def convert(self, value, param, ctx):
        from zonekit.vocabulary.messages import language_code

        return super().convert(language_code(value) or value, param, ctx)


LANGUAGE = _Language(["zh", "en"], case_sensitive=False)


lang_option = click.option(
    "--lang",
    type=LANGUAGE,
    default="zh",
    envvar="ZONEKIT_LANG",
    show_default=True,
    show_envvar=True,
    is_eager=True,
    callback=_set_language,
    help="Language of headers, values, messages and pages: zh (Chinese, 中文) or en (English).",
)

group_lang_option = click.option(
    "--lang",
    type=LANGUAGE,
    is_eager=True,
    expose_value=False,
    callback=_set_language_for_all,
    help="Language of this help and of the command that follows (the command's own --lang wins).",
)


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        from zonekit.geo.progress import set_quiet

        set_quiet(True)
    return value


quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_set_quiet,
    help="Show no progress bars (they never show when standard error is not a terminal).",
)


def _cluster(ctx: click.Context, param: click.Parameter, value: str | None):
    if not value:
        return None
    from zonekit.geo.cluster import Cluster

    try:
        return Cluster(value)
    except ValueError:
        raise click.BadParameter(say("usage.cluster", value=repr(value))) from None


def day_checked(message: str, *, several: bool = False):
    """A click callback that takes a ``YYYY-MM-DD`` date (or several, separated by commas).

    Parameters
    ----------
    message : str
        The message key of the usage error naming the bad value (its ``{value}``).
    several : bool, default False
        Whether a comma-separated list of dates is asked for (one date, else: a list is a bad date).

    Returns
    -------
    callable
        The callback: the value as given, each of its dates checked; a bad one is a usage error.

    Examples
    --------
    >>> check = day_checked("usage.date")
    >>> check(None, None, "2024-12-31")
    '2024-12-31'
    >>> check(None, None, "2024-13-01")
    Traceback (most recent call last):
    click.exceptions.BadParameter: '2024-13-01':日期请写成 YYYY-MM-DD,例如 2024-12-31
    >>> check(None, None, "2024-12-31,2025-12-31")
    Traceback (most recent call last):
    click.exceptions.BadParameter: '2024-12-31,2025-12-31':日期请写成 YYYY-MM-DD,例如 2024-12-31
    """

    def check(ctx: click.Context | None, param: click.Parameter | None, value: str) -> str:
        for day in value.split(",") if several else [value]:
            try:
                datetime.strptime(day.strip(), "%Y-%m-%d")
            except ValueError:
                raise click.BadParameter(say(message, value=repr(day.strip()))) from None
        return value

    return check


def rows_option(help: str):
    """``--rows N``: the most features in a partition of a store (default 500,000)."""
    return click.option("--rows", type=click.IntRange(min=1), default=500_000, show_default=True, help=help)


def cluster_option_with(help: str):
    """The ``--cluster`` option (``ZONEKIT_CLUSTER`` when not given) with a command's own help text."""
    return click.option(
        "--cluster", envvar="ZONEKIT_CLUSTER", callback=_cluster, metavar="local:N|tcp://HOST:PORT", help=help
    )


cluster_option = cluster_option_with(
    "Run the parcels' partitions (zonekit partition) as tasks on a dask.distributed cluster: local:N "
    "starts N worker processes here, tcp://HOST:PORT joins a running scheduler (its workers must see the "
    "store at the same path). Same results as without. Default: ZONEKIT_CLUSTER, else none."
)


# C0 and C1 controls (but newline and tab), DEL, and the bidirectional overrides that reorder a line
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    r"""``text`` with every control character shown as its escape, never sent to the terminal as one.

    A park or file name from a source can hold an escape sequence (a window title, OSC 52 writing the
    clipboard, a cursor move hiding a line); printed raw, the terminal would run it.

    Examples
    --------
    >>> terminal_safe("园区\x1b]52;c;ZXZpbA==\x07 A\u202e")
    '园区\\x1b]52;c;ZXZpbA==\\x07 A\\u202e'
    """
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def show(text: str, *, err: bool = False, file=None) -> None:
    """Print ``text`` (a line of the command's report) with its control characters made harmless."""
    click.echo(terminal_safe(str(text)), err=err, file=file)


def echo(code: str, **values) -> None:
    """Say message ``code`` on standard output in the language in force."""
    from zonekit.vocabulary.messages import say

    show(say(code, **values))


class StudyArg(click.ParamType):
    """A study: a GeoPackage file that exists, or ``postgresql://USER@HOST[:PORT]/DB?schema=NAME``."""

    name = "study"

    def __init__(self, *, exists: bool = True, dir_okay: bool = False) -> None:
        self._file = click.Path(dir_okay=dir_okay, exists=exists, path_type=Path)

    def convert(self, value, param, ctx):  # noqa: D102 — click's API
        if (
            not isinstance(value, str)
            or value.split("://", 1)[0].lower() not in URL_SCHEMES
            or "://" not in value
        ):
            return self._file.convert(value, param, ctx)
        from zonekit.layers.postgis import StudyURL

        return StudyURL(value)


class OutArg(StudyArg):
    """``--out``: a file, or ``postgresql://USER@HOST[:PORT]/DB?schema=S&table=T`` for results in PostGIS."""

    name = "out"

    def __init__(self) -> None:
        super().__init__(exists=False)

    def convert(self, value, param, ctx):  # noqa: D102 — click's API
        got = super().convert(value, param, ctx)
        if not isinstance(got, Path) and got.table is None:
            self.fail("add &table=NAME to the URL: the table that gets the results", param, ctx)
        return got


URL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
OUT = OutArg()
"""``--out`` of the commands that write a report (a file, or a table in PostGIS)."""
STUDY = StudyArg()
"""The STUDY argument of the commands that read a study (a file or a PostgreSQL URL)."""


def guard_out(ctx: click.Context, param: click.Parameter, value):
    """``--out`` callback: refuse, before any work, an output path that is a study."""
    from zonekit.layers.study import refuse_overwriting_study

    if isinstance(value, Path):  # a table in PostgreSQL is replaced in its own transaction
        refuse_overwriting_study(value)
    return value


def write_report(report, out, *, lang: str, metadata: dict, study=None, config=None) -> None:
    """Write an API result (a ``Report`` or a single frame as ``main``) to ``out`` and say what was written.

    The metadata gets where the study's layers came from (their sources and SHA-256) and the full text of
    a configuration file given with ``--config``.
    """
    from zonekit.reports.tables import write_tables

    tables = report.tables() if hasattr(report, "tables") else {metadata.pop("main"): report}
    main = getattr(report, "main", None) or next(iter(tables))
    meta = {**metadata, **getattr(report, "metadata", {}), **provenance_of(study, config)}
    for p in write_tables(tables, out, main=main, lang=lang, metadata=meta):
        echo("cli.wrote", file=p)


def provenance_of(study=None, config=None) -> dict:
    """The metadata that proves where a report's numbers came from: the study's inputs and the config."""
    out: dict = {}
    if study is not None:
        from zonekit.layers.info import provenance

        out.update(provenance(study))
    if config is not None:
        from pathlib import Path as _Path

        out["config text"] = _Path(config).read_text(encoding="utf-8-sig")
    return out


def read(
    study,
    needed: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    stream: tuple[str, ...] = (),
    on=None,
):
    """Read the layers a command uses: ``needed`` ones (an error names any missing) and ``optional`` ones.

    Layers in ``stream`` are not read now: the analysis reads them chunk by chunk. With ``on`` (a
    statistics date), a layer kept in dated snapshots is read from the one serving it.
    """
    from zonekit.layers.snapshots import snapshot_dates
    from zonekit.layers.study import list_tables, read_study

    present = list_tables(study)
    if on is not None:
        present = [*present, *snapshot_dates(present)]
    wanted = [*needed, *(n for n in optional if n in present)]
    return read_study(study, layers=wanted or None, stream=stream, on=on)


def source_options(command):
    """The options that say how to read a source, shared by ``import`` and ``inspect``."""
    for option in reversed(SOURCE_OPTIONS):
        command = option(command)
    return command


SOURCE_OPTIONS = [
    click.option(
        "--encoding", help="Text encoding of the attributes (overrides .cpg and detection), e.g. gbk."
    ),
    click.option("--crs", help="CRS of the source (overrides .prj and inference), e.g. EPSG:4528."),
    click.option(
        "--from",
        "from_",
        type=click.Choice(["gcj02", "bd09"]),
        help="The lon/lat carry an Amap/Tencent (gcj02) or Baidu (bd09) offset to remove.",
    ),
    click.option(
        "--fields",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help='TOML file mapping source field names to schema names: [fields] then "园区名" = "name".',
    ),
    click.option(
        "--values",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help='TOML file mapping values per column: [values.kind] then "综合园区" = "main".',
    ),
    click.option(
        "--code-system",
        type=click.Choice(CODE_SYSTEMS),
        help="Land-use code system of a landuse layer (三调 DLTB data: sandiao).",
    ),
    click.option("--layer", help="Layer, sheet or dataset inside SRC when it holds several."),
]


def config_option(name: str):
    """``--config``: a TOML file overriding ``<name>_default.toml`` (shared by the analysis commands)."""
    return click.option(
        "--config",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help=f"TOML overriding the thresholds of {name}_default.toml (copy it and change what you need).",
    )


POTENTIAL_LAYERS = ("landuse", "supply", "approvals", "enterprises")


def potential_inputs(study) -> dict:
    """The parks and the layers the potential and monitoring commands read (parcels chunk by chunk)."""
    st = read(study, ("parks",), POTENTIAL_LAYERS, stream=("landuse",))
    g = st.get
    return {
        "parks": st["parks"],
        "parcels": g("landuse"),
        "supply": g("supply"),
        "approvals": g("approvals"),
        "enterprises": g("enterprises"),
    }
