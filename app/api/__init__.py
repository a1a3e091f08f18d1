"""HTTP and WebSocket routes: one APIRouter per area. Nothing else imports this package."""
