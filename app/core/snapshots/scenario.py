"""Scenario files (``.wxsim``): one environment's state in one portable zip.

Inside, in a fixed order with fixed timestamps (the same state always makes the same bytes, and
an unzipped scenario diffs line by line)::

    manifest.json                 {"format": "wxsim-scenario", "version": 1, name, note, env, counts,
                                   "indexes": {collection: [index definitions]} when any has some}
    workspace.json                personas, permission modes and rules, function settings
    users.json                    the user list, login codes and session keys
    database/<collection>.jsonl   one document per line, in the collection's order (Extended JSON)
    storage/index.json            every file: owner, content type, upload time, size, SHA-256
    storage/files/<cloudPath>     the files' bytes, stored as they are

A scenario opens into a fresh workspace, never over one that exists.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.core.database.index_specs import IndexSpec
from app.core.database.journal import Documents, dumps, loads
from app.core.errors import InputError
from app.core.jsonfile import atomic_file
from app.core.reasons import Reason
from app.core.snapshots.store import Captured
from app.core.storage.cloudpaths import normalize_cloud_path
from app.core.storage.index import FileRecord

FORMAT = "wxsim-scenario"
VERSION = 1
SUFFIX = ".wxsim"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip's first representable time: the same state, the same bytes
_COPY_CHUNK = 1 << 20


class ScenarioError(InputError):
    """A scenario file that cannot be written or read, said where the person acted."""


def _damaged(file: Path, detail: Reason | str) -> ScenarioError:
    return ScenarioError(Reason("scenario.damaged", "{file} is not a usable wxsim scenario: {detail}",
                                file=str(file), detail=detail))


# -- writing -----------------------------------------------------------------------------------


def write_scenario(target: Path, *, name: str, note: str, created_at: float, env: dict,
                   collections: dict[str, list[dict]], files: Iterable[tuple[str, dict, Path]],
                   workspace: dict, auth: dict, functions: dict[str, str],
                   progress: Callable[[Any], None] | None = None) -> dict:
    """Write the scenario to ``target`` atomically (a kill leaves the old file or none);
    ``files`` are (cloudPath, entry, path of the bytes). Returns what was written."""
    target = Path(target)
    if target.suffix != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    files = sorted(files)
    manifest = {
        "format": FORMAT, "version": VERSION, "name": name, "note": note, "createdAt": created_at,
        "env": env, "collections": {c: len(docs) for c, docs in sorted(collections.items())},
        "files": len(files), "functions": functions,
    }
    indexes = {c: docs.indexes for c, docs in sorted(collections.items()) if getattr(docs, "indexes", None)}
    if indexes:  # (absent, as in older files, when no collection has an index)
        manifest["indexes"] = indexes
    # The zip is closed (complete) before atomic_file renames it into place.
    with atomic_file(target) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        _put_json(archive, "manifest.json", manifest)
        _put_json(archive, "workspace.json", workspace)
        _put_json(archive, "users.json", auth)
        for collection, docs in sorted(collections.items()):
            lines = "".join(dumps(doc) + "\n" for doc in docs)
            archive.writestr(_info(f"database/{collection}.jsonl"), lines.encode("utf-8"))
            if progress:
                progress({"collection": collection, "documents": len(docs)})
        index = {path: {"owner": e.get("owner"), "contentType": e.get("contentType"),
                        "uploadedAt": e.get("uploadedAt"), "size": e.get("size"), "sha256": e.get("sha256")}
                 for path, e, _bytes in files}
        _put_json(archive, "storage/index.json", index)
        for path, _entry, source in files:
            # Stored, not deflated: pictures and videos do not shrink, and deflating 200 MB
            # would take seconds.
            info = _info(f"storage/files/{path}", zipfile.ZIP_STORED)
            with open(source, "rb") as src, archive.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(_COPY_CHUNK):
                    dst.write(chunk)
            if progress:
                progress({"file": path})
    return {"localPath": str(target), "bytes": target.stat().st_size,
            "documents": sum(len(d) for d in collections.values()), "files": len(files)}


def _info(name: str, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = compress
    info.external_attr = 0o600 << 16
    return info


def _put_json(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    archive.writestr(_info(name), text.encode("utf-8"))


# -- reading -----------------------------------------------------------------------------------


def read_manifest(file: Path) -> dict:
    """The scenario's manifest, checked: ScenarioError for anything else."""
    with _open(file) as archive:
        return _manifest(file, archive)


