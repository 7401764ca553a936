"""The app's own preferences file: what it remembers, and what it does with a damaged one."""

from __future__ import annotations

import json

from app.settings import AppSettings


def test_preferences_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    settings = AppSettings(path, language="zh_CN", geometry="AAEC", window_state="AwQF",
                           splitters={"DatabasePane/0/2": "AAA="}, last_pane=3, presenter=True,
                           zoom=1.25, theme="dark", presenter_theme="contrast", locked=True, welcomed=True)
    settings.save()
    assert AppSettings.load(path) == settings


def test_damaged_values_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "fr", "zoom": 40, "theme": "neon", "presenter": "yes",
                                "last_pane": True, "splitters": {"a": 1, "b": "x"}, "recent_projects": [1, "/p"]}))
    loaded = AppSettings.load(path)
    assert loaded.language is None and loaded.theme == "standard" and loaded.presenter is False
    assert loaded.zoom == 3.0  # clamped to the largest zoom
    assert loaded.last_pane == 0 and loaded.splitters == {"b": "x"} and loaded.recent_projects == ["/p"]
    path.write_text("{not json")
    assert AppSettings.load(path) == AppSettings(path)


def test_settings_without_a_file_are_not_saved(tmp_path):
    AppSettings(None, presenter=True).save()  # a window built by a test: nothing written anywhere
    assert list(tmp_path.iterdir()) == []
