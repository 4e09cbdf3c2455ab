"""QR codes for tickets and session posters, drawn on the server (no third-party service sees the URL)."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

MASK_PATTERN = 2


def _code(data: str) -> qrcode.QRCode:
    # Medium error correction survives a creased printout or a glare on a phone screen. One fixed mask
    # pattern (any of the standard's eight scans): choosing the "best" of eight was 80 % of drawing a
    # ticket, inside every booking's request (issue 15). Tests decode every code drawn back.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4, mask_pattern=MASK_PATTERN)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str) -> bytes:
    """A PNG of ``data`` as a QR code, for emails, printing and scanning from a screen."""
    buffer = io.BytesIO()
    _code(data).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """An inline SVG of ``data`` as a QR code: sharp at poster size."""
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
