"""Quotations and indirect attribution: who said what, in which words.

A claim is only as good as its source, so every quotation is stored with its speaker and the cue
that attributes it ("said", "told", "according to", an interview label "Fallahian:"). What the
extractor finds:

* direct quotations in straight, curly or single quotes, including web-text errors (a closing
  mark used to open, a missing mark at the start of a paragraph); nested quotations are found
  too, each with its own speaker;
* quotations spanning paragraphs (an opening mark at each paragraph start, the closing mark only
  at the end) and quotations interrupted by their cue ("…," he said, "…"): one item whose span is
  the first part, all parts in ``data["parts"]``;
* block quotations without marks after "X told the crowd:" at the end of a paragraph;
* indirect attribution ("X said that …", "according to X, …", "the report found …"): items with
  ``data["direct"] = False`` whose span is the reported clause.

Quoted one-to-three-word phrases without a cue are scare quotes ("so-called "reformists""), and
quoted titles of books, reports or campaigns are names: neither is a quotation.

The speaker is the cue verb's subject (or the agent of "as described by X"), named as written: a
mention from the mention extractor when one covers it, else spaCy's entity, else the noun
phrase. "He"/"she" go to the nearest person named as a subject before; "they"/"it" to the
nearest organisation or group; a document ("Amnesty's statement reads") stands for its author.
All vocabulary is in ``vocab/speech.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from factfinder.extract.attribution import SUBJ, Cue, Reader, base_form, headline, indirect
from factfinder.extract.base import Context, Item

OPEN_D, CLOSE_D, OPEN_S, CLOSE_S = "“„«‟", "”»", "‘‚", "’"
MARKS = re.compile("[\"“”„‟«»‘’‚']")
LABEL = re.compile(r"^\s*((?:[A-Z][\w.\-’']*)(?: [A-Z][\w.\-’']*){0,3})\s*:\s*$")
SENT_END = frozenset(".!?")


# -- finding quotation marks ---------------------------------------------------------------------


@dataclass
class Raw:
    """A stretch of quoted text before attribution."""

    parts: list[tuple[int, int]]
    open_pos: int  # the opening mark (or the line start when it is missing)
    close_pos: int  # the closing mark (or the line end when it is missing)
    depth: int = 0
    glyph: str = '"'
    missing_open: bool = False

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


@dataclass
class _Open:
    start: int
    pos: int
    kind: str  # "d" or "s"
    glyph: str
    parts: list[tuple[int, int]] = field(default_factory=list)
    missing_open: bool = False


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _scan_line(text: str, ls: int, le: int, stack: list[_Open], out: list[Raw],
               unmatched: list[int]) -> None:
    """Pair the marks of one line; ``stack`` may hold a quotation carried from the line before."""
    marks = [m.start() for m in MARKS.finditer(text, ls, le)]
    for n, i in enumerate(marks):
        g = text[i]
        prev = text[i - 1] if i > ls else ""
        nxt = text[i + 1] if i + 1 < le else ""
        left = prev == "" or prev.isspace() or prev in "([{—–-/:;" or MARKS.match(prev) is not None
        right = nxt == "" or nxt.isspace() or nxt in ".,;:!?)]}…—–-" or MARKS.match(nxt) is not None
        if g in OPEN_S or g in CLOSE_S or g == "'":
            if prev.isalnum() and nxt.isalpha():
                continue  # an apostrophe
            if (g in OPEN_S or g == "'") and left and nxt and not nxt.isspace():
                stack.append(_Open(i + 1, i, "s", g))
            elif stack and stack[-1].kind == "s" and right and prev and not prev.isspace():
                _close(text, stack, i, out)
            continue
        has_d = any(o.kind == "d" for o in stack)
        if g in OPEN_D:
            if has_d and right and not left:
                _close(text, stack, i, out)
            else:
                stack.append(_Open(i + 1, i, "d", g))
        elif g in CLOSE_D:
            if has_d:
                _close(text, stack, i, out)
            elif any(text[j] in CLOSE_D or text[j] == '"' for j in marks[n + 1:]) and nxt \
                    and (nxt.isspace() or nxt.isalnum()):
                stack.append(_Open(i + 1, i, "d", g))  # a closing glyph used to open
            else:
                unmatched.append(i)
        else:  # the straight double quote
            top_straight = has_d and next(o for o in reversed(stack) if o.kind == "d").glyph == '"'
            if top_straight and (right or not left):
                _close(text, stack, i, out)
            elif left and nxt and not nxt.isspace():
                stack.append(_Open(i + 1, i, "d", g))
            elif has_d:
                _close(text, stack, i, out)
            else:
                unmatched.append(i)


def _close(text: str, stack: list[_Open], pos: int, out: list[Raw]) -> None:
    kind = "s" if text[pos] in CLOSE_S or text[pos] == "'" else "d"
    while stack and stack[-1].kind != kind:
        stack.pop()  # an unclosed single quote inside a double one was an apostrophe
    if not stack:
        return
    o = stack.pop()
    parts = [*o.parts, _trim(text, o.start, pos)]
    parts = [p for p in parts if p[1] > p[0]]
    if parts:
        out.append(Raw(parts, o.pos, pos, sum(1 for x in stack if x.kind == "d"), o.glyph,
                       o.missing_open))


def scan(text: str) -> tuple[list[Raw], list[int]]:
    """All quoted stretches of a text, and the closing marks that matched no opening one."""
    out: list[Raw] = []
    unmatched: list[int] = []
    stack: list[_Open] = []
    lines = _lines(text)
    k = 0
    while k < len(lines):
        ls, le = lines[k]
        if not stack:
            _scan_line(text, ls, le, stack, out, unmatched)
            stack = [o for o in stack if o.kind == "d"]
            if stack:  # unclosed at the line end: it may go on in the next line
                for o in stack:
                    o.parts.append(_trim(text, o.start, le))
            k += 1
            continue
        if ls == le:  # a blank line between paragraphs
            k += 1
            continue
        first = ls + len(text[ls:le]) - len(text[ls:le].lstrip())
        if first < le and (text[first] in OPEN_D or text[first] in CLOSE_D or text[first] == '"'):
            for o in stack:  # the convention: an opening mark at each paragraph start
                o.start = first + 1
            trial = list(stack)
            before = len(out)
            _scan_line(text, first + 1, le, trial, out, unmatched)
        else:
            for o in stack:
                o.start = ls
            trial = list(stack)
            before, n_unmatched = len(out), len(unmatched)
            _scan_line(text, ls, le, trial, out, unmatched)
            if not any(r.open_pos == stack[0].pos for r in out[before:]):
                del out[before:]  # it did not go on here: close it where its line ended
                del unmatched[n_unmatched:]
                for o in stack:
                    out.append(Raw(o.parts, o.pos, o.parts[-1][1] if o.parts else o.start, 0,
                                   o.glyph, o.missing_open))
                stack = []
                continue
        stack = [o for o in trial if o.kind == "d"]
        for o in stack:
            o.parts.append(_trim(text, o.start, le))
        k += 1
    for o in stack:
        out.append(Raw(o.parts, o.pos, o.parts[-1][1], 0, o.glyph, o.missing_open))
    for r in out:
        r.parts = [p for p in r.parts if p[1] > p[0]]
    out = [r for r in out if r.parts]
    out.sort(key=lambda r: r.start)
    return out, unmatched


def _between_ok(r: Reader, a: int, b: int, cue: Token) -> bool:
    """Between offsets a and b there is only the cue's clause: its subject, punctuation, and at
    most a few words without another verb."""
    toks = [t for t in r.doc.char_span(a, b, alignment_mode="expand") or []
            if not t.is_punct and not t.is_space and t.i != cue.i] if b > a else []
    heads = [cue]  # "is heard telling", "went on to say": the verbs the cue depends on
    while heads[-1].dep_ in ("xcomp", "advcl", "conj") and heads[-1].head is not heads[-1] \
            and len(heads) < 3:
        heads.append(heads[-1].head)
    subj_ids = {h.i for h in heads} | {x.i for h in heads for c in h.children
                                       if c.dep_ in (*SUBJ, "agent", "aux", "auxpass")
                                       for x in c.subtree}
    other = [t for t in toks if t.i not in subj_ids]
    hyphened = {t.i for t in other if t.i > 0 and r.doc[t.i - 1].text == "-"}
    return len(other) <= 10 and not any(t.pos_ == "VERB" and t.i not in hyphened
                                        for t in other)


def trailing_cue(r: Reader, q: Raw, next_open: int | None) -> Cue | None:
    text = r.text
    pos = q.close_pos + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    stop = line_end
    if text[pos:line_end].strip() == "":  # the cue may be the next, short line: "they wrote."
        nxt = pos
        while nxt < len(text) and text[nxt] in "\n ":
            nxt += 1
        e2 = text.find("\n", nxt)
        e2 = len(text) if e2 < 0 else e2
        frag = text[nxt:e2]
        if frag and frag[0].islower() and len(frag.split()) <= 12:
            stop = e2
    if next_open is not None:
        stop = min(stop, next_open)
    if stop <= pos:
        return None
    span = r.doc.char_span(pos, stop, alignment_mode="contract")
    if span is None:
        return None
    if text[q.parts[-1][0]:q.parts[-1][1]].rstrip("’'\"” ")[-1:] in ".!?…":
        span = span[:6]  # the quotation ended its sentence: only "… ," he said" may follow
    for t in span:
        if t.is_sent_start and t.idx > pos + 2 and not t.is_punct:
            break
        if t.text in SENT_END:
            break
        if r.is_cue(t):
            if not _between_ok(r, pos, t.idx, t):
                return None
            return r.cue_of(t, (q.open_pos, q.close_pos))
    return None


def leading_cue(r: Reader, q: Raw, prev_close: int, short: bool = False) -> Cue | None:
    text = r.text
    ls = text.rfind("\n", 0, q.open_pos) + 1
    lead = text[ls:q.open_pos]
    start = ls
    if not lead.strip() and ls > 0:  # the cue ends the paragraph before: "Khomeini decreed:"
        pe = ls - 1
        while pe > 0 and text[pe - 1] in "\n ":
            pe -= 1
        if pe > 0 and (text[pe - 1] in ":," or text[pe - 1].isalpha()):
            start = text.rfind("\n", 0, pe) + 1  # the sentence goes on across the break
    start = max(start, prev_close + 1)
    if start >= q.open_pos:
        return None
    span = r.doc.char_span(start, q.open_pos, alignment_mode="contract")
    if span is None or not len(span):
        return None
    first = r.tok(q.start)
    for t in reversed(list(span)):
        if t.text in SENT_END and t.i < span.end - 1:
            break
        if r.is_cue(t):
            b = base_form(t.text, t.tag_)
            if short and b not in r.lex.weak and len([
                    x for x in r.doc[t.i + 1:first.i] if not x.is_punct]) > 2:
                return None  # a scare quote near a cue is still a scare quote
            inside = t.i <= first.i and first.i in {x.i for x in t.subtree}
            if inside or _between_ok(r, t.idx + len(t.text), q.open_pos, t):
                return r.cue_of(t, (q.open_pos, q.close_pos))
    return None


def label_cue(r: Reader, q: Raw) -> Cue | None:
    ls = r.text.rfind("\n", 0, q.open_pos) + 1
    m = LABEL.match(r.text[ls:q.open_pos])
    if not m or len(m.group(1).split()) > 4:
        return None
    name = m.group(1).strip()
    if name.lower().rstrip(".") in r.lex.words["anonymous_labels"]:
        return Cue(None, ":", None, None, "label")
    s = ls + m.start(1)
    return Cue(None, ":", name, (s, s + len(name)), "label")


def is_title(r: Reader, q: Raw) -> bool:
    """Quoted words in Title Case: a title or a name."""
    words = re.findall(r"[A-Za-z][\w’'-]*", r.text[q.start:q.end])
    long_words = [w for w in words if len(w) > 3]
    caps = sum(1 for w in long_words if w[0].isupper())
    return len(long_words) >= 2 and caps / len(long_words) >= 0.75


def context_cue(r: Reader, q: Raw) -> Cue | None:
    """An unattributed quotation that begins a sentence: the person who is the subject of the
    sentence just before it ("He called for …" followed by the quotation)."""
    i = q.open_pos - 1
    while i >= 0 and r.text[i] in " \n":
        i -= 1
    if i < 0 or r.text[i] not in ".!?:" or headline(r.tok(i).sent):
        return None
    for t in r.tok(i).sent:
        if t.dep_ in SUBJ and t.head.dep_ == "ROOT" and not r.in_quote(t.idx) and (
                t.lower_ in r.lex.words["person_pronouns"] or r.name_at(t, ("PERSON",))):
            name, span = r.name_of(t)
            if name:
                return Cue(None, None, name, span, "context")
    return None


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


def _ends_open(text: str, q: Raw) -> bool:
    """The quotation's words end with a comma: the sentence goes on after the cue."""
    body = text[q.parts[-1][0]:q.parts[-1][1]].rstrip("’'\"” ")
    return body.endswith(",") or text[q.close_pos + 1:q.close_pos + 2] == ","



