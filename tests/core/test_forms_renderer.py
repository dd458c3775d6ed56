"""The Python widget renderer writes exactly what Django's templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import override

from tribune.core.forms_renderer import FastFormRenderer

PEOPLE = [("", "Tout le monde")] + [(i, f"Personne {i} <&> « é »") for i in range(1, 30)]


class Everything(forms.Form):
    title = forms.CharField(max_length=40, help_text="Court", initial='Un "titre" <b>')
    email = forms.EmailField(required=False)
    site = forms.URLField(required=False)
    count = forms.IntegerField(min_value=0, initial=12345)
    ratio = forms.DecimalField(initial="3.5", required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h&h")
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}), required=False)
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date(2026, 3, 29)
    )
    when = forms.DateTimeField(initial=dt.datetime(2026, 10, 25, 2, 30), required=False)
    at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), required=False)
    color = forms.CharField(widget=forms.TextInput(attrs={"type": "color"}), required=False)
    flag = forms.BooleanField(required=False, initial=True)
    off = forms.BooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial="ligne\n<deux>")
    empty_body = forms.CharField(widget=forms.Textarea, required=False)
    person = forms.ChoiceField(choices=PEOPLE, required=False, initial=3)
    people = forms.MultipleChoiceField(choices=PEOPLE[1:], required=False, initial=[2, 5])
    grouped = forms.ChoiceField(
        choices=[("Réseaux", [("bsky", "Bluesky"), ("x", "X")]), ("other", "Autre")],
        initial="x",
    )
    yes_no = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=PEOPLE[1:4], required=False)
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=PEOPLE[1:4], required=False
    )
    upload = forms.FileField(required=False)
    split = forms.SplitDateTimeField(required=False)


def _both(data=None):  # type: ignore[no-untyped-def]
    fast = Everything(data, renderer=FastFormRenderer())
    slow = Everything(data, renderer=DjangoTemplates())
    return fast, slow


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"title": "x" * 50, "count": "-3", "person": "99", "email": "pas une adresse"},
        {
            "title": "<script>",
            "flag": "on",
            "people": ["1", "7"],
            "body": "a & b",
            "grouped": "bsky",
        },
    ],
)
def test_every_field_renders_byte_for_byte_like_django(language, data):  # type: ignore[no-untyped-def]
    with override(language):
        fast, slow = _both(data)
        if data is not None:
            fast.is_valid(), slow.is_valid()
        for name in fast.fields:
            assert str(fast[name]) == str(slow[name]), name
            assert fast[name].label_tag() == slow[name].label_tag(), name
            assert fast[name].label_tag(attrs={"class": "x"}, label_suffix="") == slow[
                name
            ].label_tag(attrs={"class": "x"}, label_suffix=""), name
        assert fast.as_div() == slow.as_div()
        assert fast.as_p() == slow.as_p()


def test_the_renderer_is_the_projects_default():  # type: ignore[no-untyped-def]
    form = Everything()
    assert isinstance(form.renderer, FastFormRenderer)


def test_hostile_choice_labels_are_escaped():  # type: ignore[no-untyped-def]
    field = Everything(renderer=FastFormRenderer())["person"]
    html = str(field)
    assert "<&>" not in html
    assert "&lt;&amp;&gt;" in html
    assert html.count("<option") == len(PEOPLE)
    assert '<option value="3" selected>' in html
