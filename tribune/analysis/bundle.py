"""A model directory: the encoder settings, the heads and their provenance.

Layout (all plain files, safe to review and to version per brand)::

    manifest.json    encoder spec, feature set, head files, data, metrics, date
    sentiment.npz    LinearHead (negative / neutral / positive)
    toxicity.npz     LinearHead (non-toxic / toxic)

The default bundle ships inside the package (``tribune/analysis/trained``); a deployment
or a brand can point at another directory (``TRIBUNE_ANALYSIS_MODEL_DIR`` or the
``model_dir`` argument), which is how retrained, per-brand model versions get selected.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .embed import EncoderSpec
from .heads import LinearHead

MANIFEST = "manifest.json"
FORMAT = 1
PACKAGED_DIR = Path(__file__).resolve().parent / "trained"


class ModelMissing(Exception):
    """No usable model directory (not trained yet, or wrong path)."""


@dataclass(frozen=True)
class ModelBundle:
    path: Path
    encoder: EncoderSpec
    # Feature blocks the heads expect, in order: "embedding" and optionally "lexicon".
    features: tuple[str, ...]
    sentiment: LinearHead
    toxicity: LinearHead
    manifest: dict[str, object] = field(default_factory=dict, compare=False)

    def save(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.sentiment.save(self.path / "sentiment.npz")
        self.toxicity.save(self.path / "toxicity.npz")
        manifest = {
            **self.manifest,
            "format": FORMAT,
            "encoder": self.encoder.to_dict(),
            "features": list(self.features),
            "heads": {"sentiment": "sentiment.npz", "toxicity": "toxicity.npz"},
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
        (self.path / MANIFEST).write_text(text + "\n", encoding="utf-8")


def default_model_dir() -> Path:
    """``settings.TRIBUNE_ANALYSIS_MODEL_DIR`` when set, else the packaged bundle."""
    try:
        from django.conf import settings

        if settings.configured:
            configured = getattr(settings, "TRIBUNE_ANALYSIS_MODEL_DIR", None)
            if configured:
                return Path(configured)
    except ImportError:  # usable without Django
        pass
    return PACKAGED_DIR


def read_bundle(path: Path) -> ModelBundle:
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise ModelMissing(f"no {MANIFEST} in {path}; run `nlp train` first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ModelMissing(f"{manifest_path}: unsupported format {manifest.get('format')!r}")
    heads = manifest["heads"]
    return ModelBundle(
        path=path,
        encoder=EncoderSpec.from_dict(manifest["encoder"]),
        features=tuple(manifest["features"]),
        sentiment=LinearHead.load(path / heads["sentiment"]),
        toxicity=LinearHead.load(path / heads["toxicity"]),
        manifest=manifest,
    )


_cache: dict[tuple[Path, float], ModelBundle] = {}
_lock = threading.Lock()


def load_bundle(path: Path | str | None = None) -> ModelBundle:
    """Cached per directory; a retrained manifest (new mtime) is picked up on next call."""
    directory = Path(path) if path is not None else default_model_dir()
    try:
        stamp = (directory / MANIFEST).stat().st_mtime
    except OSError as exc:
        raise ModelMissing(f"no {MANIFEST} in {directory}; run `nlp train` first") from exc
    key = (directory.resolve(), stamp)
    with _lock:
        bundle = _cache.get(key)
        if bundle is None:
            bundle = _cache[key] = read_bundle(directory)
    return bundle
