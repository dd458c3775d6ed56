"""The member CRM: one person, many identities; every interaction; events, briefings,
feedback and segments. Every row belongs to a brand (``BrandScopedManager``).

Inbox and listening keep their own author rows; ``Identity.inbox_identity`` and the
``(network, handle)`` pair link a member to them without changing their schemas.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager

SENTIMENT_LABELS = {
    "positive": _("Positive"),
    "neutral": _("Neutral"),
    "negative": _("Negative"),
}


class Level(models.TextChoices):
    NEWCOMER = "newcomer", _("Newcomer")
    REGULAR = "regular", _("Regular")
    CORE = "core", _("Core")
    AMBASSADOR = "ambassador", _("Ambassador")


class Stage(models.TextChoices):
    NONE = "", _("Not in the pipeline")
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    ENGAGED = "engaged", _("Engaged")
    AMBASSADOR = "ambassador", _("Ambassador")


class Member(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    display_name = models.CharField(_("name"), max_length=200)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Consent to receive emails from the brand (GDPR art. 7: when and how it was given).
    email_consent = models.BooleanField(_("accepts emails"), default=False)
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_source = models.CharField(_("consent source"), max_length=200, blank=True)
    # Scores (services/scores.py), refreshed by the community.score job.
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default="newcomer")
    activity = models.FloatField(default=0.0)
    reach = models.FloatField(default=0.0)
    sentiment = models.FloatField(default=0.0)  # -1..1 towards the brand
    influence = models.FloatField(default=0.0)  # PageRank in the brand's interaction graph
    score = models.FloatField(default=0.0)
    previous_score = models.FloatField(default=0.0)  # a week ago: "rising" leaders
    score_details = models.JSONField(default=dict, blank=True)
    cluster = models.IntegerField(null=True, blank=True)  # community in the graph
    scored_at = models.DateTimeField(null=True, blank=True)
    # Ambassador programme and outreach pipeline.
    stage = models.CharField(_("outreach stage"), max_length=12, choices=Stage.choices, blank=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminder_note = models.CharField(_("reminder note"), max_length=300, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    tier = models.CharField(_("ambassador tier"), max_length=60, blank=True)
    perks = models.TextField(_("perks"), blank=True)
    # Merged into another member (hidden; un-merge brings it back).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-score", "display_name", "pk"]
        indexes = [models.Index(fields=["brand", "merged_into", "-score"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None and self.erased_at is None

    @property
    def email(self) -> str:
        found = next((i.email for i in self.identities.all() if i.email), "")
        return found


class Identity(models.Model):
    """One way to reach or recognise a member: an account on a network (``network`` +
    ``handle``), an email address, a phone number or a website."""

    EMAIL, PHONE, WEB = "email", "phone", "web"

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="identities")
    network = models.CharField(_("network"), max_length=30)
    handle = models.CharField(_("handle"), max_length=300)  # lower case; the address for email
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    url = models.URLField(_("profile address"), max_length=500, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    followers = models.PositiveIntegerField(null=True, blank=True)
    inbox_identity = models.ForeignKey(
        "inbox.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "handle"], name="community_uniq_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.handle}"


class Interaction(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply")
        QUOTE = "quote", _("Quote")
        DM = "dm", _("Direct message")
        REPOST = "repost", _("Repost")
        LIKE = "like", _("Like")
        FOLLOW = "follow", _("Follow")
        RSVP = "rsvp", _("Event RSVP")
        ATTENDED = "attended", _("Attended an event")
        BRIEFING = "briefing", _("Briefing")
        SHARE = "share", _("Shared a briefing")
        EMAIL = "email", _("Email")
        CALL = "call", _("Phone call")
        SMS = "sms", _("SMS")
        IM = "im", _("Instant message")
        MEETUP = "meetup", _("Meetup")
        GIFT = "gift", _("Gift")

    OFFLINE = ("email", "call", "sms", "im", "meetup", "gift")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="interactions")
    identity = models.ForeignKey(
        Identity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=30)  # network, or offline channel
    occurred_at = models.DateTimeField(_("date"), db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(max_length=1000, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    reach = models.PositiveIntegerField(default=0)
    # Where it came from: "inbox:<message id>", "listening:<mention id>", "sandbox:<event
    # id>", "event:<invitation id>:rsvp", … (idempotent sync); empty for manual entries.
    source_key = models.CharField(max_length=120, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "source_key"],
                condition=~Q(source_key=""),
                name="community_uniq_interaction_source",
            )
        ]
        indexes = [models.Index(fields=["member", "-occurred_at"])]

    @property
    def is_offline(self) -> bool:
        return self.kind in self.OFFLINE

    @property
    def sentiment_label(self) -> str:
        return str(SENTIMENT_LABELS.get(self.sentiment, self.sentiment))


class MergeSuggestion(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Not reviewed")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Dismissed")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField()
    reasons = models.JSONField(default=list)  # [{"code", "text"}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-confidence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="community_uniq_suggestion")
        ]


class Merge(models.Model):
    """One merge, with everything needed to undo it: the rows that moved and both
    profiles as they were."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="merges")
    absorbed = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    moved = models.JSONField(default=dict)  # {"identity": [ids], "interaction": [ids], …}
    survivor_before = models.JSONField(default=dict)
    absorbed_before = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-merged_at", "-pk"]


