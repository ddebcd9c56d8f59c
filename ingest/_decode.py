"""A feed's characters when a few of its bytes are wrong.

feedparser decodes a document with the first encoding of its list that decodes every
byte: the HTTP charset, the XML declaration, the byte-order mark, then UTF-8,
windows-1252 and iso-8859-2. So one invalid byte in a UTF-8 feed (a truncated
multi-byte character, a stray cp1252 quote pasted into a CMS) sends the whole document
to windows-1252, and every non-ASCII title of it becomes mojibake ("Ð Ð¾Ñ..." for
"Роскосмос").

`repair_encoding` runs first: when no declared encoding decodes the document, it is
decoded with the declared one (else with UTF-8, when the bytes are mostly valid UTF-8)
replacing each invalid sequence with U+FFFD, and handed on as UTF-8 with its
declaration and charset saying so. A document that decodes as declared, or that is not
mostly UTF-8 and declares nothing (an undeclared cp1252 feed), is left to feedparser's
own rules. UTF-16 and UTF-32 documents are left alone too (feedparser reads their BOM).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*?\?>")
_ENCODING_ATTRIBUTE = re.compile(r"""(\bencoding\s*=\s*)(["'])[^"']*\2""")
_BYTES_DECLARATION = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)[\"']?", re.IGNORECASE)
_ASCII = frozenset({"ascii", "us-ascii", "646"})


def _codec(name: str | None) -> str | None:
    """The Python codec of an encoding label, None when unknown or plain ASCII."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    if codec == "gb2312":
        return "gb18030"  # feedparser's rule too: gb18030 is the superset
    return None if codec in _ASCII else codec


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """More valid multi-byte UTF-8 characters than invalid sequences."""
    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for ch in text if ch > "\x7f") - text.count("\ufffd")
    return 0 < invalid < multibyte


def repair_encoding(body: bytes, headers: Mapping[str, str]) -> tuple[bytes, dict[str, str]]:
    """The document and headers to hand feedparser (see the module notes)."""
    out = {k.lower(): v for k, v in headers.items()}
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or 0 in body[:4]:
        return body, out
    content_type = out.get("content-type", "")
    charset = _CHARSET.search(content_type)
    declaration = _BYTES_DECLARATION.match(body.removeprefix(codecs.BOM_UTF8))
    labels = [
        "utf-8" if body.startswith(codecs.BOM_UTF8) else None,
        charset[1] if charset else None,
        declaration[1].decode("ascii") if declaration else None,
    ]
    declared = [codec for codec in map(_codec, labels) if codec]
    if any(_decodes(body, codec) for codec in declared):
        return body, out
    if declared:
        chosen = declared[0]
    elif not _decodes(body, "utf-8") and _mostly_utf8(body):
        chosen = "utf-8"
    else:
        return body, out
    text = body.decode("utf-8-sig" if chosen == "utf-8" else chosen, "replace").lstrip("\ufeff")
    prolog = _DECLARATION.match(text)
    if prolog is None:
        text = '<?xml version="1.0" encoding="utf-8"?>\n' + text
    elif _ENCODING_ATTRIBUTE.search(prolog[0]):
        fixed = _ENCODING_ATTRIBUTE.sub(r"\1\2utf-8\2", prolog[0], count=1)
        text = fixed + text[prolog.end() :]
    else:
        fixed = prolog[0].replace("?>", ' encoding="utf-8"?>', 1)
        text = fixed + text[prolog.end() :]
    if content_type:
        bare = _CHARSET.sub("", content_type)
        out["content-type"] = f"{bare}; charset=utf-8"
    return text.encode("utf-8"), out
