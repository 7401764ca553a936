"""The loopback HTTP servers: the gateway the real wx-server-sdk talks to, and the storage object routes."""
