"""/myplan: the plan by section, added to from flows, edited item by item; weekly goal check."""

from __future__ import annotations

from datetime import timedelta

from bot import participants as people
from bot.content.checks import MAX_LABEL
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.navigator import MENU, Navigator
from bot.engine.registry import Action, Feature, Job, Saver, Tap
from bot.engine.types import Button, Reply
from bot.models import ScheduledMessage
from bot.plans import store
from bot.preferences import next_daily

PLAN = "p"  # p|add|-, p|remove|-, p|delete|item id: editing one's plan
GOAL = "w"  # w|plan item id|1-5: weekly progress on a goal
GOALS = "goals"  # the section, and the scheduled kind of the weekly question
LIMITS = {GOALS: 3}  # up to three goals from the treatment plan
RATING = range(1, 6)  # weekly progress on a goal, 1 to 5
BUILDER = "myplan"  # the flow "Add to my plan" opens
ADD, REMOVE, DELETE = "add", "remove", "delete"
MAX_ITEM = 200
SHOWN = 10  # lines of a section /myplan shows
MAX_BUTTONS = 90  # items "Take something off" offers, the newest (Telegram allows 100 buttons)


def has_room(nav: Navigator, section: str) -> bool:
    """Goals are kept to a few, as in a treatment plan; other sections have no limit."""
    limit = LIMITS.get(section)
    if limit is None:
        return True
    items = store.plan_items(session=nav.ctx.session, participant_id=nav.ctx.participant_id)
    return sum(1 for i in items if i.section == section) < limit


def held(nav: Navigator, section: str) -> frozenset[str]:
    """What one section of the participant's plan holds."""
    items = store.plan_items(session=nav.ctx.session, participant_id=nav.ctx.participant_id)
    return frozenset(item.text for item in items if item.section == section)


def save(nav: Navigator, flow: Flow, section: str, text: str) -> None:
    """Add a line to the plan, once; the first goal starts the weekly question."""
    ctx = nav.ctx
    if text in held(nav, section):
        return
    store.add_plan_item(
        session=ctx.session, participant_id=ctx.participant_id, section=section, text=text,
        version=ctx.version(flow.id), now=ctx.now,
    )  # fmt: skip
    if section == GOALS and ctx.waiting(GOALS) is None:
        ctx.schedule(GOALS, next_daily(ctx) + timedelta(days=6))  # a week from now


