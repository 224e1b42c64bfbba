"""Benchmark `kg` on a large corpus made from corpus/: build, rebuild, memory and queries.

    python scripts/bench.py --copies 20 --copies 100 [--jobs 2] [--work build/bench]

For each size it writes N copies of every corpus text, each copy's document numbers shifted by
1000 × the copy's index (`06-CTr/TU` -> `1006-CTr/TU` in copy 1), so every copy holds distinct
documents, then prints one table: the corpus (MB, files); the cold build (`kg build` into an
empty folder, SHACL validation off: `kg validate` is its own step); the single-regex floor over
the same files, measured in the same run, and the build's ratio to it; a rebuild after one file
changed; the peak memory of the build (the process and its workers, PSS summed, sampled from
/proc); and five canned queries, timed in kg's store and in rdflib after loading the same graph
(graph.trig, so that GRAPH patterns work; its default graph is the union, as in the store).
Figures, not assertions: the goals are in the README's "Scale" section.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# the number of a document symbol: `06`-CTr/TU, `39`/2015/NĐ-CP, `2531`/UBND-VX
SYMBOL_NUMBER = re.compile(r"(?<![\d/.,])(\d{1,4})(?=(?:/\d{4})?\s?[-/]\s?[A-ZĐ])")
FLOOR_PATTERN = re.compile(r"\d+[-/][A-ZĐ][\wĐđ]*")

SYMBOL = "21-NQ/TW"  # the corpus's most implemented document (each copy has its own)
QUERIES: dict[str, tuple[str, dict[str, str]]] = {
    # name: (SPARQL, or "named:<query>" with its parameters). DISTINCT in the plain ones: over
    # the union of named graphs a triple stated in n graphs is n solutions.
    "symbol lookup": (
        f'SELECT DISTINCT ?d ?label WHERE {{ ?d kg:symbol "{SYMBOL}" ; rdfs:label ?label }}',
        {},
    ),
    "implements+ chain": ("named:chain", {"ref": SYMBOL}),
    "counts by class": (
        "SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?class } GROUP BY ?class",
        {},
    ),
    "targets due by 2030": ("named:targets-by-year", {"year": "2030"}),
    "evidence of an edge": (
        "named:edge-evidence",
        {"subject": "190-KH/TU", "predicate": "implements", "object": SYMBOL},
    ),
}


def make_corpus(source: Path, target: Path, copies: int) -> tuple[int, int]:
    """(bytes, files) of the generated corpus."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    size = files = 0
    texts = [(p, p.read_text(encoding="utf-8")) for p in sorted(source.glob("*")) if p.is_file()]
    for copy in range(copies):
        for path, text in texts:
            if path.suffix not in {".txt", ".md"}:
                continue
            shifted = SYMBOL_NUMBER.sub(lambda m, k=copy: str(int(m.group(1)) + 1000 * k), text)
            data = (shifted if copy else text).encode("utf-8")
            (target / f"c{copy:03d}_{path.name}").write_bytes(data)
            size += len(data)
            files += 1
    return size, files


def regex_floor(corpus: Path) -> float:
    """Read, decode and run one regex over every file: what no extractor can beat."""
    started = time.perf_counter()
    found = 0
    for path in sorted(corpus.iterdir()):
        found += sum(1 for _ in FLOOR_PATTERN.finditer(path.read_text(encoding="utf-8")))
    return time.perf_counter() - started


def _tree_rss(root: int) -> int:
    """Memory in bytes of a process and all its descendants (PSS, else RSS), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid, rss.get(pid, 0))
        todo.extend(children.get(pid, []))
    return total


def _pss(pid: int, rss: int) -> int:
    """Proportional set size: forked workers share the parent's pages, and plain RSS would
    count those once per process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss


def run_build(corpus: Path, out: Path, jobs: int) -> tuple[float, int, dict]:
    """Wall time, peak tree RSS and the BuildReport of one build in a child process."""
    code = (
        "import sys, json; from pathlib import Path; from kg.pipeline import build;"
        "r = build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), validate=False);"
        "print(r.model_dump_json())"
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), str(out), str(jobs)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"build failed with exit code {process.returncode}")
    return seconds, peak, json.loads(stdout.strip().splitlines()[-1])


def query_text(name: str) -> str:
    from kg.query.named import bind, load_named_query
    from kg.rdf.namespaces import SPARQL_PREFIXES

    text, params = QUERIES[name]
    if text.startswith("named:"):
        return bind(load_named_query(text.removeprefix("named:")), params)
    return SPARQL_PREFIXES + text


def time_store_queries(out: Path) -> dict[str, tuple[float, int]]:
    """Median latency (s) of 5 runs and row count, per query, in kg's store; and `kg trace`."""
    from kg.query.trace import trace
    from kg.store import GraphStore

    started = time.perf_counter()
    store = GraphStore.open(out)
    results = {"open the store": (time.perf_counter() - started, len(store))}
    for name in QUERIES:
        text, times, rows = query_text(name), [], 0
        for _ in range(5):
            started = time.perf_counter()
            rows = sum(1 for _ in store.query(text))
            times.append(time.perf_counter() - started)
        results[name] = (statistics.median(times), rows)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        found = trace(store, SYMBOL, "down", 5, "implements")
        times.append(time.perf_counter() - started)
    results[f"kg trace {SYMBOL}"] = (statistics.median(times), len(found.nodes) if found else 0)
    store.close()
    return results


