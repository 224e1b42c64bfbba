#!/usr/bin/env python3
"""Benchmark the HTML map: HTML size and time to interactive in headless Chromium.

For each size it generates a synthetic graph shaped like the pipeline's output (documents in
implementation chains, agencies, places, targets, border gates; every entity and edge with a
kg:Mention in its source file's named graph), writes it into a store with
`kg.store.GraphStore.write`, writes the map with `kg.export.html.write_html`, then opens the
page from disk in Chromium and measures, from the start of navigation, the time until
vis-network has drawn the network and the search box has answered a query.

    .venv/bin/python scripts/bench_map.py                  # 2,000 and 10,000 nodes, 3 runs each
    .venv/bin/python scripts/bench_map.py --sizes 500 --runs 1
    .venv/bin/python scripts/bench_map.py --screenshot docs/map.png --map exports/graph.html

Needs /usr/bin/chromium and Playwright for Python (`make test` installs both).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.export.html import write_html
from kg.store import GraphStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 850}

KG = "https://w3id.org/kg-vn/ontology#"
KGR = "https://w3id.org/kg-vn/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER = ox.NamedNode(XSD + "integer")

# share of the nodes per kind, and how documents of each kind are written
SHARES = {
    "Resolution": 0.05,
    "Programme": 0.10,
    "Plan": 0.35,
    "Guidance": 0.05,
    "Decision": 0.10,
    "Agency": 0.12,
    "Place": 0.08,
    "Target": 0.10,
    "BorderGate": 0.05,
}
DOC_CODES = {
    "Resolution": ("NQ", "Nghị quyết"),
    "Programme": ("CTr", "Chương trình hành động"),
    "Plan": ("KH", "Kế hoạch"),
    "Guidance": ("HD", "Hướng dẫn"),
    "Decision": ("QĐ", "Quyết định"),
}
PROVINCES = ("Cao Bằng", "Lạng Sơn", "Hà Giang", "Lào Cai", "Điện Biên", "Quảng Ninh")
SUBJECTS = (
    "phát triển kinh tế cửa khẩu",
    "chuyển đổi số",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "phát triển du lịch",
    "đột phá về khoa học, công nghệ",
)
CUES = {
    "implements": "thực hiện",
    "guides": "hướng dẫn thực hiện",
    "basedOn": "căn cứ",
    "issuedBy": "của",
    "setsTarget": "phấn đấu",
    "locatedIn": "thuộc",
    "jurisdiction": "tỉnh",
    "responsibleAgency": "giao",
}


@dataclass
class Synthetic:
    quads: list[ox.Quad]
    nodes: int
    edges: int


def synthetic_graph(size: int, seed: int = 7) -> Synthetic:
    """About `size` entities and 2 × `size` edges, deterministic for a seed."""
    rng = random.Random(seed)
    quads: list[ox.Quad] = []
    files = max(1, size // 50)
    graphs = [ox.NamedNode(f"{KGR}source/bench-{i:04d}-txt") for i in range(files)]
    offsets = [0] * files
    for index, graph in enumerate(graphs):
        quads += [
            ox.Quad(graph, ox.NamedNode(RDF + "type"), ox.NamedNode(KG + "SourceFile"), graph),
            ox.Quad(
                graph, ox.NamedNode(KG + "fileName"), ox.Literal(f"bench_{index:04d}.txt"), graph
            ),
        ]

    def file_of(iri: str) -> int:
        return sum(iri.encode()) % files

    def mention(about: list[ox.NamedNode] | ox.NamedNode, quote: str, cue: str = "") -> None:
        # one kg:Mention: of an entity (kg:mentions) or of an edge (rdf:subject/predicate/object)
        anchor = about if isinstance(about, ox.NamedNode) else about[0]
        which = file_of(anchor.value)
        graph = graphs[which]
        start = offsets[which]
        offsets[which] += len(quote) + 1
        node = ox.NamedNode(f"{KGR}mention/bench-{which:04d}-txt/{start}-{start + len(quote)}")
        add = [
            (RDF + "type", ox.NamedNode(KG + "Mention")),
            (KG + "source", graph),
            (KG + "start", ox.Literal(str(start), datatype=INTEGER)),
            (KG + "end", ox.Literal(str(start + len(quote)), datatype=INTEGER)),
            (KG + "quote", ox.Literal(quote)),
        ]
        if isinstance(about, ox.NamedNode):
            add.append((KG + "mentions", about))
        else:
            subject, predicate, obj = about
            add += [
                (RDF + "subject", subject),
                (RDF + "predicate", predicate),
                (RDF + "object", obj),
            ]
            add.append((KG + "cue", ox.Literal(cue)))
        quads.extend(ox.Quad(node, ox.NamedNode(p), o, graph) for p, o in add)

    def entity(iri: str, kinds: list[str], label: str, **values: str) -> ox.NamedNode:
        node = ox.NamedNode(iri)
        graph = graphs[file_of(iri)]
        for kind in kinds:
            quads.append(ox.Quad(node, ox.NamedNode(RDF + "type"), ox.NamedNode(KG + kind), graph))
        quads.append(ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(label), graph))
        for prop, value in values.items():
            literal = (
                ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
                if prop == "dateIssued"
                else ox.Literal(value)
            )
            quads.append(ox.Quad(node, ox.NamedNode(KG + prop), literal, graph))
        mention(node, label)
        return node

    edge_count = 0

    def link(subject: ox.NamedNode, relation: str, obj: ox.NamedNode, quote: str) -> None:
        nonlocal edge_count
        predicate = ox.NamedNode(KG + relation)
        quads.append(ox.Quad(subject, predicate, obj, graphs[file_of(subject.value)]))
        mention([subject, predicate, obj], quote, CUES.get(relation, ""))
        edge_count += 1

    counts = {kind: max(1, round(size * share)) for kind, share in SHARES.items()}
    made: dict[str, list[ox.NamedNode]] = {kind: [] for kind in SHARES}
    labels: dict[str, str] = {}
    for i in range(counts["Place"]):
        province = PROVINCES[i % len(PROVINCES)]
        name = province if i < len(PROVINCES) else f"xã Bản {i} {province}"
        made["Place"].append(entity(f"{KGR}place/p{i}", ["Place"], name, name=name))
    for i in range(counts["Agency"]):
        name = f"Sở Ban ngành số {i} tỉnh {PROVINCES[i % len(PROVINCES)]}"
        made["Agency"].append(entity(f"{KGR}agency/a{i}", ["Agency"], name, name=name))
    for kind in ("Resolution", "Programme", "Plan", "Guidance", "Decision"):
        code, words = DOC_CODES[kind]
        for i in range(counts[kind]):
            symbol = f"{i + 1}-{code}/TU" if kind != "Decision" else f"{i + 1}/QĐ-UBND"
            label = f"{words} số {symbol}"
            year = 2020 + i % 6
            node = entity(
                f"{KGR}doc/{kind.lower()}-{i}",
                ["Document", kind],
                label,
                symbol=symbol,
                dateIssued=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                title=f"về {SUBJECTS[i % len(SUBJECTS)]} giai đoạn {year} - {year + 5}",
            )
            labels[node.value] = label
            made[kind].append(node)
    for i in range(counts["Target"]):
        indicator = f"Tỷ lệ {SUBJECTS[i % len(SUBJECTS)]} chỉ tiêu {i}"
        made["Target"].append(
            entity(f"{KGR}target/t{i}", ["Target"], indicator, indicator=indicator, unit="%")
        )
    for i in range(counts["BorderGate"]):
        name = f"Cửa khẩu Pò {i}"
        made["BorderGate"].append(
            entity(f"{KGR}gate/g{i}", ["BorderGate"], name, name=name, gateLevel="secondary")
        )

    def pick(kind: str) -> ox.NamedNode:
        return rng.choice(made[kind])

    def says(subject: ox.NamedNode, cue: str, obj: ox.NamedNode) -> str:
        return f"{labels[subject.value]} {cue} {labels[obj.value]}"

    for node in made["Programme"]:
        for parent in sorted({pick("Resolution").value for _ in range(2)}):
            parent_node = ox.NamedNode(parent)
            link(node, "implements", parent_node, says(node, "thực hiện", parent_node))
    for node in made["Plan"]:
        parent = pick("Programme") if rng.random() < 0.8 else pick("Plan")
        if parent != node:
            link(node, "implements", parent, says(node, "thực hiện", parent))
    for node in made["Guidance"]:
        parent = pick("Programme")
        link(node, "guides", parent, says(node, "hướng dẫn thực hiện", parent))
    for node in made["Decision"]:
        parent = pick("Resolution")
        link(node, "basedOn", parent, says(node, "căn cứ", parent))
    docs = [d for kind in DOC_CODES for d in made[kind]]
    for node in docs:
        agency = pick("Agency")
        link(node, "issuedBy", agency, f"{labels[node.value]} của Sở số {agency.value[-3:]}")
    for node in made["Target"]:
        link(pick("Plan"), "setsTarget", node, f"phấn đấu đạt chỉ tiêu {node.value[-4:]}")
    for node in made["BorderGate"]:
        link(node, "locatedIn", pick("Place"), f"cửa khẩu {node.value[-4:]} thuộc tỉnh")
    for node in made["Agency"]:
        link(node, "locatedIn", pick("Place"), f"cơ quan {node.value[-4:]} của tỉnh")
    nodes = sum(len(v) for v in made.values())
    return Synthetic(sorted(set(quads), key=str), nodes, edge_count)


# --- the browser ----------------------------------------------------------------------------


def launch(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def time_to_interactive(browser, page_path: Path) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(seconds until drawn and searchable, seconds until drawn) for one fresh page."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(page_path.resolve().as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
    drawn = time.perf_counter() - started
    page.fill("#search", "ke hoach so 1")
    page.wait_for_selector("#search-results li[data-iri]", timeout=60_000)
    interactive = time.perf_counter() - started
    page.close()
    if errors:
        raise RuntimeError(f"{page_path}: page errors: {errors}")
    return interactive, drawn


def bench(sizes: list[int], runs: int) -> None:
    from playwright.sync_api import sync_playwright

    columns = ("nodes", "edges", "HTML MB", "write s", "drawn s", "interactive s")
    print(" ".join(f"{c:>{max(8, len(c))}}" for c in columns))
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        for size in sizes:
            graph = synthetic_graph(size)
            out = Path(tmp) / f"n{size}"
            GraphStore.write(out, graph.quads)
            store = GraphStore.open(out)
            page_path = out / "graph.html"
            started = time.perf_counter()
            drawn_nodes = write_html(store, page_path)
            written = time.perf_counter() - started
            assert drawn_nodes == graph.nodes, (drawn_nodes, graph.nodes)
            del store
            timings = [time_to_interactive(browser, page_path) for _ in range(runs)]
            interactive = statistics.median(t[0] for t in timings)
            drawn = statistics.median(t[1] for t in timings)
            megabytes = page_path.stat().st_size / 1e6
            print(
                f"{graph.nodes:>8} {graph.edges:>8} {megabytes:>8.2f} {written:>8.2f} "
                f"{drawn:>8.2f} {interactive:>13.2f}",
                flush=True,
            )
        browser.close()


def screenshot(map_path: Path, png: Path, search: str | None) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(map_path.resolve().as_uri())
        page.wait_for_selector("body[data-ready]", state="attached")
        if search:
            page.fill("#search", search)
            page.keyboard.press("Enter")
            page.wait_for_timeout(800)  # the centring animation
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png} ({png.stat().st_size // 1024} kB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="page loads per size (median shown)")
    parser.add_argument("--screenshot", type=Path, help="only take a screenshot of --map")
    parser.add_argument("--map", type=Path, default=Path("exports/graph.html"))
    parser.add_argument("--search", help="with --screenshot: search this first")
    args = parser.parse_args()
    if args.screenshot:
        screenshot(args.map, args.screenshot, args.search)
    else:
        bench(args.sizes, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
