"""The one jieba tokenizer of the project, with the domain and region dictionaries."""

import logging
from functools import cache

from pipeline.settings import PROJECT_ROOT, Settings

DOMAIN_DICTIONARY = PROJECT_ROOT / "pipeline" / "dictionaries" / "domain.txt"
# Division names and agency kinds, generated from the pinned division data (`python -m pipeline.agency
# write-dictionary`): agency names are cut with the same tokenizer (pipeline/agency.py).
REGION_DICTIONARY = PROJECT_ROOT / "pipeline" / "dictionaries" / "regions.txt"


@cache
def tokenizer():  # type: ignore[no-untyped-def]
    """The one jieba tokenizer of the project: its cache in data/, the domain and region dictionaries."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()
    cache_dir = Settings.from_env().data_dir / "cache"  # XXGK_DATA_DIR moves it
    cache_dir.mkdir(parents=True, exist_ok=True)
    segmenter.tmp_dir = str(cache_dir)  # jieba writes its dictionary cache on first use: keep it in data/
    segmenter.load_userdict(str(DOMAIN_DICTIONARY))
    segmenter.load_userdict(str(REGION_DICTIONARY))
    return segmenter
