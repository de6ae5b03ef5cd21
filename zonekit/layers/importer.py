"""Importing a source file into a study: decode, locate, convert, map, classify, repair, account.

Every feature read is either loaded (possibly repaired, and the repair recorded) or rejected with its
reason and original attributes in ``<layer>_rejected``; ``read = loaded + rejected`` holds for every import
and is stored in ``zonekit_imports``.
"""

from __future__ import annotations

import contextlib
import warnings
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from zonekit.errors import (
    CRSError,
    CRSInferredWarning,
    DatumWarning,
    DuplicateIdError,
    EncodingGuessWarning,
    InputError,
    PositionWarning,
    SchemaError,
    SourceReadError,
    UnknownCodeWarning,
    ZonekitError,
)
from zonekit.geo.cluster import Cluster, cluster_of
from zonekit.geo.crs import CRSDecision, infer_crs, parse_crs
from zonekit.geo.encoding import EncodingDecision
from zonekit.geo.gpkg import StudyGoneError
from zonekit.geo.io import SourceRead, atomic_folder, read_source_chunks, source_digest
from zonekit.geo.offsets import OFFSET_SYSTEMS, offset_suspected, remove_offset
from zonekit.geo.positions import axes_swapped, degree_problems, not_finite, outside_china
from zonekit.geo.progress import bar
from zonekit.geo.repair import repair_polygons
from zonekit.geo.units import M2_PER_HA, M2_PER_MU
from zonekit.layers.fields import load_field_map, load_value_map, map_fields, map_values, storable_names
from zonekit.layers.landuse_codes import UNKNOWN, classify, resolve_system
from zonekit.layers.partitions import PartitionStore
from zonekit.layers.schema import SCHEMAS, LayerSchema, coerce, parse_dates, storable
from zonekit.layers.snapshots import SNAPSHOT_LAYERS, snapshot_name
from zonekit.layers.study import (
    IMPORTS_TABLE,
    META_TABLE,
    REPAIRS_TABLE,
    StagedTables,
    create_study,
    discard_if_empty,
    layer_info,
    list_tables,
    read_table,
    rejected_name,
    staged_tables,
    study_crs,
    study_meta,
    writing,
)
from zonekit.vocabulary.labels import layer_said, mapping_said
from zonekit.vocabulary.messages import Reasons, language, say
from zonekit.vocabulary.phrases import translate

MODES = ("create", "replace", "append")
SUMMARY_REASONS = 5  # rejection reasons shown in the terminal; all are in the report and the study
_OFFSET_LABEL = {"gcj02": say("note.gcj02_lonlat", "en"), "bd09": say("note.bd09_lonlat", "en")}


@dataclass
class ImportReport:
    """What one import did; stored as a row of ``zonekit_imports``."""

    import_id: int
    layer: str
    source: str
    format: str
    source_layer: str | None
    encoding: str
    encoding_how: Reasons
    source_crs: str | None
    crs_how: Reasons | None
    offset: str | None
    code_system: str | None
    code_system_how: Reasons | None
    fields_mapped: str
    read: int
    loaded: int
    repaired: int
    rejected: int
    mode: str
    imported_at: str
    zonekit_version: str
    source_sha256: str | None = None
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    rejected_examples: dict[str, list[str]] = field(default_factory=dict)
    repairs: dict[str, tuple[int, float]] = field(default_factory=dict)
    unknown_codes: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict:
        """The ``zonekit_imports`` row.

        Returns
        -------
        dict
            The ``zonekit_imports`` row.
        """
        d = asdict(self)
        d["rejected_reasons"] = "; ".join(f"{k} ×{v}" for k, v in self.rejected_reasons.items())
        d.pop("rejected_examples")  # the rejected rows themselves are in <layer>_rejected
        d["repairs"] = "; ".join(f"{k} ×{n} ({a:+.2f} m²)" for k, (n, a) in self.repairs.items())
        d["unknown_codes"] = ", ".join(f"{k} ×{v}" for k, v in self.unknown_codes.items())
        d["notes"] = "; ".join(self.notes)
        for col in ("encoding_how", "crs_how", "code_system_how"):  # stored in the canonical form, said
            why = getattr(self, col)  # in Chinese by the writers (vocabulary/phrases.py)
            d[col] = why.text("en") if why is not None else None
        return d

    def summary(self) -> str:
        """A few lines for the terminal.

        Returns
        -------
        str
            A few lines for the terminal.
        """
        lines = [
            say(
                "summary.import",
                layer=layer_said(self.layer, language()),
                read=self.read,
                loaded=self.loaded,
                rejected=self.rejected,
                repaired=self.repaired,
                source=self.source,
            ),
            say("summary.encoding", encoding=self.encoding, how=self.encoding_how),
        ]
        if self.source_crs:
            lines.append(say("summary.crs", crs=translate(self.source_crs), how=self.crs_how))
        if self.offset:
            lines.append(say("summary.offset", offset=self.offset))
        if self.code_system:
            lines.append(say("summary.codes", system=self.code_system, how=self.code_system_how))
        if self.fields_mapped:
            lines.append(say("summary.fields", fields=mapping_said(self.fields_mapped, language())))
        if self.unknown_codes:
            codes = ", ".join(f"{k} ×{v}" for k, v in list(self.unknown_codes.items())[:10])
            lines.append(say("summary.unknown_codes", codes=codes))
        for what, (n, change) in self.repairs.items():
            lines.append(
                say(
                    "summary.repaired",
                    n=n,
                    what=translate(what),
                    change=change,
                    ha=change / M2_PER_HA,
                    mu=change / M2_PER_MU,
                )
            )
        table = rejected_name(self.layer)
        reasons = list(self.rejected_reasons.items())
        for reason, n in reasons[:SUMMARY_REASONS]:
            examples = self.rejected_examples.get(reason)
            if examples:
                more = "、".join(examples) if language() == "zh" else ", ".join(examples)
                lines.append(
                    say("summary.rejected_examples", n=n, reason=translate(reason), ids=more, table=table)
                )
            else:
                lines.append(say("summary.rejected", n=n, reason=translate(reason), table=table))
        if len(reasons) > SUMMARY_REASONS:
            rest = reasons[SUMMARY_REASONS:]
            lines.append(
                say("summary.rejected_more", n=sum(n for _, n in rest), kinds=len(rest), table=table)
            )
        lines.extend(say("summary.note", note=translate(note)) for note in self.notes)
        return "\n".join(lines)


def _frame_source(frame: pd.DataFrame, name: str) -> SourceRead:
    df = pd.DataFrame(
        frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame
    )
    has_geom = isinstance(frame, gpd.GeoDataFrame)
    df["geometry"] = np.asarray(frame.geometry.values, dtype=object) if has_geom else None
    crs = frame.crs if has_geom else None
    return SourceRead(
        df.reset_index(drop=True),
        name,
        "GeoDataFrame",
        None,
        crs,
        EncodingDecision("utf-8", Reasons.of("how.in_memory")),
        len(df),
        {},
        [],
        has_geom,
    )


def _all_xy(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    coords = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)])
    return coords[:, 0], coords[:, 1]


