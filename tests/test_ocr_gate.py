"""The OCR gate (pipeline/parse/ocr_gate.py): OCR'd cells stand only where the rules confirm them, and
where OCR read a cell two ways the rules choose, or nothing stands. One test per behaviour, on a section
三 table made here from a seed's expected values (no OCR engine: the readings are given)."""

import json

from pipeline.catalogue import TEMPLATE_2021, TEMPLATES
from pipeline.document import Lineage
from pipeline.normalise import NUMBER, UNREADABLE, ZERO
from pipeline.parse.model import APPLICATIONS, OCR_READING_BY_RULE, PROACTIVE, REVIEW_LITIGATION, ParsedCell
from pipeline.parse.ocr_gate import confirm_ocr
from tests.conftest import EXPECTED_DIR

SEED = json.loads((EXPECTED_DIR / "001_1bd61549078e1a1a.expected.json").read_text(encoding="utf-8"))
TEMPLATE = TEMPLATES[TEMPLATE_2021]


def _cell(table: str, row: str, col: str, value: float, readings: tuple[str, ...] | None = None,
          confidence: float = 0.99) -> ParsedCell:  # fmt: skip
    readings = readings or (f"{value:g}", f"{value:g}")
    return ParsedCell(
        table, row, col, value, ZERO if value == 0 else NUMBER, f"{value:g}",
        Lineage(page=2, bbox=(0, 0, 1, 1), ocr_confidence=confidence, ocr_readings=readings),
        read_as="by_label",
    )  # fmt: skip


def _section_three(**readings: tuple[str, ...]) -> list[ParsedCell]:
    """The seed's section 三 as OCR'd cells, read alike twice except `row__col=(first, second)`."""
    cells = []
    for row in TEMPLATE.application_rows:
        for col in TEMPLATE.application_columns:
            value = SEED["applications"][row.key][col.key]
            given = readings.get(f"r{row.key.replace('.', '_')}__{col.key}")
            cells.append(_cell(APPLICATIONS, row.key, col.key, float(given[0]) if given else value, given))
    return cells


def _values(cells: list[ParsedCell], table: str = APPLICATIONS) -> dict:
    return {(c.row_key, c.col_key): c.value for c in cells if c.table == table}


def test_a_table_read_alike_twice_that_adds_up_stands() -> None:
    issues: list = []
    cells = confirm_ocr(_section_three(), TEMPLATE, issues)
    assert _values(cells) == {(r, c): v for r, cols in SEED["applications"].items() for c, v in cols.items()}
    assert issues == []


def test_the_rules_choose_the_one_reading_that_adds_up() -> None:
    """3.1 natural_person is 6 (SEED): read 6 alone and 9 by the page pass, and the 总计 read 9 then 6.
    Only 6 and 6 make row 3.1 and the columns add up: both are chosen, and an issue lists them."""
    assert SEED["applications"]["3.1"]["natural_person"] == 6 and SEED["applications"]["3.1"]["total"] == 6
    issues: list = []
    cells = confirm_ocr(_section_three(r3_1__natural_person=("6", "9"), r3_1__total=("9", "6")), TEMPLATE, issues)
    got = {(c.row_key, c.col_key): c for c in cells}
    assert got[("3.1", "natural_person")].value == 6 and got[("3.1", "natural_person")].read_as == "by_label"
    assert got[("3.1", "total")].value == 6 and got[("3.1", "total")].read_as == OCR_READING_BY_RULE
    assert [i.code for i in issues] == ["ocr_reading_by_rule"]
    assert "三 3.1 total = 6" in issues[0].detail


def test_a_table_that_does_not_add_up_keeps_only_what_both_passes_read_alike() -> None:
    """Reports print totals that do not add up (seed 002); OCR cannot tell that from a misread. No choice
    of readings makes the table add up here, so the rules choose nothing: each cell both passes read alike
    stands as printed (for the rules to flag like any report's), a cell read two ways is NULL."""
    issues: list = []
    cells = confirm_ocr(_section_three(r3_1__natural_person=("9", "9"), r3_1__total=("9", "6")), TEMPLATE, issues)
    values = _values(cells)
    assert values[("3.1", "natural_person")] == 9  # read alike twice: as printed, H3 will say it fails
    assert values[("3.1", "total")] is None  # read 9 and 6, neither adds up everywhere
    assert sum(v is None for v in values.values()) == 1
    assert [i.code for i in issues] == ["ocr_unconfirmed"]
    assert "no reading" in issues[0].detail and "1 cell(s) read two ways or once are NULL" in issues[0].detail


