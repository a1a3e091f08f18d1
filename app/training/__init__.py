"""The training domain: datasets, the config schema, the data split, Session, history, lessons, uploads.

Imports only ``app.nn``; nothing here knows about maps, frames, processes or HTTP.
"""
