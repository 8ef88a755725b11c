"""Checks across files: links, limits, placeholders, translations, stored answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.content.checkin_schema import Questionnaire
from bot.content.files import Path_, Problem, YamlFile
from bot.content.schema import Clinic, CrisisWords, Flow, Messages
from bot.content.together import check_together
from bot.safety.patterns import PatternError, normal_spellings, to_regex, words

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Telegram's limits: 4096 characters a message; button labels get cut on phones past ~40.
MAX_TEXT = 4096
MAX_LABEL = 40
PLACEHOLDERS = frozenset(
    {
        "name", "value", "timezone", "time", "language",
        "clinic_name", "clinic_phone", "clinic_address", "clinic_hours", "program_weeks",
        "schedule", "rules", "paperwork", "crisis_lines", "plan_items",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Needs:
    """What the code asks of the content: flows it opens by id, steps it shows live
    ("flow:step"), and the names content may use for actions (`do:`), stored answers (`ask:`)
    and pages (`goto:`)."""

    flows: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    steps: frozenset[str] = frozenset()


def strings(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every string in a parsed file, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*path, index))


def check_strings(file: YamlFile, placeholder: Any) -> Iterator[Problem]:
    """Unknown {placeholders}, texts too long for Telegram, labels too long for a button."""
    for path, text in strings(file.data):
        for name in placeholder.findall(text):
            if name not in PLACEHOLDERS:
                yield file.problem(
                    f"'{{{name}}}' is not a word the bot fills in; use one of "
                    + ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS)),
                    *path,
                )
        if len(text) > MAX_TEXT:
            yield file.problem(
                f"this text has {len(text)} characters; Telegram allows {MAX_TEXT}", *path
            )
        if path and path[-1] == "label" and len(text) > MAX_LABEL:
            yield file.problem(
                f"this button label has {len(text)} characters; keep it to {MAX_LABEL}", *path
            )


def valid_target(target: str, steps: Iterable[str], flows: Iterable[str], needs: Needs) -> bool:
    if target in needs.targets:
        return True
    if target.startswith("flow:"):
        return target.removeprefix("flow:") in flows
    return target in steps


def check_messages(
    messages: Messages, file: YamlFile, flows: set[str], needs: Needs
) -> Iterator[Problem]:
    ids: set[str] = set()
    for index, item in enumerate(messages.menu):
        if item.id in ids:
            yield file.problem(f"menu id '{item.id}' is used twice", "menu", index, "id")
        ids.add(item.id)
        if not valid_target(item.goto, (), flows, needs):
            yield file.problem(
                f"menu item '{item.id}' goes to '{item.goto}', which does not exist: "
                f"use {_names(needs.targets)} or flow:<flow id>",
                "menu",
                index,
                "goto",
            )


def check_crisis(crisis: CrisisWords, file: YamlFile) -> Iterator[Problem]:
    """Every pattern can match; spellings are single words; nothing is listed twice."""
    for key, value in crisis.spellings.items():
        found = words(key)
        if len(found) != 1:
            yield file.problem(
                f"the spelling '{key}' should be a single word (what people type)",
                "spellings", key,
            )  # fmt: skip
        elif not words(value):
            yield file.problem(f"the spelling '{key}' needs words after ':'", "spellings", key)
        elif found == words(value):
            yield file.problem(
                f"the spelling '{key}: {value}' is not needed: capitals, accents and repeated "
                "letters are already ignored",
                "spellings", key, warning=True,
            )  # fmt: skip
    spellings = normal_spellings(crisis.spellings)
    seen: dict[str, str] = {}
    for kind in ("overdose", "mixing", "crisis", "not_crisis", "use"):
        patterns: tuple[str, ...] = getattr(crisis, kind)
        for index, pattern in enumerate(patterns):
            try:
                regex = to_regex(pattern, spellings)
            except PatternError as error:
                yield file.problem(f"{kind} pattern '{pattern}': {error}", kind, index)
                continue
            first = seen.get(regex)
            if first is None:
                seen[regex] = kind
                continue
            if first != kind and "not_crisis" in (first, kind):
                yield file.problem(
                    f"'{pattern}' is under both {first} and {kind}: keep it in one of them",
                    kind, index,
                )  # fmt: skip
            else:
                yield file.problem(
                    f"'{pattern}' reads the same as a pattern above it under {first}: "
                    "remove one",
                    kind, index, warning=True,
                )  # fmt: skip
    yield from check_together(crisis, file)


def check_flow(flow: Flow, file: YamlFile, flows: set[str], needs: Needs) -> Iterator[Problem]:
    """Duplicate ids, links to nowhere, unknown actions, steps whose kind and fields disagree."""
    step_ids: set[str] = set()
    for index, step in enumerate(flow.steps):
        if step.id in step_ids:
            yield file.problem(
                f"step id '{step.id}' is used twice in this flow", "steps", index, "id"
            )
        step_ids.add(step.id)
    for index, step in enumerate(flow.steps):
        at: Path_ = ("steps", index)
        name = f"step '{step.id}'"
        if step.kind in {"choice", "quiz"} and not step.options:
            yield file.problem(f"{name} is a {step.kind} but has no options", *at)
        if step.kind == "card" and step.options:
            yield file.problem(
                f"{name} is a card, so it cannot have options; add 'kind: choice'", *at, "options"
            )
        if step.kind == "quiz" and sum(o.correct for o in step.options) != 1:
            yield file.problem(
                f"quiz {name} needs exactly one option with 'correct: true'", *at, "options"
            )
        if step.kind == "scale" and step.options:
            yield file.problem(f"{name} is a scale (0 to 10), so it has no options", *at, "options")
        if step.repeat_at is not None and step.high_goto is None:
            yield file.problem(f"{name} has 'repeat_at', so it needs 'high_goto' too", *at)
        if (step.high is None) != (step.high_goto is None):
            yield file.problem(f"{name} needs both 'high' and 'high_goto', or neither", *at)
        if (step.wait_minutes is None) != (step.wait_text is None):
            yield file.problem(f"{name} needs both 'wait_minutes' and 'wait_text', or neither", *at)
        if step.kind == "ask" and step.ask is None:
            yield file.problem(f"ask {name} needs 'ask:' (what to store)", *at)
        if step.ask is not None and step.ask not in needs.fields:
            yield file.problem(
                f"{name} asks for '{step.ask}', which the bot does not know: "
                f"use one of {_names(needs.fields)}",
                *at, "ask",
            )  # fmt: skip
        for i, option in enumerate(step.options):
            if option.do is not None and option.do not in needs.actions:
                yield file.problem(
                    f"option {i + 1} of {name} does '{option.do}', which the bot does not know: "
                    f"use one of {_names(needs.actions)}",
                    *at, "options", i, "do",
                )  # fmt: skip
        if step.kind != "ask" and step.ask is not None:
            yield file.problem(f"{name} has 'ask:' but is not an ask step", *at, "ask")
        links: list[tuple[str, Path_]] = [(step.next, (*at, "next"))] if step.next else []
        if step.high_goto:
            links.append((step.high_goto, (*at, "high_goto")))
        links += [
            (option.goto, (*at, "options", i, "goto"))
            for i, option in enumerate(step.options)
            if option.goto
        ]
        for target, path in links:
            if not valid_target(target, step_ids, flows, needs):
                yield file.problem(
                    f"{name} goes to '{target}', which does not exist: add it or fix the link",
                    *path,
                )
    reachable = _reachable(flow)
    for index, step in enumerate(flow.steps):
        if step.id not in reachable:
            yield file.problem(
                f"step '{step.id}' cannot be reached from the start of this flow: "
                "link to it, or remove it",
                "steps", index, "id", warning=True,
            )  # fmt: skip


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _reachable(flow: Flow) -> set[str]:
    """Steps a participant can get to from the first one, by Next, Skip or an option."""
    ids = [step.id for step in flow.steps]
    seen: set[str] = set()
    todo = [ids[0]]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in ids:
            continue
        seen.add(step_id)
        index = ids.index(step_id)
        step = flow.steps[index]
        after = step.next or (ids[index + 1] if index + 1 < len(ids) else None)
        targets = [o.goto for o in step.options if o.goto]
        if step.high_goto:
            targets.append(step.high_goto)
        # Without a goto on every option, the step also leads on to the next one.
        if step.kind in {"card", "ask", "scale"} or len(targets) < len(step.options) or step.skip:
            targets.append(after or "")
        todo += [t for t in targets if t]
    return seen


def check_translation(
    flow: Flow, file: YamlFile, original: Flow, original_file: YamlFile
) -> Iterator[Problem]:
    """A translated flow must have the same steps, options and links as the original."""
    theirs = {step.id: step for step in original.steps}
    ours = {step.id for step in flow.steps}
    for step_id in theirs.keys() - ours:
        yield file.problem(
            f"step '{step_id}' is missing here; {original_file.name} has it", "steps"
        )
    for index, step in enumerate(flow.steps):
        other = theirs.get(step.id)
        if other is None:
            yield file.problem(
                f"step '{step.id}' is not in {original_file.name}; add it there too or remove it",
                "steps",
                index,
                "id",
            )
            continue
        mine = (step.kind, step.ask, step.next, step.skip, len(step.options), step.high,
                step.high_goto, step.repeat_at, step.wait_minutes, step.progress,
                step.screener, step.names_substances)  # fmt: skip
        theirs_s = (other.kind, other.ask, other.next, other.skip, len(other.options), other.high,
                    other.high_goto, other.repeat_at, other.wait_minutes,
                    other.progress, other.screener, other.names_substances)  # fmt: skip
        if mine != theirs_s:
            yield file.problem(
                f"step '{step.id}' should have the same kind, links, number of options and "
                f"names_substances as in {original_file.name}",
                "steps",
                index,
            )
            continue
        # What a plan_item button stores is the participant's own words: translated too.
        same_value = step.ask != "plan_item"
        for i, (option, twin) in enumerate(zip(step.options, other.options, strict=True)):
            mine_o = (option.goto, option.do, option.correct, option.save, option.score)
            theirs_o = (twin.goto, twin.do, twin.correct, twin.save, twin.score)
            if mine_o != theirs_o or (same_value and option.value != twin.value):
                yield file.problem(
                    f"option {i + 1} of step '{step.id}' should have the same goto, do, "
                    f"correct, save, score and value as in {original_file.name}",
                    "steps",
                    index,
                    "options",
                    i,
                )


def check_messages_translation(
    messages: Messages, file: YamlFile, original: Messages, original_file: YamlFile
) -> Iterator[Problem]:
    if [(m.id, m.goto) for m in messages.menu] != [(m.id, m.goto) for m in original.menu]:
        yield file.problem(
            f"the menu should have the same ids and gotos, in the same order, as in "
            f"{original_file.name}",
            "menu",
        )
    if [c.hours for c in messages.remind_choices] != [c.hours for c in original.remind_choices]:
        yield file.problem(
            f"remind_choices should have the same hours as in {original_file.name}",
            "remind_choices",
        )


def check_clinic_languages(
    clinic: Clinic, file: YamlFile, codes: Iterable[str]
) -> Iterator[Problem]:
    """Every clinic text must be there in every language the content has."""
    texts: list[tuple[dict[str, str], Path_]] = [(clinic.hours, ("hours",))]
    texts += [(s.title, ("schedule", i, "title")) for i, s in enumerate(clinic.schedule)]
    texts += [(rule, ("rules", i)) for i, rule in enumerate(clinic.rules)]
    texts += [(item.text, ("paperwork", i, "text")) for i, item in enumerate(clinic.paperwork)]
    for i, barrier in enumerate(clinic.barriers):
        at: Path_ = ("barriers", i)
        texts += [(barrier.label, (*at, "label")), (barrier.help, (*at, "help"))]
    for i, line in enumerate(clinic.crisis_lines):
        texts += [(line.name, ("crisis_lines", i, "name")), (line.how, ("crisis_lines", i, "how"))]
    for text, path in texts:
        for code in sorted(set(codes) - text.keys()):
            yield file.problem(f"the '{code}' text is missing here", *path)


def check_questionnaire(questionnaire: Questionnaire, file: YamlFile) -> Iterator[Problem]:
    """Unique ids and BAM items; buttons only where the kind of question has them."""
    seen: set[str] = set()
    items: set[int] = set()
    for index, question in enumerate(questionnaire.questions):
        at: Path_ = ("questions", index)
        name = f"question '{question.id}'"
        if question.id in seen:
            yield file.problem(f"question id '{question.id}' is used twice", *at, "id")
        seen.add(question.id)
        if question.bam is not None:
            if question.bam in items:
                yield file.problem(f"BAM item {question.bam} is used twice", *at, "bam")
            items.add(question.bam)
        if question.kind == "choice" and not question.options:
            yield file.problem(f"{name} is a choice but has no options", *at)
        if question.kind != "choice" and question.options:
            yield file.problem(
                f"{name} is a {question.kind}, so it cannot have options; make it a choice",
                *at,
                "options",
            )
        values = [option.value for option in question.options]
        if len(set(values)) != len(values):
            yield file.problem(f"{name} has two options with the same value", *at, "options")


def check_questionnaire_translation(
    questionnaire: Questionnaire, file: YamlFile, original: Questionnaire, original_file: YamlFile
) -> Iterator[Problem]:
    """A translated check-in asks the same questions, with the same values and scores."""

    def shape(q: Questionnaire) -> list[tuple[object, ...]]:
        return [
            (x.id, x.kind, x.optional, x.bam, [(o.value, o.score, o.signal) for o in x.options])
            for x in q.questions
        ]

    ours, theirs = shape(questionnaire), shape(original)
    for index, (mine, twin) in enumerate(zip(ours, theirs, strict=False)):
        if mine != twin:
            yield file.problem(
                f"question {index + 1} should have the same id, kind, bam, and option values, "
                f"scores and signals as in {original_file.name}",
                "questions",
                index,
            )
            return
    if len(ours) != len(theirs):
        yield file.problem(
            f"this check-in has {len(ours)} questions; {original_file.name} has {len(theirs)}",
            "questions",
        )
