"""Text normalisation: what people type on a cheap phone, made comparable.

Two levels:
- `clean` keeps the script and its letters (language identification needs ی vs ي,
  ћ vs ќ, ё); it only removes what carries no meaning: control characters,
  zero-width and bidi marks, tatweel, compatibility forms and extra spaces.
- `normalize` goes on to what the intent classifier wants: case and diacritics
  folded, Cyrillic written in Latin letters (so "помоћ" and "pomoc" are one word),
  Arabic-script letter variants unified, harakat dropped, all digits ASCII,
  punctuation removed and emoji kept as words of their own.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, bidi embeddings/overrides/isolates, BOM, soft hyphen.
# ZWNJ (U+200C) is the Persian half-space: "می‌خوام" and "میخوام" must match.
_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    None,
)
_TATWEEL = "\u0640"

# Eastern Arabic (U+0660..) and Persian/Urdu (U+06F0..) digits.
_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}

# Arabic-script variants: one letter for each sound the classifier should see as one.
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ي": "ی",
        "ى": "ی",
        "ې": "ی",
        "ۍ": "ی",
        "ئ": "ی",
        "ے": "ی",
        "ك": "ک",
        "ګ": "گ",
        "ڪ": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ہ": "ه",
        "ە": "ه",
        "ۃ": "ه",
        "ؤ": "و",
        "ۇ": "و",
    }
)
# Harakat, Quranic marks, superscript alef, hamza above/below as marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")

# Cyrillic → Latin: Serbian's own table (Vuk), extended for Macedonian, Russian and
# Ukrainian letters. Diacritics are folded afterwards, so ћ, ч → c like Latin "pomoc".
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "е": "e", "ж": "z",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "c", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz", "ш": "s",
    # Macedonian
    "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    # Russian and Ukrainian
    "ё": "e", "й": "j", "ы": "y", "э": "e", "ю": "ju", "я": "ja", "щ": "sc", "ъ": "",
    "ь": "", "і": "i", "ї": "ji", "є": "je", "ґ": "g", "ў": "u",
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Latin letters that do not decompose into base + combining mark.
_LATIN_EXTRA = str.maketrans({"đ": "dj", "ı": "i", "ł": "l", "ø": "o", "æ": "ae", "ß": "ss"})

_WORD = re.compile(r"\w+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Emoji and pictographs (kept as tokens: 👋 🙏 😭 carry meaning); modifiers dropped.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff\u3030\u303d]"
)
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u20e3]")


def clean(text: str) -> str:
    """Remove what carries no meaning, keep every letter as written."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE).replace(_TATWEEL, "")
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch for ch in text
    )
    return _SPACES.sub(" ", text).strip()


def fold_diacritics(text: str) -> str:
    """Latin and Cyrillic letters without their accents (č→c, ë→e, й→и)."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = []
    for ch in decomposed:
        # Arabic-script marks are handled by their own table; keep the others' bases.
        if unicodedata.combining(ch) and not ("\u0600" <= ch <= "\u06ff"):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def normalize_arabic_script(text: str) -> str:
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_ARABIC_LETTERS)


def transliterate_cyrillic(text: str) -> str:
    return text.translate(_CYRILLIC_TABLE)


def normalize(text: str) -> str:
    """The form the intent classifier sees: lower case, folded, one script per sound."""
    text = clean(text).casefold()
    text = text.translate(_DIGITS)
    text = normalize_arabic_script(text)
    text = _EMOJI_MODIFIERS.sub("", text)
    text = transliterate_cyrillic(fold_diacritics(text)).translate(_LATIN_EXTRA)
    text = fold_diacritics(text)
    tokens: list[str] = []
    for piece in _SPACES.split(text):
        # Emoji become separate tokens; everything that is not a word character goes.
        piece = _EMOJI.sub(lambda m: f" {m.group(0)} ", piece)
        for part in piece.split():
            if _EMOJI.fullmatch(part):
                tokens.append(part)
            else:
                tokens.extend(_WORD.findall(part.replace("_", " ")))
    return " ".join(tokens)


# A consonant skeleton that Arabic script and its romanisations share:
# "ڈاکٹر" and "doctor" → "dktr", "بدي" and "bdi" → "bd", "خونه" and "khune" → "xn".
# Short vowels are not written in Arabic script, so vowels (and the letters that
# double as vowels: ا و ی / a e i o u w y) are dropped on both sides.
_SKELETON_ARABIC = str.maketrans(
    {
        "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ٹ": "t", "ث": "s", "س": "s", "ص": "s",
        "ش": "s", "ج": "j", "چ": "č", "ح": "h", "ه": "h", "ھ": "h", "خ": "x", "د": "d",
        "ڈ": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ژ": "z", "ر": "r", "ڑ": "r",
        "غ": "g", "گ": "g", "ق": "k", "ک": "k", "ف": "f", "ل": "l", "م": "m", "ن": "n",
        "ں": "n", "ڼ": "n", "ټ": "t", "ډ": "d", "ړ": "r", "ږ": "z", "ښ": "s", "ځ": "z",
        "څ": "s", "ع": "", "ء": "", "ا": "", "و": "", "ی": "",
    }
)  # fmt: skip
_SKELETON_DIGRAPHS = re.compile(r"kh|sh|ch|gh|th|dh|zh|ph|ck")
_DIGRAPH_SOUNDS = {"kh": "x", "sh": "s", "ch": "č", "gh": "g", "th": "t", "dh": "d", "zh": "z",
                   "ph": "f", "ck": "k"}  # fmt: skip
_SKELETON_LATIN = str.maketrans(
    {"q": "k", "c": "k", "v": "", "w": "", "y": "", "a": "", "e": "", "i": "", "o": "", "u": "",
     "7": "h", "5": "x", "9": "k", "3": "", "2": ""}
)  # fmt: skip
_REPEATS = re.compile(r"(.)\1+")


def skeleton(normalised: str) -> str:
    """The consonant skeleton of each word of a `normalize`d text (numbers become #)."""
    words = []
    for word in normalised.split():
        if word.isdigit():
            words.append("#")
            continue
        if _EMOJI.fullmatch(word):
            words.append(word)
            continue
        word = _SKELETON_DIGRAPHS.sub(lambda m: _DIGRAPH_SOUNDS[m.group(0)], word)
        word = word.translate(_SKELETON_ARABIC).translate(_SKELETON_LATIN)
        word = _REPEATS.sub(r"\1", word)
        if len(word) > 1 and word.endswith("h"):
            word = word[:-1]
        if word:
            words.append(word)
    return " ".join(words)