class Event(models.Model):
    class Format(models.TextChoices):
        OFFLINE = "offline", _("In person")
        ONLINE = "online", _("Online")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default="offline")
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online address"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    survey_question = models.CharField(
        _("follow-up question"), max_length=300, blank=True, default=""
    )
    survey_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        GOING = "going", _("Going")
        WAITLIST = "waitlist", _("Waiting list")
        DECLINED = "declined", _("Declined")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField()
    email_sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    survey_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    survey_answer = models.TextField(blank=True)
    survey_answered_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["member__display_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "member"], name="community_uniq_invitation")
        ]


class Briefing(models.Model):
    """Early-access information for ambassadors: nothing leaves Tribune, and recipients
    cannot open it, before ``embargo_until``."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Waiting for the embargo")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    link_url = models.URLField(_("link to share"), max_length=500, blank=True)
    share_keyword = models.CharField(
        _("keyword that identifies a share"), max_length=100, blank=True
    )
    embargo_until = models.DateTimeField(_("embargo until"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-embargo_until", "pk"]

    def __str__(self) -> str:
        return self.title


class BriefingRecipient(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="briefings")
    email = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    shared_at = models.DateTimeField(null=True, blank=True)
    share_url = models.URLField(max_length=1000, blank=True)
    broke_embargo_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["member__display_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["briefing", "member"], name="community_uniq_briefing_recipient"
            )
        ]


class Feedback(models.Model):
    class Category(models.TextChoices):
        PRODUCT = "product", _("Product")
        FEATURE = "feature", _("Feature request")
        PRICING = "pricing", _("Pricing")
        SUPPORT = "support", _("Support")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        INBOX = "inbox", _("Inbox")
        LISTENING = "listening", _("Listening")
        MANUAL = "manual", _("Manual entry")
        EVENT = "event", _("Event survey")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_key = models.CharField(max_length=120, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)
    language = models.CharField(max_length=8, blank=True)
    text = models.TextField(_("feedback"))
    author_label = models.CharField(_("author"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    received_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "source_key"],
                condition=~Q(source_key=""),
                name="community_uniq_feedback_source",
            )
        ]

    @property
    def sentiment_label(self) -> str:
        return str(SENTIMENT_LABELS.get(self.sentiment, self.sentiment))


class Segment(models.Model):
    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved filter")
        COMPUTED = "computed", _("Computed cluster")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAVED)
    filters = models.JSONField(default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    member_ids = models.JSONField(default=list, blank=True)  # computed segments only
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class SyncCursor(models.Model):
    """How far the community sync has read one source (``inbox``, ``listening``, or a
    sandbox account's events ``sandbox:<account id>``)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=60)
    cursor = models.CharField(max_length=200, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "source"], name="community_uniq_cursor")
        ]
