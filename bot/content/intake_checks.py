"""Checks for what intake stands on: screener questions and the clinic's checklists."""

from __future__ import annotations

from collections.abc import Iterator

from bot.content.checks import MAX_LABEL
from bot.content.files import Problem, YamlFile
from bot.content.schema import Clinic, Flow


def check_screeners(flow: Flow, file: YamlFile) -> Iterator[Problem]:
    """A screener question is a choice whose answers each carry a value and a score."""
    for index, step in enumerate(flow.steps):
        if step.screener is None:
            continue
        if step.kind != "choice":
            yield file.problem(
                f"step '{step.id}' is part of the {step.screener} screener, so it needs "
                "'kind: choice'",
                "steps", index, "kind",
            )  # fmt: skip
        for i, option in enumerate(step.options):
            if option.value is None or option.score is None:
                yield file.problem(
                    f"option {i + 1} of step '{step.id}' needs a 'value:' and a 'score:' "
                    f"(0 to 4): the step is part of the {step.screener} screener",
                    "steps", index, "options", i,
                )  # fmt: skip


def check_clinic_lists(clinic: Clinic, file: YamlFile) -> Iterator[Problem]:
    """Paperwork and barrier ids are each used once; barrier buttons fit on a phone."""
    for name, ids in (
        ("paperwork", [item.id for item in clinic.paperwork]),
        ("barriers", [barrier.id for barrier in clinic.barriers]),
    ):
        for index, item in enumerate(ids):
            if item in ids[:index]:
                yield file.problem(f"the id '{item}' is used twice in {name}", name, index, "id")
    for index, barrier in enumerate(clinic.barriers):
        for code, label in barrier.label.items():
            if len(label) > MAX_LABEL:
                yield file.problem(
                    f"this button label has {len(label)} characters; keep it to {MAX_LABEL}",
                    "barriers", index, "label", code,
                )  # fmt: skip
