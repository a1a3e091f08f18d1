"""One router per area of the REST and WebSocket API."""
