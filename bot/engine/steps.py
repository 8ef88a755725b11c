"""Turning a flow step into a message, and finding where each button leads."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bot.content.checks import PLACEHOLDER
from bot.content.loader import DEFAULT_LANGUAGE, Content, Language
from bot.content.schema import WEEKDAYS, Flow, Localized, Option, Step
from bot.engine import callbacks as cb
from bot.engine.fields import clock_minutes, format_time, zone_name
from bot.engine.types import Button, Reply
from bot.models import Participant

END = ""  # the position past a flow's last step
SCALE = range(11)  # 0 to 10
CHOSEN = "➤ "  # the answer under a question that is done (a quiz's wrong answer too)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Put values into {placeholders}; the content check makes sure every name is known."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def values_for(content: Content, language: Language, participant: Participant) -> dict[str, str]:
    """Everything a text may mention about the clinic and the participant."""
    clinic, texts = content.clinic, language.messages.texts
    minute, zone, clock = participant.message_minute, participant.timezone, language.messages.clock

    def local(text: Localized) -> str:
        return text.get(language.code) or text[DEFAULT_LANGUAGE]

    def day(name: str) -> str:
        return language.messages.weekdays[WEEKDAYS.index(name)]

    def hours(start: str, end: str) -> str:
        return (
            f"{format_time(clock_minutes(start), clock)}-{format_time(clock_minutes(end), clock)}"
        )

    return {
        "name": participant.preferred_name or texts.name_fallback,
        "timezone": zone_name(zone, zone_labels(language)) if zone else texts.not_set,
        "time": format_time(minute, clock) if minute is not None else texts.not_set,
        "language": language.messages.language_name,
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
        "clinic_address": clinic.address,
        "clinic_hours": local(clinic.hours),
        "program_weeks": str(clinic.program_weeks),
        "schedule": "\n".join(
            f"• {day(s.day)} {hours(s.start, s.end)}: {local(s.title)}" for s in clinic.schedule
        ),
        "rules": "\n".join(f"• {local(rule)}" for rule in clinic.rules),
        "paperwork": "\n".join(f"☐ {local(item.text)}" for item in clinic.paperwork),
        "crisis_lines": "\n".join(
            f"• {local(line.name)}: {local(line.how)}" for line in clinic.crisis_lines
        ),
    }


def zone_labels(language: Language) -> list[tuple[str, str]]:
    """The time zone buttons of the content, as (label, zone): how places are named."""
    return [
        (option.label, option.value)
        for flow in language.flows.values()
        for step in flow.steps
        if step.ask == "timezone"
        for option in step.options
        if option.value
    ]


def carry_on_row(language: Language) -> tuple[tuple[Button, ...], ...]:
    """A button back to where the participant was."""
    return ((Button(language.messages.buttons.carry_on, cb.CARRY_ON),),)


def find_step(flow: Flow, step_id: str | None) -> Step | None:
    return next((s for s in flow.steps if s.id == step_id), None)


def following(flow: Flow, step: Step) -> str:
    """Where Next leads: the step's own link, else the next step in the file, else the end."""
    if step.next:
        return step.next
    index = flow.steps.index(step)
    return flow.steps[index + 1].id if index + 1 < len(flow.steps) else END


def toggles(step: Step) -> list[Option]:
    """A multi-select step's options: each tap adds its label to the plan or takes it off,
    and the step stays (the option's goto is the step itself)."""
    return [o for o in step.options if o.save and o.goto == step.id]


def answered(
    step: Step, values: Mapping[str, str], labels: Sequence[str], mark: str = CHOSEN
) -> Reply:
    """The question as it was asked, with what was chosen and no buttons: it is done."""
    chosen = "\n".join(f"{mark}{fill(label, values)}" for label in labels)
    return Reply(fill(step.text, values) + (f"\n\n{chosen}" if chosen else ""), replace=True)


def scale_rows(data: Callable[[int], str]) -> list[tuple[Button, ...]]:
    """Buttons 0 to 10 in two rows, for any 0 to 10 rating."""
    numbers = [Button(str(n), data(n)) for n in SCALE]
    return [tuple(numbers[:6]), tuple(numbers[6:])]


def render(
    flow: Flow,
    step: Step,
    language: Language,
    values: Mapping[str, str],
    *,
    can_go_back: bool,
    marks: Mapping[int, str] | None = None,
) -> Reply:
    """The step's text with its option buttons and the navigation row."""
    labels = language.messages.buttons

    def data(key: str | int) -> str:
        return cb.encode(cb.STEP, flow.id, step.id, key)

    marks = marks or {}
    rows: list[tuple[Button, ...]] = [
        (Button(marks.get(index, "") + fill(option.label, values), data(index)),)
        for index, option in enumerate(step.options)
    ]
    if step.kind == "scale":
        rows += scale_rows(data)
    if step.kind == "ask" and step.skip:
        rows.append((Button(labels.skip, data(cb.SKIP)),))
    nav: list[Button] = []
    if can_go_back:
        nav.append(Button(labels.back, data(cb.BACK)))
    if step.kind == "card":
        last = following(flow, step) == END
        nav.append(Button(labels.finish if last else labels.next, data(cb.NEXT)))
    if nav:
        rows.append(tuple(nav))
    if flow.can_pause:
        rows.append((Button(labels.later, data(cb.LATER)),))
    return Reply(fill(step.text, values), tuple(rows))


def names_substances(language: Language, participant: Participant) -> bool:
    """Whether the participant's current step asks which substances they use."""
    flow = language.flows.get(participant.flow or "")
    step = find_step(flow, participant.step) if flow else None
    return step is not None and step.names_substances