def read_scenario(file: Path, links: Path) -> tuple[dict, Captured]:
    """Read a scenario whole: its manifest, and its state with each storage file unpacked into
    ``links`` (checked against its size and SHA-256)."""
    links.mkdir(parents=True, exist_ok=True)
    with _open(file) as archive:
        manifest = _manifest(file, archive)
        names = set(archive.namelist())
        for name in names:
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise _damaged(file, Reason("scenario.unsafe_entry", "it holds an entry named {name}", name=name))
        workspace = _json(file, archive, "workspace.json")
        auth = _json(file, archive, "users.json")
        if not isinstance(workspace, dict) or not isinstance(auth, dict):
            raise _damaged(file, Reason("scenario.bad_state", "workspace.json or users.json is not an object"))
        collections: dict[str, list[dict]] = {}
        for name in sorted(n for n in names if n.startswith("database/") and n.endswith(".jsonl")):
            collection = name[len("database/"):-len(".jsonl")]
            collections[collection] = Documents(_documents(file, archive, name), _indexes(file, manifest, collection))
        index = _json(file, archive, "storage/index.json") if "storage/index.json" in names else {}
        if not isinstance(index, dict):
            raise _damaged(file, Reason("scenario.bad_index", "storage/index.json is not an object"))
        files = []
        for number, (raw_path, entry) in enumerate(sorted(index.items())):
            path = normalize_cloud_path(raw_path)
            member = f"storage/files/{raw_path}"
            if member not in names or not isinstance(entry, dict):
                raise _damaged(file, Reason("scenario.file_missing", "the file {path} is missing", path=raw_path))
            link = links / str(number)
            digest = hashlib.sha256()
            with archive.open(member) as src, open(link, "wb") as dst:
                while chunk := src.read(_COPY_CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
            if entry.get("sha256") and digest.hexdigest() != entry["sha256"]:
                raise _damaged(file, Reason("scenario.file_changed", "the file {path} does not match its checksum",
                                            path=raw_path))
            record = FileRecord(path, entry.get("owner"), link.stat().st_size,
                                str(entry.get("contentType") or "application/octet-stream"),
                                float(entry.get("uploadedAt") or time.time()))
            files.append((record, link))
    return manifest, Captured(0, collections, files, workspace, auth)


def _indexes(file: Path, manifest: dict, collection: str) -> list[dict]:
    """A collection's index definitions from the manifest (none in files written before them)."""
    try:
        found = (manifest.get("indexes") or {}).get(collection) or []
        return [IndexSpec.from_json(item).to_json() for item in found]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _damaged(file, Reason("scenario.bad_indexes", "the indexes of {name} are not index definitions",
                                    name=collection)) from None


def _open(file: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except FileNotFoundError:
        raise ScenarioError(Reason("scenario.missing", "There is no file {file}.", file=str(file))) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise _damaged(file, str(exc)) from None


def _manifest(file: Path, archive: zipfile.ZipFile) -> dict:
    manifest = _json(file, archive, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(file, Reason("scenario.not_scenario", "it has no wxsim scenario manifest"))
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ScenarioError(Reason("scenario.too_new", "{file} was made by a newer wxsim (scenario format {version}); "
                                   "update wxsim to open it.", file=str(file), version=str(version)))
    env = manifest.get("env")
    if not isinstance(env, dict) or not all(isinstance(env.get(k), str) for k in ("envId", "appid", "seed")):
        raise _damaged(file, Reason("scenario.bad_env", "its manifest names no environment"))
    return manifest


def _json(file: Path, archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(archive.read(name).decode("utf-8"))
    except KeyError:
        raise _damaged(file, Reason("scenario.entry_missing", "{name} is missing", name=name)) from None
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise _damaged(file, Reason("scenario.entry_bad", "{name} is not JSON ({detail})", name=name,
                                    detail=str(exc))) from None


def _documents(file: Path, archive: zipfile.ZipFile, name: str) -> list[dict]:
    from app.core.database.journal import id_key
    from app.core.database.store import COLLECTION_NAME

    collection = name[len("database/"):-len(".jsonl")]
    if not COLLECTION_NAME.fullmatch(collection):
        raise _damaged(file, Reason("scenario.bad_collection", "{name} names no collection", name=name))
    docs, seen = [], set()
    with archive.open(name) as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                doc = loads(line)
            except ValueError as exc:
                raise _damaged(file, Reason("scenario.bad_line", "line {line} of {name}: {detail}", line=number,
                                            name=name, detail=str(exc))) from None
            if not isinstance(doc, dict) or "_id" not in doc:
                raise _damaged(file, Reason("scenario.no_id", "line {line} of {name} is not a document with an _id",
                                            line=number, name=name))
            key = id_key(doc["_id"])
            if key in seen:
                raise _damaged(file, Reason("scenario.duplicate_id", "line {line} of {name} repeats the _id {doc_id}",
                                            line=number, name=name, doc_id=str(doc["_id"])))
            seen.add(key)
            docs.append(doc)
    return docs
