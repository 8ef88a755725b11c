"""Alerts that reach a person: each flag goes to the staff group (or every admin) at once, and
again while nobody has taken it. Delivery is a scheduled message like any other."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.alerts import ROUTE
from bot.content.loader import DEFAULT_LANGUAGE
from bot.engine.navigator import Navigator
from bot.engine.registry import Feature, Job
from bot.engine.types import Reply
from bot.models import Alert, AlertStatus, ScheduledMessage, StaffRole
from bot.staff import store
from bot.staff.desk import alert_reply

log = logging.getLogger(__name__)
DELIVER = "alert_delivery"  # payload: alert id:chat id


@dataclass(frozen=True)
class AlertRoutes:
    """Where alerts go and how insistently; from the settings."""

    staff_chat_id: int | None = None
    resend_minutes: int = 30
    resend_max: int = 3
    zone: str = "America/New_York"


def _alert(nav: Navigator, alert_id: str) -> Alert | None:
    alert = nav.ctx.session.get(Alert, int(alert_id)) if alert_id.isdigit() else None
    return alert if alert is not None and alert.status == AlertStatus.OPEN else None


def _chat(job: ScheduledMessage) -> int:
    return int(job.payload.split(":")[1])


def feature(routes: AlertRoutes) -> Feature:
    """The staff alert kinds: route (to whom, and when to ask again) and delivery (one chat)."""

    def route(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
        alert_id, _, sent = job.payload.partition(":")
        alert = _alert(nav, alert_id)
        if alert is None:  # taken or resolved meanwhile: nobody needs reminding
            return []
        ctx = nav.ctx
        admins = [m for m in store.list_staff(session=ctx.session) if m.role == StaffRole.ADMIN]
        chats = [m.telegram_id for m in admins]
        if routes.staff_chat_id is not None:
            chats = [routes.staff_chat_id]
        if not chats:
            log.error("alert %s reaches nobody: set STAFF_CHAT_ID or STAFF_TELEGRAM_IDS", alert.id)
        for chat in chats:
            ctx.schedule(DELIVER, ctx.now, payload=f"{alert.id}:{chat}")
        times = int(sent) if sent.isdigit() else 0
        if times < routes.resend_max:  # not acknowledged by then: sent again
            later = ctx.now + timedelta(minutes=routes.resend_minutes)
            ctx.schedule(ROUTE, later, payload=f"{alert.id}:{times + 1}")
        return []

    def deliver(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
        alert = _alert(nav, job.payload.partition(":")[0])
        if alert is None:
            return []
        texts = nav.ctx.content.staff_texts(DEFAULT_LANGUAGE)
        return [alert_reply(alert, nav.ctx.participant, texts=texts, zone=ZoneInfo(routes.zone))]

    return Feature(
        name="staff alerts",
        jobs={
            ROUTE: Job(route, to_staff=True),
            DELIVER: Job(deliver, to_staff=True, recipient=_chat),
        },
    )
