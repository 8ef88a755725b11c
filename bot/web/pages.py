"""The dashboard's pages: each reads through the same staff getters as the Telegram commands,
checks the same role and writes the same audit row; the templates only render."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot import charts
from bot.models import AuditAction
from bot.staff import ratings, review, store
from bot.staff.review import OverviewRow, ParticipantStatus
from bot.staff.texts import day, fill, name_of
from bot.staff.views import CLOCK
from bot.web.guard import Visit

AUDIT_ROWS = 100
ALL = "all"
ACKNOWLEDGED, RESOLVED, TAKEN, NOTE = "acknowledged", "resolved", "taken", "note"
Key = Callable[[OverviewRow], Any]
SORTS: dict[str, Key] = {
    "label": lambda row: row.label,
    "status": lambda row: row.status.value,
    "last_contact": lambda row: row.last_contact,
    "open_alerts": lambda row: row.open_alerts,
    "next_checkin": lambda row: row.next_checkin,
    "use": lambda row: _bam(row, "use"),
    "risk": lambda row: _bam(row, "risk"),
    "protective": lambda row: _bam(row, "protective"),
}


def _bam(row: OverviewRow, scale: str) -> int | None:
    return row.bam.get(scale) if row.bam else None


Test = Callable[[OverviewRow], bool]
ALERTS = "alerts"  # only those with open alerts


def _quiet(days: int, now: datetime) -> Test:
    """No contact for at least this many days, or never."""
    return lambda row: row.last_contact is None or row.last_contact <= now - timedelta(days=days)


def _due(days: int, now: datetime) -> Test:
    """A check-in due within this many days."""
    return lambda row: (
        row.next_checkin is not None and row.next_checkin <= now + timedelta(days=days)
    )


def _scale(scale: str, *, least: bool) -> Callable[[int, datetime], Test]:
    """The latest BAM score on this scale at least (or at most) the number."""

    def make(number: int, now: datetime) -> Test:
        def test(row: OverviewRow) -> bool:
            score = _bam(row, scale)
            return score is not None and (score >= number if least else score <= number)

        return test

    return make


# Each filter given as a number, from the number and the time now to the test of a row.
NUMBER_FILTERS: dict[str, Callable[[int, datetime], Test]] = {
    "quiet": _quiet,
    "due": _due,
    "use_min": _scale("use", least=True),
    "risk_min": _scale("risk", least=True),
    "protective_max": _scale("protective", least=False),
}


def participants(visit: Visit) -> Response:
    """Everyone, filtered by status and the other columns and sorted by a column, as
    /participants lists them."""
    query = visit.request.query_params
    status = query.get("status", ALL)
    wanted = ParticipantStatus(status) if status in set(ParticipantStatus) else None
    sort = query.get("sort", "label") if query.get("sort") in SORTS else "label"
    descending = query.get("order") == "desc"
    kept, tests = _filters(query, visit.now)
    rows = review.overview(session=visit.session, now=visit.now, status=wanted)
    rows = [row for row in rows if all(test(row) for test in tests)]
    key = SORTS[sort]
    known = sorted((r for r in rows if key(r) is not None), key=key, reverse=descending)
    shown = known + [r for r in rows if key(r) is None]  # rows without a value go last
    detail = f"{wanted or ALL} on the dashboard" + (f", by {' '.join(kept)}" if kept else "")
    visit.audit(AuditAction.LIST_PARTICIPANTS, detail=detail)
    zone = visit.desk.zone
    current = {"status": wanted.value if wanted else ALL, **kept}
    return visit.render(
        "participants.html",
        {
            "rows": shown,
            "header": fill(visit.texts.participants.header, {"count": len(shown)}),
            "status": current["status"],
            "filters": kept,
            "statuses": [(s.value, name_of(visit.texts.statuses, s)) for s in ParticipantStatus],
            "sort": sort,
            "descending": descending,
            "sort_links": _sort_links(current, sort, descending),
            "status_name": lambda s: name_of(visit.texts.statuses, s),
            "day": lambda when: day(when, zone),
        },
    )


def _sort_links(current: Mapping[str, str], sort: str, descending: bool) -> dict[str, str]:
    """Each column header's link, keeping the filters: sorted by that column, and a second
    click on the sorted one turns the order round."""
    links = {}
    for column in SORTS:
        order = "desc" if column == sort and not descending else "asc"
        links[column] = "?" + urlencode({**current, "sort": column, "order": order})
    return links


def _filters(query: Mapping[str, str], now: datetime) -> tuple[dict[str, str], list[Test]]:
    """The table's filters besides status: the ones asked for (to keep in the form and the
    sort links) and a test for each. A number that is not one is left out."""
    kept: dict[str, str] = {}
    tests: list[Test] = []
    if query.get(ALERTS) == "1":
        kept[ALERTS] = "1"
        tests.append(lambda row: row.open_alerts > 0)
    for name, make in NUMBER_FILTERS.items():
        value = query.get(name, "").strip()
        if value.isascii() and value.isdigit() and len(value) <= 4:
            kept[name] = value
            tests.append(make(int(value), now))
    return kept, tests


def participant(visit: Visit) -> Response:
    """One participant's timeline and chart, as /participant LABEL shows them."""
    label = visit.request.path_params["label"]
    found = store.participant_by_label(session=visit.session, label=label)
    if found is None:
        return visit.render("missing.html", {"label": label}, status_code=404)
    told = review.history(
        session=visit.session, participant=found, now=visit.now, texts=visit.texts,
        zone=visit.desk.zone, content=visit.desk.content(),
    )  # fmt: skip
    drawn = ratings.chart_lines(
        session=visit.session, participant=found, now=visit.now, texts=visit.texts
    )
    visit.audit(AuditAction.VIEW_PARTICIPANT, found.id, "on the dashboard")
    # Drawn here with every text in it escaped, so it goes into the page as markup.
    chart = Markup(charts.ratings_svg(drawn, now=visit.now)) if drawn else None
    return visit.render("participant.html", {"history": told, "chart": chart})