def _decide_crs(read: SourceRead, crs: str | None, from_: str | None, study_lon: tuple | None) -> CRSDecision:
    if crs is not None:
        declared = parse_crs(crs)
        overrides = read.crs is not None and not read.crs.equals(declared)
        how = (
            Reasons.of("how.overrides_file", crs=read.crs.to_string())
            if overrides and read.crs is not None
            else Reasons.of("how.crs_option")
        )
        return CRSDecision(declared, how)
    if read.crs_problem:
        raise CRSError("crs.unparseable", path=read.source, err=read.crs_problem)
    if read.crs is not None:
        return CRSDecision(
            read.crs, Reasons.of("how.declared_prj" if read.format == "ESRI Shapefile" else "how.declared")
        )
    x, y = _all_xy(read.frame["geometry"].to_numpy(dtype=object))
    decision = infer_crs(x, y, path=read.source, study_lon_range=study_lon)
    if not from_:
        warnings.warn(
            say("crs.inferred", path=read.source, how=decision.how, label=decision.label),
            CRSInferredWarning,
            stacklevel=5,
        )
    return decision


_REFERENCE: ContextVar[Path | None] = ContextVar("zonekit_reference_study", default=None)


@contextlib.contextmanager
def reference_study(study: Path | None) -> Iterator[None]:
    """Within the block, infer a source's CRS near ``study`` instead of the study imported into.

    A dry run imports into an empty throw-away study; this keeps the choice among Gauss-Krüger zones
    what it would be in the user's study.

    Parameters
    ----------
    study : Path or None
        The study to read positions from (None: the one imported into).

    Yields
    ------
    None
    """
    token = _REFERENCE.set(study)
    try:
        yield
    finally:
        _REFERENCE.reset(token)


def _study_lon_range(study: Path) -> tuple[float, float] | None:
    """The longitudes the study's first non-empty spatial layer covers, from the file's metadata."""
    study = _REFERENCE.get() or study
    tables = list_tables(study)
    for name in ("admin", "zones", "parks", "landuse"):
        if name not in tables:
            continue
        info = pyogrio.read_info(study, layer=name)
        box = info.get("total_bounds")
        if info["features"] and info.get("crs") and box is not None and np.all(np.isfinite(box)):
            to_degrees = pyproj.Transformer.from_crs(info["crs"], 4490, always_xy=True)
            b = to_degrees.transform_bounds(*box)
            return float(b[0]), float(b[2])
    return None


def import_layer(
    src: str | Path | gpd.GeoDataFrame | pd.DataFrame,
    study: str | Path,
    *,
    as_: str,
    encoding: str | None = None,
    crs: str | None = None,
    from_: str | None = None,
    fields: str | Path | dict[str, str] | None = None,
    code_system: str | None = None,
    layer: str | None = None,
    mode: str = "create",
    source_name: str | None = None,
    values: str | Path | dict[str, dict[str, str]] | None = None,
    stat_date: str | None = None,
) -> ImportReport:
    """Import one layer of a source file (or an in-memory frame) into a study.

    Parameters
    ----------
    src : path or GeoDataFrame
        Shapefile (also zipped), GeoPackage, GeoJSON, File Geodatabase, KML, CSV or XLSX; or a frame.
    study : path
        The study GeoPackage; created (storage CRS EPSG:4490) when it does not exist.
    as_ : str
        Target layer: admin, zones, parks, enclaves, landuse, protected, enterprises, zone_versions.
    encoding : str, optional
        Text encoding overriding ``.cpg`` and detection.
    crs : str, optional
        The source's CRS, overriding the file's and any inference.
    from_ : {"gcj02", "bd09"}, optional
        The lon/lat coordinates carry a web-map offset to remove.
    fields : path or dict, optional
        Extra field-name mapping (source → schema), a TOML file with a ``[fields]`` table.
    code_system : str, optional
        Land-use code system of a ``landuse`` layer.
    layer : str, optional
        Layer, sheet or dataset inside the source.
    mode : {"create", "replace", "append"}
        What to do when the study already has the layer.
    source_name : str, optional
        How the import record names the source (default: the path as given; for a frame, "GeoDataFrame").
    values : path or dict, optional
        Value mapping per column (``{"kind": {"综合园区": "main"}}``), a TOML file of ``[values.<column>]``
        tables; applied after the field names are mapped, before the values are checked.
    stat_date : str, optional
        The statistics date the data describe (``landuse`` and ``enterprises`` only): the layer is also
        kept as its dated snapshot (``landuse_20241231``) for monitoring, in the same transaction.

    Returns
    -------
    ImportReport

    Raises
    ------
    InputError
        Any problem with the source or the arguments, with a message naming the file and the fix.
    """
    return import_layers(
        [src],
        study,
        as_=as_,
        encoding=encoding,
        crs=crs,
        from_=from_,
        fields=fields,
        values=values,
        code_system=code_system,
        layer=layer,
        mode=mode,
        source_names=None if source_name is None else [source_name],
        stat_date=stat_date,
    )[0]


def import_layers(
    sources: Sequence[str | Path | gpd.GeoDataFrame | pd.DataFrame],
    study: str | Path,
    *,
    as_: str,
    encoding: str | None = None,
    crs: str | None = None,
    from_: str | None = None,
    fields: str | Path | dict[str, str] | None = None,
    values: str | Path | dict[str, dict[str, str]] | None = None,
    code_system: str | None = None,
    layer: str | None = None,
    mode: str = "create",
    source_names: Sequence[str] | None = None,
    stat_date: str | None = None,
    partitions: str | Path | None = None,
    rows: int = 500_000,
    cluster: str | Cluster | None = None,
) -> list[ImportReport]:
    """Import several sources (a county's files each) into one study layer, in one transaction.

    Each source is read and decided on its own — encoding, CRS (the counties of a city may lie in two
    Gauss-Krüger zones), field names, code system — and gets its own import record; the layer gets
    them all, or (one source failing, one loading nothing, an id repeated across two files) none.

    Parameters
    ----------
    sources : list of paths or frames
        The sources, in order.
    study : path
        The study GeoPackage; created when it does not exist.
    as_ : str
        Target layer.
    encoding, crs, from_, fields, values, code_system, layer
        As for :func:`import_layer`, applied to every source.
    mode : {"create", "replace", "append"}
        What the first source does to a layer the study has; the others add to it.
    source_names : list of str, optional
        How each import record names its source.
    stat_date : str, optional
        As for :func:`import_layer`: the layer is also kept as its snapshot on that date.
    partitions : str or Path, optional
        Also write the layer as a partitioned GeoParquet store in this folder (``landuse.parquet``), one
        partition per source of at most ``rows`` rows, and make the study read the layer from there (as
        :func:`~zonekit.layers.partitions.partition` does). Without it, a store the study already names
        for the layer is rewritten (replace) or added to (append), so it stays current.
    rows : int, default 500,000
        The most rows in a partition (a larger source is cut in pieces).
    cluster : str, optional
        ``local:N`` or ``tcp://HOST:PORT`` (default ``ZONEKIT_CLUSTER``): import the sources in parallel,
        one task per source on a dask.distributed cluster whose workers see the study's folder and the
        store at the same paths. The study gets the same rows, records and reports as without.

    Returns
    -------
    list of ImportReport
        One per source.

    Raises
    ------
    InputError
        Naming the source and the fix; the study is unchanged.
    """
    if as_ not in SCHEMAS:
        raise InputError("import.layer_unknown", layer=as_, layers=", ".join(SCHEMAS))
    if mode not in MODES:
        raise InputError("option.unknown", option="mode", value=mode, choices=", ".join(MODES))
    if from_ is not None and from_ not in OFFSET_SYSTEMS:
        raise InputError("option.unknown", option="--from", value=from_, choices=", ".join(OFFSET_SYSTEMS))
    copies = None
    if stat_date is not None:
        if as_ not in SNAPSHOT_LAYERS:
            raise InputError("import.stat_date_layer", layer=as_, layers=", ".join(SNAPSHOT_LAYERS))
        day = parse_dates(np.array([stat_date], dtype=object)).iloc[0]
        if pd.isna(day):
            raise InputError("import.stat_date_bad", value=stat_date)
        copies = {as_: snapshot_name(as_, day)}
    schema = SCHEMAS[as_]
    for src in sources:
        if not isinstance(src, pd.DataFrame) and not Path(src).exists():
            raise SourceReadError("source.missing", path=src)
    names = list(source_names) if source_names is not None else [None] * len(sources)
    study = Path(study)
    for attempt in range(3):  # again only when a first import removed the study we waited for
        created = not study.exists()
        if created:
            create_study(study)
        try:
            total = IMPORT_STEPS * len(sources)
            with writing(study), bar("progress.import", total=total, unit="unit.steps") as steps:
                try:
                    return _import_locked(
                        list(zip(sources, names, strict=True)),
                        study,
                        as_,
                        schema,
                        encoding=encoding,
                        crs=crs,
                        from_=from_,
                        fields=fields,
                        code_system=code_system,
                        layer=layer,
                        mode=mode,
                        steps=steps,
                        values=values,
                        copies=copies,
                        cluster=cluster_of(cluster),
                        partitions=partitions,
                        rows=max(1, int(rows)),
                    )
                except BaseException:
                    if created:  # a failed first import leaves no file behind
                        discard_if_empty(study)
                    raise
        except StudyGoneError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


