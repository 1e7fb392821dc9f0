"""The originals: each file's bytes kept once, under its sha256, in an object store (fsspec) beside the
database, which keeps only the file's metadata and hash.

Where: ``--objects URL`` or $GONGKAI_OBJECTS (any fsspec URL: a folder, ``s3://bucket/prefix`` …); else a
folder beside the SQLite file (``reports.sqlite3`` → ``reports.objects/``); for a PostgreSQL store, the
folder ``objects/`` under $XDG_DATA_HOME/gongkai. An object is found at ``ab/cd/abcd…`` (the hash's first
two pairs of digits as folders, so that no folder holds millions of files).

An object is written whole or not at all: in a folder it is written under a temporary name, flushed to
disk and renamed (a crash leaves at most a ``.tmp`` file, never a half object under the real name); an
object store's own upload is the commit. An object already present is never written again. Objects are
written before the database row that names them is committed, so a row always finds its object; an
object no row names (a run stopped between the two) is harmless and is used when the file comes again.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
import weakref
from contextlib import suppress
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem
from sqlalchemy.engine import Engine, make_url

from .db import StoreError, default_path

ENV_VAR = "GONGKAI_OBJECTS"
# filesystems whose upload appears whole or not at all (no temporary name needed, and a rename there
# would be a copy)
ATOMIC_PUT = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "memory"})
_SHA = re.compile(r"[0-9a-f]{2,128}")  # a sha256 (64 digits); shorter keys only in stores made by hand


class ObjectStore:
    """Originals by sha256 in one fsspec location."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:  # an unknown protocol, or its package not installed
            raise StoreError(f"无法使用原件存储位置：{url}（{exc}）", f"cannot use the object store {url}: {exc}") from exc
        self.root = root.rstrip("/") or "/"
        self.local = isinstance(self.fs, LocalFileSystem)
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.atomic = bool(set(protocols) & ATOMIC_PUT)

    def __repr__(self) -> str:
        return f"ObjectStore({self.url!r})"

    def __reduce__(self):  # sent to cluster workers by its URL
        return ObjectStore, (self.url,)

    def path(self, sha256: str) -> str:
        if not _SHA.fullmatch(sha256):  # (hex digits only: a key never leaves the store's folder)
            raise ValueError(f"not a sha256: {sha256!r}")
        return "/".join([self.root, *(p for p in (sha256[:2], sha256[2:4]) if p), sha256])

    def has(self, sha256: str) -> bool:
        path = self.path(sha256)
        try:
            return os.path.isfile(path) if self.local else bool(self.fs.exists(path))
        except OSError as exc:
            raise _unreachable(self.url, exc) from exc

    def put(self, sha256: str, data: bytes) -> bool:
        """Store ``data`` under its hash (the caller worked it out from these bytes). False when the object
        was already there (it is not written again)."""
        if self.has(sha256):
            return False
        path = self.path(sha256)
        try:
            if self.local:
                _write_local(path, data)
            elif self.atomic:
                self.fs.pipe_file(path, data)
            else:  # a remote filesystem without atomic uploads: a temporary name, then a rename
                tmp = f"{path}.{uuid.uuid4().hex}.tmp"
                self.fs.pipe_file(tmp, data)
                self.fs.mv(tmp, path)
        except OSError as exc:
            raise StoreError(f"无法保存原件（{self.url}）：{exc.strerror or exc}",
                             f"cannot write the original to {self.url}: {exc}") from exc
        return True

    def get(self, sha256: str) -> bytes:
        """The original's bytes; StoreError when it is missing or its bytes are not those of the hash."""
        path = self.path(sha256)
        try:
            data = _read_local(path) if self.local else self.fs.cat_file(path)
        except FileNotFoundError as exc:
            raise StoreError(f"原件缺失：{sha256[:12]}…（原件存储位置 {self.url}）",
                             f"the original {sha256} is missing from {self.url}") from exc
        except OSError as exc:
            raise _unreachable(self.url, exc) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"原件已损坏：{sha256[:12]}…（原件存储位置 {self.url}）",
                             f"the original {sha256} in {self.url} does not match its hash")
        return data


def _write_local(path: str, data: bytes) -> None:
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the name points to it
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _read_local(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _unreachable(url: str, exc: OSError) -> StoreError:
    return StoreError(f"无法访问原件存储位置：{url}（{exc.strerror or exc}）", f"cannot reach the object store {url}: {exc}")


# ---------------------------------------------------------------------------------------------
# where a store's originals are


def objects_url(db_url: str, objects: str | os.PathLike | None = None) -> str:
    """The object store of the database at ``db_url``: ``objects`` when given, else $GONGKAI_OBJECTS, else
    the default (see the module's text)."""
    chosen = os.fspath(objects) if objects not in (None, "") else os.environ.get(ENV_VAR) or None
    if chosen:
        return chosen if "://" in chosen else str(Path(chosen).expanduser().resolve())
    u = make_url(db_url)
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:" or u.database.startswith("file:"):
            return f"memory://gongkai-objects/{uuid.uuid4().hex}"  # a store that lives as long as the process
        db = Path(u.database)
        return str(db.with_name(db.stem + ".objects") if db.suffix else db.with_name(db.name + ".objects"))
    return str(default_path().parent / "objects")


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, ObjectStore] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def attach(engine: Engine, objects: ObjectStore) -> None:
    """``objects`` is where the store opened with ``engine`` keeps its originals (for the writer and the
    migrations, which know only the engine)."""
    with _LOCK:
        _BY_ENGINE[engine] = objects


def objects_for(engine: Engine) -> ObjectStore:
    """The object store attached to ``engine``; else the one its URL and the environment name."""
    with _LOCK:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = ObjectStore(objects_url(engine.url.render_as_string(hide_password=False)))
        return found
