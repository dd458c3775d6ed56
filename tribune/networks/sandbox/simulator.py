"""Simulate an audience around sandbox brand accounts, hour by hour.

Determinism: each simulated hour draws from its own generator seeded by (seed, handle,
hour), so simulating a period in one call or in many small calls gives the same result.
"""

from __future__ import annotations

import math
import random
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.db import transaction

from tribune.networks.sandbox import texts
from tribune.networks.sandbox.audience import generate_people
from tribune.networks.sandbox.models import Clock, Event, Follow, Post, Profile

AUDIENCE_SEED = 2026
HOUR = timedelta(hours=1)
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method is fine for the small rates used here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _diurnal(moment: datetime) -> float:
    """Activity multiplier by local hour: quiet at night, peaks at lunch and evening."""
    hour = moment.astimezone(PARIS).hour
    base = 0.15 if hour < 7 else 1.0
    if 12 <= hour <= 13 or 18 <= hour <= 22:
        base = 1.6
    return base * (0.7 if moment.astimezone(PARIS).weekday() >= 5 else 1.0)


def ensure_audience(start: datetime) -> list[Profile]:
    existing = {p.handle: p for p in Profile.objects.filter(is_brand=False)}
    missing = [
        Profile(
            handle=p.handle,
            display_name=p.display_name,
            lang=p.lang,
            bio=p.bio,
            base_followers=p.base_followers,
            influence=p.influence,
            created_at=start - timedelta(days=365),
        )
        for p in generate_people(AUDIENCE_SEED)
        if p.handle not in existing
    ]
    Profile.objects.bulk_create(missing, ignore_conflicts=True)
    return list(Profile.objects.filter(is_brand=False).order_by("id"))


@transaction.atomic
def ensure_brand_profile(
    handle: str,
    display_name: str,
    lang: str,
    *,
    seed: int,
    start: datetime,
    products: list[str],
    base_followers: int = 1200,
) -> Profile:
    profile, _created = Profile.objects.get_or_create(
        handle=handle,
        defaults={
            "display_name": display_name,
            "lang": lang,
            "is_brand": True,
            "base_followers": base_followers,
            "created_at": start,
        },
    )
    Clock.objects.get_or_create(
        profile=profile,
        defaults={
            "seed": seed,
            "simulated_until": floor_hour(start),
            "brand_name": display_name,
            "products": products,
        },
    )
    ensure_audience(start)
    return profile


def _pick(rng: random.Random, people: list[Profile], lang_bias: str) -> Profile:
    # Influential and same-language people speak more often.
    weights = [(0.3 + p.influence * 3) * (1.5 if p.lang == lang_bias else 0.6) for p in people]
    return rng.choices(people, weights=weights, k=1)[0]


def _tone(rng: random.Random) -> str:
    return rng.choices(list(texts.TONE_WEIGHTS), weights=list(texts.TONE_WEIGHTS.values()))[0]


def _simulate_hour(clock: Clock, hour: datetime, people: list[Profile]) -> None:
    brand = clock.profile
    rng = random.Random(f"{clock.seed}:{brand.handle}:{int(hour.timestamp())}")
    activity = _diurnal(hour)
    product = lambda: rng.choice(clock.products or ["nos produits"])  # noqa: E731
    at = lambda: hour + timedelta(seconds=rng.randint(0, 3599))  # noqa: E731
    events: list[Event] = []

    following = set(Follow.objects.filter(followee=brand).values_list("follower_id", flat=True))
    for _ in range(_poisson(rng, 0.5 * activity)):
        person = _pick(rng, people, brand.lang)
        if person.pk not in following:
            following.add(person.pk)
            when = at()
            Follow.objects.create(follower=person, followee=brand, created_at=when)
            events.append(Event(kind="follow", actor=person, target=brand, created_at=when))

    for _ in range(_poisson(rng, 0.35 * activity)):
        person = _pick(rng, people, brand.lang)
        lang = person.lang
        template = rng.choice(texts.MENTIONS[lang][_tone(rng)])
        text = template.format(handle=f"@{brand.handle}", product=product())
        post = Post.objects.create(author=person, text=text, lang=lang, created_at=at())
        events.append(
            Event(kind="mention", actor=person, target=brand, post=post, created_at=post.created_at)
        )

    if rng.random() < 0.04 * activity:
        person = _pick(rng, people, brand.lang)
        text = rng.choice(texts.DMS[person.lang]).format(order=f"#{rng.randint(10000, 99999)}")
        post = Post.objects.create(author=person, text=text, lang=person.lang, created_at=at())
        events.append(
            Event(kind="dm", actor=person, target=brand, post=post, created_at=post.created_at)
        )

    # Conversations between audience members build the interaction graph (opinion leaders).
    hubs = [p for p in people if p.influence > 0.5] or people[:3]
    for _ in range(_poisson(rng, 0.8 * activity)):
        author = _pick(rng, people, brand.lang)
        other = rng.choice(hubs) if rng.random() < 0.6 else _pick(rng, people, brand.lang)
        if other.pk == author.pk:
            continue
        text = rng.choice(texts.CHATTER[author.lang]).format(
            other=f"@{other.handle}", brand=clock.brand_name, product=product()
        )
        post = Post.objects.create(author=author, text=text, lang=author.lang, created_at=at())
        events.append(
            Event(kind="mention", actor=author, target=other, post=post, created_at=post.created_at)
        )

    _react_to_brand_posts(rng, clock, hour, people, activity, events, at)
    Event.objects.bulk_create(sorted(events, key=lambda e: e.created_at))


