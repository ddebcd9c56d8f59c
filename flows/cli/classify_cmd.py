"""`spacebrief classify`, `eval`, `train` and `feedback`: the classifier from the keyboard.

None of these import Prefect: `classify --input` and `eval` are run many times while
tuning, and Prefect's start-up would cost more than classifying a dev file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spacebrief.flows.cli.app import app, console, handle
from spacebrief.flows.cli.terminal import untrusted

if TYPE_CHECKING:
    from spacebrief import GoalMeasures, StreamMeasures


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@app.command()
def classify(
    input: Path | None = typer.Option(
        None, "--input", help="JSON lines {id, title, summary}: classify them, no warehouse."
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Where --input's results go (JSON lines); default stdout."
    ),
    relabel: bool = typer.Option(
        False, "--relabel", help="Re-label every stored item, not only the unlabelled ones."
    ),
) -> None:
    """Tag items against the taxonomy: the warehouse's new items, or a JSON-lines file."""
    if output is not None and input is None:
        raise typer.BadParameter("--output goes with --input.")
    if input is not None:
        _classify_file(input, output)
        return
    with _progress("Classifying items") as progress:
        task = progress.add_task("classify", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = handle().classify(relabel=relabel, on_progress=on_progress)
    console.print(untrusted(summary.describe()), highlight=False)


def _classify_file(input: Path, output: Path | None) -> None:
    sb = handle()
    if output is None:
        for record in sb.classify_records(input):
            typer.echo(json.dumps(record, ensure_ascii=False))
        return
    with _progress("Classifying items") as progress:
        task = progress.add_task("classify", total=None)
        items, relevant = sb.classify_file(
            input,
            output,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(
        f"Classified {items} item(s) from {escape(str(input))}: {relevant} on-theme; "
        f"results in {escape(str(output))}.",
        highlight=False,
    )


@app.command(name="eval")
def eval_command(
    input: Path = typer.Option(..., "--input", help="Labelled JSON lines, shaped like dev.jsonl."),
    feeds: Path | None = typer.Option(
        None,
        "--feeds",
        help="A folder of feed files: --input then holds feed labels "
        '{"feed","entry","relevant","labels"} (tests/classifiers/fixtures/real_feeds.jsonl).',
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    head: Path | None = typer.Option(
        None, "--head", help="Evaluate this fitted head instead of the current one."
    ),
) -> None:
    """Per-trend F1, relevance accuracy, and what a real stream feels: false-positive rate,
    false Slack alerts per 1,000 items (at the configured alert bar), calibration."""
    report = handle().evaluate(input, feeds=feeds, head=head)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    table = Table(
        title=f"{report.items} items · classifier {report.classifier_version} · "
        f"taxonomy {report.taxonomy_version}"
    )
    for column in ("Trend", "Support", "Predicted", "Precision", "Recall", "F1"):
        table.add_column(column, justify="left" if column == "Trend" else "right")
    for m in report.trends:
        style = "red" if m.f1 < 0.35 else ""
        table.add_row(
            m.trend_id,
            str(m.support),
            str(m.predicted),
            f"{m.precision:.2f}",
            f"{m.recall:.2f}",
            f"[{style}]{m.f1:.2f}[/{style}]" if style else f"{m.f1:.2f}",
        )
    table.add_section()
    table.add_row(
        "micro",
        "",
        "",
        f"{report.micro_precision:.2f}",
        f"{report.micro_recall:.2f}",
        f"{report.micro_f1:.2f}",
    )
    table.add_row("macro", "", "", "", "", f"{report.macro_f1:.2f}")
    console.print(table)
    c = report.confusion
    confusion = Table(title="Relevance")
    confusion.add_column("")
    confusion.add_column("predicted on-theme", justify="right")
    confusion.add_column("predicted off-theme", justify="right")
    confusion.add_row("gold on-theme", str(c["true_positive"]), str(c["false_negative"]))
    confusion.add_row("gold off-theme", str(c["false_positive"]), str(c["true_negative"]))
    console.print(confusion)
    if report.stream is not None:
        _print_stream(report.stream)
    if report.goal is not None:
        _print_goal(report.goal)
    console.print(
        f"Relevance accuracy {report.relevance_accuracy:.3f} · micro-F1 {report.micro_f1:.3f} · "
        f"macro-F1 {report.macro_f1:.3f} · lowest trend F1 {report.min_f1:.3f}",
        highlight=False,
    )


def _print_goal(goal: GoalMeasures) -> None:
    groups = Table(title="On-theme recall by language group")
    for column in ("group", "found", "on-theme", "recall"):
        groups.add_column(column, justify="left" if column == "group" else "right")
    for group, (found, total) in goal.on_theme_recall_by_group.items():
        groups.add_row(group, str(found), str(total), f"{found / total:.2f}" if total else "-")
    console.print(groups)
    console.print(
        f"Watch stories over the Slack bar: {goal.watch_stories_pinged} of "
        f"{goal.watch_stories} ({goal.watch_share_pinged:.2f}); false alerts "
        f"{goal.false_alerts} ({goal.false_alerts_per_1000:.1f} per 1,000 items)"
        f"\nStance: {goal.supporting_read_against} of {goal.supporting_labels} supporting "
        f'labels read "against" ({goal.supporting_against_share:.3f}) and '
        f'{goal.supporting_in_doubt} in doubt (no alert, not cited as support); "against" '
        f"verdicts right {goal.against_verdicts_right} of {goal.against_verdicts} "
        f"({goal.against_precision:.2f}; wrong on a label the gold does not give: "
        f"{goal.against_verdicts_unlabelled}); against-pairs found {goal.against_found} of "
        f"{goal.against_pairs} ({goal.against_recall:.2f})",
        highlight=False,
    )


def _print_stream(stream: StreamMeasures) -> None:
    bins = Table(title="Calibration (trend scores of items judged on-theme)")
    for column in ("score", "labels", "mean score", "share right"):
        bins.add_column(column, justify="right")
    for b in stream.calibration:
        bins.add_row(
            f"{b.low:.1f}-{b.high:.1f}",
            str(b.count),
            f"{b.mean_score:.2f}" if b.count else "-",
            f"{b.accuracy:.2f}" if b.count else "-",
        )
    console.print(bins)
    console.print(
        f"Relevance precision {stream.relevance_precision:.3f} · recall "
        f"{stream.relevance_recall:.3f} · false-positive rate {stream.false_positive_rate:.3f}"
        f"\nSlack: {stream.watch_alerts} watch alert(s) over the bar, precision "
        f"{stream.watch_alert_precision:.2f}, false alerts per 1,000 items "
        f"{stream.false_watch_alerts_per_1000:.1f}",
        highlight=False,
    )


@app.command()
def train(
    tune_on: Path | None = typer.Option(
        None, "--tune-on", help="Labelled JSON lines to tune the thresholds on (e.g. dev.jsonl)."
    ),
    output: Path | None = typer.Option(
        None, "--output", help="Where the fitted head goes; default $SPACEBRIEF_HOME/classifier/."
    ),
    feedback: bool = typer.Option(
        True, "--feedback/--no-feedback", help="Include analyst feedback from the warehouse."
    ),
    status: bool = typer.Option(
        False, "--status", help="Show the refit attempts (versions, figures, decision)."
    ),
    promote: bool = typer.Option(
        False, "--promote", help="Refit on feedback and promote only if no worse (as serve does)."
    ),
) -> None:
    """Refit the classifier head on the written examples, the taxonomy and analyst feedback."""
    if status:
        _train_status()
        return
    if promote:
        with console.status("Refitting on feedback and comparing heads"):
            result = handle().train_and_promote(force=True)
        console.print(escape(result.describe()), highlight=False)
        return

    with console.status("Fitting the classifier head"):
        summary = handle().train(tune_on=tune_on, output=output, use_feedback=feedback)
    console.print(escape(summary.describe()), highlight=False)


@app.command()
def feedback(
    item_id: str = typer.Argument(..., help="The item's id (see v_items)."),
    trend_id: str = typer.Argument(..., help="A trend id of the taxonomy, e.g. W2."),
    yes: bool = typer.Option(None, "--yes/--no", help="Does the item support the trend?"),
    analyst: str | None = typer.Option(None, "--analyst", help="Who judged (optional)."),
) -> None:
    """Record an analyst's verdict; `spacebrief train` learns from it."""
    if yes is None:
        raise typer.BadParameter("say --yes or --no.")
    recorded = handle().feedback(item_id, trend_id, yes, analyst=analyst)
    console.print(
        untrusted(f"{recorded.describe()} Run `spacebrief train` to refit the classifier with it."),
        highlight=False,
    )


def _train_status() -> None:
    rows = handle().train_status()
    if not rows:
        console.print("No refit attempts yet (serve tries nightly; `train --promote` now).")
        return

    def pair(old: float | None, new: float | None) -> str:
        return "" if old is None or new is None else f"{old:.3f} -> {new:.3f}"

    table = Table(
        "when", "decision", "heads", "eval macro F1", "eval relevance", "held-out fb", "reason"
    )
    for r in rows:
        heads = f"{r.old_version} -> {r.new_version}" if r.new_version else ""
        table.add_row(
            f"{r.started_at:%Y-%m-%d %H:%M}",
            r.decision,
            heads,
            pair(r.old_eval_macro_f1, r.new_eval_macro_f1),
            pair(r.old_eval_relevance, r.new_eval_relevance),
            pair(r.old_feedback_agreement, r.new_feedback_agreement),
            escape(r.reason),
        )
    console.print(table)
