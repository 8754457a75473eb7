"""Widgets every app's forms share: what the front desk types into."""

from __future__ import annotations

from django import forms


class TelInput(forms.TextInput):
    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


def plain_input(**attrs) -> forms.TextInput:
    return forms.TextInput({"autocomplete": "off", **attrs})
