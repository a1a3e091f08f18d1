"""Hosting sessions: the in-process and the sharded host, worker processes and their messages,
the session store (ids, caps, expiry) and the runs store.

Imports ``app.outputs``, ``app.training`` and ``app.nn``; knows nothing of HTTP.
"""
