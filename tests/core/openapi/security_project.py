"""The content-security additions to the acceptance project (openapi.md §9 OA30–OA31).

``img`` declares only ``security.imgSecCheck`` (as §9's ``oa2``) and turns each call's
``media.valueBase64`` into the Buffer the SDK takes, since an event carries only JSON; ``push``
is a message push receiver that answers what it got.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

IMG = r"""
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  const out = []
  for (const params of event.calls) {
    const { valueBase64, ...media } = params.media
    const data = { ...params, media: { ...media, value: Buffer.from(valueBase64, 'base64') } }
    out.push(await cloud.openapi.security.imgSecCheck(data).then((ok) => ({ ok }),
      (e) => ({ err: { errCode: e.errCode, errMsg: e.errMsg } })))
  }
  return out
}
"""
PUSH = """
exports.main = async (event) => ({ got: event.Event, traceId: event.trace_id, result: event.result || null })
"""


def add_security_functions(root: Path) -> None:
    for name, code, apis in (("img", IMG, ["security.imgSecCheck"]), ("push", PUSH, [])):
        folder = root / "cloudfunctions" / name
        folder.mkdir(parents=True)
        (folder / "index.js").write_text(code, encoding="utf-8")
        (folder / "config.json").write_text(json.dumps({"permissions": {"openapi": apis}}))


def media(data: bytes, content_type: str = "image/png", **extra) -> dict:
    """An imgSecCheck ``media`` parameter as ``img`` takes it."""
    return {"contentType": content_type, "valueBase64": base64.b64encode(data).decode("ascii"), **extra}
