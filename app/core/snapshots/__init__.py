"""Time travel: snapshots of a whole environment, their restore, diffs and scenario files.

- ``store.py`` keeps ``<data>/snapshots/``: one folder per snapshot (collection files, the
  storage manifest, personas, users and settings), and ``blobs/``, the storage files by SHA-256,
  hard-linked so that ten snapshots of unchanged files cost no more disk than one.
- ``restore.py`` puts a snapshot back: it stages the new state beside the live one, writes a
  marker, and swaps each part in with a rename. A kill before the marker leaves the old state,
  after it the next open finishes the swap, so no one ever sees a mix.
- ``diff.py`` compares two states; ``scenario.py`` writes and reads ``.wxsim`` files;
  ``actions.py`` gives the console its ``snapshot.*`` requests and takes automatic checkpoints.
"""
