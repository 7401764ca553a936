"""Programs that run in a worker process of their own, not in the app (see runtime/v8_process.py)."""
