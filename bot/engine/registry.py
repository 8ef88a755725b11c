"""What each feature plugs into the engine, gathered in one place the dispatcher reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from bot.content.loader import Needs
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine.context import TurnContext
from bot.engine.navigator import FinishHook, Held, Navigator, PendingHook, Target, View
from bot.engine.types import Reply
from bot.models import ScheduledMessage

T = TypeVar("T")
Command = Callable[[Navigator], list[Reply]]
ButtonHandler = Callable[..., list[Reply]]  # (navigator, *the button's arguments)
ActionHandler = Callable[[Navigator, Flow, Option], list[Reply]]
# What an ask step stores: the text to show back, or replies when the input will not do.
FieldHandler = Callable[[Navigator, Flow, Step, str], "str | list[Reply]"]
TextHandler = Callable[[Navigator, str], "list[Reply] | None"]
# An option's `save:` puts its label in that section of the participant's plan.
SaveHandler = Callable[[Navigator, Flow, str, str], None]
UnsaveHandler = Callable[[Navigator, str, str], None]  # (navigator, section, label)
JobHandler = Callable[[Navigator, ScheduledMessage], list[Reply]]


@dataclass(frozen=True)
class Tap:
    """A callback prefix: how many arguments its data carries and who answers a tap;
    `anytime`: it works even while the participant has stopped messages."""

    arity: int
    handle: ButtonHandler
    anytime: bool = False


@dataclass(frozen=True)
class Action:
    """What an option's `do:` runs; `halts` ends the turn there instead of moving on."""

    run: ActionHandler
    halts: bool = False


@dataclass(frozen=True)
class Saver:
    """What an option's `save:` does: `add` its label to a section of the plan, `remove` it
    (a second tap on a multi-select), and which labels a section already `held` (for ✓)."""

    add: SaveHandler
    remove: UnsaveHandler
    held: Held


@dataclass(frozen=True)
class Job:
    """A scheduled kind: what to send when it is due.

    `cancel_on_reply`: the participant writing first makes it moot. `to_staff`: it goes out
    whether or not the participant stopped messages, and a send whose outcome is unknown is
    tried again (a flag twice beats a flag lost)."""

    run: JobHandler
    cancel_on_reply: bool = False
    to_staff: bool = False
    recipient: Callable[[ScheduledMessage], int] | None = None  # a chat other than the person's


@dataclass(frozen=True)
class Feature:
    """Everything one feature owns; the dispatcher knows features only through this."""

    name: str
    commands: Mapping[str, Command] = field(default_factory=dict)
    buttons: Mapping[str, Tap] = field(default_factory=dict)
    actions: Mapping[str, Action] = field(default_factory=dict)
    fields: Mapping[str, FieldHandler] = field(default_factory=dict)
    targets: Mapping[str, Target] = field(default_factory=dict)
    on_finish: Mapping[str, FinishHook] = field(default_factory=dict)
    jobs: Mapping[str, Job] = field(default_factory=dict)
    flows: tuple[str, ...] = ()  # flows the feature's code opens by id
    text: TextHandler | None = None  # typed text outside an ask step, tried in order
    save: Saver | None = None  # what an option's `save:` does; one feature owns it
    pending: PendingHook | None = None  # what the participant is in the middle of, off-flow
    views: Mapping[str, View] = field(default_factory=dict)  # live views of "flow:step"
    on_start: Command | None = None  # what /start asks first, if anything


class Registry:
    """All features' parts by name; two features claiming one name is a programming error."""

    def __init__(self, features: Iterable[Feature]) -> None:
        self.features = tuple(features)
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, Tap] = {}
        self.actions: dict[str, Action] = {}
        self.fields: dict[str, FieldHandler] = {}
        self.targets: dict[str, Target] = {}
        self.on_finish: dict[str, list[FinishHook]] = {}
        self.jobs: dict[str, Job] = {}
        self.views: dict[str, View] = {}
        # The dispatcher answers the flows' own buttons itself.
        self.arity = {cb.STEP: 3, cb.REMIND: 3}
        for f in self.features:
            _merge(self.arity, {prefix: b.arity for prefix, b in f.buttons.items()}, f.name)
            _merge(self.commands, f.commands, f.name)
            _merge(self.buttons, f.buttons, f.name)
            _merge(self.actions, f.actions, f.name)
            _merge(self.fields, f.fields, f.name)
            _merge(self.targets, f.targets, f.name)
            for flow, hook in f.on_finish.items():  # several features may follow one flow
                self.on_finish.setdefault(flow, []).append(hook)
            _merge(self.jobs, f.jobs, f.name)
            _merge(self.views, f.views, f.name)
        self.texts = tuple(f.text for f in self.features if f.text is not None)
        self.pending = tuple(f.pending for f in self.features if f.pending is not None)
        self.on_start = tuple(f.on_start for f in self.features if f.on_start is not None)
        self.anytime = frozenset(
            p for f in self.features for p, b in f.buttons.items() if b.anytime
        )
        savers = [f.save for f in self.features if f.save is not None]
        if len(savers) > 1:
            raise ValueError("only one feature may own what an option's 'save:' does")
        self.save = savers[0] if savers else None

    def needs(self) -> Needs:
        """What the content must provide for this code, and what it may refer to."""
        return Needs(
            flows=frozenset(flow for f in self.features for flow in f.flows),
            actions=frozenset(self.actions),
            fields=frozenset(self.fields),
            targets=frozenset(self.targets),
            steps=frozenset(self.views),
        )

    def decode(self, data: str) -> cb.Callback | None:
        return cb.decode(data, self.arity)

    def navigator(self, ctx: TurnContext) -> Navigator:
        """A navigator for this turn that follows links to every feature's pages."""
        held = self.save.held if self.save is not None else None
        return Navigator(
            ctx, targets=self.targets, on_finish=self.on_finish, pending=self.pending,
            views=self.views, held=held,
        )  # fmt: skip

    @property
    def cancel_on_reply(self) -> tuple[str, ...]:
        return tuple(kind for kind, job in self.jobs.items() if job.cancel_on_reply)

    @property
    def to_staff(self) -> tuple[str, ...]:
        return tuple(kind for kind, job in self.jobs.items() if job.to_staff)


def _merge(table: dict[str, T], parts: Mapping[str, T], owner: str) -> None:
    for name, part in parts.items():
        if name in table:
            raise ValueError(f"feature {owner!r} registers {name!r}, which is already taken")
        table[name] = part
