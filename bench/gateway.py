"""The gateway's warm request overhead with authentication, side by side in one run.

    .venv/bin/python bench/gateway.py [--runs 3000] [--docs 1000]

- a signed ``database.getDocument`` (``doc(id).get()``, as SDK 4.x sends it) over HTTP on one
  keep-alive connection: request line, headers, Host/Origin checks, signature check, JSON
  parsing, dispatch, wire shaping, answer;
- the same call dispatched in-process through ``Gateway.answer`` (dispatch and wire shaping,
  no HTTP, no signature);
- the signature check alone (``json_members`` + ``Verifier.verify``, as the handler runs them);
- and, for scale, signing one request (the client's side, which Node does in the SDK).

The request is signed once and resent: the server verifies every one, and a signature stays
valid for its 600 s. Reported as medians in µs and as ratios; budgets live in DESIGN §6, never
in tests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.gateway.envelope import WireCall  # noqa: E402
from app.core.gateway.signature import json_members, sign  # noqa: E402
from app.core.requests import Caller, Request  # noqa: E402
from app.core.workspace import Workspace  # noqa: E402


def median_us(fn, runs: int) -> float:
    for _ in range(min(200, runs)):  # warm caches, the connection, the dispatcher
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the queried collection")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxsim-bench-gateway-") as folder:
        ws = Workspace.open(Path(folder) / "d")
        try:
            return run(ws, args.runs, args.docs)
        finally:
            ws.close()


def run(ws: Workspace, runs: int, docs: int) -> int:
    admin = Caller.admin("console")
    ws.handle(Request("database.addCollection", {"collectionName": "todos"}, admin))
    ws.handle(Request("database.insertDocument", {"collectionName": "todos", "data": [
        {"_id": f"t{i}", "title": f"todo {i}", "done": i % 2 == 0, "progress": i % 100} for i in range(docs)]}, admin))
    gateway = ws.gateway
    creds = gateway.credentials
    url = gateway.start()
    env = ws.settings.env_id
    params = {"collectionName": "todos", "queryType": "DOC", "query": json.dumps({"_id": f"t{docs // 2}"}),
              "multi": False}
    fields = {"action": "database.getDocument", **params, "envName": env, "wxCloudApiToken": "",
              "tcb_sessionToken": "", "sessionToken": creds.session_token, "crossAuthorizationToken": ""}
    body = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    target = f"{urlsplit(url).path}?env={env}&seqId=18c0f_1"
    host = urlsplit(url).netloc
    headers = {"content-type": "application/json", "user-agent": "tcb-node-sdk/3.17.2", "x-tcb-source": ",scf",
               "x-client-timestamp": str(int(time.time() * 1000)), "x-sdk-version": "wx-server-sdk/4.0.2",
               "host": host, "x-tcb-region": "ap-shanghai"}
    signing = lambda: sign(creds, "post", f"http://{host}{target}", headers, fields)  # noqa: E731
    signed = {**headers, **{name.lower(): value for name, value in signing().items()}}

    connection = http.client.HTTPConnection(host, timeout=10)  # one socket for every request

    def over_http() -> dict:
        connection.request("POST", target, body=body, headers=signed)
        response = connection.getresponse()
        answer = response.read()
        assert response.status == 200 and not response.will_close
        return json.loads(answer)

    answer = over_http()
    assert answer["data"]["list"], answer  # served, not refused
    call = WireCall("database.getDocument", params, env, "18c0f_1")
    direct = lambda: gateway.answer(call, ",scf")  # noqa: E731
    assert direct()["data"] == answer["data"]

    def verify_alone() -> None:
        gateway.verifier.verify("POST", target, signed, json_members(body))

    verify_alone()
    http_us = median_us(over_http, runs)
    direct_us = median_us(direct, runs)
    verify_us = median_us(verify_alone, runs)
    sign_us = median_us(signing, runs)
    connection.close()

    print(f"signed database.getDocument (doc by _id, {docs} docs), medians of {runs} runs")
    print(f"  over HTTP, keep-alive, verified        {http_us:8.1f} µs")
    print(f"  in-process Gateway.answer              {direct_us:8.1f} µs")
    print(f"  signature check alone                  {verify_us:8.1f} µs")
    print(f"  signing one request (client side)      {sign_us:8.1f} µs")
    print(f"  HTTP overhead over in-process          {http_us - direct_us:8.1f} µs   ({http_us / direct_us:.2f}×)")
    print(f"  signature check / HTTP round trip      {verify_us / http_us:8.1%}")
    print(f"  signature check / in-process dispatch  {verify_us / direct_us:8.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
