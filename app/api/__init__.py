"""The web layer: one router per area (routes/), wire schemas, dependencies, error handlers, assets.

Nothing below this package imports it.
"""
