"""What every dashboard response carries and every dashboard request must show: security
headers, the session cookie, the CSRF token of forms. Who may see what is the staff
store's decision (store.allowed), as in Telegram."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.content.loader import DEFAULT_LANGUAGE
from bot.models import AuditAction, StaffMember
from bot.staff import signin, store
from bot.staff.desk import Desk
from bot.staff.texts import StaffTexts

COOKIE = "iop_dashboard"
SIGN_IN_COOKIE = "iop_sign_in"  # the sign-in form's token, for the link's path only
CSRF_FIELD = "csrf"
STATIC = "/static/"
HEADERS = {
    # Our own files only: no inline script or style, no third parties, no framing.
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class SecurityHeaders:
    """Adds the security headers to every response, and no-store to every one but our CSS
    and script, so no browser or proxy keeps a page of participant data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope["path"]).startswith(STATIC)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def set_session_cookie(response: Response, session_id: str) -> None:
    """The session cookie, gone when the browser closes: sent only over HTTPS, never to
    scripts, not with posts from other sites. (Lax, not Strict: the sign-in link is opened
    from Telegram, another site.)"""
    response.set_cookie(COOKIE, session_id, path="/", secure=True, httponly=True, samesite="lax")


def set_sign_in_cookie(response: Response, token: str, *, path: str) -> None:
    """The sign-in form's token, for that one link while it can work: Strict, so a post from
    another site never carries it."""
    response.set_cookie(
        SIGN_IN_COOKIE, token, max_age=int(signin.LINK_VALID.total_seconds()), path=path,
        secure=True, httponly=True, samesite="strict",
    )  # fmt: skip


@dataclass
class Visit:
    """One dashboard request by a signed-in staff member, in one database transaction."""

    request: Request
    desk: Desk
    session: Session
    member: StaffMember
    session_id: str
    now: datetime
    form: FormData | None = None
    texts: StaffTexts = field(init=False)

    def __post_init__(self) -> None:
        self.texts = self.desk.content().staff_texts(DEFAULT_LANGUAGE)

    def may(self, action: AuditAction) -> bool:
        return store.allowed(self.member, action)

    def audit(
        self, action: AuditAction, participant_id: int | None = None, detail: str = ""
    ) -> None:
        """The same audit row as the Telegram command that shows or does the same."""
        store.audit(
            session=self.session, staff_telegram_id=self.member.telegram_id, action=action,
            participant_id=participant_id, detail=detail, now=self.now,
        )  # fmt: skip

    def render(self, name: str, values: Mapping[str, Any], status_code: int = 200) -> Response:
        """A page with the navigation: alert count, admin links, the sign-out form."""
        templates: Jinja2Templates = self.request.app.state.templates
        context = {
            "csrf": signin.csrf_token(self.session_id),
            "open_count": len(store.open_alerts(session=self.session)),
            "is_admin": self.may(AuditAction.VIEW_AUDIT),
            "texts": self.texts,
            **values,
        }
        return templates.TemplateResponse(self.request, name, context, status_code=status_code)


Handler = Callable[[Visit], Response]


def page(handler: Handler, *, touch: bool = True) -> Callable[[Request], Any]:
    """An endpoint that answers only a live session (and, for a form, its CSRF token); each
    use keeps the session alive unless `touch` is False (the live alert count)."""

    async def endpoint(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else None
        return await run_in_threadpool(_serve, request, handler, form, touch)

    return endpoint


def _serve(request: Request, handler: Handler, form: FormData | None, touch: bool) -> Response:
    desk: Desk = request.app.state.desk
    session_id = request.cookies.get(COOKIE, "")
    with desk.sessions() as session:
        now = desk.clock()
        member = (
            signin.signed_in(session=session, session_id=session_id, now=now, touch=touch)
            if session_id
            else None
        )
        session.commit()
        if member is None:
            return plain(request, "signed_out.html", 401)
        if form is not None and not secrets.compare_digest(
            str(form.get(CSRF_FIELD, "")), signin.csrf_token(session_id)
        ):
            return plain(request, "refused.html", 403)
        response = handler(Visit(request, desk, session, member, session_id, now, form))
        session.commit()
        return response


def plain(
    request: Request, name: str, status_code: int, values: Mapping[str, Any] | None = None
) -> Response:
    """A page without participant data or navigation (signed out, refused, sign-in)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, dict(values or {}), status_code=status_code)
