"""What check-in files (content/<lang>/checkins/) and follow-up.yaml may hold."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.content.schema import CLOCK, Id, Strict


class Choice(Strict):
    """An answer button of a check-in question."""

    label: str = Field(min_length=1)
    value: str = Field(min_length=1, max_length=16)
    score: int | None = Field(default=None, ge=0, le=4)
    signal: Literal["use", "contact"] | None = None


class Question(Strict):
    """One check-in question: buttons, a 0 to 10 scale, or typed text."""

    id: Id = Field(pattern=r"^[a-z0-9_]{1,24}$")
    kind: Literal["choice", "scale", "text"]
    text: str = Field(min_length=1)
    options: tuple[Choice, ...] = ()
    optional: bool = False
    bam: int | None = Field(default=None, ge=1, le=17)


class Questionnaire(Strict):
    """A check-in: what to ask after graduation, one question at a time."""

    version: int = Field(ge=1)
    id: Id = Field(pattern=r"^[a-z0-9_]{1,20}$")
    title: str
    intro: str
    outro: str
    questions: tuple[Question, ...] = Field(min_length=1)


class QuietHours(Strict):
    start: str = Field(pattern=CLOCK)
    end: str = Field(pattern=CLOCK)


class PlannedCheckIn(Strict):
    day: int = Field(ge=0, le=3650)
    questionnaire: Id


class FollowUp(Strict):
    """When check-ins go out after graduation, and what silence means."""

    version: int = Field(ge=1)
    schedule: tuple[PlannedCheckIn, ...] = Field(min_length=1)
    default_time: str = Field(pattern=CLOCK)
    quiet_hours: QuietHours
    late_after_hours: int = Field(ge=1)
    remind_after_hours: int = Field(ge=1)
    answer_within_hours: int = Field(ge=1)
    missed_in_a_row_alert: int = Field(ge=1)
    risk_rise_alert: int = Field(ge=1)
    pause_days: int = Field(ge=1, le=365)
