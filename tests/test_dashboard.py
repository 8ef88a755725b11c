"""The staff dashboard over HTTP: a one-time link from /dashboard opens a session; without
one, or without a form's token, nothing is shown or done; roles and the audit log as in
Telegram."""

from __future__ import annotations

import dataclasses
import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from bot.__main__ import main
from bot.config import Settings
from bot.models import Alert, AuditEntry, DashboardLink, DashboardSession, utcnow
from bot.staff import review, signin, store
from bot.staff.export import write_checkin_csv
from bot.web.guard import CSRF_FIELD
from tests.conftest import ADMIN, RunningBot
from tests.web import BASE, client, csrf, dashboard_link, history, sign_in, web_app

COUNSELLOR = 901
PAGES = ("/participants", "/participants/chart-7", "/alerts", "/alerts/count", "/export",
         "/export/checkins.csv", "/audit")  # fmt: skip


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, web_base_url=BASE)


def actions(bot: RunningBot) -> list[str]:
    return [entry.action for entry in bot.rows(AuditEntry)]


def listed(page: str) -> list[str]:
    """The labels in the participants table, in its order."""
    return re.findall(r'<th scope="row"><a href="/participants/([^"]+)">', page)


async def test_without_web_base_url_the_dashboard_is_not_set_up(bot: RunningBot) -> None:
    bot.companion.desk = dataclasses.replace(bot.companion.desk, web_base_url=None)
    got = await bot.person(ADMIN).send("/dashboard")
    assert got[0].text == (
        "The web dashboard is not set up. Ask whoever runs the bot to set WEB_BASE_URL."
    )
    got = await bot.person(4242).send("/dashboard")  # not staff: as any unknown command
    assert "dashboard" not in got[0].text


async def test_a_link_signs_in_once(bot: RunningBot) -> None:
    link = await dashboard_link(bot, ADMIN)
    assert link.startswith(f"{BASE}/signin/")
    token = link.rsplit("/", 1)[1]
    [stored] = bot.rows(DashboardLink)
    assert stored.token_hash == signin.digest(token) and token not in stored.token_hash
    async with client(web_app(bot)) as web:
        opened = await sign_in(web, link)
        assert opened.status_code == 303 and opened.headers["location"] == "/participants"
        cookie = opened.headers["set-cookie"].lower()
        assert all(part in cookie for part in ("secure", "httponly", "samesite=lax"))
        page = await web.get("/participants")
    assert page.status_code == 200 and "<h1>Participants: 0</h1>" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and "style=" not in page.text
    async with client(web_app(bot)) as again:
        reused = await sign_in(again, link)
    assert reused.status_code == 403 and "does not work" in reused.text
    assert actions(bot) == ["sign_in", "list_participants"]


async def test_only_the_sign_in_page_can_use_a_link(bot: RunningBot) -> None:
    link = await dashboard_link(bot, ADMIN)
    async with client(web_app(bot)) as web:
        elsewhere = await web.post(link)  # another site's form, sent to this link
        shown = await web.get(link)
        cookie = shown.headers["set-cookie"].lower()
        forged = await web.post(link, data={CSRF_FIELD: "made-up"})
    assert (elsewhere.status_code, forged.status_code) == (403, 403)
    assert "came from somewhere else" in forged.text and "iop_dashboard" not in web.cookies
    assert all(part in cookie for part in ("secure", "httponly", "samesite=strict"))
    assert [stored.used_at for stored in bot.rows(DashboardLink)] == [None]
    async with client(web_app(bot)) as web:
        assert (await sign_in(web, link)).status_code == 303  # the link still works, once
    assert actions(bot) == ["sign_in"]


async def test_a_link_works_for_ten_minutes(bot: RunningBot) -> None:
    link = await dashboard_link(bot, ADMIN)
    bot.clock.advance(minutes=10, seconds=1)
    async with client(web_app(bot)) as web:
        assert (await sign_in(web, link)).status_code == 403


