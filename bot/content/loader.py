"""Read the content folder into checked, immutable objects; report problems by file and line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.schema import Clinic, CrisisPhrases, Flow, Messages

CONSENT = "consent"
ORIENTATION = "orientation"
REQUIRED_FLOWS = (CONSENT, ORIENTATION)
DEFAULT_LANGUAGE = "en"
# Telegram's limits: 4096 characters a message; button labels get cut on phones past ~40.
MAX_TEXT = 4096
MAX_LABEL = 40
PLACEHOLDERS = frozenset(
    {
        "name",
        "value",
        "timezone",
        "time",
        "language",
        "clinic_name",
        "clinic_phone",
        "clinic_address",
        "clinic_hours",
        "program_weeks",
        "schedule",
        "rules",
        "paperwork",
        "crisis_lines",
    }
)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing an editor must fix."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content folder has problems; the running bot keeps what it had."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Language:
    """Everything a participant reads, in one language."""

    code: str
    messages: Messages
    crisis_phrases: tuple[str, ...]
    flows: dict[str, Flow]
    versions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    """The whole content folder, checked."""

    clinic: Clinic
    languages: dict[str, Language]

    def language(self, code: str | None) -> Language:
        """The language pack for a code like 'es' or 'es-MX', English when we lack it."""
        short = (code or "").split("-")[0].lower()
        return self.languages.get(short) or self.languages[DEFAULT_LANGUAGE]


class _File:
    """A YAML file parsed twice: as data, and as nodes that know their line numbers."""

    def __init__(self, root: Path, path: Path) -> None:
        self.name = (
            str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
        )
        self.raw = path.read_bytes()
        text = self.raw.decode("utf-8")
        self.node = yaml.compose(text, Loader=yaml.SafeLoader)
        self.data = yaml.safe_load(text)
        self.version = (
            f"{(self.data or {}).get('version', '?')}+{hashlib.sha256(self.raw).hexdigest()[:8]}"
        )

    def line(self, *path: str | int) -> int:
        """The line of the value at path, or of the nearest parent that exists."""
        node = self.node
        for key in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == key), None)
                if child is None:
                    child = next((k for k, _ in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                child = node.value[key] if key < len(node.value) else None
            if child is None:
                break
            node = child
        return (node.start_mark.line + 1) if node is not None else 1

    def problem(self, message: str, *path: str | int) -> Problem:
        return Problem(self.name, self.line(*path), message)


def _parse(file: _File, model: type[M], problems: list[Problem]) -> M | None:
    if not isinstance(file.data, dict):
        problems.append(
            file.problem("the file should hold named fields (key: value), but it does not")
        )
        return None
    try:
        return model.model_validate(file.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            where = ".".join(str(part) for part in loc) or "file"
            if error["type"] == "missing":
                message = f"'{where}' is missing"
                loc = loc[:-1]
            elif error["type"] == "extra_forbidden":
                message = f"'{where}' is not a known field here; check the spelling"
            else:
                message = f"'{where}': {error['msg']}"
            problems.append(file.problem(message, *loc))
        return None


def _open(root: Path, path: Path, problems: list[Problem]) -> _File | None:
    try:
        return _File(root, path)
    except FileNotFoundError:
        problems.append(Problem(str(path.relative_to(root.parent)), 1, "this file is missing"))
    except UnicodeDecodeError:
        problems.append(
            Problem(str(path.relative_to(root.parent)), 1, "save this file as UTF-8 text")
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        problems.append(
            Problem(str(path.relative_to(root.parent)), line, f"YAML syntax: {exc.problem}")
        )
    return None


def load_content(root: Path) -> Content:
    """Load and check the whole folder; raise ContentError listing every problem."""
    problems: list[Problem] = []
    clinic_file = _open(root, root / "clinic.yaml", problems)
    clinic = _parse(clinic_file, Clinic, problems) if clinic_file else None
    languages: dict[str, Language] = {}
    language_dirs = sorted(p.parent for p in root.glob("*/messages.yaml"))
    if not any(d.name == DEFAULT_LANGUAGE for d in language_dirs):
        problems.append(
            Problem(f"{root.name}/{DEFAULT_LANGUAGE}/messages.yaml", 1, "this file is missing")
        )
    for folder in language_dirs:
        language = _load_language(root, folder, problems)
        if language:
            languages[language.code] = language
    if problems or clinic is None:
        raise ContentError(problems)
    return Content(clinic=clinic, languages=languages)


def _load_language(root: Path, folder: Path, problems: list[Problem]) -> Language | None:
    before = len(problems)
    files = {
        "messages": _open(root, folder / "messages.yaml", problems),
        "crisis": _open(root, folder / "crisis.yaml", problems),
    }
    messages = _parse(files["messages"], Messages, problems) if files["messages"] else None
    crisis = _parse(files["crisis"], CrisisPhrases, problems) if files["crisis"] else None
    flows: dict[str, tuple[Flow, _File]] = {}
    for path in sorted((folder / "flows").glob("*.yaml")):
        file = _open(root, path, problems)
        flow = _parse(file, Flow, problems) if file else None
        if flow and file:
            if flow.id in flows:
                problems.append(
                    file.problem(f"flow id '{flow.id}' is used by another file too", "id")
                )
            flows[flow.id] = (flow, file)
    for required in REQUIRED_FLOWS:
        if required not in flows:
            problems.append(
                Problem(
                    f"{root.name}/{folder.name}/flows/{required}.yaml",
                    1,
                    f"the '{required}' flow is missing",
                )
            )
    if messages and files["messages"]:
        problems.extend(_check_messages(messages, files["messages"], set(flows)))
    for flow, file in flows.values():
        problems.extend(_check_flow(flow, file, set(flows)))
    if len(problems) > before or messages is None or crisis is None:
        return None
    return Language(
        code=folder.name,
        messages=messages,
        crisis_phrases=crisis.phrases,
        flows={flow_id: flow for flow_id, (flow, _) in flows.items()},
        versions={flow_id: file.version for flow_id, (_, file) in flows.items()},
    )


def _texts(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string in a parsed file, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*path, index))


def _check_strings(file: _File) -> Iterator[Problem]:
    for path, text in _texts(file.data):
        for name in PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS:
                yield file.problem(
                    f"'{{{name}}}' is not a placeholder the bot knows; known ones are "
                    + ", ".join(sorted(PLACEHOLDERS)),
                    *path,
                )
        if len(text) > MAX_TEXT:
            yield file.problem(
                f"this text is {len(text)} characters; Telegram allows {MAX_TEXT}", *path
            )
        if path and path[-1] == "label" and len(text) > MAX_LABEL:
            yield file.problem(
                f"this button label is {len(text)} characters; keep it to {MAX_LABEL}", *path
            )


def _valid_goto(target: str, steps: set[str], flows: set[str]) -> bool:
    if target in {"menu", "help", "plan"}:
        return True
    if target.startswith("flow:"):
        return target.removeprefix("flow:") in flows
    return target in steps


def _check_messages(messages: Messages, file: _File, flows: set[str]) -> Iterator[Problem]:
    yield from _check_strings(file)
    for index, item in enumerate(messages.menu):
        if not _valid_goto(item.goto, set(), flows):
            yield file.problem(
                f"menu item '{item.id}' goes to '{item.goto}', which does not exist: "
                "use menu, help, plan or flow:<flow id>",
                "menu",
                index,
                "goto",
            )


def _check_flow(flow: Flow, file: _File, flows: set[str]) -> Iterator[Problem]:
    yield from _check_strings(file)
    step_ids: set[str] = set()
    for index, step in enumerate(flow.steps):
        if step.id in step_ids:
            yield file.problem(
                f"step id '{step.id}' is used twice in this flow", "steps", index, "id"
            )
        step_ids.add(step.id)
    for index, step in enumerate(flow.steps):
        where = ("steps", index)
        if step.kind in {"choice", "quiz"} and not step.options:
            yield file.problem(f"step '{step.id}' is a {step.kind} but has no options", *where)
        if step.kind == "card" and step.options:
            yield file.problem(
                f"step '{step.id}' is a card, so it cannot have options; make it a choice",
                *where,
                "options",
            )
        if step.kind == "quiz" and sum(o.correct for o in step.options) != 1:
            yield file.problem(
                f"quiz step '{step.id}' needs exactly one option with 'correct: true'",
                *where,
                "options",
            )
        if step.kind == "ask" and step.ask is None:
            yield file.problem(f"ask step '{step.id}' needs 'ask:' (what to store)", *where)
        if step.kind != "ask" and step.ask is not None:
            yield file.problem(f"step '{step.id}' has 'ask:' but is not an ask step", *where, "ask")
        targets: list[tuple[str, tuple[str | int, ...]]] = []
        if step.next:
            targets.append((step.next, (*where, "next")))
        targets += [
            (o.goto, (*where, "options", i, "goto")) for i, o in enumerate(step.options) if o.goto
        ]
        for target, path in targets:
            if not _valid_goto(target, step_ids, flows):
                yield file.problem(
                    f"step '{step.id}' goes to '{target}', which does not exist: "
                    "add it or fix the link",
                    *path,
                )
