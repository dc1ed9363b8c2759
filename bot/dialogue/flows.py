"""Flow definitions: load the YAML in flows/, validate it whole, or refuse it whole.

A flow file (see flows/README.md for the admin's guide):

    version: 1
    flow: shelter               # stable id
    title: A place to sleep     # shown as a button label when offering this flow
    intents: [shelter]          # intents that start it
    steps:
      - id: intro               # stable step id: translations and history key on it
        say: "..."

Step kinds: say, ask, buttons, branch, lookup, handoff, goto, call, return, end.
Nothing half-valid is ever used: `load_flows` returns a complete FlowSet or raises
FlowError listing every problem with its file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.services import SERVICE_TYPES
from nlu.yaml_source import ProblemsError, compose_mapping

SPEC_VERSION = 1
STEP_KINDS = (
    "say",
    "ask",
    "buttons",
    "branch",
    "lookup",
    "handoff",
    "goto",
    "call",
    "return",
    "end",
)
PRIORITIES = ("emergency", "high", "normal")
# Flows the global commands start (/start, /menu, /language, /human, /forget).
REQUIRED_FLOWS = ("start", "menu", "language", "fallback")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_STEP_KEYS = {
    "say": {"say"},
    "ask": {"ask", "text"},
    "buttons": {"buttons", "options"},
    "branch": {"branch"},
    "lookup": {"lookup", "text", "empty", "unknown_country"},
    "handoff": {"handoff", "priority", "reason"},
    "goto": {"goto"},
    "call": {"call"},
    "return": {"return"},
    "end": {"end"},
}
# Placeholders every text may use besides slot names.
BUILTIN_PLACEHOLDERS = {"country_name"}


class FlowError(ProblemsError):
    """Flows that cannot be used; one line per problem, each with file and line."""


@dataclass(frozen=True)
class Option:
    label: str
    intent: str | None = None
    flow: str | None = None
    step: str | None = None

    @property
    def payload(self) -> str:
        """What a button sends back: stable across languages."""
        if self.intent:
            return f"/intent {self.intent}"
        if self.flow:
            return f"/flow {self.flow}"
        return f"/step {self.step}"


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    spec: dict[str, Any]
    source: str  # "file:line"

    def text(self, key: str | None = None) -> str | None:
        value = self.spec.get(key or self.kind)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Flow:
    id: str
    title: str
    intents: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str

    def index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)


@dataclass(frozen=True)
class Slot:
    name: str
    text: str
    choices: tuple[Option, ...] = ()  # label + value (kept in Option.step)
    invalid: str = "Please choose one of the options."
    pattern: str | None = None

    def value_of(self, answer: str) -> str | None:
        """The slot value an answer stands for, or None if it is not a valid answer."""
        cleaned = answer.strip()
        if self.choices:
            lowered = cleaned.casefold()
            for number, choice in enumerate(self.choices, start=1):
                if lowered in (choice.step or "", choice.label.casefold(), str(number)):
                    return choice.step
                if cleaned == f"/set {self.name} {choice.step}":
                    return choice.step
            return None
        if self.pattern and not re.fullmatch(self.pattern, cleaned):
            return None
        return cleaned or None


@dataclass
class FlowSet:
    flows: dict[str, Flow] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    by_intent: dict[str, str] = field(default_factory=dict)
    version: str = ""  # content hash of every file: what was loaded, for history

    def flow_for_intent(self, intent: str) -> Flow | None:
        flow_id = self.by_intent.get(intent)
        return self.flows.get(flow_id) if flow_id else None


def load_flows(directory: Path, taxonomy: list[str] | None = None) -> FlowSet:
    """Load and validate every flow in `directory` (and slots.yml); all or nothing."""
    problems: list[str] = []
    files = sorted(p for p in directory.glob("*.yml") if p.name != "slots.yml")
    if not directory.is_dir():
        raise FlowError([f"{directory}: no such flows directory"])
    digest = hashlib.sha256()
    flow_set = FlowSet()
    slots_file = directory / "slots.yml"
    if slots_file.exists():
        digest.update(slots_file.read_bytes())
        flow_set.slots = _load_slots(slots_file, problems)
    else:
        problems.append(f"{slots_file}: missing (slot definitions)")
    for file in files:
        digest.update(file.name.encode() + file.read_bytes())
        flow = _load_flow(file, problems)
        if flow is None:
            continue
        if flow.id in flow_set.flows:
            problems.append(f"{flow.source}: flow '{flow.id}' is defined twice "
                            f"(also {flow_set.flows[flow.id].source})")  # fmt: skip
            continue
        flow_set.flows[flow.id] = flow
        for intent in flow.intents:
            if intent in flow_set.by_intent:
                problems.append(
                    f"{flow.source}: intent '{intent}' already starts flow "
                    f"'{flow_set.by_intent[intent]}'"
                )
            flow_set.by_intent[intent] = flow.id
    if not problems:
        problems.extend(_check_references(flow_set, taxonomy))
    if problems:
        raise FlowError(problems)
    flow_set.version = digest.hexdigest()[:16]
    return flow_set


def _where(file: Path, node: yaml.Node) -> str:
    return f"{file}:{node.start_mark.line + 1}"


def _value(node: yaml.Node) -> Any:
    return yaml.safe_load(yaml.serialize(node))


def _load_flow(file: Path, problems: list[str]) -> Flow | None:
    root = compose_mapping(file, problems, "a mapping with 'version', 'flow' and 'steps'")
    if root is None:
        return None
    top = {k.value: v for k, v in root.value}
    allowed = {"version", "flow", "title", "intents", "steps"}
    for key, _ in root.value:
        if key.value not in allowed:
            problems.append(f"{_where(file, key)}: unknown key '{key.value}'")
    if top.get("version") is None or _value(top["version"]) != SPEC_VERSION:
        problems.append(f"{file}:1: 'version: {SPEC_VERSION}' is required")
    flow_id = _value(top["flow"]) if "flow" in top else None
    if not isinstance(flow_id, str) or not _ID.match(flow_id):
        problems.append(f"{file}:1: 'flow' must be an id like 'shelter' (a-z, 0-9, _)")
        return None
    intents = _value(top["intents"]) if "intents" in top else []
    if not isinstance(intents, list) or not all(isinstance(i, str) for i in intents):
        problems.append(f"{_where(file, top['intents'])}: 'intents' must be a list of names")
        intents = []
    steps_node = top.get("steps")
    if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
        problems.append(f"{file}:1: flow '{flow_id}' has no steps")
        return None
    steps = [s for s in (_load_step(file, n, problems) for n in steps_node.value) if s]
    ids = [s.id for s in steps]
    for step in steps:
        if ids.count(step.id) > 1:
            problems.append(f"{step.source}: step id '{step.id}' is used twice in '{flow_id}'")
    title = _value(top["title"]) if "title" in top else flow_id.replace("_", " ")
    return Flow(flow_id, str(title), tuple(intents), tuple(steps), f"{file}:1")


def _load_step(file: Path, node: yaml.Node, problems: list[str]) -> Step | None:
    where = _where(file, node)
    if not isinstance(node, yaml.MappingNode):
        problems.append(f"{where}: a step must be a mapping with an 'id'")
        return None
    spec = _value(node)
    step_id = spec.pop("id", None)
    if not isinstance(step_id, str) or not _ID.match(step_id):
        problems.append(f"{where}: step needs an 'id' like 'intro' (a-z, 0-9, _)")
        return None
    kinds = [k for k in STEP_KINDS if k in spec]
    if len(kinds) != 1:
        problems.append(
            f"{where}: step '{step_id}' must have exactly one of {', '.join(STEP_KINDS)}"
        )
        return None
    kind = kinds[0]
    for key in spec:
        if key not in _STEP_KEYS[kind]:
            problems.append(f"{where}: unknown key '{key}' in {kind} step '{step_id}'")
    step = Step(step_id, kind, spec, where)
    problems.extend(f"{where}: {p}" for p in _check_step_shape(step))
    return step


def _check_step_shape(step: Step) -> list[str]:
    s, kind, name = step.spec, step.kind, f"{step.kind} step '{step.id}'"
    problems: list[str] = []

    def need_text(key: str) -> None:
        if not isinstance(s.get(key), str) or not s[key].strip():
            problems.append(f"{name} needs a text in '{key}'")

    if kind == "say":
        need_text("say")
    elif kind == "ask":
        if not isinstance(s["ask"], str):
            problems.append(f"{name}: 'ask' names the slot to fill")
    elif kind == "buttons":
        need_text("buttons")
        options = s.get("options")
        if not isinstance(options, list) or not options:
            problems.append(f"{name} needs 'options': a list of {{label, intent|flow|step}}")
        else:
            for option in options:
                if (
                    not isinstance(option, dict)
                    or not isinstance(option.get("label"), str)
                    or sum(k in option for k in ("intent", "flow", "step")) != 1
                    or set(option) - {"label", "intent", "flow", "step"}
                ):
                    problems.append(f"{name}: option {option!r} needs a label and one target")
    elif kind == "branch":
        rules = s["branch"]
        if not isinstance(rules, list) or not rules or "else" not in rules[-1]:
            problems.append(f"{name}: 'branch' is a list of {{if, goto}} ending with {{else}}")
        else:
            for rule in rules[:-1]:
                cond = rule.get("if") if isinstance(rule, dict) else None
                if not isinstance(cond, dict) or "slot" not in cond or "goto" not in rule:
                    problems.append(f"{name}: rule {rule!r} needs 'if: {{slot, ...}}' and 'goto'")
                elif not set(cond) - {"slot"} <= {"equals", "in", "filled"}:
                    problems.append(f"{name}: condition {cond!r} uses equals, in or filled")
    elif kind == "lookup":
        if s["lookup"] not in SERVICE_TYPES:
            problems.append(f"{name}: unknown service type '{s['lookup']}'")
        need_text("text")
        need_text("empty")
        if s.get("unknown_country", "ask") not in ("ask", "all"):
            problems.append(f"{name}: unknown_country is 'ask' (default) or 'all'")
    elif kind == "handoff":
        if s.get("priority", "normal") not in PRIORITIES:
            problems.append(f"{name}: priority must be one of {', '.join(PRIORITIES)}")
        need_text("handoff")
        if not isinstance(s.get("reason"), str):
            problems.append(f"{name} needs a 'reason' (for the caseworker's queue)")
    elif kind == "goto":
        target = s["goto"]
        if not isinstance(target, str | dict) or (
            isinstance(target, dict) and (set(target) - {"flow", "step"} or "flow" not in target)
        ):
            problems.append(f"{name}: 'goto' is a step id or {{flow, step}}")
    elif kind == "call" and not isinstance(s["call"], str):
        problems.append(f"{name}: 'call' names a flow")
    return problems


def _load_slots(file: Path, problems: list[str]) -> dict[str, Slot]:
    root = compose_mapping(file, problems, "a mapping with 'slots'")
    if root is None:
        return {}
    doc = _value(root)
    slots: dict[str, Slot] = {}
    for name, spec in (doc.get("slots") or {}).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("text"), str):
            problems.append(f"{file}: slot '{name}' needs a 'text' (the question)")
            continue
        choices = tuple(
            Option(label=str(c["label"]), step=str(c["value"])) for c in spec.get("choices", [])
        )
        slots[name] = Slot(
            name,
            spec["text"],
            choices,
            spec.get("invalid", Slot.invalid),
            spec.get("pattern"),
        )
    return slots


def texts_of(step: Step) -> list[str]:
    """Every text of a step an admin wrote (what translators translate)."""
    texts = [
        step.spec[k]
        for k in ("say", "text", "empty", "buttons", "handoff")
        if isinstance(step.spec.get(k), str)
    ]
    texts.extend(o["label"] for o in step.spec.get("options", []) if isinstance(o, dict))
    return texts


def _check_references(flow_set: FlowSet, taxonomy: list[str] | None) -> list[str]:
    problems: list[str] = []
    flows, slots = flow_set.flows, flow_set.slots
    for required in REQUIRED_FLOWS:
        if required not in flows:
            problems.append(f"flows: the '{required}' flow is missing (used by the commands)")
    if taxonomy is not None:
        for intent in taxonomy:
            if intent not in flow_set.by_intent:
                problems.append(f"flows: no flow starts on intent '{intent}'")
        for flow in flows.values():
            for intent in flow.intents:
                if intent not in taxonomy and intent != "nlu_fallback":
                    problems.append(f"{flow.source}: intent '{intent}' is not in the taxonomy")
    known_placeholders = set(slots) | BUILTIN_PLACEHOLDERS
    for flow in flows.values():
        step_ids = {s.id for s in flow.steps}
        reached = _reachable(flow)
        after_handoff = False
        for step in flow.steps:
            where, s = step.source, step.spec
            for text in texts_of(step):
                for placeholder in _PLACEHOLDER.findall(text):
                    if placeholder not in known_placeholders:
                        problems.append(f"{where}: unknown placeholder '{{{placeholder}}}'")
            if step.kind == "ask" and s["ask"] not in slots:
                problems.append(f"{where}: slot '{s['ask']}' is not defined in slots.yml")
            for option in s.get("options", []) if step.kind == "buttons" else []:
                problems.extend(_target_problems(where, option, flows, step_ids, taxonomy))
            if step.kind == "branch":
                for rule in s["branch"]:
                    target = rule.get("goto", rule.get("else"))
                    if target not in step_ids:
                        problems.append(f"{where}: branch goes to unknown step '{target}'")
                    slot = rule.get("if", {}).get("slot")
                    if slot is not None and slot not in slots:
                        problems.append(f"{where}: branch reads unknown slot '{slot}'")
            if step.kind == "goto":
                target = s["goto"]
                if isinstance(target, str):
                    problems.extend(_target_problems(where, {"step": target}, flows, step_ids))
                else:
                    problems.extend(_target_problems(where, target, flows, step_ids))
            if step.kind == "call" and s["call"] not in flows:
                problems.append(f"{where}: call of unknown flow '{s['call']}'")
            if after_handoff and (
                step.kind in ("ask", "buttons")
                or (step.kind == "lookup" and s.get("unknown_country", "ask") == "ask")
            ):
                problems.append(
                    f"{where}: step '{step.id}' waits for an answer after a handoff, but a "
                    "caseworker has the conversation then (use say, or unknown_country: all)"
                )
            after_handoff = after_handoff or step.kind == "handoff"
            if step.id not in reached:
                problems.append(f"{where}: step '{step.id}' can never be reached")
    return problems


def _target_problems(
    where: str,
    target: dict[str, str],
    flows: dict[str, Flow],
    step_ids: set[str],
    taxonomy: list[str] | None = None,
) -> list[str]:
    if "intent" in target:
        if taxonomy is not None and target["intent"] not in taxonomy:
            return [f"{where}: unknown intent '{target['intent']}'"]
        return []
    if "flow" in target:
        flow = flows.get(target["flow"])
        if flow is None:
            return [f"{where}: unknown flow '{target['flow']}'"]
        if "step" in target and target["step"] not in {s.id for s in flow.steps}:
            return [f"{where}: flow '{flow.id}' has no step '{target['step']}'"]
        return []
    if target.get("step") not in step_ids:
        return [f"{where}: unknown step '{target.get('step')}'"]
    return []


def _reachable(flow: Flow) -> set[str]:
    """Steps reachable from the first: by falling through, branches, gotos and buttons."""
    seen: set[str] = set()
    todo = [0]
    while todo:
        i = todo.pop()
        if i >= len(flow.steps) or flow.steps[i].id in seen:
            continue
        step = flow.steps[i]
        seen.add(step.id)
        targets: list[str] = []
        if step.kind == "branch":
            targets = [r.get("goto", r.get("else")) for r in step.spec["branch"]]
        elif step.kind == "goto" and isinstance(step.spec["goto"], str):
            targets = [step.spec["goto"]]
        elif step.kind == "buttons":
            targets = [o["step"] for o in step.spec.get("options", []) if "step" in o]
        todo.extend(flow.index(t) for t in targets if t in {s.id for s in flow.steps})
        # Jumps and waits-for-a-choice do not fall through to the next step.
        if step.kind not in ("branch", "goto", "return", "end", "buttons"):
            todo.append(i + 1)
    return seen