# graph.trig into a Dataset whose default graph is the union, as kg's store answers: the named
# queries use GRAPH ?g to name the file an edge comes from, which a plain Graph of graph.ttl
# cannot answer
RDFLIB_CHILD = """
import sys, time, json, rdflib
started = time.perf_counter()
graph = rdflib.Dataset(default_union=True)
graph.parse(sys.argv[1], format="trig")
count = sum(1 for _ in graph.quads((None, None, None, None)))
print(json.dumps(["load", time.perf_counter() - started, count]), flush=True)
for line in sys.stdin:
    name, text = json.loads(line)
    started = time.perf_counter()
    try:
        rows = sum(1 for _ in graph.query(text))
    except Exception as error:
        rows = f"error: {type(error).__name__}"
    print(json.dumps([name, time.perf_counter() - started, rows]), flush=True)
"""


def time_rdflib_queries(trig: Path, limit_s: float) -> dict[str, tuple[float | None, int]]:
    """rdflib's in-memory dataset from graph.trig, one run per query, each cut at `limit_s`."""
    process = subprocess.Popen(
        [sys.executable, "-c", RDFLIB_CHILD, str(trig)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin and process.stdout
    results: dict[str, tuple[float | None, int]] = {}
    answers: list[str] = []

    def read_line(timeout: float) -> list | None:
        reader = threading.Thread(target=lambda: answers.append(process.stdout.readline()))
        reader.daemon = True
        reader.start()
        reader.join(timeout)
        return json.loads(answers.pop()) if answers and not reader.is_alive() else None

    try:
        loaded = read_line(max(limit_s, 600))
        if loaded is None:
            return {"load": (None, 0)}
        results[loaded[0]] = (loaded[1], loaded[2])
        for name in QUERIES:
            process.stdin.write(json.dumps([name, query_text(name)]) + "\n")
            process.stdin.flush()
            answer = read_line(limit_s)
            if answer is None:  # still running: give up on this one and the rest
                results[name] = (None, 0)
                break
            results[name] = (answer[1], answer[2])
    finally:
        process.kill()
        process.wait()
    return results


def help_time() -> float:
    kg = Path(sys.executable).with_name("kg")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([str(kg), "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def change_one_file(corpus: Path) -> None:
    path = sorted(corpus.iterdir())[len(list(corpus.iterdir())) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nThực hiện Kế hoạch số 999-KH/TU của Tỉnh uỷ.\n", encoding="utf-8")


def ms(seconds: float | None) -> str:
    return "not done" if seconds is None else f"{seconds * 1000:.1f} ms"


def bench(copies: int, jobs: int, work: Path, rdflib_limit: float) -> None:
    corpus, out = work / f"corpus-x{copies}", work / f"out-x{copies}"
    size, files = make_corpus(REPO / "corpus", corpus, copies)
    if out.exists():
        shutil.rmtree(out)
    floor = regex_floor(corpus)
    cold, cold_rss, report = run_build(corpus, out, jobs)
    change_one_file(corpus)
    warm, warm_rss, rebuilt = run_build(corpus, out, jobs)
    print(
        f"\n## ×{copies}: {size / 1e6:.1f} MB, {files} files, {report['quads']} quads, "
        f"jobs={jobs}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
    )
    print("| measure | figure |\n|---|---|")
    print(f"| corpus | {size / 1e6:.1f} MB, {files} files |")
    print(f"| cold build (`kg build --no-validate`) | {cold:.1f} s |")
    print(f"| single-regex floor, same files | {floor:.2f} s |")
    print(f"| cold build / floor | {cold / floor:.0f}× |")
    print(
        f"| rebuild, one file changed ({rebuilt['files_extracted']} extracted) | {warm:.1f} s "
        f"({100 * warm / cold:.1f}% of cold) |"
    )
    print(
        f"| peak memory, build with workers, PSS (cold / rebuild) | "
        f"{cold_rss / 2**30:.2f} GB / {warm_rss / 2**30:.2f} GB |"
    )
    for label, stages in (("cold", report), ("rebuild", rebuilt)):
        parts = ", ".join(f"{k} {v:.1f}" for k, v in stages.get("stages", {}).items())
        if parts:
            print(f"| stages, {label} (s) | {parts} |")
    store = time_store_queries(out)
    rdf = time_rdflib_queries(out / "graph.trig", rdflib_limit)
    print("\n| query | kg store | rows | rdflib (graph.trig, in memory) | rows |")
    print("|---|---|---|---|---|")
    load = rdf.get("load", (None, 0))
    print(
        f"| open / load | {ms(store['open the store'][0])} | {store['open the store'][1]} quads "
        f"| {ms(load[0])} | {load[1]} quads |"
    )
    for name, (seconds, rows) in store.items():
        if name == "open the store":
            continue
        other, other_rows = rdf.get(name, (None, 0))
        shown = ms(other) if name in rdf else "—"
        if name in rdf and other is None:
            shown = f"> {rdflib_limit:.0f} s"
        shown_rows = other_rows if other is not None else ""
        print(f"| {name} | {ms(seconds)} | {rows} | {shown} | {shown_rows} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, action="append", help="repeatable; default 20")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bench")
    parser.add_argument("--rdflib-limit", type=float, default=120.0, help="seconds per query")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    args = parser.parse_args()
    print(f"`kg --help`: {help_time() * 1000:.0f} ms (best of 5)")
    for copies in args.copies or [20]:
        bench(copies, args.jobs, args.work, args.rdflib_limit)
        if not args.keep:
            shutil.rmtree(args.work / f"corpus-x{copies}", ignore_errors=True)
            shutil.rmtree(args.work / f"out-x{copies}", ignore_errors=True)


if __name__ == "__main__":
    main()
