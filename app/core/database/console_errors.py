"""Where a mistake in one of the database console's boxes is: line and column in the box's text.

The console's JS (``js/builtins/wxsim-console.js``) compiles each box as the body
``const {…} = this`` / ``return (`` / the text / ``)`` of ``new Function``, so the text starts
on line TEXT_LINE of the body, which V8 numbers from line NEW_FUNCTION_LINES + 1. A SyntaxError
comes back from the worker as ``box:bodyLine`` + V8's source line + caret
(``runtime/child/v8_worker.py``); an error thrown while a box ran names ``box:line:column``
in its stack. V8 counts columns in UTF-16 units; the messages count characters.
"""

from __future__ import annotations

import re

from app.core.functions.runtime.outcome import JsError
from app.core.reasons import Reason

TEXT_LINE = 3  # wxsim-console.js TEXT_LINE
NEW_FUNCTION_LINES = 2  # "(function anonymous(", ") {" before the body
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")  # V8's line terminators
_LOCATED = re.compile(r"(?P<box>\w+):(?P<line>-?\d+)\n(?P<source>[^\n]*)\n(?P<caret>[^\n]*)")


def syntax_error(error: JsError, texts: dict[str, str]) -> Reason | None:
    """The message for a SyntaxError in one of ``texts`` (by box), or None if it is not one."""
    found = _LOCATED.match(error.stack or "")
    if error.name != "SyntaxError" or found is None or found["box"] not in texts:
        return None
    box, text = found["box"], texts[found["box"]]
    lines = _LINE_BREAK.split(text)
    line = int(found["line"]) - TEXT_LINE + 1
    message: str | Reason = error.message
    if line > len(lines):  # on the closing line we added: the box's text stopped short
        line, column = len(lines), len(lines[-1]) + 1
        message = Reason("database.console_unexpected_end", "Unexpected end of input")
    else:
        line = max(line, 1)
        caret = found["caret"].find("^")
        column = _column(lines[line - 1], max(caret, 0))
    return _prefixed(box, Reason("database.console_syntax_error", "Line {line}, column {column}: SyntaxError: "
                                 "{message}", line=line, column=column, message=message))


def box_failure(failed: dict, texts: dict[str, str]) -> Reason:
    """The message for a box whose code threw, or whose value the SDK refused."""
    box = str(failed.get("box", ""))
    name, message = str(failed.get("name", "Error")), str(failed.get("message", ""))
    said = message if name == "Error" else f"{name}: {message}"
    where = _frame(box, str(failed.get("stack", "")), texts.get(box, ""))
    if where is None:
        return _prefixed(box, said)
    return _prefixed(box, Reason("database.console_error_at", "{where}: {error}", where=where, error=said))


def _frame(box: str, stack: str, text: str) -> Reason | None:
    """``Line L, column C`` of the first stack frame in the box's own code, if any."""
    found = re.search(rf"\b{re.escape(box)}:(\d+):(\d+)\b", stack) if box else None
    if found is None:
        return None
    lines = _LINE_BREAK.split(text)
    line = int(found.group(1)) - NEW_FUNCTION_LINES - TEXT_LINE + 1
    if not 1 <= line <= len(lines):
        return None
    return Reason("database.console_position", "Line {line}, column {column}", line=line,
                  column=_column(lines[line - 1], int(found.group(2)) - 1))


def _column(line: str, utf16_units: int) -> int:
    """The 1-based character column of a position V8 gives in UTF-16 units."""
    head = line.encode("utf-16-le", "surrogatepass")[: 2 * utf16_units]
    return len(head.decode("utf-16-le", "ignore")) + 1


def _prefixed(box: str, message: str | Reason) -> Reason:
    # The document editor has one box: its messages need no name.
    if box == "document":
        return message if isinstance(message, Reason) else Reason("database.console_js_error", "{error}", error=message)
    return Reason("database.console_in_box", "{box}: {message}", box=box, message=message)