class QuoteExtractor:
    """Direct quotations and indirect attribution, with speaker and cue."""

    name = "quotes"
    version = "1"

    def __call__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> list[Item]:
        r = Reader(doc, ctx, found)
        text = ctx.text
        raws, unmatched = scan(text)
        r.quoted = [(q.open_pos, q.close_pos + 1) for q in raws]
        for u in unmatched:  # '… vital," the letter continues.': the opening mark is missing
            ls = text.rfind("\n", 0, u) + 1
            s, e = _trim(text, ls, u)
            if e > s and not any(q.open_pos <= u <= q.close_pos for q in raws):
                cand = Raw([(s, e)], ls, u, missing_open=True)
                if trailing_cue(r, cand, None):
                    raws.append(cand)
        raws.sort(key=lambda q: q.start)
        r.quoted = [(q.open_pos, q.close_pos + 1) for q in raws]
        cues = [self.attribute(r, raws, k) for k in range(len(raws))]
        kept = self.merge_and_filter(r, raws, cues)
        r.quoted = [(q.open_pos, q.close_pos + 1) for q, _ in kept]
        items = [self.item(r, q, c) for q, c in kept]
        items += self.blocks(r, kept)
        items += indirect(r, items)
        items.sort(key=lambda it: (it.start, it.end))
        return items

    # -- direct quotations ----------------------------------------------------------------------

    @staticmethod
    def attribute(r: Reader, raws: list[Raw], k: int) -> Cue | None:
        q = raws[k]
        later = [x.open_pos for x in raws[k + 1:] if x.open_pos > q.close_pos]
        next_open = later[0] if later else None
        if q.depth:
            outer = [x for x in raws if x.depth < q.depth and x.open_pos < q.open_pos
                     and x.close_pos > q.close_pos]
            if outer:
                next_open = min(next_open or len(r.text), outer[-1].close_pos)
        c = label_cue(r, q)
        if c:
            return c
        t = trailing_cue(r, q, next_open)
        if t is not None and t.token is not None:
            cue_end = t.token.idx + len(t.token.text)
            between = r.text[cue_end:next_open] if next_open is not None else "x"
            leads_next = next_open is not None and not any(ch in SENT_END for ch in between)
            if leads_next and not _ends_open(r.text, q) and "\n" not in between:
                t = None
        earlier = [x.close_pos for x in raws[:k] if x.close_pos < q.open_pos
                   and len(r.text[x.start:x.end].split()) > 3]
        if q.depth:  # a quotation inside a quotation: its cue is inside too
            earlier += [x.open_pos for x in raws if x.depth < q.depth
                        and x.open_pos < q.open_pos and x.close_pos > q.close_pos]
        if t is not None and t.speaker:
            return t
        short = sum(len(r.text[a:b].split()) for a, b in q.parts) <= 3
        lead = leading_cue(r, q, max(earlier) if earlier else -1, short)
        return lead if lead is not None and (lead.speaker or t is None) else t

    @staticmethod
    def merge_and_filter(r: Reader, raws: list[Raw], cues: list[Cue | None]
                         ) -> list[tuple[Raw, Cue]]:
        text = r.text
        merged: list[tuple[Raw, Cue | None]] = []
        for q, c in zip(raws, cues, strict=True):
            same_depth = [m for m in merged if m[0].depth == q.depth]
            if same_depth:
                p, pc = same_depth[-1]
                gap = text[p.close_pos + 1:q.open_pos]
                same_cue = pc is not None and c is not None and pc.token is not None \
                    and c.token is not None and pc.token.i == c.token.i \
                    and p.close_pos < c.token.idx < q.open_pos  # the cue interrupts
                own_trailing = c is not None and c.token is not None and c.token.idx > q.close_pos
                in_gap = c is not None and c.token is not None and \
                    p.close_pos < c.token.idx < q.open_pos
                p_in_gap = pc is not None and pc.token is not None and \
                    p.close_pos < pc.token.idx < q.open_pos
                p_body = text[p.parts[-1][0]:p.parts[-1][1]].rstrip("’'\"” ")
                single = ("‘", "‚", "'")
                if p.depth == q.depth and q.open_pos > p.close_pos and not own_trailing \
                        and (p.glyph in single) == (q.glyph in single) \
                        and p_body[-1:] not in ".!?…" and (
                        same_cue or (p_in_gap and (c is None or in_gap))
                        or (in_gap and len(gap.split()) <= 3))\
                        and len(gap.split()) <= 14 and (
                        _ends_open(text, p) or not any(ch in SENT_END for ch in gap)):
                    p.parts += q.parts
                    p.close_pos = q.close_pos
                    continue
            merged.append((q, c))
        out: list[tuple[Raw, Cue]] = []
        for q, c0 in merged:
            c = c0
            n_words = sum(len(text[s:e].split()) for s, e in q.parts)
            if c is not None and c.speaker is None and (c.weak or n_words <= 3):
                c = None
            if c is None and out:  # the same speaker goes on: a new quotation, no new cue
                p, pc = out[-1]
                gap = text[p.close_pos + 1:q.open_pos]
                same_sentence = "\n" not in gap and not any(ch in SENT_END for ch in gap) \
                    and text[q.start:q.start + 1].islower() and len(gap.split()) <= 8
                near = _line_of(text, q.open_pos) - _line_of(text, p.close_pos) <= 2 and (
                    same_sentence or gap.strip(" \n,;.") in ("", "and", "or", "but") or (
                        pc.token is not None and p.close_pos < pc.token.idx < q.open_pos
                        and sum(gap.count(x) for x in SENT_END) <= 1 and "\n" not in gap.strip()))
                if near and pc.speaker and p.depth == q.depth:
                    c = Cue(None, None, pc.speaker, pc.speaker_span, "continuation")
            before = re.findall(r"[\w’'-]+", text[max(0, q.open_pos - 40):q.open_pos].lower())
            named = bool(before) and (before[-1] in r.lex.words["title_cues"]
                                      or before[-1] in r.lex.words["work_nouns"]
                                      or before[-1] in r.lex.words["scare_cues"])
            if named or (is_title(r, q) and (c is None or c.weak or c.how != "cue"
                                              or n_words <= 3 or not c.speaker)):
                continue  # a title or a name, not a quotation
            if c is None:
                body = text[q.start:q.end]
                line_s = text.rfind("\n", 0, q.open_pos) + 1
                line_e = text.find("\n", q.close_pos)
                whole = not text[line_s:q.open_pos].strip() and not text[
                    q.close_pos + 1:len(text) if line_e < 0 else line_e].strip(" .,")
                sentence = (body[:1].isupper() or body[:1] in "…[") and (
                    body.rstrip("’'\"”")[-1:] in ".!?…," or whole)
                if n_words <= 3 or not sentence:
                    continue
                c = context_cue(r, q) or Cue(None, None, None, None, "none")
            out.append((q, c))
        return out

    @staticmethod
    def item(r: Reader, q: Raw, c: Cue) -> Item:
        s, e = q.parts[0]
        body = r.text[s:e]
        form = "partial" if body[:1].islower() and not q.missing_open else "direct"
        conf = {"cue": 0.9, "label": 0.9, "continuation": 0.75, "context": 0.6,
                "none": 0.5}.get(c.how, 0.7)
        if c.how == "cue" and c.speaker is None:
            conf = 0.6
        return Item(kind="quote", start=s, end=e, text=body, label=None, confidence=conf, data={
            "speaker": c.speaker, "cue": c.text, "direct": True, "form": form,
            "parts": [[a, b] for a, b in q.parts],
            "speaker_span": list(c.speaker_span) if c.speaker_span else None,
            "attribution": c.how,
        })

    @staticmethod
    def blocks(r: Reader, kept: list[tuple[Raw, Cue]]) -> list[Item]:
        """A paragraph without marks after "X told the crowd:" is X's block quotation."""
        text, out = r.text, []
        lines = _lines(text)
        for k, (ls, le) in enumerate(lines[:-1]):
            line = text[ls:le].rstrip()
            if not line.endswith(":") or r.in_quote(le - 1):
                continue
            nk = k + 1
            while nk < len(lines) and lines[nk][0] == lines[nk][1]:
                nk += 1
            if nk >= len(lines):
                continue
            bs, be = _trim(text, *lines[nk])
            if be <= bs or MARKS.match(text[bs]) or len(text[bs:be].split()) < 8 \
                    or r.in_quote(bs):
                continue
            span = r.doc.char_span(ls, ls + len(line) - 1, alignment_mode="contract")
            if span is None or not len(span):
                continue
            sent = span[-1].sent
            cue = next((t for t in reversed(list(sent)) if span.start <= t.i < span.end
                        and r.is_cue(t, weak_ok=False)), None)
            if cue is None:
                continue
            c = r.cue_of(cue)
            if c is None or not c.speaker:
                continue
            out.append(Item(kind="quote", start=bs, end=be, text=text[bs:be], confidence=0.7,
                            data={"speaker": c.speaker, "cue": c.text, "direct": True,
                                  "form": "block", "parts": [[bs, be]],
                                  "speaker_span": list(c.speaker_span) if c.speaker_span
                                  else None, "attribution": "cue"}))
        return out

    # -- indirect attribution -------------------------------------------------------------------

EXTRACTOR = QuoteExtractor()
