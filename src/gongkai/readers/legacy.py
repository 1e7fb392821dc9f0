"""Word 97-2003 (.doc), WPS (.wps), RTF, OpenDocument text (.odt) and Word 2003 XML files, read by
converting them to .docx with LibreOffice.

LibreOffice runs headless in its own process group with a private user profile (one per
process and thread, so parallel conversions do not collide), with its address space capped at
``limits.max_converter_bytes``, and is stopped when it takes longer than ``limits.max_seconds``.
The .docx it writes is read by :mod:`.docx`; the blocks'
locations (paragraph; table, row and cell) are those of the converted document, which keeps the
original's paragraphs and tables. Without LibreOffice the file cannot be read and
the error says how to install it; there is no lower-quality fallback.

Password-protected files are recognised before any conversion: an encrypted .docx/.xlsx is an
OLE2 container holding an ``EncryptedPackage`` stream, and an encrypted .doc/.wps has the
``fEncrypted`` (or ``fObfuscated``) flag in the header (FIB) of its ``WordDocument`` stream.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import resource
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

from ..document import Document, Source
from ..errors import LimitExceeded, ReadError
from ..formats.files import REPORT_FORMATS
from ..limits import Limits
from . import docx

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF = b"{\\rtf"
# the formats this module reads (formats/files.py), as messages name them: Word 97-2003 文档（.doc）
_NAMES = {f.key: f.noun + (f"（{f.suffixes[0]}）" if f.suffixes else "") for f in REPORT_FORMATS if f.module == "legacy"}
_SUFFIXES = {"wordml": "xml"}  # the name LibreOffice is given; its own detection reads the content

INSTALL_HINT_ZH = ("请安装后重试（Debian/Ubuntu：apt-get install libreoffice-writer；"
                   "其他系统：从 LibreOffice 官方网站下载安装，并确保 soffice 命令可以运行）")

_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/local/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/snap/bin/libreoffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


def read(data: bytes, source: Source, limits: Limits) -> Document:
    if not data or not data.strip(b"\x00 \t\r\n"):
        raise ReadError("文件是空的，没有任何内容", "the file is empty", reason="empty")
    fmt = source.format if source.format in _NAMES else "doc"
    if fmt == "odt":
        # the archive is checked as a .docx would be, and any DTD refused, before LibreOffice opens it
        docx.refuse_doctype(*docx.open_archive(data, limits), limits)
    elif fmt == "wordml":
        docx.refuse_xml_doctype(data)
    elif data.startswith(b"PK\x03\x04"):  # a .doc that is really a .docx
        return docx.read(data, source, limits)
    elif data.startswith(_OLE2):
        if is_encrypted(data):
            raise docx.encrypted_error()
    elif not data.lstrip().startswith(_RTF):
        raise ReadError(f"文件不是可识别的{_NAMES[fmt]}", f"not an OLE2 or RTF file ({fmt})", reason="corrupt")
    converted = convert_to_docx(data, fmt, limits)
    return docx.read(converted, source, limits)


# ---------------------------------------------------------------------------------------------
# encryption


def is_encrypted(data: bytes) -> bool:
    """True for a password-protected OLE2 file: encrypted OOXML or an encrypted .doc/.wps."""
    if docx.ENCRYPTED_PACKAGE in data:
        return True
    try:
        return _fib_encrypted(data)
    except (struct.error, IndexError, ValueError):
        return False  # a damaged container: let LibreOffice have its say


def _fib_encrypted(data: bytes) -> bool:
    """Read just enough of the OLE2 container to see the WordDocument stream's FIB flags."""
    if not data.startswith(_OLE2) or len(data) < 512:
        return False
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return False
    size = 1 << shift
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    difat = struct.unpack_from("<109I", data, 0x4C)[: min(n_fat, 109)]

    def sector(sid: int) -> bytes:
        start = (sid + 1) * size
        return data[start:start + size]

    fat: list[int] = []
    for sid in difat:
        chunk = sector(sid)
        fat.extend(struct.unpack_from(f"<{len(chunk) // 4}I", chunk))
    def chain_sector(first: int, steps: int) -> int:
        if steps > len(fat):  # no chain is longer than the FAT (a loop in a damaged one would spin)
            raise ValueError("sector chain longer than the FAT")
        sid = first
        for _ in range(steps):
            sid = fat[sid] if sid < len(fat) else 0xFFFFFFFE
            if sid >= 0xFFFFFFFA:
                raise ValueError("broken sector chain")
        return sid

    entries: dict[str, tuple[int, int]] = {}  # stream name -> (start sector, length)
    sid = first_dir
    seen: set[int] = set()
    while sid < 0xFFFFFFFA and sid not in seen and len(seen) < 4096:
        seen.add(sid)
        chunk = sector(sid)
        for off in range(0, len(chunk) - 127, 128):
            entry = chunk[off:off + 128]
            name_len = struct.unpack_from("<H", entry, 0x40)[0]
            name = entry[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
            if entry[0x42] in (2, 5):  # a stream, or the root entry (which holds the mini stream)
                entries.setdefault(name, struct.unpack_from("<II", entry, 0x74))
        if "WordDocument" in entries:
            break
        sid = fat[sid] if sid < len(fat) else 0xFFFFFFFE
    if "WordDocument" not in entries:
        return False
    start, length = entries["WordDocument"]
    if length < 64:
        return False
    if length >= 4096:  # in ordinary sectors
        fib = sector(start)
    else:  # small streams live in the mini stream, in 64-byte sectors, inside the root entry's chain
        root_start = next((v[0] for k, v in entries.items() if k == "Root Entry"), None)
        if root_start is None:
            return False
        position = start * 64
        sid = chain_sector(root_start, position // size)
        begin = (sid + 1) * size + position % size
        fib = data[begin:begin + 64]
    ident, = struct.unpack_from("<H", fib, 0)
    flags, = struct.unpack_from("<H", fib, 0x0A)
    return ident in (0xA5EC, 0xA5DC) and bool(flags & 0x0100 or flags & 0x8000)


# ---------------------------------------------------------------------------------------------
# LibreOffice


def find_soffice() -> str | None:
    """The LibreOffice program, from $GONGKAI_SOFFICE, the PATH or the usual install places."""
    override = os.environ.get("GONGKAI_SOFFICE")
    if override:
        return override if Path(override).exists() else shutil.which(override)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in _CANDIDATES:
        if Path(path).exists():
            return path
    return None


def convert_to_docx(data: bytes, fmt: str, limits: Limits) -> bytes:
    """The bytes of a .docx LibreOffice makes from ``data``, or ReadError."""
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(
            f"无法读取 .doc/.wps/.rtf 文件：本机未安装 LibreOffice。{INSTALL_HINT_ZH}",
            "reading .doc/.wps/.rtf needs LibreOffice (soffice), which is not installed; "
            "on Debian/Ubuntu: apt-get install libreoffice-writer",
            reason="needs-libreoffice",
        )
    with tempfile.TemporaryDirectory(prefix="gongkai-convert-") as tmp:
        work = Path(tmp)
        source = work / f"input.{_SUFFIXES.get(fmt, fmt)}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        profile = _profile()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML",
            "--outdir", str(out),
            str(source),
        ]
        env = dict(os.environ)
        env["HOME"] = str(work)  # nothing of the user's LibreOffice settings is touched
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=env, cwd=work, start_new_session=True,
                                    preexec_fn=_memory_cap(limits.max_converter_bytes))  # noqa: PLW1509  see _memory_cap
        except OSError as exc:
            raise ReadError(
                f"无法启动 LibreOffice（{soffice}）。{INSTALL_HINT_ZH}",
                f"cannot start LibreOffice {soffice}: {exc}",
                reason="needs-libreoffice",
            ) from exc
        try:
            _, err = proc.communicate(timeout=limits.max_seconds)
        except subprocess.TimeoutExpired:
            _kill(proc)
            _drop_profile(profile)  # it may hold a lock of the killed instance
            raise LimitExceeded(
                f"转换超时：LibreOffice 在 {limits.max_seconds:g} 秒内没有完成转换，文件可能过于复杂或已损坏",
                f"LibreOffice took longer than {limits.max_seconds:g} s",
            ) from None
        result = out / "input.docx"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-3:] if err else []
            raise ReadError(
                f"LibreOffice 无法打开此{_NAMES.get(fmt, fmt)}：文件可能已损坏、已加密或不是该格式",
                f"LibreOffice could not convert the {fmt} file (exit {proc.returncode}) {' | '.join(detail)}".strip(),
                reason="corrupt",
            )
        size = result.stat().st_size
        if size > limits.max_file_bytes:
            raise LimitExceeded("转换后的文件过大，超过上限", f"converted document is {size} bytes")
        return result.read_bytes()


def _memory_cap(size: int):
    """A function that caps the address space of the LibreOffice process (and what it starts), so
    that a hostile document cannot make it take the machine's memory."""

    def cap() -> None:  # runs in the child between fork and exec: one system call, nothing that takes a lock
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return cap


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin in the same group
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=10)


# One LibreOffice profile per process and thread: creating one costs about a second, and two
# instances sharing one would collide.
_profiles: dict[tuple[int, int], Path] = {}
_profiles_lock = threading.Lock()


def _profile() -> Path:
    key = (os.getpid(), threading.get_ident())
    with _profiles_lock:
        path = _profiles.get(key)
        if path is None or not path.exists():
            path = Path(tempfile.mkdtemp(prefix="gongkai-lo-profile-"))
            _profiles[key] = path
        return path


def _drop_profile(path: Path) -> None:
    with _profiles_lock:
        for key, value in list(_profiles.items()):
            if value == path:
                del _profiles[key]
    shutil.rmtree(path, ignore_errors=True)


@atexit.register
def _cleanup_profiles() -> None:
    pid = os.getpid()
    with _profiles_lock:
        for key, path in list(_profiles.items()):
            if key[0] == pid:
                del _profiles[key]
                shutil.rmtree(path, ignore_errors=True)
