"""Files that cross the trust boundary: what users upload, and the spreadsheets and CSV we hand out.

One place for every app (findings, recruitment, roster and the apps to come):

Uploads
- `upload_sniff(upload)` — the type from the first bytes, never the name or the browser's claim.
- `image_reencode(upload)` — the pixel count is read from the header and refused above
  `MAX_IMAGE_PIXELS` *before* any pixel is decoded (a 47 KB PNG can announce 20000×20000), then the
  pixels are written into a fresh file: no EXIF, no text chunks, no trailing payload.
- `upload_clean(upload, allowed=…)` — sniff, size cap, re-encode images, keep PDF/Office as bytes.
- `spreadsheet_open(file)` — openpyxl read-only with a byte cap and a row cap.

Exports (OWASP "CSV injection"): a text cell starting with ``= + - @ \\t \\r`` is a live formula in
Excel, so a supervisor's own profile field or a finding title could run on the bureau's desktop.
- `csv_cell` / `csv_row`: such text is prefixed with a single quote, as OWASP recommends.
- `xlsx_cell` / `xlsx_row`: such text is stored as a quoted *string* cell (quotePrefix), so Excel
  shows it as typed and never evaluates it, and a re-import reads the same characters back.

Every refusal is a `django.core.exceptions.ValidationError` with a Chinese message naming the file.
"""

from __future__ import annotations

import io
import logging
import secrets
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.functional import Promise
from django.utils.translation import gettext

# Pillow's TIFF/EXIF reader logs every tag it parses at DEBUG — the Artist and Copyright fields, i.e.
# a reporter's name and phone, would land in the application log. Keep that logger above DEBUG.
logging.getLogger("PIL").setLevel(logging.INFO)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

MAX_IMAGE_PIXELS = 25_000_000  # a 24-megapixel phone photo fits; a decompression bomb does not
MAX_IMAGE_EDGE = 4096  # larger photos are scaled down when re-encoded
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SPREADSHEET_BYTES = 20 * 1024 * 1024
MAX_SPREADSHEET_ROWS = 50_000

# kind → (content type, extension, label)
KINDS: dict[str, tuple[str, str, str]] = {
    "jpeg": ("image/jpeg", ".jpg", "JPG"),
    "png": ("image/png", ".png", "PNG"),
    "webp": ("image/webp", ".webp", "WebP"),
    "pdf": ("application/pdf", ".pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"),
    "doc": ("application/msword", ".doc", "Word"),
}
IMAGES = frozenset({"jpeg", "png", "webp"})


# --- exports ----------------------------------------------------------------------------------------


