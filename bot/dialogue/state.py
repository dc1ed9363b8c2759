"""A conversation as the turn sees it: position in a flow, slots, risk, handoff."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ConversationState:
    conversation_id: int
    contact_id: int
    channel: str
    locale: str
    flow: str | None = None
    step: str | None = None
    waiting: bool = False  # the current step asked something and waits for the answer
    stack: list[list[str]] = field(default_factory=list)  # [flow, step] to return to
    misses: int = 0  # messages in a row the assistant did not understand
    slots: dict[str, str] = field(default_factory=dict)
    risk_level: str = "none"
    risk_indicators: list[str] = field(default_factory=list)  # seen in this conversation
    handoff: bool = False
    # A high case the safety policy opened: the person's next message may decline it.
    may_decline: bool = False
    # What the contact row last got, and when: it is written only when this changes or
    # grows old (last_seen_at is for retention, to the minute, not the millisecond).
    contact_written: list[Any] = field(default_factory=list)

    def position(self) -> dict[str, Any]:
        """What is stored in conversations.state (slots, risk, handoff have columns)."""
        return {
            "flow": self.flow,
            "step": self.step,
            "waiting": self.waiting,
            "stack": self.stack,
            "misses": self.misses,
            "risk_indicators": self.risk_indicators,
            "may_decline": self.may_decline,
        }

    def to_cache(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> ConversationState:
        return cls(**data)
