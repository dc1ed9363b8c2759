"""Channel-neutral messages and the Channel protocol every adapter implements.

An adapter turns its platform's payload into an InboundMessage, hands it to
pipeline.handle_turn, and sends the OutboundMessages back in the platform's format
(buttons become inline keyboards, reply buttons or numbered lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class Button:
    label: str
    payload: str  # what comes back when pressed: "/intent shelter", "/set country serbia"


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # "telegram" | "whatsapp" | "webchat" | "terminal"
    user_id: str  # the platform's id of the person: stored encrypted, never logged
    text: str
    message_id: str | None = None  # the platform's message id: duplicates are dropped
    locale_hint: str | None = None  # the platform's language for the person, if any
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class OutboundMessage:
    channel: str
    user_id: str
    text: str
    buttons: tuple[Button, ...] = ()
    locale: str = "en"
    # The person pressed /clear (quick exit): the channel removes what it can of this
    # chat from their screen before showing this message.
    clear_chat: bool = False


class Channel(Protocol):
    name: str

    async def send(self, message: OutboundMessage) -> None: ...
