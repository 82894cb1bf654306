"""Round-trip fuzzing, CI profile: random valid reports rendered with real-world quirks read back exactly.

The long profile (10,000 cases, PDF sampled) is `make fuzz-long`; its figures are in fuzz/RESULTS.md.
"""

import copy
import dataclasses
import random
from collections import Counter
from pathlib import Path

import pytest

from pipeline.parse import parse_document
from pipeline.read import read_document
from tests.support import fuzz, render

# ~120 text + 120 HTML + 100 DOCX renderings: about 30 s on two idle cores.
CI_CASES = range(120)


def test_generated_reports_satisfy_every_hard_rule() -> None:
    templates: Counter[str] = Counter()
    blanks = 0
    for seed in range(400):
        numbers = fuzz.generate(seed)
        assert fuzz.hard_rule_violations(numbers) == [], seed
        templates[numbers["template"]] += 1
        blanks += any(v is None for k, v in fuzz.expected_cells(numbers).items() if k[0] != "meta")
    assert set(templates) == {"2021", "2021-23row", "2019"}
    assert 0 < blanks < 400  # blanks occur (D4), but most reports are filled in


def test_the_rule_check_of_the_generator_can_fail() -> None:
    numbers = fuzz.generate(3)
    broken = copy.deepcopy(numbers)
    broken["applications"]["3.1"]["natural_person"] += 1  # breaks H2 on 三(一) and H3 on 自然人
    assert {"H2 3.1", "H3 natural_person"} <= set(fuzz.hard_rule_violations(broken))
    broken = copy.deepcopy(numbers)
    broken["review_litigation"]["litigation_direct"]["total"] = -1
    assert {"H4 litigation_direct", "D1 review_litigation.litigation_direct.total"} <= set(
        fuzz.hard_rule_violations(broken)
    )


def test_cases_are_reproducible_from_their_seed() -> None:
    assert fuzz.generate(11) == fuzz.generate(11)
    assert fuzz.generate(11) != fuzz.generate(12)
    numbers = fuzz.generate(11)
    for fmt in ("text", "html"):
        assert fuzz.render_case(numbers, 11, fmt).data == fuzz.render_case(numbers, 11, fmt).data


def test_the_ci_cases_exercise_every_quirk() -> None:
    """The fuzzer cannot silently stop exercising a quirk: every option of the text renderer, the
    HTML layout and the cell style, every text layout and encoding, is drawn somewhere in the CI cases."""
    seen: Counter[str] = Counter()
    for seed in CI_CASES:
        numbers = fuzz.generate(seed)
        for fmt in fuzz.formats_for(numbers, seed, ("text", "html"), 0.0):
            rendering = fuzz.render_case(numbers, seed, fmt)
            seen["flat html"] += rendering.quirks.startswith("flat")
            for options in rendering.options:
                default = type(options)()
                for f in dataclasses.fields(options):
                    value = getattr(options, f.name)
                    if value != getattr(default, f.name) and not dataclasses.is_dataclass(value):
                        seen[f.name] += 1
                        seen[f"{f.name}={value!r}"] += 1
    for options in (render.TextOptions(), render.CellStyle(), render.HtmlLayout()):
        for f in dataclasses.fields(options):
            if not dataclasses.is_dataclass(getattr(options, f.name)):
                assert seen[f.name] > 0, f"option {type(options).__name__}.{f.name} never drawn"
    for layout in render.TEXT_LAYOUTS[1:]:
        assert seen[f"layout={layout!r}"] > 0
    for encoding in render.TEXT_ENCODINGS[1:]:
        assert seen[f"encoding={encoding!r}"] > 0
    assert seen["flat html"] > 0


def test_ci_profile_reads_every_cell_back() -> None:
    """The CI profile: every cell of every rendering as generated (blank stays blank, 0 stays 0) and no
    crash or quarantine. A failure names seed, format, cell and the quirks, and how to reproduce it."""
    summary = fuzz.run(CI_CASES, fuzz.DEFAULT_FORMATS, workers=2)
    renderings = summary.renderings()
    assert renderings["text"] == renderings["html"] == len(CI_CASES)
    if fuzz.TEMPLATE_DOCX.exists():
        assert renderings["docx"] > len(CI_CASES) // 2
    failures = summary.failures
    message = "\n".join(str(f) for f in failures[:40])
    seeds = sorted({f.seed for f in failures})
    assert not failures, (
        f"{summary.count(kind='cell')} wrong cells, {summary.count(kind='crash')} crashes in seeds {seeds[:20]}; "
        f"reproduce with `python -m tests.support.fuzz --seed N --dump DIR`:\n{message}"
    )


