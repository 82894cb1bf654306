"""Operating the warehouse night after night: partitions by content, the file sensor, the nightly
schedule, parser-version bumps, identical content under two names."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.automation import new_report_files, nightly
from assets.definitions import build_definitions
from assets.ingest import report_documents
from assets.plan import materialize_all
from assets.resources import ReportSource
from pipeline import warehouse
from pipeline.settings import Settings
from tests.conftest import SEED_DIR, SEEDS


def raw_with(tmp_path: Path, names: list[str]) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(SEED_DIR / name, raw / name)
    return raw


def settings_for(tmp_path: Path, raw: Path) -> Settings:
    return Settings.from_env(raw_dir=raw, warehouse=tmp_path / "w.duckdb")


def instance_in(tmp_path: Path) -> dg.DagsterInstance:
    """A persistent instance, as the daemon has (schedule contexts need an instance reference)."""
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    return dg.DagsterInstance.local_temp(str(home))


def resources(settings: Settings) -> dict[str, object]:
    return {"report_source": ReportSource(raw_dir=str(settings.raw_dir), warehouse=str(settings.warehouse))}


def parsed_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey("parsed_reports")][:1]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def table_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("reports", "proactive_cells", "application_cells", "review_litigation_cells",
                      "parse_issues", "narrative_figures", "report_sections", "dq_results")
        }  # fmt: skip
    finally:
        con.close()


def test_a_new_file_triggers_a_run_of_only_its_partition(tmp_path: Path) -> None:
    raw = raw_with(tmp_path, SEEDS[:3])
    settings = settings_for(tmp_path, raw)
    instance = instance_in(tmp_path)
    assert materialize_all(settings, instance, validate=False).success
    before = set(instance.get_dynamic_partitions("report_documents"))
    assert len(before) == 3

    context = dg.build_sensor_context(instance=instance, resources=resources(settings))
    assert new_report_files(context).skip_reason is not None  # nothing new: no run

    shutil.copy(SEED_DIR / SEEDS[3], raw / SEEDS[3])
    result = new_report_files(dg.build_sensor_context(instance=instance, resources=resources(settings)))
    [request] = result.run_requests
    [added] = result.dynamic_partitions_requests
    new_key = added.partition_keys[0]
    assert added.partition_keys == [new_key] and new_key not in before
    assert request.tags["dagster/asset_partition_range_start"] == new_key
    assert request.tags["dagster/asset_partition_range_end"] == new_key

    # The requested run parses that one document and loads it beside the others.
    instance.add_dynamic_partitions(report_documents.name, added.partition_keys)
    job = build_definitions(settings).resolve_job_def("warehouse_job")
    run = job.execute_in_process(instance=instance, tags=request.tags)
    assert run.success
    meta = parsed_metadata(run)
    assert (meta["parsed"], meta["file_gone"]) == (1, 0)
    assert table_counts(settings.warehouse)["reports"] == 4


def test_a_night_with_nothing_new_is_skipped_and_a_new_file_is_parsed_alone(tmp_path: Path) -> None:
    raw = raw_with(tmp_path, SEEDS[:2])
    settings = settings_for(tmp_path, raw)
    instance = instance_in(tmp_path)
    assert materialize_all(settings, instance, validate=False).success

    quiet = nightly(dg.build_schedule_context(instance=instance, resources=resources(settings)))
    assert isinstance(quiet, dg.SkipReason)
    assert "nothing new: 2 files" in (quiet.skip_message or "")

    shutil.copy(SEED_DIR / SEEDS[4], raw / SEEDS[4])
    busy = nightly(dg.build_schedule_context(instance=instance, resources=resources(settings)))
    assert isinstance(busy, dg.RunRequest)
    keys = instance.get_dynamic_partitions("report_documents")
    assert busy.tags["dagster/asset_partition_range_start"] == keys[-1]
    assert busy.tags["dagster/asset_partition_range_end"] == keys[-1]

    # A removed file: nothing to parse, but the warehouse must retire it.
    (raw / SEEDS[0]).unlink()
    (raw / SEEDS[4]).unlink()
    retire = nightly(dg.build_schedule_context(instance=instance, resources=resources(settings)))
    assert isinstance(retire, dg.RunRequest)
    assert retire.asset_selection is not None and dg.AssetKey("parsed_reports") not in retire.asset_selection


def test_a_parser_version_bump_reparses_everything_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = raw_with(tmp_path, SEEDS)
    settings = settings_for(tmp_path, raw)
    instance = instance_in(tmp_path)
    assert materialize_all(settings, instance, validate=False).success
    counts = table_counts(settings.warehouse)

    again = materialize_all(settings, instance, validate=False)  # same version: nothing parsed, nothing reloaded
    assert again.success
    assert "parsed_reports" not in {e.asset_key.to_user_string() for e in again.get_asset_materialization_events()}
    assert table_counts(settings.warehouse) == counts

    monkeypatch.setattr("pipeline.settings.PARSER_VERSION", "99.0.0")
    bumped = materialize_all(settings, instance, validate=False)
    assert bumped.success
    assert parsed_metadata(bumped)["parsed"] == 5
    assert table_counts(settings.warehouse) == counts
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select distinct parser_version from reports").fetchall() == [("99.0.0",)]
    finally:
        con.close()


def test_identical_content_under_two_names_is_one_partition(tmp_path: Path) -> None:
    raw = raw_with(tmp_path, SEEDS[:1])
    shutil.copy(SEED_DIR / SEEDS[0], raw / "copy-of-report.txt")
    settings = settings_for(tmp_path, raw)
    instance = instance_in(tmp_path)
    result = materialize_all(settings, instance, validate=False)
    assert result.success
    assert len(instance.get_dynamic_partitions("report_documents")) == 1
    assert parsed_metadata(result)["parsed"] == 1
    con = warehouse.connect(settings.warehouse, read_only=True)
    try:
        documents = con.execute("select source_file, file_names from v_documents").fetchall()
        assert documents == [(SEEDS[0], [SEEDS[0], "copy-of-report.txt"])]
        # Both names answer in the public view, with the same cells.
        per_name = con.execute(
            "select source_file, count(value), sum(value) from v_report_cells group by 1 order by 1"
        ).fetchall()
        assert per_name[0][1:] == per_name[1][1:]
    finally:
        con.close()
