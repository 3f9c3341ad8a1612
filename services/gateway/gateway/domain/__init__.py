"""Pure buyer-side rules: policies, procurement evaluation, compliance composition (no I/O)."""
