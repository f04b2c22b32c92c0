"""Markup built by us, never by the text: highlighting from offsets, redaction, and server-side
SVG charts (bars, a small network, an UpSet-style overlap plot, a map of places on a lat/lon
frame). Every string that comes from a document or a list is escaped here before it becomes part
of the markup; the functions return ``Markup`` so templates do not escape it twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

# who may see protected persons (witnesses, sources, submitters): access control decides
from factfinder.web.auth import can_see_protected, redact, redactor_for  # noqa: F401

KIND_ORDER = ("event", "quote", "claim", "date", "mention")


def redact_json(request: Any, value: Any) -> Any:
    """``value`` as the request's user may see it (``factfinder.redaction``): the people who
    handled the evidence (author, collector, custody actor, submitter) replaced, the names of
    protected persons masked in every string, protected entities left out of lists."""
    return redactor_for(request).json(value)


def highlight(snippet: str, spans: list[list[int]]) -> Markup:
    """A search snippet with ``<mark>`` around the given [start, end) spans."""
    out, pos = [], 0
    for start, end in spans:
        out.append(str(escape(snippet[pos:start])))
        out.append(f"<mark>{escape(snippet[start:end])}</mark>")
        pos = end
    out.append(str(escape(snippet[pos:])))
    return Markup("".join(out))


def annotate(text: str, items: Sequence[dict[str, Any]]) -> Markup:
    """The text with every item's [start, end) span marked and linked to its details.

    Spans overlap (a mention inside a claim inside an event), so the text is cut at every
    boundary; each piece carries the classes of all the items covering it and links to the
    innermost (shortest) one. Only offsets and ids from the database build markup; the text
    itself is always escaped."""
    n = len(text)
    spans = [(max(0, int(i["start"])), min(n, int(i["end"])), i) for i in items
             if i.get("start") is not None and i.get("end") is not None
             and int(i["start"]) < int(i["end"])]
    cuts = sorted({0, n} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    starts: dict[int, list[int]] = {}
    for k, (s, _, _) in enumerate(spans):
        starts.setdefault(s, []).append(k)
    active: set[int] = set()  # spans covering the current piece: a sweep, not a search
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = {k for k in active if spans[k][1] > a} | set(starts.get(a, ()))
        piece = str(escape(text[a:b]))
        if not active:
            out.append(piece)
            continue
        covering = sorted(active, key=lambda k: (spans[k][1] - spans[k][0], k))
        inner = spans[covering[0]][2]
        kinds = sorted({str(spans[k][2]["kind"]) for k in covering}, key=_kind_rank)
        classes = " ".join(f"k-{k}" for k in kinds)
        title = escape(_label(inner))
        out.append(f'<a class="hl {classes}" href="#item-{escape(inner["id"])}" '
                   f'title="{title}">{piece}</a>')
    return Markup("".join(out))


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _label(item: dict[str, Any]) -> str:
    kind = item.get("kind")
    if kind == "mention":
        return f"{item.get('label')}: {item.get('normalized') or item.get('text')}"
    if kind == "date":
        return f"date {item.get('date_start')} – {item.get('date_end')}"
    if kind == "claim":
        return f"claim {item.get('original') or item.get('text')}"
    if kind == "event":
        return f"event: {item.get('type')}"
    return str(kind)


# --- SVG -------------------------------------------------------------------------------------

def _svg(width: int, height: int, body: list[str], label: str) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
                  f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
                  f'<title>{escape(label)}</title>' + "".join(body) + "</svg>")


def bar_chart(counts: Sequence[tuple[str, int]], label: str, width: int = 420) -> Markup:
    """Horizontal bars, one per (name, count)."""
    rows = list(counts)
    if not rows:
        return Markup('<p class="muted">nothing to count</p>')
    top = max(c for _, c in rows) or 1
    bar_h, left = 18, 180
    height = bar_h * len(rows) + 6
    body = []
    for i, (name, c) in enumerate(rows):
        y = 3 + i * bar_h
        w = max(1.0, (width - left - 40) * c / top)
        short = name if len(name) <= 26 else name[:25] + "…"
        body.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
                    f'{escape(short)}</text>'
                    f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 5}" '
                    f'fill="#4a78a6"><title>{escape(name)}: {c}</title></rect>'
                    f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">{c}</text>')
    return _svg(width, height, body, label)


def network(center: str, nodes: Sequence[dict[str, Any]], href: str = "/entities/",
            width: int = 580, height: int = 360) -> Markup:
    """A star: the entity in the middle, co-mentioned entities around it; the line's width is
    the number of documents both appear in."""
    cx, cy = width / 2, height / 2
    radius = height / 2 - 50
    colours = {"person": "#c0504d", "organisation": "#4a78a6", "place": "#5d9c59"}
    top = max((int(n["documents"]) for n in nodes), default=1) or 1
    lines, dots = [], []
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / max(1, len(nodes))
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        w = 1 + 4 * int(node["documents"]) / top
        lines.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#9aa8b5" '
                     f'stroke-width="{w:.1f}"/>')
        name = str(node["name"])
        short = name if len(name) <= 20 else name[:19] + "…"
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 \
            else "middle"
        dx = 8 if anchor == "start" else -8 if anchor == "end" else 0
        dy = 16 if math.sin(angle) > 0.5 and anchor == "middle" else -8 \
            if anchor == "middle" else 4
        dots.append(f'<a href="{href}{escape(node["id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" '
                    f'r="6" fill="{colours.get(str(node.get("type")), "#888")}">'
                    f'<title>{escape(name)} ({escape(node.get("type"))}): '
                    f'{node["documents"]} document(s) together</title></circle>'
                    f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}" '
                    f'font-size="11">{escape(short)}</text></a>')
    c_name = center if len(center) <= 22 else center[:21] + "…"
    body = lines + dots + [
        f'<circle cx="{cx}" cy="{cy}" r="9" fill="#20303f"/>'
        f'<text x="{cx}" y="{cy + 24}" text-anchor="middle" font-size="12" '
        f'font-weight="bold">{escape(c_name)}</text>']
    return _svg(width, height, body, f"entities mentioned with {center}")


def upset(lists: Sequence[str], patterns: Sequence[dict[str, Any]], width: int = 520) -> Markup:
    """UpSet-style: one column per combination of lists (bar = people in exactly that
    combination), dots below showing which lists the combination is made of."""
    if not patterns:
        return Markup('<p class="muted">no linked lists</p>')
    top = max(int(p["count"]) for p in patterns) or 1
    left, col, chart_h, row_h = 90, 44, 140, 20
    width = max(width, left + col * len(patterns) + 10)
    height = chart_h + 20 + row_h * len(lists)
    body = []
    for j, name in enumerate(lists):
        y = chart_h + 20 + j * row_h + 10
        body.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="12">'
                    f'{escape(name)}</text>')
    for i, p in enumerate(patterns):
        x = left + i * col + col / 2
        h = (chart_h - 20) * int(p["count"]) / top
        body.append(f'<rect x="{x - 12:.1f}" y="{chart_h - h:.1f}" width="24" height="{h:.1f}" '
                    f'fill="#4a78a6"><title>{escape(" + ".join(p["lists"]))}: {p["count"]}'
                    f'</title></rect><text x="{x:.1f}" y="{chart_h - h - 4:.1f}" '
                    f'text-anchor="middle" font-size="11">{p["count"]}</text>')
        ys = []
        for j, name in enumerate(lists):
            y = chart_h + 20 + j * row_h + 10
            on = name in p["lists"]
            if on:
                ys.append(y)
            body.append(f'<circle cx="{x:.1f}" cy="{y}" r="5" '
                        f'fill="{"#20303f" if on else "#d6dde3"}"/>')
        if len(ys) > 1:
            body.append(f'<line x1="{x:.1f}" y1="{min(ys)}" x2="{x:.1f}" y2="{max(ys)}" '
                        f'stroke="#20303f" stroke-width="2"/>')
    return _svg(width, height, body, "people by the combination of lists that record them")


def place_map(points: Sequence[dict[str, Any]], width: int = 560, height: int = 360) -> Markup:
    """Places as dots on a latitude/longitude frame (equirectangular, fitted to the points,
    with a graticule every few degrees). No tiles and no borrowed outlines."""
    pts = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if not pts:
        return Markup('<p class="muted">no places with coordinates</p>')
    lats, lons = [float(p["lat"]) for p in pts], [float(p["lon"]) for p in pts]
    south, north = min(lats) - 1.5, max(lats) + 1.5
    west, east = min(lons) - 1.5, max(lons) + 1.5
    scale_x = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * scale_x, north - south
    pad = 30
    k = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return pad + (lon - west) * scale_x * k, height - pad - (lat - south) * k

    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eef3f7"/>']
    step = 1 if max(span_x, span_y) < 8 else 5 if max(span_x, span_y) < 40 else 10
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        x0, y = xy(lat, west)
        x1, _ = xy(lat, east)
        body.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
                    f'stroke="#c9d4de"/><text x="4" y="{y - 2:.1f}" font-size="10" '
                    f'fill="#667">{lat}°</text>')
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        x, y0 = xy(south, lon)
        _, y1 = xy(north, lon)
        body.append(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" '
                    f'stroke="#c9d4de"/><text x="{x + 2:.1f}" y="{height - 4}" font-size="10" '
                    f'fill="#667">{lon}°</text>')
    top = max(int(p.get("count", 1)) for p in pts) or 1
    placed: list[tuple[float, float, float]] = []  # labels drawn: x, y, width
    labels = []
    for p in sorted(pts, key=lambda p: -int(p.get("count", 1))):
        x, y = xy(float(p["lat"]), float(p["lon"]))
        r = 4 + 8 * math.sqrt(int(p.get("count", 1)) / top)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="#c0504d" '
                    f'fill-opacity=".6" stroke="#fff"><title>{escape(p["name"])}: '
                    f'{p.get("count", 1)} event(s)</title></circle>')
        lx, ly, lw = x + r + 2, y + 4, 6.2 * len(str(p["name"]))
        if lx + lw > width:
            lx = x - r - 2 - lw
        # a label only where it does not cover another: the rest are in the circles' titles
        if all(abs(ly - py) > 12 or lx > px + pw or lx + lw < px for px, py, pw in placed):
            placed.append((lx, ly, lw))
            labels.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11">'
                          f'{escape(p["name"])}</text>')
    body += labels
    return _svg(width, height, body, "places of events on a latitude/longitude frame")


def core_points(points: Sequence[dict[str, Any]], degrees: float = 6.0,
                ) -> list[dict[str, Any]]:
    """The points within ``degrees`` of the place with most events: a closer map when a few
    far places (a capital abroad, a continent) would squeeze the rest into a corner. Empty when
    that closer map would show the same as the whole one."""
    pts = [p for p in points if p.get("lat") is not None and p.get("lon") is not None]
    if not pts:
        return []
    hub = max(pts, key=lambda p: int(p.get("count", 1)))
    core = [p for p in pts if abs(float(p["lat"]) - float(hub["lat"])) <= degrees
            and abs(float(p["lon"]) - float(hub["lon"])) <= degrees]
    return core if len(core) < len(pts) and len(core) > 1 else []


def timeline(items: Sequence[dict[str, Any]], width: int = 640) -> Markup:
    """Dated items (``date``: ISO, ``label``, ``href``) as dots along a time axis; dots on the
    same day stack upwards."""
    dated = sorted(((str(i["date"])[:10], i) for i in items if i.get("date")),
                   key=lambda di: di[0])
    if not dated:
        return Markup('<p class="muted">no dated events</p>')

    def year(d: str) -> float:
        y, m, day = (d.split("-") + ["01", "01"])[:3]
        return int(y) + (int(m or 1) - 1) / 12 + (int(day or 1) - 1) / 365

    first, last = year(dated[0][0]), year(dated[-1][0])
    lo, hi = math.floor(first), math.floor(last) + 1
    pad, height, axis = 30, 120, 90
    span = max(1.0, hi - lo)
    body = [f'<line x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}" stroke="#889"/>']
    step = max(1, math.ceil(span / 10))
    for y in range(lo, hi + 1, step):
        x = pad + (y - lo) / span * (width - 2 * pad)
        body.append(f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{axis + 5}" '
                    f'stroke="#889"/><text x="{x:.1f}" y="{axis + 18}" text-anchor="middle" '
                    f'font-size="11">{y}</text>')
    stack: dict[int, int] = {}
    for d, i in dated:
        x = pad + (year(d) - lo) / span * (width - 2 * pad)
        level = stack.get(round(x / 8), 0)
        stack[round(x / 8)] = level + 1
        y = axis - 8 - 11 * min(level, 6)
        body.append(f'<a href="{escape(i.get("href") or "#")}"><circle cx="{x:.1f}" cy="{y}" '
                    f'r="5" fill="#c0504d"><title>{escape(d)}: {escape(i.get("label"))}'
                    f'</title></circle></a>')
    for bucket, count in stack.items():  # a full stack says how many it holds
        if count > 7:
            body.append(f'<text x="{bucket * 8:.1f}" y="{axis - 8 - 11 * 6 - 9}" '
                        f'text-anchor="middle" font-size="10">{count}</text>')
    return _svg(width, height, body, "events on a timeline")
