"""Cloud functions: the JS runtime (worker processes running V8) and, above it, the SDK shims."""
