"""Label matching: the end of a label buffer against the template's labels, exact, cut short, one typo
away, or with debris of a vertical group label stuck to it."""

from functools import cache
from typing import TypeVar

from pipeline.catalogue import APPLICATION_GROUPS
from pipeline.normalise import edit_distance, label_key

T = TypeVar("T")

EXACT = 3
TRUNCATED = 2
TYPO = 1

# A merged group label printed one or two characters a line down the left column (三、本年度办理结果,
# （三）不予公开 …) leaves its characters in the text of the neighbouring rows: '（一）予以公开三、',
# '1.属于国家秘密办理'. Only these characters can be such debris, and only a few of them at the end.
# （六）其他处理 is a group too where 三(六) is split into three rows.
GROUP_CHARS = frozenset("".join(label_key(f"{g.code}{g.label}") for g in APPLICATION_GROUPS) + "三四五六其他处理")
_MAX_DEBRIS = 4
_MAX_SKIPPED = 6


@cache
def _alias_key(alias: str) -> str:
    return label_key(alias)


def label_score(key: str, alias: str, allow_typos: bool = True) -> tuple[int, int] | None:
    """How well the end of a label buffer matches one label: exact suffix, a label cut short (its
    rest continues after the values, as across a page break), or one edit away (typos)."""
    a = _alias_key(alias)
    if not a or not key:
        return None
    if key.endswith(a):
        return (EXACT, len(a))
    shortest = max(4, int(len(a) * 0.6))
    for k in range(len(a) - 1, shortest - 1, -1):
        if key.endswith(a[:k]):
            return (TRUNCATED, k)
    if allow_typos and len(a) >= 5:
        for width in (len(a) - 1, len(a), len(a) + 1):
            if len(key) >= width and edit_distance(key[-width:], a) <= 1:
                return (TYPO, len(a))
        for k in range(len(a) - 1, shortest - 1, -1):  # cut short and misread: one substituted character
            if len(key) >= k and sum(x != y for x, y in zip(key[-k:], a[:k], strict=True)) <= 1:
                return (TYPO, k)
    return None


def _scored(
    key: str, options: list[tuple[T, tuple[str, ...]]], min_quality: int, allow_typos: bool
) -> tuple[tuple[int, int], T] | None:
    """The best (score, option) for the end of `key`, or None."""
    best: tuple[tuple[int, int], T] | None = None
    for item, aliases in options:
        for alias in aliases:
            score = label_score(key, alias, allow_typos)
            if score and score[0] >= min_quality and (best is None or score > best[0]):
                best = (score, item)
    return best


def _best(key: str, options: list[tuple[T, tuple[str, ...]]], min_quality: int, allow_typos: bool) -> T | None:
    best = _scored(key, options, min_quality, allow_typos)
    return best[1] if best else None


def _through_debris(key: str, alias: str) -> int:
    """The length of the longest start of `alias` (at least 60% of it) that the end of `key` spells out
    once some group-label characters are skipped: a vertical label's characters can land inside a
    wrapped row label ('要他处理求缴纳费用' for 要求缴纳费用). 0 when there is none."""
    a = _alias_key(alias)
    if len(a) < 4:
        return 0
    for k in range(len(a), max(4, int(len(a) * 0.6)) - 1, -1):
        i, j, skipped = len(key) - 1, k - 1, 0
        while j >= 0 and i >= 0:
            if key[i] == a[j]:
                j -= 1
            elif key[i] in GROUP_CHARS and skipped < _MAX_SKIPPED:
                skipped += 1
            else:
                break
            i -= 1
        if j < 0:
            return k
    return 0


def best_match(key: str, options: list[tuple[T, tuple[str, ...]]], min_quality: int = TYPO) -> T | None:
    """The option whose label best matches the end of `key`. Typos (edit distance) are only tried
    when no label matches exactly or cut short: they are rare and the distance is the costly part.
    Last, group-label debris is taken off the end, a character at a time, and then skipped inside."""
    found = _best(key, options, min_quality, False)
    if found is not None or min_quality > TYPO:
        return found
    found = _best(key, options, min_quality, True)
    if found is not None:
        return found
    # Debris off the end: the longest label any depth reveals wins ('…政府信息公开申请其他处' is 三(六)2 with
    # '其他处' of （六）其他处理 stuck to it, not 三(六)3 '其他' with one character off).
    stripped = key
    peeled: tuple[tuple[int, int], T] | None = None
    for _ in range(_MAX_DEBRIS):
        if not stripped or stripped[-1] not in GROUP_CHARS:
            break
        stripped = stripped[:-1]
        found_here = _scored(stripped, options, EXACT, False)
        if found_here is not None and (peeled is None or found_here[0] > peeled[0]):
            peeled = found_here
    if peeled is not None:
        return peeled[1]
    best: tuple[int, T] | None = None
    for item, aliases in options:
        for alias in aliases:
            length = _through_debris(key, alias)
            if length and (best is None or length > best[0]):
                best = (length, item)
    return best[1] if best else None
