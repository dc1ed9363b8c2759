"""The safety policy: conversation-level risk, and what the helpline does about it.

The NLU finds risk indicators in each message; here they accumulate over the
conversation with the rules of risk.yml, and the level never drops by itself (a
caseworker reviews it). When the level rises:

- emergency: before anything else, say help is coming and give the emergency and
  specialist numbers (the person's country, or every country when it is not known),
  open an emergency case, and send no cheerful flow answer;
- high: acknowledge and believe, no pressure, explain that a caseworker can help
  confidentially, open a high case; the flow's answer follows;
- medium: inform and offer a caseworker.

Wording follows safe-messaging guidance for self-harm (acknowledge, care, ask about
safety, give the crisis line, never discuss methods) and never tells anyone "you are a
victim", never asks for details of perpetrators, never makes police the only option.
Texts are English source texts; the localisation issue translates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.channels.base import Button
from bot.dialogue.engine import HandoffRequest, Reply
from bot.dialogue.services import COUNTRY_NAMES, Service
from bot.dialogue.state import ConversationState
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

EMERGENCY_OPENING = "I hear you. Your safety comes first, and I am alerting a caseworker now."
SELF_HARM = (
    "Thank you for telling me. I am really sorry you feel this way, and I am glad you wrote. "
    "Are you safe right now? If you might act on these thoughts, please call the emergency "
    "number now, or ask someone near you to stay with you."
)
DECLINED = (
    "OK. No caseworker will write to you unless you ask. You can write /human at any "
    "time, and I am still here for your questions."
)
NO_WORDS = frozenset({"no", "nope", "non", "ne", "nein", "nee", "jo", "hayir", "nahi", "na",
                      "нет", "ні", "не", "لا", "نه", "نا", "نہیں"})  # fmt: skip
DANGER_STEPS = (
    "If you can, go to a safe place or near other people, and keep your phone with you. "
    "You do not have to answer me if it is not safe to write."
)
HIGH = (
    "Thank you for telling me. What you describe is not okay, and it is not your fault. "
    "A caseworker can help you confidentially: they will not share anything without your "
    "consent, and you decide what happens next. I am asking one to write to you here. "
    "If you do not want this, write NO."
)
MEDIUM = (
    "What you describe is not how work or travel should be. You have rights, whatever your "
    "papers. A caseworker can explain your options confidentially."
)


@dataclass
class SafetyDecision:
    level: str
    handoff: HandoffRequest | None = None
    replies: list[Reply] = field(default_factory=list)  # said before the flow's answer
    silence_flow: bool = False  # True: the flow's answer must not be sent


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
    reason = "risk:" + ",".join(sorted(names))
    if level == "emergency" and (rose or taxonomy()[max(names, key=_severity)] == "emergency"):
        decision.replies = _emergency_replies(names, state, services or {})
        decision.handoff = HandoffRequest("emergency", reason)
        decision.silence_flow = True
    elif level == "high" and rose:
        decision.replies = [Reply(HIGH)]
        decision.handoff = HandoffRequest("high", reason)
    elif level == "medium" and rose:
        decision.replies = [
            Reply(
                MEDIUM,
                (Button("Talk to a person", "/intent ask_human"), Button("Not now", "/menu")),
            )
        ]
    return decision


def declines(parse: dict[str, Any], text: str) -> bool:
    """Is this message a "no" (to the caseworker just offered)?"""
    words = text.strip().casefold().strip(".!").split()
    if len(words) <= 3 and words and words[0] in NO_WORDS:
        return True
    intent = parse.get("intent", {})
    return intent.get("name") == "deny" and intent.get("confidence", 0) >= 0.6


def _severity(name: str) -> int:
    return LEVELS.index(taxonomy()[name])


def _emergency_replies(
    names: set[str], state: ConversationState, services: dict[str, dict[str, list[Service]]]
) -> list[Reply]:
    opening = SELF_HARM if "self_harm" in names else EMERGENCY_OPENING
    replies = [Reply(opening)]
    kinds = ["emergency", *sorted({SPECIALIST[n] for n in names if n in SPECIALIST})]
    country = state.slots.get("country")
    countries = [country] if country in services else sorted(services)
    lines = []
    for code in countries:
        entries = [s.line() for kind in kinds for s in services.get(code, {}).get(kind, [])]
        if entries:
            lines.append(f"{COUNTRY_NAMES.get(code, code)}: " + "; ".join(entries))
    if lines:
        replies.append(Reply("Emergency numbers:\n" + "\n".join(lines)))
    replies.append(Reply(DANGER_STEPS))
    return replies
