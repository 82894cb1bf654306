"""The code location loads: the assets, their rule checks, the job and the nightly schedule."""

import dagster as dg

from assets.definitions import defs
from pipeline.rules import RULES


def test_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {"raw_reports", "report_cells", "dq_results", "data_docs"}
    checks = {k.name for k in graph.asset_check_keys}
    assert checks == {f"rule_{r.id}" for r in RULES}
    assert defs.resolve_job_def("warehouse_job") is not None
    assert [s.cron_schedule for s in defs.schedules] == ["0 2 * * *"]
