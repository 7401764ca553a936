"""Child of test_transaction_kill: one transaction of 1,001 inserts, committed on request.

    python transaction_kill_child.py DB_DIR

Prints ``ready`` once the transaction holds its 1,001 writes, then waits for a line on stdin,
commits, prints ``committed <seconds the commit took>`` and waits to be killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.core.database.store import DocumentStore
from app.core.database.transaction_view import TransactionView
from app.core.database.transactions import Transactions

COUNT = 1001


def main() -> None:
    store = DocumentStore(Path(sys.argv[1]), background=False)
    if not store.has_collection("bulk"):
        store.create_collection("bulk")
    transactions = Transactions(store)
    tx = transactions.get(transactions.start())
    TransactionView(transactions, tx).insert("bulk", [{"_id": f"d{i}", "i": i, "pad": "数据" * 60} for i in range(COUNT)])
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.perf_counter()
    transactions.commit(tx.id)
    print(f"committed {time.perf_counter() - began:.6f}", flush=True)
    time.sleep(60)


if __name__ == "__main__":
    main()
