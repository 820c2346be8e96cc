"""From game to action in a real browser: a player's action plan on a phone (saved as
they type, kept over a reload, printed and downloaded), the facilitator's results page
and CSV export, and a poll voted on from three phones, live on the projector.

Screenshots land in tests/browser/screenshots/ (action-*.png).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.test_session_flow import create_session, join
from tests.spreadsheets import RESULTS_HEADER_NL, csv_rows, xlsx_rows

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the conftest skips these tests (or fails them where required)
    Page = Any
    expect = None

SAVED = "Opgeslagen"  # "Saved", the plan editor's status in Dutch
CSV_HEADER = [
    "player",
    "table",
    "position",
    "theme",
    "card",
    "action",
    "with_whom",
    "by_when",
    "if_then",
]


@dataclass(frozen=True)
class Item:
    """One card of a plan as the editor shows it."""

    title: str
    theme: str
    action: str
    sector: str  # the option's value (the CSV's with_whom)
    sector_label: str  # the option's text (the page's and the Markdown's)
    by_when: str
    if_then: str


PLANNED = (
    (
        "Een proeverij met drie mkb-bedrijven\nen het ROC organiseren",
        "vóór de zomer",
        "Als de nieuwe ROC-directeur begint, bel ik haar",
    ),
    ("Subsidiecriteria van de provincie bespreken met de gemeente", "eind 2025", ""),
)


def plan_data(phone: Page) -> dict[str, Any]:
    return phone.evaluate("JSON.parse(document.getElementById('plan-data').textContent)")


def write_plan(phone: Page, planned=PLANNED) -> list[Item]:
    """On /plan/: add a card of the first theme and one of the second (in that order),
    and for each type an action, choose a sector and type a "by when"; waits for the
    autosave. Returns the plan as it should now be saved."""
    phone.goto("/plan/")
    expect(phone.locator("#plan-items li")).to_have_count(0)
    data = plan_data(phone)
    themes = data["themes"][:2]
    sectors = data["sectors"]
    items = []
    for index, (theme, (action, by_when, if_then)) in enumerate(zip(themes, planned, strict=True)):
        card = theme["cards"][index + 1]  # the second card of one, the third of the other
        add = phone.locator(".plan-add").filter(has_text=card["title"])
        add.tap()
        expect(add).to_be_disabled()  # "In my plan"
        value, label = sectors[index + 1]
        phone.fill(f"#item-{index}-action", action)
        phone.select_option(f"#item-{index}-sector", value)
        phone.fill(f"#item-{index}-when", by_when)
        phone.fill(f"#item-{index}-if", if_then)
        items.append(Item(card["title"], theme["name"], action, value, label, by_when, if_then))
    expect(phone.locator("#plan-status")).to_have_text(SAVED)
    return items


def editor_shows(phone: Page) -> list[Item]:
    """The plan as the editor shows it, in order (titles from the item headings)."""
    shown = []
    sectors = dict(plan_data(phone)["sectors"])
    for index, item in enumerate(phone.locator("#plan-items > li").all()):
        heading = item.locator("h2")
        theme = heading.locator("small").inner_text()
        number = heading.locator(".card-number").inner_text()
        title = heading.inner_text().removeprefix(number).removesuffix(theme).strip()
        sector = phone.locator(f"#item-{index}-sector").input_value()
        shown.append(
            Item(
                title=title,
                theme=theme,
                action=phone.locator(f"#item-{index}-action").input_value(),
                sector=sector,
                sector_label=sectors.get(sector, ""),
                by_when=phone.locator(f"#item-{index}-when").input_value(),
                if_then=phone.locator(f"#item-{index}-if").input_value(),
            )
        )
    return shown


def test_a_plan_written_on_a_phone_is_kept_printed_and_downloaded(facilitator_page, phones):
    code = create_session(facilitator_page, "Actieplan")
    phone = phones()
    join(phone, code, "Vera")
    phone.locator("a.btn", has_text="Mijn actieplan").first.tap()  # from the game's menu
    phone.wait_for_url("**/plan/")

    items = write_plan(phone)
    assert editor_shows(phone) == items
    screenshot(phone, "action-plan-editor")

    # The server's copy, not the phone's draft: clear the draft, then reload.
    phone.evaluate("localStorage.clear()")
    phone.reload()
    expect(phone.locator("#plan-items > li")).to_have_count(2)
    assert editor_shows(phone) == items
    for item in items:  # the cards in the plan cannot be added twice
        expect(phone.locator(".plan-add").filter(has_text=item.title)).to_be_disabled()

    with phone.expect_download() as info:
        phone.locator('a[href="/plan/mijn-actieplan.md"]').tap()
    download = info.value
    assert download.suggested_filename == "mijn-actieplan.md"
    markdown = Path(download.path()).read_text(encoding="utf-8")
    assert "Vera" in markdown
    positions = []
    for item in items:
        for text in (
            item.title,
            item.theme,
            item.action,
            item.sector_label,
            item.by_when,
            item.if_then,
        ):
            assert text in markdown, f"{text!r} not in the download:\n{markdown}"
        positions.append(markdown.index(item.title))
    assert positions == sorted(positions), f"the cards out of order:\n{markdown}"

    phone.goto("/plan/print/")
    sections = phone.locator(".plan-print-item")
    expect(sections).to_have_count(2)
    for n, item in enumerate(items):
        section = sections.nth(n)
        expect(section.locator("h2")).to_contain_text(f"{n + 1}. {item.title}")
        lines = (
            item.theme,
            item.sector_label,
            item.by_when,
            item.if_then,
            *item.action.splitlines(),
        )
        for text in filter(None, lines):
            expect(section).to_contain_text(text)
    screenshot(phone, "action-plan-print")


IN_VIEW = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.top >= 0 && box.bottom <= innerHeight;
}"""


def test_the_plan_page_leads_with_the_cards_and_asks_for_the_address_after_the_first(
    facilitator_page, phones
):
    """At 360x640 the first screen offers the cards; the address comes once the plan holds
    a card, and "send me my plan now" once there is an address with consent."""
    code = create_session(facilitator_page, "Planpagina")
    phone = phones()
    join(phone, code, "Wim")
    phone.goto("/plan/")
    assert phone.evaluate(IN_VIEW, "#plan-cards-h") and phone.evaluate(IN_VIEW, ".plan-add")
    expect(phone.locator("#plan-empty")).to_be_visible()
    for later in ("#plan-mail", "#plan-send", "#plan-keep"):
        expect(phone.locator(later)).to_be_hidden()
    screenshot(phone, "plan-first-screen-360", full_page=False)

    phone.locator(".plan-add").first.tap()
    what = phone.locator("#item-0-action")
    expect(what).to_be_focused()  # the card's first question, to type in at once
    assert phone.evaluate(IN_VIEW, "#item-0-action")
    expect(phone.locator("#plan-empty")).to_be_hidden()
    expect(phone.locator("#plan-mail")).to_be_visible()
    expect(phone.locator("#plan-keep")).to_be_visible()
    expect(phone.locator("#plan-send")).to_be_hidden()  # no address yet
    what.fill("Een lunch met de wethouder")
    expect(phone.locator("#plan-status")).to_have_text(SAVED)
    screenshot(phone, "plan-first-card-360", full_page=False)

    phone.fill("#plan-email", "wim@example.org")
    phone.locator("#plan-email").dispatch_event("change")
    expect(phone.locator("#plan-send")).to_be_hidden()  # an address, but no consent yet
    phone.locator("#plan-consent").check()
    expect(phone.locator("#plan-send")).to_be_visible()
    phone.locator(".plan-item .btn-danger").tap()  # the only card removed: nothing to send
    expect(phone.locator("#plan-send")).to_be_hidden()
    expect(phone.locator("#plan-mail")).to_be_hidden()


