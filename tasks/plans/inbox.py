"""The inbox folder (DONDOC_INBOX): admins, or a scanner, drop plan documents in it, and each
new document is imported once, then filed under `done/` or `failed/` (with a `.reason.txt`
saying why), so the folder itself shows what became of every file.

Once: a run first claims a file by renaming it into `.claimed/` (a rename is atomic, so of two
runs at the same moment only one gets it). A run that dies after importing but before filing
leaves the file in `.claimed/`; a later run takes it up again once it is stale, and the
importer recognises the document by its SHA-256, so it is filed as already imported, not
stored twice."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tasks.plans.importer import PlanFileImport

CLAIMED, DONE, FAILED = ".claimed", "done", "failed"
# a file changed this recently may still be being copied in
SETTLE_SECONDS = 30
# a claimed file this old was left by a run that died
STALE_SECONDS = 15 * 60
# what editors, browsers and copy tools leave while writing
_PARTIAL = (".part", ".partial", ".crdownload", ".download", ".tmp", ".swp")
Outcome = Literal["imported", "known", "failed"]
OUTCOMES: tuple[Outcome, ...] = ("imported", "known", "failed")


@dataclass(frozen=True)
class InboxEntry:
    """What became of one file: imported (a new draft), known (already imported), failed."""

    name: str
    outcome: Outcome
    plan_id: int | None = None
    title: str = ""
    items: int = 0
    reason: str = ""
    filed_as: str = ""

    def row(self) -> dict[str, str]:
        return {
            "file": self.name,
            "outcome": self.outcome,
            "plan": str(self.plan_id or ""),
            "items": str(self.items),
            "title or reason": self.title or self.reason,
        }


def outcome_counts(entries: list[InboxEntry]) -> dict[Outcome, int]:
    return {outcome: sum(e.outcome == outcome for e in entries) for outcome in OUTCOMES}


def claim_documents(folder: Path, *, now: float | None = None) -> list[Path]:
    """The new documents in `folder`, each moved into `.claimed/` by this run."""
    now = time.time() if now is None else now
    claimed_dir = folder / CLAIMED
    claimed_dir.mkdir(parents=True, exist_ok=True)
    claimed: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not _is_new_document(path, now):
            continue
        target = claimed_dir / path.name
        if target.exists():
            continue  # the same name is being imported: wait for it to be filed
        try:
            os.rename(path, target)
        except FileNotFoundError:
            continue  # another run claimed it first
        claimed.append(target)
    for path in sorted(claimed_dir.iterdir()):
        if path not in claimed and path.is_file() and now - path.stat().st_ctime > STALE_SECONDS:
            os.utime(path)  # a fresh claim (ctime), so a second run leaves it alone
            claimed.append(path)
    return claimed


def _is_new_document(path: Path, now: float) -> bool:
    name = path.name
    if name.startswith((".", "~$")) or name.lower().endswith(_PARTIAL):
        return False
    if not path.is_file() or path.is_symlink():
        return False
    return now - path.stat().st_mtime >= SETTLE_SECONDS


def file_imported(path: Path, imported: PlanFileImport) -> InboxEntry:
    """A claimed file whose plan is stored (new or known), moved to `done/`."""
    filed = _file(path, path.parent.parent / DONE)
    return InboxEntry(
        path.name,
        "imported" if imported.created else "known",
        plan_id=imported.plan_id,
        title=imported.title,
        items=len(imported.parsed.items),
        filed_as=str(filed),
    )


def file_failed(path: Path, reason: str) -> InboxEntry:
    """A claimed file that could not be imported, moved to `failed/` with its reason beside
    it, so whoever dropped it can read why without the logs."""
    filed = _file(path, path.parent.parent / FAILED)
    filed.with_name(filed.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
    return InboxEntry(path.name, "failed", reason=reason, filed_as=str(filed))


def _file(path: Path, folder: Path) -> Path:
    """`path` moved into `folder` under its name, or name-2, name-3 … if that is taken."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{path.stem}-{number}{path.suffix}"
    os.rename(path, target)
    return target