async def test_nothing_without_a_session(bot: RunningBot) -> None:
    alert_id = history(bot)
    async with client(web_app(bot)) as web:
        for path in PAGES:
            got = await web.get(path)
            assert got.status_code == 401, path
            assert "chart-7" not in got.text and "You are not signed in" in got.text
        web.cookies.set("iop_dashboard", "made-up", domain="dashboard.test")
        assert (await web.get("/participants")).status_code == 401
        taken = await web.post(f"/alerts/{alert_id}/acknowledge", data={CSRF_FIELD: "x"})
    assert taken.status_code == 401
    assert all(a.acknowledged_at is None for a in bot.rows(Alert))
    assert actions(bot) == []


async def test_forms_need_their_token(bot: RunningBot) -> None:
    alert_id = history(bot)
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        page = (await web.get("/alerts")).text
        forged = await web.post(f"/alerts/{alert_id}/acknowledge", data={CSRF_FIELD: "0" * 64})
        assert forged.status_code == 403
        assert [a.acknowledged_at for a in bot.rows(Alert) if a.id == alert_id] == [None]
        done = await web.post(f"/alerts/{alert_id}/acknowledge", data={CSRF_FIELD: csrf(page)})
        assert done.headers["location"] == "/alerts?done=acknowledged"
        blank = await web.post(
            f"/alerts/{alert_id}/resolve", data={CSRF_FIELD: csrf(page), "note": "  "}
        )  # the page asks for a note; an empty one resolves nothing and asks again
        asked = (await web.get(blank.headers["location"])).text
        assert bot.companion.content.staff_texts("en").alerts.resolve_prompt in html.unescape(asked)
        resolved = await web.post(
            f"/alerts/{alert_id}/resolve", data={CSRF_FIELD: csrf(page), "note": "Called back"}
        )
        assert resolved.headers["location"] == "/alerts?done=resolved"
        assert "Alert resolved. Thank you." in (await web.get("/alerts?done=resolved")).text
    [alert] = [a for a in bot.rows(Alert) if a.id == alert_id]
    assert (alert.acknowledged_by, alert.resolved_by) == (ADMIN, ADMIN)
    assert alert.resolution_note == "Called back"
    assert actions(bot) == [
        "sign_in", "view_alerts", "acknowledge", "view_alerts", "resolve", "view_alerts"
    ]  # fmt: skip


async def test_a_session_ends_after_15_idle_minutes_or_on_sign_out(bot: RunningBot) -> None:
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        bot.clock.advance(minutes=14)
        page = await web.get("/participants")  # in use: kept alive
        assert page.status_code == 200
        bot.clock.advance(minutes=14)
        assert (await web.get("/alerts/count")).json() == {"open": 0}  # the live count ...
        bot.clock.advance(minutes=2)
        assert (await web.get("/participants")).status_code == 401  # ... keeps nothing alive

        await sign_in(web, await dashboard_link(bot, ADMIN))
        page = await web.get("/participants")
        out = await web.post("/signout", data={CSRF_FIELD: csrf(page.text)})
        assert out.status_code == 200 and "You are not signed in" in out.text
        assert (await web.get("/participants")).status_code == 401


async def test_a_counsellor_cannot_read_the_audit_log(bot: RunningBot) -> None:
    await bot.person(ADMIN).send(f"/staff add {COUNSELLOR} counsellor")
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, COUNSELLOR))
        page = await web.get("/participants")
        assert 'href="/audit"' not in page.text
        refused = await web.get("/audit")
    assert refused.status_code == 403 and "Only admins can do that." in refused.text
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        log = await web.get("/audit")
    assert log.status_code == 200 and "signed in to the dashboard" in log.text
    assert [e.action for e in bot.rows(AuditEntry)].count("view_audit") == 1


