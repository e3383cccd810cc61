"""Layered (Sugiyama-style) layout of the service dependency graph, without Qt.

Edges go from a dependency to the service that needs it (``(dependency, dependent)``),
so layers run left to right in recovery order. The steps:

1. Cycles (a hand-edited plan may hold one) are broken by ignoring DFS back edges.
2. Layers by longest path from the sources (networkx gives the topological order);
   a source then moves right next to its nearest user, so it does not drag a long
   edge across the picture.
3. An edge spanning several layers gets one dummy vertex per layer it crosses; its
   route passes through them, between the nodes.
4. Crossings are reduced by barycentre sweeps (down, then up), keeping the ordering
   with the fewest crossings seen.
5. Vertical coordinates: each layer is placed as close as possible to the mean of its
   neighbours' positions while keeping the order and the minimum separation (an
   isotonic regression solved by pool-adjacent-violators), sweeping down and up.

Positions are the top-left corners of the node boxes in scene units. The dependency view
draws this layout as it is; the runbook draws its layers in their order
(:meth:`Layout.columns`) on paper, so both show the same layering. :func:`place_nodes`
puts nodes into an existing picture without moving anything already there (new
services, or laid-out nodes that would collide with ones the user placed).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

Point = tuple[float, float]
EdgeKey = tuple[str, str]  # (dependency, dependent)


@dataclass(frozen=True)
class LayoutParams:
    """Sizes in scene units; a layer is ``node_width + layer_gap`` wide."""

    node_width: float = 190.0
    node_height: float = 64.0
    layer_gap: float = 90.0
    node_gap: float = 26.0
    edge_gap: float = 10.0  # vertical room for a long edge passing between nodes
    origin: Point = (40.0, 40.0)
    sweeps: int = 8  # barycentre passes (each down or up pass counts one)
    placement_sweeps: int = 6
    count_limit: int = 12_000  # segments above which crossings are not counted

    @property
    def layer_pitch(self) -> float:
        return self.node_width + self.layer_gap

    @property
    def row_pitch(self) -> float:
        return self.node_height + self.node_gap


@dataclass
class Layout:
    """Where each node goes and how each long edge is routed (through dummy centres)."""

    positions: dict[str, Point] = field(default_factory=dict)
    layers: dict[str, int] = field(default_factory=dict)
    waypoints: dict[EdgeKey, list[Point]] = field(default_factory=dict)
    crossings: int = 0

    def columns(self) -> list[list[str]]:
        """The nodes of each layer, left to right, each layer top to bottom."""
        result: list[list[str]] = [[] for _ in range(max(self.layers.values(), default=-1) + 1)]
        for name in sorted(self.positions, key=lambda node: self.positions[node][1]):
            result[self.layers[name]].append(name)
        return result


def graph_signature(nodes: Sequence[str], edges: Iterable[EdgeKey]) -> tuple[object, ...]:
    """A hashable key: equal for the same nodes and edges, so a layout can be cached."""
    return (tuple(nodes), tuple(sorted(set(edges))))


def _acyclic_edges(count: int, succ: list[list[int]]) -> list[list[int]]:
    """``succ`` without the back edges of an iterative DFS (so the graph is a DAG)."""
    state = [0] * count  # 0 new, 1 on the stack, 2 done
    kept: list[list[int]] = [[] for _ in range(count)]
    for root in range(count):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            vertex, i = stack[-1]
            if i < len(succ[vertex]):
                stack[-1] = (vertex, i + 1)
                nxt = succ[vertex][i]
                if state[nxt] == 1:
                    continue  # back edge: ignored for layering
                kept[vertex].append(nxt)
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[vertex] = 2
                stack.pop()
    return kept


def _longest_path_layers(count: int, succ: list[list[int]]) -> list[int]:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from((u, v) for u in range(count) for v in succ[u])
    layer = [0] * count
    order = list(nx.topological_sort(graph))
    for u in order:
        for v in succ[u]:
            if layer[v] < layer[u] + 1:
                layer[v] = layer[u] + 1
    # A source sits just left of its nearest user instead of in column 0.
    pred_count = [0] * count
    for u in range(count):
        for v in succ[u]:
            pred_count[v] += 1
    for u in range(count):
        if pred_count[u] == 0 and succ[u]:
            layer[u] = min(layer[v] for v in succ[u]) - 1
    return layer


def _crossings_between(upper_pos: list[int], pairs: list[tuple[int, int]]) -> int:
    """Crossings of the segments ``(u, v)`` between two layers (positions), by inversions."""
    if len(pairs) < 2:
        return 0
    lower = sorted((upper_pos[u], pos_v) for u, pos_v in pairs)
    size = max(p for _, p in lower) + 1
    tree = [0] * (size + 1)
    count = 0
    for seen, (_, p) in enumerate(lower):
        # Segments already seen that end strictly right of p cross this one.
        i, not_greater = p + 1, 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        count += seen - not_greater
        i = p + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count


def _pava(targets: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``targets`` in weighted least squares."""
    sums: list[float] = []
    totals: list[float] = []
    counts: list[int] = []
    for t, w in zip(targets, weights, strict=True):
        sums.append(t * w)
        totals.append(w)
        counts.append(1)
        while len(sums) > 1 and sums[-2] / totals[-2] > sums[-1] / totals[-1]:
            s, w2, c = sums.pop(), totals.pop(), counts.pop()
            sums[-1] += s
            totals[-1] += w2
            counts[-1] += c
    result: list[float] = []
    for s, w, c in zip(sums, totals, counts, strict=True):
        result.extend([s / w] * c)
    return result


