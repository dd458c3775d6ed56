import json

import pytest

from tribune.analysis.cli import main

REQUIRED = {"lang", "sentiment", "sentiment_scores", "toxicity", "toxic"}


@pytest.mark.usefixtures("warm_model")
def test_classify_round_trip(tmp_path, capsys):
    lines = ["Trop bien, merci !", "", "Service nul, je suis déçu", "Shut up you idiot", "ok"]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(source), "--output", str(target)]) == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(lines)
    for row in rows:
        assert set(row) == REQUIRED
        assert row["sentiment"] in ("negative", "neutral", "positive")
        assert set(row["sentiment_scores"]) == {"negative", "neutral", "positive"}
        assert isinstance(row["toxic"], bool) and 0.0 <= row["toxicity"] <= 1.0
    assert rows[0]["sentiment"] == "positive" and rows[0]["lang"] == "fr"
    assert rows[1] == {
        "lang": "und",
        "sentiment": "neutral",
        "sentiment_scores": {"negative": 0.0, "neutral": 1.0, "positive": 0.0},
        "toxicity": 0.0,
        "toxic": False,
    }
    assert rows[2]["sentiment"] == "negative"
    assert rows[3]["toxic"] and rows[3]["lang"] == "en"
    assert "5/5" in capsys.readouterr().err  # progress bar on stderr


def test_classify_fast_path(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("génial\nnul\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert main(["classify", "--fast", "--input", str(source), "--output", str(target)]) == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["sentiment"] for r in rows] == ["positive", "negative"]


def test_eval_prints_hand_computed_macro_f1(tmp_path, capsys, monkeypatch):
    texts = tmp_path / "texts.txt"
    labels = tmp_path / "labels.txt"
    texts.write_text("a\nb\nc\nd\ne\nf\n", encoding="utf-8")
    labels.write_text("0\n0\n1\n2\npositive\n2\n", encoding="utf-8")  # numbers and words
    predicted = ["negative", "neutral", "neutral", "positive", "negative", "positive"]
    monkeypatch.setattr(
        "tribune.analysis.training.evaluate.predict_labels", lambda *a, **k: predicted
    )
    args = ["eval", "--task", "sentiment", "--texts", str(texts), "--labels", str(labels)]
    assert main(args) == 0
    out = capsys.readouterr().out
    # F1 per class: negative 1/2, neutral 2/3, positive 4/5 -> macro 0.6556
    assert "macro-F1: 0.6556" in out
    assert "negative" in out and "confusion matrix" in out


def test_eval_with_the_lexicon_engine_and_json(tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    labels = tmp_path / "labels.txt"
    texts.write_text("génial merci\nc'est nul\nmerci beaucoup\n", encoding="utf-8")
    labels.write_text("positive\nnegative\npositive\n", encoding="utf-8")
    args = ["eval", "--task", "sentiment", "--texts", str(texts), "--labels", str(labels)]
    assert main([*args, "--engine", "lexicon", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "lexicon"
    assert report["classes"]["positive"]["recall"] == 1.0
    assert report["confusion"] == [[1, 0, 0], [0, 0, 0], [0, 0, 2]]


def test_eval_rejects_bad_input(tmp_path, capsys):
    texts = tmp_path / "texts.txt"
    labels = tmp_path / "labels.txt"
    texts.write_text("a\nb\n", encoding="utf-8")
    labels.write_text("1\n", encoding="utf-8")
    args = ["eval", "--task", "toxicity", "--texts", str(texts), "--labels", str(labels)]
    assert main(args) == 2
    labels.write_text("1\nmaybe\n", encoding="utf-8")
    assert main(args) == 2
    assert main(["eval", "--task", "toxicity", "--texts", "/nonexistent", "--labels", "x"]) == 2
    assert "not found" in capsys.readouterr().err


def test_train_without_data_exits_2(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "absent"), "--out", str(tmp_path)]) == 2
    assert "absent" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()


def test_usage_errors_exit_2():
    assert main([]) == 2
    assert main(["classify", "--input", "x"]) == 2


@pytest.mark.usefixtures("warm_model")
def test_django_command_forwards_arguments(tmp_path):
    django = pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured in this run")
    from django.core.management import call_command

    django.setup()
    source = tmp_path / "in.txt"
    source.write_text("Merci pour tout !\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    call_command("nlp", "classify", "--input", str(source), "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["sentiment"] == "positive"


@pytest.mark.usefixtures("warm_model")
def test_topics_command_prints_json_lines(tmp_path, capsys):
    source = tmp_path / "posts.txt"
    posts = ["colis en retard encore", "livraison en retard du colis", "prix trop cher", ""]
    source.write_text("\n".join(posts) + "\n", encoding="utf-8")
    assert main(["topics", "--input", str(source), "-n", "2"]) == 0
    topics = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sum(t["size"] for t in topics) == 3  # empty lines are not posts
    assert all(t["label"] for t in topics)
