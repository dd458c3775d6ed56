"""The charter form: the readable document and every rule, as text a person can type.

``rules_initial`` writes a ``CharterRules`` into the form's fields and ``CharterForm.rules``
reads them back; ``CharterRules`` → form → ``CharterRules`` is the identity (tested with
Hypothesis), so saving the form without touching it never changes a rule.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.strategy.forms import charter_lines as cl
from tribune.strategy.forms.charter_lines import rules_initial
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import (
    CharterRules,
    DisclosureRule,
    HashtagLimit,
    LanguageRule,
    ResponseTimes,
    RulesError,
    ToneRule,
    UtmRule,
)

SEVERITY_CHOICES = [("block", _("Block")), ("warn", _("Warn"))]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
WEEK_MINUTES = 7 * 24 * 60
__all__ = ["CharterForm", "rules_initial"]


def _text(label: Any, help_text: Any = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false"}),
    )


def _severity() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Severity"), choices=SEVERITY_CHOICES)


class CharterForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("What changed (for the version history)"), max_length=300, required=False
    )
    document = forms.CharField(
        label=_("Charter text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Plain text. ## Heading, - list item, **bold**, *italic*, [link](https://…); "
            "a blank line starts a new paragraph."
        ),
    )
    banned_terms = _text(
        _("Banned terms"),
        _(
            "One per line: term | block or warn | reason | networks | prefix. Example: "
            "arnaque | block | Vocabulaire juridique"
        ),
        rows=5,
    )
    competitors = _text(
        _("Competitor names"), _("One per line, same columns as banned terms (warn by default).")
    )
    required_terms = _text(
        _("Required mentions"),
        _(
            "One group per line: terms separated by commas | networks | severity | reason. "
            "Example: Tribune, @tribune | linkedin"
        ),
    )
    disclosure_tags = _text(
        _("Disclosure tags for sponsored posts"),
        _("One per line; any one of them satisfies the rule."),
    )
    disclosure_severity = _severity()
    hashtag_limit = forms.IntegerField(
        label=_("Maximum hashtags per post"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Leave empty for no limit."),
    )
    hashtag_per_network = _text(
        _("Maximum hashtags per network"), _("One per line: network: number (instagram: 15).")
    )
    hashtag_severity = _severity()
    utm_params = _text(
        _("Required UTM parameters"), _("Separated by commas: utm_source, utm_campaign.")
    )
    utm_domains = _text(_("Only for links to these domains"), _("Empty: every link."), rows=2)
    utm_networks = _text(_("Only on these networks"), _("Empty: every network."), rows=1)
    utm_severity = _severity()
    languages_allowed = _text(
        _("Languages allowed"), _("Language codes separated by commas: fr, en."), rows=1
    )
    languages_per_account = _text(_("Languages per account"), _("One per line: @handle: en, fr."))
    languages_severity = _severity()
    tone_caps = forms.BooleanField(label=_("Warn about words in capitals"), required=False)
    tone_caps_min_length = forms.IntegerField(
        label=_("…of at least this many letters"), min_value=2, max_value=100
    )
    tone_caps_allowed = _text(
        _("Capitals allowed (acronyms, brand names)"), _("Separated by commas."), rows=2
    )
    tone_max_exclamations = forms.IntegerField(
        label=_("Most exclamation marks in a row"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty to turn the check off."),
    )
    response_business_minutes = forms.IntegerField(
        label=_("Response-time target in business hours (minutes)"),
        min_value=1,
        max_value=WEEK_MINUTES,
    )
    response_off_minutes = forms.IntegerField(
        label=_("Response-time target outside business hours (minutes)"),
        min_value=1,
        max_value=WEEK_MINUTES,
    )
    business_days = forms.TypedMultipleChoiceField(
        label=_("Business days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    business_start = forms.TimeField(
        label=_("Business hours start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    business_end = forms.TimeField(
        label=_("Business hours end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    escalation_contacts = _text(
        _("Escalation contacts"),
        _("In escalation order, one per line: name | role | e-mail | phone."),
    )

    def __init__(self, *args: Any, base: CharterRules | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base or CharterRules()
        self.rules: CharterRules | None = None
        self.hours: BusinessHours | None = None

    # --- line fields: each error names its line ---------------------------------------
    def _parse(self, name: str, parse: Any) -> Any:
        try:
            return parse(self.cleaned_data.get(name, ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_banned_terms(self) -> Any:
        return self._parse("banned_terms", lambda t: cl.parse_terms(t, "block"))

    def clean_competitors(self) -> Any:
        return self._parse("competitors", lambda t: cl.parse_terms(t, "warn"))

    def clean_required_terms(self) -> Any:
        return self._parse("required_terms", cl.parse_required)

    def clean_escalation_contacts(self) -> Any:
        return self._parse("escalation_contacts", cl.parse_contacts)

    def clean_hashtag_per_network(self) -> Any:
        return self._parse("hashtag_per_network", lambda t: cl.parse_pairs(t, cl.as_count))

    def clean_languages_per_account(self) -> Any:
        return self._parse("languages_per_account", lambda t: cl.parse_pairs(t, cl.as_list))

    def clean_disclosure_tags(self) -> Any:
        tags = cl.split_list(self.cleaned_data.get("disclosure_tags", ""))
        if not tags:
            raise forms.ValidationError(
                _("List at least one tag, or no sponsored post could ever pass.")
            )
        return tags

    # --- the whole rule set -------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        super().clean()
        d: dict[str, Any] = self.cleaned_data
        if self.errors:
            return d
        sections: dict[str, Any] = {
            "banned_terms": d["banned_terms"],
            "competitors": d["competitors"],
            "required_terms": d["required_terms"],
            "escalation_contacts": d["escalation_contacts"],
        }
        # Each section is built on its own so an error lands on the input that caused it.
        builders: list[tuple[str, str, Any]] = [
            (
                "disclosure",
                "disclosure_tags",
                lambda: DisclosureRule(
                    tags=tuple(d["disclosure_tags"]), severity=d["disclosure_severity"]
                ),
            ),
            (
                "hashtags",
                "hashtag_per_network",
                lambda: HashtagLimit(
                    default=d["hashtag_limit"],
                    per_network=tuple(d["hashtag_per_network"].items()),
                    severity=d["hashtag_severity"],
                ),
            ),
            (
                "utm",
                "utm_params",
                lambda: UtmRule(
                    params=tuple(cl.split_list(d["utm_params"])),
                    domains=tuple(cl.split_list(d["utm_domains"])),
                    networks=tuple(cl.split_list(d["utm_networks"])),
                    severity=d["utm_severity"],
                ),
            ),
            (
                "languages",
                "languages_allowed",
                lambda: LanguageRule(
                    allowed=tuple(cl.split_list(d["languages_allowed"])),
                    per_account=tuple(d["languages_per_account"].items()),
                    severity=d["languages_severity"],
                ),
            ),
            (
                "tone",
                "tone_caps_allowed",
                lambda: ToneRule(
                    caps=d["tone_caps"],
                    caps_min_length=d["tone_caps_min_length"],
                    caps_allowed=tuple(cl.split_list(d["tone_caps_allowed"])),
                    max_exclamations=d["tone_max_exclamations"],
                ),
            ),
            (
                "response_times",
                "response_business_minutes",
                lambda: ResponseTimes(
                    business_hours_minutes=d["response_business_minutes"],
                    off_hours_minutes=d["response_off_minutes"],
                ),
            ),
        ]
        for section, field, build in builders:
            try:
                sections[section] = build()
            except RulesError as exc:
                self.add_error(self.ERROR_FIELDS.get(exc.field.split("[")[0], field), str(exc))
        try:
            self.hours = BusinessHours(
                days=tuple(d["business_days"]), start=d["business_start"], end=d["business_end"]
            )
        except ValueError:
            self.add_error("business_end", _("Business hours must end after they start."))
        if not self.errors:
            # replace() keeps any rule a newer engine knows and this form does not show.
            self.rules = dataclasses.replace(self.base, **sections)
        return d

    # Sub-field of a section → the input showing it (the section's main input otherwise).
    ERROR_FIELDS = {
        "per_network": "hashtag_per_network",
        "domains": "utm_domains",
        "networks": "utm_networks",
        "per_account": "languages_per_account",
    }
