"""Localisation: gettext catalogs (Babel) and the choice of a person's locale.

System texts (the safety answers first) are English msgids marked with `N_` where they
are defined and translated at the moment they are sent, with the conversation's
locale. Catalogs live in `locales/<locale>/LC_MESSAGES/<domain>.po`; the compiled .mo
files are build output (`make i18n`, run by `make install`). A text with no
translation falls back to English.

Locale choice, first that applies: the person's explicit choice (the `language`
slot), then the language the NLU is confident about (romanised Arabic, Persian and
Urdu are answered in that language's own script), then what the turn already had
(the platform's hint or the deployment default).
"""

from __future__ import annotations

import io
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# Beside the package in a checkout; in the working directory for an installed package
# (the Docker image), as flows/ is.
_CHECKOUT_LOCALES = Path(__file__).resolve().parent.parent / "locales"
LOCALES_DIR = _CHECKOUT_LOCALES if _CHECKOUT_LOCALES.is_dir() else Path("locales")
LOCALES = ("en", "ar", "fa", "ps", "ur", "fr", "tr", "uk", "ru", "sq", "sr_Latn", "sr_Cyrl", "mk")
DETECTION_CONFIDENCE = 0.6  # below this, a detected language does not change the locale
# NLU tags (BCP-47) → catalog locales.
_TAG_TO_LOCALE = {"ar-Latn": "ar", "fa-Latn": "fa", "ur-Latn": "ur",
                  "sr-Latn": "sr_Latn", "sr-Cyrl": "sr_Cyrl"}  # fmt: skip


def N_(message: str) -> str:
    """Mark a text for extraction; it is translated where it is sent."""
    return message


@cache
def translations(locale: str, domain: str = "bot") -> NullTranslations:
    """The compiled catalog; compiled in memory from the .po when the .mo is missing
    or older (a fresh checkout, or a translation edited since `make i18n`)."""
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    if locale not in LOCALES or locale == "en" or not po.exists():
        return NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return GNUTranslations(compiled)
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as `pybabel compile` does
    buffer.seek(0)
    return GNUTranslations(buffer)


def translate(locale: str, message: str) -> str:
    return translations(locale).gettext(message)


def locale_for_tag(tag: str) -> str | None:
    """The catalog locale for an NLU language tag, or None for one we do not serve."""
    locale = _TAG_TO_LOCALE.get(tag, tag)
    return locale if locale in LOCALES else None


def choose_locale(current: str, slots: dict[str, str], parse: dict[str, Any] | None) -> str:
    chosen = slots.get("language")
    if chosen in LOCALES:
        return chosen
    language = (parse or {}).get("language") or {}
    if language.get("confidence", 0.0) >= DETECTION_CONFIDENCE:
        detected = locale_for_tag(language.get("code", "und"))
        if detected:
            return detected
    return current
