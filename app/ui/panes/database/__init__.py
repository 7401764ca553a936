"""The database pane and its helpers."""
