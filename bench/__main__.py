"""Run every benchmark in turn against the local stack: ``python -m bench [name ...]``.

Each prints its figure next to the ceiling it measured in the same run; results worth keeping go
into bench/RESULTS.md with the machine and the date.
"""

import os
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
    # Each benchmark connects as the services do: the stack's own URIs, with their options
    # (journaled writes, retryWrites=false on SecantusDB), not the bare defaults.
    env = os.environ | devstack.up().environment
    command = [sys.executable, "-m"]
    failed = [
        name
        for name in names or BENCHMARKS
        if subprocess.run([*command, f"bench.{name}"], env=env, check=False).returncode != 0
    ]
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
