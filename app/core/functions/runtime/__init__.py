"""Where user code runs: worker processes for the embedded V8 and for real Node.js, their pool, slots and outcomes."""
