"""cloudPath rules (spec §5.2), path safety, fileIDs (§5.1) and where a file lives on disk.

A cloudPath is checked and normalised once, here, before it names anything: every action,
the HTTP server and the folder scan go through ``normalize_cloud_path``. The rules are the
spec's plus what keeps a cloudPath from meaning two things or escaping ``storage/``; names that
Windows or a case-insensitive file system cannot keep as they are get escaped disk names
(``disknames.py``), so the folder still opens the same on Linux, macOS and Windows:

- Unicode is normalised to NFC, so ``é`` typed composed or decomposed is one file (macOS
  file names and pickers often give NFD; macOS and Windows would also fold the two together).
- Rejected, each with its own message: not a string, empty, over 850 UTF-8 bytes, a leading
  ``/``, an empty folder (``//``, a trailing ``/``), ``.`` or ``..`` folders, a backslash,
  control and invisible format characters, look-alikes of ``/``, ``\\`` and ``..``,
  ``%`` escapes that decode to a separator, a dot, ``%``, a control byte or an overlong
  UTF-8 lead byte, ``%u`` escapes, and a name over 255 bytes on disk.
- Accepted as the cloud accepts them: ``< > : " | ? *``, names Windows drops or reserves (a
  trailing dot or space, ``CON``, ``NUL.txt``…), the simulator's temp-file prefix, and names
  that differ only in letter case.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.storage.disknames import MAX_NAME_BYTES, disk_path, plain_name

__all__ = ["FileIds", "disk_path", "invalid", "normalize_cloud_path", "numeric_app_id", "url_path"]

MAX_PATH_BYTES = 850  # spec §5.2
# Characters that render like a slash, or that some URL and path decoders turn into one.
_SLASH_LOOKALIKES = set("\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9\ufe68\uff0f\uff3c")
_INVISIBLE = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_IIS_PERCENT = re.compile(r"%[uU][0-9A-Fa-f]{4}")
_NUMERIC_APPID = re.compile(r"[1-9][0-9]{9}")
# RFC 3986 pchar minus '%': everything else in a temp URL's path is percent-encoded.
_URL_SAFE = "/!$&'()*+,;=:@-._~"


def invalid(what: str | Reason, problem: Reason) -> CloudError:
    """-501007 ``<what> <problem>``: ``cloudPath must not be empty``."""
    return CloudError(-501007, Reason("storage.invalid", "{what} {problem}", what=what, problem=problem))


def normalize_cloud_path(raw: object, what: str | Reason = "cloudPath") -> str:
    """The NFC form of a valid cloudPath, or CloudError -501007 saying what is wrong with it."""
    if not isinstance(raw, str):
        raise invalid(what, _not_a_string(raw))
    if raw == "":
        raise invalid(what, Reason("storage.path_empty", "must not be empty"))
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in raw):
        raise invalid(what, Reason("storage.path_surrogate", "contains a broken character (a lone UTF-16 surrogate)"))
    path = unicodedata.normalize("NFC", raw)
    size = len(path.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        raise invalid(what, Reason("storage.path_too_long", "is {size} bytes long in UTF-8; the limit is {limit}",
                                   size=size, limit=MAX_PATH_BYTES))
    if path.startswith("/"):
        raise invalid(what, Reason("storage.path_leading_slash", "must not start with '/': write {fixed}, not {path}",
                                   fixed=repr(path.lstrip('/')), path=repr(path)))
    for index, ch in enumerate(path):
        _check_char(what, ch, index)
    _check_percent(what, path)
    for name in path.split("/"):
        _check_name(what, path, name)
    return path


def _check_char(what: str | Reason, ch: str, index: int) -> None:
    if ch == "\\":
        raise invalid(what, Reason("storage.path_backslash", "must not contain a backslash '\\'; folders are "
                                   "separated by '/'"))
    if unicodedata.category(ch) in _INVISIBLE:
        name = unicodedata.name(ch, "a control character")
        raise invalid(what, Reason("storage.path_invisible", "contains the invisible character U+{code:04X} ({name}) "
                                   "at position {index}", code=ord(ch), name=name, index=index))
    folded = unicodedata.normalize("NFKC", ch)
    if ch in _SLASH_LOOKALIKES or (ch not in "/\\" and ("/" in folded or "\\" in folded)):
        raise invalid(what, Reason(
            "storage.path_slash_lookalike", "contains {char} (U+{code:04X} {name}), which looks like or decodes to "
            "a slash; use '/' between folders", char=repr(ch), code=ord(ch), name=unicodedata.name(ch, '')))


def _check_percent(what: str | Reason, path: str) -> None:
    if _IIS_PERCENT.search(path):
        raise invalid(what, Reason("storage.path_percent_u", "contains a %u escape; write the character itself"))
    for match in _PERCENT.finditer(path):
        byte = int(match.group(1), 16)
        if byte < 0x20 or byte == 0x7F or chr(byte) in "/\\.%" or byte in (0xC0, 0xC1):
            meaning = repr(chr(byte)) if 0x20 <= byte < 0x7F else Reason("storage.byte", "byte 0x{byte:02X}",
                                                                         byte=byte)
            raise invalid(what, Reason(
                "storage.path_percent", "contains {escape}, which decodes to {meaning}; write the character itself, "
                "or avoid '%' in cloud paths", escape=match.group(0), meaning=meaning))


def _check_name(what: str | Reason, path: str, name: str) -> None:
    if name == "":
        if path.endswith("/"):
            raise invalid(what, Reason("storage.path_trailing_slash", "must not end with '/': it names a file, not "
                                       "a folder"))
        raise invalid(what, Reason("storage.path_double_slash", "must not contain '//' (an empty folder name)"))
    if name in (".", "..") or unicodedata.normalize("NFKC", name) in (".", ".."):
        raise invalid(what, Reason("storage.path_dot_folder", "must not contain a {name} folder", name=repr(name)))
    if len(plain_name(name).encode("utf-8")) > MAX_NAME_BYTES:  # escapes included: the name on disk
        raise invalid(what, Reason("storage.path_name_too_long", "has a folder or file name over {limit} bytes on disk",
                                   limit=MAX_NAME_BYTES))


def _not_a_string(value: object) -> Reason:
    return Reason("storage.not_a_string", "must be a string, not {type}", type=type(value).__name__)


def url_path(path: str) -> str:
    """The cloudPath as it appears in a URL: percent-encoded per name, '/' kept."""
    return quote(path, safe=_URL_SAFE)


def numeric_app_id(appid: str) -> str:
    """The 10-digit Tencent Cloud APPID in the bucket name, derived from the workspace appid.

    A 10-digit appid is used as it is (so spec example S1 holds); any other (``wx`` + hex)
    maps to a stable ``125xxxxxxx``, the range real accounts start in.
    """
    if _NUMERIC_APPID.fullmatch(appid):
        return appid
    digest = hashlib.sha256(f"wxsim-cos-appid:{appid}".encode()).digest()
    return str(1_250_000_000 + int.from_bytes(digest[:8], "big") % 10_000_000)


class FileIds:
    """fileIDs of one environment: ``cloud://{env}.{hex2(env)}-{env}-{appid10}/{cloudPath}``."""

    def __init__(self, env_id: str, appid: str, numeric_id: str | None = None) -> None:
        self.env_id = env_id
        self.numeric_id = numeric_id or numeric_app_id(appid)
        self.bucket = f"{env_id[:2].encode('utf-8').hex()}-{env_id}-{self.numeric_id}"
        self._prefix = re.compile(
            re.escape(f"{env_id}.{env_id[:2].encode('utf-8').hex()}-{env_id}-") + r"[0-9]{1,20}"
        )

    def file_id(self, path: str) -> str:
        return f"cloud://{self.env_id}.{self.bucket}/{path}"

    def path_of(self, file_id: object) -> str:
        """The normalised cloudPath a fileID names.

        A fileID of this env resolves whatever its numeric part, so fileIDs saved in the
        database before the workspace appid changed still find their files. A fileID of
        another env gives -503003 (no such file here); a malformed one -501007.
        """
        if not isinstance(file_id, str):
            raise invalid("fileID", _not_a_string(file_id))
        if not file_id.startswith("cloud://") or "/" not in file_id[8:]:
            raise invalid("fileID", Reason("storage.file_id_form", "{file_id} is not of the form "
                                           "cloud://<env>.<bucket>/<cloudPath>", file_id=repr(file_id)))
        host, path = file_id[8:].split("/", 1)
        if not self._prefix.fullmatch(host):
            if host.split(".", 1)[0] != self.env_id or "." not in host:
                raise CloudError(-503003, Reason("storage.file_id_other_env", "{file_id} is not in this environment "
                                                 "({env})", file_id=file_id, env=self.env_id))
            raise CloudError(-503003, Reason("storage.file_id_other_bucket", "{file_id} names a bucket this "
                                             "environment does not have", file_id=file_id))
        return normalize_cloud_path(path, Reason("storage.cloud_path_of", "the cloudPath of {file_id}",
                                                 file_id=repr(file_id)))
