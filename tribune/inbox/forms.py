"""Forms of the inbox screens: queue filters, saved replies, moderation rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.inbox.models import ModerationRule, SavedReply, Tag, ThreadStatus
from tribune.inbox.queries import QueueFilters, parse_before
from tribune.inbox.rules import has_condition, keywords_text, parse_keywords
from tribune.inbox.services.triage import assignable_people
from tribune.networks.models import SocialAccount
from tribune.networks.registry import network_choices

SENTIMENTS = [
    ("negative", _("Negative")),
    ("neutral", _("Neutral")),
    ("positive", _("Positive")),
]
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("und", _("Undetermined"))]
KINDS = [("mention", _("Mention")), ("reply", _("Reply")), ("quote", _("Quote")), ("dm", _("DM"))]
ANY = [("", _("Any"))]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*ThreadStatus.choices, ("all", _("All"))]
    )
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    account = forms.ChoiceField(label=_("Account"), required=False)
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False, choices=ANY + SENTIMENTS)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=ANY + LANGUAGES)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    question = forms.BooleanField(label=_("Unanswered question"), required=False)
    vip = forms.BooleanField(label=_("VIP authors"), required=False)
    flagged = forms.BooleanField(label=_("Flagged for review"), required=False)
    late = forms.BooleanField(label=_("Late (past the target)"), required=False)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, brands: list[Brand], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        ids = [b.pk for b in brands]
        self.brands = brands
        self.people: list[Any] = []  # who may be assigned, for the bulk form too
        self.tags: list[Tag] = list(Tag.objects.filter(brand_id__in=ids))
        self._choices("brand", ANY + [(b.slug, b.name) for b in brands])
        if len(brands) < 2:
            del self.fields["brand"]
        accounts = (  # the secrets are not needed to list the accounts: left undecrypted
            SocialAccount.objects.filter(brand_id__in=ids)
            .defer("credentials")
            .order_by("network", "handle")
        )
        self._choices("account", ANY + [(str(a.pk), f"{a}") for a in accounts])
        used = {a.network for a in accounts}
        self._choices("network", ANY + [(k, v) for k, v in network_choices() if k in used])
        people: dict[int, str] = {}
        for brand in brands:
            for user in assignable_people(brand).only("id", "full_name", "email"):
                if user.pk not in people:
                    self.people.append(user)
                people[user.pk] = user.display_name
        self._choices(
            "assignee",
            [
                ("", _("Anyone or no one")),
                ("me", _("Me")),
                ("none", _("No one")),
                *[(str(pk), name) for pk, name in sorted(people.items(), key=lambda p: p[1])],
            ],
        )
        self._choices("tag", ANY + [(str(t.pk), t.name) for t in self.tags])

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = choices

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        status = data["status"] or ThreadStatus.OPEN
        brand_ids: tuple[int, ...] = ()
        if data.get("brand"):
            brand_ids = tuple(b.pk for b in self.brands if b.slug == data["brand"])
        return QueueFilters(
            status="" if status == "all" else status,
            brand_ids=brand_ids,
            network=data["network"],
            account_id=int(data["account"]) if data["account"] else None,
            sentiment=data["sentiment"],
            language=data["language"],
            assignee=data["assignee"],
            tag_id=int(data["tag"]) if data["tag"] else None,
            question=data["question"],
            vip=data["vip"],
            flagged=data["flagged"],
            late=data["late"],
            before=parse_before(data["before"] or ""),
        )


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "body": _("{name} becomes the author's name, {brand} the brand's name."),
        }


class RuleForm(forms.ModelForm):
    keywords_text = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line. Whole words, case and accents ignored, never inside links; "
            "end a term with * to match words starting with it (arnaque* → arnaqueur)."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    sentiments = forms.MultipleChoiceField(
        label=_("Sentiments"),
        required=False,
        choices=SENTIMENTS,
        widget=forms.CheckboxSelectMultiple,
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of message"),
        required=False,
        choices=KINDS,
        widget=forms.CheckboxSelectMultiple,
    )
    tag_name = forms.CharField(label=_("Add the tag"), required=False, max_length=60)

    class Meta:
        model = ModerationRule
        fields = [
            "name",
            "enabled",
            "position",
            "min_toxicity",
            "author_condition",
            "new_account_followers",
            "action_hide",
            "action_flag",
            "action_assign",
            "action_auto_reply",
            "auto_reply_hours",
            "action_escalate",
        ]
        labels = {"position": _("Order"), "action_assign": _("Assign to")}
        help_texts = {
            "min_toxicity": _("From 0 (any) to 1 (certainly toxic); 0.5 is a good start."),
            "action_auto_reply": _(
                "Sent under the message. {name} and {brand} are replaced. Use with care."
            ),
        }
        widgets = {"action_auto_reply": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        cast(forms.ChoiceField, self.fields["networks"]).choices = network_choices()
        cast(forms.ModelChoiceField, self.fields["action_assign"]).queryset = assignable_people(
            brand
        )
        self.fields["min_toxicity"].widget.attrs.update({"min": 0, "max": 1, "step": 0.05})
        rule = self.instance
        if rule.pk:
            self.initial.update(
                keywords_text=keywords_text(rule.keywords),
                languages=rule.languages,
                sentiments=rule.sentiments,
                networks=rule.networks,
                kinds=rule.kinds,
                tag_name=rule.action_tag.name if rule.action_tag else "",
            )

    def clean_keywords_text(self) -> list[dict[str, str]]:
        try:
            return parse_keywords(self.cleaned_data["keywords_text"])
        except ValueError as exc:
            raise forms.ValidationError(_("Line %(error)s") % {"error": exc}) from None

    def clean_min_toxicity(self) -> float | None:
        value = self.cleaned_data["min_toxicity"]
        if value is not None and not 0 <= value <= 1:
            raise forms.ValidationError(_("Toxicity is between 0 and 1."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = self.build(commit_tag=False)
        if not self.errors and not has_condition(rule):
            raise forms.ValidationError(
                _("Give at least one condition: a rule without any would act on every message.")
            )
        return data

    def build(self, *, commit_tag: bool = True) -> ModerationRule:
        """The rule as typed (unsaved): also what the dry run evaluates."""
        data = self.cleaned_data
        rule = self.instance
        for name in self.Meta.fields:
            if name in data:
                setattr(rule, name, data[name])
        rule.brand = self.brand
        rule.keywords = data.get("keywords_text") or []
        rule.languages = list(data.get("languages") or [])
        rule.sentiments = list(data.get("sentiments") or [])
        rule.networks = list(data.get("networks") or [])
        rule.kinds = list(data.get("kinds") or [])
        name = " ".join((data.get("tag_name") or "").strip().lstrip("#").split())
        if not name:
            rule.action_tag = None
        elif commit_tag:
            rule.action_tag = Tag.objects.filter(brand=self.brand, name__iexact=name).first() or (
                Tag.objects.create(brand=self.brand, name=name)
            )
        else:
            existing = Tag.objects.filter(brand=self.brand, name__iexact=name).first()
            rule.action_tag = existing or Tag(brand=self.brand, name=name)
        return rule
