"""The progress reporter: what its lines say, and how often it writes them, on a fake clock."""

import io

import pytest

from shared.progress import BYTES, Progress, duration, say, size

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def test_a_line_says_done_of_total_the_rate_and_the_time_left() -> None:
    clock, log = FakeClock(), io.StringIO()
    progress = Progress("replay", total=1000, unit="events", stream=log, clock=clock)
    clock.now += 10
    progress.update(250, note="case-submitted")
    assert log.getvalue() == (
        "replay: 250/1,000 events (25%), 25 events/s, 30 s left (case-submitted)\n"
    )


def test_without_a_total_it_shows_the_amount_and_the_rate_only() -> None:
    clock, log = FakeClock(), io.StringIO()
    progress = Progress("Kafka", unit=BYTES, stream=log, clock=clock)
    clock.now += 6
    progress.advance(3_000_000)
    progress.advance(9_000_000)
    clock.now += 6
    progress.advance(0)
    assert log.getvalue().splitlines() == ["Kafka: 3.0 MB, 500.0 kB/s", "Kafka: 12.0 MB, 1.0 MB/s"]


def test_in_a_log_it_writes_a_line_every_five_seconds_at_most() -> None:
    clock, log = FakeClock(), io.StringIO()
    progress = Progress("demo", total=10_000, unit="dossiers", stream=log, clock=clock)
    for _ in range(10_000):
        clock.now += 1 / 64  # 156.25 s in all
        progress.advance()
    progress.finish()
    lines = log.getvalue().splitlines()
    assert len(lines) == 32  # one per 5 s, and the last
    assert "\r" not in log.getvalue()
    assert lines[-1] == "demo: 10,000/10,000 dossiers (100%) in 2 min 36 s (64 dossiers/s)"


def test_on_a_terminal_it_rewrites_one_line_five_times_a_second_at_most() -> None:
    clock, terminal = FakeClock(), Terminal()
    progress = Progress("rebuild", total=100, unit="events", stream=terminal, clock=clock)
    for _ in range(100):
        clock.now += 1 / 16
        progress.advance()
    assert terminal.getvalue().count("\r") == 25
    assert "\n" not in terminal.getvalue()
    assert terminal.getvalue().endswith(
        "\r\x1b[Krebuild: 100/100 events (100%), 16 events/s, 0 s left"
    )
    progress.finish("done")
    assert terminal.getvalue().endswith(
        "\r\x1b[Krebuild: 100/100 events (100%) in 6 s (16 events/s); done\n"
    )


def test_tasks_under_way_share_the_terminal_line_and_lines_said_stay_above_it() -> None:
    clock, terminal = FakeClock(), Terminal()
    kafka = Progress("Kafka", unit=BYTES, stream=terminal, clock=clock)
    store = Progress("SecantusDB", unit=BYTES, stream=terminal, clock=clock)
    clock.now += 1
    kafka.advance(2_000_000)
    store.advance(1_000_000, note="numpy.whl")
    both = "Kafka: 2.0 MB, 2.0 MB/s | SecantusDB: 1.0 MB, 1.0 MB/s (numpy.whl)"
    assert terminal.getvalue().endswith(f"\r\x1b[K{both}")
    kafka.say("fetching the broker")
    assert terminal.getvalue().endswith(f"\r\x1b[KKafka: fetching the broker\n{both}")
    kafka.finish()
    assert terminal.getvalue().endswith(
        "\r\x1b[KKafka: 2.0 MB in 1 s (2.0 MB/s)\nSecantusDB: 1.0 MB, 1.0 MB/s (numpy.whl)"
    )


def test_a_line_said_apart_goes_above_the_status_line() -> None:
    clock, terminal, log = FakeClock(), Terminal(), io.StringIO()
    progress = Progress("demo", total=12, unit="dossiers", stream=terminal, clock=clock)
    clock.now += 2
    progress.advance()
    say("SecantusDB: creating its virtual environment", terminal)
    say("SecantusDB: creating its virtual environment", log)
    assert terminal.getvalue().endswith(
        "\r\x1b[KSecantusDB: creating its virtual environment\n"
        "demo: 1/12 dossiers (8%), 0.5 dossiers/s, 22 s left"
    )
    assert log.getvalue() == "SecantusDB: creating its virtual environment\n"


def test_the_terminal_line_is_cut_to_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "21")
    clock, terminal = FakeClock(), Terminal()
    progress = Progress("a long task name", stream=terminal, clock=clock)
    clock.now += 1
    progress.advance()
    assert terminal.getvalue() == "\r\x1b[Ka long task name: 1,"


def test_leaving_on_an_error_says_it_failed() -> None:
    clock, log = FakeClock(), io.StringIO()
    with (
        pytest.raises(ValueError),
        Progress("demo", total=12, unit="dossiers", stream=log, clock=clock) as progress,
    ):
        clock.now += 3
        progress.advance()
        raise ValueError
    assert log.getvalue() == "demo: 1/12 dossiers (8%) in 3 s (0.3 dossiers/s); failed\n"


def test_sizes_and_durations_read_as_maven_and_people_write_them() -> None:
    assert [size(n) for n in (512, 3_900, 16_900_000, 1_200_000_000)] == [
        "512 B",
        "3.9 kB",
        "16.9 MB",
        "1.2 GB",
    ]
    assert [duration(s) for s in (42.4, 185, 3720)] == ["42 s", "3 min 05 s", "1 h 02 min"]
