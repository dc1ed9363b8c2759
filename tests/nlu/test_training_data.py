"""The taxonomy contract, the training data's coverage, and the loader's error messages."""

import textwrap
from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu.training_data import NLU_DIR, TAXONOMY_FILE, TrainingDataError, load, load_taxonomy

SHARED_TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "nlu" / "intents.yml"
LANGUAGES = {
    "en", "fr", "tr", "sq", "ru", "uk", "mk", "sr-Latn", "sr-Cyrl",
    "ar", "ar-Latn", "fa", "fa-Latn", "ps", "ur", "ur-Latn",
}  # fmt: skip


@pytest.fixture(scope="module")
def training_data():
    return load(NLU_DIR, load_taxonomy())


def test_project_taxonomy_is_the_shared_contract():
    taxonomy = load_taxonomy()
    assert len(taxonomy) == 28
    # In a checkout beside shared/ (developers and CI), the copy must match the contract.
    if SHARED_TAXONOMY.exists():
        shared = yaml.safe_load(SHARED_TAXONOMY.read_text(encoding="utf-8"))["intents"]
        assert list(taxonomy) == list(shared)
    assert TAXONOMY_FILE.exists()


def test_every_language_covers_the_taxonomy_exactly(training_data):
    taxonomy = set(load_taxonomy())
    assert set(training_data.languages) == LANGUAGES
    per_language = Counter((e.language, e.intent) for e in training_data.examples)
    for language in LANGUAGES:
        intents = {intent for (lang, intent) in per_language if lang == language}
        assert intents == taxonomy, language
        thin = {
            i: per_language[(language, i)] for i in taxonomy if per_language[(language, i)] < 25
        }
        assert not thin, f"{language}: fewer than 25 examples for {thin}"


def test_training_data_size(training_data):
    assert len(training_data.examples) >= 8000


def _write(tmp_path, text, name="en.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


GOOD_HEAD = 'version: "3.1"\nnlu:\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n  colour: blue\n",
            "en.yml, line 3: unknown key 'colour' in intent item",
        ),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n"
            "- intent: goodbye\n  examples: |\n    - Hi!\n",
            "en.yml, line 8: 'Hi!' is listed under 'goodbye' and under 'greet'",
        ),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n\n- intent: goodbye\n"
            "  examples: |\n    - bye\n",
            "en.yml, line 3: intent 'greet' has no examples",
        ),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n   - broken: [\n",
            "en.yml, line 6: not valid YAML",
        ),
        (
            GOOD_HEAD + "- intent: say_hello\n  examples: |\n    - hi\n",
            "en.yml, line 3: intent 'say_hello' is not in the taxonomy",
        ),
        (
            'version: "2.0"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n',
            'en.yml, line 1: missing or unsupported version (want "3.1")',
        ),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n    hello\n",
            "en.yml, line 6: example must start with '- ': hello",
        ),
        (
            GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\nstories: []\n",
            "en.yml, line 6: unknown key 'stories'",
        ),
    ],
    ids=[
        "unknown-key",
        "two-intents",
        "empty-intent",
        "bad-yaml",
        "unknown-intent",
        "version",
        "no-dash",
        "top-key",
    ],
)
def test_bad_data_is_refused_naming_file_and_line(tmp_path, text, message):
    _write(tmp_path, text)
    with pytest.raises(TrainingDataError) as error:
        load(tmp_path, load_taxonomy())
    assert message in str(error.value)


def test_every_problem_is_reported_at_once(tmp_path):
    _write(tmp_path, GOOD_HEAD + "- intent: nope\n  examples: |\n    - a\n  extra: 1\n")
    _write(tmp_path, "version: [\n", name="fr.yml")
    with pytest.raises(TrainingDataError) as error:
        load(tmp_path, load_taxonomy())
    assert len(error.value.problems) == 3


def test_missing_or_empty_path(tmp_path):
    with pytest.raises(TrainingDataError, match="no such file"):
        load(tmp_path / "nowhere")
    with pytest.raises(TrainingDataError, match=r"no \.yml training data"):
        load(tmp_path)


def test_entity_markup_synonyms_lookups_and_language_from_file_name(tmp_path):
    _write(
        tmp_path,
        GOOD_HEAD
        + "- intent: shelter\n  examples: |\n    - is there a camp in [Bihac](city)\n"
        + '    - sleep in [Lipa]{"entity": "city"}\n'
        + "- synonym: Bihać\n  examples: |\n    - bihac\n    - Bihach\n"
        + "- lookup: city\n  examples: |\n    - Sarajevo\n    - Tuzla\n",
        name="sr-Latn.yml",
    )
    data = load(tmp_path, load_taxonomy())
    assert [e.text for e in data.examples] == ["is there a camp in Bihac", "sleep in Lipa"]
    assert {e.language for e in data.examples} == {"sr-Latn"}
    assert data.examples[0].source.endswith("sr-Latn.yml:5")
    assert data.synonyms == {"bihac": "Bihać", "bihach": "Bihać"}
    assert data.lookups == {"city": ["Sarajevo", "Tuzla"]}


def test_same_text_in_the_same_intent_is_kept_once(tmp_path):
    _write(tmp_path, GOOD_HEAD + "- intent: greet\n  examples: |\n    - hi\n    - HI!\n")
    assert [e.text for e in load(tmp_path).examples] == ["hi"]
