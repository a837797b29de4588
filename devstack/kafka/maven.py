"""Jars from Maven Central into the cache: a pom's dependencies, copied into a lib folder.

Maven runs in batch mode, which prints one line as each file starts and one with its size as it
ends; those lines become the download's progress (files, bytes, rate) and its summary.
"""

import re
import shutil
from pathlib import Path

from devstack.config import StackConfig
from devstack.install import Downloads, Transfer, require_tool, run_tool, transfer_size

# "Downloading from central: https://…/kafka-clients-4.4.0.jar", then
# "Downloaded from central: https://…/kafka-clients-4.4.0.jar (11 MB at 4.2 MB/s)".
_TRANSFER = re.compile(r"Download(ing|ed) from [^:\s]+: \S*/(\S+)(?: \(([\d.]+) ([kMG]?B) at)?")


def maven_transfer(line: str) -> Transfer | None:
    """The download a line of Maven's batch-mode output reports, if any."""
    found = _TRANSFER.search(line)
    if found is None:
        return None
    verb, name, number, unit = found.groups()
    finished = verb == "ed"
    known = finished and number is not None
    return Transfer(name, transfer_size(number, unit) if known else None, finished)


def fetch_jars(config: StackConfig, pom: Path, lib: Path, *, title: str, artefact: str) -> None:
    """Copy ``pom``'s dependencies into ``lib``, replacing it whole once all are there."""
    mvn = require_tool("mvn")
    lib.parent.mkdir(parents=True, exist_ok=True)
    staging = lib.with_name(f"{lib.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    run_tool(
        [
            *(mvn, "-B", "-Dstyle.color=never", f"-Dmaven.repo.local={config.cache_dir / 'm2'}"),
            *("-f", str(pom), "dependency:copy-dependencies", f"-DoutputDirectory={staging}"),
        ],
        what=f"Downloading {title} with Maven",
        cwd=lib.parent,
        downloads=Downloads(
            title, f"{artefact} and its dependencies from Maven Central", maven_transfer
        ),
    )
    shutil.rmtree(lib, ignore_errors=True)
    staging.rename(lib)
