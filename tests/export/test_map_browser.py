"""The map in a real browser: Debian's Chromium, headless, driven by Playwright.

One browser for the module; each test opens the page from disk in a fresh page that records
every request, console error, page error and dialog. `make test` installs Chromium
(scripts/install-test-deps.sh) and Playwright (the `test` extra); without them these tests are
skipped, except under CI, where that is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.export.html import write_html
from kg.pipeline import build
from kg.store import GraphStore
from tests.conftest import CORPUS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
KG = "https://w3id.org/kg-vn/ontology#"
KGR = "https://w3id.org/kg-vn/id/"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trace_graph.trig"
PAGE_TITLE = "Bản đồ văn bản chính sách"

try:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

_MISSING = (
    "Playwright is not installed"
    if sync_playwright is None
    else f"{CHROMIUM} is missing"
    if not CHROMIUM.exists()
    else ""
)
if _MISSING and os.environ.get("CI"):
    pytest.fail(f"{_MISSING}: run scripts/install-test-deps.sh", pytrace=False)
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=_MISSING)


# --- the browser and the page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class MapPage:
    """One opened map, with everything it asked for and complained about."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def node_id(self, iri: str) -> int:
        found = self.js("iri => kgMap.indexOf(iri)", iri)
        assert found >= 0, iri
        return found

    def click_node(self, iri: str) -> None:
        """Bring the node into view, then click it on the canvas with the mouse."""
        box = self.page.locator("#map").bounding_box()
        assert box
        point = self.js(
            """id => {
                const net = kgMap.network;
                net.moveTo({ position: net.getPosition(id), scale: 1.2 });
                return net.canvasToDOM(net.getPosition(id));
            }""",
            self.node_id(iri),
        )
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def hover_node(self, iri: str) -> None:
        box = self.page.locator("#map").bounding_box()
        assert box
        point = self.js(
            "id => kgMap.network.canvasToDOM(kgMap.network.getPosition(id))", self.node_id(iri)
        )
        x, y = box["x"] + point["x"], box["y"] + point["y"]
        self.page.mouse.move(x - 30, y - 30)
        self.page.mouse.move(x, y, steps=4)

    def panel_text(self) -> str:
        """The panel as the reader sees it (its headings upper-cased by CSS)."""
        return self.page.locator("#panel").inner_text()

    def shown(self) -> set[str]:
        return set(self.js("kgMap.shownNodes()"))


