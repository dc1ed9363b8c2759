"""The flow engine: given a conversation's state and what the person sent, run the
flow forward until it needs an answer, and say what to send back.

It is pure: no I/O. The turn (bot/pipeline.py) loads the state, calls `respond`, then
stores the state, the transcript and opens a case when a handoff was asked for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bot.channels.base import Button
from bot.dialogue.flows import Flow, FlowSet, Option, Step
from bot.dialogue.services import COUNTRY_NAMES, Service
from bot.dialogue.state import ConversationState

log = logging.getLogger(__name__)

MAX_STEPS_PER_TURN = 50  # a loop in a flow must not hang a worker
SMALL_TALK = {"greet", "goodbye", "thank_you", "affirm", "deny", "out_of_scope"}
COMMAND_FLOWS = {"/start": "start", "/menu": "menu", "/language": "language"}
COMMAND_INTENTS = {"/human": "ask_human", "/forget": "delete_my_data"}
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    clear_chat: bool = False  # see OutboundMessage.clear_chat


@dataclass(frozen=True)
class HandoffRequest:
    priority: str
    reason: str


@dataclass
class EngineResult:
    replies: list[Reply] = field(default_factory=list)
    handoff: HandoffRequest | None = None
    intent: str | None = None  # the intent this turn acted on (for the transcript)


class Engine:
    def __init__(
        self,
        flows: FlowSet,
        services: dict[str, dict[str, list[Service]]],
        fallback_confidence: float = 0.5,
    ) -> None:
        self.flows = flows
        self.services = services
        self.fallback_confidence = fallback_confidence

    # ── entry point ──────────────────────────────────────────────────────────────
    def respond(
        self, state: ConversationState, text: str, parse: dict[str, Any] | None
    ) -> EngineResult:
        result = EngineResult()
        command = text.strip()
        if command.startswith("/"):
            if self._command(state, command, result):
                return result
        elif state.waiting and self._answer(state, command, parse, result):
            return result
        self._route(state, parse, result)
        return result

    # ── input handling ───────────────────────────────────────────────────────────
    def _command(self, state: ConversationState, command: str, result: EngineResult) -> bool:
        """Commands and button payloads. False if it is not one we know."""
        word, _, rest = command.partition(" ")
        word = word.lower()
        if word in COMMAND_FLOWS:
            self._start(state, COMMAND_FLOWS[word], result)
        elif word in COMMAND_INTENTS:
            self._start_intent(state, COMMAND_INTENTS[word], result)
        elif word == "/intent" and rest in self.flows.by_intent:
            self._start_intent(state, rest, result)
        elif word == "/flow" and rest in self.flows.flows:
            self._start(state, rest, result)
        elif word == "/step" and state.flow and self._has_step(state.flow, rest):
            self._run(state, state.flow, rest, result)
        elif word == "/set" and state.waiting:
            return self._answer(state, rest.partition(" ")[2], None, result, raw=command)
        else:
            return False
        return True

    def _answer(
        self,
        state: ConversationState,
        text: str,
        parse: dict[str, Any] | None,
        result: EngineResult,
        raw: str | None = None,
    ) -> bool:
        """An answer to the step that is waiting. False: not an answer, route it."""
        step = self._current_step(state)
        if step is None:
            state.waiting = False
            return False
        if step.kind in ("ask", "lookup"):
            slot = self.flows.slots[step.spec["ask"] if step.kind == "ask" else "country"]
            value = slot.value_of(raw or text)
            if value is not None:
                state.slots[slot.name] = value
                state.waiting = False
                next_step = step.id if step.kind == "lookup" else self._next_id(state.flow, step)
                self._continue(state, next_step, result)
                return True
            if self._confident(parse) and parse["intent"]["name"] not in SMALL_TALK:
                return False  # a new question: leave this one
            result.replies.append(Reply(slot.invalid, self._slot_buttons(slot)))
            return True
        if step.kind == "buttons":
            option = self._chosen_option(step, text)
            if option is None:
                return False
            state.waiting = False
            self._follow(state, option, result)
            return True
        return False

    def _route(
        self, state: ConversationState, parse: dict[str, Any] | None, result: EngineResult
    ) -> None:
        """Start the flow of the message's intent, or offer choices when unsure."""
        if not self._confident(parse):
            state.misses += 1
            if state.misses >= 2:
                state.misses = 0
                self._start(state, "fallback", result)
            else:
                self._offer_choices(state, parse, result)
            return
        state.misses = 0
        self._start_intent(state, parse["intent"]["name"], result)

    def _confident(self, parse: dict[str, Any] | None) -> bool:
        if not parse:
            return False
        intent = parse["intent"]
        return (
            intent["name"] in self.flows.by_intent
            and intent["name"] != "nlu_fallback"
            and intent["confidence"] >= self.fallback_confidence
        )

    def _offer_choices(
        self, state: ConversationState, parse: dict[str, Any] | None, result: EngineResult
    ) -> None:
        ranking = (parse or {}).get("intent_ranking", [])
        likely = [
            r["name"]
            for r in ranking
            if r["name"] in self.flows.by_intent
            and r["name"] not in SMALL_TALK
            and r["name"] != "nlu_fallback"
        ][:3]
        buttons = [
            Button(self.flows.flow_for_intent(name).title, f"/intent {name}")  # type: ignore[union-attr]
            for name in likely
        ]
        if "ask_human" not in likely:
            buttons.append(Button("Talk to a person", "/intent ask_human"))
        state.flow, state.step, state.waiting, state.stack = None, None, False, []
        result.replies.append(
            Reply("Sorry, I am not sure I understood. Is it about one of these?", tuple(buttons))
        )

    # ── running flows ────────────────────────────────────────────────────────────
    def _start_intent(self, state: ConversationState, intent: str, result: EngineResult) -> None:
        result.intent = intent
        flow = self.flows.flow_for_intent(intent)
        if flow is not None:
            self._start(state, flow.id, result)

    def _start(self, state: ConversationState, flow_id: str, result: EngineResult) -> None:
        state.stack = []
        self._run(state, flow_id, self.flows.flows[flow_id].steps[0].id, result)

    def _follow(self, state: ConversationState, option: Option, result: EngineResult) -> None:
        if option.intent:
            self._start_intent(state, option.intent, result)
        elif option.flow:
            self._start(state, option.flow, result)
        else:
            self._run(state, state.flow or "", option.step or "", result)

    def _continue(
        self, state: ConversationState, step_id: str | None, result: EngineResult
    ) -> None:
        if step_id is None:
            self._finish(state, result)
        else:
            self._run(state, state.flow or "", step_id, result)

    def _run(
        self, state: ConversationState, flow_id: str, step_id: str, result: EngineResult
    ) -> None:
        """Execute steps from (flow, step) until one waits for an answer or the flow ends."""
        flow = self.flows.flows[flow_id]
        index = flow.index(step_id)
        for _ in range(MAX_STEPS_PER_TURN):
            if index >= len(flow.steps):
                if not self._finish(state, result):
                    return
                flow = self.flows.flows[state.flow or ""]
                index = flow.index(state.step or "")
                continue
            step = flow.steps[index]
            state.flow, state.step, state.waiting = flow.id, step.id, False
            jump = self._execute(state, flow, step, result)
            if state.waiting or jump == "stop":
                return
            if jump is None:
                index += 1
            else:
                flow = self.flows.flows[jump[0]]
                index = flow.index(jump[1])
        log.error("flow %s: more than %d steps in one turn, stopped", flow.id, MAX_STEPS_PER_TURN)
        self._idle(state)

    def _execute(
        self, state: ConversationState, flow: Flow, step: Step, result: EngineResult
    ) -> tuple[str, str] | str | None:
        """Run one step. Returns None (next step), (flow, step) to jump, or "stop"."""
        s = step.spec
        if step.kind == "say":
            result.replies.append(Reply(self.render(s["say"], state)))
        elif step.kind == "ask":
            slot = self.flows.slots[s["ask"]]
            if slot.name not in state.slots:
                text = s.get("text") or slot.text
                result.replies.append(Reply(self.render(text, state), self._slot_buttons(slot)))
                state.waiting = True
        elif step.kind == "buttons":
            buttons = tuple(Button(o["label"], Option(**o).payload) for o in s["options"])
            result.replies.append(Reply(self.render(s["buttons"], state), buttons))
            state.waiting = True
        elif step.kind == "branch":
            return flow.id, self._branch(s["branch"], state)
        elif step.kind == "lookup":
            self._lookup(state, s, result)
        elif step.kind == "handoff":
            result.replies.append(Reply(self.render(s["handoff"], state)))
            result.handoff = HandoffRequest(s.get("priority", "normal"), s["reason"])
        elif step.kind == "goto":
            target = s["goto"]
            if isinstance(target, str):
                return flow.id, target
            target_flow = self.flows.flows[target["flow"]]
            return target_flow.id, target.get("step", target_flow.steps[0].id)
        elif step.kind == "call":
            next_id = self._next_id(flow.id, step)
            if next_id is not None:
                state.stack.append([flow.id, next_id])
            called = self.flows.flows[s["call"]]
            return called.id, called.steps[0].id
        elif step.kind in ("return", "end"):
            if step.kind == "end":
                state.stack = []
            return (
                "stop" if not self._finish(state, result) else (state.flow or "", state.step or "")
            )
        return None

    def _finish(self, state: ConversationState, result: EngineResult) -> bool:
        """The flow is over: go back to a caller if there is one. True if we did."""
        if state.stack:
            state.flow, state.step = state.stack.pop()
            return True
        self._idle(state)
        return False

    @staticmethod
    def _idle(state: ConversationState) -> None:
        state.flow, state.step, state.waiting, state.stack = None, None, False, []

    def _lookup(self, state: ConversationState, s: dict[str, Any], result: EngineResult) -> None:
        country = state.slots.get("country")
        slot = self.flows.slots["country"]
        if country is None and s.get("unknown_country") == "all":
            # No time to ask where they are (an emergency, a case just opened): list all.
            lines = [
                f"{COUNTRY_NAMES.get(c, c)}: "
                + "; ".join(service.line() for service in kinds.get(s["lookup"], []))
                for c, kinds in sorted(self.services.items())
                if kinds.get(s["lookup"])
            ]
            result.replies.append(Reply("\n".join(lines) or self.render(s["empty"], state)))
            return
        if country is None:
            result.replies.append(Reply(self.render(slot.text, state), self._slot_buttons(slot)))
            state.waiting = True
            return
        found = self.services.get(country, {}).get(s["lookup"], [])
        if not found:
            result.replies.append(Reply(self.render(s["empty"], state)))
            return
        lines = "\n".join(f"• {service.line()}" for service in found)
        result.replies.append(Reply(f"{self.render(s['text'], state)}\n{lines}"))

    def _branch(self, rules: list[dict[str, Any]], state: ConversationState) -> str:
        for rule in rules[:-1]:
            condition = rule["if"]
            value = state.slots.get(condition["slot"])
            if (
                ("equals" in condition and value == condition["equals"])
                or ("in" in condition and value in condition["in"])
                or ("filled" in condition and (value is not None) == condition["filled"])
            ):
                return rule["goto"]
        return rules[-1]["else"]

    # ── helpers ──────────────────────────────────────────────────────────────────
    def render(self, text: str, state: ConversationState) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "country_name":
                return COUNTRY_NAMES.get(state.slots.get("country", ""), "")
            raw = state.slots.get(name, "")
            slot = self.flows.slots.get(name)
            labels = {c.step: c.label for c in slot.choices} if slot else {}
            return labels.get(raw, raw)

        return _PLACEHOLDER.sub(value, text)

    def _slot_buttons(self, slot: Any) -> tuple[Button, ...]:
        return tuple(Button(c.label, f"/set {slot.name} {c.step}") for c in slot.choices)

    def _chosen_option(self, step: Step, text: str) -> Option | None:
        options = [Option(**o) for o in step.spec["options"]]
        lowered = text.strip().casefold()
        for number, option in enumerate(options, start=1):
            if lowered in (option.label.casefold(), str(number)):
                return option
        return None

    def _current_step(self, state: ConversationState) -> Step | None:
        flow = self.flows.flows.get(state.flow or "")
        if flow is None or not self._has_step(flow.id, state.step or ""):
            return None  # the flow changed under this conversation: start afresh
        return flow.steps[flow.index(state.step or "")]

    def _has_step(self, flow_id: str, step_id: str) -> bool:
        flow = self.flows.flows.get(flow_id)
        return flow is not None and any(s.id == step_id for s in flow.steps)

    def _next_id(self, flow_id: str | None, step: Step) -> str | None:
        flow = self.flows.flows[flow_id or ""]
        index = flow.index(step.id) + 1
        return flow.steps[index].id if index < len(flow.steps) else None
