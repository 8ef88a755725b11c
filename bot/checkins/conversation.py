"""A check-in as the participant meets it: one question at a time, answers kept as given."""

from __future__ import annotations

from datetime import timedelta

from bot import alerts
from bot import participants as people
from bot.checkins import store
from bot.checkins.scoring import subscales
from bot.content.checkin_schema import Question, Questionnaire
from bot.engine import callbacks as cb
from bot.engine.context import TurnContext
from bot.engine.navigator import Pending
from bot.engine.steps import SCALE, fill, scale_rows
from bot.engine.types import Button, Reply
from bot.models import AlertKind, CheckIn
from bot.models import CheckInStatus as S

CHECKIN = "q"  # q|checkin id|question index|key: a check-in answer
CONTACT = "k"  # k|checkin id: "please contact me" after reported use
MAX_TEXT_ANSWER = 256
RECENT = timedelta(hours=1)  # a check-in touched this recently is what the participant is in
# Where a check-in can still take answers; 'unknown' ones may well have arrived.
OPEN = (S.SENT, S.MISSED, S.UNKNOWN)


class CheckInTalk:
    """Asks and records one participant's check-in answers within a turn."""

    def __init__(self, ctx: TurnContext) -> None:
        self.ctx = ctx
        self.session = ctx.session

    def questionnaire(self, checkin: CheckIn) -> Questionnaire:
        return self.ctx.lang.questionnaires[checkin.questionnaire]

    def opening(self, checkin: CheckIn) -> list[Reply]:
        """One message opens a check-in: a hello, then the first question with its buttons."""
        intro = fill(self.questionnaire(checkin).intro, self.ctx.values())
        return _joined(intro, self.next_question(checkin, {}))

    def reminder(self, checkin: CheckIn) -> list[Reply]:
        """One message: a gentle nudge, then the first question still unanswered."""
        given = store.answers(session=self.session, checkin_id=_id(checkin))
        return _joined(self.ctx.text_of("checkin_reminder"), self.next_question(checkin, given))

    def next_question(self, checkin: CheckIn, given: dict[str, str]) -> list[Reply]:
        questionnaire = self.questionnaire(checkin)
        for index, question in enumerate(questionnaire.questions):
            if question.id not in given:
                return [self.render(checkin, questionnaire, index)]
        return []

    def render(self, checkin: CheckIn, questionnaire: Questionnaire, index: int) -> Reply:
        question = questionnaire.questions[index]

        def data(key: str | int) -> str:
            return cb.encode(CHECKIN, _id(checkin), index, key)

        rows: list[tuple[Button, ...]]
        if question.kind == "scale":
            rows = scale_rows(data)
        else:
            rows = [(Button(o.label, data(i)),) for i, o in enumerate(question.options)]
        if question.optional:
            rows.append((Button(self.ctx.lang.messages.buttons.skip, data(cb.SKIP)),))
        counter = f"({index + 1}/{len(questionnaire.questions)}) "
        return Reply(counter + fill(question.text, self.ctx.values()), tuple(rows))

    def button(self, checkin_id: str, index: str, key: str) -> list[Reply]:
        """A tapped answer; a forged or stale one is answered kindly and stores nothing."""
        checkin = self._own(checkin_id)
        if checkin is None:
            return [self.ctx.say("checkin_closed")]
        questionnaire = self.questionnaire(checkin)
        if not index.isdigit() or int(index) >= len(questionnaire.questions):
            return [self.ctx.say("unknown_button")]
        question = questionnaire.questions[int(index)]
        value = _value(question, key)
        if value is None:
            return [self.ctx.say("unknown_button")]
        return self.record(checkin, question, value)

    def text(self, text: str) -> list[Reply] | None:
        """Typed text answers the open check-in when its next question asks for text."""
        person_id = self.ctx.participant_id
        for checkin in store.open_checkins(session=self.session, participant_id=person_id):
            given = store.answers(session=self.session, checkin_id=_id(checkin))
            waiting = [q for q in self.questionnaire(checkin).questions if q.id not in given]
            if waiting and waiting[0].kind == "text":
                answer = " ".join(text.split())
                if len(answer) > MAX_TEXT_ANSWER:  # never cut: say the limit, ask again
                    limit = self.ctx.say("too_long", value=str(MAX_TEXT_ANSWER))
                    return [limit, *self.next_question(checkin, given)]
                return self.record(checkin, waiting[0], answer)
        return None

    def contact(self, checkin_id: str) -> list[Reply]:
        """'Please contact me' under the reply to reported use; then the question still open."""
        checkin = self._own(checkin_id, closed_too=True)
        if checkin is None:
            return [self.ctx.say("unknown_button")]
        self._alert(AlertKind.CONTACT_REQUEST, checkin)
        waiting = self.next_question(
            checkin, store.answers(session=self.session, checkin_id=_id(checkin))
        )
        return [self.ctx.promise_contact(), *(waiting if checkin.answered_at is None else [])]

    def pending(self) -> Pending | None:
        """The open check-in the participant is answering: outside any flow, or answered or
        sent within the last hour (a lesson left open does not hide it)."""
        p, now = self.ctx.participant, self.ctx.now
        for checkin in store.open_checkins(
            session=self.session, participant_id=self.ctx.participant_id
        ):
            question = self.next_question(
                checkin, store.answers(session=self.session, checkin_id=_id(checkin))
            )
            if not question:
                continue
            latest = store.last_answered(session=self.session, checkin_id=_id(checkin))
            moments = [m for m in (checkin.sent_at, latest) if m is not None]
            if p.flow is None or any(now - m < RECENT for m in moments):
                return Pending(where(checkin), question)
        return None

    def record(self, checkin: CheckIn, question: Question, value: str) -> list[Reply]:
        given = store.answers(session=self.session, checkin_id=_id(checkin))
        if question.id in given:
            return [self.ctx.say("checkin_already"), *self.next_question(checkin, given)]
        ctx = self.ctx
        if checkin.status == S.UNKNOWN:  # it did arrive after all: no longer for staff to review
            checkin.status, checkin.sent_at = S.SENT, checkin.claimed_at
            alerts.close(
                session=self.session, participant_id=ctx.participant_id,
                kind=AlertKind.DELIVERY_UNKNOWN, context=where(checkin), now=ctx.now,
            )  # fmt: skip
            self.session.add(checkin)
        people.record_answer(
            session=self.session, participant=ctx.participant,
            flow=f"checkin:{checkin.questionnaire}", question=question.id, value=value,
            checkin_id=checkin.id, version=ctx.version(f"checkin:{checkin.questionnaire}"),
            now=ctx.now,
        )  # fmt: skip
        given[question.id] = value
        replies: list[Reply] = []
        signal = next((o.signal for o in question.options if o.value == value), None)
        if signal == "use":
            self._alert(AlertKind.USE_REPORTED, checkin)
            offer = Button(ctx.lang.messages.buttons.contact_me, cb.encode(CONTACT, _id(checkin)))
            replies.append(Reply(ctx.text_of("use_support"), ((offer,),)))
        elif signal == "contact":
            self._alert(AlertKind.CONTACT_REQUEST, checkin)
            replies.append(ctx.promise_contact())
        following = self.next_question(checkin, given)
        if following:
            return [*replies, *following]
        return [*replies, *self.finish(checkin, given)]

    def finish(self, checkin: CheckIn, given: dict[str, str]) -> list[Reply]:
        questionnaire = self.questionnaire(checkin)
        checkin.status, checkin.answered_at = S.ANSWERED, self.ctx.now
        checkin.content_version = self.ctx.lang.versions[f"checkin:{checkin.questionnaire}"]
        scores = {
            q.bam: option.score
            for q in questionnaire.questions
            for option in q.options
            if q.bam is not None and option.score is not None and given.get(q.id) == option.value
        }
        if scores:
            totals = subscales(scores)
            checkin.score_use = totals["use"]
            checkin.score_risk = totals["risk"]
            checkin.score_protective = totals["protective"]
            before = store.previous_risk(session=self.session, checkin=checkin)
            rise = self.ctx.content.follow_up.risk_rise_alert
            risk = checkin.score_risk
            if before is not None and risk is not None and risk - before >= rise:
                self._alert(AlertKind.RISK_RISE, checkin)
        self.session.add(checkin)
        return [Reply(fill(questionnaire.outro, self.ctx.values()))]

    def _own(self, checkin_id: str, *, closed_too: bool = False) -> CheckIn | None:
        """The participant's own check-in, if it can still take answers."""
        if not checkin_id.isdigit():
            return None
        checkin = self.session.get(CheckIn, int(checkin_id))
        if checkin is None or checkin.participant_id != self.ctx.participant.id:
            return None
        if closed_too:
            return checkin
        arrived = checkin.sent_at is not None or checkin.status == S.UNKNOWN
        still_open = checkin.status in OPEN and checkin.answered_at is None
        return checkin if still_open and arrived else None

    def _alert(self, kind: AlertKind, checkin: CheckIn) -> None:
        self.ctx.alert(kind, where(checkin))


def where(checkin: CheckIn) -> str:
    """How staff see which check-in a flag is about."""
    return f"check-in day {checkin.day}"


def _joined(text: str, question: list[Reply]) -> list[Reply]:
    """A line of text above a question, in the question's message."""
    if not question:
        return [Reply(text)]
    return [Reply(f"{text}\n\n{question[0].text}", question[0].buttons)]


def _value(question: Question, key: str) -> str | None:
    """The stored value for a tapped key, or None when the key does not fit the question."""
    if key == cb.SKIP:
        return "" if question.optional else None
    if not key.isdigit():
        return None
    number = int(key)
    if question.kind == "scale":
        return str(number) if number in SCALE else None
    if number < len(question.options):
        return question.options[number].value
    return None


def _id(checkin: CheckIn) -> int:
    assert checkin.id is not None
    return checkin.id
