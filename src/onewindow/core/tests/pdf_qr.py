"""Reading QR codes back out of generated PDFs in tests.

No QR decoder ships with the project, so a code is checked the other way round: each image
embedded in the PDF is sampled at the centre of every module and compared with the module
matrix that ``qrcode`` builds for the expected text (every error-correction level and quiet
zone is tried). A match means a scanner reads exactly that text.
"""

from __future__ import annotations

import io

import qrcode
from PIL import Image
from pypdf import PdfReader
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

LEVELS = (ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q, ERROR_CORRECT_H)


def pdf_images(pdf: bytes) -> list[Image.Image]:
    """Every raster image on every page of ``pdf``."""
    images: list[Image.Image] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        images += [found.image for found in page.images if found.image is not None]
    return images


def _modules(text: str, level: int, border: int) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=level, border=border)
    code.add_data(text)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def _sample(image: Image.Image, size: int) -> list[list[bool]] | None:
    """The image read as a ``size`` × ``size`` grid of dark modules, or None if it is not one."""
    gray = image.convert("L")
    width, height = gray.size
    if width != height or width % size:
        return None
    step = width // size
    pixels = gray.tobytes()
    centre = step // 2
    return [
        [pixels[(y * step + centre) * width + x * step + centre] < 128 for x in range(size)]
        for y in range(size)
    ]


def pdf_has_qr(pdf: bytes, text: str) -> bool:
    """Whether some image in ``pdf`` is a QR code that encodes exactly ``text``."""
    images = pdf_images(pdf)
    for level in LEVELS:
        for border in range(5):
            expected = _modules(text, level, border)
            if any(_sample(image, len(expected)) == expected for image in images):
                return True
    return False
