"""The rules core: the law as data, evaluated in pure Python. Nothing here imports Django
(an import-linter contract in pyproject.toml enforces it), so a lawyer's test case runs anywhere."""
