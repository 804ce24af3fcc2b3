"""GraphiQL's assets, which the service serves itself so that ``/graphql`` works offline.

They are the npm registry's ``graphiql`` package and its peers ``react`` and ``react-dom`` (and
``graphql``), a pinned version each in ``web/graphiql/package.json`` and its
``package-lock.json``. They are not committed: this module's build step installs them with
``npm ci`` and copies what the page loads into :data:`ASSETS_DIR`, with every installed
package's licence in ``LICENSES.txt`` and the versions in ``manifest.json``::

    python -m graph_service.api.graphiql_assets

It runs from a source checkout (it needs ``web/graphiql/`` and npm, Node.js 20+) and needs only
the standard library, so that it runs before ``pip install``. A wheel built after it carries
the assets (``pyproject.toml`` lists them as build artifacts). See docs/graphiql.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph_service.errors import ConfigError

#: Where the built assets are (gitignored); the app serves them (:mod:`graph_service.api.graphiql`).
ASSETS_DIR = Path(__file__).with_name("graphiql_static") / "vendor"
#: The npm project that pins the assets: ``package.json`` and ``package-lock.json``.
SOURCE_DIR = Path(__file__).resolve().parents[2] / "web" / "graphiql"
#: The command that builds them, as the page and the docs tell it.
BUILD_COMMAND = "python -m graph_service.api.graphiql_assets"
MANIFEST = "manifest.json"
LICENSES = "LICENSES.txt"


@dataclass(frozen=True)
class Asset:
    """One file the page loads: ``path`` inside npm package ``package``, served as ``name``."""

    package: str
    path: str
    name: str


#: The files the page loads, in the order it loads them.
ASSETS = (
    Asset("graphiql", "graphiql.min.css", "graphiql.min.css"),
    Asset("react", "umd/react.production.min.js", "react.production.min.js"),
    Asset("react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"),
    Asset("graphiql", "graphiql.min.js", "graphiql.min.js"),
)


def missing(directory: Path = ASSETS_DIR) -> list[str]:
    """The files of :data:`ASSETS` (and the manifest and licences) not in ``directory``.

    >>> import tempfile
    >>> missing(Path(tempfile.mkdtemp()))[:2]
    ['graphiql.min.css', 'react.production.min.js']
    """
    names = [a.name for a in ASSETS] + [MANIFEST, LICENSES]
    return [name for name in names if not (directory / name).is_file()]


def manifest(directory: Path = ASSETS_DIR) -> dict[str, str]:
    """The versions of the packages the assets in ``directory`` came from (empty: none)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.get("packages", {}).items()}


def pins(source: Path = SOURCE_DIR) -> dict[str, str]:
    """The exact versions ``source``'s ``package.json`` pins (a range is a :class:`ConfigError`).

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "package.json").write_text('{"dependencies": {"react": "18.3.1"}}')
    >>> pins(d)
    {'react': '18.3.1'}
    """
    file = source / "package.json"
    try:
        declared = json.loads(file.read_text(encoding="utf-8")).get("dependencies", {})
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file}: cannot read the pinned GraphiQL packages ({exc})") from None
    for name, version in declared.items():
        if not all(part.isdigit() for part in str(version).split(".")):
            raise ConfigError(f"{file}: {name} must be pinned to one version, not {version!r}")
    return {str(k): str(v) for k, v in declared.items()}


def collect(source: Path, target: Path) -> dict[str, str]:
    """Copy the assets from ``source/node_modules`` into ``target`` (replaced whole), with the
    licences of every package the lock file installed and a manifest; the pinned versions.

    A package whose installed version is not its pin, or a file the page needs that is not
    there, is a :class:`ConfigError` naming it (run ``npm ci`` again).
    """
    pinned = pins(source)
    modules = source / "node_modules"
    for name, version in pinned.items():
        installed = _package_json(modules / name).get("version")
        if installed != version:
            raise ConfigError(
                f"{modules / name}: version {installed!r} installed, package.json pins "
                f"{version!r} (run npm ci in {source})"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".graphiql-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for asset in ASSETS:
            origin = modules / asset.package / asset.path
            if not origin.is_file():
                raise ConfigError(f"{origin}: missing from the {asset.package} package")
            shutil.copyfile(origin, staging / asset.name)
        (staging / LICENSES).write_text(_licences(source), encoding="utf-8")
        (staging / MANIFEST).write_text(
            json.dumps({"packages": pinned, "files": [a.name for a in ASSETS]}, indent=2) + "\n",
            encoding="utf-8",
        )
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return pinned


def build(source: Path = SOURCE_DIR, target: Path = ASSETS_DIR, npm: str = "npm") -> dict[str, str]:
    """``npm ci`` in ``source``, then :func:`collect` into ``target``; the pinned versions."""
    if not (source / "package-lock.json").is_file():
        raise ConfigError(
            f"{source / 'package-lock.json'} not found: the GraphiQL assets are built from a "
            "source checkout of abmgraph (web/graphiql/)"
        )
    executable = shutil.which(npm)
    if executable is None:
        raise ConfigError(
            f"{npm!r} not found: building the GraphiQL assets needs npm (Node.js 20 or later)"
        )
    command = [executable, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
    done = subprocess.run(command, cwd=source, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        raise ConfigError(f"npm ci in {source} failed (exit {done.returncode}):\n{tail}")
    return collect(source, target)


def _package_json(directory: Path) -> dict[str, object]:
    try:
        data = json.loads((directory / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _licences(source: Path) -> str:
    """Every package the lock file installed: name, version, licence and its licence text."""
    lock = json.loads((source / "package-lock.json").read_text(encoding="utf-8"))
    parts = [
        "Third-party software in abmgraph's GraphiQL assets (installed from the npm registry by\n"
        f"{BUILD_COMMAND}; the files served are bundles of these packages).\n"
    ]
    for where in sorted(p for p in lock.get("packages", {}) if p.startswith("node_modules/")):
        directory = source / where
        meta = _package_json(directory)
        name = where.rsplit("node_modules/", 1)[-1]
        files = sorted(
            f
            for f in (directory.iterdir() if directory.is_dir() else ())
            if f.is_file() and f.name.lower().startswith(("license", "licence"))
        )
        text = "\n\n".join(f.read_text(encoding="utf-8", errors="replace").strip() for f in files)
        parts.append(
            f"\n{'=' * 78}\n{name} {meta.get('version', '?')} "
            f"({meta.get('license', 'licence not declared')})\n{'-' * 78}\n"
            f"{text or '(the package has no licence file)'}\n"
        )
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Build the assets; a failure is one line on stderr and exit status 1."""
    parser = argparse.ArgumentParser(
        prog=BUILD_COMMAND, description="Build the GraphiQL assets the service serves itself."
    )
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="the npm project")
    parser.add_argument("--out", type=Path, default=ASSETS_DIR, help="where to put the assets")
    args = parser.parse_args(argv)
    try:
        versions = build(args.source, args.out)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    print(f"GraphiQL assets built in {args.out} ({listed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
