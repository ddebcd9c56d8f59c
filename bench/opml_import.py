"""Bench: `spacebrief sources import` of a large OPML file (issue 25, row 7).

Generates an OPML file of N outlines (100 per folder, 500 hosts, with `htmlUrl`, as a
feed reader exports them) and times, in one run:
  * listparser alone on the file (the floor: reading OPML is not our code),
  * `read_opml` (listparser, the attribute pass and the URL rule for every outline),
  * editing the catalog (`CatalogFile.add_all`, then `save`) in process,
  * the whole command, `spacebrief sources import`, in a child process (start-up included),
  * the same command on a file past the size cap (`--huge-mb`), which must be refused
    in one sentence, quickly, writing nothing.

    python bench/opml_import.py [--outlines 10000] [--huge-mb 50] [--timeout 600]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CLI = "from spacebrief.flows.cli import main; main()"


def opml_document(outlines: int) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0"><head><title>Subscriptions</title></head><body>',
    ]
    for start in range(0, outlines, 100):
        lines.append(f'<outline text="Folder {start // 100}" title="Folder {start // 100}">')
        for k in range(start, min(start + 100, outlines)):
            host = f"feeds{k % 500}.example.org"
            lines.append(
                f'<outline type="rss" text="Feed {k}" title="Feed {k}" '
                f'xmlUrl="https://{host}/rss/{k}.xml" htmlUrl="https://{host}/"/>'
            )
        lines.append("</outline>")
    lines.append("</body></opml>")
    return "\n".join(lines).encode()


def run_cli(opml: Path, catalog: Path, timeout: float) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLI, "sources", "import", str(opml), "--catalog", str(catalog)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, f"not finished after {timeout:.0f} s"
    said = (done.stdout + done.stderr).strip().splitlines()
    return time.perf_counter() - started, said[-1] if said else f"exit {done.returncode}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlines", type=int, default=10_000)
    parser.add_argument("--huge-mb", type=float, default=50.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()

    import listparser

    from spacebrief.ingest import CatalogFile, read_opml

    folder = Path(tempfile.mkdtemp(prefix="spacebrief-opml-bench-"))
    opml = folder / "subscriptions.opml"
    document = opml_document(args.outlines)
    opml.write_bytes(document)
    print(f"{args.outlines:,} outlines, {len(document) / 1e6:.1f} MB")

    started = time.perf_counter()
    listparser.parse(document)
    floor = time.perf_counter() - started
    print(f"listparser alone (the floor)       : {floor:6.2f} s")

    started = time.perf_counter()
    feeds = read_opml(document).feeds
    print(f"read_opml                          : {time.perf_counter() - started:6.2f} s")

    started = time.perf_counter()
    catalog = CatalogFile(folder / "in-process.yaml")
    added, skipped = catalog.add_all(feed.catalog_entry() for feed in feeds)
    edited = time.perf_counter() - started
    catalog.save()
    saved = time.perf_counter() - started - edited
    print(
        f"catalog edit (add_all) + save      : {edited:6.2f} s + {saved:.2f} s "
        f"({added:,} added, {skipped} already there)"
    )

    seconds, said = run_cli(opml, folder / "cli.yaml", args.timeout)
    print(f"spacebrief sources import (whole)  : {seconds:6.2f} s | {said}")

    if args.huge_mb:
        outlines = int(args.huge_mb * 1e6 / (len(document) / args.outlines))
        huge = folder / "huge.opml"
        huge.write_bytes(opml_document(outlines))
        size = huge.stat().st_size / 1e6
        seconds, said = run_cli(huge, folder / "huge.yaml", args.timeout)
        wrote = (folder / "huge.yaml").exists()
        print(
            f"{size:.0f} MB ({outlines:,} outlines)    : {seconds:6.2f} s | {said} "
            f"| catalog written: {'yes' if wrote else 'no'}"
        )


if __name__ == "__main__":
    main()
