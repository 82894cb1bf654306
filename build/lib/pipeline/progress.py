"""Progress bars for the long loops (parsing, loading), shown on stderr only when asked for."""

from collections.abc import Iterable, Iterator
from typing import TypeVar

from pipeline.settings import Settings

T = TypeVar("T")


def progress(items: Iterable[T], settings: Settings, what: str, total: int | None = None) -> Iterator[T]:
    """Iterate items, with a tqdm bar when `settings.progress` is on (the CLI, on a terminal).
    Bars appear only for loops that last: tqdm waits a moment before drawing. `total` sizes the bar
    when items is a generator."""
    if not settings.progress:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=what, unit="file", delay=2.0, leave=False, total=total)