def alerts(visit: Visit) -> Response:
    """The alerts nobody has resolved, oldest first, with forms to take and close them."""
    found = store.open_alerts(session=visit.session)
    visit.audit(AuditAction.VIEW_ALERTS, detail=f"{len(found)} open")
    words = visit.texts.alerts
    said = {
        ACKNOWLEDGED: words.acknowledged, RESOLVED: words.resolved, TAKEN: words.taken,
        NOTE: words.resolve_prompt,
    }  # fmt: skip
    zone = visit.desk.zone
    return visit.render(
        "alerts.html",
        {
            "alerts": [
                {
                    "id": alert.id,
                    "label": store.label_of(person),
                    "kind": name_of(visit.texts.alert_kinds, alert.kind),
                    "where": alert.context,
                    "when": alert.created_at.astimezone(zone).strftime(CLOCK),
                    "status": name_of(visit.texts.alert_statuses, alert.status),
                    "open": alert.acknowledged_at is None,
                }
                for alert, person in found
            ],
            "header": fill(words.header, {"count": len(found)}),
            "done": said.get(visit.request.query_params.get("done", "")),
            "max_note": store.MAX_NOTE,
        },
    )


def alert_count(visit: Visit) -> Response:
    """How many alerts are open, for the live count in the navigation."""
    return JSONResponse({"open": len(store.open_alerts(session=visit.session))})


def acknowledge(visit: Visit) -> Response:
    """Take an alert, as the Acknowledge button does."""
    alert_id = int(visit.request.path_params["alert_id"])
    taken = store.acknowledge(
        session=visit.session, alert_id=alert_id, by=visit.member.telegram_id, now=visit.now
    )
    if taken is not None:
        visit.audit(AuditAction.ACKNOWLEDGE, taken.participant_id, f"alert {alert_id}")
    return _back_to_alerts(ACKNOWLEDGED if taken else TAKEN)


def resolve(visit: Visit) -> Response:
    """Close an alert with a note, as Resolve and the reply with the note do."""
    alert_id = int(visit.request.path_params["alert_id"])
    note = str(visit.form.get("note", "")) if visit.form else ""
    if not note.strip():  # the form asks for a note; an empty one resolves nothing
        return _back_to_alerts(NOTE)
    done = store.resolve(
        session=visit.session, alert_id=alert_id, by=visit.member.telegram_id, note=note,
        now=visit.now,
    )  # fmt: skip
    if done is not None:
        visit.audit(AuditAction.RESOLVE, done.participant_id, f"alert {alert_id}")
    return _back_to_alerts(RESOLVED if done else TAKEN)


def _back_to_alerts(done: str) -> Response:
    return RedirectResponse(f"/alerts?done={done}", status_code=303)


def export_form(visit: Visit) -> Response:
    """Where to ask for the CSV, and what it is."""
    return visit.render("export.html", {})


def export_file(visit: Visit) -> Response:
    """The check-in answers as CSV, as /export sends them, under the 42 CFR Part 2 notice."""
    asked = visit.request.query_params.get("since", "").strip()
    try:
        since = date.fromisoformat(asked) if asked else None
    except ValueError:
        return visit.render("export.html", {"bad_date": True}, status_code=400)
    name, text = visit.desk.export(visit.session, visit.member, since=since, now=visit.now)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def audit_log(visit: Visit) -> Response:
    """The newest rows of the audit log, for admins only."""
    if not visit.may(AuditAction.VIEW_AUDIT):
        return visit.render("admins_only.html", {}, status_code=403)
    entries = store.audit_log(session=visit.session, limit=AUDIT_ROWS)
    visit.audit(AuditAction.VIEW_AUDIT)
    zone = visit.desk.zone
    return visit.render(
        "audit.html",
        {
            "entries": [
                {
                    "when": entry.at.astimezone(zone).strftime(CLOCK),
                    "staff": entry.staff_telegram_id,
                    "action": name_of(visit.texts.audit_actions, entry.action),
                    "label": store.label_of(person) if person else "",
                    "detail": entry.detail,
                }
                for entry, person in entries
            ]
        },
    )
