"""Flow validation: every problem named with file and line; nothing half-valid is loaded."""

import shutil
from pathlib import Path

import pytest

from bot.dialogue.flows import FlowError, load_flows
from nlu.training_data import load_taxonomy
from tests.conftest import ROOT

GOOD = Path(__file__).parent / "data" / "flows"


def test_the_real_flows_are_valid_and_cover_every_intent():
    taxonomy = list(load_taxonomy())
    flows = load_flows(ROOT / "flows", taxonomy)
    assert set(taxonomy) <= set(flows.by_intent)
    assert {"start", "menu", "language", "fallback"} <= set(flows.flows)


def test_no_flow_contains_a_phone_number():
    import re

    for file in (ROOT / "flows").glob("*.yml"):
        assert not re.search(r"\d{3}[\s-]?\d{2,}", file.read_text()), file


@pytest.fixture
def flows_dir(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(GOOD, target)
    return target


def _problems(flows_dir, name, text, taxonomy=None):
    (flows_dir / name).write_text(text)
    with pytest.raises(FlowError) as error:
        load_flows(flows_dir, taxonomy)
    return error.value.problems


HEAD = "version: 1\nflow: extra\nsteps:\n"
CASES = [
    ("bad-yaml", HEAD + "  - id: a\n    say: [unclosed\n", "extra.yml, line 6: not valid YAML"),
    ("unknown-top-key", HEAD.replace("steps", "colour: red\nsteps") + "  - id: a\n    say: x\n",
     "extra.yml:3: unknown key 'colour'"),
    ("no-version", "flow: extra\nsteps:\n  - id: a\n    say: x\n", "'version: 1' is required"),
    ("two-kinds", HEAD + "  - id: a\n    say: x\n    end: true\n",
     "extra.yml:4: step 'a' must have exactly one of"),
    ("unknown-step-key", HEAD + "  - id: a\n    say: x\n    colour: red\n",
     "extra.yml:4: unknown key 'colour' in say step 'a'"),
    ("no-id", HEAD + "  - say: x\n", "extra.yml:4: step needs an 'id'"),
    ("duplicate-id", HEAD + "  - id: a\n    say: x\n  - id: a\n    say: y\n",
     "extra.yml:6: step id 'a' is used twice"),
    ("unknown-goto", HEAD + "  - id: a\n    goto: nowhere\n",
     "extra.yml:4: unknown step 'nowhere'"),
    ("unknown-flow", HEAD + "  - id: a\n    goto: {flow: ghost}\n", "unknown flow 'ghost'"),
    ("unknown-slot", HEAD + "  - id: a\n    ask: shoe_size\n",
     "extra.yml:4: slot 'shoe_size' is not defined"),
    ("unreachable", HEAD + "  - id: a\n    end: true\n  - id: b\n    say: x\n",
     "extra.yml:6: step 'b' can never be reached"),
    ("bad-priority", HEAD + "  - id: a\n    handoff: x\n    priority: urgent\n    reason: r\n",
     "priority must be one of emergency, high, normal"),
    ("wait-after-handoff",
     HEAD + "  - id: a\n    handoff: x\n    reason: r\n  - id: b\n    buttons: q\n"
     "    options: [{label: L, flow: menu}]\n",
     "extra.yml:7: step 'b' waits for an answer after a handoff"),
    ("service-type", HEAD + "  - id: a\n    lookup: pizza\n    text: t\n    empty: e\n",
     "unknown service type 'pizza'"),
    ("placeholder", HEAD + "  - id: a\n    say: 'Hi {name}'\n", "unknown placeholder '{name}'"),
    ("option-target", HEAD + "  - id: a\n    buttons: q\n    options: [{label: L}]\n",
     "needs a label and one target"),
    ("branch-without-else", HEAD + "  - id: a\n    branch: [{if: {slot: country}, goto: a}]\n",
     "ending with {else}"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_flows_are_refused_with_file_and_line(flows_dir, text, message):
    problems = _problems(flows_dir, "extra.yml", text)
    assert any(message in p for p in problems), problems


def test_taxonomy_coverage_and_unknown_intents(flows_dir):
    problems = _problems(
        flows_dir, "extra.yml", HEAD.replace("steps", "intents: [weather]\nsteps") +
        "  - id: a\n    say: x\n", taxonomy=["greet", "shelter", "ask_human", "goodbye"],
    )  # fmt: skip
    assert "flows: no flow starts on intent 'goodbye'" in problems
    assert any("intent 'weather' is not in the taxonomy" in p for p in problems)


def test_a_required_flow_missing(flows_dir):
    (flows_dir / "menu.yml").unlink()
    with pytest.raises(FlowError) as error:
        load_flows(flows_dir)
    assert any("the 'menu' flow is missing" in p for p in error.value.problems)


def test_an_intent_started_by_two_flows(flows_dir):
    problems = _problems(
        flows_dir, "extra.yml", HEAD.replace("steps", "intents: [shelter]\nsteps") +
        "  - id: a\n    say: x\n",
    )  # fmt: skip
    assert any("intent 'shelter' already starts flow" in p for p in problems)


def test_valid_flows_have_a_stable_version(flows_dir):
    first = load_flows(flows_dir).version
    assert load_flows(flows_dir).version == first
    (flows_dir / "sub.yml").write_text((flows_dir / "sub.yml").read_text() + "\n# edited\n")
    assert load_flows(flows_dir).version != first
