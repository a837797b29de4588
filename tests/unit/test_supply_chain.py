"""What gets installed is what was reviewed: exact pins in pyproject.toml, hashed lock files that
cover them (requirements/, made by scripts/lock.sh), and a production image that installs the
runtime lock alone, with hashes, on a base image pinned by digest."""

import ast
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
# Tools for tests, lint, types and the local stack: none may reach the production image.
DEV_TOOLS = {
    "pytest", "pytest-asyncio", "hypothesis", "schemathesis", "ruff", "mypy", "aiosmtpd",
    "testcontainers", "check-jsonschema", "pypdf", "pip-tools", "docker",
}  # fmt: skip


def runtime_requirements() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def dev_requirements() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """Package -> (version, hashes) of one pip-compile lock file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    # An entry is "name==version \" followed by its "--hash=sha256:..." continuation lines.
    for block in re.split(r"\n(?=\S)", (LOCKS / name).read_text(encoding="utf-8")):
        first = block.split("\\", 1)[0].strip()
        if not first or first.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", first)
        assert match, f"{name}: {first!r} is not pinned as name==version"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        entries[canonicalize_name(match[1])] = (match[2], hashes)
    return entries


def exact_version(requirement: Requirement) -> str | None:
    specs = list(requirement.specifier)
    if len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version:
        return specs[0].version
    return None


@pytest.mark.parametrize(
    "requirement", runtime_requirements() + dev_requirements(), ids=lambda r: r.name
)
def test_every_dependency_is_pinned_exactly(requirement: Requirement) -> None:
    assert exact_version(requirement), f"{requirement} in pyproject.toml: pin it with =="


@pytest.mark.parametrize("name", ["build.txt", "runtime.txt", "dev.txt"])
def test_every_locked_package_has_hashes(name: str) -> None:
    entries = lock(name)
    assert entries, f"requirements/{name} locks nothing"
    unhashed = sorted(package for package, (_, hashes) in entries.items() if not hashes)
    assert not unhashed, f"requirements/{name}: no --hash for {unhashed}"


@pytest.mark.parametrize(
    ("name", "requirements"),
    [
        ("runtime.txt", runtime_requirements()),
        ("dev.txt", runtime_requirements() + dev_requirements()),
    ],
    ids=["runtime", "dev"],
)
def test_the_lock_covers_pyproject_at_its_versions(
    name: str, requirements: list[Requirement]
) -> None:
    entries = lock(name)
    for requirement in requirements:
        locked = entries.get(canonicalize_name(requirement.name))
        assert locked, (
            f"{requirement.name} is missing from requirements/{name}: run scripts/lock.sh"
        )
        assert locked[0] == exact_version(requirement), (
            f"requirements/{name} has {requirement.name}=={locked[0]}, pyproject.toml says "
            f"{requirement}: run scripts/lock.sh"
        )


def test_dev_lock_installs_the_same_runtime_as_the_image() -> None:
    dev = lock("dev.txt")
    differing = {p: v for p, (v, _) in lock("runtime.txt").items() if dev.get(p, ("",))[0] != v}
    assert not differing, f"requirements/dev.txt differs from runtime.txt on {differing}"


def test_runtime_lock_holds_no_development_package() -> None:
    found = sorted(p for p in lock("runtime.txt") if p in DEV_TOOLS or p.startswith("types-"))
    assert not found, f"requirements/runtime.txt (the image's) holds {found}"


def test_the_build_lock_satisfies_the_build_backend() -> None:
    build = lock("build.txt")
    for spec in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(spec)
        version = build.get(canonicalize_name(requirement.name), ("",))[0]
        assert version and SpecifierSet(str(requirement.specifier)).contains(version), (
            f"requirements/build.txt has no {requirement} (pyproject's build-system)"
        )


def test_services_import_no_development_package() -> None:
    """aiosmtpd and the like are absent from the image: a service importing one would not start."""
    modules = {tool.replace("-", "_") for tool in DEV_TOOLS}
    offenders = []
    for source in [
        *ROOT.joinpath("shared").rglob("*.py"),
        *ROOT.joinpath("services").rglob("*.py"),
    ]:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offenders += [
                f"{source.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in modules
            ]
    assert not offenders, offenders


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_image_installs_from_the_runtime_lock_with_hashes_only() -> None:
    installs = [
        command.strip()
        for line in dockerfile_instructions()
        if line.startswith("RUN")
        for command in re.split(r"&&|;", line.removeprefix("RUN"))
        if re.search(r"\bpip3? install\b", command)
    ]
    assert any("requirements/runtime.txt" in c or "/runtime.txt" in c for c in installs)
    for command in installs:
        hashed_lock = "--require-hashes" in command and re.search(
            r"-r \S*(runtime|build)\.txt\b", command
        )
        # The project's own wheel, built in the image from the context, takes nothing else.
        own_wheel = "--no-deps" in command and "/wheels/" in command
        assert hashed_lock or own_wheel, f"unchecked install in the Dockerfile: {command}"
    copied = " ".join(line for line in dockerfile_instructions() if line.startswith("COPY"))
    assert "dev.txt" not in copied and "[dev]" not in DOCKERFILE


def test_image_holds_no_development_tool() -> None:
    for line in dockerfile_instructions():
        if line.startswith("RUN"):
            words = set(re.findall(r"[A-Za-z0-9_.\[\]-]+", line))
            assert not words & DEV_TOOLS, f"{line}: installs {words & DEV_TOOLS}"


def test_build_context_leaves_the_dev_lock_out() -> None:
    allowed = [
        line[1:].strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    ]
    assert "requirements/runtime.txt" in allowed
    assert not [a for a in allowed if a.rstrip("/") == "requirements" or "dev" in a], allowed


def test_base_images_are_pinned_by_digest() -> None:
    instructions = dockerfile_instructions()
    stages: set[str] = set()
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)", "\n".join(instructions), re.MULTILINE))
    froms = [line.split() for line in instructions if line.upper().startswith("FROM")]
    assert froms
    for parts in froms:
        image = parts[1]
        # FROM ${ARG}: the ARG's default must itself be pinned.
        arg = re.fullmatch(r"\$\{?(\w+)\}?", image)
        resolved = defaults.get(arg[1], "") if arg else image
        assert image in stages or re.search(r"@sha256:[0-9a-f]{64}$", resolved), (
            f"FROM {image} is not pinned by digest"
        )
        if len(parts) >= 4 and parts[2].upper() == "AS":
            stages.add(parts[3])


def test_image_carries_the_forms_fonts() -> None:
    assert re.search(r"apt-get install[^&]*fonts-dejavu-core[^&]*fonts-dejavu-extra", DOCKERFILE)


def test_bootstrap_installs_the_locks_with_hashes() -> None:
    script = (ROOT / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    assert "--require-hashes" in script
    assert "requirements/dev.txt" in script and "requirements/build.txt" in script
    assert re.search(r"--no-deps[^\n]*-e ", script), "the project itself goes in without deps"
