"""The safety policy: conversation-level risk, and what the helpline does about it.

The NLU finds risk indicators in each message; here they accumulate over the
conversation with the rules of risk.yml, and the level never drops by itself (a
caseworker reviews it: bot/safety_review.py). When the level rises:

- emergency: before anything else, say help is coming and give the emergency and
  specialist numbers (the person's country, or every country when it is not known),
  open an emergency case, and send no cheerful flow answer;
- high: acknowledge and believe, no pressure, explain that a caseworker can help
  confidentially, open a high case the person may decline; the flow's answer follows;
- medium: inform and offer a caseworker.

Before anything sensitive (a high or medium answer) the person is asked once whether
it is safe to write on this phone. "Not safe", `/clear`, or an `isolation` indicator
(phone taken or checked) switch the conversation to discreet mode: short, plain
texts without words that would give the person away. Every text is a msgid of
bot/safety_texts.py, translated into the conversation's locale when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot import safety_texts as texts
from bot.channels.base import Button
from bot.dialogue.engine import HandoffRequest, Reply
from bot.dialogue.services import COUNTRY_NAMES, Service
from bot.dialogue.state import ConversationState
from bot.i18n import translate
from nlu.risk import level_of
from nlu.risk_data import LEVELS, load_risk_taxonomy

# Which specialist line goes with which indicators (besides the emergency numbers).
SPECIALIST = {
    "minor_unaccompanied": "child_helpline",
    "sexual_exploitation": "anti_trafficking",
    "document_retention": "anti_trafficking",
    "debt_bondage": "anti_trafficking",
    "restricted_movement": "anti_trafficking",
}
NO_WORDS = frozenset({"no", "nope", "non", "ne", "nein", "nee", "jo", "hayir", "hayır", "nahi",
                      "nahin", "na", "la", "nah", "نه", "نا", "نہیں", "нет", "ні", "не",
                      "لا"})  # fmt: skip
YES_WORDS = frozenset({"yes", "ok", "oui", "evet", "po", "da", "jes", "ha", "haan", "han", "bale",
                       "areh", "naam", "aywa", "так", "да", "бале", "نعم", "آره", "بله", "هو",
                       "ہاں", "جی"})  # fmt: skip
DISCREET = "discreet"  # slot: "on" when the phone may be read by someone else
SAFE_PHONE = "safe_phone"  # slot: asked | yes | no | unanswered
RESUME = "resume_intent"  # slot: what the person asked while the safe-phone question waits


@dataclass
class SafetyDecision:
    level: str
    handoff: HandoffRequest | None = None
    replies: list[Reply] = field(default_factory=list)  # said before the flow's answer
    silence_flow: bool = False  # True: the flow's answer must not be sent


@dataclass
class PromptAnswer:
    """The person answered something the safety policy asked (or pressed /clear)."""

    replies: list[Reply]
    decline: bool = False  # the high case just opened is declined
    resume_intent: str | None = None  # answer now what was asked before the question


@cache
def taxonomy() -> dict[str, str]:
    return load_risk_taxonomy()


def assess(
    parse: dict[str, Any],
    state: ConversationState,
    services: dict[str, dict[str, list[Service]]] | None = None,
) -> SafetyDecision:
    found = parse.get("risk", {}).get("indicators", [])
    names = {i["name"] for i in found}
    accumulated = set(state.risk_indicators) | names
    level = max(state.risk_level, level_of(accumulated, taxonomy()), key=LEVELS.index)
    rose = LEVELS.index(level) > LEVELS.index(state.risk_level)
    state.risk_indicators = sorted(accumulated)
    decision = SafetyDecision(level=level)
    if not names:
        return decision
    replies: list[Reply] = []
    if "isolation" in names and state.slots.get(SAFE_PHONE) != "yes" and not _discreet(state):
        # Phone taken or checked: whoever reads it next must not learn anything.
        state.slots[DISCREET] = "on"
        replies.append(_say(state, texts.DISCREET_ON))
    reason = "risk:" + ",".join(sorted(names))
    if level == "emergency" and (rose or taxonomy()[max(names, key=_severity)] == "emergency"):
        decision.replies = _emergency_replies(names, state, services or {}) + replies
        decision.handoff = HandoffRequest("emergency", reason)
        decision.silence_flow = True
        return decision
    if level == "high" and rose:
        text = texts.HIGH_DISCREET if _discreet(state) else texts.HIGH
        replies.insert(0, _say(state, text, (texts.NO_THANKS, "/decline")))
        decision.handoff = HandoffRequest("high", reason)
    elif level == "medium" and rose:
        text = texts.MEDIUM_DISCREET if _discreet(state) else texts.MEDIUM
        offer = (texts.TALK_TO_PERSON, "/intent ask_human"), (texts.NOT_NOW, "/menu")
        replies.insert(0, _say(state, text, *offer))
    else:
        return decision
    if SAFE_PHONE not in state.slots:
        # Before going on: the flow's answer waits until the person has said whether
        # this phone is safe, and is given then.
        state.slots[SAFE_PHONE] = "asked"
        intent = parse.get("intent", {}).get("name")
        if intent and intent not in ("command", "nlu_fallback"):
            state.slots[RESUME] = intent
        replies.append(
            _say(state, texts.SAFE_PHONE_QUESTION, (texts.SAFE_YES, "/safe yes"),
                 (texts.SAFE_NO, "/safe no"))
        )  # fmt: skip
        decision.silence_flow = True
    decision.replies = replies
    return decision


def answer_prompt(
    state: ConversationState, text: str, parse: dict[str, Any]
) -> PromptAnswer | None:
    """/clear, /safe, /decline, or a plain answer to the safe-phone question or to the
    high case just offered. None: the message is not such an answer."""
    words = text.strip().casefold().strip(".!?").split()
    command = words[0] if words else ""
    if command == "/clear":
        state.slots[DISCREET] = "on"
        return PromptAnswer([Reply(translate(state.locale, texts.CLEARED), clear_chat=True)])
    pending = state.slots.get(SAFE_PHONE) == "asked"
    if command == "/safe" or pending:
        answer = _yes_no(words[1:] if command == "/safe" else words, parse)
        if answer is not None:
            state.slots[SAFE_PHONE] = "yes" if answer else "no"
            if not answer:
                state.slots[DISCREET] = "on"
            said = _say(state, texts.SAFE_NOTED if answer else texts.DISCREET_ON)
            return PromptAnswer([said], resume_intent=state.slots.pop(RESUME, None))
        if pending:
            state.slots[SAFE_PHONE] = "unanswered"  # asked once; never insist
            state.slots.pop(RESUME, None)  # the person moved on: answer the new message
    if state.handoff and state.may_decline:
        state.may_decline = False
        if command == "/decline" or _yes_no(words, parse) is False:
            state.handoff = False
            return PromptAnswer([_say(state, texts.DECLINED)], decline=True)
    return None


def _yes_no(words: list[str], parse: dict[str, Any]) -> bool | None:
    if words and len(words) <= 4:
        if words[0] in NO_WORDS or words[:2] == ["not", "safe"]:
            return False
        if words[0] in YES_WORDS or words[0] == "safe":
            return True
    intent = parse.get("intent", {})
    if intent.get("confidence", 0.0) >= 0.6 and intent.get("name") in ("affirm", "deny"):
        return intent["name"] == "affirm"
    return None


def _discreet(state: ConversationState) -> bool:
    return state.slots.get(DISCREET) == "on"


def _say(state: ConversationState, text: str, *buttons: tuple[str, str]) -> Reply:
    locale = state.locale
    return Reply(
        translate(locale, text),
        tuple(Button(translate(locale, label), payload) for label, payload in buttons),
    )


def _severity(name: str) -> int:
    return LEVELS.index(taxonomy()[name])


def _emergency_replies(
    names: set[str], state: ConversationState, services: dict[str, dict[str, list[Service]]]
) -> list[Reply]:
    opening = texts.SELF_HARM if "self_harm" in names else texts.EMERGENCY_OPENING
    replies = [_say(state, opening)]
    kinds = ["emergency", *sorted({SPECIALIST[n] for n in names if n in SPECIALIST})]
    country = state.slots.get("country")
    countries = [country] if country in services else sorted(services)
    lines = []
    for code in countries:
        entries = [s.line() for kind in kinds for s in services.get(code, {}).get(kind, [])]
        if entries:
            name = translate(state.locale, COUNTRY_NAMES.get(code, code))
            lines.append(f"{name}: " + "; ".join(entries))
    if lines:
        title = translate(state.locale, texts.EMERGENCY_NUMBERS)
        replies.append(Reply(title + "\n" + "\n".join(lines)))
    replies.append(_say(state, texts.DANGER_STEPS))
    return replies
