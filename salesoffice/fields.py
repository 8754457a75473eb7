"""A text field encrypted at rest (ID-card numbers: DOMAIN.md §11), readable by the app only."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


def _fernet() -> Fernet:
    # The fallback serves developers' machines and tests; production settings require the key
    # and `check --deploy` refuses a weak one (salesoffice/checks.py).
    secret = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())
    return Fernet(key)


class EncryptedTextField(models.TextField):
    """Stored as a Fernet token; the clear value exists only in memory."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return _fernet().decrypt(value.encode()).decode()
        except InvalidToken:
            return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return _fernet().encrypt(str(value).encode()).decode()


def mask_id_number(value: str) -> str:
    """``110101199003071234`` → ``1101**********1234``."""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:]
