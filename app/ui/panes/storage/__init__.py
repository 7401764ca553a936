"""The storage pane and its models."""
