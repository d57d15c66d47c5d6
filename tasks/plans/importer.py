"""Store a parsed plan: resolve every agency name against the directory and write the plan,
its items and assignments in the caller's transaction. The same document (by the sha256 of
its normalised text) is never stored twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from dondoc.core.settings import get_settings
from dondoc.core.text import item_keys
from models import Assignment, Plan, PlanItem, SourceDocument
from models.queries import default_monitoring_agency_id
from tasks.directory import Resolution, Resolver, create_unverified
from tasks.directory.resolve import stored_known_names
from tasks.plans.confidence import doubts
from tasks.plans.parsed import (
    ParsedItem,
    ParsedPlan,
    ParseWarning,
    Schedule,
    header_values,
)
from tasks.plans.sources import PlanReading, read_plan_data, read_plan_path
from tasks.plans.timeframes import BeforeRule


@dataclass
class ImportResult:
    plan_id: int
    created: bool
    unresolved: list[Resolution] = field(default_factory=list)
    created_agencies: list[str] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)


def source_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find_plan_by_source(session: Session, sha256: str) -> Plan | None:
    return session.scalars(select(Plan).where(Plan.source_sha256 == sha256)).first()


def import_parsed_plan(
    session: Session,
    parsed: ParsedPlan,
    *,
    source_text: str,
    source_name: str | None = None,
    auto_agencies: bool = False,
) -> ImportResult:
    sha256 = source_sha256(source_text)
    existing = find_plan_by_source(session, sha256)
    if existing is not None:
        return ImportResult(plan_id=existing.id, created=False, warnings=list(parsed.warnings))

    resolver = Resolver.from_session(session, scope=parsed.issuer)
    resolutions: dict[str, Resolution] = {}
    created: list[str] = []

    def resolve(name: str) -> Resolution:
        if name not in resolutions:
            resolution = resolver.resolve(name)
            if not resolution.resolved and auto_agencies and not _is_tie(resolution):
                agency = create_unverified(session, name, resolver.scope_key)
                session.flush()
                resolver.add_agency(agency)
                created.append(agency.name)
                resolution = resolver.resolve(name)
            resolutions[name] = resolution
        return resolutions[name]

    plan = Plan(
        **header_values(parsed),
        scope_key=resolver.scope_key,
        layout=parsed.layout,
        source_name=source_name,
        source_text=source_text,
        source_sha256=sha256,
        warnings=[{"line": w.line, "message": w.message} for w in parsed.warnings],
        monitoring_agency_text=parsed.monitoring_agency,
    )
    named = resolve(parsed.monitoring_agency) if parsed.monitoring_agency else None
    plan.monitoring_agency_id = (
        named.agency_id
        if named is not None and named.agency_id is not None
        else default_monitoring_agency_id(session, resolver.scope_key)
    )
    keys = item_keys([parsed_item.content for parsed_item in parsed.items])
    for position, (parsed_item, key) in enumerate(zip(parsed.items, keys, strict=True)):
        item = PlanItem(
            position=position,
            section=parsed_item.section,
            seq=parsed_item.seq,
            key=key,
            content=parsed_item.content,
            details=parsed_item.details,
            timeframe_text=parsed_item.timeframe.text,
            schedule_kind=parsed_item.timeframe.kind,
            due=parsed_item.timeframe.due,
            schedule=parsed_item.timeframe.to_json(),
            source_line=parsed_item.line or None,
            evidence=parsed_item.evidence.to_json() if parsed_item.evidence else None,
        )
        for role, names in (("lead", parsed_item.lead), ("coordinating", parsed_item.coordinating)):
            for index, name in enumerate(names):
                resolution = resolve(name)
                item.assignments.append(
                    Assignment(
                        role=role,
                        position=index,
                        name_as_written=name,
                        agency_id=resolution.agency_id,
                        group_id=resolution.group_id,
                        match=resolution.match,
                        score=resolution.score,
                    )
                )
        plan.items.append(item)
    session.add(plan)
    session.flush()
    unresolved = [r for r in resolutions.values() if not r.resolved]
    return ImportResult(
        plan_id=plan.id,
        created=True,
        unresolved=unresolved,
        created_agencies=created,
        warnings=list(parsed.warnings),
    )


def _is_tie(resolution: Resolution) -> bool:
    """A name that several localities' agencies carry exactly: creating yet another agency
    would hide the ambiguity instead of showing it to the admin."""
    return any(score >= 100 for _, score in resolution.suggestions)


def read_plan_source(
    path: Path, *, known_names: list[str], before: BeforeRule = "on"
) -> tuple[ParsedPlan, str]:
    """Any plan file (text, YAML, CSV, XLSX, Word, PDF, scan, HTML): the plan and its text."""
    reading = read_plan_data(
        read_plan_path(path), str(path), known_names=known_names, before=before
    )
    return reading.parsed, reading.text


@dataclass
class PlanFileImport:
    """What importing one file did, for the CLI, the demo and the import-plan flow."""

    parsed: ParsedPlan
    result: ImportResult

    @property
    def plan_id(self) -> int:
        return self.result.plan_id

    @property
    def created(self) -> bool:
        return self.result.created

    @property
    def title(self) -> str:
        return f"{self.parsed.number or '(no number)'} — {self.parsed.title}"

    def item_rows(self) -> list[dict[str, str]]:
        return [
            {
                "#": item.seq,
                "Nội dung": item.content,
                "Chủ trì": "; ".join(item.lead),
                "Phối hợp": "; ".join(item.coordinating),
                "Thời gian": item.timeframe.text,
                "Lịch": item.timeframe.kind,
                "Hạn": item.timeframe.due.isoformat() if item.timeframe.due else "",
            }
            for item in self.parsed.items
        ]

    def markdown(self) -> str:
        lines = [f"# Plan {self.plan_id}: {self.title}", ""]
        doubtful = [item for item in self.parsed.items if doubts(item.confidence)]
        for item in doubtful:
            checks = "; ".join(f"{name}: {why}" for name, why in doubts(item.confidence))
            lines.append(f"- check item {item.seq} (line {item.line}): {checks}")
        lines += [f"- line {w.line}: {w.message}" for w in self.parsed.warnings]
        lines += [f"- unresolved agency: {r.name_as_written}" for r in self.result.unresolved]
        lines += [f"- created unverified agency: {n}" for n in self.result.created_agencies]
        if len(lines) == 2:
            lines.append("No warnings.")
        return "\n".join(lines)


def import_plan_file(
    session: Session,
    path: Path | str,
    *,
    source: str | None = None,
    filename: str | None = None,
    auto_agencies: bool = False,
) -> PlanFileImport:
    """Read a plan file and store it, in the caller's transaction; messages name the file as
    `source` (default: its path), and the plan keeps `filename` (default: the path's name; an
    upload staged under its hash keeps the name it was sent with)."""
    path = Path(path)
    source = source or str(path)
    data = read_plan_path(path, source)
    return import_plan_document(
        session, data, filename or path.name, source=source, auto_agencies=auto_agencies
    )


def import_plan_document(
    session: Session,
    data: bytes,
    filename: str,
    *,
    source: str | None = None,
    auto_agencies: bool = False,
) -> PlanFileImport:
    """Read a plan handed in as bytes (an upload, the inbox, a file) and store it as a draft,
    with the original document beside it when it was not text. `source` names the file in
    messages (its path), `filename` is the name kept (its last part: an uploaded name may
    carry a client's folders). The same document handed in again is
    recognised by its SHA-256 before it is read a second time (a scan takes minutes)."""
    filename = PurePosixPath(filename.replace("\\", "/")).name[-200:] or "document"
    original_sha256 = hashlib.sha256(data).hexdigest()
    if (plan := find_plan_by_document(session, original_sha256)) is not None:
        result = ImportResult(plan_id=plan.id, created=False)
        return PlanFileImport(parsed_from_stored(plan), result)
    known = stored_known_names(session)
    reading = read_plan_data(
        data, source or filename, known_names=known, before=get_settings().deadline_before
    )
    result = import_parsed_plan(
        session,
        reading.parsed,
        source_text=reading.text,
        source_name=filename,
        auto_agencies=auto_agencies,
    )
    if result.created and reading.original is not None:
        plan = session.get_one(Plan, result.plan_id)
        plan.source_document = _stored_document(session, reading, original_sha256, filename)
        session.flush()
    return PlanFileImport(reading.parsed, result)


def find_plan_by_document(session: Session, sha256: str) -> Plan | None:
    """The plan read from the original file with this SHA-256, if it was imported."""
    query = (
        select(Plan)
        .join(SourceDocument, Plan.source_document_id == SourceDocument.id)
        .where(SourceDocument.sha256 == sha256)
        .order_by(Plan.id)
    )
    return session.scalars(query).first()


def _stored_document(
    session: Session, reading: PlanReading, sha256: str, filename: str
) -> SourceDocument:
    existing = session.scalars(select(SourceDocument).where(SourceDocument.sha256 == sha256))
    if (document := existing.first()) is not None:
        return document
    assert reading.original is not None
    document = SourceDocument(
        sha256=sha256,
        filename=filename,
        media_type=reading.media_type,
        size=len(reading.original),
        content=reading.original,
    )
    session.add(document)
    return document


def parsed_from_stored(plan: Plan) -> ParsedPlan:
    """The stored plan in the parser's shape, for export: names as written, so a round trip
    through YAML/CSV/XLSX re-imports to the same plan."""
    items = [
        ParsedItem(
            seq=item.seq,
            content=item.content,
            lead=[a.name_as_written for a in item.assignments if a.role == "lead"],
            coordinating=[a.name_as_written for a in item.assignments if a.role == "coordinating"],
            timeframe=Schedule.from_json(item.schedule or {"text": item.timeframe_text}),
            section=item.section,
            details=item.details,
            line=item.source_line or 0,
        )
        for item in plan.items
    ]
    return ParsedPlan(
        **header_values(plan),
        monitoring_agency=plan.monitoring_agency_text,
        layout=plan.layout,
        items=items,
        warnings=[ParseWarning(w["line"], w["message"]) for w in plan.warnings],
    )
