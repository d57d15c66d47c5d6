"""Which format a file is, from its first bytes: a file called .docx may be a PDF, and a plan
saved from a portal may be called .doc. The extension is never trusted."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

Kind = Literal[
    "docx",
    "encrypted",
    "xlsx",
    "odf",
    "doc",
    "rtf",
    "pdf",
    "image",
    "html",
    "zip",
    "damaged-zip",
    "text",
]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
# a password-protected DOCX (or XLSX) is an OLE2 file holding the encrypted package
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

NAMES: dict[Kind, str] = {
    "docx": "a Word document (DOCX)",
    "encrypted": "a password-protected (encrypted) Office document",
    "xlsx": "an Excel workbook (XLSX)",
    "odf": "an OpenDocument file",
    "doc": "a Word 97–2003 document (DOC)",
    "rtf": "a Rich Text document (RTF)",
    "pdf": "a PDF",
    "image": "an image",
    "html": "a web page (HTML)",
    "zip": "a zip archive",
    "damaged-zip": "a damaged or truncated file (a Word or Excel file is a zip archive, and "
    "this one cannot be opened: was it fully copied?)",
    "text": "a text file",
}


def sniff(data: bytes) -> Kind | Literal["ole2"]:
    """The file's kind; "ole2" is an Office 97–2003 file that is not a Word document (an
    old Excel or PowerPoint file)."""
    head = data[:2048]
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_IMAGES):
        return "image"
    if data.startswith(_OLE2):
        if _ENCRYPTED_STREAM in data:  # its directory may sit after the package: look at all
            return "encrypted"
        return "doc" if _WORD_STREAM in data[:1_048_576] else "ole2"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") and any(mark in lowered for mark in _HTML_MARKS):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and "content.xml" in names:
                return "odf"
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        # a truncated zip whose first files are a Word document's: the DOCX reader says
        # what is damaged; any other is refused as damaged here
        if b"word/document.xml" in data[:65536]:
            return "docx"
        return "damaged-zip"
    return "zip"


_MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odf": "application/vnd.oasis.opendocument.text",
    "doc": "application/msword",
    "rtf": "application/rtf",
    "pdf": "application/pdf",
    "html": "text/html",
    "text": "text/plain",
}
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def media_type(data: bytes) -> str:
    """The MIME type a stored original is served with."""
    kind = sniff(data)
    if kind == "image":
        return next(
            (name for magic, name in _IMAGE_TYPES.items() if data.startswith(magic)),
            "image/tiff",
        )
    return _MEDIA_TYPES.get(kind, "application/octet-stream")