def _graph(nodes: Sequence[str], edges: Iterable[EdgeKey]) -> tuple[list[str], list[list[int]]]:
    """The nodes without repeats, and each one's successors (by index) without the edges
    that name an unknown node, self-loops, repeats and the edges closing a cycle."""
    index = {node: i for i, node in enumerate(dict.fromkeys(nodes))}
    succ_sets: list[dict[int, None]] = [{} for _ in index]
    for dependency, dependent in edges:
        ia, ib = index.get(dependency), index.get(dependent)
        if ia is not None and ib is not None and ia != ib:
            succ_sets[ia][ib] = None
    return list(index), _acyclic_edges(len(index), [list(s) for s in succ_sets])


def layers_of(nodes: Sequence[str], edges: Iterable[EdgeKey]) -> list[list[str]]:
    """The nodes of each layer (dependencies first), each layer in ``nodes`` order.

    The same layers as :func:`layered_layout` (steps 1 and 2 only, so cheap on a big
    graph): for counting layers, where their order on the page does not matter.
    """
    names, succ = _graph(nodes, edges)
    if not names:
        return []
    layer = _longest_path_layers(len(names), succ)
    low = min(layer)
    result: list[list[str]] = [[] for _ in range(max(layer) - low + 1)]
    for name, number in zip(names, layer, strict=True):
        result[number - low].append(name)
    return result


