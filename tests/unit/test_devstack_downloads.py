"""The local stack's installs show what Maven and pip download, read from the tools' own lines."""

import sys
from pathlib import Path

import pytest

from devstack.errors import StackError
from devstack.install import DownloadMeter, Downloads, Transfer, run_tool
from devstack.kafka.maven import maven_transfer
from devstack.store.secantus import pip_transfer

pytestmark = pytest.mark.unit

CENTRAL = "https://repo.maven.apache.org/maven2/org/apache/kafka/kafka-clients/4.4.0"
# As Maven 3.8 prints them in batch mode, and pip 23 with --progress-bar=off.
MAVEN_LINES = [
    "[INFO] Scanning for projects...",
    f"[INFO] Downloading from central: {CENTRAL}/kafka-clients-4.4.0.pom",
    f"[INFO] Downloaded from central: {CENTRAL}/kafka-clients-4.4.0.pom (1.9 kB at 9.2 kB/s)",
    f"[INFO] Downloading from central: {CENTRAL}/kafka-clients-4.4.0.jar",
    f"[INFO] Downloaded from central: {CENTRAL}/kafka-clients-4.4.0.jar (11 MB at 4.2 MB/s)",
    "[INFO] BUILD SUCCESS",
]
PIP_LINES = [
    "Collecting secantusdb==0.7.0b3",
    "  Downloading secantusdb-0.7.0b3-cp311-cp311-manylinux_2_28_x86_64.whl (3.1 MB)",
    "Collecting s2sphere>=0.2.5 (from secantusdb==0.7.0b3)",
    "  Downloading s2sphere-0.2.5-py2.py3-none-any.whl (23 kB)",
    "  Using cached numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl (16.9 MB)",
    "Installing collected packages: s2sphere, secantusdb",
]


def test_maven_lines_name_the_file_and_its_size_once_downloaded() -> None:
    found = [t for t in map(maven_transfer, MAVEN_LINES) if t]
    assert found == [
        Transfer("kafka-clients-4.4.0.pom", None, finished=False),
        Transfer("kafka-clients-4.4.0.pom", 1_900, finished=True),
        Transfer("kafka-clients-4.4.0.jar", None, finished=False),
        Transfer("kafka-clients-4.4.0.jar", 11_000_000, finished=True),
    ]


def test_pip_lines_name_the_file_and_its_size_as_it_begins_not_cached_files() -> None:
    found = [t for t in map(pip_transfer, PIP_LINES) if t]
    assert found == [
        Transfer("secantusdb-0.7.0b3-cp311-cp311-manylinux_2_28_x86_64.whl", 3_100_000, False),
        Transfer("s2sphere-0.2.5-py2.py3-none-any.whl", 23_000, finished=False),
    ]


def meter_output(lines: list[str], downloads: Downloads, capsys: pytest.CaptureFixture[str]) -> str:
    meter = DownloadMeter(downloads)
    for line in lines:
        meter.feed(line)
    meter.finish(failed=False)
    return capsys.readouterr().err


def test_maven_downloads_are_announced_and_summed_up(capsys: pytest.CaptureFixture[str]) -> None:
    downloads = Downloads("Kafka", "kafka_2.13 from Central", maven_transfer)
    lines = meter_output(MAVEN_LINES, downloads, capsys)
    assert lines.splitlines()[0] == "Kafka: fetching kafka_2.13 from Central"
    assert lines.splitlines()[-1].startswith("Kafka: 11.0 MB in ")
    assert lines.splitlines()[-1].endswith("; 2 files downloaded")


def test_pip_downloads_each_say_what_and_how_big_and_count_once_the_next_line_comes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = meter_output(PIP_LINES, Downloads("SecantusDB", "secantusdb", pip_transfer), capsys)
    assert lines.splitlines()[:3] == [
        "SecantusDB: fetching secantusdb",
        "SecantusDB: fetching secantusdb-0.7.0b3-cp311-cp311-manylinux_2_28_x86_64.whl (3.1 MB)",
        "SecantusDB: fetching s2sphere-0.2.5-py2.py3-none-any.whl (23.0 kB)",
    ]
    assert lines.splitlines()[-1].startswith("SecantusDB: 3.1 MB in ")
    assert lines.splitlines()[-1].endswith("; 2 files downloaded")


def test_nothing_downloaded_says_the_cache_had_it_all(capsys: pytest.CaptureFixture[str]) -> None:
    downloads = Downloads("Kafka", "kafka", maven_transfer)
    lines = meter_output(["[INFO] BUILD SUCCESS"], downloads, capsys)
    assert lines.splitlines()[-1].endswith("; nothing to download, all was in the cache")


def test_a_failing_tool_reports_the_end_of_its_output_and_its_downloads_as_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = "; ".join(
        [f"print({line!r})" for line in MAVEN_LINES[:3]]
        + [f"print('line {n}')" for n in range(50)]
        + ["raise SystemExit(3)"]
    )
    with pytest.raises(StackError) as failure:
        run_tool(
            [sys.executable, "-c", script],
            what="Downloading Kafka with Maven",
            cwd=tmp_path,
            downloads=Downloads("Kafka", "kafka", maven_transfer),
        )
    message = str(failure.value)
    assert message.startswith("Downloading Kafka with Maven failed (exit code 3):\nline 10\n")
    assert message.endswith("line 49")
    assert capsys.readouterr().err.splitlines()[-1].endswith("; failed")
