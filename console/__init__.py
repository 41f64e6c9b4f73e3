"""Hotline staff console (12333 / 96885 operators), served by the Rasa server under /console/.

Modules: ``config`` (environment), ``models`` (staff users, sessions, audit log, unanswered
questions on the registry's ``Base``), ``auth`` (password hashing, login with rate limiting),
``sessions`` and ``csrf`` (cookies and tokens), ``audit``, ``ledger`` (registration look-ups for
staff), ``answer_aid`` (the bot's answer plus the knowledge base's view), ``unanswered``
(recorder of fallback questions), ``render`` (HTML templates), ``channel`` (the Rasa input channel
whose Sanic blueprint serves everything) and ``views_*`` (the pages). See docs/console.md.
"""
