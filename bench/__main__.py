"""Run every benchmark in turn against the local stack: ``python -m bench [name ...]``.

Each prints its figure next to the ceiling it measured in the same run; results worth keeping go
into bench/RESULTS.md with the machine and the date.
"""

import subprocess
import sys

import devstack

BENCHMARKS = (
    "intake_submissions",
    "workflow_instances",
    "notify_throughput",
    "reporting_replay",
    "pipeline",
)


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    devstack.up()
    failed = [
        name
        for name in names or BENCHMARKS
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode != 0
    ]
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
