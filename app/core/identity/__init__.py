"""Personas, openids, wx.login codes, code2Session and the user list."""
