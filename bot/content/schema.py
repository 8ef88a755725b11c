"""The shape of every content file; editors' mistakes become plain-words errors."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Id = str
# Clinic text in every language, by language code: {en: "...", es: "..."}.
Localized = dict[str, str]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Sections of a participant's plan.
Section = Literal[
    "goals",
    "triggers",
    "warning_signs",
    "coping",
    "reasons",
    "people",
    "therapy",
    "groups",
    "resources",
    "questions",
]
# Public-domain screeners an intake question can belong to; scored for staff only.
Screener = Literal["audit_c", "nida"]
CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


class Strict(BaseModel):
    """Unknown fields are errors, so a typo never silently drops text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    """A button on a choice, quiz or ask step."""

    label: str = Field(min_length=1)
    goto: str | None = None
    do: str | None = None  # an action the code registers; the content check knows them
    reply: str | None = None
    correct: bool = False
    value: str | None = None
    save: Section | None = None
    score: int | None = Field(default=None, ge=0, le=4)  # on a screener question's options


class Step(Strict):
    """One message of a flow and what the participant can do with it."""

    id: Id = Field(pattern=r"^[a-z0-9_]{1,24}$")
    kind: Literal["card", "choice", "quiz", "ask", "scale"] = "card"
    text: str = Field(min_length=1)
    options: tuple[Option, ...] = ()
    ask: str | None = None  # what the answer is stored as; the code registers these
    section: Section | None = None
    reply: str | None = None
    skip: bool = False
    next: str | None = None
    # On a list of lessons: mark the ones done with ✓ and the next one with 👉.
    progress: bool = False
    # A question of a screener (AUDIT-C, the NIDA single question): its options carry scores.
    screener: Screener | None = None
    # Answers here name substances ("beer and xanax"): the crisis screen skips its `mixing:`
    # list for them, and only that one.
    names_substances: bool = False
    # A scale (0 to 10) answer of `high` or more goes to `high_goto` instead of the next step;
    # so does the `repeat_at`-th rating of this step within a day, whatever its value.
    high: int | None = Field(default=None, ge=0, le=10)
    high_goto: str | None = None
    repeat_at: int | None = Field(default=None, ge=2, le=20)
    # Paced steps: the bot sends this step only after a pause, saying `wait_text` meanwhile.
    wait_minutes: int | None = Field(default=None, ge=1, le=1440)
    wait_text: str | None = None


class Flow(Strict):
    """A sequence of steps: consent, orientation, a lesson, an exercise, a menu page."""

    version: int = Field(ge=1)
    id: Id = Field(pattern=r"^[a-z0-9_]{1,20}$")
    title: str = Field(min_length=1)
    can_pause: bool = True
    steps: tuple[Step, ...] = Field(min_length=1)


class ReminderChoice(Strict):
    label: str = Field(min_length=1)
    hours: int = Field(ge=1, le=72)


class MenuItem(Strict):
    id: Id = Field(pattern=r"^[a-z0-9_]{1,20}$")
    label: str = Field(min_length=1)
    goto: str


class Texts(Strict):
    """Every message the bot sends outside flows; each one is required."""

    help: str
    crisis: str
    crisis_overdose: str
    carry_on: str
    welcome_back: str
    menu: str
    menu_locked: str
    stopped: str
    resumed: str
    paused_reply: str
    stale_button: str
    stale_tap: str  # a brief notice on a tapped button that is done
    unknown_button: str
    use_buttons: str
    too_long: str
    not_text: str
    edited: str
    unknown_command: str
    name_invalid: str
    timezone_invalid: str
    time_invalid: str
    time_which: str
    time_quiet: str
    day_invalid: str
    remind_when: str
    remind_set: str
    reminder: str
    language_pick: str
    language_set: str
    language_only: str
    language_after_consent: str
    invite_linked: str
    invite_used: str
    invite_unknown: str
    invite_expired: str
    plan: str
    plan_nothing_yet: str
    plan_support: str
    plan_support_empty: str
    plan_more: str
    daily: str
    session_reminder: str
    session_reminders_on: str
    session_reminders_off: str
    session_reminders_quiet: str
    goals_full: str
    goal_nudge: str
    goal_rated: str
    daily_on: str
    daily_off: str
    progress: str
    progress_lessons: str
    progress_practice: str
    progress_minutes: str
    progress_cravings: str
    chart_title: str
    chart_craving: str
    chart_before: str
    chart_after: str
    plan_remove: str
    plan_removed: str
    graduation: str
    checkin_reminder: str
    checkin_already: str
    checkin_closed: str
    use_support: str
    contact_ok: str
    clinic_unreachable: str
    checkins_paused: str
    checkins_stopped: str
    error: str
    reload_ok: str
    reload_failed: str
    name_fallback: str
    not_set: str
    withdrawal: str
    withdrawal_staff: str
    withdrawal_call: str
    barrier_help: str
    paperwork_list: str
    paperwork_reminder: str


class Buttons(Strict):
    """Labels of the buttons the bot adds by itself."""

    next: str
    back: str
    later: str
    skip: str
    finish: str
    carry_on: str
    menu: str
    contact_me: str
    add_to_plan: str
    remove_item: str
    whole_plan: str


class Sections(Strict):
    """Headings of the plan's sections, in the order the plan shows them."""

    goals: str
    triggers: str
    warning_signs: str
    coping: str
    reasons: str
    people: str
    therapy: str
    groups: str
    resources: str
    questions: str


