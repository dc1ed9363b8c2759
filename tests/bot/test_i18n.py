"""Catalogs and the choice of a locale."""

import subprocess

from babel.messages.pofile import read_po

from bot import i18n, safety_texts
from tests.conftest import ROOT

SAFETY_TEXTS = [v for k, v in vars(safety_texts).items() if k.isupper() and isinstance(v, str)]


def catalog(locale):
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "bot.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_every_safety_text_is_translated_in_every_locale():
    for locale in i18n.LOCALES[1:]:
        messages = {m.id: m for m in catalog(locale) if m.id}
        for text in SAFETY_TEXTS:
            assert text in messages, f"{locale}: '{text[:40]}' is not in the catalog"
            message = messages[text]
            assert message.string and not message.fuzzy, f"{locale}: '{text[:40]}' untranslated"
            assert message.string != text or len(text) < 4, f"{locale}: '{text[:40]}' in English"
            # Commands stay commands: a person must be able to type what the text says.
            for command in ("/clear", "/human"):
                assert (command in text) == (command in message.string), (locale, command)


def test_the_template_holds_every_marked_text(tmp_path):
    out = tmp_path / "bot.pot"
    subprocess.run(
        [str(ROOT / ".venv/bin/pybabel"), "extract", "--mapping", "babel.cfg", "--keyword", "N_",
         "--no-default-keywords", "--output", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with out.open("rb") as fresh, (ROOT / "locales" / "bot.pot").open("rb") as kept:
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(kept)}, "run make i18n"


def test_a_missing_translation_falls_back_to_english():
    assert i18n.translate("ar", "a text nobody translated") == "a text nobody translated"
    assert i18n.translate("xx", safety_texts.CLEARED) == safety_texts.CLEARED


def test_locale_choice():
    ar_latn = {"language": {"code": "ar-Latn", "confidence": 0.9}}
    assert i18n.choose_locale("en", {}, ar_latn) == "ar"  # Arabizi answered in Arabic
    sr = {"language": {"code": "sr-Cyrl", "confidence": 0.9}}
    assert i18n.choose_locale("en", {}, sr) == "sr_Cyrl"
    unsure = {"language": {"code": "fr", "confidence": 0.3}}
    assert i18n.choose_locale("tr", {}, unsure) == "tr"  # keeps what it had
    assert i18n.choose_locale("en", {"language": "uk"}, sr) == "uk"  # the person's choice
