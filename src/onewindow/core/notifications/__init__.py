"""The notification outbox (通知发件箱) every app uses: Chinese templates, an outbox table
written in the changing transaction, and pluggable channels (SMS gateway, in-app messages)
that send after commit and retry. A message is never lost: it stays in the outbox, with the
state of each channel, until it is sent or an operator gives it up.

Apps import :mod:`onewindow.core.notifications.services` to notify and
:mod:`onewindow.core.notifications.templates` to register their own wording.
"""
