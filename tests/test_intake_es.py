"""Intake in Spanish, as a person taps through it: the questions, the withdrawal words and every
barrier's help come from the Spanish content and clinic.yaml; the lesson can be turned down;
staff read it all in English."""

from __future__ import annotations

from bot.models import Alert, Answer, InviteStage
from tests.conftest import ADMIN, RunningBot
from tests.journeys import invite

NEXT, AGREE = "Siguiente ▶", "Sí, estoy de acuerdo"


async def test_in_spanish_intake_every_barrier_flags_staff_with_the_clinics_help(
    bot: RunningBot,
) -> None:
    code = invite(bot, "chart-5", InviteStage.INTAKE)
    content = bot.companion.content
    steps = {s.id: s for s in content.language("es").flows["intake"].steps}
    texts = bot.texts("es")
    clinic = content.clinic

    def option(step: str, value: str) -> str:
        return next(o.label for o in steps[step].options if o.value == value)

    eva = bot.person(705, language_code="es")
    await eva.send(f"/start {code}")
    for _ in range(3):
        await eva.tap(NEXT)
    got = await eva.tap(AGREE)
    assert got[-1].text == steps["intro"].text
    got = await eva.tap(NEXT)
    assert got[-1].text == steps["contact"].text
    await eva.tap(option("contact", "call"))
    await eva.send("Quiero dejar de tomar")
    await eva.send("cerveza")
    await eva.tap(option("last_use", "last_month"))
    await eva.tap(option("benzos", "no"))
    got = await eva.tap(option("opioids", "yes"))
    assert got[1].text == f"{texts.withdrawal}\n\n" + texts.withdrawal_staff.replace(
        "{clinic_name}", clinic.name
    )
    await eva.tap(option("treatment_before", "none"))
    await eva.send("Ninguna")
    await eva.tap(NEXT)
    got = await eva.tap(option("audit_often", "never"))  # the other two alcohol questions skip
    assert got[-1].text == steps["drugs"].text
    await eva.tap(option("drugs", "never"))
    [no_thanks] = [o.label for o in steps["lesson_offer"].options if o.goto == "barriers"]
    got = await eva.tap(no_thanks)  # the lesson is optional
    assert got[-1].text == steps["barriers"].text
    labels = [b.label["es"] for b in clinic.barriers]
    assert got[-1].labels[: len(labels)] == labels
    for barrier in clinic.barriers:
        got = await eva.tap(barrier.label["es"])
        assert got[1].text == texts.barrier_help.replace("{clinic_name}", clinic.name).replace(
            "{value}", barrier.help["es"]
        )
    assert all(label.startswith("✓ ") for label in eva.last_with_buttons().labels[: len(labels)])
    await eva.tap(NEXT)
    got = await eva.tap(NEXT)
    assert "llame" in got[-1].text  # orientation

    flags = {(a.kind, a.context) for a in bot.rows(Alert) if a.status == "open"}
    assert flags == {("withdrawal_risk", "intake:opioids")} | {
        ("barrier", f"intake:{b.id}") for b in clinic.barriers
    }
    given = {a.question: a.value for a in bot.rows(Answer) if a.flow == "intake"}
    assert given["help_with"] == "Quiero dejar de tomar" and given["audit_often"] == "never"
    [page, *_] = [s.text for s in await bot.person(ADMIN).send("/participant chart-5")]
    english = {
        s.id: s.text.split("?")[0] + "?" for s in content.language("en").flows["intake"].steps
    }
    for line in [  # staff read it in the clinic's first language
        f"{english['contact']} ➤ A phone call",
        f"{english['opioids']} ➤ Yes",
        "AUDIT-C: 0 of 12, 3 of 3 answered; negative at 3+ (women), check 4+ for men",
        "NIDA single question: negative (answer level 0 of 4)",
        "Barriers they tapped:\n" + "\n".join(b.label["en"] for b in clinic.barriers),
    ]:
        assert line in page, line
