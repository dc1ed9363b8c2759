"""The parse contract (Rasa's shape), behaviour per language, bad input, and quality floors."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu import FALLBACK_INTENT, Interpreter
from nlu.config import NLUConfig
from nlu.evaluation import evaluate
from nlu.training_data import load, load_taxonomy
from tests.conftest import EVAL_DIR


def assert_valid_parse(result, text):
    assert set(result) == {"text", "intent", "intent_ranking", "entities", "language", "risk"}
    assert result["risk"]["level"] in ("none", "medium", "high", "emergency")
    assert result["text"] == text or not isinstance(text, str)
    assert result["entities"] == []
    intent = result["intent"]
    assert isinstance(intent["name"], str) and 0.0 <= intent["confidence"] <= 1.0
    ranking = result["intent_ranking"]
    assert 1 <= len(ranking) <= 10
    assert ranking[0] == intent
    confidences = [r["confidence"] for r in ranking if r["name"] != FALLBACK_INTENT]
    assert confidences == sorted(confidences, reverse=True)
    assert isinstance(result["language"]["code"], str)
    assert 0.0 <= result["language"]["confidence"] <= 1.0
    json.dumps(result, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "intent", "language"),
    [
        ("hello, where can i sleep tonight? we are 4 people", "shelter", "en"),
        ("bonjour je cherche un avocat pour mon recours", "legal_aid", "fr"),
        ("mujhe doctor chahiye, bukhar hai", "medical_help", "ur-Latn"),
        ("مجھے ڈاکٹر کی ضرورت ہے", "medical_help", "ur"),
        ("salam komak lazem daram, pasportam gom shode", "documents", "fa-Latn"),
        ("پاسپورتم گم شده چکار کنم", "documents", "fa"),
        ("بدي ارجع على بلدي", "voluntary_return", "ar"),
        ("bdi erja3 3a bladi", "voluntary_return", "ar-Latn"),
        ("زه غواړم بیرته افغانستان ته لاړ شم", "voluntary_return", "ps"),
        ("treba mi lekar hitno, boli me stomak", "medical_help", "sr-Latn"),
        ("Потребан ми је адвокат", "legal_aid", "sr-Cyrl"),
        ("Каде можам да најдам адвокат?", "legal_aid", "mk"),
        ("Мне нужен адвокат", "legal_aid", "ru"),
        ("Мені потрібен адвокат", "legal_aid", "uk"),
        ("avukat lazim bana", "legal_aid", "tr"),
        ("me duhet nje avokat", "legal_aid", "sq"),
        ("are you a bot or a real person?", "bot_challenge", "en"),
        ("delete all my messages please", "delete_my_data", "en"),
    ],
)
def test_understands_each_language(interpreter, text, intent, language):
    result = interpreter.parse(text)
    assert_valid_parse(result, text)
    assert result["intent"]["name"] == intent
    assert result["language"]["code"] == language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "\x00\x01\x02\x1b[31m",
        "🙂🙂🙂",
        "\u200f\u200e\u202b\u202c",
        "123 456",
        "?!?!...",
        "hello مرحبا привет 你好",
        "\ud800 broken surrogate",
    ],
)
def test_bad_input_gives_a_valid_parse(interpreter, text):
    result = interpreter.parse(text)
    assert_valid_parse(result, result["text"])


def test_nothing_to_understand_is_fallback(interpreter):
    for text in ["", "   ", "?!?!", "\u200f\u200e"]:
        result = interpreter.parse(text)
        assert result["intent"]["name"] == FALLBACK_INTENT
        assert result["language"]["code"] == "und"


def test_low_confidence_is_fallback_first_in_the_ranking(full_model_dir):
    strict = Interpreter.load(full_model_dir, NLUConfig(fallback_threshold=0.999))
    result = strict.parse("maybe something about something")
    assert result["intent"] == {"name": FALLBACK_INTENT, "confidence": 0.999}
    assert result["intent_ranking"][0]["name"] == FALLBACK_INTENT
    assert len(result["intent_ranking"]) == 10


def test_long_input_is_capped_not_refused(full_model_dir):
    capped = Interpreter.load(full_model_dir, NLUConfig(max_input_chars=40))
    text = "where can i sleep tonight " + "blah " * 20_000  # ~100 KB
    result = capped.parse(text)
    assert result["text"] == text
    assert result["intent"]["name"] == "shelter"


def test_non_string_input(interpreter):
    assert interpreter.parse(None)["intent"]["name"] == FALLBACK_INTENT
    assert_valid_parse(interpreter.parse(12345), "12345")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=300))
def test_parse_never_raises(interpreter, text):
    assert_valid_parse(interpreter.parse(text), interpreter.parse(text)["text"])


def test_quality_on_messages_written_apart_from_the_training_data(interpreter):
    """tests/data/nlu_eval: other authors, never seen in training. A floor, not the target."""
    examples = load(EVAL_DIR, load_taxonomy()).examples
    results = evaluate(interpreter, examples)
    assert results["intent_report"]["accuracy"] >= 0.80
    for language, row in results["language_report"].items():
        assert row["accuracy"] >= 0.70, language
        assert row["language_id_accuracy"] >= 0.85, language
