"""YAML files that remember line numbers, and problems an editor can act on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
Path_ = tuple[str | int, ...]

# Pydantic's error types, in words an editor understands.
PLAIN = {
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "list_type": "should be a list (lines starting with -)",
    "tuple_type": "should be a list (lines starting with -)",
    "dict_type": "should hold named fields (key: value)",
    "model_type": "should hold named fields (key: value)",
    "string_too_short": "should not be empty",
    "too_short": "should not be empty",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too big",
}
# Errors whose context began at an unclosed bracket or quote: that is the line to fix.
OPENED = ("flow sequence", "flow mapping", "quoted scalar")
# YAML's own words for an indentation that does not line up.
INDENTATION = (
    "expected <block end>",
    "mapping values are not allowed",
    "could not find expected ':'",
)
BOOL = "tag:yaml.org,2002:bool"
# libyaml's parser when PyYAML was built with it (about twenty times faster); its errors are
# worded a little differently, so a file it refuses is read again by the Python parser.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing an editor must fix."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message}"


class ContentError(Exception):
    """The content folder has problems; the running bot keeps what it had."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _parse(text: str, loader: type[yaml.SafeLoader]) -> tuple[yaml.Node | None, Any]:
    """The nodes, which know their line numbers, and the data built from those same nodes."""
    reader = loader(text)
    try:
        node = reader.get_single_node()
        return node, (reader.construct_document(node) if node is not None else None)
    finally:
        reader.dispose()


class YamlFile:
    """A YAML file parsed once: as nodes that know their line numbers, and the data."""

    def __init__(self, root: Path, path: Path) -> None:
        self.name = display_name(root, path)
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        try:
            self.node, self.data = _parse(text, FAST_LOADER)
        except yaml.YAMLError:  # the Python parser's words, which the problems are built on
            self.node, self.data = _parse(text, yaml.SafeLoader)
        declared = self.data.get("version", "?") if isinstance(self.data, dict) else "?"
        # The declared version, plus a fingerprint that changes with any edit.
        self.version = f"{declared}+{hashlib.sha256(raw).hexdigest()[:8]}"

    def nearest(self, *path: str | int) -> tuple[yaml.Node | None, bool]:
        """The node at path, or of the nearest parent that exists; and whether it is exact."""
        node = self.node
        for key in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                child = node.value[key] if key < len(node.value) else None
            if child is None:
                return node, False
            node = child
        return node, True

    def line(self, *path: str | int) -> int:
        """The line of the value at path, or of the nearest parent that exists."""
        node, _ = self.nearest(*path)
        return (node.start_mark.line + 1) if node is not None else 1

    def unquoted_bool(self, *path: str | int) -> str | None:
        """The word as written ('No', 'yes', 'Off') where YAML read true or false."""
        node, exact = self.nearest(*path)
        if exact and isinstance(node, yaml.ScalarNode) and node.tag == BOOL and not node.style:
            return str(node.value)
        return None

    def problem(self, message: str, *path: str | int, warning: bool = False) -> Problem:
        return Problem(self.name, self.line(*path), message, warning)


def display_name(root: Path, path: Path) -> str:
    """content/en/flows/x.yaml, as an editor sees it."""
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def open_yaml(root: Path, path: Path, problems: list[Problem]) -> YamlFile | None:
    """Read a file, or add a problem saying why it cannot be read."""
    try:
        return YamlFile(root, path)
    except FileNotFoundError:
        problems.append(Problem(display_name(root, path), 1, "this file is missing"))
    except UnicodeDecodeError:
        problems.append(Problem(display_name(root, path), 1, "save this file as UTF-8 text"))
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is found where it began, not where YAML gave up; any
        # other mistake, such as a line indented too little or too much, where it was found.
        opened = exc.context_mark and any(words in (exc.context or "") for words in OPENED)
        mark = exc.context_mark if opened else exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        context = f" ({exc.context})" if exc.context else ""
        message = f"YAML syntax: {exc.problem}{context}"
        if any(words in str(exc.problem) for words in INDENTATION):
            message += (
                "; check the spaces at the start of this line: they should line up with the "
                "lines of the same level above it"
            )
        problems.append(Problem(display_name(root, path), line, message))
    return None


def parse(file: YamlFile, model: type[M], problems: list[Problem]) -> M | None:
    """Check a file against its schema; each mistake becomes a problem with its line."""
    if not isinstance(file.data, dict):
        problems.append(file.problem("the file should hold named fields (key: value)"))
        return None
    try:
        return model.model_validate(file.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc: Path_ = tuple(error["loc"])
            where = ".".join(str(part) for part in loc)
            kind = error["type"]
            if kind == "missing":
                message, loc = f"'{where}' is missing", loc[:-1]
            elif kind == "extra_forbidden":
                message = f"'{where}' is not a known field here; check the spelling"
            elif kind == "string_pattern_mismatch":
                message = (
                    f"'{where}' should use only lowercase letters, digits and _ "
                    "(ids: up to 20 characters for a flow, 24 for a step)"
                    if loc[-1] == "id"
                    else f"'{where}' should look like 18:30"
                )
            elif kind == "literal_error":
                allowed = error.get("ctx", {}).get("expected", "")
                message = f"'{where}' should be one of {allowed}"
            elif kind == "string_type" and (word := file.unquoted_bool(*loc)) is not None:
                message = (
                    f"'{where}' should be text, but YAML reads {word} without quotes as true "
                    f'or false: put it in quotes, like "{word}"'
                )
            else:
                message = f"'{where}' {PLAIN.get(kind, error['msg'].lower())}"
            problems.append(file.problem(message, *loc))
        return None
