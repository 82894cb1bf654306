"""Counts and amounts as reports print them: digits (1234, 1,234, 1.5), digits with 万 (1.2万), and Chinese
numerals (十二, 一百二十三, 两千零五, 〇). Read exactly (decimal arithmetic), or not at all."""

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "零〇一二两三四五六七八九十百千万"
# A printed number: grouped digits, plain digits (with a decimal part), or a Chinese numeral.
NUMBER = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CHINESE_NUMERAL}]+"


def chinese_numeral(text: str) -> int | None:
    """十二 → 12, 一百零五 → 105, 两千 → 2000, 一万二千 → 12000, 二〇一三 → None (a year, not a count)."""
    if not text or any(c not in CHINESE_NUMERAL for c in text):
        return None
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = chinese_numeral(high) if high else 1
        low_value = chinese_numeral(low) if low else 0
        if high_value is None or low_value is None or "万" in low:
            return None
        return high_value * 10_000 + low_value
    if not any(c in _SMALL_UNITS for c in text):
        # digit by digit ('二〇一三') is how years and codes are written, not counts; one digit is a count
        return _DIGITS[text] if len(text) == 1 else None
    total, digit, last_unit = 0, None, 10_000
    for c in text:
        if c in _DIGITS:
            if digit is not None and _DIGITS[c] != 0:
                return None  # two digits in a row ('二三十')
            digit = _DIGITS[c] if _DIGITS[c] else digit
        else:
            unit = _SMALL_UNITS[c]
            if unit >= last_unit:
                return None  # units must fall ('十百')
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def read_number(text: str, wan: bool = False) -> Decimal | None:
    """The value of a printed number; `wan`: it was followed by 万 (ten thousand)."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", text):
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    else:
        whole = chinese_numeral(text)
        if whole is None:
            return None
        value = Decimal(whole)
    return value * 10_000 if wan else value