def test_pdf_sample_reads_every_cell_back() -> None:
    if render.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; `make test` installs it with apt-get")
    if not fuzz.TEMPLATE_DOCX.exists():
        pytest.skip("needs the official DOCX template in ../shared/fixtures/real")
    seeds = [s for s in range(40) if fuzz.generate(s)["template"] != "2019"][:3]
    failures = [f for s in seeds for f in fuzz.run_case(s, ("pdf",), pdf_fraction=1.0).failures]
    assert not failures, "\n".join(str(f) for f in failures[:20])


def test_the_comparator_finds_a_wrong_value_and_a_blank_read_as_zero() -> None:
    numbers = fuzz.generate(0)
    report = parse_document(read_document(render.render_html(numbers), "html"))
    assert fuzz.compare(numbers, report) == []
    wrong = copy.deepcopy(numbers)
    wrong["applications"]["1"]["total"] = (numbers["applications"]["1"]["total"] or 0) + 1
    wrong["review_litigation"]["administrative_review"]["upheld"] = None  # the report has a number or 0 there
    wrong["agency"] = "另一个局"
    found = {key: (want, have) for key, want, have, _ in fuzz.compare(wrong, report)}
    assert set(found) == {
        ("applications", "1", "total"),
        ("review_litigation", "administrative_review", "upheld"),
        ("meta", "agency", ""),
    }
    printed = numbers["review_litigation"]["administrative_review"]["upheld"]
    assert found[("review_litigation", "administrative_review", "upheld")] == (None, printed)


def test_zero_and_blank_differ_in_the_comparison() -> None:
    numbers = next(n for n in map(fuzz.generate, range(50)) if 0 in fuzz.expected_cells(n).values())
    zero_key = next(k for k, v in fuzz.expected_cells(numbers).items() if v == 0)
    blanked = copy.deepcopy(numbers)
    blanked[zero_key[0]][zero_key[1]][zero_key[2]] = None
    report = parse_document(read_document(render.render_html(blanked), "html"))
    assert [(k, want, have) for k, want, have, _ in fuzz.compare(numbers, report)] == [(zero_key, 0, None)]


def test_a_crash_is_recorded_with_seed_and_format(tmp_path: Path) -> None:
    numbers = fuzz.generate(5)
    good = fuzz.render_case(numbers, 5, "html")
    assert fuzz.check_rendering(numbers, 5, good, tmp_path) == []
    empty = fuzz.check_rendering(numbers, 5, fuzz.Rendering("html", b"  \n", ""), tmp_path)
    assert [(f.seed, f.fmt, f.kind) for f in empty] == [(5, "html", "crash")]
    assert "empty_file" in str(empty[0])
    not_a_zip = fuzz.Rendering("docx", b"PK\x03\x04word/" + bytes(64), "")
    broken_docx = fuzz.check_rendering(numbers, 5, not_a_zip, tmp_path)
    assert [(f.seed, f.fmt, f.kind) for f in broken_docx] == [(5, "docx", "crash")]
    assert "seed=5 format=docx CRASH quarantined as broken_docx" in str(broken_docx[0])


def test_results_file_names_the_failing_seeds() -> None:
    ok = fuzz.CaseResult(1, "2021", ("text", "html"), 200, [], {"text": 0.1, "html": 0.1})
    bad = fuzz.CaseResult(
        7, "2019", ("text",), 200, [fuzz.Failure(7, "text", "cell", ("applications", "1", "total"), 3, None)], {}
    )
    summary = fuzz.Summary(range(1, 8), workers=2, seconds=12.0, results=[bad, ok])
    text = fuzz.results_markdown(summary, "python -m tests.support.fuzz --cases 2")
    assert "| wrong cells | 1 |" in text and "| crashes | 0 |" in text
    assert "| text | 2 | 400 | 1 | 0 |" in text
    assert "- seed 7 (text): `python -m tests.support.fuzz --seed 7 --dump DIR`" in text
    assert "applications.1.total: expected 3, got None" in text


def test_random_style_never_prints_a_blank_as_nothing_in_a_text_dump() -> None:
    """A text dump drops empty cells, so its blanks must be marks; the renderer refuses otherwise."""
    rng = random.Random(0)
    assert all(fuzz.random_text_options(rng, fuzz.generate(0)).style.blank.strip() for _ in range(200))
    with pytest.raises(ValueError):
        render.render_text(fuzz.generate(0), render.TextOptions(style=render.CellStyle(blank="")))
