"""The product's services the benchmarks call directly, imported here and only here, so that a
module that moves (customers/ → desk/, orders/report* → reports/) is re-pointed in one place.
Models (customers.models, attribution.models, projects.models) stay where they are and are
imported where needed. HTTP benchmarks call the product by URL, never through these."""

from __future__ import annotations


def policy_version_create(**kwargs):
    from attribution.services import policy_version_create

    return policy_version_create(**kwargs)


def parse_sheet(content: bytes, filename: str):
    from desk.imports.reading import parse_sheet

    return parse_sheet(content, filename)


def sheet_import(**kwargs):
    from desk.imports.services import sheet_import

    return sheet_import(**kwargs)


def sheet_import_chunk_size() -> int:
    from desk.imports.context import CHUNK_SIZE

    return CHUNK_SIZE


def claims_lapse(*, now):
    from attribution.jobs import claims_lapse

    return claims_lapse(now=now)


# The product's URLs the HTTP benchmarks drive (the API is documented in the README).
LOOKUP_URL = "/api/lookup/"
REGISTRATIONS_URL = "/api/registrations/"


def my_customers_url(code: str) -> str:
    return f"/p/{code}/my-customers/"
