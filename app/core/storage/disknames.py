"""Disk names: where each cloudPath lives under ``storage/``, and which cloudPath a disk name is.

Every name the cloud accepts is stored, and the folder still opens on Linux, macOS and Windows:

- An ordinary name is its own disk name (``a/b.png`` is ``storage/a/b.png``), so "open folder"
  shows readable files, and every data folder from before this scheme keeps working as it is.
- What Windows cannot keep is written as ``%uXXXX`` (its UTF-16 code units in hex): the
  characters ``< > : " | ? *``, the last character of a name that ends in a dot or a space, and
  the first character of a device name (``CON``, ``nul.txt``, ``COM1``…) or of a name starting
  with the simulator's temp-file prefix. ``a|b测试.jpeg`` is stored as ``a%u007Cb测试.jpeg``.
- Two names that differ only in letter case would be one file on macOS and Windows. The first
  one stored keeps its plain disk name; a later one gets its upper-case letters escaped
  (``A.png`` beside ``a.png`` is ``%u0041.png``), or, when it has none, its first letter too
  (``docs/`` beside ``Docs/`` is ``%u0064ocs/``). So in one folder no two disk names are equal
  after case folding, on any file system.

Reading back needs no index: ``%u`` and four hex digits decode, everything else is literal. No
cloudPath can contain such an escape (``normalize_cloud_path`` refuses ``%u`` escapes, which IIS
decodes), so a file added by hand named like a URL escape (``a%7Cb.png``) is simply that
cloudPath. A disk name whose escapes wxsim would not have written (``a%u0062.png``), or that
another disk name of the same cloud name takes precedence over, names nothing and is skipped.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from app.core.errors import CloudError
from app.core.jsonfile import TEMP_PREFIX
from app.core.reasons import Reason

MAX_NAME_BYTES = 255  # one folder or file name on disk, the common file-system limit
WINDOWS_FORBIDDEN = '<>:"|?*'
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {f"{d}{n}" for d in ("com", "lpt") for n in "123456789¹²³"}
_ESCAPES = re.compile(r"(?:%[uU][0-9A-Fa-f]{4})+")
_folds_case_of: dict[str, bool] = {}


def plain_name(name: str) -> str:
    """The disk name of one (valid, NFC) cloud folder or file name, when no other name clashes."""
    return _encode(name, _plain_escapes(name))


def name_forms(name: str) -> list[str]:
    """The disk names ``name`` may have, in order of precedence: plain, upper case escaped,
    first letter escaped too. Each later form differs from every other name's after case folding."""
    plain = _plain_escapes(name)
    upper = plain | {i for i, ch in enumerate(name) if ch.casefold() != ch}
    first = next((i for i, ch in enumerate(name) if ch.lower() != ch.upper() and i not in upper), None)
    forms = [_encode(name, plain)]
    for escape in (upper, upper | {first}):
        form = _encode(name, escape)
        if form not in forms:
            forms.append(form)
    return forms


def cloud_name(disk: str) -> str | None:
    """The cloud name a disk name stands for, or None when wxsim would not have written it."""
    if "%u" not in disk and "%U" not in disk:  # the usual case, and the fast one (scans read every name)
        name = unicodedata.normalize("NFC", disk)
        return None if _plain_escapes(name) else name
    try:
        name = unicodedata.normalize("NFC", _ESCAPES.sub(_decode, disk))
    except UnicodeDecodeError:  # a lone surrogate
        return None
    forms = name_forms(name)
    if disk in forms or unicodedata.normalize("NFC", disk) in {unicodedata.normalize("NFC", f) for f in forms}:
        return name
    return None


def first_present(forms: list[str], present) -> str | None:
    """The form that names the file: the first one ``present(form)`` finds."""
    return next((form for form in forms if present(form)), None)


