"""The sender's journal: a local append-only file of the outbox rows the SMTP server accepted
and the outbox may not show yet, so that a sender killed before writing an outcome does not
send those messages again.

One file per run (its name is the run's worker id), written with one os.write per accepted
message, before the next message goes out on that connection; no fsync: it survives the
process being killed, not a power loss. The run holds an exclusive flock on it while it
lives, and empties it whenever every outcome it holds is committed. At the start of every
send the files of dead runs (no lock) are replayed: their rows, still "sending" under that
worker, are marked sent, and the file removed. A commit per message instead halved the
sending rate (BENCHMARKS.md)."""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dondoc.core.clock import now_utc
from notifications import outbox

log = logging.getLogger(__name__)
SUFFIX = ".sent"


class Journal:
    """This run's file, open and locked until `close`."""

    def __init__(self, directory: Path, worker: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / (quote(worker, safe="") + SUFFIX)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def accepted(self, row_id: int) -> None:
        os.write(self.fd, b"%d\n" % row_id)

    def clear(self) -> None:
        """Every row written so far is recorded in the outbox."""
        os.ftruncate(self.fd, 0)

    def close(self, *, recorded: bool) -> None:
        """End of the run; the file is kept for a later run to replay unless `recorded`."""
        if recorded:
            self.path.unlink(missing_ok=True)
        os.close(self.fd)


def start(directory: Path, engine: Engine, worker: str) -> Journal:
    """Replay dead runs' journals, then open this run's (`worker`'s)."""
    replay(directory, engine, now_utc())
    return Journal(directory, worker)


def replay(directory: Path, engine: Engine, now: datetime) -> int:
    """Mark sent the rows that dead runs' journals hold, then remove those journals (a live
    run's is locked and left alone). Returns how many rows were marked."""
    marked = 0
    for path in sorted(directory.glob("*" + SUFFIX)) if directory.is_dir() else []:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # another run replayed it first
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its run is alive
            ids = sorted({int(line) for line in path.read_bytes().split() if line.isdigit()})
            worker = unquote(path.name.removesuffix(SUFFIX))
            with Session(engine) as session, session.begin():
                done = outbox.mark_sent_many(session, ids, worker, now, quiet=True)
            if done:
                log.warning("%d rows a stopped sender had sent are marked sent", len(done))
            marked += len(done)
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return marked
