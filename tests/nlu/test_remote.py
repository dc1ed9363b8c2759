"""RASA_URL: intents from a Rasa server (a local fake speaking Rasa's format)."""

import json

import pytest

from nlu import Interpreter
from nlu.config import NLUConfig
from nlu.remote import RemoteInterpreter
from tests.fakes.rasa_server import FakeRasaServer


@pytest.fixture
def rasa():
    with FakeRasaServer(token="s3cret") as server:
        yield server


def remote(full_model_dir, url, token="s3cret"):
    config = NLUConfig.from_env(
        {"RASA_URL": url, "RASA_TOKEN": token, "RASA_TIMEOUT": "2", "NLU_MODEL_DIR": "unused"}
    )
    return Interpreter.load(full_model_dir, config)


def test_rasa_url_selects_the_remote_backend(full_model_dir, rasa):
    interpreter = remote(full_model_dir, rasa.url)
    assert isinstance(interpreter, RemoteInterpreter)
    result = interpreter.parse("please i want to talk to a real person")
    assert result["intent"] == {"name": "ask_human", "confidence": 0.91}
    assert [r["name"] for r in result["intent_ranking"]] == ["ask_human", "greet", "goodbye"]
    assert result["entities"][0]["entity"] == "city"
    assert result["language"]["code"] == "en"  # the language still comes from the local model
    assert result["risk"]["level"] == "none"  # and the risk from the local detector
    sent = rasa.requests[-1]
    assert sent["path"] == "/model/parse"
    assert sent["query"] == {"token": ["s3cret"]}
    assert json.loads(sent["body"]) == {"text": "please i want to talk to a real person"}


@pytest.mark.parametrize("mode", ["error", "garbage", "wrong_shape"])
def test_a_failing_rasa_server_falls_back_to_the_local_model(full_model_dir, rasa, mode, caplog):
    rasa.mode = mode
    text = "where can i sleep tonight, secret-name-Amira"
    result = remote(full_model_dir, rasa.url).parse(text)
    assert result["intent"]["name"] == "shelter"  # the local model's answer
    assert "using the local model" in caplog.text
    assert "Amira" not in caplog.text  # no message text in logs


def test_wrong_token_falls_back_too(full_model_dir, rasa):
    result = remote(full_model_dir, rasa.url, token="wrong").parse("i need a doctor")
    assert result["intent"]["name"] == "medical_help"
    assert rasa.requests[-1]["query"] == {"token": ["wrong"]}


def test_unreachable_server_falls_back(full_model_dir):
    with FakeRasaServer() as server:
        url = server.url
    result = remote(full_model_dir, url).parse("i need a doctor")
    assert result["intent"]["name"] == "medical_help"


def test_empty_text_is_not_sent(full_model_dir, rasa):
    result = remote(full_model_dir, rasa.url).parse("   ")
    assert result["intent"]["name"] == "nlu_fallback"
    assert rasa.requests == []
