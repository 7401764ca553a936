"""wxsim: an offline simulator of WeChat Mini Program Cloud Development."""

__version__ = "0.1.0"

# What wxsim simulates: the SDK releases its behaviour was checked against (see README).
SIMULATES = "wx-server-sdk 4.0.2 (@cloudbase/node-sdk 3.17.2), wx-server-sdk 2.6.3"
