"""QR codes of web addresses: SVG for the pages (kiosk, slips), PNG for the PDF slip."""
from __future__ import annotations

import io

import segno


def qr_svg(data: str, title: str | None = None) -> bytes:
    """An SVG QR code (black on white, quiet zone included) that scales to its container."""
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="svg", scale=4, border=4, xmldecl=False,
                                     svgns=True, title=title, dark="#000", light="#fff", omitsize=True)
    return buf.getvalue()


def qr_png(data: str) -> io.BytesIO:
    buf = io.BytesIO()
    segno.make(data, error="m").save(buf, kind="png", scale=6, border=4)
    buf.seek(0)
    return buf
