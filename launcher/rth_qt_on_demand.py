"""PyInstaller runtime hook for the frozen app, in place of PyInstaller's own ``pyi_rth_pyside6``.

PyInstaller's hook imports ``PySide6.QtCore`` in every process the binary starts, to register an
embedded ``qt.conf`` that points Qt at the bundle. Loading Qt costs about 60 ms, and most of the
binary's processes never touch Qt: every terminal command (``wxsim call …``) and every JS
worker. This hook sets the same environment at once (cheap) and registers the same ``qt.conf``
the moment something first imports ``PySide6.QtCore``, before that import returns, so the
window starts exactly as before. ``build.spec`` swaps it in.
"""


def _install() -> None:
    import importlib.abc
    import os
    import sys

    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    meipass = sys._MEIPASS  # noqa: SLF001 - PyInstaller's bundle folder
    qt_root = os.path.join(meipass, "PySide6") if sys.platform.startswith("win") else os.path.join(
        meipass, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_root, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt_root, "qml")
    if sys.platform.startswith("win"):  # as PyInstaller's hook: DLLs collected beside the app are found
        os.environ["PATH"] = os.pathsep.join(filter(None, (meipass, os.environ.get("PATH"))))

    class QtCoreWatch(importlib.abc.MetaPathFinder):
        """Lets the real finders find ``PySide6.QtCore``, then runs the qt.conf step after it loads."""

        def find_spec(self, name, path, target=None):
            if name != "PySide6.QtCore":
                return None
            sys.meta_path.remove(self)
            spec = next((s for f in sys.meta_path if hasattr(f, "find_spec")
                         for s in [f.find_spec(name, path, target)] if s is not None), None)
            if spec is None or spec.loader is None:
                return spec
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                # The module is complete but not yet returned to the importer: register qt.conf
                # now, before any Qt class is created.
                sys.modules[name] = module
                qt_rth_utils.create_embedded_qt_conf("PySide6", qt_root)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, QtCoreWatch())


_install()
del _install
