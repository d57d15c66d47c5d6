"""The Prefect API calls of the demo and the stack under a busy server: a read that times out
or a 503 is asked again (a loaded machine is not a failure), and a server that never answers
is a message naming the request, not a traceback."""

from __future__ import annotations

import httpx
import pytest

from dondoc import stack
from dondoc.stack import StackError, create_flow_run, wait_for_flow_runs


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack.time, "sleep", lambda _seconds: None)


def serve(monkeypatch: pytest.MonkeyPatch, answer: httpx.MockTransport) -> list[httpx.Request]:
    """Every client the stack opens talks to `answer` (the network is the outermost I/O)."""
    seen: list[httpx.Request] = []
    real_client = httpx.Client

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer.handle_request(request)

    def client(**kwargs: object) -> httpx.Client:
        return real_client(transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stack.httpx, "Client", client)
    return seen


@pytest.mark.usefixtures("no_waiting")
def test_a_read_timing_out_under_load_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    tries = iter(["timeout", "busy", "done"])

    def answer(request: httpx.Request) -> httpx.Response:
        match next(tries):
            case "timeout":
                raise httpx.ReadTimeout("timed out", request=request)
            case "busy":
                return httpx.Response(503)
            case _:
                return httpx.Response(200, json={"id": "r1", "state": {"type": "COMPLETED"}})

    seen = serve(monkeypatch, httpx.MockTransport(answer))
    assert wait_for_flow_runs("http://api.test/api", ["r1"])["r1"]["state"]["type"] == "COMPLETED"
    assert len(seen) == 3


@pytest.mark.usefixtures("no_waiting")
def test_an_api_that_never_answers_is_a_message_naming_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    serve(monkeypatch, httpx.MockTransport(answer))
    with pytest.raises(StackError) as error:
        wait_for_flow_runs("http://api.test/api", ["r1"])
    where = "the Prefect API at http://api.test/api/"
    assert str(error.value) == f"{where} did not answer /flow_runs/r1: ReadTimeout timed out"


@pytest.mark.usefixtures("no_waiting")
def test_a_repeated_create_carries_one_idempotency_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A create whose answer was lost is asked again with the same key: Prefect gives back the
    run it made instead of a second one."""
    posts = iter(["timeout", "made"])

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"id": "d1"})
        if next(posts) == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(201, json={"id": "run-1"})

    seen = serve(monkeypatch, httpx.MockTransport(answer))
    assert (
        create_flow_run("http://api.test/api", "compile/daily", {"date": "2025-06-16"}) == "run-1"
    )
    creates = [request.content for request in seen if request.method == "POST"]
    assert len(creates) == 2 and creates[0] == creates[1] and b"idempotency_key" in creates[0]
