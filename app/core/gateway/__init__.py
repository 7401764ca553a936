"""The wire protocol the real ``wx-server-sdk`` speaks (tcb-wire): envelope, signatures, the
environment a Node process needs, the open-API form. The server itself is app/core/http."""

from app.core.gateway.actions import gateway_actions
from app.core.gateway.environment import node_env

__all__ = ["gateway_actions", "node_env"]
