"""Apps register demo loaders here from their ``demo.py`` (``loaders.append(load)``)."""

loaders: list = []