async def test_the_pages_show_what_telegram_shows(bot: RunningBot) -> None:
    history(bot)
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        table = await web.get("/participants?sort=risk&order=desc")
        graduated = await web.get("/participants?status=graduated")
        one = await web.get("/participants/chart-7")
        unknown = await web.get("/participants/nobody")
        csv_file = await web.get("/export/checkins.csv?since=2026-03-01")
        bad = await web.get("/export/checkins.csv?since=March")
    assert listed(table.text) == [
        "chart-7",
        "chart-12",
        "chart-3",
    ]  # chart-7's Risk 10; none go last
    assert "<td>Graduated</td>" in table.text
    assert listed(graduated.text) == ["chart-7"]
    texts, zone = bot.companion.content.staff_texts("en"), bot.companion.desk.zone
    with Session(bot.engine) as session:
        ana = store.participant_by_label(session=session, label="chart-7")
        assert ana is not None
        pages = review.timeline(
            session=session, participant=ana, now=bot.clock.now, texts=texts, zone=zone
        )
        expected = io.StringIO()
        questionnaires = bot.companion.content.language("en").questionnaires
        write_checkin_csv(
            session=session, out=expected, since=date(2026, 3, 1),
            questionnaires=questionnaires, zone=zone,
        )  # fmt: skip
    shown = html.unescape(re.sub(r"<[^>]+>", "", one.text))
    for line in "\n".join(pages).splitlines():
        assert line.strip().rstrip(":") in shown
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in one.text
    assert unknown.status_code == 404 and "nobody" in unknown.text
    assert csv_file.text == expected.getvalue()
    assert csv_file.text.startswith("# NOTICE: 42 CFR Part 2 confidentiality.")
    assert csv_file.headers["content-disposition"].startswith('attachment; filename="checkins-')
    assert bad.status_code == 400
    assert actions(bot) == [
        "sign_in", "list_participants", "list_participants", "view_participant", "export"
    ]  # fmt: skip


async def test_the_table_filters_by_every_column(bot: RunningBot) -> None:
    history(bot)  # chart-7: an open alert, quiet since March, a check-in due, BAM 3, 10, 12
    asked = {
        "alerts=1": ["chart-7"],
        "quiet=30": ["chart-3", "chart-7"],  # chart-3 was never in touch; chart-12 is today
        "due=7": ["chart-7"],
        "use_min=3": ["chart-7"],
        "use_min=4": [],
        "risk_min=10": ["chart-7"],
        "protective_max=11": [],
        "protective_max=12&status=graduated": ["chart-7"],
        "quiet=30&status=in_program": ["chart-3"],
        "risk_min=ten": ["chart-12", "chart-3", "chart-7"],  # not a number: no filter
        "use_min=²": ["chart-12", "chart-3", "chart-7"],
    }
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        got = {query: (await web.get(f"/participants?{query}")).text for query in asked}
        sorted_page = (await web.get("/participants?alerts=1&quiet=30&sort=use")).text
    assert {query: listed(page) for query, page in got.items()} == asked
    assert 'id="alerts" name="alerts" type="checkbox" value="1" checked' in got["alerts=1"]
    assert 'name="quiet" type="number"' in got["quiet=30"] and 'value="30"' in got["quiet=30"]
    # Sorting keeps the filters, and the sorted column says so to screen readers.
    assert (
        '<th scope="col" aria-sort="ascending"><a href="?status=all&amp;alerts=1&amp;quiet=30'
        '&amp;sort=use&amp;order=desc">' in sorted_page
    )
    details = [e.detail for e in bot.rows(AuditEntry) if e.action == "list_participants"]
    assert details[0] == "all on the dashboard, by alerts"
    assert details[-1] == "all on the dashboard, by alerts quiet"


async def test_a_link_asked_for_in_the_staff_group_comes_privately(bot: RunningBot) -> None:
    await bot.in_staff_group(ADMIN).send("/dashboard")
    links = [sent for sent in bot.telegram.sent if "/signin/" in sent.text]
    assert [sent.chat_id for sent in links] == [ADMIN]


