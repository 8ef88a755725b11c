"""What the bot says to clinic staff, per language, from content/<lang>/staff.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.content.checks import PLACEHOLDER, strings
from bot.content.files import Problem, open_yaml, parse
from bot.content.schema import Sections, Strict

FILE = "staff.yaml"


class AlertKinds(Strict):
    """Each alert kind in plain words."""

    crisis_language: str
    help_request: str
    use_reported: str
    contact_request: str
    risk_rise: str
    missed_checkins: str
    checkins_stopped: str
    unreachable: str
    delivery_unknown: str
    delivery_failed: str
    job_failed: str
    withdrawal_risk: str
    barrier: str


class Statuses(Strict):
    """Where a participant is, as staff see it in the list."""

    invited: str
    in_orientation: str
    in_program: str
    graduated: str
    paused: str
    stopped: str
    unreachable: str
    deleted: str


class AlertStatuses(Strict):
    open: str
    acknowledged: str
    resolved: str


class CheckInStatuses(Strict):
    scheduled: str
    claimed: str
    sending: str
    sent: str
    answered: str
    missed: str
    blocked: str
    failed: str
    unknown: str


class Roles(Strict):
    admin: str
    counsellor: str


class AuditActions(Strict):
    """Each audited action in plain words, for the audit log."""

    view_participant: str
    list_participants: str
    export: str
    view_alerts: str
    acknowledge: str
    resolve: str
    add_staff: str
    remove_staff: str
    view_audit: str
    sign_in: str


class Timeline(Strict):
    """Headings and lines of a participant's timeline, and the names on its chart."""

    title: str
    summary: str
    completed: str
    cravings: str
    practice: str
    goals: str
    removed_goal: str
    plan: str
    reflections: str
    checkins: str
    checkin: str
    bam: str
    alerts: str
    alert: str
    nothing: str
    intake: str
    intake_answer: str
    audit_c: str
    nida: str
    positive: str
    negative: str
    barriers: str
    questions: str
    paperwork_missing: str
    all_ready: str
    chart_title: str
    chart_craving: str
    chart_use: str
    chart_risk: str
    chart_protective: str


class Alerts(Strict):
    message: str
    header: str
    empty: str
    acknowledged: str
    taken: str
    resolve_prompt: str
    resolved: str
    age: str


class Buttons(Strict):
    acknowledge: str
    resolve: str
    open_timeline: str
    previous_page: str
    next_page: str


class Participants(Strict):
    header: str
    line: str
    page: str
    empty: str
    no_date: str
    not_found: str


class Staff(Strict):
    added: str
    removed: str
    not_staff: str
    list_header: str
    line: str


class Audit(Strict):
    header: str
    line: str
    empty: str


class Commands(Strict):
    """The staff commands as Telegram's command menu describes them."""

    alerts: str
    participants: str
    participant: str
    export: str
    invite: str
    graduate: str
    staff: str
    audit: str
    dashboard: str


class Replies(Strict):
    """What the staff commands answer."""

    help: str
    admins_only: str
    dashboard_link: str
    dashboard_off: str
    bad_date: str
    usage_participant: str
    usage_invite: str
    usage_graduate: str
    usage_staff: str
    invite_made: str
    label_taken: str
    graduated: str
    not_consented: str
    already_graduated: str
    sent_privately: str
    open_private_chat: str


class StaffTexts(Strict):
    """Everything staff read, in one language; each key is required."""

    version: int = Field(ge=1)
    alert_kinds: AlertKinds
    statuses: Statuses
    alert_statuses: AlertStatuses
    checkin_statuses: CheckInStatuses
    roles: Roles
    audit_actions: AuditActions
    plan_sections: Sections
    timeline: Timeline
    alerts: Alerts
    buttons: Buttons
    participants: Participants
    staff: Staff
    audit: Audit
    export_caption: str
    commands: Commands
    replies: Replies


# The words the bot fills in, per text; every other staff text takes none.
TEMPLATES: dict[str, frozenset[str]] = {
    "timeline.title": frozenset({"label"}),
    "timeline.summary": frozenset({"status", "last_contact"}),
    "timeline.checkin": frozenset({"day", "questionnaire", "date", "status"}),
    "timeline.bam": frozenset({"use", "risk", "protective"}),
    "timeline.alert": frozenset({"date", "kind", "where", "status"}),
    "timeline.chart_title": frozenset({"label"}),
    "timeline.intake_answer": frozenset({"question", "answer"}),
    "timeline.audit_c": frozenset({"score", "answered", "questions", "verdict"}),
    "timeline.nida": frozenset({"score", "answered", "questions", "verdict"}),
    "alerts.message": frozenset({"label", "kind", "where", "when"}),
    "alerts.header": frozenset({"count"}),
    "alerts.age": frozenset({"hours", "minutes"}),
    "participants.header": frozenset({"count"}),
    "participants.line": frozenset({"label", "status", "last_contact", "alerts", "next_checkin"}),
    "participants.page": frozenset({"page", "pages"}),
    "participants.not_found": frozenset({"label"}),
    "staff.added": frozenset({"telegram_id", "role"}),
    "staff.removed": frozenset({"telegram_id"}),
    "staff.not_staff": frozenset({"telegram_id"}),
    "staff.line": frozenset({"telegram_id", "role"}),
    "audit.line": frozenset({"when", "staff", "action", "label", "detail"}),
    "replies.dashboard_link": frozenset({"link"}),
    "replies.invite_made": frozenset({"label", "code", "link", "expires"}),
    "replies.label_taken": frozenset({"label"}),
    "replies.graduated": frozenset({"label", "date", "count"}),
    "replies.not_consented": frozenset({"label"}),
    "replies.already_graduated": frozenset({"label", "date"}),
}


def load_staff_texts(root: Path, problems: list[Problem]) -> dict[str, StaffTexts]:
    """staff.yaml of every language folder, checked; mistakes are added to `problems`."""
    loaded: dict[str, StaffTexts] = {}
    for folder in sorted(p.parent for p in root.glob("*/messages.yaml")):
        file = open_yaml(root, folder / FILE, problems)
        texts = parse(file, StaffTexts, problems) if file else None
        if file is None or texts is None:
            continue
        found = len(problems)
        for path, text in strings(file.data):
            allowed = TEMPLATES.get(".".join(map(str, path)), frozenset())
            for name in PLACEHOLDER.findall(text):
                if name not in allowed:
                    words = ", ".join(f"{{{a}}}" for a in sorted(allowed))
                    can = f"this text can use {words}" if words else "this text takes none"
                    message = f"'{{{name}}}' is not filled in here; {can}"
                    problems.append(file.problem(message, *path))
        if len(problems) == found:
            loaded[folder.name] = texts
    return loaded


def fill(template: str, values: Mapping[str, object]) -> str:
    """Put values into a staff text's {placeholders}."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), template)


def day(when: datetime | None, zone: ZoneInfo) -> str:
    """A moment as YYYY-MM-DD in the program's time zone; empty when there is none."""
    return when.astimezone(zone).date().isoformat() if when is not None else ""


def name_of(names: BaseModel, key: str) -> str:
    """The plain-words name of a kind or status; the key itself for one the texts lack."""
    value = getattr(names, key, None)
    return value if isinstance(value, str) else key
