"""The validator, against broken copies of the real content: one problem each, exact line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.loader import ContentError, load_content
from bot.features import build_registry

ROOT = Path(__file__).resolve().parent.parent
NEEDS = build_registry().needs()
MARK = "# <- here"


def broken_copy(tmp_path: Path, file: str, old: str, new: str, *, spanish: bool) -> Path:
    """A copy of content/ with one edit; the edited line carries MARK so the test can find it."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    if not spanish:
        shutil.rmtree(content / "es")
        clinic = content / "clinic.yaml"
        clinic.write_text(
            "\n".join(line for line in clinic.read_text().splitlines() if "es: " not in line) + "\n"
        )
    path = content / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))
    return content


def marked_line(content: Path, file: str) -> int:
    lines = (content / file).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if MARK in line)


CASES = [
    # (file, old, new, message); `new` holds MARK on the line the problem must point to.
    ("en/flows/consent.yaml", "goto: declined", f"goto: nowhere {MARK}",
     "step 'decide' goes to 'nowhere', which does not exist: add it or fix the link"),
    ("en/flows/consent.yaml", "    kind: choice\n", f"    kinds: choice {MARK}\n",
     "'steps.3.kinds' is not a known field here; check the spelling"),
    ("en/flows/consent.yaml", "version: 1\n", f"version: one {MARK}\n",
     "'version' should be a whole number"),
    ("en/flows/consent.yaml", "  - id: what_i_am", f"  - id: welcome {MARK}",
     "step id 'welcome' is used twice in this flow"),
    ("en/flows/consent.yaml", "  - id: privacy", f"  - id: privacy_notice_for_participants {MARK}",
     "'steps.2.id' should use only lowercase letters, digits and _ (ids: up to 20 characters "
     "for a flow, 24 for a step)"),
    ("en/flows/consent.yaml", "      - label: Not now", f"      - label: {'No ' * 20}{MARK}",
     "this button label has 59 characters; keep it to 40"),
    ("en/flows/consent.yaml", "    text: Is it okay", f"    text: Is it {{nme}} okay {MARK}",
     "'{nme}' is not a word the bot fills in; use one of {clinic_address}, {clinic_hours}, "
     "{clinic_name}, {clinic_phone}, {crisis_lines}, {language}, {name}, {paperwork}, "
     "{plan_items}, {program_weeks}, {rules}, {schedule}, {time}, {timezone}, {value}"),
    ("en/flows/consent.yaml", "    text: Is it okay", f"    text: {'a' * 4100} {MARK}",
     "this text has 4100 characters; Telegram allows 4096"),
    ("en/messages.yaml", '"flow:lessons"}', f'"flow:lesons"}} {MARK}',
     "menu item 'lessons' goes to 'flow:lesons', which does not exist: use crisis, "
     "getting_started, help, intake_done, levels_done, menu, my_paperwork, plan, progress or "
     "flow:<flow id>"),
    ("en/messages.yaml", "  carry_on:", f"  carry_off: Later {MARK}\n  carry_on:",
     "'texts.carry_off' is not a known field here; check the spelling"),
    ("en/flows/settings.yaml", "    ask: timezone", f"    ask: zone {MARK}",
     "step 'timezone' asks for 'zone', which the bot does not know: use one of message_time, "
     "note, one_on_one_day, one_on_one_time, plan_item, preferred_name, timezone"),
    ("en/flows/consent.yaml", "      - label: Not now", f"      - label: No {MARK}",
     "'steps.3.options.1.label' should be text, but YAML reads No without quotes as true or "
     'false: put it in quotes, like "No"'),
    ("en/flows/consent.yaml", "\n    text: |-\n      Your privacy",
     f"\n   text: |- {MARK}\n      Your privacy",
     "YAML syntax: expected <block end>, but found '<block mapping start>' (while parsing a block "
     "collection); check the spaces at the start of this line: they should line up with the lines "
     "of the same level above it"),
    ("en/flows/intake.yaml", "{label: Never, value: never, score: 0, goto: drugs}",
     f"{{label: Never, value: never, goto: drugs}} {MARK}",
     "option 1 of step 'audit_often' needs a 'value:' and a 'score:' (0 to 4): the step is part "
     "of the audit_c screener"),
    ("clinic.yaml", "  - id: childcare", f"  - id: transport {MARK}",
     "the id 'transport' is used twice in barriers"),
    ("clinic.yaml", "      en: Getting here",
     f"      en: Getting here by bus or train late at night {MARK}",
     "this button label has 42 characters; keep it to 40"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    CASES,
    ids=[case[3].split(" ")[0] + "-" + str(i) for i, case in enumerate(CASES)],
)
def test_one_problem_each(tmp_path: Path, file: str, old: str, new: str, message: str) -> None:
    content = broken_copy(tmp_path, file, old, new, spanish=False)
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    line = marked_line(content, file)
    assert [str(p) for p in caught.value.problems] == [f"content/{file}:{line}: {message}"]


def test_steps_the_code_shows_live_must_stay(tmp_path: Path) -> None:
    file = "en/flows/orientation.yaml"
    content = broken_copy(tmp_path, file, "  - id: paperwork\n", "  - id: papers\n", spanish=False)
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    lines = (content / file).read_text().splitlines()
    line = lines.index("id: orientation") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"content/{file}:{line}: the bot shows step 'paperwork' of this flow with its own "
        "buttons: keep a step with 'id: paperwork'"
    ]


