"""The ready polls from the TNO webinar for municipalities (seeds/003), editable in
the admin afterwards."""

from django.db import migrations

READY_POLLS = [
    (
        "Hoe bekend bent u met sociale innovatie?",
        [
            "Niet bekend met sociale innovatie en niet hoe in te voeren",
            "Bekend met sociale innovatie maar niet hoe in te voeren",
            "Bekend met sociale innovatie en hoe in te voeren",
            "Anders…",
        ],
    ),
    (
        "Wat houdt u tegen om sociale innovatie toe te passen?",
        [
            "We hebben geen vertrouwen in sociale innovatie / zien geen nut",
            "We hebben daar geen tijd / middelen voor",
            "We ontberen de kennis om het toe te passen",
            "We hebben het geprobeerd, maar geen effect",
            "We doen het al",
        ],
    ),
    (
        "Sociale innovatie kan helpen bij (technologische) innovatie",
        [
            "Ja, sociale innovatie is een voorwaarde voor (tech) innovatie",
            "Ja, sociale innovatie helpt dat medewerkers (tech) innovatie accepteren",
            "Nee, (tech) innovatie is juist een voorwaarde voor sociale innovatie",
            "Nee, sociale innovatie en (tech) innovatie staan los van elkaar",
            "Weet ik niet",
        ],
    ),
    ("Gaat u sociale innovatie toepassen?", ["Ja", "Nee", "Twijfel / weet niet"]),
    (
        "Heeft u behoefte aan meer info over sociale innovatie?",
        [
            "Nee",
            "Ja, meer voorbeelden van interventies",
            "Ja, meer voorbeelden van invoeringsproces",
            "Ja, meer theorie en concepten",
            "Ja, vooral van collega-overheidsorganisaties",
        ],
    ),
]


def add_ready_polls(apps, schema_editor):
    PollTemplate = apps.get_model("game", "PollTemplate")
    for order, (question, answers) in enumerate(READY_POLLS, start=1):
        PollTemplate.objects.get_or_create(
            question=question, defaults={"answers": "\n".join(answers), "order": order}
        )


def remove_ready_polls(apps, schema_editor):
    PollTemplate = apps.get_model("game", "PollTemplate")
    PollTemplate.objects.filter(question__in=[q for q, _ in READY_POLLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("game", "0002_plans_and_polls")]

    operations = [migrations.RunPython(add_ready_polls, remove_ready_polls)]
