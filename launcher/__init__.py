"""The Linux binary's front door: one file that runs the app from a verified unpack cache.

``dist/wxsim`` is a small PyInstaller one-file program (``start.py``) with the whole one-folder
app appended as a compressed payload (``bundle.py`` writes and reads that layout). The first
start unpacks the payload once into ``$XDG_CACHE_HOME/wxsim/<build id>/`` (``cache.py``); every
later start checks a marker and ``exec``s the unpacked app directly. Standard library only, and
nothing from ``app``: this runs before the app exists on disk.
"""
