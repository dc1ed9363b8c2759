"""Train → save → load → parse, and the fast TF-IDF path against scikit-learn's."""

import json
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import Interpreter
from nlu.fast_tfidf import RowEncoder
from nlu.model import ModelError, load_model, save, train_from_files
from nlu.normalize import normalize


@pytest.fixture(scope="module")
def tiny_model(tiny_data_dir):
    return train_from_files(tiny_data_dir, risk_path=None)


def test_round_trip_gives_the_same_parses(tiny_model, tmp_path):
    save(tiny_model, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["examples"] == 36
    assert manifest["intents"] == ["greet", "medical_help", "shelter"]
    assert manifest["languages"] == ["en", "fr"]
    before, after = Interpreter(tiny_model), Interpreter(load_model(tmp_path))
    for text in ["where can i sleep", "je cherche un medecin", "bonjour", "xyz"]:
        assert before.parse(text) == after.parse(text)
    assert after.parse("where can I sleep tonight?")["intent"]["name"] == "shelter"
    assert after.parse("ou dormir ce soir svp")["language"]["code"] == "fr"


def test_missing_damaged_or_foreign_models_say_what_to_do(tiny_model, tmp_path):
    with pytest.raises(ModelError, match=r"no trained model .* run `python -m nlu train`"):
        load_model(tmp_path)
    save(tiny_model, tmp_path)
    (tmp_path / "model.pkl").write_bytes(b"not a pickle")
    with pytest.raises(ModelError, match="cannot be read"):
        load_model(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["sklearn"] = "0.1"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="built by another version"):
        load_model(tmp_path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(ModelError, match="damaged"):
        load_model(tmp_path)


def test_interpreter_load_trains_when_there_is_no_model(full_model_dir):
    # The session fixture built full_model_dir with Interpreter.load on an empty directory.
    manifest = json.loads((full_model_dir / "manifest.json").read_text())
    assert len(manifest["intents"]) == 28
    assert manifest["examples"] >= 8000


def test_saved_model_leaves_out_rebuildable_state(interpreter):
    featurizer = interpreter.model.intents.featurizer
    featurizer.encode("warm the cache")
    assert featurizer._encoders is not None
    assert pickle.loads(pickle.dumps(featurizer))._encoders is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_fast_row_equals_scikit_learn_transform(interpreter, text):
    featurizer = interpreter.model.intents.featurizer
    normalised = normalize(text)
    indices, values = featurizer.encode(normalised)
    expected = featurizer.transform([normalised]).toarray()[0]
    got = np.zeros_like(expected)
    got[indices] = values
    assert np.allclose(got, expected, atol=1e-5)


def test_row_encoder_refuses_what_it_cannot_reproduce():
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer().fit(["alpha beta", "beta gamma"])
    with pytest.raises(ValueError, match="sublinear"):
        RowEncoder(vectorizer)
