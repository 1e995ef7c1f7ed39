"""A font that has Chinese, for the report: embedded from the machine when one is found.

The first TrueType font of ``CANDIDATES`` that exists and loads is embedded (subset) in
the PDF, so the file reads the same everywhere. Debian/Ubuntu: ``fonts-wqy-zenhei`` or
``fonts-wqy-microhei``; any other TrueType CJK font can be named with the environment
variable ``ANJU_REPORT_FONT`` (a path; ``path#index`` picks a font of a .ttc collection;
read into ``settings.ANJU_REPORT_FONT``, which stops at start-up when the file is missing).
When none is found, reportlab's built-in CID font STSong-Light is used: the PDF then
relies on the reader's own Chinese fonts (every Chinese PDF reader has them). Building a
report never fails for lack of a font.

Note: reportlab embeds TrueType outlines only; OpenType/CFF collections such as
Noto Sans CJK's .ttc are tried but fail to load, and the next candidate is taken.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

NAME = "AnjuCJK"
FALLBACK = "STSong-Light"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


def _candidates() -> list[tuple[str, int]]:
    """The configured font first (``settings.ANJU_REPORT_FONT``, parsed and checked to exist
    when the settings loaded), then the usual places."""
    configured: tuple[str, int] | None = settings.ANJU_REPORT_FONT
    return [*([configured] if configured else []), *((path, 0) for path in CANDIDATES)]


def _load_truetype(candidates: list[tuple[str, int]]) -> str | None:
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(NAME, path, subfontIndex=index))
        except Exception as exc:  # any unusable font file: try the next one
            logger.info("Report font %s not usable: %s", path, exc)
            continue
        return NAME
    return None


@cache
def cjk_font() -> str:
    """The registered font name to draw Chinese with (embedded TrueType, else the CID font)."""
    name = _load_truetype(_candidates())
    if name is not None:
        return name
    logger.warning("No TrueType CJK font found for reports; using the built-in %s", FALLBACK)
    return fallback_font()


def fallback_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return FALLBACK
