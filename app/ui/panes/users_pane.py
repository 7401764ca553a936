"""用户 / Users: the persona roster (with each persona's fake phone number and getPhoneNumber
policy), the wx.login → code2Session walkthrough, the user list."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.api import Persona, WxApiError
from app.ui.async_slot import async_slot
from app.ui.bridge import WorkspaceBridge
from app.ui.flow_layout import FlowLayout
from app.ui.messages import InlineMessage
from app.ui.models import PersonasModel, UsersModel
from app.ui.widgets import make_table, JsonView


class UsersPane(QWidget):
    """Personas, login codes and visitors of the workspace."""

    @staticmethod
    def title() -> str:
        return QCoreApplication.translate("UsersPane", "Users")

    def __init__(self, bridge: WorkspaceBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.personas_model = PersonasModel(self)
        self.users_model = UsersModel(bridge.persona_by_openid, self)
        self.roster = make_table(self.personas_model, rows=4)  # four rows tall at any zoom
        self.users = make_table(self.users_model)
        self.roster_message = InlineMessage()
        self.phone_message = InlineMessage()
        self.login_message = InlineMessage()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("the code from wx.login(), or any text to try"))
        self.response = JsonView()
        self.response.setMaximumHeight(130)
        self.acting_label = QLabel()
        self._users_refresh = QTimer(self)  # a burst of client requests refreshes the list once
        self._users_refresh.setSingleShot(True)
        self._users_refresh.setInterval(150)
        self._users_refresh.timeout.connect(self._refresh_users)
        layout = QVBoxLayout(self)
        layout.addWidget(self._roster_box())
        layout.addWidget(self._login_box())
        layout.addWidget(self._users_box(), 1)
        bridge.personas_changed.connect(self._refresh_personas)
        bridge.personas_changed.connect(self._refresh_users)
        bridge.users_changed.connect(self._users_refresh.start)
        bridge.acting_changed.connect(self._show_acting)
        self.roster.selectionModel().currentRowChanged.connect(self._load_phone)
        self._refresh_personas()
        self._refresh_users()
        self._show_acting(bridge.acting_as())

    # -- layout --------------------------------------------------------------------------------

    def _roster_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Personas"))
        buttons = QHBoxLayout()
        self.roster_buttons: list[QPushButton] = []  # what changes the roster (the shell's lock)
        for text, slot in (
            (self.tr("Add…"), self._on_add_clicked),
            (self.tr("Rename…"), self._on_rename_clicked),
            (self.tr("Colour…"), self._on_recolor_clicked),
            (self.tr("Delete"), self._on_delete_clicked),
            (self.tr("Copy openid"), self._on_copy_clicked),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            if slot != self._on_copy_clicked:
                self.roster_buttons.append(button)
        buttons.addStretch(1)
        column = QVBoxLayout(box)
        column.addWidget(self.roster)
        column.addLayout(buttons)
        column.addWidget(self.roster_message)
        column.addLayout(self._phone_row())
        column.addWidget(self.phone_message)
        return box

    def _phone_row(self) -> FlowLayout:
        """The selected persona's phone number (what getPhoneNumber gives) and button policy."""
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("e.g. 13800138000; empty for the generated one"))
        self.phone_edit.setMinimumWidth(200)
        self.phone_edit.returnPressed.connect(self._on_phone_save_clicked)
        self.phone_save = QPushButton(self.tr("Save number"))
        self.phone_save.clicked.connect(self._on_phone_save_clicked)
        self.phone_policy = QComboBox()
        self.phone_policy.addItem(self.tr("getPhoneNumber button: allow"), "allow")
        self.phone_policy.addItem(self.tr("getPhoneNumber button: deny"), "deny")
        self.phone_policy.activated.connect(self._on_policy_chosen)  # the user's choice, not a reload
        row = FlowLayout()
        row.addWidget(QLabel(self.tr("Phone number:")))
        row.addWidget(self.phone_edit)
        row.addWidget(self.phone_save)
        row.addWidget(self.phone_policy)
        return row

    def _login_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Login: wx.login → code2Session"))
        self.init_button = QPushButton(self.tr("wx.cloud.init({traceUser: true})"))
        self.login_button = QPushButton(self.tr("wx.login()"))
        self.exchange_button = QPushButton(self.tr("code2Session"))
        self.init_button.clicked.connect(self._on_init_clicked)
        self.login_button.clicked.connect(self._on_login_clicked)
        self.exchange_button.clicked.connect(self._on_exchange_clicked)
        row = FlowLayout()  # wraps in a narrow window or with presenter mode's big text
        row.addWidget(self.acting_label)
        row.addWidget(self.init_button)
        row.addWidget(self.login_button)
        row.addWidget(self.code_edit)
        row.addWidget(self.exchange_button)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.response)
        column.addWidget(self.login_message)
        return box

    def _users_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Users (用户管理): visits recorded with traceUser, latest first"))
        column = QVBoxLayout(box)
        column.addWidget(self.users)
        return box

    def settings_controls(self) -> list[QWidget]:
        """The controls the shell's read-only lock turns off: add, rename, recolour, delete."""
        return [*self.roster_buttons, self.phone_edit, self.phone_save, self.phone_policy]

    # -- roster --------------------------------------------------------------------------------

    def _selected(self) -> Persona | None:
        persona = self.personas_model.persona_at(self.roster.currentIndex().row())
        if persona is None:
            self.roster_message.show_error(self.tr("Select a persona in the list first."))
        return persona

    def _on_add_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add persona"), self.tr("Name:"))
        if ok:
            self.change_persona("personas.add", {"name": name})

    def _on_rename_clicked(self) -> None:
        persona = self._selected()
        if persona is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Rename persona"), self.tr("New name (the openid stays the same):"),
            text=persona.name,
        )
        if ok:
            self.change_persona("personas.rename", {"name": persona.name, "newName": name})

    def _on_recolor_clicked(self) -> None:
        persona = self._selected()
        if persona is None:
            return
        color = QColorDialog.getColor(QColor(persona.color), self, self.tr("Persona colour"))
        if color.isValid():
            self.change_persona("personas.recolor", {"name": persona.name, "color": color.name()})

    def _on_delete_clicked(self) -> None:
        persona = self._selected()
        if persona is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete persona"),
            self.tr("Delete {name}? Data this user owns keeps its openid {openid}.").format(
                name=persona.name, openid=persona.openid
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.change_persona("personas.remove", {"name": persona.name})

    def _on_copy_clicked(self) -> None:
        persona = self._selected()
        if persona is not None:
            QGuiApplication.clipboard().setText(persona.openid)
            self._bridge.notify(self.tr("Copied the openid of {name}").format(name=persona.name))

    @async_slot(str, dict)
    async def change_persona(self, action: str, params: dict) -> None:
        """Add, rename, recolour or delete a persona; errors show under the roster."""
        with self.roster_message.reporting():
            await self._bridge.request(action, params)

    def _refresh_personas(self) -> None:
        chosen = self._current()
        personas = self._bridge.personas()
        self.personas_model.set_personas(personas)  # a reset: the roster loses its current row
        row = next((i for i, p in enumerate(personas) if chosen is not None and p.openid == chosen.openid), None)
        if row is not None:  # the same persona, renamed or recoloured: chosen again, which loads its number
            self.roster.selectRow(row)
        else:
            self.phone_edit.clear()  # nothing chosen (or the persona deleted): an empty phone row

    # -- phone numbers (openapi.md §7) -----------------------------------------------------------

    def _current(self) -> Persona | None:
        return self.personas_model.persona_at(self.roster.currentIndex().row())

    @async_slot()
    async def _load_phone(self) -> None:
        persona = self._current()
        if persona is None:  # the selected persona was deleted
            self.phone_edit.clear()
            return
        with self.phone_message.reporting(clear=False):  # a reload keeps what a save said
            listed = await self._bridge.request("opendata.personas")
            row = next((p for p in listed["personas"] if p["openid"] == persona.openid), None)
            if row is not None and persona == self._current():  # the selection may have moved meanwhile
                self.phone_edit.setText(row["phoneNumber"])
                self.phone_policy.setCurrentIndex(self.phone_policy.findData(row["phonePolicy"]))

    @async_slot()
    async def _on_phone_save_clicked(self) -> None:
        persona = self._current()
        if persona is None:
            self.phone_message.show_error(self.tr("Select a persona in the list first."))
            return
        with self.phone_message.reporting():
            saved = await self._bridge.request("opendata.setPhone", {"openid": persona.openid,
                                                                     "phoneNumber": self.phone_edit.text()})
            self.phone_edit.setText(saved["phoneNumber"])
            self.phone_message.show_info(self.tr("{name}'s phone number is now {number}.").format(
                name=persona.name, number=saved["phoneNumber"]))

    @async_slot(int)
    async def _on_policy_chosen(self, index: int) -> None:
        persona = self._current()
        if persona is None:
            self.phone_message.show_error(self.tr("Select a persona in the list first."))
            return
        with self.phone_message.reporting():
            await self._bridge.request("opendata.setPhonePolicy", {"openid": persona.openid,
                                                                   "phonePolicy": self.phone_policy.itemData(index)})

    # -- login walkthrough ---------------------------------------------------------------------

    def _show_acting(self, name: str | None) -> None:
        self.acting_label.setText(self.tr("As {name}:").format(name=name or self.tr("Signed out")))

    @async_slot()
    async def _on_init_clicked(self) -> None:
        with self.login_message.reporting():
            self.response.show_value(await self._bridge.client_request("auth.initCloud", {"traceUser": True}))

    @async_slot()
    async def _on_login_clicked(self) -> None:
        with self.login_message.reporting():
            result = await self._bridge.client_request("auth.wxLogin")
            self.code_edit.setText(result["code"])
            self.response.show_value(result)

    @async_slot()
    async def _on_exchange_clicked(self) -> None:
        with self.login_message.reporting():
            try:
                result = await self._bridge.request("auth.code2Session", {"js_code": self.code_edit.text().strip()})
            except WxApiError as exc:
                self.response.show_value(exc.to_dict())  # what WeChat's server answers
                raise
            self.response.show_value(result)
            self.login_message.show_info(self.tr("Exchanged. Exchange the same code again to see WeChat refuse it."))

    # -- users -------------------------------------------------------------------------------

    def _refresh_users(self) -> None:
        self.users_model.set_users(self._bridge.users())
