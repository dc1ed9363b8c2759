"""Every `python -m nlu` command, run as a user runs it: a real subprocess."""

import json
import subprocess

import pytest

from tests.conftest import ROOT


def run(python, *args, stdin=None, check=True):
    result = subprocess.run(
        [python, "-m", "nlu", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def tiny_model_dir(python, tiny_data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli_model")
    result = run(python, "train", "--data", str(tiny_data_dir), "--risk", "", "--out", str(out))
    # A progress display: timed steps, then where the model went.
    assert "[" in result.stderr and "calibration fold" in result.stderr
    assert f"saved to {out}: 36 examples, 3 intents, 2 languages" in result.stderr
    return out


@pytest.mark.parametrize("command", ["train", "parse", "test", "shell"])
def test_help(python, command):
    result = run(python, command, "--help")
    assert "usage: python -m nlu " + command in result.stdout


def test_train_writes_a_model(tiny_model_dir):
    manifest = json.loads((tiny_model_dir / "manifest.json").read_text())
    assert manifest["intents"] == ["greet", "medical_help", "shelter"]
    assert (tiny_model_dir / "model.pkl").stat().st_size > 0


def test_train_refuses_broken_data_naming_file_and_line(python, tmp_path):
    (tmp_path / "en.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n')
    result = run(python, "train", "--data", str(tmp_path), "--out", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "the training data has problems" in result.stderr
    assert "en.yml, line 3: intent 'greet' has no examples" in result.stderr
    assert "Traceback" not in result.stderr


def test_parse_one_text(python, tiny_model_dir):
    result = run(python, "parse", "je cherche un medecin", "--model", str(tiny_model_dir))
    parsed = json.loads(result.stdout)
    assert parsed["text"] == "je cherche un medecin"
    assert parsed["intent"]["name"] == "medical_help"
    assert parsed["language"]["code"] == "fr"
    assert len(parsed["intent_ranking"]) == 3


def test_parse_stdin_one_json_object_per_line(python, tiny_model_dir):
    lines = ["where can i sleep", "bonjour", "", "i need a doctor"]
    result = run(python, "parse", "--model", str(tiny_model_dir), stdin="\n".join(lines) + "\n")
    parsed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["text"] for p in parsed] == lines
    assert [p["intent"]["name"] for p in parsed] == [
        "shelter",
        "greet",
        "nlu_fallback",
        "medical_help",
    ]


def test_test_writes_rasa_style_reports(python, tiny_model_dir, tiny_data_dir, tmp_path):
    out = tmp_path / "reports"
    result = run(
        python, "test", "--nlu", str(tiny_data_dir), "--model", str(tiny_model_dir),
        "--out", str(out),
    )  # fmt: skip
    assert "accuracy" in result.stdout and "fr" in result.stdout
    report = json.loads((out / "intent_report.json").read_text())
    for key in ("accuracy", "macro avg", "weighted avg"):
        assert key in report
    for intent in ("greet", "shelter", "medical_help"):
        row = report[intent]
        assert set(row) >= {"precision", "recall", "f1-score", "support", "confused_with"}
    assert sum(report[i]["support"] for i in ("greet", "shelter", "medical_help")) == 36
    errors = json.loads((out / "intent_errors.json").read_text())
    assert all({"text", "intent", "intent_prediction"} <= set(e) for e in errors)
    assert len(errors) == round((1 - report["accuracy"]) * 36)
    languages = json.loads((out / "language_report.json").read_text())
    assert set(languages) == {"en", "fr"}
    assert set(languages["en"]) == {"support", "accuracy", "macro_f1", "language_id_accuracy"}
    assert (out / "intent_confusion_matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_test_holdout_trains_on_the_rest(python, tiny_data_dir, tmp_path):
    result = run(
        python, "test", "--nlu", str(tiny_data_dir), "--holdout", "0.5", "--out", str(tmp_path)
    )
    assert "hold-out: training on 18, testing on 18" in result.stderr
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert sum(report[i]["support"] for i in ("greet", "shelter", "medical_help")) == 18


def test_shell_reads_messages_until_quit(python, tiny_model_dir):
    result = run(
        python, "shell", "--model", str(tiny_model_dir),
        stdin="where can i sleep\nbonjour\n/quit\ni need a doctor\n",
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if line.startswith("intent:")]
    assert len(lines) == 2
    assert lines[0].startswith("intent: shelter") and "language: en" in lines[0]
    assert lines[1].startswith("intent: greet") and "language: fr" in lines[1]