def disk_path(root: Path, path: str) -> Path:
    """Where the (already normalised) cloudPath ``path`` lives under ``root``, or will live when
    stored; refuses links and escapes.

    Each name takes the first of its forms that exists under exactly that spelling; a name not
    on disk yet takes the first form whose case-folded spelling no name in its folder has.
    Links inside storage/ are never followed, even ones that point back inside: a file is
    reachable only by its own name, so what the folder shows is what the cloud holds.
    """
    current, exists = root, True
    for name in path.split("/"):
        found = _existing(root, current, name, path) if exists else None
        if found is None:
            current, exists = current / _new_name(current, name, path), False
            continue
        current = current / found[0]
        if stat.S_ISLNK(found[1].st_mode) or _is_junction(current):
            raise _invalid(Reason("storage.path_through_link", "{path} goes through a link inside the storage "
                                  "folder; links are not followed", path=repr(path)))
    real_root = os.path.realpath(root)
    real = os.path.realpath(current)
    if real == real_root or os.path.commonpath([real_root, real]) != real_root:
        raise _invalid(Reason("storage.path_outside", "{path} resolves outside the storage folder", path=repr(path)))
    return current


def folds_case(root: Path) -> bool:
    """Whether ``root``'s file system takes names that differ only in case as one (macOS, Windows)."""
    key = str(root)
    if key not in _folds_case_of:
        swapped = root.with_name(root.name.swapcase())
        try:
            _folds_case_of[key] = swapped != root and os.path.samestat(os.lstat(root), os.lstat(swapped))
        except OSError:
            _folds_case_of[key] = False
    return _folds_case_of[key]


def _existing(root: Path, folder: Path, name: str, path: str) -> tuple[str, os.stat_result] | None:
    """The form of ``name`` on disk in ``folder`` under exactly its own spelling, and its lstat."""
    exact = None
    for form in _forms_lazily(name):
        try:
            st = os.lstat(folder / form)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            raise _invalid(Reason("storage.path_through_file", "{path} goes through a file as if it were a folder",
                                  path=repr(path))) from None
        if not folds_case(root):
            return form, st
        # A case-folding file system also finds a name spelled differently: look at the real one.
        exact = set(os.listdir(folder)) if exact is None else exact
        if form in exact:
            return form, st
    return None


def _forms_lazily(name: str):
    """``name_forms(name)``, the plain one first without working out the others (usually it exists)."""
    plain = plain_name(name)
    yield plain
    yield from name_forms(name)[1:]


def _new_name(folder: Path, name: str, path: str) -> str:
    """The disk name a new ``name`` gets in ``folder``: the first form no name there folds to."""
    forms = name_forms(name)
    try:
        taken = {_fold(n): n for n in os.listdir(folder) if not n.startswith(TEMP_PREFIX)}
    except (FileNotFoundError, NotADirectoryError):
        return forms[0]
    for form in forms:
        if _fold(form) not in taken and len(form.encode("utf-8")) <= MAX_NAME_BYTES:
            return form
    raise CloudError(-501007, Reason(
        "storage.case_clash", "cloudPath {path}: {name} cannot get a name on disk that differs from the existing "
        "{clash} in more than letter case", path=repr(path), name=repr(name), clash=repr(taken.get(_fold(forms[0])))))


def _plain_escapes(name: str) -> set[int]:
    """The positions in ``name`` that Windows cannot keep as they are."""
    escape = {i for i, ch in enumerate(name) if ch in WINDOWS_FORBIDDEN}
    if name.endswith((".", " ")):
        escape.add(len(name) - 1)  # Windows drops trailing dots and spaces
    if name.split(".", 1)[0].rstrip(" ").casefold() in WINDOWS_DEVICES or name.startswith(TEMP_PREFIX):
        escape.add(0)
    return escape


def _encode(name: str, escape: set[int | None]) -> str:
    return "".join(_escape(ch) if i in escape else ch for i, ch in enumerate(name))


def _escape(ch: str) -> str:
    units = ch.encode("utf-16-be")
    return "".join(f"%u{units[i]:02X}{units[i + 1]:02X}" for i in range(0, len(units), 2))


def _decode(match: re.Match) -> str:
    units = bytes.fromhex("".join(escape[1:] for escape in match.group(0).split("%")[1:]))
    return units.decode("utf-16-be")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _is_junction(path: Path) -> bool:
    check = getattr(os.path, "isjunction", None)  # Python 3.12+, Windows junctions
    return bool(check and check(path))


def _invalid(problem: Reason) -> CloudError:
    """-501007 ``cloudPath <problem>``, as ``cloudpaths.invalid`` says it."""
    return CloudError(-501007, Reason("storage.invalid", "{what} {problem}", what="cloudPath", problem=problem))
