"""Attachments from a phone: checked, stripped of metadata, stored under a random name.

Photos carry EXIF (GPS position, camera owner, device serial, sometimes the owner's name); the file
name is often a person's name. Re-encoding the pixels drops all of it, for everyone who will ever
download the file, so the agency cannot learn the reporter from a picture (威海 2022 第十四条).
The checks (type from content, pixel limit before decoding, size cap) live in jiandu.core.untrusted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

from jiandu.core.untrusted import CleanUpload, image_reencode

MAX_FILES = 6
MAX_BYTES = 10 * 1024 * 1024

CleanFile = CleanUpload  # the name findings.services uses


def clean_upload(upload: UploadedFile) -> CleanFile:
    return image_reencode(upload, max_bytes=MAX_BYTES)


def clean_uploads(uploads: list[UploadedFile]) -> list[CleanFile]:
    if len(uploads) > MAX_FILES:
        raise ValidationError(gettext("附件最多 {MAX_FILES} 个").format(MAX_FILES=MAX_FILES))
    return [clean_upload(u) for u in uploads]
