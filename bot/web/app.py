"""The ASGI app of `python -m bot web`: Telegram's webhook, the health check and the staff
dashboard, built from the same companion as polling."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from bot.staff import signin
from bot.staff.desk import Desk
from bot.telegram.app import App
from bot.telegram.heartbeat import Heartbeat
from bot.web import pages
from bot.web.guard import (
    COOKIE,
    CSRF_FIELD,
    SIGN_IN_COOKIE,
    SecurityHeaders,
    Visit,
    page,
    plain,
    set_session_cookie,
    set_sign_in_cookie,
)
from bot.web.webhook import WEBHOOK_PATH, healthz, webhook

HERE = Path(__file__).resolve().parent


def create_app(desk: Desk, *, application: App, secret: str, heartbeat: Heartbeat) -> Starlette:
    """The web server's routes over the bot's application and the staff desk."""
    routes = [
        Route(WEBHOOK_PATH, webhook, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/", lambda request: RedirectResponse("/participants", status_code=303)),
        Route(f"{signin.SIGN_IN_PATH}{{token}}", sign_in_page),
        Route(f"{signin.SIGN_IN_PATH}{{token}}", sign_in, methods=["POST"]),
        Route("/signout", page(sign_out), methods=["POST"]),
        Route("/participants", page(pages.participants)),
        Route("/participants/{label:path}", page(pages.participant)),
        Route("/alerts", page(pages.alerts)),
        Route("/alerts/count", page(pages.alert_count, touch=False)),
        Route("/alerts/{alert_id:int}/acknowledge", page(pages.acknowledge), methods=["POST"]),
        Route("/alerts/{alert_id:int}/resolve", page(pages.resolve), methods=["POST"]),
        Route("/export", page(pages.export_form)),
        Route("/export/checkins.csv", page(pages.export_file)),
        Route("/audit", page(pages.audit_log)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    web = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    web.state.desk = desk
    web.state.application = application
    web.state.webhook_secret = secret
    web.state.heartbeat = heartbeat
    web.state.templates = Jinja2Templates(directory=HERE / "templates")
    return web


async def sign_in_page(request: Request) -> Response:
    """The page a sign-in link opens: one button, so a link preview cannot use up the link.
    Its form's token is also set as a cookie, so only this page can press the button."""
    token = secrets.token_urlsafe(32)
    response = plain(request, "sign_in.html", 200, {"csrf": token})
    set_sign_in_cookie(response, token, path=request.url.path)
    return response


async def sign_in(request: Request) -> Response:
    """Use the one-time link: a new session, or a refusal when the link does not work. A post
    without the sign-in page's token (another site signing someone in) changes nothing."""
    form = await request.form()
    given, kept = str(form.get(CSRF_FIELD, "")), request.cookies.get(SIGN_IN_COOKIE, "")
    if not kept or not secrets.compare_digest(given.encode(), kept.encode()):
        return plain(request, "refused.html", 403)
    desk: Desk = request.app.state.desk
    session_id = await run_in_threadpool(_redeem, desk, request.path_params["token"])
    if session_id is None:
        return plain(request, "link_used.html", 403)
    response = RedirectResponse("/participants", status_code=303)
    set_session_cookie(response, session_id)
    response.delete_cookie(
        SIGN_IN_COOKIE, path=request.url.path, secure=True, httponly=True, samesite="strict"
    )
    return response


def _redeem(desk: Desk, token: str) -> str | None:
    with desk.sessions() as session:
        session_id = signin.redeem(session=session, token=token, now=desk.clock())
        session.commit()
    return session_id


def sign_out(visit: Visit) -> Response:
    """End the session at once."""
    signin.sign_out(session=visit.session, session_id=visit.session_id, now=visit.now)
    response = plain(visit.request, "signed_out.html", 200)
    response.delete_cookie(COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response