STEPS_PER_CHUNK = 5  # read, coordinates, attributes, codes, repair (then: account, write)
IMPORT_STEPS = STEPS_PER_CHUNK + 2


@dataclass
class _Tally:
    """What the chunks of one import added up to so far."""

    read: int = 0
    loaded: int = 0
    repaired: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    repairs: dict[str, list[float]] = field(default_factory=dict)  # kind → [features, m²]
    unknown: Counter = field(default_factory=Counter)
    oriented: int = 0
    notes: list[str] = field(default_factory=list)
    ids: list[pd.Series] = field(default_factory=list)
    rejected_staged: bool = False
    outside: int = 0
    first_outside: str = ""
    values: Counter = field(default_factory=Counter)  # "column: value → value" → how many, by --values
    examples: dict[str, list[str]] = field(default_factory=dict)  # reason → the first rejected ids
    filled: Counter = field(default_factory=Counter)  # column → loaded rows with a value (needed ones)
    sample: list = field(default_factory=list)  # stored geometries of the first chunk, for the offset hint

    def note(self, *texts: str) -> None:
        self.notes.extend(t for t in texts if t not in self.notes)


@dataclass
class _Decisions:
    """What is decided once per import, from its first chunk: the CRS, the field names, the code system."""

    decision: CRSDecision | None = None
    renames: dict[str, str] = field(default_factory=dict)
    system: str | None = None
    system_how: Reasons | None = None


@dataclass(frozen=True)
class _Job:
    """What every source of one import is imported with (sent once to each worker of a cluster)."""

    study: Path
    as_: str
    target_crs: pyproj.CRS
    first_id: int
    mode: str
    layer: str | None
    encoding: str | None
    crs: str | None
    from_: str | None
    user_map: dict[str, str] | None
    value_map: dict[str, dict[str, str]] | None
    code_system: str | None
    lang: str = "zh"
    reference: Path | None = None

    @property
    def schema(self) -> LayerSchema:
        return SCHEMAS[self.as_]


@dataclass
class _Done:
    """One source imported: its report, its ids, and (a task of a parallel import) its partitions and tables."""

    report: ImportReport
    ids: pd.Series | None
    rejected_staged: bool
    empty: pd.DataFrame
    """The source's columns without rows: an empty ``<layer>_rejected`` is made from them."""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    """A task's tables but the layer (rejects, repairs), in the order the import staged them."""
    parts: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    said: list[tuple[type[Warning], str]] = field(default_factory=list)
    failed: ZonekitError | None = None
    """The user's error that stopped a task (returned, not raised: nothing to retry elsewhere)."""


def _import_locked(
    sources: list[tuple[str | Path | pd.DataFrame, str | None]],
    study: Path,
    as_: str,
    schema: LayerSchema,
    *,
    encoding: str | None,
    crs: str | None,
    from_: str | None,
    fields: str | Path | dict[str, str] | None,
    code_system: str | None,
    layer: str | None,
    mode: str,
    steps,
    values: str | Path | dict[str, dict[str, str]] | None = None,
    copies: dict[str, str] | None = None,
    cluster: Cluster | None = None,
    partitions: str | Path | None = None,
    rows: int = 500_000,
) -> list[ImportReport]:
    """The import proper, run while this process is the study's only zonekit writer.

    Each source comes in chunks (one, unless it is a large vector layer: see
    :func:`~zonekit.geo.io.read_source_chunks`); the CRS, the field mapping and the code system are decided
    on a source's first, and each chunk goes read → coordinates → attributes → land-use codes → geometry
    repair into the staging file, so memory holds one chunk whatever the layer's size. Every feature a step
    cannot use is rejected with its reason, never dropped; the account, the id checks and the one
    transaction that writes the study come after the last chunk of the last source.

    With a partitioned store (``partitions``, or the one the study names for the layer) or a ``cluster``,
    each source is imported as a task of its own (:func:`_import_parts`) whose rows become GeoParquet
    partitions; those go into the staging file, in the sources' order, for the same one transaction.
    """
    target_crs = study_crs(study)
    if as_ in list_tables(study) and mode == "create":
        raise InputError("import.layer_exists", path=study, layer=as_)
    user_map = fields if isinstance(fields, dict) else (load_field_map(fields) if fields else None)
    value_map = values if isinstance(values, dict) else (load_value_map(values) if values else None)
    job = _Job(
        study, as_, target_crs, _next_import_id(study), mode, layer, encoding, crs, from_, user_map,
        value_map, code_system, language(), _REFERENCE.get(),
    )  # fmt: skip
    store = _store_plan(study, as_, partitions, mode)
    append = {IMPORTS_TABLE, REPAIRS_TABLE} | ({as_, rejected_name(as_)} if mode == "append" else set())
    with contextlib.ExitStack() as outer:
        store_tmp = outer.enter_context(atomic_folder(store.out)) if store is not None else None
        with staged_tables(
            study,
            append=frozenset(append),
            keep_previous=frozenset({as_} if mode == "replace" else ()),
            copies=copies,
        ) as stage:
            if store is not None or cluster is not None:
                done = _import_parts(sources, job, stage, steps, cluster, store_tmp, rows)
            else:
                done = [_import_one(src, name, k, job, stage, steps) for k, (src, name) in enumerate(sources)]
            if schema.id_column:
                ids = [(d.ids, d.report.source) for d in done if d.ids is not None]
                _check_all_duplicates(ids, schema.id_column, study, as_, mode)
            if not any(d.rejected_staged for d in done) and mode != "append":  # a fresh layer's empty rejects
                stage.add(rejected_name(as_), _rejected_table(done[0].empty, {}, job.first_id, 0))
            stage.add(IMPORTS_TABLE, pd.DataFrame([d.report.row() for d in done]))
            if store is not None and store_tmp is not None:
                stage.add(META_TABLE, _store_written(store, store_tmp, job, done, rows))
            steps.update()
        # the study is written; the store takes its place next (one left older is refused as stale)
    steps.update()
    return [d.report for d in done]


def _import_one(
    src: str | Path | pd.DataFrame, name: str | None, k: int, job: _Job, stage: StagedTables, steps
) -> _Done:
    """Source ``k`` of the import into ``stage``."""
    tally = _Tally()
    report, first = _import_source(src, name, stage, job, job.first_id + k, tally, steps, k == 0)
    ids = pd.concat(tally.ids, ignore_index=True) if job.schema.id_column and tally.ids else None
    return _Done(report, ids, tally.rejected_staged, first.frame.iloc[:0])


