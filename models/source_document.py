"""The file a plan was imported from, kept as it was handed in (a Word file, a PDF, a scan):
what the admin reviews the parser's reading against, and what is re-read when the parser
improves. Stored in the database, not on a disk, so every worker and the web app see it."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt


class SourceDocument(CreatedAt, Base):
    __tablename__ = "source_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the same file handed in twice is one row, and one plan
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
