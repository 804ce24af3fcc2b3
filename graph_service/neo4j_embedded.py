"""A real Neo4j Community server for tests and local development, without Docker.

The server is Neo4j embedded in a tiny Java launcher (``graph_service/embedded_neo4j``) with
only the Bolt connector, listening on loopback with auth disabled. Maven builds the launcher
once into a cache directory; the result is reused until the pom or the Java source changes.

Two ways to run it:

* :class:`EmbeddedNeo4j` -- owned by this Python process (pytest fixtures). With
  ``tie_to_parent=True`` the server exits when this process dies, so no orphan is left.
* :func:`start_detached` / :func:`status_detached` / :func:`stop_detached` -- a server that
  outlives the Python process (the CLI); its pid and URI are kept in ``state_dir/neo4j.json``.

Both take the JVM heap (``heap``, ``-Xmx`` syntax, 1 GiB by default), Neo4j's page cache
(``pagecache_mb``, 96 MiB by default) and ``apoc``: with it, the APOC core plugin (a dependency
of the launcher's build) is put in ``data_dir/plugins`` and its ``apoc.*`` procedures are
allowlisted; without it, the plugin is neither on the classpath nor in the plugins directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import platformdirs
from filelock import FileLock

from graph_service.errors import EmbeddedNeo4jError

__all__ = [
    "EmbeddedNeo4j",
    "EmbeddedNeo4jError",
    "ServerState",
    "build_classpath",
    "check_memory",
    "default_cache_dir",
    "free_port",
    "launch_command",
    "size_mb",
    "split_apoc",
    "start_detached",
    "status_detached",
    "stop_detached",
]

LAUNCHER_DIR = Path(__file__).resolve().parent / "embedded_neo4j"
MAIN_CLASS = "io.abmgraph.embedded.EmbeddedNeo4j"
HOST = "127.0.0.1"
#: JVM options: a small heap, a GC with few threads (faster start on small machines), and the
#: ``--add-opens`` that Neo4j's own server script passes (page cache access to direct buffers).
#: ``heap`` and ``pagecache_mb`` of :class:`EmbeddedNeo4j` override the heap and the page cache
#: (96 MiB by default), e.g. for benchmarks on large graphs. A heap of
#: :data:`LARGE_HEAP_BYTES` or more is run as Neo4j runs its servers: the G1 collector, and
#: the whole heap from the start (``-Xms`` = ``-Xmx``), so that big queries are not slowed by
#: a small young generation collected over and over and by full collections as it grows.
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE_MB = 96
LARGE_HEAP_BYTES = 2 * 1024**3
MIN_HEAP_BYTES = 256 * 1024**2
MIN_PAGECACHE_MB = 8
SMALL_HEAP_GC = "-XX:+UseSerialGC"
JVM_OPTIONS = (
    f"-Xmx{DEFAULT_HEAP}",
    SMALL_HEAP_GC,
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
#: The plugin loaded with ``apoc=True`` (its jars' names start so) and what it allowlists.
APOC_JAR_PREFIXES = ("apoc-core-", "apoc-common-")
APOC_PROCEDURES = "apoc.*"
PLUGINS_DIR = "plugins"
LOG_NAME = "launcher.log"
STATE_NAME = "neo4j.json"
_READY = "READY "
_TAIL_LINES = 40
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # Maven 3.8 emits these even in batch mode


def default_cache_dir() -> Path:
    """Return the build cache: ``$ABMGRAPH_CACHE_DIR/embedded-neo4j`` or the user cache dir."""
    base = os.environ.get("ABMGRAPH_CACHE_DIR") or platformdirs.user_cache_dir("abmgraph")
    return Path(base) / "embedded-neo4j"


def _tail(text: str, lines: int = _TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _read_tail(path: Path) -> str:
    try:
        return _tail(path.read_text(errors="replace"))
    except OSError:
        return ""


def _source_hash() -> str:
    digest = hashlib.sha256()
    for path in [LAUNCHER_DIR / "pom.xml", *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]:
        digest.update(path.relative_to(LAUNCHER_DIR).as_posix().encode())
        digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _which(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise EmbeddedNeo4jError(
            f"`{tool}` not found on PATH; the embedded Neo4j needs Java 17+ and Maven 3.6+"
        )
    return found


def _cached_classpath(cache_dir: Path, key: str) -> str | None:
    classes = cache_dir / "build" / "classes"
    try:
        if (cache_dir / "build.key").read_text() != key:
            return None
        deps = (cache_dir / "classpath.txt").read_text().strip()
    except OSError:
        return None
    entries = [str(classes), *deps.split(os.pathsep)]
    if not all(Path(entry).exists() for entry in entries):  # e.g. ~/.m2 was cleaned
        return None
    return os.pathsep.join(entries)


def build_classpath(cache_dir: Path, *, quiet: bool = True) -> str:
    """Build the launcher with Maven (only if needed) and return its Java classpath.

    The build is cached in ``cache_dir`` keyed by a hash of the pom and the Java source, and
    guarded by a file lock so concurrent callers build once. The first build downloads Neo4j
    (~150 MB) into the local Maven repository. With ``quiet=False`` Maven's output goes to
    the terminal instead of being captured.

    Raises:
        EmbeddedNeo4jError: ``java`` or ``mvn`` is missing, or the Maven build failed.
    """
    _which("java")
    mvn = _which("mvn")
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = _source_hash()
    with FileLock(cache_dir / "build.lock"):
        classpath = _cached_classpath(cache_dir, key)
        if classpath is not None:
            return classpath
        (cache_dir / "build.key").unlink(missing_ok=True)
        cmd = [
            mvn,
            *(["-q"] if quiet else []),
            "-B",
            "-f",
            str(LAUNCHER_DIR / "pom.xml"),
            f"-Dabmgraph.buildDir={cache_dir / 'build'}",
            "compile",
            "dependency:build-classpath",
            f"-Dmdep.outputFile={cache_dir / 'classpath.txt'}",
        ]
        result = subprocess.run(
            cmd,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            output = _tail(_ANSI_ESCAPE.sub("", result.stdout)) if quiet else "(see output above)"
            raise EmbeddedNeo4jError(
                f"Maven build of the embedded Neo4j launcher failed "
                f"(exit {result.returncode}): {' '.join(cmd)}\n{output}"
            )
        (cache_dir / "build.key").write_text(key)
        classpath = _cached_classpath(cache_dir, key)
        if classpath is None:
            raise EmbeddedNeo4jError(f"Maven succeeded but left no usable classpath in {cache_dir}")
        return classpath


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_open(port: int, host: str = HOST) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1.0):
        return True
    return False


def _jvm_options(heap: str, pagecache_mb: int) -> list[str]:
    """The launcher's JVM options for a heap size (``-Xmx`` syntax) and page cache.

    >>> _jvm_options("1g", 96)[:3]
    ['-Xmx1g', '-Dabmgraph.pagecache.mb=96', '-XX:+UseSerialGC']
    >>> _jvm_options("6g", 6144)[:4]
    ['-Xmx6g', '-Xms6g', '-XX:+UseG1GC', '-Dabmgraph.pagecache.mb=6144']
    """
    options = [o for o in JVM_OPTIONS if not o.startswith("-Xmx")]
    if _heap_bytes(heap) < LARGE_HEAP_BYTES:
        return [f"-Xmx{heap}", f"-Dabmgraph.pagecache.mb={pagecache_mb}", *options]
    options = [o for o in options if o != SMALL_HEAP_GC]
    return [
        f"-Xmx{heap}",
        f"-Xms{heap}",
        "-XX:+UseG1GC",
        f"-Dabmgraph.pagecache.mb={pagecache_mb}",
        *options,
    ]


def _heap_bytes(heap: str) -> int:
    """A JVM heap size (``512m``, ``6g``, ``1073741824``) in bytes.

    >>> _heap_bytes("6g"), _heap_bytes("512M"), _heap_bytes("2048")
    (6442450944, 536870912, 2048)
    """
    units = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
    text = heap.strip().lower()
    try:
        if text and text[-1] in units:
            return int(text[:-1]) * units[text[-1]]
        return int(text)
    except ValueError:
        raise EmbeddedNeo4jError(f"not a JVM heap size: {heap!r} (e.g. 4g, 512m)") from None


def check_memory(heap: str, pagecache_mb: int) -> None:
    """Refuse a heap or page cache the server cannot start with, saying which and why.

    >>> check_memory("4g", 4096)
    >>> check_memory("4x", 96)
    Traceback (most recent call last):
    ...
    graph_service.errors.EmbeddedNeo4jError: not a JVM heap size: '4x' (e.g. 4g, 512m)
    >>> check_memory("1m", 96)
    Traceback (most recent call last):
    ...
    graph_service.errors.EmbeddedNeo4jError: heap '1m' is too small: Neo4j needs at least 256m
    >>> check_memory("1g", 0)
    Traceback (most recent call last):
    ...
    graph_service.errors.EmbeddedNeo4jError: page cache 0 MiB: give at least 8 MiB
    """
    if _heap_bytes(heap) < MIN_HEAP_BYTES:
        raise EmbeddedNeo4jError(f"heap {heap!r} is too small: Neo4j needs at least 256m")
    if pagecache_mb < MIN_PAGECACHE_MB:
        raise EmbeddedNeo4jError(
            f"page cache {pagecache_mb} MiB: give at least {MIN_PAGECACHE_MB} MiB"
        )


def size_mb(text: str) -> int:
    """A size in JVM syntax (``4g``, ``512m``, bytes without a unit) in whole MiB.

    >>> size_mb("4g"), size_mb("512m"), size_mb("1048576")
    (4096, 512, 1)
    """
    return _heap_bytes(text) // 1024**2


def split_apoc(classpath: str) -> tuple[str, list[Path]]:
    """The classpath without APOC's jars (core and common), and those jars.

    >>> cp = os.pathsep.join(["/b/classes", "/m2/apoc-core-5.26.19.jar", "/m2/neo4j-5.26.30.jar"])
    >>> rest, jars = split_apoc(cp)
    >>> rest.split(os.pathsep), [jar.name for jar in jars]
    (['/b/classes', '/m2/neo4j-5.26.30.jar'], ['apoc-core-5.26.19.jar'])
    """
    rest: list[str] = []
    jars: list[Path] = []
    for entry in classpath.split(os.pathsep):
        if Path(entry).name.startswith(APOC_JAR_PREFIXES) and entry.endswith(".jar"):
            jars.append(Path(entry))
        else:
            rest.append(entry)
    return os.pathsep.join(rest), jars


def launch_command(
    java: str,
    classpath: str,
    data_dir: Path,
    port: int,
    *,
    heap: str = DEFAULT_HEAP,
    pagecache_mb: int = DEFAULT_PAGECACHE_MB,
    apoc: bool = False,
    tie_to_parent: bool = False,
) -> list[str]:
    """The launcher's command line: JVM options, classpath (APOC's jar only with ``apoc``), args.

    >>> cmd = launch_command("java", "/b/classes:/m2/apoc-core-5.26.19.jar", Path("/d"), 7687,
    ...                      heap="4g", pagecache_mb=4096, apoc=True)
    >>> cmd[1:4], cmd[-2:]
    (['-Xmx4g', '-Xms4g', '-XX:+UseG1GC'], ['--procedures', 'apoc.*'])
    """
    rest, jars = split_apoc(classpath)
    cmd = [
        java,
        *_jvm_options(heap, pagecache_mb),
        "-cp",
        classpath if apoc else rest,
        MAIN_CLASS,
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--host",
        HOST,
    ]
    if tie_to_parent:
        cmd.append("--exit-on-stdin-eof")
    if apoc:
        if not any(jar.name.startswith(APOC_JAR_PREFIXES[0]) for jar in jars):
            raise EmbeddedNeo4jError("the launcher's classpath has no APOC core jar (see its pom)")
        cmd += ["--procedures", APOC_PROCEDURES]
    return cmd


def _place_plugins(data_dir: Path, classpath: str, *, apoc: bool) -> None:
    """Put APOC's jars in ``data_dir/plugins`` when asked; take it out otherwise."""
    plugins = data_dir / PLUGINS_DIR
    plugins.mkdir(parents=True, exist_ok=True)
    for old in plugins.glob("apoc-*.jar"):
        old.unlink()
    if apoc:
        for jar in split_apoc(classpath)[1]:
            shutil.copyfile(jar, plugins / jar.name)


