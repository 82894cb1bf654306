"""Reviewer overrides: a versioned YAML file of verdicts on rule findings, loaded into `reviews`.

    reviews:
      - report: 002_06f53fae4bd534e1.txt   # source_file
        rule: H2
        scope: row 3.1                     # optional: every scope of the rule when left out
        verdict: confirmed                 # confirmed | dismissed
        note: The printed 总计 is 0; confirmed against the published PDF.

`confirmed` marks a failure as checked against the source (it stays a failure); `dismissed` takes it
out of the scorecard's failure counts (e.g. a rule that does not apply to this body).
"""

from pathlib import Path

import polars as pl
import yaml

from pipeline.rules import RULES_BY_ID

VERDICTS = ("confirmed", "dismissed")
SCHEMA = {"source_file": pl.String, "rule_id": pl.String, "scope": pl.String, "verdict": pl.String, "note": pl.String}


class ReviewFileError(ValueError):
    """The reviews file cannot be used as it is; the message says which entry and why."""


def load_reviews(path: Path) -> pl.DataFrame:
    if not path.exists():
        return pl.DataFrame(schema=SCHEMA)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ReviewFileError(f"{path}: not valid YAML ({exc})") from exc
    entries = data.get("reviews") if isinstance(data, dict) else None
    if entries is None:
        return pl.DataFrame(schema=SCHEMA)
    if not isinstance(entries, list):
        raise ReviewFileError(f"{path}: 'reviews' must be a list of entries")
    rows = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: entry {n}"
        if not isinstance(entry, dict):
            raise ReviewFileError(f"{where}: must be a mapping with report, rule and verdict")
        missing = [k for k in ("report", "rule", "verdict") if not entry.get(k)]
        if missing:
            raise ReviewFileError(f"{where}: missing {', '.join(missing)}")
        if str(entry["rule"]) not in RULES_BY_ID:
            raise ReviewFileError(f"{where}: unknown rule {entry['rule']!r} (known: {', '.join(RULES_BY_ID)})")
        if entry["verdict"] not in VERDICTS:
            raise ReviewFileError(f"{where}: verdict must be one of {', '.join(VERDICTS)}, not {entry['verdict']!r}")
        rows.append(
            {
                "source_file": str(entry["report"]),
                "rule_id": str(entry["rule"]),
                "scope": str(entry["scope"]) if entry.get("scope") else None,
                "verdict": str(entry["verdict"]),
                "note": str(entry.get("note") or ""),
            }
        )
    return pl.DataFrame(rows, schema=SCHEMA)