def _dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def csv_cell(value: Any) -> Any:
    """A CSV cell Excel will not evaluate: text starting with = + - @ tab or CR gets a leading '."""
    return "'" + value if _dangerous(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def xlsx_cell(ws: Any, value: Any) -> Any:
    """For `ws.append(...)` (write-only or normal sheets): dangerous text becomes a quoted string
    cell; a translatable label becomes its text in the current language; anything else is returned
    unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if not _dangerous(value):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    cell.quotePrefix = True
    return cell


def xlsx_row(ws: Any, values: Iterable[Any]) -> list[Any]:
    return [xlsx_cell(ws, v) for v in values]


# --- free text from strangers ------------------------------------------------------------------------

MAX_PUBLIC_TEXT = 5000  # a complaint, an objection, an application statement: pages of text, not a MB


def text_capped(value: str, *, label: str, limit: int = MAX_PUBLIC_TEXT) -> str:
    """Refuse (not truncate) text longer than `limit` characters: the sender learns what to shorten."""
    if len(value or "") > limit:
        raise ValidationError(
            gettext("{label}不超过 {limit} 字（当前 {count} 字）").format(
                label=label, limit=limit, count=len(value)
            )
        )
    return value


# --- uploads ----------------------------------------------------------------------------------------


def _name(upload: Any) -> str:
    return (getattr(upload, "name", "") or "")[:200]


def _read_all(upload: Any, max_bytes: int) -> bytes:
    name = _name(upload)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            gettext("文件“{name}”超过 {value} MB").format(name=name, value=max_bytes // (1024 * 1024))
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data: bytes = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            gettext("文件“{name}”超过 {value} MB").format(name=name, value=max_bytes // (1024 * 1024))
        )
    return data


def sniff(data: bytes) -> str:
    """The kind of file from its content ("" if none we accept)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return ""
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return ""


def upload_sniff(upload: Any, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    return sniff(_read_all(upload, max_bytes))


@dataclass(frozen=True)
class CleanUpload:
    content: ContentFile  # named with a random token: the uploader's file name never reaches disk
    token: str
    kind: str
    extension: str
    content_type: str
    size: int
    original_name: str


def _image_bytes(data: bytes, *, name: str, max_pixels: int, max_edge: int) -> tuple[bytes, str]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        # open() parses the header only; the size is known before a single pixel is decoded.
        image: Image.Image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # Pillow's own header check, far above ours
        raise ValidationError(
            gettext("图片“{name}”尺寸过大（上限 {value} 百万像素）").format(
                name=name, value=max_pixels // 1_000_000
            )
        ) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(
            gettext("附件“{name}”不是可识别的图片（支持 JPG、PNG、WebP）").format(name=name)
        ) from exc
    width, height = image.size
    if width * height > max_pixels or width <= 0 or height <= 0:
        raise ValidationError(
            gettext("图片“{name}”尺寸过大（{width}×{height} 像素，上限 {value} 百万像素）").format(
                name=name, width=width, height=height, value=max_pixels // 1_000_000
            )
        )
    kind = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp"}.get(image.format or "", "")
    if not kind:
        raise ValidationError(gettext("附件“{name}”格式不受支持（支持 JPG、PNG、WebP）").format(name=name))
    try:
        if kind == "jpeg":
            image.draft("RGB", (max_edge, max_edge))  # decode large JPEGs at a reduced scale
        image.load()
        # Apply the orientation tag to the pixels, then drop every piece of metadata.
        image = ImageOps.exif_transpose(image) or image
        if max(image.size) > max_edge:
            image.thumbnail((max_edge, max_edge))
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        fresh = Image.frombytes(image.mode, image.size, image.tobytes())
        if image.mode == "P" and image.getpalette():
            fresh.putpalette(image.getpalette())  # type: ignore[arg-type]
            if "transparency" in image.info:
                fresh.info["transparency"] = image.info["transparency"]
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(gettext("附件“{name}”已损坏，无法读取").format(name=name)) from exc
    out = io.BytesIO()
    if kind == "jpeg":
        fresh.convert("RGB").save(out, "JPEG", quality=88)
    elif kind == "png":
        fresh.save(out, "PNG", optimize=False)
    else:
        fresh.save(out, "WEBP", quality=88)
    return out.getvalue(), kind


def image_reencode(
    upload: Any,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
    max_edge: int = MAX_IMAGE_EDGE,
) -> CleanUpload:
    """An uploaded picture, checked and re-encoded (see the module docstring)."""
    name = _name(upload)
    data, kind = _image_bytes(
        _read_all(upload, max_bytes), name=name, max_pixels=max_pixels, max_edge=max_edge
    )
    return _clean(data, kind, name)


def _clean(data: bytes, kind: str, name: str) -> CleanUpload:
    content_type, extension, _label = KINDS[kind]
    token = secrets.token_hex(16)
    return CleanUpload(
        content=ContentFile(data, name=f"{token}{extension}"),
        token=token,
        kind=kind,
        extension=extension,
        content_type=content_type,
        size=len(data),
        original_name=name,
    )


def upload_clean(
    upload: Any,
    *,
    allowed: Iterable[str],
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
) -> CleanUpload:
    """Any accepted upload: the kind sniffed from its bytes must be in `allowed` (keys of KINDS);
    images are re-encoded, documents kept as they are but stored under a random name."""
    allowed = set(allowed)
    name = _name(upload)
    data = _read_all(upload, max_bytes)
    kind = sniff(data)
    if kind not in allowed:
        labels = "、".join(dict.fromkeys(KINDS[k][2] for k in KINDS if k in allowed))
        raise ValidationError(
            gettext("附件“{name}”的内容不是允许的类型（可用：{labels}）").format(name=name, labels=labels)
        )
    if kind in IMAGES:
        data, kind = _image_bytes(data, name=name, max_pixels=max_pixels, max_edge=MAX_IMAGE_EDGE)
    return _clean(data, kind, name)


def spreadsheet_open(
    file: IO[bytes] | Any,
    *,
    max_bytes: int = MAX_SPREADSHEET_BYTES,
    max_rows: int = MAX_SPREADSHEET_ROWS,
) -> Any:
    """An .xlsx workbook opened read-only (values, not formulas), refused if the file is larger than
    `max_bytes`, is not an .xlsx by content, or any sheet declares more than `max_rows` rows."""
    from openpyxl import load_workbook

    data = _read_all(file, max_bytes)
    if sniff(data) != "xlsx":
        raise ValidationError(gettext("文件不是 Excel 工作簿（.xlsx）"))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file; all mean "cannot read"
        raise ValidationError(gettext("无法读取该 Excel 文件，请确认文件未损坏")) from exc
    for ws in wb.worksheets:
        rows = ws.max_row or 0
        if rows > max_rows:
            wb.close()
            raise ValidationError(
                gettext("工作表“{title}”有 {rows} 行，超过上限 {max_rows} 行").format(
                    title=ws.title, rows=rows, max_rows=max_rows
                )
            )
    return wb