def test_a_cell_read_once_stands_only_if_the_rules_confirm_it() -> None:
    """A cell the page pass did not read and the cell pass read as 'D' is no figure; read again as a
    number that makes the table add up, it is taken, and said to be chosen by the rules."""
    cells = _section_three()
    cells[0] = ParsedCell(
        APPLICATIONS, "1", "natural_person", None, UNREADABLE, "D",
        Lineage(page=2, ocr_confidence=0.58, ocr_readings=("D",)),
    )  # fmt: skip
    issues: list = []
    assert confirm_ocr(cells, TEMPLATE, issues)[0].value is None
    assert [i.code for i in issues] == ["ocr_unconfirmed"]
    cells[0] = ParsedCell(
        APPLICATIONS, "1", "natural_person", None, UNREADABLE, "D",
        Lineage(page=2, ocr_confidence=0.58, ocr_readings=("D", f"{SEED['applications']['1']['natural_person']}")),
    )  # fmt: skip
    confirmed = confirm_ocr(cells, TEMPLATE, [])
    assert confirmed[0].value == SEED["applications"]["1"]["natural_person"]
    assert confirmed[0].read_as == OCR_READING_BY_RULE


def test_section_four_blocks_stand_by_h4_with_one_reading() -> None:
    block = [
        _cell(REVIEW_LITIGATION, "administrative_review", col, value, readings)
        for col, value, readings in (
            ("upheld", 6, ("6", "9")),
            ("corrected", 1, None),
            ("other", 0, None),
            ("pending", 0, None),
            ("total", 7, None),
        )
    ]
    issues: list = []
    assert [c.value for c in confirm_ocr(block, TEMPLATE, issues)] == [6, 1, 0, 0, 7] and issues == []
    # a total that both readings of the cell fit is no confirmation: 6+1 = 7 and 9+1 = 10 read as (7, 10);
    # the cells read alike twice stand, the two read two ways do not
    block[-1] = _cell(REVIEW_LITIGATION, "administrative_review", "total", 7, ("7", "10"))
    assert [c.value for c in confirm_ocr(block, TEMPLATE, issues)] == [None, 1, 0, 0, None]
    assert issues[-1].code == "ocr_unconfirmed" and "more than one reading" in issues[-1].detail


def test_section_two_stands_only_where_both_readings_agree() -> None:
    agreed = _cell(PROACTIVE, "regulations", "issued", 1, ("1", "1"), confidence=0.92)
    differ = _cell(PROACTIVE, "normative_documents", "issued", 6, ("6", "9"), confidence=0.995)
    sure_once = _cell(PROACTIVE, "administrative_licensing", "decisions", 447228, ("447228",), confidence=0.99)
    unsure_once = _cell(PROACTIVE, "administrative_coercion", "decisions", 0, ("0",), confidence=0.93)
    issues: list = []
    cells = confirm_ocr([agreed, differ, sure_once, unsure_once], TEMPLATE, issues)
    assert [c.value for c in cells] == [1, None, 447228, None]
    assert [(i.row_key, i.code) for i in issues] == [
        ("normative_documents", "ocr_unconfirmed"),
        ("administrative_coercion", "ocr_unconfirmed"),
    ]
    assert "read differently again" in issues[0].detail
    # a reading that is no figure confirms nothing, and contradicts nothing either: read once, surely
    garbage = _cell(PROACTIVE, "administrative_coercion", "decisions", 88283, ("88283", "XX"), confidence=0.999)
    assert confirm_ocr([garbage], TEMPLATE, []) == [garbage]
    unsure = _cell(PROACTIVE, "administrative_coercion", "decisions", 88283, ("88283", "XX"), confidence=0.97)
    assert confirm_ocr([unsure], TEMPLATE, [])[0].value is None
    # a digit's look-alike is that digit's reading: '0' alone and 'o' by the page pass agree
    look_alike = _cell(PROACTIVE, "regulations", "repealed", 0, ("0", "o"), confidence=0.93)
    assert confirm_ocr([look_alike], TEMPLATE, []) == [look_alike]


def test_cells_from_a_text_layer_pass_untouched() -> None:
    cell = ParsedCell(APPLICATIONS, "1", "total", 9, NUMBER, "9", Lineage(page=1), read_as="by_label")
    issues: list = []
    assert confirm_ocr([cell], TEMPLATE, issues) == [cell] and issues == []
