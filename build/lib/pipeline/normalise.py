"""Text normalisation: characters, label keys and cell values (spec §5.1, §5.4)."""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

# NFKC folds the Kangxi radicals (U+2F00–U+2FD5) but not the CJK Radicals Supplement (U+2E80–U+2EF3),
# which PDF text layers use for common characters ("人民" extracted as "⼈⺠"). Map those explicitly.
_RADICALS_SUPPLEMENT = {
    "⺁": "厂",
    "⺅": "亻",
    "⺆": "冂",
    "⺇": "几",
    "⺊": "卜",
    "⺋": "卩",
    "⺌": "小",
    "⺍": "小",
    "⺎": "兀",
    "⺏": "尣",
    "⺐": "尢",
    "⺑": "尢",
    "⺒": "巳",
    "⺓": "幺",
    "⺔": "彐",
    "⺕": "彐",
    "⺖": "忄",
    "⺗": "心",
    "⺘": "扌",
    "⺙": "攵",
    "⺛": "无",
    "⺜": "日",
    "⺝": "月",
    "⺞": "歹",
    "⺟": "母",
    "⺠": "民",
    "⺡": "氵",
    "⺢": "氵",
    "⺣": "灬",
    "⺤": "爫",
    "⺥": "爫",
    "⺦": "丬",
    "⺧": "牛",
    "⺨": "犭",
    "⺩": "王",
    "⺪": "疋",
    "⺫": "罒",
    "⺬": "示",
    "⺭": "礻",
    "⺮": "竹",
    "⺯": "糸",
    "⺰": "纟",
    "⺱": "罒",
    "⺲": "罒",
    "⺳": "罒",
    "⺴": "罒",
    "⺵": "罒",
    "⺶": "羊",
    "⺷": "羊",
    "⺸": "羊",
    "⺹": "耂",
    "⺺": "肀",
    "⺻": "聿",
    "⺼": "月",
    "⺽": "臼",
    "⺾": "艹",
    "⺿": "艹",
    "⻀": "艹",
    "⻁": "虎",
    "⻂": "衤",
    "⻃": "覀",
    "⻄": "西",
    "⻅": "见",
    "⻆": "角",
    "⻇": "角",
    "⻈": "讠",
    "⻉": "贝",
    "⻊": "足",
    "⻋": "车",
    "⻌": "辶",
    "⻍": "辶",
    "⻎": "辶",
    "⻏": "阝",
    "⻐": "钅",
    "⻑": "長",
    "⻒": "镸",
    "⻓": "长",
    "⻔": "门",
    "⻖": "阝",
    "⻗": "雨",
    "⻘": "青",
    "⻙": "韦",
    "⻚": "页",
    "⻛": "风",
    "⻜": "飞",
    "⻝": "食",
    "⻞": "食",
    "⻟": "食",
    "⻠": "饣",
    "⻡": "首",
    "⻢": "马",
    "⻣": "骨",
    "⻤": "鬼",
    "⻥": "鱼",
    "⻦": "鸟",
    "⻧": "卤",
    "⻨": "麦",
    "⻩": "黄",
    "⻪": "黾",
    "⻬": "齐",
    "⻮": "齿",
    "⻰": "龙",
    "⻳": "龟",
}
# Invisible characters that web editors and Word leave inside cells and labels ("0\u200b"): zero-width
# space, non-joiner and joiner, word joiner, a BOM mid-text, soft hyphen. Stray spaces (spec §5.1) that
# NFKC keeps and `str.strip` does not remove, so they are dropped here.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARS))
_CHAR_MAP = str.maketrans({**_RADICALS_SUPPLEMENT, **_INVISIBLE})

# Spam mirrors insert pinyin glosses after characters: "務(wù)", "(gong)" (spec §5.5).
_PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
# Word-processor debris in text dumps: "[bookmark: OLE_LINK1]".
_DEBRIS = re.compile(r"\[bookmark:[^\]]*\]")
_NON_KEY = re.compile(r"[^0-9a-z\u3400-\u9fff]")


@cache
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc  # bundled dictionaries, no download

    return opencc.OpenCC(config)


def is_traditional(text: str, threshold: float = 0.02) -> bool:
    """True when a real share of the CJK characters are traditional-only (t2s changes them)."""
    chars = [ch for ch in text[:20000] if "\u4e00" <= ch <= "\u9fff"]
    if not chars:
        return False
    unique = "".join(sorted(set(chars)))
    converted = _converter("t2s").convert(unique)
    if len(converted) != len(unique):
        return True
    changed = {a for a, b in zip(unique, converted, strict=True) if a != b}
    return sum(ch in changed for ch in chars) > threshold * len(chars)


