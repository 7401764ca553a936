"""Cloud calls (``cloud.openapi.*``) answered offline: see dispatch.py, and openapi.md."""
