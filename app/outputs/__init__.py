"""What is made from a session for the outside: maps, frames, model documents, checks, code export.

Imports ``app.training`` and ``app.nn``; knows nothing of processes or HTTP.
"""
