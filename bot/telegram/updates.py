"""Polling that one unreadable update cannot stop, and that never logs what people wrote."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)
JSONDict = dict[str, Any]


class ReadableUpdates(BaseRequest):
    """getUpdates through another request. An update the library cannot read is passed on
    with its id alone: no handler takes it, the offset moves past it, and only its id is
    logged (the library would stop polling and log the whole batch, other people's words and
    all)."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        status, body = await self._inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )  # fmt: skip
        if status != HTTPStatus.OK or not url.endswith("/getUpdates"):
            return status, body
        try:
            answer = json.loads(body)
        except ValueError:  # the library says what is wrong with it
            return status, body
        if not isinstance(answer, dict) or not isinstance(answer.get("result"), list):
            return status, body
        checked = [readable(update) for update in answer["result"]]
        if all(kept is update for kept, update in zip(checked, answer["result"], strict=True)):
            return status, body  # every update readable, as almost always: no need to rewrite
        answer["result"] = [kept for kept in checked if kept is not None]
        return status, json.dumps(answer).encode()


def readable(update: object) -> JSONDict | None:
    """The update, its id alone when the library cannot read it, or None without an id."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    if not isinstance(update_id, int):  # not an update at all: nothing to move past
        log.warning("an update without an id was skipped")
        return None
    try:
        Update.de_json(update, None)  # type: ignore[arg-type]
    except Exception:  # the library's parser can fail in any way on data it does not expect
        log.warning("update %s could not be read and was skipped", update_id)
        return {"update_id": update_id}
    return update  # type: ignore[return-value]
