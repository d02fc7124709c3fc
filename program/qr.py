"""QR codes of the program's links (the door screens'), drawn by segno like shared agendas'."""

from __future__ import annotations

import segno


def svg_inline(url: str) -> str:
    """The link's QR code as an inline <svg> sized by CSS, dark on light so phones can scan it
    on a dark screen too."""
    return segno.make(url, error="m").svg_inline(
        omitsize=True, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )
