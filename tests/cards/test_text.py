"""A card's text as the booklet prints it (cards.text): bold as <strong>, lists as lists,
everything else escaped; and the same words without marks for plain text."""

from django.template import Context, Template

from cards.text import booklet_html, booklet_inline, booklet_plain

EXAMPLE = (
    "Eerste alinea met R&D en 'aanhalingstekens'.\n\n"
    "**TEDx**\n\n"
    "- Technologische kennis\n- R&D en ICT investeringen\n\n"
    "Een regel\nen de volgende."
)


def test_bold_becomes_strong_and_lists_become_lists():
    html = booklet_html(EXAMPLE)
    assert "<p><strong>TEDx</strong></p>" in html
    assert "<ul><li>Technologische kennis</li><li>R&amp;D en ICT investeringen</li></ul>" in html
    assert "<p>Een regel<br>en de volgende.</p>" in html
    assert "**" not in html and "- " not in html


def test_every_other_character_is_escaped_once():
    html = booklet_html('<script>alert(1)</script> **<b>vet</b>** & "x"')
    assert "<script>" not in html and "<b>" not in html
    assert "<strong>&lt;b&gt;vet&lt;/b&gt;</strong>" in html
    assert "&amp; &quot;x&quot;" in html and "&amp;amp;" not in html


def test_marks_inside_words_and_lonely_stars_are_text():
    assert booklet_plain("snake__case__name en 5 * 3") == "snake__case__name en 5 * 3"
    assert booklet_html("** niet vet **") == "<p>** niet vet **</p>"


def test_underscores_at_the_edges_of_words_are_bold_too():
    assert booklet_html("een __vet__ woord") == "<p>een <strong>vet</strong> woord</p>"


def test_a_one_paragraph_text_keeps_its_bold_and_line_breaks_without_a_paragraph():
    assert booklet_inline("Deel **good practices**\nop een eigentijdse manier") == (
        "Deel <strong>good practices</strong><br>op een eigentijdse manier"
    )


def test_plain_text_drops_the_marks_and_keeps_the_words():
    assert booklet_plain(EXAMPLE) == (
        "Eerste alinea met R&D en 'aanhalingstekens'.\n\n"
        "TEDx\n\n"
        "• Technologische kennis\n• R&D en ICT investeringen\n\n"
        "Een regel\nen de volgende."
    )


def test_empty_texts_stay_empty():
    assert booklet_html("") == booklet_inline("") == booklet_plain("") == ""


def test_the_filters_escape_plain_text_in_html_and_not_in_text_templates():
    context = Context({"text": "**R&D**"})
    html = Template("{% load booklet %}{{ text|booklet }}|{{ text|booklet_plain }}")
    assert html.render(context) == "<p><strong>R&amp;D</strong></p>|R&amp;D"
    text = Template(
        "{% load booklet %}{% autoescape off %}{{ text|booklet_plain }}{% endautoescape %}"
    )
    assert text.render(context) == "R&D"
