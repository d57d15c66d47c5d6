"""The agency directory: agencies and the named groups plans assign work to.

One database holds the directories of many localities, and their names repeat ("Phòng Nội
vụ" in every district), so a name is unique only within its scope: the normalised name of
the People's Committee whose plans the directory serves, or "" for the global scope whose
entries serve every plan."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dondoc.core.text import normalize_name
from models.base import Base, CreatedAt

agency_group_member = Table(
    "agency_group_member",
    Base.metadata,
    Column("group_id", ForeignKey("agency_group.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class _Named(CreatedAt):
    """What agencies and groups share: a name unique within its scope, and the key the name
    is looked up by (normalize_name of it, unless given)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # normalize_name of the directory's `scope`; "" is the global scope.
    scope_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    name: Mapped[str] = mapped_column(String(300))
    # Lower-cased, accent-preserving, whitespace-folded name: the key lookups use.
    key: Mapped[str] = mapped_column(String(300), index=True)
    aliases: Mapped[list[str]] = mapped_column(default=list)

    def __init__(self, **kw: object) -> None:
        super().__init__(**kw)
        if self.name and not self.key:
            self.key = normalize_name(self.name)
        if self.scope_key is None:
            self.scope_key = ""


class Agency(_Named, Base):
    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("scope_key", "key"),)

    kind: Mapped[str | None] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"))
    email: Mapped[str | None] = mapped_column(String(320))
    head_email: Mapped[str | None] = mapped_column(String(320))
    monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    # False for agencies created by `plan import --auto-agencies`: no email, not yet checked.
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Agency | None] = relationship(remote_side="Agency.id")
    groups: Mapped[list[AgencyGroup]] = relationship(
        secondary=agency_group_member, back_populates="members"
    )


class AgencyGroup(_Named, Base):
    """A name such as "UBND các xã, thị trấn" that stands for several agencies: as lead,
    each member owes the work."""

    __tablename__ = "agency_group"
    __table_args__ = (UniqueConstraint("scope_key", "key"),)

    members: Mapped[list[Agency]] = relationship(
        secondary=agency_group_member, back_populates="groups", order_by="Agency.name"
    )