def _react_to_brand_posts(rng, clock, hour, people, activity, events, at) -> None:  # type: ignore[no-untyped-def]
    brand = clock.profile
    recent = Post.objects.filter(
        author=brand,
        deleted_at__isnull=True,
        created_at__gt=hour - timedelta(hours=48),
        created_at__lt=hour + HOUR,
    )
    audience_size = brand.base_followers + Follow.objects.filter(followee=brand).count()
    for post in recent:
        age_hours = max(0.0, (hour - post.created_at).total_seconds() / 3600)
        decay = math.exp(-age_hours / 8) * activity
        likes = _poisson(rng, 2.5 * decay)
        reposts = _poisson(rng, 0.5 * decay)
        replies = _poisson(rng, 0.5 * decay)
        post.likes += likes
        post.reposts += reposts
        post.impressions += int(audience_size * 0.03 * decay) + likes * 12
        if "http" in post.text:
            post.link_clicks += _poisson(rng, 1.2 * decay)
        for kind, count in (("like", likes), ("repost", reposts)):
            for _ in range(count):
                events.append(
                    Event(
                        kind=kind,
                        actor=_pick(rng, people, brand.lang),
                        target=brand,
                        subject=post,
                        created_at=at(),
                    )
                )
        for _ in range(replies):
            person = _pick(rng, people, brand.lang)
            text = rng.choice(texts.REPLIES[person.lang][_tone(rng)])
            reply = Post.objects.create(
                author=person,
                text=text,
                lang=person.lang,
                created_at=at(),
                reply_to=post,
                root=post.root or post,
            )
            post.reply_count += 1
            events.append(
                Event(
                    kind="reply",
                    actor=person,
                    target=brand,
                    post=reply,
                    subject=post,
                    created_at=reply.created_at,
                )
            )
        post.save(update_fields=["likes", "reposts", "impressions", "link_clicks", "reply_count"])


def advance(profile: Profile, until: datetime) -> int:
    """Simulate whole hours up to ``until``. Returns the number of hours simulated.

    Claims each hour with a conditional update so two workers never simulate it twice.
    """
    people = list(Profile.objects.filter(is_brand=False).order_by("id"))
    done = 0
    target = floor_hour(until)
    while True:
        clock = Clock.objects.select_related("profile").get(profile=profile)
        hour = clock.simulated_until
        if hour >= target:
            return done
        with transaction.atomic():
            claimed = Clock.objects.filter(pk=clock.pk, simulated_until=hour).update(
                simulated_until=hour + HOUR
            )
            if not claimed:
                continue
            _simulate_hour(clock, hour, people)
        done += 1


def seed_brand_posts(profile: Profile, start: datetime, end: datetime, per_day: float = 1.2) -> int:
    """Historic posts by the brand itself, so the demo has content that got reactions."""
    clock = profile.clock
    rng = random.Random(f"brandposts:{clock.seed}:{profile.handle}")
    created = 0
    day = floor_hour(start).replace(hour=0)
    while day < end:
        for _ in range(_poisson(rng, per_day)):
            when = day + timedelta(
                hours=rng.choice([8, 10, 12, 17, 19]), minutes=rng.randint(0, 59)
            )
            if start <= when < end:
                text = rng.choice(texts.BRAND_POSTS[profile.lang]).format(
                    product=rng.choice(clock.products or ["nos produits"]),
                    link=f"https://example.com/{rng.randint(100, 999)}",
                )
                Post.objects.get_or_create(
                    author=profile,
                    idempotency_key=f"seed-{int(when.timestamp())}",
                    defaults={"text": text, "lang": profile.lang, "created_at": when},
                )
                created += 1
        day += timedelta(days=1)
    return created
