"""A QR code as inline SVG, for the pages that show one (two-step sign-in, continue on a phone)."""

import io

import segno


def svg(text: str, title: str, css_class: str) -> str:
    """The text as an inline SVG QR code: no script, no style attribute (CSP-safe)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title,
        svgclass=css_class,
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode()
