"""Word 97–2003 (DOC), Rich Text (RTF) and OpenDocument text (ODT): converted to DOCX by
LibreOffice, then read as DOCX. LibreOffice is the one free reader of all three that keeps
Word's numbering and merged cells; it runs as a program (Debian libreoffice-writer-nogui),
in a throwaway directory with its own throwaway profile (a second conversion must not wait
for, or share settings with, a LibreOffice the admin has open), and is killed after a
timeout: a hostile file gets a bounded time, and nothing is left behind."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from tasks.plans.formats import docx
from tasks.plans.formats.detect import sniff
from tasks.plans.formats.parts import ReadDocument
from tasks.plans.parsed import PlanParseError

TIMEOUT_SECONDS = 120
PACKAGE = "libreoffice-writer-nogui"
_SUFFIXES = {"doc": ".doc", "rtf": ".rtf", "odf": ".odt"}
_ODT = b"application/vnd.oasis.opendocument.text"


def read(data: bytes, source: str) -> ReadDocument:
    kind = sniff(data)
    if kind == "odf" and not _odf_mimetype(data).startswith(_ODT):
        raise PlanParseError.one(
            source,
            "an OpenDocument file that is not a text document (a spreadsheet or a "
            "presentation?): dondoc reads plans written in Word or Writer",
        )
    converted = convert_to_docx(data, _SUFFIXES.get(kind, ".doc"), source)
    return docx.read(converted, source)


def convert_to_docx(data: bytes, suffix: str, source: str) -> bytes:
    """`data` (a file ending in `suffix`) as DOCX, by `soffice --headless --convert-to docx`."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise PlanParseError.one(
            source,
            f"reading this format needs LibreOffice, which is not installed: install the "
            f"Debian package {PACKAGE} (apt-get install {PACKAGE}), or save the file as DOCX",
        )
    with tempfile.TemporaryDirectory(prefix="dondoc-office-") as work:
        folder = Path(work)
        document = folder / f"document{suffix}"
        document.write_bytes(data)
        out = folder / "out"
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(document),
        ]
        errors = _run(command, folder, source)
        converted = out / "document.docx"
        if not converted.is_file():
            said = errors.strip().splitlines()[-1] if errors.strip() else "no output"
            raise PlanParseError.one(
                source, f"LibreOffice could not convert it to DOCX (a damaged file?): {said}"
            )
        return converted.read_bytes()


def _run(command: list[str], folder: Path, source: str) -> str:
    """Run LibreOffice in a session of its own, so that on a timeout the whole group (the
    soffice script and soffice.bin under it) is killed, not just the script; HOME is the
    throwaway folder too, so nothing is written to the service's home."""
    environment = {**os.environ, "HOME": str(folder)}
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=environment,
    )
    try:
        _, errors = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as error:
        with contextlib.suppress(ProcessLookupError):  # it ended just now
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PlanParseError.one(
            source, f"LibreOffice took over {TIMEOUT_SECONDS} s to convert it; gave up"
        ) from error
    return errors.decode("utf-8", "replace")


def _odf_mimetype(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("mimetype") as member:
            return member.read(200).strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""
