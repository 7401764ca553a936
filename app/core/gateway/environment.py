"""The environment of a Node process whose wx-server-sdk should talk to the gateway (tcb-wire §2).

``wxsim serve`` prints it for processes started by hand; a run we start adds the caller's
identity (``WX_*``, read locally by ``getWXContext()``) and its invocation id (``TCB_SEQID``,
which node-sdk puts at the front of every request's seqId).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.gateway.credentials import Credentials

SERVE_SOURCE = "wx_devtools"  # a developer running a function by hand, as DevTools' local debugging


def node_env(
    url: str,
    env_id: str,
    *,
    credentials: Credentials,
    source: str,
    openid: str | None = None,
    appid: str | None = None,
    unionid: str | None = None,
    seq_id: str | None = None,
) -> dict[str, str]:
    """Every variable SCF would set for wx-server-sdk, pointing it at ``url``.

    The SDK signs each request with the TENCENTCLOUD_* credentials (and sends the session
    token in its body); the gateway answers only requests signed with the workspace's.
    """
    env = {
        # SCF mode: no metadata.tencentyun.com probe, and X-TCB-Source gets ",scf".
        "TENCENTCLOUD_RUNENV": "SCF",
        "TENCENTCLOUD_REGION": "ap-shanghai",
        "SCF_NAMESPACE": env_id,
        "TCB_ENV": env_id,
        "TENCENTCLOUD_SECRETID": credentials.secret_id,
        "TENCENTCLOUD_SECRETKEY": credentials.secret_key,
        "TENCENTCLOUD_SESSIONTOKEN": credentials.session_token,
        "TCB_CONTEXT_CNFG": json.dumps({"URL": url}),
        "TCB_SOURCE": source,
        "TCB_CONTEXT_KEYS": "TCB_ENV,TCB_SEQID,TCB_SOURCE",  # node-sdk sees only the TCB_* listed
        "WX_CONTEXT_KEYS": "WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6",
        "WX_CLIENTIP": "127.0.0.1",
        "WX_CLIENTIPV6": "::1",
        # Stops the 3 s "slow request" timer, which would keep a finished process alive.
        "SILENCE": "true",
    }
    for key, value in (("WX_OPENID", openid), ("WX_APPID", appid), ("WX_UNIONID", unionid), ("TCB_SEQID", seq_id)):
        if value:
            env[key] = value
    if source == "wx_trigger":
        env["TRIGGER_SRC"] = "timer"
    return env
