"""Bits shared by the strategy forms: date inputs, network choices, brand people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.strategy.choices import ALL_NETWORKS, NETWORKS
from tribune.strategy.people import brand_people

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NETWORK_OR_ALL = [ALL_NETWORKS, *NETWORKS]


class BrandForm(forms.ModelForm):
    """A model form for one brand's row: people choices come from the brand's team."""

    people_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        for name in self.people_fields:
            self.fields[name].queryset = brand_people(brand)  # type: ignore[attr-defined]
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE

    def save(self, commit: bool = False) -> Any:  # services save; see services/common.py
        obj = super().save(commit=False)
        obj.brand = self.brand
        return obj


def network_field(required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Network"), choices=NETWORK_OR_ALL if not required else NETWORKS, required=required
    )
