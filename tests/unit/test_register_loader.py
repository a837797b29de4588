"""The register loader sends a page again after a timeout or a 503, and never after a refusal."""

from collections.abc import Callable

import httpx
import pytest

from devstack import register_year
from devstack.demo import Urls
from devstack.register_year import PAGE_ATTEMPTS, RegisterLoader

URLS = Urls("http://intake", "http://workflow", "http://notify", "http://reporting", "http://sinks")
PAGE = [{"register_entry": "TCH-2018-0001"}]
URL = f"{URLS.intake}/register-entries"
Answer = Callable[[int], httpx.Response]


def loader(answers: Answer) -> tuple[RegisterLoader, list[int]]:
    """A loader whose intake answers the n-th request with ``answers(n)``; the requests made."""
    made: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        made.append(len(made) + 1)
        return answers(made[-1])

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return RegisterLoader(URLS, client), made


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(register_year.time, "sleep", waits.append)
    return waits


def test_a_busy_service_gets_the_page_again_after_its_retry_after(no_waiting: list[float]) -> None:
    busy = httpx.Response(503, headers={"Retry-After": "3"})
    page, made = loader(lambda n: busy if n < 3 else httpx.Response(201, json={"entries": []}))
    assert page.post_page(URL, PAGE).status_code == 201
    assert (made, no_waiting) == ([1, 2, 3], [3.0, 3.0])


def test_a_timeout_sends_the_page_again_with_growing_waits(no_waiting: list[float]) -> None:
    def answers(n: int) -> httpx.Response:
        if n < 3:
            raise httpx.ReadTimeout("no answer in time")
        return httpx.Response(200, json={"entries": []})

    page, made = loader(answers)
    assert page.post_page(URL, PAGE).status_code == 200
    assert (made, no_waiting) == ([1, 2, 3], [2.0, 4.0])


def test_a_refused_page_is_sent_once(no_waiting: list[float]) -> None:
    page, made = loader(lambda n: httpx.Response(422, json={"detail": []}))
    assert page.post_page(URL, PAGE).status_code == 422
    assert (made, no_waiting) == ([1], [])


def test_a_service_busy_every_time_gives_its_last_answer() -> None:
    page, made = loader(lambda n: httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct"}))
    assert page.post_page(URL, PAGE).status_code == 503
    assert made == list(range(1, PAGE_ATTEMPTS + 1))