def plan_item(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """An ask step that adds the participant's own words to a section of the plan."""
    shown = " ".join(text.split())
    if not shown or shown.startswith("/"):
        return [nav.ctx.say("use_buttons"), *nav.current()]
    if len(shown) > MAX_ITEM:  # never cut: say the limit and ask again
        return [nav.ctx.say("too_long", value=str(MAX_ITEM)), *nav.current()]
    assert step.section is not None, "the content check requires a section"
    if not has_room(nav, step.section) and shown not in held(nav, step.section):
        return [nav.ctx.say("goals_full"), *show(nav)]
    save(nav, flow, step.section, shown)
    return shown


def goal_room(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """'A goal' with three already: said before anything is typed; else on to the question."""
    if not has_room(nav, GOALS):
        return [nav.ctx.say("goals_full"), *nav.current()]
    _, step = nav.position()
    assert step is not None, "an option is tapped on the step it belongs to"
    return nav.go(flow, option.goto or steps.following(flow, step))


def unsave(nav: Navigator, section: str, text: str) -> None:
    """Take a line off the plan again (a second tap on a multi-select)."""
    ctx = nav.ctx
    for item in store.plan_items(session=ctx.session, participant_id=ctx.participant_id):
        if item.section == section and item.text == text:
            store.remove_plan_item(
                session=ctx.session, participant_id=ctx.participant_id, item_id=item.id or 0
            )


def goal_nudges(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """The weekly question: how much progress on each goal, 1 to 5; stops with no goals."""
    ctx = nav.ctx
    items = store.plan_items(session=ctx.session, participant_id=ctx.participant_id)
    goals = [item for item in items if item.section == GOALS]
    if goals:
        ctx.schedule(GOALS, ctx.now + timedelta(days=7), replace=True)
    return [
        Reply(
            ctx.text_of("goal_nudge", value=goal.text),
            (tuple(Button(str(n), cb.encode(GOAL, goal.id or 0, n)) for n in RATING),),
        )
        for goal in goals
    ]


def rate_goal(nav: Navigator, item_id: str, rating: str) -> list[Reply]:
    ctx = nav.ctx
    goal = store.plan_item(session=ctx.session, participant_id=ctx.participant_id, item_id=item_id)
    if goal is None or goal.section != GOALS or not rating.isdigit() or int(rating) not in RATING:
        return [ctx.say("unknown_button")]
    people.record_answer(
        session=ctx.session, participant=ctx.participant, flow=GOALS, question=f"goal:{goal.id}",
        value=rating, version=goal.content_version, now=ctx.now,
    )  # fmt: skip
    return [ctx.say("goal_rated", value=goal.text)]


def show(nav: Navigator) -> list[Reply]:
    """The plan, section by section, with buttons to add and to take things off."""
    ctx = nav.ctx
    if ctx.participant.consented_at is None:
        return [ctx.say("menu_locked"), *nav.current()]
    items = store.plan_items(session=ctx.session, participant_id=ctx.participant_id)
    texts, labels = ctx.lang.messages.texts, ctx.lang.messages.buttons
    blocks = []
    for section, heading in ctx.lang.messages.sections:
        lines = [f"• {item.text}" for item in items if item.section == section]
        if len(lines) > SHOWN:  # a long section shows its first lines and says how many more
            more = ctx.text_of("plan_more", value=str(len(lines) - SHOWN))
            lines = [*lines[:SHOWN], more]
        blocks.append(f"{heading}:\n" + ("\n".join(lines) or texts.plan_nothing_yet))
    body = ctx.text_of("plan", plan_items="\n\n".join(blocks))
    rows = [(Button(labels.add_to_plan, cb.encode(PLAN, ADD, "-")),)]
    if items:
        rows.append((Button(labels.remove_item, cb.encode(PLAN, REMOVE, "-")),))
    rows.append((Button(labels.menu, cb.encode(cb.MENU, MENU)),))
    return [Reply(body, tuple(rows))]


def edit(nav: Navigator, action: str, argument: str) -> list[Reply]:
    """Add, pick an item to remove, or remove it; only the participant's own items."""
    ctx = nav.ctx
    if ctx.participant.consented_at is None:
        return [ctx.say("unknown_button"), *nav.current()]
    if action == ADD:
        return nav.enter(BUILDER)
    if action == REMOVE:
        items = store.plan_items(session=ctx.session, participant_id=ctx.participant_id)
        rows = tuple(
            (Button(item.text[:MAX_LABEL], cb.encode(PLAN, DELETE, item.id or 0)),)
            for item in items[-MAX_BUTTONS:]
        )
        return [Reply(ctx.text_of("plan_remove"), rows)]
    if action == DELETE and argument.isdigit():
        item = store.remove_plan_item(
            session=ctx.session, participant_id=ctx.participant_id, item_id=int(argument)
        )
        if item is not None:
            return [ctx.say("plan_removed", value=item.text), *show(nav)]
    return [ctx.say("unknown_button"), *show(nav)]


FEATURE = Feature(
    name="plan",
    commands={"myplan": show},
    buttons={PLAN: Tap(2, edit), GOAL: Tap(2, rate_goal)},
    actions={"goal_room": Action(goal_room, halts=True)},
    fields={"plan_item": plan_item},
    targets={"plan": show},
    jobs={GOALS: Job(goal_nudges)},
    flows=(BUILDER,),
    save=Saver(add=save, remove=unsave, held=held),
)