def test_quiz_needs_one_right_answer(tmp_path: Path) -> None:
    file = "en/flows/orientation.yaml"
    content = broken_copy(
        tmp_path, file, "      - label: 988 or 911\n        correct: true\n",
        "      - label: 988 or 911\n", spanish=False,
    )  # fmt: skip
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    lines = (content / file).read_text().splitlines()
    options = next(i for i, line in enumerate(lines, 1) if "id: quiz_crisis" in line) + 4
    assert lines[options - 1].strip() == "- label: This chat bot"
    assert [str(p) for p in caught.value.problems] == [
        f"content/{file}:{options}: quiz step 'quiz_crisis' needs exactly one option with "
        "'correct: true'"
    ]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    content = broken_copy(
        tmp_path, "en/crisis.yaml", "  - in danger of\n", "  - [in danger of\n", spanish=False
    )
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    [problem] = caught.value.problems
    assert problem.file == "content/en/crisis.yaml"
    assert problem.message.startswith("YAML syntax: ")
    lines = (content / "en/crisis.yaml").read_text().splitlines()
    # The line where the bracket was opened, not the end of the file where YAML gave up.
    assert problem.line == next(i for i, line in enumerate(lines, 1) if "[in danger of" in line)
    assert problem.message == (
        "YAML syntax: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)"
    )


def test_missing_flow_and_missing_field(tmp_path: Path) -> None:
    content = broken_copy(
        tmp_path, "en/flows/settings.yaml", "title: Settings\n", "", spanish=False
    )
    (content / "en/flows/consent.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    version_line = next(
        i
        for i, line in enumerate((content / "en/flows/settings.yaml").read_text().splitlines(), 1)
        if line.startswith("version:")
    )
    assert [str(p) for p in caught.value.problems] == [
        f"content/en/flows/settings.yaml:{version_line}: 'title' is missing",
        "content/en/flows/consent.yaml:1: the 'consent' flow is missing: the bot opens it by "
        "this id (put the file back, or add a flow with 'id: consent')",
    ]


def test_missing_translations(tmp_path: Path) -> None:
    content = broken_copy(tmp_path, "clinic.yaml", "      es: ", "      fr: ", spanish=True)
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    lines = (content / "clinic.yaml").read_text().splitlines()
    english = next(i for i, line in enumerate(lines, 1) if line.startswith("      fr: ")) - 1
    assert [str(p) for p in caught.value.problems] == [
        f"content/clinic.yaml:{english}: the 'es' text is missing here"
    ]
    shutil.rmtree(content)
    content = broken_copy(
        tmp_path, "es/flows/consent.yaml", "        goto: declined", "        goto: decide",
        spanish=True,
    )  # fmt: skip
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    lines = (content / "es/flows/consent.yaml").read_text().splitlines()
    option = next(i for i, line in enumerate(lines, 1) if "goto: decide" in line) - 2
    assert [str(p) for p in caught.value.problems] == [
        f"content/es/flows/consent.yaml:{option}: option 2 of step 'decide' should have the same "
        "goto, do, correct, save, score and value as in content/en/flows/consent.yaml"
    ]


def test_a_step_that_names_substances_does_so_in_every_language(tmp_path: Path) -> None:
    """The crisis screen reads the flag of the person's own language: both must agree."""
    flagged = "  - id: substances\n    kind: ask\n    names_substances: true\n"
    unflagged = f"  - id: substances {MARK}\n    kind: ask\n"
    content = broken_copy(tmp_path, "es/flows/intake.yaml", flagged, unflagged, spanish=True)
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    line = marked_line(content, "es/flows/intake.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"content/es/flows/intake.yaml:{line}: step 'substances' should have the same kind, "
        "links, number of options and names_substances as in content/en/flows/intake.yaml"
    ]


def test_question_renamed_while_answers_use_it() -> None:
    content = load_content(ROOT / "content", NEEDS)
    file, line = content.languages["en"].sources["orientation"]
    assert [str(p) for p in content.check_stored_answers([("orientation", "quiz_old")])] == [
        f"{file}:{line}: stored answers use step 'quiz_old' of flow 'orientation', which is gone: "
        "keep the step id (you can change its text, not its id)"
    ]
    assert content.check_stored_answers([("orientation", "quiz_slip")]) == []


def test_check_command_exit_codes(tmp_path: Path) -> None:
    good = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"], cwd=ROOT, capture_output=True, text=True,
        env={"PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"},
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip().endswith("content OK: 2 language(s), 64 flows")
    # The reading level is checked too: the hardest texts are named with file and line.
    assert re.search(r"the hardest 'es' texts: content/\S+\.yaml:\d+ \(ease ", good.stdout)


def test_unknown_action(tmp_path: Path) -> None:
    content = broken_copy(
        tmp_path, "en/flows/settings.yaml", "do: daily_on, goto: choose}",
        f"do: daily_onn, goto: choose}} {MARK}", spanish=False,
    )  # fmt: skip
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    line = marked_line(content, "en/flows/settings.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"content/en/flows/settings.yaml:{line}: option 8 of step 'choose' does 'daily_onn', "
        "which the bot does not know: use one of " + ", ".join(sorted(NEEDS.actions))
    ]


@pytest.mark.parametrize("flow", sorted(NEEDS.flows))
def test_a_flow_the_code_opens_is_missing(tmp_path: Path, flow: str) -> None:
    content = broken_copy(tmp_path, "clinic.yaml", "", "", spanish=False)
    (content / f"en/flows/{flow}.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    expected = f"content/en/flows/{flow}.yaml:1: the '{flow}' flow is missing: the bot opens it"
    assert any(str(p).startswith(expected) for p in caught.value.problems)
    assert (ROOT / "content/en/flows" / f"{flow}.yaml").exists()
