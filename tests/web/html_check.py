"""What a reading-room page may contain: the tags and attributes its templates write.

Feed text is hostile; if any of it became markup, a tag or an attribute the templates
never write would appear. `markup_faults` lists each such tag, every `on*` attribute, and
any link whose target is not http(s) or one of the room's own paths.
"""

from __future__ import annotations

from html.parser import HTMLParser

TAGS = {
    "html", "head", "meta", "title", "link", "body", "header", "nav", "main", "div", "span",
    "a", "h1", "h2", "h3", "p", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
    "form", "label", "input", "select", "option", "button", "section", "article", "blockquote",
    "details", "summary", "code", "strong", "mark", "svg", "rect",
}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.faults: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in TAGS:
            self.faults.append(f"unexpected <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.faults.append(f"<{tag} {name}=...>")
            if name in ("href", "action", "src") and value is not None:
                target = value.strip().lower()
                if not target.startswith(("/", "http://", "https://", "#", "?")):
                    self.faults.append(f"<{tag} {name}={value[:60]!r}>")


def markup_faults(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.faults


def tags_of(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags
