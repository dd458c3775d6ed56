"""Training end to end on the tiny hand-written data folder (see conftest)."""

import json

import numpy as np
import pytest

from tribune.analysis import analyze
from tribune.analysis.bundle import read_bundle
from tribune.analysis.cli import main
from tribune.analysis.training.data import DataMissing, mlma
from tribune.analysis.training.fit import TrainConfig
from tribune.analysis.training.pipeline import train

CONFIG = TrainConfig(c_grid=(1.0, 10.0), folds=2)


def _train(data_dir, out, cache, **kwargs):
    return train(data_dir, out, config=CONFIG, cache_dir=cache, log=lambda _m: None, **kwargs)


@pytest.fixture(scope="module")
def trained(tiny_data_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    return _train(tiny_data_dir, root / "a", root / "cache"), root


def test_training_writes_a_plain_model_directory(trained):
    bundle, _root = trained
    files = sorted(p.name for p in bundle.path.iterdir())
    assert files == ["manifest.json", "sentiment.npz", "toxicity.npz"]
    manifest = json.loads((bundle.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder"]["layers"] == CONFIG.encoder.layers
    assert manifest["features"] == ["embedding", "lexicon", "words"]
    assert "sentiment/french/val/model" in manifest["validation"]
    assert "mlma_fr" in manifest["training"]["toxicity"]["out_of_fold"]
    assert len(manifest["data"]) == 14  # sha256 of every data file used


def test_training_is_reproducible(trained, tiny_data_dir):
    bundle, root = trained
    again = _train(tiny_data_dir, root / "b", root / "cache", evaluate_after=False)
    assert np.array_equal(bundle.sentiment.coef, again.sentiment.coef)
    assert np.array_equal(bundle.toxicity.coef, again.toxicity.coef)
    assert bundle.toxicity.threshold == again.toxicity.threshold


def test_trained_model_is_selected_by_directory(trained):
    bundle, _root = trained
    (result,) = analyze(["Merci beaucoup, service au top !"], model_dir=bundle.path)
    assert result.sentiment == "positive"
    assert read_bundle(bundle.path).encoder == bundle.encoder


def test_extra_examples_are_folded_in(tiny_data_dir, trained):
    _bundle, root = trained
    extra = {
        "sentiment": [("la file d'attente était interminable", "0")],
        "toxicity": [("espèce de nouille", "toxic"), ("belle vidéo", "non-toxic")],
    }
    bundle = _train(tiny_data_dir, root / "c", root / "cache", extra_examples=extra)
    info = bundle.manifest["training"]
    assert info["sentiment"]["extra"] == 1 and info["toxicity"]["extra"] == 2
    assert info["sentiment"]["train_size"] == 24 + 1


def test_cli_train_on_the_tiny_folder(tiny_data_dir, tmp_path, capsys):
    args = ["train", "--data", str(tiny_data_dir), "--out", str(tmp_path / "m")]
    assert main([*args, "--cache", str(tmp_path / "cache"), "--no-eval"]) == 0
    assert (tmp_path / "m" / "manifest.json").is_file()
    assert "model written" in capsys.readouterr().out


def test_mlma_labels_skip_annotator_disagreements(tiny_data_dir):
    data = mlma(tiny_data_dir, "fr")
    assert "un avis partagé" not in data.texts
    assert data.labels.count("toxic") == 4 and data.labels.count("non-toxic") == 4


def test_missing_data_is_a_clear_error(tmp_path):
    with pytest.raises(DataMissing, match="absent"):
        train(tmp_path / "nothing", tmp_path / "out", log=lambda _m: None)
