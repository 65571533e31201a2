"""Attachments from a phone: checked, stripped of metadata, stored under a random name.

Photos carry EXIF (GPS position, camera owner, device serial, sometimes the owner's name); the file
name is often a person's name. Re-encoding the pixels drops all of it, for everyone who will ever
download the file, so the agency cannot learn the reporter from a picture (威海 2022 第十四条).
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

# Pillow's TIFF/EXIF reader logs every tag it parses at DEBUG — the Artist and Copyright fields, i.e.
# the reporter's name and phone, would land in the application log. Keep that logger above DEBUG.
logging.getLogger("PIL").setLevel(logging.INFO)

MAX_FILES = 6
MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    token: str
    extension: str
    content_type: str
    size: int
    original_name: str


def clean_upload(upload: UploadedFile) -> CleanFile:
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = (upload.name or "")[:200]
    if upload.size and upload.size > MAX_BYTES:
        raise ValidationError(f"附件“{name}”超过 10 MB")
    try:
        image: Image.Image = Image.open(upload)
        image_format = image.format or ""
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"附件“{name}”不是可识别的图片（支持 JPG、PNG、WebP）") from exc
    if image_format not in ALLOWED:
        raise ValidationError(f"附件“{name}”格式不受支持（支持 JPG、PNG、WebP）")
    content_type, extension = ALLOWED[image_format]
    # Apply the orientation tag to the pixels, then write a fresh file with no metadata at all.
    image = ImageOps.exif_transpose(image) or image
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88)
    elif image_format == "PNG":
        fresh = Image.new(image.mode, image.size)
        fresh.putdata(list(image.getdata()))
        if image.mode == "P" and image.getpalette():
            fresh.putpalette(image.getpalette())  # type: ignore[arg-type]
        fresh.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=88)
    data = out.getvalue()
    token = secrets.token_hex(16)
    return CleanFile(
        content=ContentFile(data, name=f"{token}{extension}"),
        token=token,
        extension=extension,
        content_type=content_type,
        size=len(data),
        original_name=name,
    )


def clean_uploads(uploads: list[UploadedFile]) -> list[CleanFile]:
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"附件最多 {MAX_FILES} 个")
    return [clean_upload(u) for u in uploads]
