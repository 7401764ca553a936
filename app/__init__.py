"""wxsim: an offline simulator of WeChat Mini Program Cloud Development."""

__version__ = "0.1.0"
