"""What the classifier reads of an item: title, summary, then the article's lead."""

from __future__ import annotations

from spacebrief.classifiers.features import CONTENT_LEAD_CHARS, item_text

ARTICLE = (
    "Egypt's MisrSat-2 reached orbit on Monday. It was paid for by a Chinese grant. "
    + "Detail of the ground segment follows here. " * 80
)


def test_without_content_the_text_is_title_and_summary():
    assert item_text("Headline", "Summary.") == "Headline. Summary."
    assert item_text("Headline", "Summary.", "") == "Headline. Summary."


def test_a_teaser_is_followed_by_the_articles_lead_only():
    text = item_text("MisrSat-2 in orbit", "Read the full story on our website.", ARTICLE)
    assert text.startswith("MisrSat-2 in orbit. Read the full story on our website. Egypt's")
    assert len(text) <= len("MisrSat-2 in orbit. Read the full story on our website. ") + (
        CONTENT_LEAD_CHARS
    )
    assert text.endswith(".")


def test_a_summary_the_article_repeats_and_the_extracted_headline_are_not_read_twice():
    text = item_text(
        "MisrSat-2 in orbit",
        "Egypt's MisrSat-2 reached orbit on Monday.",
        "MisrSat-2 in orbit\n" + ARTICLE,
    )
    assert text.count("MisrSat-2 in orbit") == 1
    assert text.count("Egypt's MisrSat-2 reached orbit on Monday.") == 1