@dataclass(frozen=True)
class _StorePlan:
    """Where an import writes the layer's partitioned store, and the current store it adds to (appending)."""

    out: Path
    old: PartitionStore | None


def _store_plan(study: Path, as_: str, partitions: str | Path | None, mode: str) -> _StorePlan | None:
    """The store this import writes: ``partitions``, else the one the study names for the layer, else none.

    Appending to a layer extends its current store (the old partitions kept, the new ones after them);
    a layer that has rows but no current store in that folder cannot get one from an append.
    """
    from zonekit.layers.partitions import META_KEY, store_folder, store_of

    meta = study_meta(study)
    named = meta.get(META_KEY.format(layer=as_))
    if partitions is None and not named:
        return None
    if SCHEMAS[as_].geometry == "none":
        raise InputError("partitions.table", path=str(partitions or named), layer=as_)
    out = Path(partitions) if partitions is not None else store_folder(study, named or "")
    has_rows = as_ in list_tables(study) and layer_info(study, as_)["features"] > 0
    if mode != "append" or not has_rows:
        return _StorePlan(out, None)
    same = named and store_folder(study, named).resolve() == out.resolve()
    if not same:
        raise InputError("import.partitions_append", path=str(out), layer=as_, study=str(study))
    return _StorePlan(out, store_of(study, as_, meta))


WORK_PREFIX = ".zonekit-import-"
"""The folder a parallel import's tasks share beside the study, named after the importing process."""


def _import_parts(
    sources: list[tuple[str | Path | pd.DataFrame, str | None]],
    job: _Job,
    stage: StagedTables,
    steps,
    cluster: Cluster | None,
    store_tmp: Path | None,
    rows: int,
) -> list[_Done]:
    """Every source into GeoParquet partitions of its own, then into ``stage`` in the sources' order.

    A task per source on ``cluster`` (else one after another here): each writes its loaded rows as
    partitions (into ``store_tmp``, else a shared temporary folder) and returns its other tables (rejects,
    repairs), which are small. This process writes a source's rows into the one staging file, partition
    by partition, as soon as it and the sources before it are done, while the workers go on.
    """
    import os
    import shutil
    import tempfile

    from zonekit.geo.gpkg import remove_stale_staging

    beside = job.study.resolve().parent  # where the workers of a cluster see it too
    remove_stale_staging(beside, WORK_PREFIX)  # what a killed import left
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=beside))
    try:
        args = (str(store_tmp or work), rows)
        folder = Path(args[0])

        def take(k: int, d: _Done) -> None:  # in the sources' order, as soon as each is done
            for category, text in d.said:
                warnings.warn(text, category, stacklevel=9)
            if d.failed is not None:
                raise d.failed
            for part in d.parts:
                stage.add(job.as_, gpd.read_parquet(folder / part["file"]))
            for name, table in d.tables.items():
                stage.add(name, table)

        if cluster is None:
            done = []
            for k in range(len(sources)):
                done.append(_import_task(k, *args, job=job, sources=sources))
                take(k, done[-1])
                steps.update(STEPS_PER_CHUNK)
        else:
            from zonekit.geo.cluster import map_partitions

            # a worker's folder is not this one: paths as the whole cluster sees them, names as given
            sources = [
                (s, n) if isinstance(s, pd.DataFrame) else (Path(s).resolve(), n or str(s))
                for s, n in sources
            ]
            job = replace(
                job,
                study=job.study.resolve(),
                reference=job.reference.resolve() if job.reference is not None else None,
            )

            def progress(n: int) -> None:
                steps.n = n * STEPS_PER_CHUNK
                steps.refresh()

            done = map_partitions(
                cluster, _import_task, len(sources), broadcast={"job": job, "sources": sources},
                args=args, progress=progress, each=take,
            )  # fmt: skip
        return done
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _import_task(k: int, folder: str, rows: int, *, job: _Job, sources) -> _Done:
    """Import source ``k``: its loaded rows as GeoParquet partitions in ``folder``, its other tables kept.

    A task of a parallel import (run on a cluster's worker, or here one after another): the worker's
    warnings come back with the result, to be said by the importing process, and so does a user's error
    (returned, not raised: a bad file is not retried elsewhere); a task run again (its worker lost)
    writes the same files again.

    Parameters
    ----------
    k : int
        The source's position.
    folder : str
        Where its partitions go: the new store's folder, or a temporary one the importing process and the
        workers share.
    rows : int
        The most rows in a partition.
    job : _Job
        The import's options.
    sources : list
        Every source with the name its record gives it.

    Returns
    -------
    _Done
    """
    from zonekit.vocabulary.messages import using

    src, name = sources[k]
    parts = _PartStage(job.as_, Path(folder), f"import-{job.first_id + k:06d}", rows, job.first_id + k)
    with using(job.lang), reference_study(job.reference), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            done = _import_one(src, name, k, job, parts, _NoSteps())  # type: ignore[arg-type]
            parts.close()
        except ZonekitError as err:
            done = _Done(None, None, False, pd.DataFrame(), failed=err)  # type: ignore[arg-type]
    done.parts, done.columns = parts.parts, parts.columns
    done.tables = {n: pd.concat(t, ignore_index=True) for n, t in parts.tables.items()}
    done.said = [(w.category, str(w.message)) for w in caught]
    return done


class _PartStage:
    """Where a task's import puts what it stages: the layer's rows in partitions, the rest in memory.

    The rows are written as the study stores them (the schema's types, polygons as MultiPolygons), in
    files of at most ``rows`` rows, the source's order kept.
    """

    def __init__(self, layer: str, folder: Path, prefix: str, rows: int, key: int) -> None:
        self.layer, self.folder, self.prefix, self.rows, self.key = layer, folder, prefix, rows, key
        self.tables: dict[str, list[pd.DataFrame]] = {}
        self.parts: list[dict] = []
        self.columns: list[str] = []
        self._held: list[gpd.GeoDataFrame] = []
        self._n = 0

    def add(self, name: str, df: pd.DataFrame) -> None:
        if name != self.layer:
            self.tables.setdefault(name, []).append(df)
            return
        frame = storable(df, SCHEMAS[name])
        self.columns = self.columns or [c for c in frame.columns if c != frame.geometry.name]
        while len(frame):
            take = min(len(frame), self.rows - self._n)
            self._held.append(frame.iloc[:take])
            self._n += take
            frame = frame.iloc[take:]
            if self._n == self.rows:
                self.close()

    def close(self) -> None:
        """Write the rows held as the next partition."""
        from zonekit.layers.partitions import write_part

        if not self._held:
            return
        held = pd.concat(self._held, ignore_index=True)
        held = held.set_geometry(_as_multi(held.geometry.values), crs=held.crs)
        name = f"{self.prefix}-{len(self.parts):04d}.parquet"
        self.parts.append(write_part(held, self.folder, name, [self.key, self.key]))
        self._held, self._n = [], 0


def _as_multi(geoms: np.ndarray) -> np.ndarray:
    """Polygons as one-part MultiPolygons (as a GeoPackage polygon layer stores them); others as they are."""
    geoms = np.asarray(geoms, dtype=object)
    single = shapely.get_type_id(geoms) == 3
    out = geoms.copy()
    out[single] = shapely.multipolygons(geoms[single, None]) if single.any() else out[single]
    return out


class _NoSteps:
    """A progress bar nobody sees (a task's steps: the importing process counts tasks)."""

    n = total = 0

    def update(self, n: int = 1) -> None:
        pass

    def refresh(self) -> None:
        pass


