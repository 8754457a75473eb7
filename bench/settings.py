"""Bench-only settings: the production settings, with the URLconf that adds the limits' views
(``bench/urls.py``). Never used outside ``bench/``."""

from salesoffice.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
