"""Per-brand models: record corrections, train versions on them, activate, roll back.

* ``do_record_correction`` stores one human correction (audited);
* ``do_train_brand_model`` fine-tunes the default heads on the brand's corrections
  (``training/finetune.py``), stores the result as a new version in the database and,
  by default, makes it the brand's active model;
* ``do_activate`` / ``do_rollback`` choose which version is active (or none: default);
* ``active_bundle(brand)`` is what ``analyze(..., brand=...)`` calls: the active
  version's heads, cached per process, or ``None`` for the default model.

Brand isolation: every query runs inside ``brand_scope(brand)``, and training reads the
corrections and posts of that one brand only.
"""

from __future__ import annotations

import io
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.audit import record_audit
from tribune.core.scope import brand_scope

from .bundle import ModelBundle, load_bundle
from .heads import LinearHead
from .models import LABELS, BrandModel, Correction, Task
from .training.finetune import (
    FineTuneConfig,
    accuracy,
    cross_validated_accuracy,
    fine_tune_head,
)

logger = logging.getLogger(__name__)

KEEP_FILE = Path(__file__).resolve().parent / "data" / "keep_posts.txt"
# Recent posts of the brand (inbox, listening) whose verdicts a new version must keep.
KEEP_RECENT = 300
MAX_TEXT = 5000


class CorrectionError(ValueError):
    """A correction that cannot be stored (message shown to the person)."""


class NothingToTrain(ValueError):
    """The brand has no corrections yet."""


def _brand_id(brand: Any) -> int:
    return brand if isinstance(brand, int) else int(brand.pk)


# --- corrections -------------------------------------------------------------------------
def normalise_label(task: str, label: str) -> str:
    if task not in LABELS:
        raise CorrectionError(_("Unknown field “%(task)s”.") % {"task": task})
    value = (label or "").strip().lower()
    if value in ("true", "1", "yes"):
        value = "toxic" if task == Task.TOXICITY else value
    if value in ("false", "0", "no"):
        value = "non-toxic" if task == Task.TOXICITY else value
    if value not in LABELS[Task(task)]:
        raise CorrectionError(
            _("“%(label)s” is not a possible value for %(task)s.")
            % {"label": label, "task": Task(task).label}
        )
    return value


def do_record_correction(
    brand: Any,
    *,
    task: str,
    text: str,
    new_label: str,
    old_label: str = "",
    user: Any = None,
    source: str = Correction.Source.MANUAL,
    source_id: int | None = None,
) -> Correction:
    """Store one correction of the brand's analysis (it counts at the next training)."""
    new_label = normalise_label(task, new_label)
    text = (text or "").strip()
    if not text:
        raise CorrectionError(_("An empty post cannot be corrected."))
    brand_obj = brand if not isinstance(brand, int) else None
    with brand_scope(_brand_id(brand)), transaction.atomic():
        correction = Correction.objects.create(
            brand_id=_brand_id(brand),
            task=task,
            text=text[:MAX_TEXT],
            source=source,
            source_id=source_id,
            old_label=old_label or "",
            new_label=new_label,
            created_by=user if getattr(user, "pk", None) else None,
        )
        if brand_obj is None:
            from tribune.accounts.models import Brand

            brand_obj = Brand.objects.get(pk=brand)
        record_audit(
            "analysis.correction",
            actor=user,
            brand=brand_obj,
            obj=correction,
            before={task: old_label} if old_label else None,
            after={task: new_label, "source": source, "source_id": source_id},
        )
    return correction


def training_examples(brand: Any) -> dict[str, list[tuple[str, str]]]:
    """The brand's corrections per task; for a text corrected several times, the latest."""
    examples: dict[str, dict[str, str]] = {task: {} for task in LABELS}
    with brand_scope(_brand_id(brand)):
        rows = Correction.objects.filter(brand_id=_brand_id(brand)).order_by("created_at", "id")
        for task, text, label in rows.values_list("task", "text", "new_label"):
            examples[task][text] = label  # later rows overwrite earlier ones
    return {task: list(pairs.items()) for task, pairs in examples.items()}


