"""The safety policy's place in the turn. The risk issue fills `assess`: conversation
risk level from the NLU's risk indicators, escalation at thresholds, do-no-harm
answers. Today it keeps the level and asks for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.engine import HandoffRequest, Reply
from bot.dialogue.state import ConversationState


@dataclass
class SafetyDecision:
    level: str
    handoff: HandoffRequest | None = None
    replies: list[Reply] = field(default_factory=list)  # said before the flow's answer
    silence_flow: bool = False  # True: the flow's cheerful answer must not be sent


def assess(parse: dict[str, Any], state: ConversationState) -> SafetyDecision:
    return SafetyDecision(level=state.risk_level)
