"""jiandu.core.untrusted: uploads checked by content with a pixel limit before decoding (issue 11 #5),
and export cells neutralised (issue 11 #4)."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.core import untrusted


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG announcing a huge canvas (the probe's 47 KB 20000×20000 file)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 65536, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_pixel_bomb_is_refused_before_decoding() -> None:
    bomb = SimpleUploadedFile("bomb.png", _png_header_only(20000, 20000), content_type="image/png")
    with pytest.raises(ValidationError, match="尺寸过大"):
        untrusted.image_reencode(bomb)


def test_the_findings_upload_refuses_a_pixel_bomb_with_a_message() -> None:
    """Was a 500: Pillow's DecompressionBombError is not a ValidationError."""
    from jiandu.findings.attachments import clean_upload

    bomb = SimpleUploadedFile("bomb.png", _png_header_only(20000, 20000), content_type="image/png")
    with pytest.raises(ValidationError, match="尺寸过大"):
        clean_upload(bomb)


def test_a_large_but_allowed_png_is_reencoded_quickly_in_bounded_memory() -> None:
    """The probe's 41 KB 3000×3000 PNG took 3.2 s and ~0.8 GB (a Python list of every pixel)."""
    from jiandu.findings.attachments import clean_upload

    upload = SimpleUploadedFile("big.png", _png(3000, 3000), content_type="image/png")
    tracemalloc.start()
    started = time.process_time()
    clean = clean_upload(upload)
    cpu = time.process_time() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert clean.content_type == "image/png"
    assert peak < 120 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert cpu < 2.5, f"{cpu:.2f} s CPU"


def test_type_comes_from_the_content_not_the_name() -> None:
    html = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    with pytest.raises(ValidationError, match="不是允许的类型"):
        untrusted.upload_clean(html, allowed={"jpeg", "png", "pdf"})
    pdf = SimpleUploadedFile("简历.exe", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", content_type="x/y")
    clean = untrusted.upload_clean(pdf, allowed={"pdf"})
    assert clean.kind == "pdf" and clean.extension == ".pdf" and str(clean.content.name).endswith(".pdf")


def test_size_cap() -> None:
    big = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(ValidationError, match="超过"):
        untrusted.upload_clean(big, allowed={"pdf"}, max_bytes=1024)


def test_cells_starting_like_a_formula_are_neutralised() -> None:
    for bad in ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"):
        assert untrusted.csv_cell(bad) == "'" + bad
    assert untrusted.csv_cell("张三") == "张三" and untrusted.csv_cell(-5) == -5
    from openpyxl import Workbook

    ws = Workbook(write_only=True).create_sheet("x")
    cell = untrusted.xlsx_cell(ws, "=1+1")
    assert cell.data_type == "s" and cell.value == "=1+1"
    assert untrusted.xlsx_cell(ws, "正常") == "正常"


def test_spreadsheets_have_a_row_limit() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    for i in range(30):
        wb.active.append([i])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError, match="超过上限"):
        untrusted.spreadsheet_open(io.BytesIO(out.getvalue()), max_rows=20)
    assert untrusted.spreadsheet_open(io.BytesIO(out.getvalue()), max_rows=40).active.max_row == 30
    with pytest.raises(ValidationError, match="不是 Excel"):
        untrusted.spreadsheet_open(io.BytesIO(b"id,name\n1,x\n"))