def keep_texts(brand: Any, exclude: set[str]) -> list[str]:
    """Generic posts shipped with Tribune plus the brand's recent posts, minus ``exclude``."""
    texts = [
        line
        for line in KEEP_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    brand_id = _brand_id(brand)
    sources: list[tuple[str, str, dict[str, str], str]] = [
        ("inbox", "Message", {"direction": "in"}, "-created_at"),
        ("listening", "Mention", {}, "-published_at"),
    ]
    with brand_scope(brand_id):
        for app, name, filters, order in sources:
            try:
                model = apps.get_model(app, name)
            except LookupError:
                continue
            rows = model._default_manager.filter(brand_id=brand_id, **filters)
            texts += list(rows.order_by(order).values_list("text", flat=True)[:KEEP_RECENT])
    unique = dict.fromkeys(t.strip()[:MAX_TEXT] for t in texts if t and t.strip())
    return [t for t in unique if t not in exclude]


# --- training ----------------------------------------------------------------------------
def _pack(heads: dict[str, LinearHead]) -> bytes:
    arrays = {
        f"{task}__{key}": value
        for task, head in heads.items()
        for key, value in head.arrays().items()
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _unpack(blob: bytes | memoryview) -> dict[str, LinearHead]:
    with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as data:
        grouped: dict[str, dict[str, np.ndarray]] = {}
        for key in data.files:
            task, name = key.split("__", 1)
            grouped.setdefault(task, {})[name] = data[key]
    return {task: LinearHead.from_arrays(arrays) for task, arrays in grouped.items()}


def _head_of(bundle: ModelBundle, task: str) -> LinearHead:
    return bundle.sentiment if task == Task.SENTIMENT else bundle.toxicity


def do_train_brand_model(
    brand: Any,
    *,
    user: Any = None,
    activate: bool = True,
    config: FineTuneConfig | None = None,
    note: str = "",
) -> BrandModel:
    """Train a new version from all the brand's corrections; active unless told not."""
    from .engine import prepare

    config = config or FineTuneConfig()
    brand_id = _brand_id(brand)
    examples = training_examples(brand_id)
    if not any(examples.values()):
        raise NothingToTrain(_("No corrections yet: there is nothing to train on."))
    base = load_bundle(None)
    corrected = {text for pairs in examples.values() for text, _label in pairs}
    pool = keep_texts(brand_id, corrected)
    # One post in four is held out of the "keep" set to measure how far the version
    # drifts from the default model on posts nobody corrected.
    held_out, keep = pool[::4], [t for i, t in enumerate(pool) if i % 4]
    texts = sorted(corrected)
    prepared = prepare(texts + keep + held_out, base)
    row_of = {text: i for i, text in enumerate(texts)}
    features = prepared.features
    keep_x = features.subset(np.arange(len(texts), len(texts) + len(keep)))
    held_x = features.subset(np.arange(len(texts) + len(keep), len(features)))

    heads: dict[str, LinearHead] = {}
    metrics: dict[str, Any] = {}
    for task in LABELS:
        head = _head_of(base, task)
        pairs = examples[task]
        if not pairs:
            heads[task] = head
            metrics[task] = {"corrections": 0}
            continue
        x = features.subset([row_of[text] for text, _label in pairs])
        labels = [label for _text, label in pairs]
        tuned = fine_tune_head(head, x, labels, config=config, keep=keep_x)
        heads[task] = tuned
        cv = cross_validated_accuracy(head, x, labels, config, keep=keep_x)
        agreement = (
            float(
                np.mean(
                    [
                        a == b
                        for a, b in zip(tuned.predict(held_x), head.predict(held_x), strict=True)
                    ]
                )
            )
            if len(held_x)
            else None
        )
        metrics[task] = {
            "corrections": len(pairs),
            "default_on_corrections": round(accuracy(head, x, labels), 4),
            "fit_on_corrections": round(accuracy(tuned, x, labels), 4),
            "cross_validated": None if cv is None else round(cv, 4),
            "agreement_with_default": None if agreement is None else round(agreement, 4),
            "agreement_posts": len(held_x),
        }

    from .engine import override_key

    overrides = {
        task: {override_key(prepared.cleaned[row_of[text]]): label for text, label in pairs}
        for task, pairs in examples.items()
    }
    manifest = {
        "overrides": overrides,
        "base": {
            "path": str(base.path),
            "trained_at": base.manifest.get("trained_at"),
            "encoder": base.encoder.to_dict(),
        },
        "method": "fine-tune (L2 towards the default heads, keep set) + exact overrides",
        "config": config.to_dict(),
        "keep_posts": len(keep),
        "note": note,
        "trained_at": timezone.now().isoformat(timespec="seconds"),
    }
    from tribune.accounts.models import Brand

    with brand_scope(brand_id), transaction.atomic():
        locked = Brand.objects.select_for_update().get(pk=brand_id)
        latest = BrandModel.objects.filter(brand_id=brand_id).aggregate(v=Max("version"))["v"]
        model = BrandModel.objects.create(
            brand_id=brand_id,
            version=(latest or 0) + 1,
            encoder_key=base.encoder.key,
            features=",".join(base.features),
            heads=_pack(heads),
            manifest=manifest,
            metrics=metrics,
            created_by=user if getattr(user, "pk", None) else None,
        )
        record_audit(
            "analysis.model_trained",
            actor=user,
            brand=locked,
            obj=model,
            after={"version": model.version, "metrics": metrics},
        )
        if activate:
            _set_active(locked, model, user)
    return model


# --- activation --------------------------------------------------------------------------
def _set_active(brand: Any, model: BrandModel | None, user: Any) -> None:
    before = BrandModel.objects.filter(brand_id=brand.pk, active=True).first()
    BrandModel.objects.filter(brand_id=brand.pk, active=True).update(active=False)
    if model is not None:
        BrandModel.objects.filter(pk=model.pk).update(active=True)
        model.active = True
    record_audit(
        "analysis.model_activated",
        actor=user,
        brand=brand,
        obj=model,
        before={"version": before.version if before else None},
        after={"version": model.version if model else None},
    )


def do_activate(brand: Any, version: int | None, *, user: Any = None) -> BrandModel | None:
    """Make ``version`` the active model (``None`` or 0: back to the default model)."""
    from tribune.accounts.models import Brand

    brand_id = _brand_id(brand)
    with brand_scope(brand_id), transaction.atomic():
        locked = Brand.objects.select_for_update().get(pk=brand_id)
        model = None
        if version:
            model = BrandModel.objects.filter(brand_id=brand_id, version=version).first()
            if model is None:
                raise CorrectionError(_("This brand has no model version %(v)s.") % {"v": version})
        _set_active(locked, model, user)
    return model


def do_rollback(brand: Any, to: int | None = None, *, user: Any = None) -> BrandModel | None:
    """Back to version ``to``, or to the version before the active one (or the default
    model when the active one is the first, or when none is active)."""
    if to is not None:
        return do_activate(brand, to, user=user)
    brand_id = _brand_id(brand)
    with brand_scope(brand_id):
        active = BrandModel.objects.filter(brand_id=brand_id, active=True).first()
        previous = None
        if active is not None:
            previous = (
                BrandModel.objects.filter(brand_id=brand_id, version__lt=active.version)
                .order_by("-version")
                .first()
            )
    return do_activate(brand, previous.version if previous else None, user=user)


def versions(brand: Any) -> list[BrandModel]:
    with brand_scope(_brand_id(brand)):
        return list(
            BrandModel.objects.filter(brand_id=_brand_id(brand))
            .defer("heads")
            .select_related("created_by")
            .order_by("-version")
        )


# --- use at analysis time ------------------------------------------------------------------
# Keyed by row and creation time (a test database may hand out the same id twice).
_bundles: dict[tuple[int, str], ModelBundle] = {}
_lock = threading.Lock()
_warned: set[int] = set()


def active_bundle(brand: Any) -> ModelBundle | None:
    """The brand's active model, or ``None`` (use the default). One small query per call,
    so a rollback made on any machine is seen by every worker at its next batch."""
    brand_id = _brand_id(brand)
    with brand_scope(brand_id):
        row = (
            BrandModel.objects.filter(brand_id=brand_id, active=True)
            .values_list("pk", "encoder_key", "features", "created_at")
            .first()
        )
    if row is None:
        return None
    pk, encoder_key, features, created_at = row
    base = load_bundle(None)
    if encoder_key != base.encoder.key or features != ",".join(base.features):
        if pk not in _warned:
            _warned.add(pk)
            logger.warning(
                "Brand %s model %s was trained for encoder %s; the installed default uses %s. "
                "Using the default model until the brand model is retrained.",
                brand_id,
                pk,
                encoder_key,
                base.encoder.key,
            )
        return None
    key = (pk, created_at.isoformat())
    bundle = _bundles.get(key)
    if bundle is None:
        with brand_scope(brand_id):
            model = BrandModel.objects.get(pk=pk)
        heads = _unpack(model.heads)
        bundle = ModelBundle(
            path=Path(f"db:brand-{brand_id}/v{model.version}"),
            encoder=base.encoder,
            features=base.features,
            sentiment=heads[Task.SENTIMENT],
            toxicity=heads[Task.TOXICITY],
            manifest={**model.manifest, "brand": brand_id, "version": model.version},
        )
        with _lock:
            _bundles[key] = bundle
    return bundle
