"""Printable certificate (聘书) and card (监督员证) as PDF, with an embedded Chinese TrueType font and
a QR code to the public verification page.

reportlab embeds TrueType (glyf) fonts only, not the CFF-based OpenType most CJK fonts ship as. The
font is WenQuanYi Micro Hei, shipped on PyPI by `paperang-p2-fonts-cjk` (a dependency, so `make run`
installs it without root); Debian's fonts-wqy-microhei is used when present instead.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

import segno
from django.utils.translation import gettext
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from jiandu.roster.models import Certificate

FONT = "JianduCJK"
DEBIAN_FONTS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
RED = HexColor("#a3161a")
INK = HexColor("#1d2733")


# SHA-256 of wqy-microhei.ttc as Debian ships it (fonts-wqy-microhei 0.2.0-beta-3.1). The PyPI package is
# a small one-author project, so its file is only used when it is byte-for-byte Debian's font.
WQY_MICROHEI_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


class FontMissing(RuntimeError):
    pass


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def font_path() -> Path:
    try:
        import paperang_p2_fonts_cjk

        packaged = Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc"
        if packaged.exists() and _sha256(packaged) == WQY_MICROHEI_SHA256:
            return packaged
    except ImportError:
        pass
    for path in DEBIAN_FONTS:
        if path.exists():
            return path
    raise FontMissing(
        gettext("找不到中文 TrueType 字体：请安装 paperang-p2-fonts-cjk（pip）或 fonts-wqy-microhei（apt）")
    )


@cache
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(font_path()), subfontIndex=0))
    return FONT


def qr_image(url: str) -> ImageReader:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    buf.seek(0)
    return ImageReader(buf)


def _centred(c: canvas.Canvas, x: float, y: float, text: str, size: float, color: object = INK) -> None:
    c.setFont(FONT, size)
    c.setFillColor(color)
    c.drawCentredString(x, y, text)


def _wrapped(c: canvas.Canvas, x: float, y: float, text: str, size: float, width: float) -> float:
    """Draw CJK text wrapped at `width` (CJK breaks between any two characters); returns the next y."""
    c.setFont(FONT, size)
    c.setFillColor(INK)
    line = ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            c.drawString(x, y, line)
            y -= size * 1.8
            line = ch.lstrip()
        else:
            line += ch
    if line:
        c.drawString(x, y, line)
        y -= size * 1.8
    return y


def certificate_pdf(cert: Certificate, verify_url: str) -> bytes:
    register_font()
    s = cert.supervisor
    programme = s.programme
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(gettext("聘书 {number}").format(number=cert.number))
    c.setAuthor(programme.organisation.name)
    c.setStrokeColor(RED)
    c.setLineWidth(4)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setLineWidth(1)
    c.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    _centred(c, width / 2, height - 52 * mm, gettext("聘　书"), 40, RED)
    body = gettext(
        "兹聘请 {full_name} 同志为{name}，聘期自{issued_on:%Y年%m月%d日}起至{valid_until:%Y年%m月%d日}止。"
    ).format(
        full_name=s.full_name, name=programme.name, issued_on=cert.issued_on, valid_until=cert.valid_until
    )
    if cert.appointment and cert.appointment.starts_on:
        a = cert.appointment
        body = gettext(
            "兹聘请 {full_name} 同志为{name}，聘期自{starts_on:%Y年%m月%d日}起至{ends_on:%Y年%m月%d日}止。"
        ).format(full_name=s.full_name, name=programme.name, starts_on=a.starts_on, ends_on=a.ends_on)
    _wrapped(c, 40 * mm, height - 85 * mm, "　　" + body, 18, width - 80 * mm)
    _centred(c, width - 80 * mm, 50 * mm, programme.organisation.name, 16)
    _centred(c, width - 80 * mm, 40 * mm, cert.issued_on.strftime(gettext("%Y年%m月%d日")), 14)
    c.setFont(FONT, 10)
    c.drawString(30 * mm, 30 * mm, gettext("证书编号：{number}").format(number=cert.number))
    c.drawString(30 * mm, 24 * mm, gettext("扫描二维码查验证书"))
    c.drawImage(qr_image(verify_url), 30 * mm, 36 * mm, 32 * mm, 32 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()


CARD = (85.6 * mm, 54 * mm)  # ISO/IEC 7810 ID-1


def card_pdf(cert: Certificate, verify_url: str) -> bytes:
    register_font()
    s = cert.supervisor
    programme = s.programme
    buf = io.BytesIO()
    w, h = CARD
    c = canvas.Canvas(buf, pagesize=CARD)
    c.setTitle(gettext("监督员证 {number}").format(number=cert.number))
    c.setFillColor(RED)
    c.rect(0, h - 11 * mm, w, 11 * mm, stroke=0, fill=1)
    _centred(c, w / 2, h - 7.5 * mm, programme.name + gettext("证"), 9, HexColor("#ffffff"))
    c.setFillColor(INK)
    c.setFont(FONT, 12)
    c.drawString(5 * mm, h - 20 * mm, s.full_name)
    c.setFont(FONT, 7)
    c.drawString(5 * mm, h - 27 * mm, gettext("编号：{number}").format(number=cert.number))
    c.drawString(
        5 * mm,
        h - 32 * mm,
        gettext("有效期至：{valid_until:%Y年%m月%d日}").format(valid_until=cert.valid_until),
    )
    c.drawString(5 * mm, h - 37 * mm, programme.organisation.name)
    c.drawString(5 * mm, 4 * mm, gettext("扫码查验"))
    c.drawImage(qr_image(verify_url), w - 29 * mm, 3 * mm, 26 * mm, 26 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
