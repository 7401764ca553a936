"""The workspace secret: the credentials local programs sign their requests to wxsim with.

The real wx-server-sdk signs every request with ``TENCENTCLOUD_SECRETID``/``SECRETKEY``
(TC3-HMAC-SHA256, see ``signature.py``); we hand it this workspace's own random secret, and
the gateway answers only what is signed with it. It lives in ``<data dir>/secret.json``,
readable by the user alone, so any program of that user (a Node process started by
``wxsim serve``, a later ``wxsim`` command attaching to the running app) can prove it is one
of theirs, while a web page in their browser cannot.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from app.core import host_os
from app.core.errors import InputError
from app.core.jsonfile import read_json, write_json
from app.core.reasons import Reason

log = logging.getLogger(__name__)
SECRET_FILE = "secret.json"
_MODE = 0o600


@dataclass(frozen=True)
class Credentials:
    """A TencentCloud-style key pair plus session token; only ``secret_id`` shows in a repr."""

    secret_id: str
    secret_key: str = field(repr=False)
    session_token: str = field(repr=False)

    @classmethod
    def generate(cls) -> Credentials:
        # The id names the key in each request's Authorization header, so it is not secret;
        # real ids start with AKID, which keeps tools that look at the shape happy.
        return cls("AKIDwxsim" + secrets.token_hex(12), secrets.token_urlsafe(32), secrets.token_urlsafe(32))

    def to_json(self) -> dict[str, str]:
        return {"secretId": self.secret_id, "secretKey": self.secret_key, "sessionToken": self.session_token}

    @classmethod
    def from_json(cls, data: object) -> Credentials | None:
        """The credentials in a ``secret.json`` document, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        values = [data.get(key) for key in ("secretId", "secretKey", "sessionToken")]
        if not all(isinstance(value, str) and value and value.isascii() and value.isprintable() for value in values):
            return None
        return cls(*values)


def load_or_create(data_dir: Path) -> Credentials:
    """The workspace's credentials, created (and saved, mode 0600) on first use."""
    path = data_dir / SECRET_FILE
    try:
        found = Credentials.from_json(read_json(path))
    except ValueError:  # not JSON: edited by hand or damaged; nothing in it is worth keeping
        found = None
    except OSError as exc:
        raise InputError(Reason("gateway.secret_unreadable", "The workspace secret {file} cannot be read: {detail}",
                                file=str(path), detail=str(exc.strerror or exc))) from None
    if found is None:
        if path.exists():
            log.warning("%s is not a wxsim secret; a new one replaces it", path)
        found = Credentials.generate()
        try:
            # write_json goes through mkstemp, so the file is 0600 from its first byte and
            # replaces any old one atomically: a reader never sees a partial secret.
            write_json(path, found.to_json())
        except OSError as exc:
            raise InputError(Reason("gateway.secret_unwritable", "The workspace secret {file} cannot be written: "
                                    "{detail}", file=str(path), detail=str(exc.strerror or exc))) from None
    _restrict(path)
    return found


def _restrict(path: Path) -> None:
    """Make the file the user's alone again if it was copied or restored with a wider mode."""
    if not host_os.has_private_file_modes():  # NTFS permissions come from the (per-user) data folder
        return
    try:
        if stat.S_IMODE(path.stat().st_mode) != _MODE:
            path.chmod(_MODE)
    except OSError as exc:
        raise InputError(Reason("gateway.secret_not_private", "The workspace secret {file} cannot be made private: "
                                "{detail}", file=str(path), detail=str(exc.strerror or exc))) from None
