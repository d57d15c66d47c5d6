"""The smallest input that still fails the same way: delta debugging (Zeller's ddmin) over
lines, then over the characters of what is left, so a crash found in a 100 KB mutated document
is reported as the few lines that cause it."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def _ddmin(parts: Sequence[str], joiner: str, fails: Callable[[str], bool]) -> list[str]:
    """A 1-minimal subsequence of `parts` whose join still `fails`."""
    current = list(parts)
    chunks = 2
    while len(current) >= 2:
        size = max(len(current) // chunks, 1)
        pieces = [current[start : start + size] for start in range(0, len(current), size)]
        for index in range(len(pieces)):
            without = [
                part for other, piece in enumerate(pieces) if other != index for part in piece
            ]
            if without and fails(joiner.join(without)):
                current = without
                chunks = max(chunks - 1, 2)
                break
        else:
            if size == 1:
                break
            chunks = min(chunks * 2, len(current))
    return current


def shrink(text: str, fails: Callable[[str], bool]) -> str:
    """`text` cut down line by line, then character by character, while `fails` holds."""
    lines = _ddmin(text.split("\n"), "\n", fails)
    return "".join(_ddmin(list("\n".join(lines)), "", fails))
