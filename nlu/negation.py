"""Negation scope: the words a negation governs, marked so a linear model can tell
"the boss keeps my passport" from "nobody keeps my passport".

Cues are in normalised form (nlu.normalize: Cyrillic in Latin letters, Arabic-script
letter variants unified), so one list covers Serbian in both scripts, Macedonian,
Russian and Ukrainian. Words that negate in one language and mean something else in
another ("ma" in Arabizi and Albanian, "la", "na", "s") are left out. Languages that
negate with a verb prefix or suffix (Persian "نمی", Turkish "-mıyor") are left to the
character n-grams, which already see it.
"""

from __future__ import annotations

_CUES_BY_LANGUAGE = {
    # apostrophes are gone after normalisation: "don't" → "don t"
    "en": "not no nobody noone never dont doesnt didnt isnt arent wasnt werent cant cannot "
    "wont don doesn didn isn aren wasn weren won nothing none neither nor",
    "fr": "ne pas personne jamais rien aucun aucune",
    "sr mk": "ne nije nisam nisi nisu nismo niko nitko nikoj nikad nikada nikogas nista nisto "
    "nema nemam nemaju nece necu",
    "ru uk": "net nikto nihto nikogda nikoli nicego nicogo ni nemaje",
    "tr": "degil yok kimse hic hicbir asla",
    "sq": "nuk askush kurre asnje mos",
    "ar-Latn fa-Latn ur-Latn": "mish mesh mosh mch machi mafi ma7ada hich hichkas "
    "hichki nist nahi nahin nai koi kabhi",
    "ar fa ur ps": "ما لا مش مو محد ماحد ماحدا محدش مافی مفیش لم لن لیس نه هیچ هیچکس هرگز "
    "نیست نهیں کبھی هیڅ هیڅوک نشته مه",
}
NEGATION_CUES = frozenset(cue for cues in _CUES_BY_LANGUAGE.values() for cue in cues.split())


def negated_words(normalised: str, scope: int) -> str:
    """The words within `scope` words after a negation cue, each marked with "¬"."""
    words = normalised.split()
    marked: list[str] = []
    until = -1
    for i, word in enumerate(words):
        if i <= until:
            marked.append("¬" + word)
        if word in NEGATION_CUES:
            until = i + scope
    return " ".join(marked)
