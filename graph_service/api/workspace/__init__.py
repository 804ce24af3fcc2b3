"""The account workspace: server-rendered pages at ``/`` for account teams (docs/workspace.md).

:mod:`.session` signs the browser's session cookie and turns it back into a principal,
:mod:`.csrf` guards every state-changing request from the pages, :mod:`.i18n` holds the
Japanese and English catalogues, :mod:`.data` executes the app's own GraphQL schema for each
page, :mod:`.board` shapes its answers for the pages, and :mod:`.routes` serves them.
"""
