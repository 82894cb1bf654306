"""Write pipeline/dictionaries/ocr_confusions.txt: characters an OCR engine may read for each character
of a division name, because they look alike (沭 ↔ 沐, 亳 ↔ 毫).

Every character of the division names and every GB2312 character is drawn with a CJK font, scaled
down to 16×16 grey levels, and compared by cosine similarity: glyphs that differ by a dot or a short
stroke score 0.94–0.97, different components below 0.85. The table is generated once and shipped, so
parsing does not depend on the fonts of the machine it runs on.

Usage: .venv/bin/python scripts/make_ocr_confusions.py [FONT]   (needs Pillow, numpy and a CJK font:
`fonts-wqy-zenhei`, installed by scripts/install-system-deps.sh)
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.agency import divisions
from pipeline.narrative import REGION_DICTIONARY

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
OUT = REGION_DICTIONARY.with_name("ocr_confusions.txt")
THRESHOLD = 0.9  # cosine similarity of the 16×16 glyphs
MAX_PER_CHARACTER = 6


def gb2312() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def glyphs(chars: list[str], font: ImageFont.FreeTypeFont) -> np.ndarray:
    rows = []
    for c in chars:
        im = Image.new("L", (64, 64), 0)
        ImageDraw.Draw(im).text((32, 32), c, fill=255, font=font, anchor="mm")
        v = np.asarray(im.resize((16, 16), Image.BILINEAR), dtype=np.float32).ravel()
        rows.append(v / (np.linalg.norm(v) + 1e-9))
    return np.stack(rows)


def main(font_path: str = FONT) -> None:
    font = ImageFont.truetype(font_path, 48)
    targets = sorted({c for r in divisions().regions for c in r.name})
    pool = sorted(set(gb2312()) | set(targets))
    similarity = glyphs(targets, font) @ glyphs(pool, font).T
    lines = [
        "# Look-alike characters for OCR corrections of division names (scripts/make_ocr_confusions.py):",
        f"# a division-name character, then the characters whose glyphs match it (cosine >= {THRESHOLD}).",
    ]
    for i, c in enumerate(targets):
        order = np.argsort(-similarity[i])
        alike = [pool[j] for j in order if pool[j] != c and similarity[i, j] >= THRESHOLD][:MAX_PER_CHARACTER]
        if alike:
            lines.append(c + " " + "".join(alike))
    Path(OUT).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 2} characters with look-alikes")


if __name__ == "__main__":
    main(*sys.argv[1:])
