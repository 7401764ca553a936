"""Child of test_large.py and bench/storage.py: moves one big file every way storage can.

    python large_file_child.py DATA_DIR SIZE_MB [--trace-allocations]

Prints one JSON object: for each route, the growth of peak RSS (MB) while it ran, and its
time (bench/storage.py reads those). With ``--trace-allocations`` each route also reports
the peak of Python's own allocations (tracemalloc) while it ran: a count of bytes held, not
a measure of the machine, so test_large.py can check that a route streams in bounded chunks
instead of holding the file, however busy the machine is. The file is sparse, so making it
costs nothing; every route reads and writes it all.
"""

from __future__ import annotations

import http.client
import json
import resource
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from app.core.dispatcher import Dispatcher
from app.core.events import EventLog
from app.core.requests import Caller, Request
from app.core.storage import StorageService, storage_actions

MB = 1 << 20


def current_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()


def peak_mb() -> float:
    try:  # VmHWM can be reset (below); ru_maxrss only ever grows
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / MB if sys.platform == "darwin" else maxrss / 1024


def reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux ≥ 4.0: VmHWM := VmRSS
    except OSError:
        pass


def main() -> None:
    data, size = Path(sys.argv[1]), int(sys.argv[2]) * MB
    trace = "--trace-allocations" in sys.argv[3:]
    if trace:
        tracemalloc.start()
    data.mkdir(parents=True, exist_ok=True)
    source = data / "big.bin"
    with source.open("wb") as handle:
        handle.truncate(size)
    dispatcher = Dispatcher(EventLog(None), lambda request: None)
    service = StorageService(data / "storage", data / "storage-index.json", "test-x1dzi", "1257000000",
                             lambda: "READONLY", handle=dispatcher.handle)
    dispatcher.register(storage_actions(service, lambda mode: None))
    admin = Caller.console()
    client = Caller.client("oA" + "a" * 26, "wxabc", persona="A")

    def call(action: str, params: dict, caller: Caller = admin) -> dict:
        return dispatcher.handle(Request(action, params, caller))

    def upload_in_process() -> None:
        call("storage.uploadFile", {"cloudPath": "big/in.bin", "localPath": str(source)})

    def download_in_process() -> None:
        file_id = service.file_id("big/in.bin")
        call("storage.downloadFile", {"fileID": file_id, "localPath": str(data / "out.bin")})
        assert (data / "out.bin").stat().st_size == size
        (data / "out.bin").unlink()

    def put_chunked_http() -> None:
        meta = call("storage.getUploadMetadata", {"path": "big/put.bin", "method": "put"}, client)
        parts = urlsplit(meta["url"])
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600, blocksize=MB)
        with source.open("rb") as body:
            connection.request("PUT", parts.path, body=body, encode_chunked=True,
                               headers={"x-cos-security-token": meta["token"]})
        response = connection.getresponse()
        assert response.status == 200, response.read()
        connection.close()

    def post_multipart_http() -> None:
        meta = call("storage.getUploadMetadata", {"path": "big/post.bin"}, client)
        boundary = "----wxsimLargeBoundary"
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in (("x-cos-security-token", meta["token"]), ("key", "big/post.bin"))
        ) + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b"\r\n\r\n'
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body():
            yield head.encode()
            with source.open("rb") as handle:
                while chunk := handle.read(MB):
                    yield chunk
            yield tail

        parts = urlsplit(meta["url"])
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        connection.request("POST", parts.path, body=body(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head.encode()) + size + len(tail))})
        response = connection.getresponse()
        assert response.status == 204, response.read()
        connection.close()

    def get_http() -> None:
        answer = call("storage.batchGetDownloadUrl", {"file_list": [{"fileid": service.file_id("big/put.bin")}]})
        received = 0
        with urllib.request.urlopen(answer["download_list"][0]["tempFileURL"], timeout=600) as response:
            while chunk := response.read(MB):
                received += len(chunk)
        assert received == size, received

    service.objects.base_url()  # the server's threads exist before measuring
    results = {"size_mb": size // MB, "baseline_rss_mb": round(current_mb(), 1)}
    for route in (upload_in_process, download_in_process, put_chunked_http, post_multipart_http, get_http):
        reset_peak()
        if trace:
            tracemalloc.reset_peak()
            traced_before = tracemalloc.get_traced_memory()[0]
        before = max(current_mb(), peak_mb()) if not Path("/proc/self/clear_refs").exists() else current_mb()
        started = time.perf_counter()
        route()
        results[route.__name__] = {
            "peak_growth_mb": round(peak_mb() - before, 1),
            "seconds": round(time.perf_counter() - started, 2),
        }
        if trace:
            held = tracemalloc.get_traced_memory()[1] - traced_before
            results[route.__name__]["allocated_peak_mb"] = round(held / MB, 2)
    results["peak_rss_mb"] = round(peak_mb(), 1)
    service.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
