"""Live checks on a variant: the network's own length rules and the brand's charter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.networks.registry import connector_class
from tribune.networks.video import MB, VIDEO_RULES
from tribune.publishing.textcount import measure
from tribune.strategy.rules.engine import ContentContext
from tribune.strategy.services.charter import check_brand_content

if TYPE_CHECKING:
    from tribune.publishing.models import MediaFile


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str  # "block" | "warn"
    message: str
    start: int | None = None
    end: int | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == "block"


def _length_problems(network: str, text: str) -> tuple[list[Problem], int, int]:
    try:
        m = measure(network, text)
    except ValueError:
        return [], len(text), 0
    problems = []
    messages = {
        "too_long": _("%(length)d characters for a limit of %(limit)d on this network.")
        % {"length": m.length, "limit": m.limit},
        "too_many_hashtags": _("Too many hashtags for this network (at most %(n)s).")
        % {"n": m.max_hashtags},
        "too_many_mentions": _("Too many mentions for this network (at most %(n)s).")
        % {"n": m.max_mentions},
        "too_many_bytes": _("The text is too large for this network."),
    }
    for code in m.problems:
        problems.append(Problem(code, "block", messages[code]))
    return problems, m.length, m.limit


def charter_problems(
    brand: Brand, network: str, text: str, context: ContentContext
) -> list[Problem]:
    language = get_language() or "fr"
    return [
        Problem(v.code, v.severity, v.message(language), v.start, v.end)
        for v in check_brand_content(brand, network, text, context)
    ]


def media_problems(network: str, media: Sequence[MediaFile] | int) -> list[Problem]:
    """Media checks for one account: counts and types, and a video against the network's
    own rules (``tribune.networks.video``). ``media``: the post's files (an int counts
    images, for callers that only know a count)."""
    files: Sequence[MediaFile] = [] if isinstance(media, int) else media
    images = media if isinstance(media, int) else sum(1 for m in files if not m.is_video)
    videos = [m for m in files if m.is_video]
    connector = connector_class(network)
    label = connector.label
    problems: list[Problem] = []
    if network == "youtube" and not videos:
        problems.append(
            Problem("video_required", "block", _("YouTube publishes videos only: add a video."))
        )
    if network == "instagram" and not images and not videos:
        problems.append(
            Problem("media_required", "block", _("Instagram needs an image or a video to publish."))
        )
    if (images or videos) and "media" not in connector.capabilities:
        return problems + [
            Problem(
                "media_unsupported",
                "block",
                _("Tribune cannot publish images on %(network)s yet.") % {"network": label},
            )
        ]
    if images and network == "youtube":
        problems.append(
            Problem("images_unsupported", "block", _("YouTube takes a video, not images."))
        )
    elif images > connector.limits.max_media:
        problems.append(
            Problem(
                "too_many_images",
                "block",
                _("%(network)s accepts at most %(n)d images per post.")
                % {"network": label, "n": connector.limits.max_media},
            )
        )
    for video in videos:
        problems += _video_problems(network, label, video)
    return problems


def _video_problems(network: str, label: str, video: MediaFile) -> list[Problem]:
    rules = VIDEO_RULES.get(network)
    if rules is None:
        return [
            Problem(
                "video_unsupported",
                "block",
                _("Tribune cannot publish videos on %(network)s yet.") % {"network": label},
            )
        ]
    problems = []
    duration = video.duration or 0.0
    words = {"network": label}
    if video.mime_type not in rules.types:
        problems.append(
            Problem(
                "video_type",
                "block",
                _("%(network)s does not take this kind of video: export it as MP4 (H.264).")
                % words,
            )
        )
    if video.size > rules.max_bytes:
        problems.append(
            Problem(
                "video_too_large",
                "block",
                _("%(network)s takes videos up to %(mb)d MB; this one is %(size)d MB.")
                % {**words, "mb": rules.max_bytes // MB, "size": -(-video.size // MB)},
            )
        )
    if video.size < rules.min_bytes:
        problems.append(
            Problem(
                "video_too_small",
                "block",
                _("%(network)s refuses videos under %(kb)d KB.")
                % {**words, "kb": rules.min_bytes // 1024},
            )
        )
    if duration > rules.max_seconds:
        problems.append(
            Problem(
                "video_too_long",
                "block",
                _("%(network)s takes videos up to %(limit)s; this one lasts %(length)s.")
                % {
                    **words,
                    "limit": format_duration(rules.max_seconds),
                    "length": format_duration(duration),
                },
            )
        )
    elif rules.warn_seconds is not None and duration > rules.warn_seconds:
        problems.append(
            Problem(
                "video_long",
                "warn",
                _("Videos longer than %(limit)s need a verified %(network)s account.")
                % {**words, "limit": format_duration(rules.warn_seconds)},
            )
        )
    if duration < rules.min_seconds:
        problems.append(
            Problem(
                "video_too_short",
                "block",
                _("%(network)s takes videos of at least %(limit)s; this one lasts %(length)s.")
                % {
                    **words,
                    "limit": format_duration(rules.min_seconds),
                    "length": format_duration(duration),
                },
            )
        )
    return problems


def format_duration(seconds: float) -> str:
    """``2 min 20 s``, ``45 s``, ``0.5 s``, ``1 h 05 min``."""
    if seconds < 60 and round(seconds, 1) != round(seconds):
        return f"{seconds:.1f} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def check_text(
    brand: Brand,
    network: str,
    text: str,
    *,
    sponsored: bool = False,
    language: str = "",
    account: str = "",
) -> dict:
    """Everything the composer shows for one account: counts and problems."""
    problems, length, limit = _length_problems(network, text)
    if not text.strip():
        problems.append(Problem("empty", "block", _("The text is empty.")))
    context = ContentContext(sponsored=sponsored, language=language or None, account=account)
    problems += charter_problems(brand, network, text, context)
    from tribune.publishing.preview import preview_html

    return {
        "length": length,
        "limit": limit,
        "problems": problems,
        "blocking": any(p.blocking for p in problems),
        "preview": preview_html(text, problems),
    }