async def test_the_page_words_are_the_staff_texts(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(bot)
    content = bot.companion.desk.content()
    texts = content.staff_texts("en")
    edited = texts.model_copy(
        update={
            "buttons": texts.buttons.model_copy(
                update={"acknowledge": "Take it", "resolve": "Close it"}
            ),
            "alerts": texts.alerts.model_copy(update={"header": "Waiting: {count}"}),
            "participants": texts.participants.model_copy(update={"header": "People: {count}"}),
            "audit": texts.audit.model_copy(update={"header": "Who saw what"}),
            "timeline": texts.timeline.model_copy(update={"chart_risk": "Danger"}),
        }
    )  # as a clinic might word them in content/en/staff.yaml
    monkeypatch.setattr(type(content), "staff_texts", lambda self, code: edited)
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, ADMIN))
        table = (await web.get("/participants")).text
        queue = (await web.get("/alerts")).text
        log = (await web.get("/audit")).text
    assert "<h1>People: 3</h1>" in table and ">BAM Danger" in table
    assert "<h1>Waiting: 1</h1>" in queue
    assert ">Take it</button>" in queue and ">Close it</button>" in queue
    assert 'aria-label="Take it: ' in queue  # a screen reader hears whose alert it is
    assert "<h1>Who saw what</h1>" in log


async def test_a_removed_staff_member_is_signed_out_at_once(bot: RunningBot) -> None:
    await bot.person(ADMIN).send(f"/staff add {COUNSELLOR} counsellor")
    async with client(web_app(bot)) as web:
        await sign_in(web, await dashboard_link(bot, COUNSELLOR))
        unused = await dashboard_link(bot, COUNSELLOR)
        assert (await web.get("/participants")).status_code == 200
        got = await bot.person(ADMIN).send(f"/staff remove {COUNSELLOR}")
        assert str(COUNSELLOR) in got[0].text
        assert [s.staff_telegram_id for s in bot.rows(DashboardSession)] == []
        assert [s.staff_telegram_id for s in bot.rows(DashboardLink)] == []
        await bot.person(ADMIN).send(f"/staff add {COUNSELLOR} counsellor")  # back: not signed in
        refused = await web.get("/participants")
        assert refused.status_code == 401 and "You are not signed in" in refused.text
        assert (await sign_in(web, unused)).status_code == 403


async def test_spent_links_and_sessions_are_removed(
    bot: RunningBot,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    bot.clock.now = utcnow() - timedelta(minutes=30)  # purge runs on the real clock
    async with client(web_app(bot)) as kept, client(web_app(bot)) as left:
        await sign_in(kept, await dashboard_link(bot, ADMIN))
        await sign_in(left, await dashboard_link(bot, ADMIN))  # the first link goes
        assert len(bot.rows(DashboardLink)) == 1
        page = await left.get("/participants")
        await left.post("/signout", data={CSRF_FIELD: csrf(page.text)})
        await dashboard_link(bot, ADMIN)  # never opened
        bot.clock.advance(minutes=11)
        assert len(bot.rows(DashboardLink)) == 2 and len(bot.rows(DashboardSession)) == 2

        async with client(web_app(bot)) as web:  # the next sign-in tidies
            await sign_in(web, await dashboard_link(bot, ADMIN))
        assert [link.used_at for link in bot.rows(DashboardLink)] == [bot.clock.now]
        assert [s.ended_at for s in bot.rows(DashboardSession)] == [None, None]
        assert (await kept.get("/participants")).status_code == 200  # 11 idle minutes: live

    assert main(["purge", "--older-than", "365", "--dry-run"]) == 0
    assert "dashboard links and sessions used up or ended: 3 (would be removed)" in (
        capsys.readouterr().out
    )
    assert len(bot.rows(DashboardSession)) == 2
    assert main(["purge", "--older-than", "365"]) == 0  # 19 idle minutes: all spent
    assert "dashboard links and sessions used up or ended: 3 (removed)" in capsys.readouterr().out
    assert bot.rows(DashboardLink) == [] and bot.rows(DashboardSession) == []
