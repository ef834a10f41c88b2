"""The CJK font of generated PDFs. reportlab cannot embed CFF-outline fonts such as Noto CJK
(ARCHITECTURE §2), so reports use its built-in CID font, which needs no font file."""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"
_lock = threading.Lock()


def cjk_font() -> str:
    """Register the built-in CJK font once per process and return its name."""
    with _lock:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT
