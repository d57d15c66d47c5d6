"""approve-plan and compile-plan against the real (temporary) Prefect server of the session,
on SQLite and on PostgreSQL. Each flow run costs about a second: the tests run few."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    FlowRunFilterStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import Artifact, FlowRun, StateType, TaskRun
from prefect.flow_runs import resume_flow_run
from sqlalchemy import func, select

from dondoc.core.clock import now_utc
from dondoc.core.db import session_scope
from models import Occurrence, Plan
from tests.support.seeds import seed_song_ma
from tests.support.settings import SettingsEnv

WAIT_SECONDS = 60


@pytest.fixture
def dondoc_db(database_url: str, settings_env: SettingsEnv) -> str:
    """The flows' database is the test's, through the settings as in production."""
    settings_env.set(database_url=database_url)
    return database_url


def seed_plan(url: str, *, approve: bool) -> int:
    with session_scope(url) as session:
        return seed_song_ma(session, approve=approve, at=now_utc())


def task_runs_of(flow_run_id: UUID) -> list[TaskRun]:
    """The run's task runs once the server has recorded them all: the server writes them
    from events in batches, after the flow run has already finished."""
    flow_runs = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    seen: list[TaskRun] = []
    deadline = time.monotonic() + WAIT_SECONDS
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_task_runs(flow_run_filter=flow_runs)
            settled = all(run.state and run.state.is_final() for run in runs)
            if runs and settled and len(runs) == len(seen):
                return runs
            seen = runs
            time.sleep(0.5)
    raise AssertionError(f"the task runs of {flow_run_id} did not settle: {len(seen)} seen")


def artifacts_of(flow_run_id: UUID) -> dict[str, Artifact]:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {artifact.key: artifact for artifact in found if artifact.key}


def occurrence_count(url: str) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(Occurrence)) or 0


def test_compile_plan_flow_writes_occurrences_once_in_a_run_sized_by_items(dondoc_db: str) -> None:
    from flows.compile_plan import compile_plan

    plan_id = seed_plan(dondoc_db, approve=True)
    state = compile_plan(plan_id, return_state=True)
    first = state.result()
    written = occurrence_count(dondoc_db)
    assert first["counts"]["added"] == written > 100
    assert first["changed"] and first["version"] == 1

    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    runs = task_runs_of(flow_run_id)
    assert len(runs) == 7 + 3  # prepare, one expand per item, store, publish: not per date
    assert {"item 2 (weekly)", "item 7 (semiannual)"} <= {run.name for run in runs}

    artifacts = artifacts_of(flow_run_id)
    table = json.loads(str(artifacts["plan-compile"].data))
    assert len(table) == 82  # one row per (item, lead agency): 29 + 1 + 19 + 2 + 1 + 29 + 1
    weekly = next(row for row in table if row["#"] == "2")
    assert weekly["Đơn vị chủ trì"] == "Trung tâm Truyền thông - Văn hóa huyện"
    # weekly on Fridays; the period is over, so its first dates are shown
    assert weekly["Hạn tiếp theo"] == "2019-01-11, 2019-01-18, 2019-01-25"
    diff = str(artifacts["plan-compile-diff"].data)
    assert f"thêm mới: {written}" in diff and "33/KH-UBND" in diff

    again = compile_plan(plan_id)  # a doubled run, or an admin clicking twice
    assert again["counts"]["added"] == 0 and again["counts"]["unchanged"] == written
    assert not again["changed"]
    assert occurrence_count(dondoc_db) == written


def test_compile_plan_flow_fails_on_a_draft_saying_it_must_be_approved(dondoc_db: str) -> None:
    from flows.compile_plan import compile_plan

    plan_id = seed_plan(dondoc_db, approve=False)
    state = compile_plan(plan_id, return_state=True)
    assert state.is_failed()
    assert "only approved plans compile" in (state.message or "")
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    (prepare,) = task_runs_of(flow_run_id)  # nothing ran after it
    assert prepare.run_count == 1  # a CompileError is not retried
    assert occurrence_count(dondoc_db) == 0


# --- approve-plan: a paused run resumed with the admin's answer -----------------------------


def wait_for(check: Callable[[], FlowRun | None], what: str) -> FlowRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = check()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {WAIT_SECONDS} s")


def paused_approve_run(
    since: datetime, not_this: str | None = None
) -> Callable[[], FlowRun | None]:
    def check() -> FlowRun | None:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["approve-plan"])),
                flow_run_filter=FlowRunFilter(
                    start_time=FlowRunFilterStartTime(after_=since),
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED])),
                ),
            )
        fresh = [run for run in runs if run.state and run.state.state_details.pause_key != not_this]
        return fresh[0] if fresh else None

    return check


class Background:
    """approve-plan in a thread, as a worker would run it while the admin decides."""

    def __init__(self, plan_id: int) -> None:
        from flows.approve_plan import approve_plan

        self.outcome: list[Any] = []
        self.thread = threading.Thread(
            target=lambda: self.outcome.append(approve_plan(plan_id, return_state=True)),
            daemon=True,
        )
        self.thread.start()

    def finish(self) -> Any:
        self.thread.join(WAIT_SECONDS)
        assert not self.thread.is_alive(), "approve-plan did not finish"
        return self.outcome[0]


@pytest.fixture
def fast_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The paused run asks the server every second rather than every ten."""
    import flows.approve_plan

    monkeypatch.setattr(flows.approve_plan, "PAUSE_POLL_SECONDS", 1)


@dataclass
class PausedReview:
    plan_id: int
    since: datetime
    run: Background
    paused: FlowRun


@pytest.fixture
def paused_review(dondoc_db: str, fast_pause: None) -> PausedReview:
    """A draft plan and an approve-plan run paused on its Resume form."""
    plan_id = seed_plan(dondoc_db, approve=False)
    since = now_utc()
    run = Background(plan_id)
    return PausedReview(plan_id, since, run, wait_for(paused_approve_run(since), "paused run"))


def test_approve_plan_flow_records_the_approval_given_in_the_resume_form(
    dondoc_db: str, paused_review: PausedReview
) -> None:
    plan_id, run, paused = paused_review.plan_id, paused_review.run, paused_review.paused

    with pytest.raises(RuntimeError, match="approver"):  # the server checks the form's schema
        resume_flow_run(paused.id, run_input={"approver": "", "decision": "approve"})
    resume_flow_run(
        paused.id, run_input={"approver": "Nguyễn Văn A", "decision": "approve", "comment": "ok"}
    )
    state = run.finish()
    assert state.is_completed() and state.result() == "approved"
    with session_scope(dondoc_db) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        assert (plan.status, plan.approved_by) == ("approved", "Nguyễn Văn A")
        assert (plan.approved_at is not None, plan.review_comment) == (True, "ok")
    review = str(artifacts_of(paused.id)["plan-review"].data)
    assert "33/KH-UBND" in review and "Số nhiệm vụ: 7" in review


def test_approve_plan_flow_rejects_with_the_comment_after_asking_again_for_a_blank_name(
    dondoc_db: str, paused_review: PausedReview
) -> None:
    plan_id, run, paused = paused_review.plan_id, paused_review.run, paused_review.paused
    since = paused_review.since
    first_pause = paused.state.state_details.pause_key if paused.state else None

    resume_flow_run(paused.id, run_input={"approver": "   ", "decision": "reject"})
    again = wait_for(paused_approve_run(since, not_this=first_pause), "second pause")
    assert again.id == paused.id
    resume_flow_run(
        again.id,
        run_input={"approver": "Trần Thị B", "decision": "reject", "comment": " Thiếu hạn "},
    )
    state = run.finish()
    assert state.is_completed() and state.result() == "rejected"
    with session_scope(dondoc_db) as session:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        assert (plan.status, plan.approved_by, plan.review_comment) == (
            "rejected",
            "Trần Thị B",
            "Thiếu hạn",
        )


def test_approve_plan_flow_refuses_a_plan_that_is_not_a_draft_without_pausing(
    dondoc_db: str,
) -> None:
    from flows.approve_plan import approve_plan

    plan_id = seed_plan(dondoc_db, approve=True)
    state = approve_plan(plan_id, return_state=True)
    assert state.is_failed()
    assert "only a draft can be approved or rejected" in (state.message or "")
    assert state.state_details.flow_run_id is not None
    with get_client(sync_client=True) as client:
        history = client.read_flow_run_states(state.state_details.flow_run_id)
    assert StateType.RUNNING in {s.type for s in history}
    assert StateType.PAUSED not in {s.type for s in history}  # no form was ever shown


def test_split_batches_caps_a_long_plan_at_fifty_task_runs_in_plan_order() -> None:
    from flows.compile_plan import batch_run_name, split_batches
    from tasks.schedule import ItemSpec

    specs = [ItemSpec(i, str(i), f"k{i}", "…", {"kind": "once"}, (1,)) for i in range(1, 131)]
    batches = split_batches(specs)
    assert len(batches) == 50
    assert [spec for batch in batches for spec in batch] == specs
    assert {len(batch) for batch in batches} == {2, 3}
    assert batch_run_name({"items": batches[0]}) == "items 1–3"
    assert [len(batch) for batch in split_batches(specs[:7])] == [1] * 7
    assert batch_run_name({"items": split_batches(specs[:7])[3]}) == "item 4 (once)"
