"""The snapshots pane (time travel): the list of saved states and the diff view."""
