"""What a sink received, kept as JSON lines in a file so it outlives a restart of the sink."""

import json
from pathlib import Path
from typing import Any

Item = dict[str, Any]


class Inbox:
    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)

    def add(self, item: Item) -> None:
        # One write of one line: readers never see half an item.
        with self._path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(item, ensure_ascii=False) + "\n")

    def items(self) -> list[Item]:
        with self._path.open(encoding="utf-8") as file:
            return [json.loads(line) for line in file if line.strip()]

    def sibling(self, name: str) -> "Inbox":
        """Another inbox in the same folder (each sink keeps its own file)."""
        return Inbox(self._path.with_name(name))

    def clear(self) -> None:
        self._path.write_text("", encoding="utf-8")
