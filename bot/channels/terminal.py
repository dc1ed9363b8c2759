"""The terminal channel: talk to the helpline as a person would (`helpline chat`).

Buttons are shown as numbered choices; typing the number presses the button. The chat
starts with the language picker.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from bot.channels.base import Button, InboundMessage, OutboundMessage
from bot.pipeline import TurnContext, TurnFailed, handle_turn

CHANNEL = "terminal"
CLEAR_SCREEN = "\033[2J\033[3J\033[H"  # erase the screen and the scrollback


def render(message: OutboundMessage) -> str:
    lines = [message.text]
    lines.extend(f"  {n}. {button.label}" for n, button in enumerate(message.buttons, start=1))
    return "\n".join(lines)


def pressed(text: str, buttons: tuple[Button, ...]) -> str:
    """A number typed under numbered buttons sends that button's payload."""
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1].payload
    return text


async def run_terminal_chat(
    ctx: TurnContext,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    user_id: str | None = None,
) -> None:
    user_id = user_id or f"terminal-{uuid.uuid4().hex[:8]}"
    write("helpline — type a message; numbers choose a button; /quit to leave.\n")
    buttons: tuple[Button, ...] = ()
    text = "/language"
    while True:
        message = InboundMessage(CHANNEL, user_id, pressed(text, buttons), uuid.uuid4().hex)
        try:
            replies = await handle_turn(message, ctx)
        except TurnFailed as exc:
            replies = [exc.apology]
        for reply in replies:
            if reply.clear_chat:
                write(CLEAR_SCREEN)
            write("bot: " + render(reply).replace("\n", "\n     ") + "\n")
        if replies:
            buttons = replies[-1].buttons
        try:
            text = await asyncio.to_thread(read, "you: ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if text.strip() in ("/quit", "/exit"):
            return
