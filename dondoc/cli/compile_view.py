"""How a compile's result is shown to a person: the counts, then one line per item it
changed (+ added, - removed, ~ edited), then its warnings."""

from __future__ import annotations

from dondoc.cli.output import console, warn
from tasks.schedule import CompileResult


def print_compile_result(result: CompileResult) -> None:
    counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
    start, end = result.period
    version = f"version {result.version}" if result.changed else "nothing changed"
    console.print(f"plan {result.plan_id} compiled for {start}..{end} ({version}): {counts}")
    if result.supersedes:
        console.print(f"amends plan {result.supersedes}, which is now superseded")
    marks = {"added": "+", "removed": "-", "edited": "~", "kept": " "}
    for item in result.items:
        if not item.touched:
            continue
        numbers = (
            f"{n} {what}"
            for what, n in (
                ("added", item.added),
                ("rescheduled", item.rescheduled),
                ("cancelled", item.cancelled),
                ("reinstated", item.reinstated),
            )
            if n
        )
        label = "" if item.change == "kept" else f" ({item.change})"
        console.print(
            f"{marks[item.change]} item {item.seq}{label}: {', '.join(numbers) or 'no work'}"
            f" — {item.content[:70]}",
            highlight=False,
        )
    for message in result.warnings:
        warn(message)