def _launch(
    data_dir: Path,
    port: int,
    cache_dir: Path,
    *,
    tie_to_parent: bool,
    detach: bool,
    heap: str = DEFAULT_HEAP,
    pagecache_mb: int = DEFAULT_PAGECACHE_MB,
    apoc: bool = False,
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the launcher JVM with stdout and stderr going to ``data_dir/launcher.log``."""
    check_memory(heap, pagecache_mb)
    classpath = build_classpath(cache_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / LOG_NAME
    cmd = launch_command(
        _which("java"),
        classpath,
        data_dir,
        port,
        heap=heap,
        pagecache_mb=pagecache_mb,
        apoc=apoc,
        tie_to_parent=tie_to_parent,
    )
    _place_plugins(data_dir, classpath, apoc=apoc)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if tie_to_parent else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=detach,
        )
    return proc, log_path


def _wait_ready(proc: subprocess.Popen[bytes], log_path: Path, timeout: float) -> str:
    """Wait for the ``READY bolt://...`` line and return the URI; kill the JVM on failure."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), log_path.open(errors="replace") as log:
            for line in log:
                if line.startswith(_READY):
                    return line[len(_READY) :].strip()
        if proc.poll() is not None:
            problem = f"exited with code {proc.returncode} before it was ready"
            break
        if time.monotonic() > deadline:
            problem = f"was not ready after {timeout:.0f}s"
            break
        time.sleep(0.05)
    _terminate(proc, grace=5)
    raise EmbeddedNeo4jError(
        f"embedded Neo4j {problem}; log {log_path}:\n{_read_tail(log_path)}\n"
        f"(Neo4j's own log: {log_path.parent / 'logs' / 'debug.log'})"
    )


def _terminate(proc: subprocess.Popen[bytes], grace: float) -> None:
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class EmbeddedNeo4j:
    """A Neo4j server owned by this process; also a context manager (start on enter).

    Args:
        data_dir: Neo4j home; databases, ``logs/debug.log`` and ``launcher.log`` go here.
        port: Bolt port on 127.0.0.1; a free one is picked when ``None``.
        cache_dir: launcher build cache; :func:`default_cache_dir` when ``None``.
        tie_to_parent: keep a pipe to the server's stdin so it exits when this process dies.
        heap: the JVM's maximum heap (``-Xmx``), e.g. ``"4g"``.
        pagecache_mb: Neo4j's page cache in MiB.
        apoc: load the APOC core plugin (``apoc.*`` procedures allowlisted).
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        cache_dir: Path | None = None,
        tie_to_parent: bool = True,
        heap: str = DEFAULT_HEAP,
        pagecache_mb: int = DEFAULT_PAGECACHE_MB,
        apoc: bool = False,
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.tie_to_parent = tie_to_parent
        self.heap = heap
        self.pagecache_mb = pagecache_mb
        self.apoc = apoc
        self._proc: subprocess.Popen[bytes] | None = None
        self._uri: str | None = None

    def start(self, timeout: float = 180) -> str:
        """Start the server (building the launcher first if needed) and return its bolt URI.

        ``timeout`` bounds the wait for Bolt to accept connections, not the Maven build.
        """
        if self._proc is not None and self._uri is not None:
            return self._uri
        if self.port is None:
            self.port = free_port()
        proc, log_path = _launch(
            self.data_dir,
            self.port,
            self.cache_dir,
            tie_to_parent=self.tie_to_parent,
            detach=False,
            heap=self.heap,
            pagecache_mb=self.pagecache_mb,
            apoc=self.apoc,
        )
        self._proc = proc
        try:
            self._uri = _wait_ready(proc, log_path, timeout)
        except BaseException:
            _terminate(proc, grace=5)
            self._proc = None
            raise
        return self._uri

    def stop(self, timeout: float = 60) -> None:
        """Shut the server down cleanly (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        if self._proc is not None:
            _terminate(self._proc, grace=timeout)
        self._proc = None
        self._uri = None

    @property
    def uri(self) -> str:
        """The bolt URI, e.g. ``bolt://127.0.0.1:7687``."""
        if self._uri is None:
            raise EmbeddedNeo4jError("embedded Neo4j is not running")
        return self._uri

    @property
    def pid(self) -> int:
        """The server's process id."""
        if self._proc is None:
            raise EmbeddedNeo4jError("embedded Neo4j is not running")
        return self._proc.pid

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class ServerState:
    """What ``state_dir/neo4j.json`` records about a detached server."""

    pid: int
    uri: str
    port: int
    data_dir: Path
    log_path: Path
    heap: str = DEFAULT_HEAP
    pagecache_mb: int = DEFAULT_PAGECACHE_MB
    apoc: bool = False

    def to_json(self) -> str:
        """Serialize for the state file."""
        return json.dumps(
            {
                "pid": self.pid,
                "uri": self.uri,
                "port": self.port,
                "data_dir": str(self.data_dir),
                "log_path": str(self.log_path),
                "heap": self.heap,
                "pagecache_mb": self.pagecache_mb,
                "apoc": self.apoc,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> ServerState:
        """Parse a state file written by :meth:`to_json`."""
        raw: dict[str, Any] = json.loads(text)
        return cls(
            pid=int(raw["pid"]),
            uri=str(raw["uri"]),
            port=int(raw["port"]),
            data_dir=Path(raw["data_dir"]),
            log_path=Path(raw["log_path"]),
            heap=str(raw.get("heap", DEFAULT_HEAP)),
            pagecache_mb=int(raw.get("pagecache_mb", DEFAULT_PAGECACHE_MB)),
            apoc=bool(raw.get("apoc", False)),
        )


def _read_state(state_dir: Path) -> ServerState | None:
    try:
        return ServerState.from_json((state_dir / STATE_NAME).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live (non-zombie) launcher JVM."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that has exited: reap it
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")  # guard against pid reuse where /proc exists
    with contextlib.suppress(OSError):
        return MAIN_CLASS.encode() in cmdline.read_bytes()
    return True


def status_detached(state_dir: Path) -> ServerState | None:
    """Return the detached server's state if its process is alive and Bolt accepts TCP."""
    state = _read_state(state_dir)
    if state is None or not _pid_alive(state.pid) or not _port_open(state.port):
        return None
    return state


def start_detached(
    state_dir: Path,
    cache_dir: Path | None = None,
    port: int | None = None,
    *,
    timeout: float = 180,
    heap: str = DEFAULT_HEAP,
    pagecache_mb: int = DEFAULT_PAGECACHE_MB,
    apoc: bool = False,
) -> ServerState:
    """Start a server that outlives this process; return once it is ready.

    Data lives in ``state_dir/data``. If a server recorded in ``state_dir`` is already
    running, its state is returned and nothing is started (whatever ``heap``,
    ``pagecache_mb`` and ``apoc`` say: the state says what it runs with).
    """
    running = status_detached(state_dir)
    if running is not None:
        return running
    port = port if port is not None else free_port()
    data_dir = state_dir / "data"
    proc, log_path = _launch(
        data_dir,
        port,
        cache_dir if cache_dir is not None else default_cache_dir(),
        tie_to_parent=False,
        detach=True,
        heap=heap,
        pagecache_mb=pagecache_mb,
        apoc=apoc,
    )
    uri = _wait_ready(proc, log_path, timeout)
    state = ServerState(
        pid=proc.pid,
        uri=uri,
        port=port,
        data_dir=data_dir,
        log_path=log_path,
        heap=heap,
        pagecache_mb=pagecache_mb,
        apoc=apoc,
    )
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / STATE_NAME).write_text(state.to_json())
    return state


def stop_detached(state_dir: Path, timeout: float = 60) -> bool:
    """Stop the detached server (SIGTERM, then SIGKILL) and remove its state file.

    Returns whether a running server was stopped.
    """
    state = _read_state(state_dir)
    stopped = False
    if state is not None and _pid_alive(state.pid):
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(state.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(state.pid):
            os.kill(state.pid, signal.SIGKILL)
        stopped = True
    (state_dir / STATE_NAME).unlink(missing_ok=True)
    return stopped
