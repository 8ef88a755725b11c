"""The one place that says which features the bot has, in the order they are consulted."""

from __future__ import annotations

from bot import basics, craving, preferences, program_days, progress, slips
from bot.checkins import feature as checkins
from bot.engine.registry import Registry
from bot.intake import feature as intake
from bot.intake import paperwork
from bot.plans import feature as plans
from bot.rights import feature as rights
from bot.rights.erasure import Mode
from bot.staff import delivery
from bot.staff.delivery import AlertRoutes


def build_registry(routes: AlertRoutes | None = None, delete_mode: Mode = Mode.ERASE) -> Registry:
    """Every feature's commands, buttons, actions, fields, pages, flows and scheduled kinds;
    `routes` says where staff alerts go and `delete_mode` what /delete does (the settings').

    Typed text outside an ask step goes to the features' text handlers in this order."""
    return Registry(
        [
            basics.FEATURE,
            preferences.FEATURE,
            craving.FEATURE,
            plans.FEATURE,
            progress.FEATURE,
            program_days.FEATURE,
            intake.FEATURE,
            paperwork.FEATURE,
            checkins.FEATURE,
            slips.FEATURE,  # after check-ins: a typed check-in answer is theirs
            delivery.feature(routes or AlertRoutes()),
            rights.feature(delete_mode),
        ]
    )
