"""What staff read: statuses, the participant list, alerts, a timeline in pages, the chart."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.content.files import Problem
from bot.models import (
    Alert,
    AlertKind,
    AlertStatus,
    AuditAction,
    AuditEntry,
    CheckInStatus,
    Invite,
    StaffMember,
    StaffRole,
)
from bot.staff import ratings, review, views
from bot.staff.review import ParticipantStatus as S
from bot.staff.texts import load_staff_texts
from tests.staff_history import (
    CONTENT,
    LATE_EVENING,
    START,
    answer,
    engine,
    full_history,
    person,
    staff_texts,
)

__all__ = ["engine"]  # the fixture

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")


def test_each_status(engine: sa.Engine) -> None:
    with Session(engine) as session:
        cases = {
            S.INVITED: person(session, "a", consented_at=None, oriented_at=None),
            S.IN_ORIENTATION: person(session, "b", oriented_at=None),
            S.IN_PROGRAM: person(session, "c"),
            S.GRADUATED: person(session, "d", graduated_on=START.date()),
            S.PAUSED: person(session, "e", checkins_paused_until=NOW + timedelta(days=3)),
            S.STOPPED: person(session, "f", stopped_at=START, unreachable_at=START),
            S.UNREACHABLE: person(session, "g", unreachable_at=START),
        }
        done_pausing = person(session, "h", checkins_paused_until=NOW - timedelta(days=1))
        stopped_checkins = person(session, "i", graduated_on=START.date(), checkins_stopped_at=NOW)
    for expected, participant in cases.items():
        assert review.participant_status(participant, NOW) is expected
    assert review.participant_status(done_pausing, NOW) is S.IN_PROGRAM
    assert review.participant_status(stopped_checkins, NOW) is S.STOPPED


def test_overview_lists_everyone_by_label_and_filters(engine: sa.Engine) -> None:
    with Session(engine) as session:
        full_history(session)
        person(session, "chart-2", oriented_at=None, last_seen_at=START)
        unlabelled = person(session, None)
        person(session, None, consented_at=None, oriented_at=None)  # not agreed: not shown
        session.add_all(
            [
                Invite(code="c1", label="chart-9", created_at=START),
                Invite(code="c2", label="chart-9", created_at=START),  # invited twice
                Invite(code="c3", label="chart-2", created_at=START, redeemed_at=START),
            ]
        )
        session.commit()
        rows = review.overview(session=session, now=NOW)
        assert [(r.label, r.status) for r in rows] == [
            (f"#{unlabelled.id}", S.IN_PROGRAM),
            ("chart-2", S.IN_ORIENTATION),
            ("chart-7", S.GRADUATED),
            ("chart-9", S.INVITED),
        ]
        ana = rows[2]
        assert (ana.last_contact, ana.open_alerts) == (LATE_EVENING, 1)  # one resolved, one open
        assert ana.next_checkin == datetime(2026, 5, 28, 23, 0, tzinfo=UTC)  # day 90, planned
        assert (rows[1].open_alerts, rows[1].next_checkin) == (0, None)
        graduates = review.overview(session=session, now=NOW, status=S.GRADUATED)
        assert [r.label for r in graduates] == ["chart-7"]

        page = views.overview_page(rows, texts=staff_texts(), zone=ZONE, page=1)
        assert page.text.splitlines()[0] == "Participants: 4"
        assert (
            "chart-7: Graduated. Last contact 2026-03-30. Open alerts: 1. "
            "Next check-in: 2026-05-28."
        ) in page.text
        assert "chart-9: Invited, not started. Last contact none." in page.text
        assert page.text.endswith("Page 1 of 1")
        spanish = views.overview_page(rows, texts=staff_texts("es"), zone=ZONE, page=1)
        assert "chart-7: Terminó el programa. Último contacto: 2026-03-30." in spanish.text


def test_list_pages(engine: sa.Engine) -> None:
    with Session(engine) as session:
        for number in range(25):
            person(session, f"p{number:02}")
        rows = review.overview(session=session, now=NOW)
    second = views.overview_page(rows, texts=staff_texts(), zone=ZONE, page=2)
    assert (second.number, second.pages) == (2, 2)
    assert "p20:" in second.text and "p19:" not in second.text
    assert second.text.endswith("Page 2 of 2")
    assert views.overview_page(rows, texts=staff_texts(), zone=ZONE, page=9).number == 2
    assert views.overview_page(rows, texts=staff_texts(), zone=ZONE, page=0).number == 1
    assert views.overview_page([], texts=staff_texts(), zone=ZONE, page=1).text == (
        "No participants yet."
    )


def test_timeline_covers_the_whole_history(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana = full_history(session)
        [page] = review.timeline(
            session=session, participant=ana, now=NOW, texts=staff_texts(), zone=ZONE
        )
    blocks = {block.splitlines()[0]: block.splitlines()[1:] for block in page.split("\n\n")}
    assert blocks["Timeline for chart-7"] == ["Status: Graduated. Last contact: 2026-03-30."]
    assert blocks["Orientation and lessons finished:"] == [
        "2026-01-05: orientation",
        "2026-01-07: lesson_halt",
    ]
    assert blocks["Cravings (0 to 10, then again after the wait):"] == [
        "2026-01-09: 8 → 3",
        "2026-01-14: 5",
    ]
    assert blocks["Practice (stress 0 to 10, before and after):"] == [
        "2026-01-08 practice_sober: 6 → 2"
    ]
    assert blocks["Goals (weekly rating, 1 to 5):"] == [
        "• Walk every morning",
        "  2026-01-12: 4",
        "• A goal later taken off the plan",
        "  2026-01-12: 2",
    ]
    assert blocks["Plan:"] == ["Triggers:", "  • Payday"]
    assert blocks["After-session reflections:"] == ["2026-01-13: Breathing helps"]
    assert blocks["Check-ins:"] == [
        "Day 7 (short), due 2026-03-06: Answered",
        "  use: no",
        "  note: =1+1 call me",
        "Day 30 (bam), due 2026-03-29: Answered",
        "  health: good",
        "  Use 0, Risk 10, Protective 15",
        "Day 31 (bam), due 2026-03-30: Answered",
        "  health: poor",
        "  Use 3 ↑, Risk 10 →, Protective 12 ↓",
        "Day 90 (bam), due 2026-05-28: Planned",
    ]
    assert blocks["Alerts:"] == [
        "2026-03-30 Reported alcohol or drug use (check-in day 31): Resolved",
        "  Called, booked a session",
        "2026-03-30 Risk score went up (check-in day 31): Open",
    ]


def test_timeline_of_a_newcomer_in_spanish(engine: sa.Engine) -> None:
    with Session(engine) as session:
        newcomer = person(session, "chart-3", oriented_at=None)
        [page] = review.timeline(
            session=session, participant=newcomer, now=NOW, texts=staff_texts("es"), zone=ZONE
        )
    assert page.splitlines()[:2] == [
        "Historia de chart-3",
        "Estado: En la orientación. Último contacto: ninguno.",
    ]
    assert page.count("Nada todavía.") == 8  # every part, empty
    assert "Seguimientos:\nNada todavía." in page


def test_a_long_timeline_comes_in_pages(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana = full_history(session)
        for n in range(60):
            answer(session, ana, "reflection", "take_away", f"Reflection {n:02} " + "w" * 120,
                   START + timedelta(days=10, minutes=n))  # fmt: skip
        session.commit()
        pages = review.timeline(
            session=session, participant=ana, now=NOW, texts=staff_texts(), zone=ZONE
        )
    assert len(pages) == 3
    assert all(len(page) <= review.PAGE_CHARS for page in pages)
    assert all(page.strip() == page for page in pages)
    text = "\n".join(pages)
    assert all(text.count(f"Reflection {n:02} ") == 1 for n in range(60))
    assert text.index("Reflection 59") < text.index("Check-ins:") < text.index("Alerts:")


def test_alert_message_and_chart(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana = full_history(session)
        newcomer = person(session, "chart-3")
        answer(session, newcomer, "craving", "rate", "7", START)
        answer(session, newcomer, "craving", "checkback", "4", START + timedelta(minutes=15))
        session.commit()
        assert (
            ratings.timeline_chart(
                session=session, participant=newcomer, now=NOW, texts=staff_texts()
            )
            is None
        )  # two points make no picture
        chart = ratings.timeline_chart(
            session=session, participant=ana, now=NOW, texts=staff_texts()
        )
        assert chart is not None and chart.startswith(b"\x89PNG")
        alert = Alert(
            participant_id=ana.id or 0, kind="crisis_language", context="craving:rate",
            created_at=LATE_EVENING,
        )  # fmt: skip
        assert views.alert_message(alert, ana, texts=staff_texts(), zone=ZONE) == (
            "chart-7: Crisis words in a message (craving:rate), 2026-03-30 21:30"
        )
        odd = Alert(participant_id=ana.id or 0, kind="brand_new_kind", created_at=LATE_EVENING)
        assert views.alert_message(odd, ana, texts=staff_texts("es"), zone=ZONE).startswith(
            "chart-7: brand_new_kind ()"
        )


def test_staff_list_and_audit_log_text(engine: sa.Engine) -> None:
    members = [
        StaffMember(telegram_id=111, role="admin", added_at=START),
        StaffMember(telegram_id=222, role="counsellor", added_at=START),
    ]
    assert views.staff_list(members, texts=staff_texts("es")) == (
        "Personal:\n111: administrador(a)\n222: consejero(a)"
    )
    with Session(engine) as session:
        ana = person(session, "chart-1")
    viewed = AuditEntry(staff_telegram_id=222, action="view_participant", at=LATE_EVENING)
    exported = AuditEntry(
        staff_telegram_id=111, action="export", detail="since 2026-01-01", at=START
    )
    entries = [(viewed, ana), (exported, None)]
    assert views.audit_text(entries, texts=staff_texts(), zone=ZONE).splitlines() == [
        "Audit log, newest first",
        "2026-03-30 21:30 222 opened the timeline of chart-1",
        "2026-01-05 10:00 111 exported check-ins since 2026-01-01",
    ]
    assert views.audit_text([], texts=staff_texts(), zone=ZONE) == "The audit log is empty."


def _line_of(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def test_staff_texts_are_checked_for_editors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    english = content / "en" / "staff.yaml"
    edited = english.read_text().replace("Participants: {count}", "People: {total}")
    english.write_text(edited.replace("No open alerts. All clear.", "No open alerts, {name}."))
    spanish = content / "es" / "staff.yaml"
    spanish.write_text(spanish.read_text().replace("  resolve: Resolver\n", ""))
    problems: list[Problem] = []
    assert load_staff_texts(content, problems) == {}
    empty = _line_of(english, "  empty: No open alerts, {name}.")
    header = _line_of(english, '  header: "People: {total}"')
    buttons = _line_of(spanish, "  acknowledge: Tomar")  # where the buttons begin
    assert [str(p) for p in problems] == [
        f"content/en/staff.yaml:{empty}: '{{name}}' is not filled in here; this text takes none",
        f"content/en/staff.yaml:{header}: '{{total}}' is not filled in here; "
        "this text can use {count}",
        f"content/es/staff.yaml:{buttons}: 'buttons.resolve' is missing",
    ]


def test_every_kind_status_role_and_action_has_a_name() -> None:
    """A new alert kind or status in the code needs its words in staff.yaml, in each language."""
    for language in ("en", "es"):
        texts = staff_texts(language)
        for names, kinds in [
            (texts.alert_kinds, AlertKind),
            (texts.alert_statuses, AlertStatus),
            (texts.checkin_statuses, CheckInStatus),
            (texts.statuses, S),
            (texts.roles, StaffRole),
            (texts.audit_actions, AuditAction),
        ]:
            assert set(names.model_dump()) == {str(kind) for kind in kinds}