def layered_layout(
    nodes: Sequence[str], edges: Iterable[EdgeKey], params: LayoutParams | None = None
) -> Layout:
    """Lay out ``nodes`` with ``edges`` ``(dependency, dependent)``; deterministic.

    Edges naming an unknown node, self-loops and repeats are ignored; so are the edges
    closing a cycle (they get no waypoints). Nodes keep plan order where nothing else
    decides.
    """
    params = params or LayoutParams()
    names, succ = _graph(nodes, edges)
    n = len(names)
    if n == 0:
        return Layout()
    layer = _longest_path_layers(n, succ)

    # Vertices: 0..n-1 real, then dummies; up/down neighbour lists over adjacent layers.
    up: list[list[int]] = [[] for _ in range(n)]
    down: list[list[int]] = [[] for _ in range(n)]
    chains: dict[EdgeKey, list[int]] = {}
    for u in range(n):
        for v in succ[u]:
            previous = u
            chain: list[int] = []
            for lay in range(layer[u] + 1, layer[v]):
                dummy = len(layer)
                layer.append(lay)
                up.append([previous])
                down.append([])
                down[previous].append(dummy)
                chain.append(dummy)
                previous = dummy
            down[previous].append(v)
            up[v].append(previous)
            if chain:
                chains[(names[u], names[v])] = chain
    total = len(layer)
    depth = max(layer) + 1
    layers: list[list[int]] = [[] for _ in range(depth)]
    for vertex in range(total):
        layers[layer[vertex]].append(vertex)
    pos = [0] * total
    for members in layers:
        for i, vertex in enumerate(members):
            pos[vertex] = i

    def count_crossings() -> int:
        total_crossings = 0
        for lay in range(depth - 1):
            pairs = [(u, pos[v]) for u in layers[lay] for v in down[u]]
            total_crossings += _crossings_between(pos, pairs)
        return total_crossings

    def sweep(downward: bool) -> None:
        span = range(1, depth) if downward else range(depth - 2, -1, -1)
        for lay in span:
            members = layers[lay]
            keys = {}
            for vertex in members:
                neighbours = up[vertex] if downward else down[vertex]
                if neighbours:
                    keys[vertex] = sum(pos[w] for w in neighbours) / len(neighbours)
                else:
                    keys[vertex] = float(pos[vertex])
            members.sort(key=lambda vertex: (keys[vertex], pos[vertex]))
            for i, vertex in enumerate(members):
                pos[vertex] = i

    # Counting crossings costs more than a sweep; on big graphs sweep a fixed number.
    segments = sum(len(d) for d in down)
    counting = segments <= params.count_limit
    sweeps = params.sweeps if counting else min(params.sweeps, 4)
    best = count_crossings() if counting else -1
    best_layers = [list(m) for m in layers]
    for sweep_number in range(sweeps):
        sweep(downward=sweep_number % 2 == 0)
        if not counting:
            best_layers = layers
            continue
        crossings = count_crossings()
        if crossings < best:
            best = crossings
            best_layers = [list(m) for m in layers]
        if best == 0:
            break
    layers = best_layers
    for members in layers:
        for i, vertex in enumerate(members):
            pos[vertex] = i

    # Vertical placement; the order within each layer is fixed from here on.
    half = [params.node_height / 2 if v < n else params.edge_gap / 2 for v in range(total)]
    y = [0.0] * total
    offsets: list[list[float]] = []
    weights: list[list[float]] = []
    for members in layers:
        running = 0.0
        row = [0.0]
        for a, b in itertools.pairwise(members):
            gap = params.node_gap if (a < n or b < n) else params.edge_gap
            running += half[a] + half[b] + gap
            row.append(running)
        offsets.append(row)
        weights.append([1.0 if v < n else 0.5 for v in members])
        for vertex, c in zip(members, row, strict=True):
            y[vertex] = c - running / 2  # stacked, centred on 0

    passes = params.placement_sweeps if segments <= params.count_limit else 4
    for sweep_number in range(passes):
        downward = sweep_number % 2 == 0
        last = sweep_number == passes - 1
        span = range(1, depth) if downward else range(depth - 2, -1, -1)
        for lay in span:
            members, row = layers[lay], offsets[lay]
            targets = []
            for vertex, c in zip(members, row, strict=True):
                if last:
                    neighbours = up[vertex] + down[vertex]
                else:
                    neighbours = up[vertex] if downward else down[vertex]
                if neighbours:
                    total_y = 0.0
                    for w in neighbours:
                        total_y += y[w]
                    targets.append(total_y / len(neighbours) - c)
                else:
                    targets.append(y[vertex] - c)
            for vertex, z, c in zip(members, _pava(targets, weights[lay]), row, strict=True):
                y[vertex] = z + c

    top = min(y[v] - half[v] for v in range(total))
    ox, oy = params.origin
    min_layer = min(layer)
    layout = Layout(crossings=best)  # -1: not counted (big graph)

    def x_of(vertex: int) -> float:
        return ox + (layer[vertex] - min_layer) * params.layer_pitch

    for vertex in range(n):
        layout.positions[names[vertex]] = (x_of(vertex), oy + y[vertex] - half[vertex] - top)
        layout.layers[names[vertex]] = layer[vertex] - min_layer
    centre_x = params.node_width / 2
    for key, chain in chains.items():
        layout.waypoints[key] = [(x_of(d) + centre_x, oy + y[d] - top) for d in chain]
    return layout


