"""Moderation rules (per brand, edited by strategists) and the log of what they did."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class AuthorCondition(models.TextChoices):
    ANY = "", _("Anyone")
    NEW = "new", _("New or small account (few followers)")
    BLOCKED = "blocked", _("On the brand's block list")
    VIP = "vip", _("VIP (many followers)")
    NOT_VIP = "not_vip", _("Not a VIP")


class ModerationRule(models.Model):
    """Conditions (all given ones must hold; inside a list, any value) → actions.

    ``keywords`` is a list of ``{"term": …, "match": "word"|"prefix"}`` matched with the
    charter engine's semantics (case- and accent-insensitive whole words, never inside a
    link; see docs/charter-rules.md).
    """

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)
    # Conditions.
    keywords = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    sentiments = models.JSONField(default=list, blank=True)
    networks = models.JSONField(default=list, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    min_toxicity = models.FloatField(_("toxicity at least"), null=True, blank=True)
    author_condition = models.CharField(
        _("author"), max_length=10, choices=AuthorCondition.choices, blank=True
    )
    new_account_followers = models.PositiveIntegerField(
        _("“new account” means fewer followers than"), default=20
    )
    # Actions.
    action_hide = models.BooleanField(_("hide"), default=False)
    action_flag = models.BooleanField(_("flag for review"), default=False)
    action_tag = models.ForeignKey(
        "inbox.Tag", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_assign = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_auto_reply = models.TextField(_("automatic reply"), blank=True)
    auto_reply_hours = models.PositiveIntegerField(
        _("at most one automatic reply per author every (hours)"), default=24
    )
    action_escalate = models.BooleanField(_("escalate to the strategists"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class RuleAction(models.Model):
    """One automatic action on one message. ``detail`` holds what undo needs."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        FLAG = "flag", _("Flagged for review")
        TAG = "tag", _("Tagged")
        ASSIGN = "assign", _("Assigned")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        ESCALATE = "escalate", _("Escalated")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(
        ModerationRule, null=True, on_delete=models.SET_NULL, related_name="actions"
    )
    rule_name = models.CharField(max_length=120)  # kept when the rule is deleted
    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        "inbox.Identity", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["brand", "-created_at"], name="inbox_ruleaction_recent"),
            models.Index(fields=["rule", "author", "action"], name="inbox_ruleaction_author"),
        ]