def _store_written(store: _StorePlan, folder: Path, job: _Job, done: list[_Done], rows: int) -> pd.DataFrame:
    """Finish the new store in ``folder``; the study's ``zonekit_study`` table naming it.

    The old partitions (appending) are linked in before the new ones; the manifest is written last.
    """
    from zonekit.layers.partitions import registered, write_manifest

    parts: list[dict] = []
    before = 0
    columns = next((d.columns for d in done if d.columns), [])
    if store.old is not None:
        before = len(store.old)
        for p, path in zip(store.old.manifest["partitions"], store.old.files, strict=True):
            _link(path, folder / p["file"])
            parts.append(p)
        old_columns = list(store.old.manifest["columns"])
        if sorted(old_columns) != sorted(columns):
            raise InputError(
                "import.partitions_columns",
                path=str(store.out),
                layer=job.as_,
                then=", ".join(old_columns),
                now=", ".join(columns),
            )
        columns = old_columns
    for d in done:
        parts.extend(d.parts)
    loaded = sum(d.report.loaded for d in done)
    source = {"rows": before + loaded, "last_import": job.first_id + len(done) - 1}
    write_manifest(
        folder, layer=job.as_, by="source", rows=rows, crs=job.target_crs, columns=columns, source=source,
        parts=parts,
    )  # fmt: skip
    meta, _ = registered(job.study, job.as_, store.out)
    return meta