def test_the_facilitator_sees_the_plan_on_the_results_page_and_in_the_csv(facilitator_page, phones):
    code = create_session(facilitator_page, "Resultaten")
    phone = phones()
    join(phone, code, "Wim")
    items = write_plan(phone)

    facilitator_page.goto(f"/host/{code}/results/")
    report = facilitator_page.locator("article.plan-report").filter(
        has=facilitator_page.get_by_role("heading", name="Wim", exact=True)
    )
    expect(report).to_have_count(1)
    rows = report.locator("li")
    expect(rows).to_have_count(2)
    for n, item in enumerate(items):
        expect(rows.nth(n).locator("strong")).to_have_text(item.title)
        for text in (item.theme, item.sector_label, item.by_when, *item.action.splitlines()):
            expect(rows.nth(n)).to_contain_text(text)
    for item in items:  # each card chosen once, in the chart
        bar = facilitator_page.locator(".chart-theme .bar-row").filter(has_text=item.title)
        expect(bar.locator(".bar-count")).to_have_text("1")
    screenshot(facilitator_page, "action-results")

    link = facilitator_page.locator(f'a[href="/host/{code}/results.csv"]')
    expect(link).to_be_visible()
    response = facilitator_page.request.get(link.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("text/csv")
    assert f"actieplannen-{code}.csv" in response.headers["content-disposition"]
    table = csv_rows(response.body())  # a byte order mark and semicolons: Excel in Dutch
    assert table[0] == RESULTS_HEADER_NL
    mine = [dict(zip(CSV_HEADER, row, strict=True)) for row in table[1:] if row[0] == "Wim"]
    assert len(table) == 3 and len(mine) == 2, table
    for n, (row, item) in enumerate(zip(mine, items, strict=True), start=1):
        assert row == {
            "player": "Wim",
            "table": "",  # not seated: no game was played
            "position": str(n),
            "theme": item.theme,
            "card": item.title,
            "action": item.action,
            "with_whom": item.sector,
            "by_when": item.by_when,
            "if_then": item.if_then,
        }
    # The same as a workbook, read back with openpyxl: numbers are numbers there.
    link = facilitator_page.locator(f'a[href="/host/{code}/results.xlsx"]')
    expect(link).to_be_visible()
    response = facilitator_page.request.get(link.get_attribute("href"))
    assert response.ok and f"actieplannen-{code}.xlsx" in response.headers["content-disposition"]
    sheet = xlsx_rows(response.body())
    assert sheet[0] == RESULTS_HEADER_NL
    wim = [row for row in sheet[1:] if row[0] == "Wim"]
    assert [(row[2], row[4], row[5]) for row in wim] == [
        (n, item.title, item.action) for n, item in enumerate(items, start=1)
    ]


def test_a_poll_is_voted_on_three_phones_and_shown_live_on_the_projector(
    facilitator_page, phones, projector
):
    dashboard = facilitator_page
    code = create_session(dashboard, "Peiling")
    voters = {}
    for name in ("Xander", "Yara", "Zoë"):
        phone = phones()
        join(phone, code, name)
        expect(phone.locator("#poll")).to_be_hidden()
        phone.evaluate("window.__marker = 'no reload'")
        voters[name] = phone
    big = projector(code)
    expect(big.locator(".pj-names")).to_contain_text("Zoë")
    big.evaluate("window.__marker = 'no reload'")

    question = "Gaat u sociale innovatie toepassen in uw regio?"
    answers = ["Ja, dit jaar nog", "Misschien later", "Nee"]
    dashboard.locator(".poll-own summary").click()  # "Een eigen vraag"
    dashboard.fill("#poll-question-input", question)
    dashboard.fill("#poll-answers-input", "\n".join(answers))
    dashboard.click("button[value=poll_new]")
    card = dashboard.locator(".poll-card").filter(has_text=question)
    expect(card.locator("button[value=poll_close]")).to_be_visible()

    for phone in voters.values():  # it appears on every phone, live
        expect(phone.locator("#poll")).to_be_visible()
        expect(phone.locator("#poll-question")).to_have_text(question)
        expect(phone.locator("#poll-answers button")).to_have_text(answers)
        expect(phone.locator("#poll-thanks")).to_be_hidden()
    expect(big.locator("#pj-poll-q")).to_have_text(question)

    picks = {"Xander": 0, "Yara": 0, "Zoë": 1}
    for name, pick in picks.items():
        phone = voters[name]
        phone.locator("#poll-answers button").nth(pick).tap()
        expect(phone.locator("#poll-thanks")).to_be_visible()
        buttons = phone.locator("#poll-answers button")
        expect(buttons.nth(pick)).to_have_attribute("aria-pressed", "true")
        for button in buttons.all():  # voted: no second vote
            expect(button).to_be_disabled()

    # The projector's bars follow the votes: 2, 1, 0.
    rows = big.locator(".pj-bar-row")
    expect(rows.locator(".pj-bar-label")).to_have_text(answers)
    expect(rows.locator(".pj-bar-count")).to_have_text(["2", "1", "0"])
    widths = [
        rows.nth(n).locator(".pj-bar-fill").evaluate("(el) => el.style.width") for n in range(3)
    ]
    assert widths == ["67%", "33%", "0%"], widths
    screenshot(big, "action-poll-projector")
    expect(card.locator(".bar-count")).to_have_text(["2", "1", "0"])  # the dashboard too

    # A phone that reloads still shows its vote, and still cannot vote again.
    yara = voters["Yara"]
    assert yara.evaluate("window.__marker") == "no reload"  # all of the above was live
    yara.reload()
    expect(yara.locator("#poll-thanks")).to_be_visible()
    expect(yara.locator("#poll-answers button").nth(0)).to_have_attribute("aria-pressed", "true")
    expect(yara.locator("#poll-answers button:enabled")).to_have_count(0)

    card.locator("button[value=poll_close]").click()
    for phone in voters.values():  # gone from every phone, live
        expect(phone.locator("#poll")).to_be_hidden()
    expect(big.locator(".pj-poll")).to_have_count(0)
    expect(card.locator("button[value=poll_open]")).to_be_visible()

    assert big.evaluate("window.__marker") == "no reload"
    for name in ("Xander", "Zoë"):
        assert voters[name].evaluate("window.__marker") == "no reload"


def test_a_poll_being_typed_survives_the_panel_refreshing(facilitator_page, phones):
    """Phones joining refresh the dashboard's panel; the facilitator's half-typed poll
    question and its opened section stay as they were."""
    dashboard = facilitator_page
    code = create_session(dashboard, "Typen")
    dashboard.locator(".poll-own summary").click()  # "Een eigen vraag"
    dashboard.fill("#poll-question-input", "Half getypt")
    for name in ("Ada", "Bram"):
        join(phones(), code, name)
    # The arrivals reached the dashboard (its socket) and a read of the panel was due,
    # which the page holds back while the question is being typed (it says so).
    expect(dashboard.locator("#panel")).to_have_attribute("data-held", "", timeout=10_000)
    expect(dashboard.locator("#panel")).not_to_contain_text("Bram")
    expect(dashboard.locator("#poll-question-input")).to_have_value("Half getypt")
    expect(dashboard.locator(".poll-own")).to_have_attribute("open", "")
    dashboard.locator("h1").click()  # the field loses focus: the panel catches up
    expect(dashboard.locator("#panel")).to_contain_text("Bram", timeout=5000)
    expect(dashboard.locator(".poll-own")).to_have_attribute("open", "")
