"""The desktop app (PySide6). The only package that imports Qt.

`app.run_gui` starts it. `main_window` composes the panes (`library_view`, `conversation_list`,
`chat_view`, `savings_view`, `digest_status`) with the `tray` and `settings_dialog`; its chat and
digest behaviour live in the `chat_actions` and `digest_actions` mixins. Everything slow runs in
`workers` through two adapters without Qt: `backend` (library, questions, conversations) and
`background` (scheduler and digest process).
"""
