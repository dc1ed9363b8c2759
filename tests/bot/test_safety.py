"""The safety policy, alone and through the turn."""

from sqlalchemy import select

from bot import safety
from bot import safety_texts as texts
from bot.channels.base import InboundMessage
from bot.dialogue.services import Service
from bot.dialogue.state import ConversationState
from bot.i18n import translate
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
    assert decision.replies[0].text == texts.SELF_HARM
    assert decision.replies[1].text == "Emergency numbers:\nSerbia: Police — 192"


def test_emergency_without_a_country_lists_every_country():
    decision = safety.assess(risk("immediate_danger", "document_retention"), state(), SERVICES)
    numbers = decision.replies[1].text
    assert "Kosovo: Emergency — 112" in numbers and "Serbia: Police — 192; SOS — 116 000" in numbers


async def test_a_cry_for_help_gets_the_emergency_answer_and_an_emergency_case(runtime):
    message = InboundMessage("terminal", "someone", "I don't want to live anymore")
    replies = await handle_turn(message, runtime.turn)
    assert replies[0].text == texts.SELF_HARM
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
    assert replies[0].text == texts.HIGH
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert case.priority == "high"


async def test_a_lost_passport_gets_the_documents_answer_and_no_case(runtime):
    replies = await handle_turn(InboundMessage("terminal", "p", "I lost my passport"), runtime.turn)
    assert all(r.text not in (texts.HIGH, texts.SELF_HARM) for r in replies)
    async with runtime.turn.sessions() as session:
        assert await session.scalar(select(Case)) is None


async def test_a_high_case_respects_a_no(runtime):
    user = "worker-no"
    text = "my boss keeps my passport and says I owe him 3000 euro"
    first = await handle_turn(InboundMessage("terminal", user, text), runtime.turn)
    assert [b.payload for b in first[0].buttons] == ["/decline"]
    assert first[-1].text == texts.SAFE_PHONE_QUESTION  # asked once, before going on
    answered = await handle_turn(InboundMessage("terminal", user, "/safe yes"), runtime.turn)
    assert answered[0].text == texts.SAFE_NOTED and len(answered) > 1  # then the flow's answer
    replies = await handle_turn(InboundMessage("terminal", user, "no"), runtime.turn)
    assert [r.text for r in replies] == [texts.DECLINED]
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert (case.status, case.outcome) == ("closed", "declined_by_person")
    # The bot has the conversation again and answers questions.
    replies = await handle_turn(
        InboundMessage("terminal", user, "where can I sleep?"), runtime.turn
    )
    assert replies and replies[-1].text == "Which country are you in now?"


async def test_the_decline_button_closes_the_high_case(runtime):
    user = "worker-button"
    text = "my boss keeps my passport and says I owe him 3000 euro"
    await handle_turn(InboundMessage("terminal", user, text), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "/decline"), runtime.turn)
    assert [r.text for r in replies] == [texts.DECLINED]


async def test_an_emergency_case_cannot_be_declined_with_a_no(runtime):
    user = "in-danger"
    await handle_turn(InboundMessage("terminal", user, "I want to kill myself"), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "no"), runtime.turn)
    assert replies == []  # stays with the caseworker
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert case.status == "open" and case.priority == "emergency"


def test_what_counts_as_a_no_to_the_case_offered():
    def declines(text, parse=None):
        s = state(handoff=True, may_decline=True, slots={"safe_phone": "yes"})
        answer = safety.answer_prompt(s, text, parse or {})
        return answer is not None and answer.decline and not s.handoff

    assert declines("No.") and declines("нет") and declines("لا") and declines("/decline")
    assert not declines("no, they also took my phone and I cannot leave")
    assert declines("i dont want that", {"intent": {"name": "deny", "confidence": 0.9}})


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
    assert replies and replies[0].text == texts.EMERGENCY_OPENING
    async with runtime.turn.sessions() as session:
        cases = (await session.scalars(select(Case))).all()
    assert len(cases) == 1 and cases[0].priority == "emergency"


def test_the_safe_phone_question_is_asked_once_before_anything_sensitive():
    s = state()
    decision = safety.assess(risk("deception"), s, SERVICES)
    assert decision.replies[0].text == texts.MEDIUM
    assert decision.replies[-1].text == texts.SAFE_PHONE_QUESTION
    assert [b.payload for b in decision.replies[-1].buttons] == ["/safe yes", "/safe no"]
    assert safety.answer_prompt(s, "yes", {}).replies[0].text == texts.SAFE_NOTED
    decision = safety.assess(risk("debt_bondage"), s, SERVICES)  # high now: not asked again
    assert [r.text for r in decision.replies] == [texts.HIGH]


def test_not_safe_switches_to_short_plain_wording():
    s = state()
    safety.assess(risk("deception"), s, SERVICES)
    answer = safety.answer_prompt(s, "no", {})  # answers the safe-phone question
    assert answer.replies[0].text == texts.DISCREET_ON and not answer.decline
    decision = safety.assess(risk("document_retention"), s, SERVICES)
    assert decision.replies[0].text == texts.HIGH_DISCREET
    for word in ("trafficking", "exploitation", "victim", "police", "abuse"):
        assert word not in texts.HIGH_DISCREET.lower() + texts.DISCREET_ON.lower()


def test_isolation_suggests_a_watched_phone():
    s = state()
    decision = safety.assess(risk("isolation"), s, SERVICES)
    assert s.slots["discreet"] == "on"
    assert [r.text for r in decision.replies[:2]] == [texts.MEDIUM_DISCREET, texts.DISCREET_ON]


def test_an_unanswered_safe_phone_question_is_not_asked_again():
    s = state()
    safety.assess(risk("deception"), s, SERVICES)
    assert safety.answer_prompt(s, "how do I get a work permit?", {}) is None
    assert s.slots["safe_phone"] == "unanswered"
    assert safety.answer_prompt(s, "no", {}) is None  # no longer read as "not safe"


async def test_clear_asks_the_channel_to_wipe_the_chat_and_goes_discreet(runtime):
    user = "quick-exit"
    await handle_turn(InboundMessage("terminal", user, "they took my phone"), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "/clear"), runtime.turn)
    assert len(replies) == 1 and replies[0].clear_chat and replies[0].text == texts.CLEARED
    replies = await handle_turn(
        InboundMessage("terminal", user, "my boss keeps my passport"), runtime.turn
    )
    assert replies[0].text == texts.HIGH_DISCREET


async def test_the_emergency_answer_is_in_the_persons_language(runtime):
    message = InboundMessage("terminal", "arabic-speaker", "اريد ان انتحر، لم اعد احتمل")
    replies = await handle_turn(message, runtime.turn)
    assert replies[0].locale == "ar"
    assert replies[0].text == translate("ar", texts.SELF_HARM) != texts.SELF_HARM
    assert replies[1].text.startswith(translate("ar", texts.EMERGENCY_NUMBERS))


async def test_the_chosen_language_wins_over_the_detected_one(runtime):
    user = "chose-french"
    await handle_turn(InboundMessage("terminal", user, "/language"), runtime.turn)
    await handle_turn(InboundMessage("terminal", user, "/set language fr"), runtime.turn)
    replies = await handle_turn(InboundMessage("terminal", user, "I want to die"), runtime.turn)
    assert replies[0].text == translate("fr", texts.SELF_HARM) != texts.SELF_HARM
