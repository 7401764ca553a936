"""Cloud storage: files by cloudPath, fileIDs, owners, permission modes and temp URLs."""

from app.core.storage.actions import storage_actions
from app.core.storage.permissions import DEFAULT_MODE, MODES
from app.core.storage.service import StorageService

__all__ = ["DEFAULT_MODE", "MODES", "StorageService", "storage_actions"]
