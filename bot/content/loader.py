"""Read the content folder into checked, immutable objects; report problems by file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import checks, intake_checks
from bot.content.checkin_schema import FollowUp, Questionnaire
from bot.content.checks import PLACEHOLDER, Needs
from bot.content.files import ContentError, Problem, YamlFile, display_name, open_yaml, parse
from bot.content.schema import Clinic, CrisisWords, Flow, Messages
from bot.staff.texts import StaffTexts, load_staff_texts

CONSENT = "consent"
ORIENTATION = "orientation"
# The engine itself opens these; features declare the rest in Needs.
ENGINE_FLOWS = (CONSENT, ORIENTATION)
DEFAULT_LANGUAGE = "en"

__all__ = ["Content", "ContentError", "Language", "Needs", "Problem", "load_content"]


@dataclass(frozen=True)
class Language:
    """Everything a participant reads, in one language."""

    code: str
    messages: Messages
    crisis: CrisisWords
    flows: dict[str, Flow]
    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    # The version of each flow file, and of each check-in file under "checkin:<id>".
    versions: dict[str, str] = field(default_factory=dict)
    # Where each flow lives, for problems found later: (file, line of 'steps:').
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """The whole content folder, checked."""

    clinic: Clinic
    follow_up: FollowUp
    languages: dict[str, Language]
    staff: dict[str, StaffTexts] = field(default_factory=dict)  # what staff read, by language
    warnings: tuple[Problem, ...] = ()

    def language(self, code: str | None) -> Language:
        """The language pack for a code like 'es' or 'es-MX', English when we lack it."""
        short = (code or "").split("-")[0].lower()
        return self.languages.get(short) or self.languages[DEFAULT_LANGUAGE]

    def staff_texts(self, code: str | None) -> StaffTexts:
        """Staff texts in a language like 'es' or 'es-MX', English when we lack it."""
        short = (code or "").split("-")[0].lower()
        return self.staff.get(short) or self.staff[DEFAULT_LANGUAGE]

    def check_stored_answers(self, used: Iterable[tuple[str, str]]) -> list[Problem]:
        """Questions that stored answers point to must keep their ids."""
        english = self.languages[DEFAULT_LANGUAGE]
        problems = []
        for flow_id, question in sorted(set(used)):
            flow = english.flows.get(flow_id)
            if flow is None:
                problems.append(
                    Problem(
                        f"content/{DEFAULT_LANGUAGE}/flows",
                        1,
                        f"stored answers use flow '{flow_id}', which is gone: put it back "
                        "(you can change its text, not its id)",
                    )
                )
            elif all(step.id != question for step in flow.steps):
                file, line = english.sources[flow_id]
                problems.append(
                    Problem(
                        file,
                        line,
                        f"stored answers use step '{question}' of flow '{flow_id}', which is gone: "
                        "keep the step id (you can change its text, not its id)",
                    )
                )
        return problems


@dataclass
class _Loaded:
    """A language as read, with its files, before cross-language checks."""

    code: str
    messages: Messages | None
    messages_file: YamlFile | None
    crisis: CrisisWords | None
    flows: dict[str, tuple[Flow, YamlFile]]
    broken: set[str]
    questionnaires: dict[str, tuple[Questionnaire, YamlFile]]


def load_content(root: Path, needs: Needs) -> Content:
    """Load and check the whole folder against what the code needs; raise ContentError listing
    every problem."""
    problems: list[Problem] = []
    clinic_file = open_yaml(root, root / "clinic.yaml", problems)
    clinic = parse(clinic_file, Clinic, problems) if clinic_file else None
    follow_up_file = open_yaml(root, root / "followup.yaml", problems)
    follow_up = parse(follow_up_file, FollowUp, problems) if follow_up_file else None
    folders = sorted(p.parent for p in root.glob("*/messages.yaml"))
    if not any(folder.name == DEFAULT_LANGUAGE for folder in folders):
        problems.append(
            Problem(
                display_name(root, root / DEFAULT_LANGUAGE / "messages.yaml"),
                1,
                "this file is missing",
            )
        )
    loaded = {folder.name: _read_language(root, folder, needs, problems) for folder in folders}
    original = loaded.get(DEFAULT_LANGUAGE)
    for language in loaded.values():
        if original is not None and language is not original:
            problems.extend(_check_translation(root, language, original))
    if clinic and clinic_file:
        problems.extend(checks.check_clinic_languages(clinic, clinic_file, loaded))
        problems.extend(intake_checks.check_clinic_lists(clinic, clinic_file))
    if follow_up and follow_up_file and original is not None:
        # Other languages are held to English by the translation check.
        for index, item in enumerate(follow_up.schedule):
            if item.questionnaire not in original.questionnaires:
                problems.append(
                    follow_up_file.problem(
                        f"check-in on day {item.day} uses questionnaire "
                        f"'{item.questionnaire}', which content/{original.code}/checkins "
                        "does not have",
                        "schedule",
                        index,
                        "questionnaire",
                    )
                )
    staff = load_staff_texts(root, problems)
    errors = [p for p in problems if not p.warning]
    if errors or clinic is None or follow_up is None:
        raise ContentError(errors)
    languages = {code: _freeze(language) for code, language in loaded.items()}
    return Content(
        clinic=clinic, follow_up=follow_up, languages=languages, staff=staff,
        warnings=tuple(problems),
    )  # fmt: skip


def _read_language(root: Path, folder: Path, needs: Needs, problems: list[Problem]) -> _Loaded:
    messages_file = open_yaml(root, folder / "messages.yaml", problems)
    crisis_file = open_yaml(root, folder / "crisis.yaml", problems)
    messages = parse(messages_file, Messages, problems) if messages_file else None
    crisis = parse(crisis_file, CrisisWords, problems) if crisis_file else None
    flows: dict[str, tuple[Flow, YamlFile]] = {}
    # Flows whose file has errors still count as present, so links to them don't pile up
    # more problems than the one the editor must fix.
    broken: set[str] = set()
    for path in sorted((folder / "flows").glob("*.yaml")):
        file = open_yaml(root, path, problems)
        flow = parse(file, Flow, problems) if file else None
        if flow is None or file is None:
            data = file.data if file else None
            flow_id = data.get("id") if isinstance(data, dict) else None
            broken.add(str(flow_id or path.stem))
            continue
        if flow.id in flows:
            problems.append(
                file.problem(f"flow id '{flow.id}' is also used by {flows[flow.id][1].name}", "id")
            )
        flows[flow.id] = (flow, file)
    known = set(flows) | broken
    for required in sorted({*ENGINE_FLOWS, *needs.flows}):
        if required not in known:
            path = folder / "flows" / f"{required}.yaml"
            problems.append(
                Problem(
                    display_name(root, path),
                    1,
                    f"the '{required}' flow is missing: the bot opens it by this id "
                    f"(put the file back, or add a flow with 'id: {required}')",
                )
            )
    for required in sorted(needs.steps):
        flow_id, _, step_id = required.partition(":")
        found = flows.get(flow_id)
        if found and all(step.id != step_id for step in found[0].steps):
            problems.append(
                found[1].problem(
                    f"the bot shows step '{step_id}' of this flow with its own buttons: "
                    f"keep a step with 'id: {step_id}'",
                    "id",
                )
            )
    for file in [messages_file, crisis_file, *(f for _, f in flows.values())]:
        if file is not None:
            problems.extend(checks.check_strings(file, PLACEHOLDER))
    if messages and messages_file:
        problems.extend(checks.check_messages(messages, messages_file, known, needs))
    if crisis and crisis_file:
        problems.extend(checks.check_crisis(crisis, crisis_file))
    for flow, file in flows.values():
        problems.extend(checks.check_flow(flow, file, known, needs))
        problems.extend(intake_checks.check_screeners(flow, file))
    questionnaires: dict[str, tuple[Questionnaire, YamlFile]] = {}
    for path in sorted((folder / "checkins").glob("*.yaml")):
        file = open_yaml(root, path, problems)
        questionnaire = parse(file, Questionnaire, problems) if file else None
        if questionnaire and file:
            problems.extend(checks.check_strings(file, PLACEHOLDER))
            problems.extend(checks.check_questionnaire(questionnaire, file))
            questionnaires[questionnaire.id] = (questionnaire, file)
    return _Loaded(folder.name, messages, messages_file, crisis, flows, broken, questionnaires)


def _check_translation(root: Path, language: _Loaded, original: _Loaded) -> list[Problem]:
    problems: list[Problem] = []
    for flow_id, (flow, file) in original.flows.items():
        twin = language.flows.get(flow_id)
        if flow_id in language.broken:
            continue
        if twin is None:
            path = root / language.code / "flows" / Path(file.name).name
            problems.append(
                Problem(
                    display_name(root, path),
                    1,
                    f"this file is missing; {file.name} has flow '{flow_id}'",
                )
            )
        else:
            problems.extend(checks.check_translation(twin[0], twin[1], flow, file))
    for flow_id, (_, file) in language.flows.items():
        if flow_id not in original.flows and flow_id not in original.broken:
            problems.append(
                file.problem(
                    f"flow '{flow_id}' has no {DEFAULT_LANGUAGE} version; add it to "
                    f"content/{DEFAULT_LANGUAGE}/flows or remove this file",
                    "id",
                )
            )
    for questionnaire_id, (questionnaire, file) in original.questionnaires.items():
        twin_q = language.questionnaires.get(questionnaire_id)
        if twin_q is None:
            path = root / language.code / "checkins" / Path(file.name).name
            message = f"this file is missing; {file.name} has check-in '{questionnaire_id}'"
            problems.append(Problem(display_name(root, path), 1, message))
        else:
            problems.extend(
                checks.check_questionnaire_translation(twin_q[0], twin_q[1], questionnaire, file)
            )
    if (
        language.messages
        and language.messages_file
        and original.messages
        and original.messages_file
    ):
        problems.extend(
            checks.check_messages_translation(
                language.messages, language.messages_file, original.messages, original.messages_file
            )
        )
    return problems


def _freeze(language: _Loaded) -> Language:
    assert language.messages is not None and language.crisis is not None
    return Language(
        code=language.code,
        messages=language.messages,
        crisis=language.crisis,
        flows={flow_id: flow for flow_id, (flow, _) in language.flows.items()},
        questionnaires={key: q for key, (q, _) in language.questionnaires.items()},
        versions={
            **{flow_id: file.version for flow_id, (_, file) in language.flows.items()},
            **{
                f"checkin:{key}": file.version for key, (_, file) in language.questionnaires.items()
            },
        },
        sources={
            flow_id: (file.name, file.line("steps"))
            for flow_id, (_, file) in language.flows.items()
        },
    )
