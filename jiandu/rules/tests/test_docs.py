"""docs/rulebooks.md lists exactly the parameter names the catalogue accepts."""

from __future__ import annotations

import re

from jiandu.rules.catalogue import PARAMETERS
from jiandu.rules.rulebook import REPO_RULEBOOK_DIR


def test_docs_catalogue_matches_code() -> None:
    doc = (REPO_RULEBOOK_DIR.parent / "docs" / "rulebooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_.]+)` \|", doc, flags=re.M))
    assert documented == set(PARAMETERS)
