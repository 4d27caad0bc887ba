"""Draw a Graph as SVG in pure Python, for machines without Graphviz.

A small layered layout, the classic recipe in three steps:

1. rank: each box goes one row below the lowest box that points at it (longest path from the
   roots), so every arrow points down and the root is on top;
2. order: an arrow that spans several rows gets an invisible point in each row it crosses, so
   it bends around the boxes there; within a row, boxes and points are sorted by the mean
   position of their neighbours in the row above, then in the row below (a few sweeps), which
   removes most crossings;
3. place: each box is centred under its parents where there is room, never overlapping.

The text is monospace, so a label's width is its longest line times one character's width.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # svg.py draws what graph.py builds; graph.py imports it through render.py
    from .graph import Box, Graph

CHAR_W, LINE_H, PAD_X, PAD_Y = 6.6, 14.0, 8.0, 6.0  # px, for an 11 px monospace font
GAP_X, GAP_Y, MARGIN = 18.0, 38.0, 12.0
FILL = {"root": "#caff70", "op": "#d3d3d3", "leaf": "#add8e6"}
STATE_FILL = {"done": "#ffffff", "current": "#ffa500", "frontier": "#ffd700", "untouched": "#f2f2f2"}
LEGEND = (("#ffffff", "ran"), ("#ffa500", "just ran"), ("#ffd700", "frontier: has a gradient, runs later"),
          ("#f2f2f2", "not reached yet"))


def graph_to_svg(g: Graph) -> str:
    """SVG text of `g`, laid out top to bottom in the direction gradients flow."""
    sizes = {b.id: _box_size(b.label) for b in g.boxes}
    rank = _ranks(g)
    links, routes = _split_long_arrows(g, rank, sizes)
    rows = _order_rows([b.id for b in g.boxes], rank, links)
    centers, row_tops, width = _place(rows, sizes, links)
    legend = any(b.state for b in g.boxes)
    top = MARGIN + (LINE_H + 6 if g.title else 0) + (LINE_H + 8 if legend else 0)
    height = top + (row_tops[-1] if row_tops else 0) + MARGIN
    width = max(width, _text_width(g.title) + 2 * MARGIN, 560.0 if legend else 0.0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="11">',
             '<defs><marker id="tg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>',
             f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>']
    y = MARGIN
    if g.title:
        parts.append(f'<text x="{MARGIN}" y="{y + 11:.1f}" font-weight="bold">{_xml(g.title)}</text>')
        y += LINE_H + 6
    if legend:
        parts.extend(_legend(y))
    boxes = {b.id: b for b in g.boxes}
    rank_of = {bid: r for r, row in enumerate(rows) for bid in row}
    tops = {bid: top + row_tops[rank_of[bid]] for bid in boxes}
    row_middle = [top + (row_tops[r] + row_tops[r + 1] - GAP_Y) / 2 for r in range(len(rows))]
    for a, route in zip(g.arrows, routes):
        bends = [(centers[p], row_middle[rank[p]]) for p in route]
        parts.append(_arrow(a, centers, tops, sizes, bends))
    for b in g.boxes:
        parts.append(_box(b, centers[b.id], tops[b.id], sizes[b.id]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _box_size(label: str) -> tuple[float, float]:
    lines = label.split("\n")
    return max(len(line) for line in lines) * CHAR_W + 2 * PAD_X, len(lines) * LINE_H + 2 * PAD_Y


def _text_width(text: str) -> float:
    return len(text) * CHAR_W


def _ranks(g: Graph) -> dict[str, int]:
    """Longest path from a box that nothing points at (Kahn's algorithm: no recursion)."""
    into: dict[str, int] = {b.id: 0 for b in g.boxes}
    out = defaultdict(list)
    for a in g.arrows:
        out[a.start].append(a.end)
        into[a.end] += 1
    rank = {bid: 0 for bid in into}
    ready = [bid for bid, n in into.items() if n == 0]
    while ready:
        bid = ready.pop()
        for nxt in out[bid]:
            rank[nxt] = max(rank[nxt], rank[bid] + 1)
            into[nxt] -= 1
            if into[nxt] == 0:
                ready.append(nxt)
    return rank


def _split_long_arrows(g: Graph, rank: dict[str, int], sizes: dict) -> tuple[list, list[list[str]]]:
    """Arrows between neighbouring rows only: a longer arrow becomes a chain through one point per
    row it crosses. Returns those short links and, per arrow, the ids of its points."""
    links, routes = [], []
    for i, a in enumerate(g.arrows):
        route = []
        for r in range(rank[a.start] + 1, rank[a.end]):
            point = f"{a.start}-{a.end}-{i}-{r}"
            rank[point], sizes[point] = r, (6.0, 0.0)
            route.append(point)
        path = [a.start, *route, a.end]
        links.extend(zip(path, path[1:]))
        routes.append(route)
    return links, routes


def _order_rows(boxes: list[str], rank: dict[str, int], links: list) -> list[list[str]]:
    """Boxes and points per row, sorted to keep arrows short and uncrossed (barycentre sweeps)."""
    rows: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    is_box = set(boxes)
    for bid in boxes + [n for n in rank if n not in is_box]:  # first found, first placed; then the points
        rows[rank[bid]].append(bid)
    parents, children = defaultdict(list), defaultdict(list)
    for a, b in links:
        parents[b].append(a)
        children[a].append(b)
    position = {bid: i / len(row) for row in rows for i, bid in enumerate(row)}  # 0 <= position < 1
    for _ in range(2):
        for neighbours, sweep in ((parents, range(1, len(rows))), (children, range(len(rows) - 2, -1, -1))):
            for r in sweep:
                rows[r].sort(key=lambda bid: _mean([position[n] for n in neighbours[bid]], position[bid]))
                position.update((bid, i / len(rows[r])) for i, bid in enumerate(rows[r]))
    return rows


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _place(rows: list[list[str]], sizes: dict, links: list) -> tuple[dict[str, float], list[float], float]:
    """x centre of every box and point, the y of every row's top (and of the bottom), the width."""
    if not rows:  # an empty Graph()
        return {}, [0.0], 2 * MARGIN
    parents = defaultdict(list)
    for a, b in links:
        parents[b].append(a)
    centers: dict[str, float] = {}
    for row in rows:  # top down: each box wants to sit under the mean of its parents
        wanted = [_mean([centers[p] for p in parents[bid]], 0.0) for bid in row]
        centers.update(_place_row(row, wanted, sizes))
    left = min(centers[b] - sizes[b][0] / 2 for b in centers)
    right = max(centers[b] + sizes[b][0] / 2 for b in centers)
    for bid in centers:
        centers[bid] += MARGIN - left
    row_tops, y = [], 0.0
    for row in rows:
        row_tops.append(y)
        y += max(max(sizes[bid][1] for bid in row), LINE_H) + GAP_Y
    row_tops.append(y - GAP_Y)  # the bottom of the last row
    return centers, row_tops, right - left + 2 * MARGIN


def _place_row(row: list[str], wanted: list[float], sizes: dict) -> dict[str, float]:
    """Centres as close to `wanted` as the row allows: left to right, each box is pushed right of
    its neighbour where they would overlap; then the whole row shifts to centre on its wishes."""
    x: list[float] = []
    for i, (bid, want) in enumerate(zip(row, wanted)):
        if i:
            want = max(want, x[-1] + sizes[row[i - 1]][0] / 2 + GAP_X + sizes[bid][0] / 2)
        x.append(want)
    shift = _mean([w - c for w, c in zip(wanted, x)], 0.0)
    return {bid: c + shift for bid, c in zip(row, x)}


def _box(b: Box, cx: float, top: float, size: tuple[float, float]) -> str:
    w, h = size
    fill = FILL[b.kind] if b.state is None or (b.kind == "leaf" and b.state == "done") else STATE_FILL[b.state]
    stroke = {"current": ' stroke="#000" stroke-width="3"', "frontier": ' stroke="#d00" stroke-width="3"'}
    border = stroke.get(b.state or "", ' stroke="#444"')
    colour = ' fill="#999"' if b.state == "untouched" else ""
    lines = b.label.split("\n")
    text = "".join(f'<tspan x="{cx:.1f}" y="{top + PAD_Y + LINE_H * (i + 1) - 3:.1f}">{_xml(line)}</tspan>'
                   for i, line in enumerate(lines))
    return (f'<g><rect x="{cx - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" height="{h:.1f}" rx="5" '
            f'fill="{fill}"{border}/><text text-anchor="middle"{colour}>{text}</text></g>')


def _arrow(a, centers: dict, tops: dict, sizes: dict, bends: list[tuple[float, float]]) -> str:
    """A smooth path from the bottom of box a.start, through its bend points, to the top of a.end."""
    points = [(centers[a.start], tops[a.start] + sizes[a.start][1]), *bends, (centers[a.end], tops[a.end])]
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        bend = (y2 - y1) / 2
        d += f" C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"
    path = f'<path d="{d}" fill="none" stroke="#444" marker-end="url(#tg-arrow)"/>'
    if a.label:  # next to the first stretch, where the gradient leaves the node
        (x1, y1), (x2, y2) = points[0], points[1]
        path += (f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" font-size="9" '
                 f'fill="#a00">{_xml(a.label)}</text>')
    return path


def _legend(y: float) -> list[str]:
    parts, x = [], MARGIN
    for fill, text in LEGEND:
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{fill}" stroke="#444"/>'
                     f'<text x="{x + 16:.1f}" y="{y + 10:.1f}">{_xml(text)}</text>')
        x += 16 + _text_width(text) + 14
    return parts


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
