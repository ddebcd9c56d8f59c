"""The edition as Markdown, HTML (Jinja2, autoescaped) and JSON.

Feed text is untrusted. In HTML, Jinja2's autoescape turns a `<script>` in a headline
into text, and links are emitted only for URLs `safe_url` already accepted (http(s)).
In Markdown, the characters that would open HTML, links or emphasis are backslash-escaped
so a headline cannot forge a citation or inject markup into a Markdown viewer.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import asdict
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from spacebrief.digest.chart import COLOURS, chart_svg
from spacebrief.digest.english import language_name
from spacebrief.digest.momentum import format_mean
from spacebrief.digest.text import reports_phrase
from spacebrief.digest.types import Citation, CitedSentence, Edition, TrendEntry

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def markdown_text(value: object) -> str:
    """Feed text made inert for Markdown: markup characters escaped, newlines flattened."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_url(url: str) -> str:
    """A URL safe inside Markdown's (...) link target."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def cite_markers(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _sentence_markdown(sentence: CitedSentence) -> str:
    return f"{markdown_text(sentence.text)} {cite_markers(sentence.citations)}".strip()


def change_words(entry: TrendEntry) -> str:
    """How many stories, against what before: "(5 stories; none before)"."""
    momentum = entry.momentum
    stories = f"{momentum.current} {'story' if momentum.current == 1 else 'stories'}"
    if momentum.direction == "new":
        return f"({stories}; none in the windows before)"
    mean = format_mean(momentum.previous_mean)
    return f"({stories}; {mean} a window before)"


def reading_label(citation: Citation) -> str:
    """ "translated from Russian", "English gist, not a translation" """
    if citation.reading == "translation":
        return f"translated from {language_name(citation.language)}"
    if citation.reading == "gist":
        return f"English gist of a {language_name(citation.language)}-language story"
    return ""


def plain_text(value: object) -> str:
    """Feed text for the plain-text part: one line, nothing to interpret."""
    return " ".join(str(value).split())


def plain_sentence(sentence: CitedSentence) -> str:
    return f"{plain_text(sentence.text)} {cite_markers(sentence.citations)}".strip()


def wrap(text: str, indent: str = "", width: int = 78) -> str:
    """Text wrapped for a mail client that shows plain text as it comes."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent or "",
        break_long_words=False,
        break_on_hyphens=False,
    )


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("spacebrief.digest", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = markdown_text
    environment.filters["mdurl"] = markdown_url
    environment.filters["cites"] = cite_markers
    environment.filters["md_sentence"] = _sentence_markdown
    environment.filters["mean"] = format_mean
    environment.filters["change"] = change_words
    environment.filters["reading_label"] = reading_label
    environment.filters["plain"] = plain_text
    environment.filters["plain_sentence"] = plain_sentence
    environment.filters["wrap"] = wrap
    environment.globals["reports_phrase"] = reports_phrase
    return environment


def render_markdown(edition: Edition) -> str:
    return _environment().get_template("edition.md.j2").render(edition=edition)


def render_html(edition: Edition) -> str:
    return (
        _environment()
        .get_template("edition.html.j2")
        .render(edition=edition, chart=Markup(chart_svg(edition.chart)), colours=COLOURS)
    )


def render_text(edition: Edition) -> str:
    """The plain-text e-mail part: headings as lines, no Markdown, no sparklines, no codes."""
    return _environment().get_template("edition.txt.j2").render(edition=edition)


def render_json(edition: Edition) -> str:
    return json.dumps(asdict(edition), ensure_ascii=False, indent=2) + "\n"
