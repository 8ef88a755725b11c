"""Staff lists as plain text: participants a page at a time, an alert, the staff, the audit log."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.models import Alert, AuditEntry, Participant, StaffMember
from bot.staff.review import OverviewRow
from bot.staff.store import label_of
from bot.staff.texts import StaffTexts, day, fill, name_of

PAGE_ROWS = 20  # participants per page of the list
CLOCK = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Page:
    """A page of a list, numbered from 1, with how many there are."""

    text: str
    number: int
    pages: int


def overview_page(
    rows: Sequence[OverviewRow], *, texts: StaffTexts, zone: ZoneInfo, page: int
) -> Page:
    """One page of the participant list; a page number out of range shows the nearest page."""
    words = texts.participants
    if not rows:
        return Page(words.empty, 1, 1)
    pages = math.ceil(len(rows) / PAGE_ROWS)
    number = min(max(page, 1), pages)
    lines = [
        fill(
            words.line,
            {
                "label": row.label,
                "status": name_of(texts.statuses, row.status),
                "last_contact": day(row.last_contact, zone) or words.no_date,
                "alerts": row.open_alerts,
                "next_checkin": day(row.next_checkin, zone) or words.no_date,
            },
        )
        for row in rows[(number - 1) * PAGE_ROWS : number * PAGE_ROWS]
    ]
    head = fill(words.header, {"count": len(rows)})
    foot = fill(words.page, {"page": number, "pages": pages})
    return Page("\n".join([head, "", *lines, "", foot]), number, pages)


def alert_message(
    alert: Alert, participant: Participant, *, texts: StaffTexts, zone: ZoneInfo
) -> str:
    """What staff get for an alert: who, why, where in the conversation, when."""
    values = {
        "label": label_of(participant),
        "kind": name_of(texts.alert_kinds, alert.kind),
        "where": alert.context,
        "when": alert.created_at.astimezone(zone).strftime(CLOCK),
    }
    return fill(texts.alerts.message, values)


def staff_list(members: Sequence[StaffMember], *, texts: StaffTexts) -> str:
    """Who is on staff, with their roles."""
    lines = [
        fill(texts.staff.line, {"telegram_id": m.telegram_id, "role": name_of(texts.roles, m.role)})
        for m in members
    ]
    return "\n".join([texts.staff.list_header, *lines])


def audit_text(
    entries: Sequence[tuple[AuditEntry, Participant | None]], *, texts: StaffTexts, zone: ZoneInfo
) -> str:
    """A page of the audit log, as store.audit_log gives it."""
    if not entries:
        return texts.audit.empty
    lines = []
    for entry, participant in entries:
        values = {
            "when": entry.at.astimezone(zone).strftime(CLOCK),
            "staff": entry.staff_telegram_id,
            "action": name_of(texts.audit_actions, entry.action),
            "label": label_of(participant) if participant else "",
            "detail": entry.detail,
        }
        lines.append(" ".join(fill(texts.audit.line, values).split()))  # no gaps for empty parts
    return "\n".join([texts.audit.header, *lines])
