"""The Familienwegweiser: the public guide for families, from the registry's offers."""