class _Occupancy:
    """Node boxes in a spatial hash, to find a free place quickly."""

    def __init__(self, params: LayoutParams) -> None:
        self.params = params
        self.cell_w = params.layer_pitch
        self.cell_h = params.row_pitch
        self.cells: dict[tuple[int, int], list[Point]] = {}

    def _cells(self, x: float, y: float) -> Iterable[tuple[int, int]]:
        p = self.params
        for cx in range(
            math.floor(x / self.cell_w), math.floor((x + p.node_width) / self.cell_w) + 1
        ):
            for cy in range(
                math.floor(y / self.cell_h), math.floor((y + p.node_height) / self.cell_h) + 1
            ):
                yield cx, cy

    def add(self, point: Point) -> None:
        for cell in self._cells(*point):
            self.cells.setdefault(cell, []).append(point)

    def free(self, x: float, y: float) -> bool:
        """No box within ``node_gap / 2`` of a box at ``(x, y)``."""
        p = self.params
        margin = p.node_gap / 2
        for cell in self._cells(x, y):
            for ox, oy in self.cells.get(cell, ()):
                if (
                    ox < x + p.node_width + margin
                    and x < ox + p.node_width + margin
                    and oy < y + p.node_height + margin
                    and y < oy + p.node_height + margin
                ):
                    return False
        return True


def place_nodes(
    todo: Sequence[str],
    dependencies: Mapping[str, Sequence[str]],
    placed: Mapping[str, Point],
    hints: Mapping[str, Point] | None = None,
    params: LayoutParams | None = None,
) -> dict[str, Point]:
    """Positions for the nodes in ``todo``, leaving every node in ``placed`` where it is.

    A node goes to its hint when it has one (a laid-out position), else one layer right
    of its rightmost placed dependency at their mean height, else below everything in
    the first column; if that place is taken, to the nearest free row in the same
    column (searching down and up alternately). ``todo`` is processed in order, so
    pass dependencies first.
    """
    params = params or LayoutParams()
    hints = hints or {}
    occupancy = _Occupancy(params)
    where: dict[str, Point] = dict(placed)
    for point in where.values():
        occupancy.add(point)
    result: dict[str, Point] = {}
    left = min((p[0] for p in where.values()), default=params.origin[0])
    bottom = max((p[1] + params.node_height for p in where.values()), default=None)
    for node in todo:
        if node in hints:
            x, y = hints[node]
        else:
            deps = [where[d] for d in dependencies.get(node, ()) if d in where]
            if deps:
                x = max(d[0] for d in deps) + params.layer_pitch
                y = sum(d[1] for d in deps) / len(deps)
            else:
                x = left
                y = params.origin[1] if bottom is None else bottom + params.node_gap
        step = params.row_pitch / 2
        for k in range(100_000):
            offset = (k + 1) // 2 * step * (1 if k % 2 else -1)
            candidate = y + offset
            if occupancy.free(x, candidate):
                y = candidate
                break
        x, y = float(round(x)), float(round(y))
        result[node] = where[node] = (x, y)
        occupancy.add((x, y))
        bottom = max(bottom or 0.0, y + params.node_height)
    return result
