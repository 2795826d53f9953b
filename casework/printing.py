"""One place that turns a printable HTML document into PDF bytes (notices, the household file form).

WeasyPrint lays out the page; the CJK font is Debian's fonts-noto-cjk ("Noto Sans CJK SC" in each
print stylesheet, found through fontconfig) and is embedded, subset to the characters used. Each
document carries its stylesheet inline, because WeasyPrint reads no static URL.
"""

from pathlib import Path


def stylesheet(path):
    """The text of a print stylesheet (``path``: a file beside the app that owns it)."""
    return Path(path).read_text(encoding="utf-8")


def write_pdf(html):
    """A4 PDF bytes of ``html`` (a whole document with its stylesheet inline)."""
    from weasyprint import HTML  # imported here: loading pango costs time every other page would pay

    return HTML(string=html).write_pdf()
