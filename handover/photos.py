"""Defect photos: a picture from a phone, checked to be one before it is stored."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def check_photo(photo: UploadedFile) -> str:
    """The photo's content type; a file too large, or not a JPEG, PNG or WebP picture (whatever
    its name says), is refused."""
    if photo.size > MAX_BYTES:
        raise ValidationError(_("A photo of at most 10 MB."), code="photo_too_large")
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This file is not a photo."), code="photo_invalid") from exc
    finally:
        photo.seek(0)
    if kind not in FORMATS:
        raise ValidationError(_("A JPEG, PNG or WebP photo."), code="photo_invalid")
    return FORMATS[kind]


SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def photo_suffix(photo: UploadedFile) -> str:
    """The file suffix of what the photo is (checked), not of what its name claims."""
    return SUFFIXES[check_photo(photo)]
