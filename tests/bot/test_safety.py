"""The safety policy, alone and through the turn."""

from sqlalchemy import select

from bot import safety
from bot.channels.base import InboundMessage
from bot.dialogue.services import Service
from bot.dialogue.state import ConversationState
from bot.pipeline import handle_turn
from bot.storage.models import Case

SERVICES = {
    "serbia": {"emergency": [Service("Police", "192", None, "test", None)],
               "anti_trafficking": [Service("SOS", "116 000", None, "test", None)]},
    "kosovo": {"emergency": [Service("Emergency", "112", None, "test", None)]},
}  # fmt: skip


def risk(*names):
    return {"risk": {"indicators": [{"name": n, "confidence": 0.9} for n in names]}}


def state(**kw):
    return ConversationState(1, 1, "test", "en", **kw)


def test_indicators_accumulate_and_the_level_never_drops():
    s = state()
    assert safety.assess(risk("deception"), s, SERVICES).level == "medium"
    decision = safety.assess(risk("withheld_wages"), s, SERVICES)
    assert decision.level == "high" and decision.handoff.priority == "high"
    assert safety.assess(risk(), s, SERVICES).level == "high"  # a calm message later
    assert s.risk_indicators == ["deception", "withheld_wages"]


def test_emergency_answers_first_with_the_country_numbers():
    s = state(slots={"country": "serbia"})
    decision = safety.assess(risk("self_harm"), s, SERVICES)
    assert decision.silence_flow and decision.handoff.priority == "emergency"
    assert decision.replies[0].text == safety.SELF_HARM
    assert decision.replies[1].text == "Emergency numbers:\nSerbia: Police — 192"


def test_emergency_without_a_country_lists_every_country():
    decision = safety.assess(risk("immediate_danger", "document_retention"), state(), SERVICES)
    numbers = decision.replies[1].text
    assert "Kosovo: Emergency — 112" in numbers and "Serbia: Police — 192; SOS — 116 000" in numbers


async def test_a_cry_for_help_gets_the_emergency_answer_and_an_emergency_case(runtime):
    message = InboundMessage("terminal", "someone", "I don't want to live anymore")
    replies = await handle_turn(message, runtime.turn)
    assert replies[0].text == safety.SELF_HARM
    assert replies[1].text.startswith("Emergency numbers:")
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert case.priority == "emergency" and "self_harm" in case.reason
    assert "self_harm" in case.risk_indicators


async def test_exploitation_opens_a_high_case_with_acknowledgement(runtime):
    message = InboundMessage(
        "terminal", "worker", "my boss keeps my passport and says I owe him 3000 euro"
    )
    replies = await handle_turn(message, runtime.turn)
    assert replies[0].text == safety.HIGH
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert case.priority == "high"


async def test_a_lost_passport_gets_the_documents_answer_and_no_case(runtime):
    replies = await handle_turn(InboundMessage("terminal", "p", "I lost my passport"), runtime.turn)
    assert all(r.text not in (safety.HIGH, safety.SELF_HARM) for r in replies)
    async with runtime.turn.sessions() as session:
        assert await session.scalar(select(Case)) is None


async def test_a_high_case_respects_a_no(runtime):
    user = "worker-no"
    text = "my boss keeps my passport and says I owe him 3000 euro"
    await handle_turn(InboundMessage("terminal", user, text), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "no"), runtime.turn)
    assert [r.text for r in replies] == [safety.DECLINED]
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert (case.status, case.outcome) == ("closed", "declined_by_person")
    # The bot has the conversation again and answers questions.
    replies = await handle_turn(
        InboundMessage("terminal", user, "where can I sleep?"), runtime.turn
    )
    assert replies and replies[-1].text == "Which country are you in now?"


async def test_an_emergency_case_cannot_be_declined_with_a_no(runtime):
    user = "in-danger"
    await handle_turn(InboundMessage("terminal", user, "I want to kill myself"), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "no"), runtime.turn)
    assert replies == []  # stays with the caseworker
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert case.status == "open" and case.priority == "emergency"


def test_what_counts_as_a_no():
    assert safety.declines({}, "No.") and safety.declines({}, "нет") and safety.declines({}, "لا")
    assert not safety.declines({}, "no, they also took my phone and I cannot leave")
    assert safety.declines({"intent": {"name": "deny", "confidence": 0.9}}, "i dont want that")


async def test_an_emergency_during_a_handoff_is_answered_and_raises_the_case(runtime):
    user = "waiting"
    await handle_turn(
        InboundMessage("terminal", user, "I want to talk to a real person"), runtime.turn
    )
    quiet = await handle_turn(InboundMessage("terminal", user, "ok I will wait"), runtime.turn)
    assert quiet == []  # the bot is silent while a caseworker has the conversation
    replies = await handle_turn(
        InboundMessage("terminal", user, "they are beating us right now, help"), runtime.turn
    )
    assert replies and replies[0].text == safety.EMERGENCY_OPENING
    async with runtime.turn.sessions() as session:
        cases = (await session.scalars(select(Case))).all()
    assert len(cases) == 1 and cases[0].priority == "emergency"
