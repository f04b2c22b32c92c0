"""Text normalisation with an offset map back to the text layer of the original.

What changes (and only this):
* Unicode NFC;
* Arabic-encoded letters folded to their Persian forms: ي (U+064A) → ی (U+06CC), ك (U+0643) →
  ک (U+06A9), so the same Persian word matches whichever keyboard typed it;
* invisible characters removed: zero-width space/joiner, word joiner, BOM, soft hyphen, bidi
  controls (which can also disguise text), other control characters. The zero-width non-joiner
  (U+200C) is kept: it is part of Persian spelling (می‌خواهم);
* whitespace: runs of spaces/tabs/NBSP → one space, CR/CRLF → LF, a blank-line run → one blank
  line, spaces around line breaks dropped;
* the kept segments (boilerplate left out) are joined by a blank line.
Curly quotes, dashes and digits are kept as they are.

``OffsetMap`` maps every offset in the clean text back to the text layer, so a fact found in the
clean text points at its exact span in the source.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_H = "[ \\t\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\f\\v]"
_NL = "(?:\\r\\n?|\\n)"
_INVISIBLE = "[\\u200b\\u200d\\u2060\\ufeff\\u00ad\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069" \
    "\\x00-\\x08\\x0e-\\x1f\\x7f]"
_PATTERN = re.compile(
    f"(?P<para>{_H}*{_NL}(?:{_H}*{_NL})+{_H}*)"
    f"|(?P<line>{_H}*{_NL}{_H}*)"
    f"|(?P<space>{_H}{{2,}}|[\\t\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\f\\v])"
    f"|(?P<invisible>{_INVISIBLE}+)"
    "|(?P<yeh>\\u064a)|(?P<kaf>\\u0643)"
)
# Where a change may start: every alternative begins with a definite character, so the scan runs
# at C speed; _PATTERN then takes the whole run from there.
_TRIGGER = re.compile(
    "[ ](?=[ \\t\\r\\n\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\f\\v])"
    "|[\\r\\n\\t\\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000\\f\\v\\u064a\\u0643]"
    f"|{_INVISIBLE}"
)
_REPLACEMENT = {"para": "\n\n", "line": "\n", "space": " ", "invisible": "", "yeh": "\u06cc",
                "kaf": "\u06a9"}
SEPARATOR = "\n\n"


@dataclass
class OffsetMap:
    """Piecewise-linear map from clean-text offsets to text-layer offsets.

    ``anchors`` are (clean, source) pairs sorted by clean offset; between two anchors, offsets
    advance together. A clean character made from several source characters (or from none, like a
    separator) maps to where its source run starts."""

    anchors: list[tuple[int, int]]

    def to_source(self, offset: int) -> int:
        if not self.anchors:
            return offset
        i = bisect.bisect_right(self.anchors, (offset, float("inf"))) - 1
        if i < 0:
            return self.anchors[0][1]
        clean, source = self.anchors[i]
        nxt = self.anchors[i + 1] if i + 1 < len(self.anchors) else None
        mapped = source + (offset - clean)
        if nxt is not None and mapped > nxt[1]:
            mapped = nxt[1]
        return mapped

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source span of clean[start:end]: its end is where the character after it comes from
        (separators map to the end of the segment before them), so spans stay exact at
        segment edges and around folded characters."""
        if end <= start:
            s = self.to_source(start)
            return s, s
        return self.to_source(start), self.to_source(end)

    def dumps(self) -> str:
        return json.dumps(self.anchors, separators=(",", ":"))

    @classmethod
    def loads(cls, data: str) -> OffsetMap:
        return cls([(int(a), int(b)) for a, b in json.loads(data)])


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int]] = []

    def emit(self, text: str, source: int) -> None:
        """Append ``text`` whose first character comes from ``source``."""
        if not text:
            return
        if not self.anchors or self.anchors[-1][1] - self.anchors[-1][0] != source - self.length:
            if self.anchors and self.anchors[-1][0] == self.length:
                self.anchors[-1] = (self.length, source)
            else:
                self.anchors.append((self.length, source))
        self.parts.append(text)
        self.length += len(text)

    def emit_replaced(self, text: str, source_start: int, source_end: int) -> None:
        """Append ``text`` replacing source[start:end]; following text resumes at ``end``."""
        if text:
            # Pin the replacement to its source start, then re-anchor after it.
            if not self.anchors or self.anchors[-1][0] != self.length:
                self.anchors.append((self.length, source_start))
            else:
                self.anchors[-1] = (self.length, source_start)
            self.parts.append(text)
            self.length += len(text)
        self.anchors.append((self.length, source_end))

    def result(self) -> tuple[str, OffsetMap]:
        anchors: list[tuple[int, int]] = []
        for clean, source in self.anchors:  # drop anchors implied by the previous one
            if anchors and anchors[-1][0] == clean:
                anchors[-1] = (clean, source)
            elif anchors and source - clean == anchors[-1][1] - anchors[-1][0]:
                continue
            else:
                anchors.append((clean, source))
        return "".join(self.parts), OffsetMap(anchors)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\u200b\ufeff"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u200b\ufeff"):
        end -= 1
    return start, end


def _emit_segment(b: _Builder, text: str, start: int, end: int) -> None:
    if not unicodedata.is_normalized("NFC", text[start:end]):
        _emit_nfc(b, text, start, end)
        return
    pos = scan = start
    while True:
        trigger = _TRIGGER.search(text, scan, end)
        if trigger is None:
            break
        m = _PATTERN.match(text, trigger.start(), end)
        if m is None:  # cannot happen: every trigger starts some alternative
            scan = trigger.start() + 1
            continue
        scan = m.end()
        replacement = _REPLACEMENT[m.lastgroup or "space"]
        if m.group() == replacement:  # already clean (a plain line break): keep the run going
            continue
        if m.start() > pos:
            b.emit(text[pos : m.start()], pos)
        b.emit_replaced(replacement, m.start(), m.end())
        pos = m.end()
    if pos < end:
        b.emit(text[pos:end], pos)


def _emit_nfc(b: _Builder, text: str, start: int, end: int) -> None:
    """Slow path for text that is not NFC: compose each cluster (a base character and its
    combining marks) that NFC changes; the runs between them go through the fast path."""
    run_start = i = start
    while i < end:
        j = i + 1
        while j < end and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        composed = unicodedata.normalize("NFC", cluster)
        if composed != cluster:
            if i > run_start:
                _emit_segment(b, text, run_start, i)
            composed = composed.replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
            b.emit_replaced(composed, i, j)
            run_start = j
        i = j
    if run_start < end:
        _emit_segment(b, text, run_start, end)


def normalize(
    text: str, segments: Sequence[tuple[int, int]] | None = None
) -> tuple[str, OffsetMap]:
    """Clean text made of ``segments`` of ``text`` (all of it by default), and its offset map."""
    if segments is None:
        segments = [(0, len(text))]
    b = _Builder()
    prev_end: int | None = None
    for seg_start, seg_end in segments:
        s, e = _trim(text, seg_start, seg_end)
        if s >= e:
            continue
        if prev_end is not None:
            b.emit_replaced(SEPARATOR, prev_end, s)
        _emit_segment(b, text, s, e)
        prev_end = e
    return b.result()
