"""The functions pane and its models."""