@pytest.fixture
def open_map(browser: Browser) -> Iterator[Any]:
    pages: list[MapPage] = []

    def opener(path: Path) -> MapPage:
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        opened = MapPage(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                opened.errors.append(message.text)

        def on_dialog(dialog: Dialog) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", on_console)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri())
        # the page sets data-ready once vis-network has drawn (no string evaluation: the
        # page's Content-Security-Policy forbids it)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=30_000)
        pages.append(opened)
        return opened

    yield opener
    for opened in pages:
        opened.page.close()


# --- the corpus map ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-build")
    build(CORPUS, out, validate=False)
    return out


@pytest.fixture(scope="module")
def corpus_store(corpus_build: Path) -> GraphStore:
    return GraphStore.open(corpus_build)


def _one(store: GraphStore, sparql: str) -> Any:
    """The one value the query finds (the union of the named graphs may repeat it)."""
    values = {row[0].value for row in store.query(sparql)}
    assert len(values) == 1, (sparql, values)
    return values.pop()


ENTITIES = f"""
    ?n a ?class .
    FILTER(STRSTARTS(STR(?n), "{KGR}") && STRSTARTS(STR(?class), "{KG}"))
    FILTER NOT EXISTS {{ ?n a ?x . VALUES ?x {{ kg:Mention kg:SourceFile }} }}
"""


def _iri_with_label(store: GraphStore, label: str) -> str:
    return _one(store, f'SELECT DISTINCT ?n WHERE {{ ?n rdfs:label "{label}" . {ENTITIES} }}')


def test_corpus_map_loads_offline_and_draws_every_entity(
    open_map: Any, corpus_build: Path, corpus_store: GraphStore
) -> None:
    page = open_map(corpus_build / "graph.html")
    entities = int(_one(corpus_store, f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ {ENTITIES} }}"))
    assert entities > 50
    assert page.js("kgMap.nodes.length") == entities
    assert page.js("kgMap.nodes.get({ filter: n => !n.hidden }).length") == entities
    links = int(
        _one(
            corpus_store,
            "SELECT (COUNT(*) AS ?c) WHERE { SELECT DISTINCT ?a ?p ?b WHERE { ?a ?p ?b . "
            f'FILTER(STRSTARTS(STR(?p), "{KG}") && ?p NOT IN (kg:sourceFile, kg:mentions, '
            f"kg:source)) FILTER EXISTS {{ {ENTITIES.replace('?n', '?a')} }} "
            f"FILTER EXISTS {{ {ENTITIES.replace('?n', '?b')} }} }} }}",
        )
    )
    assert page.js("kgMap.edges.length") == links
    assert page.page.locator("#counts").inner_text() == (
        f"{entities}/{entities} nút · {links}/{links} cạnh"
    )
    # the network is on the canvas, and the page asked for nothing but itself
    assert page.js("document.querySelector('#map canvas').width") > 0
    assert page.requests == [(corpus_build / "graph.html").resolve().as_uri()]
    assert page.errors == []
    assert page.page.locator("html").get_attribute("lang") == "vi"


def test_search_ignores_diacritics_and_centres_the_match(
    open_map: Any, corpus_build: Path, corpus_store: GraphStore
) -> None:
    page = open_map(corpus_build / "graph.html")
    resolution = _one(corpus_store, 'SELECT ?n WHERE { ?n kg:symbol "57-NQ/TW" }')
    search = page.page.locator("#search")
    search.fill("57-nq")
    first = page.page.locator("#search-results li").first
    assert first.get_attribute("data-iri") == resolution
    search.fill("57 nq tw")  # spaces for the symbol's punctuation
    assert first.get_attribute("data-iri") == resolution
    # no diacritics, lower case, đ typed as d
    search.fill("tinh uy cao bang")
    assert first.inner_text().startswith("Tỉnh ủy Cao Bằng")
    search.fill("nghi quyet dai hoi dai bieu dang bo tinh cao bang")
    assert first.inner_text().startswith("Nghị quyết Đại hội đại biểu Đảng bộ tỉnh Cao Bằng")
    chosen = first.get_attribute("data-iri")

    search.press("Enter")
    node = page.node_id(chosen)
    assert page.js("kgMap.network.getSelectedNodes()") == [node]
    assert page.page.locator("#panel h3").inner_text().startswith("Nghị quyết Đại hội")
    # the view glides to the match
    page.page.wait_for_function(
        """id => {
            const view = kgMap.network.getViewPosition(), at = kgMap.network.getPosition(id);
            return Math.abs(view.x - at.x) < 2 && Math.abs(view.y - at.y) < 2;
        }""",
        arg=node,
        timeout=5_000,
    )
    search.fill("khong co van ban nao nhu the")
    assert page.page.locator("#search-results li").inner_text() == "Không tìm thấy"
    assert page.errors == []


def test_clicking_a_node_shows_its_properties_links_and_quotes(
    open_map: Any, corpus_build: Path, corpus_store: GraphStore
) -> None:
    page = open_map(corpus_build / "graph.html")
    programme = _one(corpus_store, 'SELECT ?n WHERE { ?n kg:symbol "06-CTr/TU" }')
    page.click_node(programme)
    text = page.panel_text()
    label = _one(corpus_store, f"SELECT ?l WHERE {{ <{programme}> rdfs:label ?l }}")
    assert page.page.locator("#panel h3").inner_text() == label
    assert "Số, ký hiệu\t06-CTr/TU" in text or "Số, ký hiệu\n06-CTr/TU" in text
    assert "Ngày ban hành" in text and "LIÊN KẾT ĐI" in text
    # a quote of the node itself, and one of an edge from it, each with its file
    node_quote, file_name = next(
        iter(
            corpus_store.query(
                f"SELECT ?q ?f WHERE {{ ?m kg:mentions <{programme}> ; kg:quote ?q ; "
                "kg:source ?s . ?s kg:fileName ?f } ORDER BY ?f ?q LIMIT 1"
            )
        )
    )
    assert node_quote.value in text and f"tệp {file_name.value}" in text
    edge_quote = next(
        iter(
            corpus_store.query(
                f"SELECT ?q WHERE {{ ?m rdf:subject <{programme}> ; "
                "rdf:predicate kg:implements ; kg:quote ?q } LIMIT 1"
            )
        )
    )
    assert edge_quote[0].value in text
    quotes = page.page.locator("#panel blockquote")
    assert quotes.count() >= 2
    # clicking empty canvas closes the panel
    box = page.page.locator("#map").bounding_box()
    assert box
    page.js("kgMap.network.moveTo({ position: { x: 1e6, y: 1e6 } })")
    page.page.mouse.click(box["x"] + 20, box["y"] + 20)
    assert page.panel_text() == ""
    assert page.errors == []


def test_filters_and_the_trace_keep_what_they_say(
    open_map: Any, corpus_build: Path, corpus_store: GraphStore
) -> None:
    page = open_map(corpus_build / "graph.html")
    agencies = {
        row[0].value for row in corpus_store.query("SELECT DISTINCT ?n WHERE { ?n a kg:Agency }")
    }
    everything = page.shown()
    page.page.locator("input[data-group=Agency]").uncheck()
    assert page.shown() == everything - agencies
    hidden_edges = page.js("kgMap.edges.get({ filter: e => e.hidden }).map(e => e.id)")
    issued = page.js("kgMap.edges.get({ filter: e => e.label === 'ban hành' }).map(e => e.id)")
    assert issued and set(issued) <= set(hidden_edges)  # edges to hidden nodes go with them
    page.page.locator("input[data-relation=implements]").uncheck()
    assert (
        page.js("kgMap.edges.get({ filter: e => !e.hidden && e.label === 'thực hiện' }).length")
        == 0
    )
    page.page.locator("#show-all").click()
    assert page.shown() == everything

    # the trace keeps exactly the implementation chain up and down, not its siblings
    programme = _one(corpus_store, 'SELECT ?n WHERE { ?n kg:symbol "06-CTr/TU" }')
    chain = {programme} | {
        row[0].value
        for row in corpus_store.query(
            f"SELECT DISTINCT ?n WHERE {{ {{ <{programme}> (kg:implements|kg:guides)+ ?n }} "
            f"UNION {{ ?n (kg:implements|kg:guides)+ <{programme}> }} }}"
        )
    }
    assert len(chain) > 2
    page.click_node(programme)
    page.page.locator("#trace").click()
    assert page.shown() == chain
    assert page.page.locator("#trace-banner").is_visible()
    assert page.js("kgMap.edges.get({ filter: e => !e.hidden && e.label === 'ban hành' })") == []
    page.page.locator("#show-all").click()
    assert page.shown() == everything
    assert not page.page.locator("#trace-banner").is_visible()
    assert page.errors == []


def test_english_switch_and_physics_toggle(open_map: Any, corpus_build: Path) -> None:
    page = open_map(corpus_build / "graph.html")
    language = page.page.locator("#language")
    assert language.inner_text() == "English"
    language.click()
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.page.locator("#filters h2").first.inner_text().lower() == "entity types"
    assert page.page.title().startswith("Policy document map")
    labels = set(page.js("kgMap.edges.get().map(e => e.label)"))
    assert "implements" in labels and "thực hiện" not in labels
    assert "Agency" in page.page.locator("#type-filters").inner_text()
    language.click()
    assert page.page.locator("#filters h2").first.inner_text().lower() == "loại thực thể"
    assert "thực hiện" in set(page.js("kgMap.edges.get().map(e => e.label)"))

    before = page.js("kgMap.network.getPositions()")
    page.page.locator("#physics").check()
    page.page.wait_for_timeout(600)
    after = page.js("kgMap.network.getPositions()")
    assert any(before[k] != after[k] for k in before)  # the simulation moves the nodes
    page.page.locator("#physics").uncheck()
    assert page.errors == []


# --- hostile text -----------------------------------------------------------------------------

PAYLOAD_TEXT = "\n".join(
    [
        "TỈNH ỦY CAO BẰNG",
        "Số 77-KH/TU",
        "Cao Bằng, ngày 05 tháng 01 năm 2026",
        "",
        "KẾ HOẠCH",
        'về "</script><img src=x onerror=alert(1)>" và <b id="kgx">đậm</b> & "trích"',
        "",
        "Thực hiện Chương trình hành động số 06-CTr/TU ngày 28/11/2025 của Tỉnh ủy "
        '"</script><script>alert(2)</script>" về <img src=x onerror=alert(3)>, Ban Thường vụ '
        "Tỉnh ủy ban hành Kế hoạch thực hiện như sau.",
        "",
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị <svg onload=alert(4)>, "
        "Sở Công Thương <img src=x onerror=alert(5)> chủ trì thực hiện.",
        "",
        "Cửa khẩu quốc tế Trà Lĩnh <img src=x onerror=alert(6)> thuộc tỉnh Cao Bằng.",
        "",
    ]
)
INJECTED = "img, svg, b#kgx, iframe, object, embed"


def _assert_nothing_ran(page: MapPage, title: str) -> None:
    assert page.dialogs == []
    assert page.page.title() == title
    assert page.js(f"document.querySelectorAll({INJECTED!r}).length") == 0
    assert page.js("document.scripts.length") == 3  # the data, vis-network, the map
    assert page.errors == []
    assert {url.split(":", 1)[0] for url in page.requests} == {"file"}
    assert len(page.requests) == 1


def test_a_corpus_text_carrying_markup_runs_none_of_it(open_map: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(PAYLOAD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    build(corpus, out, validate=False)
    store = GraphStore.open(out)
    hostile = {
        row[0].value: row[1].value
        for row in store.query(
            f"SELECT ?n ?l WHERE {{ ?n rdfs:label ?l FILTER(CONTAINS(?l, 'onerror')) {ENTITIES} }}"
        )
    }
    assert hostile, "the pipeline no longer carries the payload into a label"
    page = open_map(out / "graph.html")
    iri, label = sorted(hostile.items())[0]

    page.hover_node(iri)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert label in tooltip.inner_text()
    # set with innerText: text, and <br> for its line breaks, nothing else
    tags = page.js("[...document.querySelector('div.vis-tooltip').children].map(c => c.tagName)")
    assert set(tags) <= {"BR"}

    page.click_node(iri)
    assert page.page.locator("#panel h3").inner_text() == label
    assert label in page.panel_text()
    page.page.locator("#search").fill("onerror")
    assert page.page.locator("#search-results li").first.inner_text().startswith(label)
    page.page.locator("#language").click()
    page.page.locator("#panel").get_by_role("button", name="Trace implementation chain").click()
    page.page.wait_for_timeout(200)
    _assert_nothing_ran(page, "Policy document map")


def test_markup_in_quotes_file_names_and_cues_stays_text(open_map: Any, tmp_path: Path) -> None:
    payload = '"><img src=x onerror=alert(7)></script><script>alert(8)</script>\u2028'
    quads = list(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
    graph = ox.NamedNode(KGR + "source/evil-txt")
    programme = ox.NamedNode(KGR + "doc/cao-bang/06-CTr-TU")
    resolution = ox.NamedNode(KGR + "doc/57-NQ-TW")

    def mention(name: str, extra: list[tuple[str, ox.NamedNode | ox.Literal]]) -> None:
        node = ox.NamedNode(KGR + "mention/evil/" + name)
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(KG + "Mention")),
            (KG + "quote", ox.Literal("quote " + payload)),
            (KG + "source", graph),
            (KG + "start", ox.Literal("1", datatype=ox.NamedNode(_INT))),
            (KG + "end", ox.Literal("9", datatype=ox.NamedNode(_INT))),
            *extra,
        ]
        quads.extend(ox.Quad(node, ox.NamedNode(p), o, graph) for p, o in values)

    quads.append(ox.Quad(graph, ox.NamedNode(KG + "fileName"), ox.Literal(payload), graph))
    mention("node", [(KG + "mentions", programme)])
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    mention(
        "edge",
        [
            (rdf + "subject", programme),
            (rdf + "predicate", ox.NamedNode(KG + "cites")),
            (rdf + "object", resolution),
            (KG + "cue", ox.Literal("cue " + payload)),
        ],
    )
    quads.append(ox.Quad(programme, ox.NamedNode(KG + "cites"), resolution, graph))
    quads.append(ox.Quad(programme, ox.NamedNode(KG + "title"), ox.Literal(payload), graph))
    path = tmp_path / "map.html"
    write_html(GraphStore.in_memory(quads), path)

    page = open_map(path)
    page.click_node(programme.value)
    text = page.panel_text()
    assert text.count("quote " + payload.strip()) == 2  # the node's quote and the edge's
    assert "từ chỉ dẫn: “cue " in text and "alert(8)" in text
    _assert_nothing_ran(page, PAGE_TITLE)


_INT = "http://www.w3.org/2001/XMLSchema#integer"