def _link(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to ``src`` (a copy where the file system has none)."""
    import os
    import shutil

    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _import_source(
    src: str | Path | pd.DataFrame,
    name: str | None,
    stage: StagedTables,
    job: _Job,
    import_id: int,
    tally: _Tally,
    steps,
    first_source: bool,
) -> tuple[ImportReport, SourceRead]:
    """One source, chunk by chunk, into the staging file; its report and its first chunk."""
    as_, schema, study, target_crs, from_ = job.as_, job.schema, job.study, job.target_crs, job.from_
    layer_mode = job.mode
    mode = job.mode if first_source else "append"
    decided = _Decisions()
    first: SourceRead | None = None
    with contextlib.closing(_reads(src, layer=job.layer, encoding=job.encoding, name=name)) as reads:
        for read in reads:
            if first is None:
                first = read
                if read.declared and len(read.frame) and read.declared > len(read.frame):
                    steps.total += STEPS_PER_CHUNK * (-(-read.declared // len(read.frame)) - 1)
                    steps.refresh()
                if len(read.frame) == 0:
                    _refuse_empty(as_, read.source, layer_mode, read=0, reasons={})
            steps.update()
            _import_chunk(
                read, stage, as_, schema, study, target_crs, import_id, tally, decided, steps,
                crs=job.crs, from_=from_, user_map=job.user_map, value_map=job.value_map,
                code_system=job.code_system,
            )  # fmt: skip
    assert first is not None
    if tally.unknown:
        _warn_unknown(tally.unknown, first.source, decided.system)
    if tally.oriented:
        tally.note(say("note.rings_oriented", "en", n=f"{tally.oriented:,}"))
    if tally.values:
        mapped = ", ".join(f"{k} ×{n}" if n else k for k, n in tally.values.items())
        tally.note(say("note.values_mapped", "en", values=mapped))
    if tally.outside:
        label = _label(target_crs)
        said = dict(n=tally.outside, label=label, first=tally.first_outside)
        warnings.warn(say("crs.outside_china", path=first.source, **said), PositionWarning, stacklevel=6)
        tally.note(say("crs.outside_china", "en", **said))
    _note_empty_needed(tally, as_, first.source)
    if not from_ and tally.sample and target_crs.is_geographic:
        _hint_offset(tally, study, as_, first.source)
    report = _report(first, tally, decided, import_id, as_, mode, from_, target_crs)
    if not isinstance(src, pd.DataFrame):
        report.source_sha256 = source_digest(src)
    assert report.read == report.loaded + report.rejected
    if report.loaded == 0:
        _refuse_empty(as_, report.source, layer_mode, read=report.read, reasons=report.rejected_reasons)
    return report, first


def _check_all_duplicates(
    ids: list[tuple[pd.Series, str]], id_col: str, study: Path, layer: str, mode: str
) -> None:
    """Ids repeated within a source, across the sources of one import, or (appending) in the study."""
    if not ids:
        return
    if len(ids) > 1:
        for own, source in ids:  # within one file first: its own message names it
            _check_duplicates(own, id_col, study, layer, "create", source)
        owner = pd.concat([pd.Series(source, index=own.index) for own, source in ids], ignore_index=True)
        every = pd.concat([own for own, _ in ids], ignore_index=True)
        twice = every.duplicated(keep=False).to_numpy()
        if twice.any():
            where = ", ".join(dict.fromkeys(owner[twice].astype(str)))
            dup = every[twice].unique().tolist()
            raise DuplicateIdError(
                "import.duplicate_ids",
                path=where,
                n=len(dup),
                column=id_col,
                ids=", ".join(map(str, dup[:20])) + (" …" if len(dup) > 20 else ""),
            )
    every = pd.concat([own for own, _ in ids], ignore_index=True)
    _check_duplicates(every, id_col, study, layer, mode, ids[0][1])


def _reads(
    src: str | Path | pd.DataFrame, *, layer: str | None, encoding: str | None, name: str | None
) -> Generator[SourceRead]:
    """The source's chunks (a frame is one), warning once when its text encoding was decided from bytes."""
    if isinstance(src, pd.DataFrame):
        yield _frame_source(src, name or type(src).__name__)
        return
    warned = False
    with contextlib.closing(read_source_chunks(src, layer=layer, encoding=encoding)) as chunks:
        for read in chunks:
            if name:
                read.source = name
            if not warned and read.encoding.guessed and read.encoding.encoding != "utf-8":
                warnings.warn(
                    say("encoding.guessed", path=read.source, how=read.encoding.how),
                    EncodingGuessWarning,
                    stacklevel=7,
                )
            warned = True
            yield read


def _import_chunk(
    read: SourceRead,
    stage: StagedTables,
    as_: str,
    schema: LayerSchema,
    study: Path,
    target_crs: pyproj.CRS,
    import_id: int,
    tally: _Tally,
    decided: _Decisions,
    steps,
    *,
    crs: str | None,
    from_: str | None,
    user_map: dict[str, str] | None,
    value_map: dict[str, dict[str, str]] | None,
    code_system: str | None,
) -> None:
    """One chunk through the steps into the staging file; its counts into ``tally``."""
    original = read.frame
    problems: dict[int, list[str]] = {k: [v] for k, v in read.row_problems.items()}
    if decided.decision is None and schema.geometry != "none":  # until a chunk has geometry to decide on
        decided.decision = _decide_source_crs(read, schema, as_, study, crs=crs, from_=from_)
    geoms = _coordinates(read, schema, decided.decision, target_crs, problems, tally, from_=from_)
    steps.update()
    tally.note(*read.notes)
    attrs, renames = _attributes(read, schema, as_, user_map, value_map, import_id, tally, problems)
    decided.renames = decided.renames or renames
    steps.update()
    if as_ == "landuse":
        if decided.system is None:
            decided.system, decided.system_how = _code_system(attrs, code_system, read.source)
        attrs = _classify_codes(attrs, decided.system, tally.unknown)
    steps.update()
    geoms, changes, tally.oriented = _repair(geoms, schema, target_crs, problems, tally.oriented)
    steps.update()
    rejected_pos = np.array(sorted(problems), dtype=int)
    keep = np.setdiff1d(np.arange(len(attrs)), rejected_pos)
    changes, repaired, repairs = _repair_summary(changes, keep)
    loaded = attrs.iloc[keep].copy()
    id_col = schema.id_column
    if id_col:
        tally.ids.append(loaded[id_col].reset_index(drop=True))
    ordered = [c.name for c in schema.columns] + [c for c in loaded.columns if c not in schema.names]
    loaded = loaded[ordered]
    if schema.geometry == "none":
        out_layer = pd.DataFrame(loaded).reset_index(drop=True)
    else:
        out_layer = gpd.GeoDataFrame(
            loaded.reset_index(drop=True), geometry=list(geoms[keep]), crs=target_crs
        )
    tally.read += len(original)
    tally.loaded += len(out_layer)
    tally.rejected += len(rejected_pos)
    tally.repaired += repaired
    tally.reasons.update(p[0] for p in problems.values() if p)
    _note_examples(tally, problems, attrs, id_col, read.offset)
    for col in NEEDED_LATER.get(as_, {}):
        if col in out_layer.columns:
            tally.filled[col] += int(out_layer[col].notna().sum())
    if not tally.sample and schema.geometry != "none" and len(out_layer):
        tally.sample = list(out_layer.geometry.values[:OFFSET_SAMPLE_FEATURES])
    for kind, (n, change) in repairs.items():
        acc = tally.repairs.setdefault(kind, [0, 0.0])
        acc[0] += n
        acc[1] += change
    if len(out_layer):
        stage.add(as_, out_layer)
    if len(rejected_pos):
        rejects = _rejected_table(original, problems, import_id, read.offset, attrs, id_col)
        stage.add(rejected_name(as_), rejects)
        tally.rejected_staged = True
    if len(changes):
        stage.add(REPAIRS_TABLE, _repairs_table(changes, loaded, id_col, as_, import_id, read.offset))


def _report(
    first: SourceRead,
    tally: _Tally,
    decided: _Decisions,
    import_id: int,
    as_: str,
    mode: str,
    from_: str | None,
    target_crs: pyproj.CRS,
) -> ImportReport:
    source_crs = crs_how = None
    if decided.decision is not None:
        source_crs = _OFFSET_LABEL[from_] if from_ else decided.decision.label
        crs_how = (
            decided.decision.how
            + (Reasons.of("how.from", system=from_) if from_ else Reasons())
            + Reasons.of("how.stored_as", crs=_label(target_crs))
        )
    return ImportReport(
        import_id=import_id,
        layer=as_,
        source=first.source,
        format=first.format,
        source_layer=first.layer,
        encoding=first.encoding.encoding,
        encoding_how=first.encoding.how,
        source_crs=source_crs,
        crs_how=crs_how,
        offset=from_,
        code_system=decided.system,
        code_system_how=decided.system_how,
        fields_mapped=", ".join(f"{k}→{v}" for k, v in decided.renames.items()),
        read=tally.read,
        loaded=tally.loaded,
        repaired=tally.repaired,
        rejected=tally.rejected,
        mode=mode,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        zonekit_version=_version(),
        rejected_reasons={str(k): int(v) for k, v in tally.reasons.most_common()},
        repairs={k: (int(n), float(a)) for k, (n, a) in tally.repairs.items()},
        unknown_codes={str(k): int(v) for k, v in tally.unknown.most_common()},
        rejected_examples=tally.examples,
        notes=tally.notes,
    )


NEEDED_LATER: dict[str, tuple[str, ...]] = {
    "landuse": (
        "build_status", "supplied", "idle", "gfa_m2", "footprint_m2", "investment_wan", "tax_wan",
        "enterprise_id", "industry_code",
    ),
    "zones": ("approved_area_ha", "county_adcode", "lead_industries"),
    "parks": ("lead_industries",),
    "enterprises": ("tax_wan", "revenue_wan", "industry_code", "energy_tce"),
}  # fmt: skip
"""Schema columns whose emptiness an analysis notices: named at import (messages ``note.needs_<column>``)."""

EXAMPLES_PER_REASON = 3
OFFSET_SAMPLE_FEATURES = 500
OFFSET_REFERENCES = {"parks": ("zones", "landuse"), "zones": ("parks",), "landuse": ("parks", "zones")}
"""The study layers whose boundaries an imported layer shares, where it shares any (cut along them)."""


def _note_examples(
    tally: _Tally, problems: dict[int, list[str]], attrs: pd.DataFrame, id_col: str | None, offset: int
) -> None:
    """Keep the ids (else the source positions) of the first few rejected features of each reason."""
    if not problems:
        return
    pos = np.fromiter(problems, dtype=np.int64, count=len(problems))
    reason = pd.Series([problems[p][0] if problems[p] else "" for p in pos.tolist()])
    ids = attrs[id_col].to_numpy(dtype=object)[pos] if id_col and id_col in attrs else np.full(len(pos), None)
    label = pd.Series([f"#{p + offset + 1}" for p in pos.tolist()])
    named = pd.Series(ids).map(lambda v: None if v is None or pd.isna(v) else str(v))
    label = named.fillna(label)
    for r, firsts in label.groupby(reason, sort=False).head(EXAMPLES_PER_REASON).groupby(reason, sort=False):
        have = tally.examples.setdefault(str(r), [])
        have.extend(firsts.tolist()[: EXAMPLES_PER_REASON - len(have)])


def _note_empty_needed(tally: _Tally, as_: str, source: str) -> None:
    """Name the schema columns an analysis needs that the whole layer leaves empty, with what it loses."""
    if not tally.loaded:
        return
    empty = [c for c in NEEDED_LATER.get(as_, ()) if tally.filled[c] == 0]
    for col in empty:
        tally.note(say(f"note.needs_{col}", "en"))


def _hint_offset(tally: _Tally, study: Path, as_: str, source: str) -> None:
    """Warn when the layer sits a web-map offset away from a layer whose boundaries it shares."""
    tables = list_tables(study)
    sample = np.asarray(tally.sample, dtype=object)
    box = shapely.bounds(shapely.GeometryCollection(list(sample[~shapely.is_missing(sample)])))
    if not np.all(np.isfinite(box)):
        return
    pad = 0.02  # degrees: more than any web-map offset
    bbox = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
    for other in OFFSET_REFERENCES.get(as_, ()):
        if other not in tables:
            continue
        near = pyogrio.read_dataframe(
            study, layer=other, columns=[], bbox=bbox, max_features=20_000, use_arrow=True
        )
        found = offset_suspected(sample, near.geometry.values) if len(near) else None
        if found is None:
            continue
        system, which, gap, after = found
        code = "source" if which == "source" else "study"
        said = dict(layer=as_, other=other, system=system, gap=f"{gap:.0f}", after=f"{after:.1f}")
        warnings.warn(say(f"crs.offset_suspected_{code}", path=source, **said), PositionWarning, stacklevel=7)
        tally.note(say(f"note.offset_{code}", "en", **said))
        return


def _decide_source_crs(
    read: SourceRead, schema: LayerSchema, as_: str, study: Path, *, crs: str | None, from_: str | None
) -> CRSDecision | None:
    """The source's CRS (from the option, the file or its coordinates); None when it has no geometry."""
    geoms = read.frame["geometry"].to_numpy(dtype=object)
    if not read.has_geometry or shapely.is_missing(geoms).all():
        if schema.geometry == "required" and len(geoms):
            raise SchemaError("import.no_geometry", path=read.source, layer=as_)
        return None
    decision = _decide_crs(read, crs, from_, _study_lon_range(study) if read.crs is None else None)
    _warn_old_datum(decision, read.source)
    if decision.inferred or not decision.crs.is_geographic:
        return decision
    if axes_swapped(geoms):  # a declared lon/lat CRS, the file latitude first
        x, y = shapely.get_coordinates(geoms[~shapely.is_missing(geoms)][:1])[0]
        warnings.warn(
            say("crs.lat_first", path=read.source, label=decision.label, x=x, y=y),
            PositionWarning,
            stacklevel=6,
        )
        return replace(decision, swapped_xy=True, how=decision.how + Reasons.of("how.lat_first"))
    bad = degree_problems(geoms)
    present = int((~shapely.is_missing(geoms)).sum())
    if bad and len(bad) > present / 2:  # most of the layer is not degrees: the declaration is wrong
        x, y = shapely.get_coordinates(geoms[next(iter(bad))])[0]
        raise CRSError("crs.metres_as_degrees", path=read.source, label=decision.label, x=x, y=y)
    return decision


OLD_DATUMS = ("Xian 1980", "Beijing 1954")


def _warn_old_datum(decision: CRSDecision, source: str) -> None:
    """Say what a Xian 1980 or Beijing 1954 source means for positions (unless a transformation is given)."""
    geodetic = decision.crs.geodetic_crs
    datum = geodetic.datum.name if geodetic is not None and geodetic.datum is not None else ""
    if datum in OLD_DATUMS and "towgs84" not in decision.crs.to_wkt().lower():
        warnings.warn(
            say("crs.old_datum", path=source, datum=datum, label=decision.label), DatumWarning, stacklevel=7
        )


def _coordinates(
    read: SourceRead,
    schema: LayerSchema,
    decision: CRSDecision | None,
    target_crs: pyproj.CRS,
    problems: dict[int, list[str]],
    tally: _Tally,
    *,
    from_: str | None,
) -> np.ndarray:
    """The geometries in the study's CRS: X/Y swaps undone, web-map offsets removed, reprojected.

    A feature whose coordinates are not degrees (in a lon/lat source) or cannot be placed in the study's
    CRS is rejected; those that land outside China are counted into ``tally`` (and warned about once).
    """
    geoms = read.frame["geometry"].to_numpy(dtype=object)
    if schema.geometry == "none":
        return np.full(len(geoms), None, dtype=object)
    if decision is None:
        return geoms
    if decision.swapped_xy:
        geoms = shapely.transform(geoms, lambda c: c[:, ::-1])
    src_crs = decision.crs
    if from_ and not src_crs.is_geographic:
        raise CRSError("crs.offset_needs_degrees", path=read.source, system=from_, label=decision.label)
    geoms = _reject(geoms, problems, _not_degrees(geoms) if src_crs.is_geographic else {})
    if from_:
        geoms = remove_offset(geoms, from_)
        src_crs = pyproj.CRS.from_epsg(4490)
    if not src_crs.equals(target_crs):
        geoms = np.asarray(gpd.GeoSeries(geoms, crs=src_crs).to_crs(target_crs).values, dtype=object)
        geoms = _reject(geoms, problems, _not_placed(geoms, read.frame["geometry"], _label(target_crs)))
    if target_crs.is_geographic:
        far = outside_china(geoms)
        if len(far) and not tally.outside:
            x, y = shapely.get_coordinates(geoms[far[0]])[0]
            tally.first_outside = f"#{read.offset + int(far[0]) + 1} ({x:.4f}, {y:.4f})"
        tally.outside += len(far)
    return geoms


def _reject(geoms: np.ndarray, problems: dict[int, list[str]], found: dict[int, str]) -> np.ndarray:
    """Reject the features ``found`` (position → reason): their geometry goes, their row is kept."""
    if not found:
        return geoms
    geoms = geoms.copy()
    for pos, reason in found.items():
        problems.setdefault(pos, []).append(reason)
    geoms[list(found)] = None
    return geoms


def _not_degrees(geoms: np.ndarray) -> dict[int, str]:
    return {i: say("row.not_degrees", "en", x=x, y=y) for i, (x, y) in degree_problems(geoms).items()}


def _not_placed(geoms: np.ndarray, original: pd.Series, crs: str) -> dict[int, str]:
    rows = not_finite(geoms).tolist()
    if not rows:
        return {}
    corners = shapely.bounds(original.to_numpy(dtype=object)[rows])
    return {
        r: say("row.not_placeable", "en", crs=crs, x=f"{c[0]:.6g}", y=f"{c[1]:.6g}")
        for r, c in zip(rows, corners, strict=True)
    }


def _attributes(
    read: SourceRead,
    schema: LayerSchema,
    as_: str,
    user_map: dict[str, str] | None,
    value_map: dict[str, dict[str, str]] | None,
    import_id: int,
    tally: _Tally,
    problems: dict[int, list[str]],
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The attributes under the schema's names and types; a value that does not fit rejects its row."""
    original = read.frame
    attrs = original.drop(columns="geometry")
    renames = map_fields(list(attrs.columns), schema, user=user_map)
    _refuse_collisions(list(attrs.columns), renames, read.source)
    attrs = attrs.rename(columns=renames)
    if value_map:
        attrs, replaced = map_values(attrs, value_map)
        tally.values.update(replaced)
    kept = storable_names(list(attrs.columns), keep=frozenset(schema.names))
    if kept:
        attrs = attrs.rename(columns=kept)
        renamed = ", ".join(f"{old} → {new}" for old, new in kept.items())
        tally.note(say("note.columns_renamed", "en", columns=renamed))
    id_col = schema.id_column
    if id_col and id_col not in attrs.columns and schema.generate_ids:
        first = read.offset + 1
        attrs[id_col] = pd.Series(np.arange(first, first + len(attrs)), index=attrs.index).map(
            f"{import_id}-{{}}".format
        )
        tally.note(f"{id_col} generated (the source has none)")
    missing = [c.name for c in schema.columns if c.required and c.name not in attrs.columns]
    if missing and not len(original.columns.drop("geometry")):
        code = "import.no_dbf" if read.format == "ESRI Shapefile" else "import.no_attributes"
        raise SchemaError(code, path=read.source, layer=as_, missing=", ".join(missing))
    if missing:
        raise SchemaError(
            "import.missing_columns",
            path=read.source,
            layer=as_,
            missing=", ".join(missing),
            columns=", ".join(map(str, original.columns.drop("geometry"))),
        )
    attrs, value_problems = coerce(attrs, schema)
    for k, v in value_problems.items():
        if k not in read.row_problems:  # a record read wrongly (ragged, damaged): its values mean nothing
            problems.setdefault(k, []).append(v)
    return attrs, renames


def _refuse_collisions(columns: list[str], renames: dict[str, str], source: str) -> None:
    """Stop when two source columns would end up under one name (a --fields map onto a taken name)."""
    final = pd.Series([renames.get(c, c) for c in columns], index=columns)
    twice = final[final.duplicated(keep=False)]
    if len(twice):
        target = str(twice.iloc[0])
        both = ", ".join(str(c) for c in twice.index[twice == target])
        raise SchemaError("import.fields_collide", path=source, target=target, columns=both)


def _code_system(attrs: pd.DataFrame, code_system: str | None, source: str) -> tuple[str, Reasons]:
    """The parcels' code system: the option, else the one the layer's ``code_system`` column names."""
    declared = code_system
    if declared is None and attrs["code_system"].notna().any():
        vals = attrs["code_system"].dropna().unique()
        declared = vals[0] if len(vals) == 1 else None
    return resolve_system(attrs["land_use_code"], declared, path=source)


def _classify_codes(attrs: pd.DataFrame, system: str, unknown: Counter) -> pd.DataFrame:
    """The parcels' codes classified in ``system``; the codes it does not know are counted into ``unknown``."""
    cls = classify(attrs["land_use_code"], system)
    for col in ("land_use_code", "analysis_class", "is_construction", "land_use_flag"):
        attrs[col] = cls[col].to_numpy()
    attrs["code_system"] = system
    unk = attrs.loc[attrs["analysis_class"] == UNKNOWN, "land_use_code"].fillna("(empty)")
    unknown.update({str(k): int(v) for k, v in unk.value_counts().items()})
    return attrs


def _warn_unknown(unknown: Counter, source: str, system: str | None) -> None:
    warnings.warn(
        say(
            "codes.unknown",
            path=source,
            n=sum(unknown.values()),
            system=system,
            codes=", ".join(k for k, _ in unknown.most_common(8)),
        ),
        UnknownCodeWarning,
        stacklevel=6,
    )


def _repair(
    geoms: np.ndarray,
    schema: LayerSchema,
    target_crs: pyproj.CRS,
    problems: dict[int, list[str]],
    oriented: int,
) -> tuple[np.ndarray, pd.DataFrame, int]:
    """Make the polygons valid (structure method); what cannot be repaired rejects its row.

    Turning rings into the GeoPackage's order changes no shape or area: it is counted (added to
    ``oriented``), and said once, in the notes.
    """
    if schema.geometry == "none":
        return geoms, pd.DataFrame(), oriented
    has = ~shapely.is_missing(geoms)
    if schema.points:  # points pass as they are, in two dimensions; an empty one is rejected
        point = has & np.isin(shapely.get_type_id(geoms), (0, 4))  # Point, MultiPoint
        geoms = geoms.copy()
        geoms[point] = shapely.force_2d(geoms[point])
        for empty in np.flatnonzero(point & shapely.is_empty(geoms)).tolist():
            problems.setdefault(empty, ["empty geometry"])
        has &= ~point
    check = np.flatnonzero(has | (schema.geometry == "required"))
    result = repair_polygons(geoms[check], target_crs)
    oriented += result.oriented
    geoms = geoms.copy()
    geoms[check] = result.geometry
    for pos, reason in result.rejected.items():
        row = int(check[pos])
        if not problems.get(row):
            problems[row] = [reason]
    if not len(result.changes):
        return geoms, result.changes, oriented
    moved = result.changes.assign(position=check[result.changes["position"].to_numpy(dtype=int)])
    return geoms, moved, oriented


def _repair_summary(
    changes: pd.DataFrame, keep: np.ndarray
) -> tuple[pd.DataFrame, int, dict[str, tuple[int, float]]]:
    """The repairs of the loaded features: the records, how many features, and count and m² per kind."""
    if not len(changes):
        return changes, 0, {}
    real = changes = changes[changes["position"].isin(keep)]
    kinds = real["what"].str.replace(r" \(.*?\)", "", regex=True)
    repairs = {str(k): (len(grp), float(np.nansum(grp["area_change_m2"]))) for k, grp in real.groupby(kinds)}
    return changes, int(real["position"].nunique()), repairs


def _repairs_table(
    changes: pd.DataFrame, loaded: pd.DataFrame, id_col: str | None, as_: str, import_id: int, offset: int
) -> pd.DataFrame:
    """The ``zonekit_repairs`` rows of one chunk's repaired features (by id, else by source position)."""
    pos = changes["position"].to_numpy()
    ids = loaded[id_col].reindex(pos).to_numpy() if id_col else pos + offset
    return pd.DataFrame(
        {
            "import_id": import_id,
            "layer": as_,
            "feature_id": [str(i) for i in ids],
            "what": changes["what"].to_numpy(),
            "area_before_m2": changes["area_before_m2"].to_numpy(),
            "area_after_m2": changes["area_after_m2"].to_numpy(),
            "area_change_m2": changes["area_change_m2"].to_numpy(),
            "area_change_ha": changes["area_change_m2"].to_numpy() / M2_PER_HA,
            "area_change_mu": changes["area_change_m2"].to_numpy() / M2_PER_MU,
        }
    )


def _refuse_empty(layer: str, source: str, mode: str, *, read: int, reasons: dict[str, int]) -> None:
    """Stop an import that would load nothing: the study (and a layer --replace would drop) stays."""
    kept = "import.study_unchanged_layer_kept" if mode != "create" else "import.study_unchanged"
    if read == 0:
        raise InputError("import.empty", path=source, layer=layer, kept=kept)
    why = "; ".join(f"{k} ×{v}" for k, v in list(reasons.items())[:5])
    raise InputError("import.all_rejected", path=source, layer=layer, n=read, why=why, kept=kept)


def _label(crs: pyproj.CRS) -> str:
    code = crs.to_epsg(min_confidence=70)
    return f"EPSG:{code}" if code else crs.name


def _version() -> str:
    from zonekit._version import __version__

    return __version__


def _next_import_id(study: Path) -> int:
    if IMPORTS_TABLE not in list_tables(study):
        return 1
    ids = read_table(study, IMPORTS_TABLE)["import_id"]
    return int(ids.max()) + 1 if len(ids) else 1


def _check_duplicates(ids: pd.Series, id_col: str, study: Path, layer: str, mode: str, source: str) -> None:
    dup = ids[ids.duplicated(keep=False)].unique().tolist()
    if dup:
        raise DuplicateIdError(
            "import.duplicate_ids",
            path=source,
            n=len(dup),
            column=id_col,
            ids=", ".join(map(str, dup[:20])) + (" …" if len(dup) > 20 else ""),
        )
    if mode == "append" and layer in list_tables(study):
        old = set(_study_ids(study, layer, id_col))
        clash = sorted(old & set(ids.astype(str)))
        if clash:
            raise DuplicateIdError(
                "import.ids_in_study",
                path=source,
                n=len(clash),
                column=id_col,
                layer=layer,
                ids=", ".join(clash[:20]),
            )


def _study_ids(study: Path, layer: str, id_col: str) -> pd.Series:
    """The ids a study layer holds, as text: that column read alone."""
    ids = pyogrio.read_dataframe(study, layer=layer, columns=[id_col], read_geometry=False, use_arrow=True)
    return ids[id_col].dropna().astype(str)


def _rejected_table(
    original: pd.DataFrame,
    problems: dict[int, list[str]],
    import_id: int,
    offset: int,
    mapped: pd.DataFrame | None = None,
    id_col: str | None = None,
) -> pd.DataFrame:
    """The rejected rows: where they were, why, their id and name (as mapped) and every original value."""
    pos = sorted(problems)
    attrs = original.drop(columns="geometry").iloc[pos]

    def named(col: str | None) -> list:
        if mapped is None or col is None or col not in mapped:
            return [None] * len(pos)
        return [None if pd.isna(v) else str(v) for v in mapped[col].to_numpy(dtype=object)[pos]]

    out = pd.DataFrame(
        {
            "import_id": np.full(len(pos), import_id, dtype=np.int64),
            "source_position": np.asarray(pos, dtype=np.int64) + offset,
            "feature_id": named(id_col),
            "feature_name": named("name"),
            "reason": ["; ".join(problems[p]) for p in pos],
            "original_wkt": [
                None if g is None else shapely.to_wkt(g) for g in original["geometry"].iloc[pos]
            ],
        }
    )
    names = [f"src_{col}" for col in attrs.columns]
    renamed = storable_names(names)
    names = [renamed.get(n, n) for n in names]
    for col, name in zip(attrs.columns, names, strict=True):
        out[name] = [None if pd.isna(v) else str(v) for v in attrs[col].to_numpy(dtype=object)]
    return out
