"""The seeded database, link and periods the completion tests share (test_completion and
test_completion_post): the commune's monthly item of the Sông Mã plan, reported through the
link its own feed carries."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from calendars.feeds import FeedBuilder, FeedSpec
from dondoc.core.db import session_scope
from models import Agency, Occurrence, PlanItem
from tests.support.ical_check import read_with_icalendar
from tests.support.seeds import seed_song_ma
from tests.support.settings import SettingsEnv

TODAY = date(2019, 3, 1)
COMMUNE = "UBND xã Chiềng Khương"


@pytest.fixture
def app_url(database_url: str, settings_env: SettingsEnv) -> str:
    settings_env.set(
        secret_key="completion-secret-0123456789", base_url="https://dondoc.example.org"
    )
    with session_scope(database_url) as session:
        seed_song_ma(session, compile=True)
    return database_url


def commune_link(url: str) -> tuple[str, int]:
    """The completion link of the commune's monthly item, read from its own feed."""
    with session_scope(url) as session:
        agency = session.scalars(select(Agency).where(Agency.name == COMMUNE)).one()
        body = FeedBuilder(session, TODAY).build(FeedSpec("agency", agency.id, "x")).body
    monthly = next(e for e in read_with_icalendar(body) if "Phát thanh" in e.summary)
    link = re.search(r"https://dondoc\.example\.org(/done/\S+)", monthly.description)
    assert link, monthly.description
    return link.group(1), agency.id


def january_of(url: str, agency_id: int) -> Occurrence:
    """The commune's monthly item due 31/01/2019: past due on TODAY, so done late."""
    with session_scope(url) as session:
        return session.scalars(
            select(Occurrence)
            .join(PlanItem, PlanItem.id == Occurrence.item_id)
            .where(
                Occurrence.agency_id == agency_id,
                Occurrence.due == date(2019, 1, 31),
                PlanItem.content.startswith("Phát thanh"),
            )
        ).one()
