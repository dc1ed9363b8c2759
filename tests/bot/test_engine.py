"""The flow engine, step kind by step kind, on the small flows in tests/bot/data/flows."""

from pathlib import Path

import pytest

from bot.dialogue.engine import Engine
from bot.dialogue.flows import load_flows
from bot.dialogue.services import load_services
from bot.dialogue.state import ConversationState

FLOWS = Path(__file__).parent / "data" / "flows"


@pytest.fixture
def engine():
    return Engine(load_flows(FLOWS), load_services(FLOWS / "services"), fallback_confidence=0.5)


@pytest.fixture
def state():
    return ConversationState(conversation_id=1, contact_id=1, channel="test", locale="en")


def parse(intent, confidence=0.9, ranking=()):
    ranking = list(ranking) or [{"name": intent, "confidence": confidence}]
    return {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": ranking}


def talk(engine, state, text, intent=None, confidence=0.9, ranking=()):
    result = engine.respond(state, text, parse(intent, confidence, ranking) if intent else None)
    return result, [r.text for r in result.replies]


def test_say_ask_branch_lookup_buttons(engine, state):
    result, texts = talk(engine, state, "where can I sleep", "shelter")
    assert texts == ["Let us see.", "Which country are you in now?"]
    assert [b.payload for b in result.replies[-1].buttons] == [
        "/set country serbia",
        "/set country montenegro",
    ]
    assert state.waiting and state.step == "where"

    result, texts = talk(engine, state, "/set country serbia")
    assert state.slots == {"country": "serbia"}
    assert texts == ["Serbia it is.", "Emergency numbers in Serbia:\n• Police — 192", "Next?"]
    assert [b.label for b in result.replies[-1].buttons] == ["More", "Person", "Menu"]


def test_ask_accepts_label_and_number_and_re_asks_on_nonsense(engine, state):
    talk(engine, state, "sleep", "shelter")
    _, texts = talk(engine, state, "mars", "out_of_scope", 0.3)
    assert texts == ["Please choose a country."]
    assert state.waiting and "country" not in state.slots
    _, texts = talk(engine, state, "2")
    assert state.slots["country"] == "montenegro"
    assert texts[:2] == ["Somewhere else: Montenegro.", "No numbers for Montenegro."]


def test_a_new_confident_question_leaves_the_open_one(engine, state):
    talk(engine, state, "sleep", "shelter")
    result, texts = talk(engine, state, "i want a person", "ask_human")
    assert texts[0] == "A caseworker will answer."
    assert result.handoff.priority == "high" and result.handoff.reason == "test_reason"


def test_filled_slot_is_not_asked_again(engine, state):
    state.slots["country"] = "montenegro"
    _, texts = talk(engine, state, "sleep", "shelter")
    assert "Which country are you in now?" not in texts
    assert texts[1] == "Somewhere else: Montenegro."


def test_buttons_to_step_call_and_return(engine, state):
    state.slots["country"] = "serbia"
    talk(engine, state, "sleep", "shelter")
    _, texts = talk(engine, state, "More")  # a button's label typed
    assert texts == ["Inside sub.", "Back in shelter."]
    assert state.flow is None and not state.waiting  # the end step finished the flow


def test_button_payloads_to_intent_and_flow(engine, state):
    state.slots["country"] = "serbia"
    talk(engine, state, "sleep", "shelter")
    _, texts = talk(engine, state, "/flow menu")
    assert texts == ["What do you need?"]
    result, _ = talk(engine, state, "/intent ask_human")
    assert result.handoff is not None


def test_typed_text_that_is_not_an_option_is_understood_afresh(engine, state):
    talk(engine, state, "/menu")
    result, _ = talk(engine, state, "actually i need a person", "ask_human")
    assert result.handoff is not None


def test_goto_another_flow_and_commands(engine, state):
    _, texts = talk(engine, state, "/start")
    assert texts == ["Hello.", "What do you need?"]
    _, texts = talk(engine, state, "/language")
    assert texts == ["Which language?"]
    _, texts = talk(engine, state, "/set language fa")
    assert texts == ["Language: فارسی."]
    result, _ = talk(engine, state, "/human")
    assert result.handoff is not None and result.intent == "ask_human"


def test_lookup_for_unknown_country_can_list_every_country(engine, state):
    _, texts = talk(engine, state, "/human")
    assert texts == ["A caseworker will answer.", "Serbia: Police — 192"]


def test_not_understood_once_offers_likely_topics_twice_offers_a_person(engine, state):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "shelter", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},  # small talk is not offered
        {"name": "ask_human", "confidence": 0.05},
    ]
    result, texts = talk(engine, state, "hmm", "nlu_fallback", 0.3, ranking)
    assert texts == ["Sorry, I am not sure I understood. Is it about one of these?"]
    assert [b.payload for b in result.replies[0].buttons] == [
        "/intent shelter",
        "/intent ask_human",
    ]
    state.misses = 0  # look at the offer once more, with a shorter ranking
    result, _ = talk(engine, state, "hmm", "nlu_fallback", 0.3, ranking[:3])
    assert [b.label for b in result.replies[0].buttons] == ["A place to sleep", "Talk to a person"]
    state.misses = 1
    _, texts = talk(engine, state, "hmm again", "shelter", 0.2, ranking)
    assert texts == ["Still not understood."]
    _, texts = talk(engine, state, "sleep", "shelter")
    assert state.misses == 0 and texts[0] == "Let us see."


def test_a_flow_removed_under_a_waiting_conversation_starts_afresh(engine, state):
    state.flow, state.step, state.waiting = "gone", "nowhere", True
    _, texts = talk(engine, state, "sleep", "shelter")
    assert texts[0] == "Let us see."


def test_placeholders_use_choice_labels(engine, state):
    state.slots["language"] = "fa"
    assert engine.render("{language} / {country_name}", state) == "فارسی / "
