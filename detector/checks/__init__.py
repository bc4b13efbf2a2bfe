"""Builtin checks. Each module is a plugin on the public hooks (see DEFAULT_PLUGINS)."""