class Commands(Strict):
    """The participant commands as Telegram's menu button lists them."""

    start: str = Field(min_length=1, max_length=256)
    menu: str = Field(min_length=1, max_length=256)
    craving: str = Field(min_length=1, max_length=256)
    crisis: str = Field(min_length=1, max_length=256)
    myplan: str = Field(min_length=1, max_length=256)
    progress: str = Field(min_length=1, max_length=256)
    language: str = Field(min_length=1, max_length=256)
    help: str = Field(min_length=1, max_length=256)
    stop: str = Field(min_length=1, max_length=256)
    mydata: str = Field(min_length=1, max_length=256)
    delete: str = Field(min_length=1, max_length=256)


class PlannedKinds(Strict):
    """Each kind of message the bot plans to send, as /mydata names it; `other` for the rest."""

    remind: str
    paced: str
    daily: str
    goals: str
    session_reminder: str
    reflection: str
    graduation: str
    checkin_reminder: str
    alert: str
    alert_delivery: str
    delete_offer: str
    paperwork: str
    other: str


class Rights(Strict):
    """What /mydata and /delete say: the data's headings, the words in its lines, the questions."""

    mydata_title: str
    mydata_file: str
    mydata_end: str
    nothing: str
    # Headings, in the order /mydata shows them.
    about_you: str
    consent: str
    answers: str
    checkins: str
    plan: str
    progress: str
    checklists: str
    flags: str
    planned: str
    views: str
    # What each line about the person is.
    telegram_id: str
    label: str
    name: str
    language: str
    timezone: str
    time: str
    messages: str
    daily: str
    sessions: str
    one_on_one: str
    checkin_state: str
    joined: str
    consented: str
    oriented: str
    graduated: str
    last_seen: str
    position: str
    # Values, some with {value} filled in.
    on: str
    off: str
    stopped: str
    paused_until: str
    minutes_before: str
    consent_yes: str
    consent_no: str
    day: str
    finished: str
    halfway: str
    viewed: str
    took_flag: str
    closed_flag: str
    former_staff: str
    planned_kinds: PlannedKinds
    # /delete
    delete_ask: str
    delete_keeps_scores: str
    delete_done: str
    delete_done_scores: str
    delete_kept: str
    delete_stale: str
    yes_delete: str = Field(min_length=1, max_length=40)
    no_keep: str = Field(min_length=1, max_length=40)


class Messages(Strict):
    """Everything the bot says outside flows, in one language."""

    version: int = Field(ge=1)
    language_name: str
    clock: Literal[12, 24] = 24  # how times are written: 18:00 (24) or 6:00 PM (12)
    texts: Texts
    buttons: Buttons
    menu: tuple[MenuItem, ...] = Field(min_length=1)
    remind_choices: tuple[ReminderChoice, ...] = Field(min_length=1)
    weekdays: tuple[str, str, str, str, str, str, str]
    sections: Sections
    commands: Commands
    rights: Rights


class CrisisWords(Strict):
    """Patterns that make the bot send crisis resources at once, in one language."""

    version: int = Field(ge=1)
    # How people write a word -> how the patterns spell it: kms -> kill myself.
    spellings: dict[str, str] = Field(default_factory=dict)
    # Overdose and someone not breathing: the reply leads with 911.
    overdose: tuple[str, ...] = Field(min_length=1)
    # Two substances named together ("beer and xanax"): overdose, except at a step whose
    # answers name substances (`names_substances: true`).
    mixing: tuple[str, ...] = ()
    crisis: tuple[str, ...] = Field(min_length=1)
    # Everyday idioms that must not count ("dying to see my kids").
    not_crisis: tuple[str, ...] = ()
    use: tuple[str, ...] = ()  # words of using ("I relapsed"): the slip flow, not crisis help
    # Named word lists; rules under overdose/mixing/crisis fire when words of several lists
    # meet. `mixing` rules are two substances used together: skipped like `mixing` patterns.
    words: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    together: dict[Literal["overdose", "mixing", "crisis"], tuple[str, ...]] = Field(
        default_factory=dict
    )


class ClinicSession(Strict):
    day: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    start: str = Field(pattern=CLOCK)
    end: str = Field(pattern=CLOCK)
    kind: Literal["group", "individual", "family"]
    title: Localized


class PaperworkItem(Strict):
    """Something to bring or sign before the first session; the person ticks it when ready."""

    id: Id = Field(pattern=r"^[a-z0-9_]{1,32}$")
    text: Localized


class Barrier(Strict):
    """Something that can keep a person from coming, and what the clinic offers for it."""

    id: Id = Field(pattern=r"^[a-z0-9_]{1,32}$")
    label: Localized  # the button
    help: Localized


class CrisisLine(Strict):
    name: Localized
    how: Localized


class Clinic(Strict):
    """The part each clinic edits: who they are, when groups meet, their rules."""

    version: int = Field(ge=1)
    name: str
    phone: str
    address: str
    hours: Localized
    program_weeks: int = Field(ge=1, le=52)
    schedule: tuple[ClinicSession, ...] = Field(min_length=1)
    rules: tuple[Localized, ...] = Field(min_length=1)
    paperwork: tuple[PaperworkItem, ...] = Field(min_length=1)
    barriers: tuple[Barrier, ...] = Field(min_length=1)
    crisis_lines: tuple[CrisisLine, ...] = Field(min_length=1)
