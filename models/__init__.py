"""SQLAlchemy 2 models of dondoc's state (agencies, plans, occurrences, feed tokens, the
outbox), the queries over them (`*_queries`, functions taking a session), bulk writes (`bulk`)
and the schema's Alembic migrations (`schema`, `migrations/`). Models import only dondoc.core;
revisions import nothing of dondoc and carry frozen copies of what they compute."""

from models.admin_session import EndedAdminSession
from models.agency import Agency, AgencyGroup, agency_group_member
from models.base import Base
from models.feed import FEED_KINDS, FeedToken
from models.occurrence import (
    OCCURRENCE_KINDS,
    OCCURRENCE_STATUSES,
    OPEN_STATUSES,
    Occurrence,
    OccurrenceEvent,
    OccurrenceStateError,
    PlanCompilation,
)
from models.outbox import OUTBOX_KINDS, OUTBOX_STATUSES, OutboxMessage
from models.plan import PLAN_STATUSES, ROLES, Assignment, Plan, PlanItem, PlanStateError
from models.source_document import SourceDocument

__all__ = [
    "FEED_KINDS",
    "OCCURRENCE_KINDS",
    "OCCURRENCE_STATUSES",
    "OPEN_STATUSES",
    "OUTBOX_KINDS",
    "OUTBOX_STATUSES",
    "PLAN_STATUSES",
    "ROLES",
    "Agency",
    "AgencyGroup",
    "Assignment",
    "Base",
    "EndedAdminSession",
    "FeedToken",
    "Occurrence",
    "OccurrenceEvent",
    "OccurrenceStateError",
    "OutboxMessage",
    "Plan",
    "PlanCompilation",
    "PlanItem",
    "PlanStateError",
    "SourceDocument",
    "agency_group_member",
]