# Template words that tw2sp's Taiwan-phrase table rewrites into other mainland words (查詢 → 查找,
# 文件 → 文档): in a report they are the template's own vocabulary, converted character by character.
_KEEP_PHRASES = {"查詢": "查询", "文件": "文件"}
_KEEP_SPLIT = re.compile("(" + "|".join(_KEEP_PHRASES) + ")")


def to_simplified(text: str) -> str:
    """Traditional to simplified with mainland vocabulary: Big5 gateways and Taiwan-phrase mirrors
    write 資訊 for 信息 and 檔案 for 文件 (spec §5.5), which plain t2s does not undo."""
    # tw2sp first (it maps Taiwan phrases while they are still traditional), then hk2s for the Hong
    # Kong variant forms tw2sp leaves alone (衞 → 卫).
    return "".join(
        _KEEP_PHRASES.get(part) or _converter("hk2s").convert(_converter("tw2sp").convert(part))
        for part in _KEEP_SPLIT.split(text)
    )


def normalise_text(text: str) -> str:
    """Fold a piece of extracted text to one canonical character set (keeps whitespace)."""
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = _DEBRIS.sub("", text)
    return _PINYIN_GLOSS.sub("", text)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute one character): label typos, OCR misreads."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def label_key(text: str) -> str:
    """The form labels are matched on: normalised, lower-cased, no whitespace and no punctuation."""
    return _NON_KEY.sub("", normalise_text(text).lower())


# ---------------------------------------------------------------------------------------------------
# Cell values. A value keeps what it meant: a number, a printed zero, a blank or a not-applicable mark.

NUMBER = "number"
ZERO = "zero"
BLANK = "blank"  # an empty cell of a real table grid
NOT_APPLICABLE = "na"  # "/", "—", "-" printed in the cell
ABSENT = "absent"  # the cell is not in the source at all (missing row or column)
UNREADABLE = "unreadable"  # the source has something there, but not one clear reading

# "无" is deliberately not here: in spaced-out labels ("无 法 提 供") it is a character, not a mark.
_NA_MARKS = {"/", "//", "\\", "-", "--", "—", "——", "–", "―", "―――", "n/a", "×"}
UNIT_PATTERN = "件|个|条|项|起|次|宗|笔|元|万元"  # units printed inside a cell after its number ("2笔" procurements)
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    rf"(?P<unit>{UNIT_PATTERN})?"
    # A bracketed numeral after a number is the next row's heading ('7000007（二）部分公开'), not a note.
    r"(?P<note>[(（](?![一二三四五六七八九十]+[)）])[^()（）]*[)）])?$"
)


@dataclass(frozen=True)
class Value:
    semantic: str
    value: float | None
    raw: str
    note: str | None = None  # an annotation printed inside the cell, e.g. "（其中修订 16 件）"
    decimals: int = 0


# A note printed inside a cell after its number has spaces of its own: "22（其中修订 16 件）" (Appendix B).
_SPACED_NOTE = re.compile(rf"^(?P<number>\S+?)\s*(?P<unit>{UNIT_PATTERN})?\s*(?P<note>\([^()]*\))?$")


def read_value(raw: str) -> Value | None:
    """Read one cell or token as a value; None when it is not a value (a label or other text)."""
    text = normalise_text(raw).strip()
    if re.search(r"\s", text):  # several tokens (the caller splits them), unless the spaces are inside a note
        # ... or between the number and its unit: Word and LibreOffice space digits from CJK ("3 件")
        spaced = _SPACED_NOTE.match(text)
        if spaced is None or not (spaced["unit"] or spaced["note"]):
            return None
        number = read_value(spaced["number"] + (spaced["unit"] or ""))
        if number is None or number.semantic not in (NUMBER, ZERO) or number.note is not None:
            return None
        return Value(number.semantic, number.value, raw, spaced["note"], number.decimals)
    if text == "":
        return Value(BLANK, None, raw)
    if text.lower() in _NA_MARKS:
        return Value(NOT_APPLICABLE, None, raw)
    m = _NUMBER.match(text)
    if not m:
        return None
    number = float(m["sign"] + m["num"].replace(",", "") + (m["frac"] or ""))
    decimals = len(m["frac"]) - 1 if m["frac"] else 0
    return Value(ZERO if number == 0 else NUMBER, number, raw, m["note"], decimals)
