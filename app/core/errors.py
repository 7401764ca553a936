"""Typed errors with WeChat's exact error codes and texts (spec §2.2)."""

from __future__ import annotations

from app.core.reasons import Reason

# Exact texts from wx-server-sdk's config/error.config.ts (spec §2.2).
ERROR_TEXTS: dict[int, str] = {
    -1: "unknown error",
    -501001: "resource system error",
    -501002: "resource server timeout",
    -501003: "exceed request limit",
    -501004: "exceed concurrent request limit",
    -501005: "invalid env",
    -501006: "invalid common parameters",
    -501007: "invalid parameters",
    -501008: "invalid request source",
    -501009: "resource not initialized",
    -502001: "database request fail",
    -502002: "database invalid command",
    -502003: "database permission denied",
    -502004: "database exceed collection limit",
    -502005: "database collection not exists",
    -503001: "storage request fail",
    -503002: "storage permission denied",
    -503003: "storage file not exists",
    -503004: "storage invalid sign parameter",
    -504001: "functions request fail",
    -504002: "functions execute fail",
    -601001: "system error",
    -601002: "system args error",
    -601003: "system network error",
    -601004: "api permission denied",
    -601005: "invalid cloudID",
    -601006: "cloudID expired",
    -601007: "cloudID and calling user does not match",
    -601008: "server-side request timedout",
    -601009: "missing mobile phone",
    -601010: "no write permission",
    -601011: "no privilege permission",
    -601012: "unauthorized env",
    -601013: "no multiend permission",
    -601015: "access denied (cloudfunction cloudbase_auth returns empty errCode)",
    -601016: "missing env auth info",
    -601017: "access denied (cloudbase_auth returns non-zero errCode)",
    -602001: "database query result size exceed limit (1MB)",
    -604001: "cloudfunction result size exceed limit (1MB)",
    -604100: "API not found",
    -604101: "function has no permission to call this API",
    -604102: "call open API timeout",
    -604103: "call open API system error",
    -604104: "illegal source of invocation",
    -404011: "cloud function execution error",
}

# The backend's string codes (tcb-wire §3.1), so the HTTP gateway can answer in them.
TCB_CODES: dict[int, str] = {
    -501001: "SYS_ERR",
    -501002: "SERVER_TIMEOUT",
    -501003: "EXCEED_REQUEST_LIMIT",
    -501004: "EXCEED_CONCURRENT_REQUEST_LIMIT",
    -501005: "INVALIID_ENV",
    -501006: "INVALID_COMMON_PARAM",
    -501007: "INVALID_PARAM",
    -501008: "INVALID_REQUEST_SOURCE",
    -501009: "RESOURCE_NOT_INITIAL",
    -502001: "DATABASE_REQUEST_FAILED",
    -502002: "DATABASE_INVALID_OPERRATOR",
    -502003: "DATABASE_PERMISSION_DENIED",
    -502004: "DATABASE_COLLECTION_EXCEED_LIMIT",
    -502005: "DATABASE_COLLECTION_NOT_EXIST",
    -503001: "STORAGE_REQUEST_FAIL",
    -503002: "STORAGE_EXCEED_AUTHORITY",
    -503003: "STORAGE_FILE_NONEXIST",
    -503004: "STORAGE_SIGN_PARAM_INVALID",
    -504001: "FUNCTIONS_REQUEST_FAIL",
    -504002: "FUNCTIONS_EXECUTE_FAIL",
}


class SimulatorError(Exception):
    """An expected error: shown to the user where they acted, never a crash.

    Built from a ``Reason`` (``InputError(Reason("persona.name_taken", "…{name}…", name=n))``),
    ``str()`` is its English text and ``reason`` lets the app say it in the person's language;
    built from a plain string, ``reason`` is None and the text is shown as it is.
    """

    def __init__(self, message: str | Reason = "", *args: object) -> None:
        self.reason: Reason | None = message if isinstance(message, Reason) else None
        super().__init__(str(message), *args)


CODE_WORDS = "error.code_words"  # a Reason naming an error code's words (see CloudError.as_reason)


class CloudError(SimulatorError):
    """A failure the real cloud would report, with its numeric code and detail text.

    ``detail`` is the backend's own words (e.g. ``Db or Table not exist: todos``);
    ``errmsg_for(api)`` builds the SDK's user-visible errMsg from it.
    """

    def __init__(self, code: int, detail: str | Reason = "") -> None:
        self.code = code
        self.detail = str(detail)
        super().__init__(self.text + (f". {self.detail}" if self.detail else ""))
        # The detail as a Reason when it is ours (the backend's own words stay a plain string).
        self.reason = detail if isinstance(detail, Reason) else None

    @property
    def text(self) -> str:
        return ERROR_TEXTS.get(self.code, ERROR_TEXTS[-1])

    @property
    def tcb_code(self) -> str:
        return TCB_CODES.get(self.code, "SYS_ERR")

    def as_reason(self) -> Reason:
        """The whole error as a Reason, for a message that quotes it: the code's words (id
        ``error.code_words``, said in the UI's language by the code's own), then the detail,
        which keeps its own Reason when it has one. Its English text is ``str(self)``."""
        words = Reason(CODE_WORDS, self.text, code=self.code)
        if not self.detail:
            return words
        return Reason("error.with_detail", "{words}. {detail}", words=words, detail=self.reason or self.detail)

    def errmsg_for(self, api: str) -> str:
        """The SDK's errMsg: ``<api>:fail <code> <text>. <detail>`` (spec §2.2)."""
        return f"{api}:fail {self.code} {self}"

    def to_dict(self, api: str) -> dict:
        return {"errCode": self.code, "errMsg": self.errmsg_for(api)}


class WxApiError(SimulatorError):
    """An error of the WeChat open API (``errcode``/``errmsg``, e.g. code2Session 40163)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"{errcode} {errmsg}")

    def to_dict(self) -> dict:
        return {"errcode": self.errcode, "errmsg": self.errmsg}


class InputError(SimulatorError):
    """Bad input from the person at the keyboard (a name, a JSON text, a path)."""
