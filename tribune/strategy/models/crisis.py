"""Crisis playbooks and crisis rooms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Playbook(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    trigger = models.TextField(_("when to use it"), blank=True)
    steps = models.TextField(_("steps (one per line)"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    holding_statements = models.TextField(_("holding statements"), blank=True)
    is_default = models.BooleanField(
        _("use when a crisis is detected automatically"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class Crisis(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONTAINED = "contained", _("Contained")
        CLOSED = "closed", _("Closed")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Started by a person")
        LISTENING = "listening", _("Listening alert")
        INBOX = "inbox", _("Inbox")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_ref = models.CharField(max_length=200, blank=True)  # e.g. the listening alert id
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.HIGH
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    playbook = models.ForeignKey(
        Playbook, verbose_name=_("playbook"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned people"), blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    contained_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name_plural = "crises"

    def __str__(self) -> str:
        return self.title


class CrisisEntry(models.Model):
    """One line of a crisis room's timeline."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTE = "note", _("Note")
        STATUS = "status", _("Status")
        ASSIGNMENT = "assignment", _("Assignment")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("entry"), blank=True)  # what a person wrote (kind "note")
    data = models.JSONField(default=dict, blank=True)  # system entries, shown translated
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["at", "id"]
