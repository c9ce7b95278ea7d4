"""Feed registries shipped with Faultline (``default.yaml``: world and Middle East outlets)."""
