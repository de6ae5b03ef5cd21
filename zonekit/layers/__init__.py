"""The planning domain: layer schemas, field mapping, land-use codes, the study file and its checks."""
