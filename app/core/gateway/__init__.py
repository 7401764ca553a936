"""The loopback HTTP gateway that the real ``wx-server-sdk`` in Node talks to (tcb-wire)."""

from app.core.gateway.actions import gateway_actions
from app.core.gateway.environment import node_env, serve_info
from app.core.gateway.server import Gateway

__all__ = ["Gateway", "gateway_actions", "node_env", "serve_info"]
