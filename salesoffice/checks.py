"""``manage.py check --deploy``: the key of the encrypted ID-card numbers (salesoffice/fields.py).

Without FIELD_ENCRYPTION_KEY the field derives its key from SECRET_KEY: convenient on a
developer's machine, a defect in production, where the two secrets must be separate (rotating
the secret key, which signs sessions, would make every stored ID number unreadable, and one
leaked value would expose both). Production settings refuse to load without the variable; this
check also catches a key that is present but not a key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

# Shorter than this is guessable offline from a stolen database dump.
MIN_KEY_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 8
# .env.example's values start so: a copied example is not a configured site.
PLACEHOLDER_PREFIX = "replace-with"


def _weakness(key: str) -> str | None:
    if len(key) < MIN_KEY_LENGTH:
        return f"it is shorter than {MIN_KEY_LENGTH} characters"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"it has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    if key.startswith(PLACEHOLDER_PREFIX):
        return "it is the placeholder of .env.example"
    if key == settings.SECRET_KEY:
        return "it is the same as DJANGO_SECRET_KEY"
    return None


@register(Tags.security, deploy=True)
def field_encryption_key_check(app_configs=None, **kwargs) -> list[Error]:
    key = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    hint = (
        'Set FIELD_ENCRYPTION_KEY to a long random value (python3 -c "import secrets; '
        'print(secrets.token_urlsafe(50))"), once: changing it makes the stored ID numbers '
        "unreadable."
    )
    if not key:
        return [
            Error(
                "FIELD_ENCRYPTION_KEY is not set: ID-card numbers would be encrypted with a key "
                "derived from SECRET_KEY.",
                hint=hint,
                id="salesoffice.E001",
            )
        ]
    weakness = _weakness(key)
    if weakness:
        return [
            Error(
                f"FIELD_ENCRYPTION_KEY is too weak to protect ID-card numbers: {weakness}.",
                hint=hint,
                id="salesoffice.E002",
            )
        ]
    return []
