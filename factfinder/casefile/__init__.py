"""The court-ready case file: everything the case holds about one person, organisation, place or
event, with each item's exact source passage, the source's rating and custody history, the
originals themselves and a manifest of SHA-256 hashes that ``verify-casefile`` checks without the
case database.

* :mod:`factfinder.casefile.gather` — what concerns the subject (redacted for the reader);
* :mod:`factfinder.casefile.report_html` / :mod:`factfinder.casefile.report_pdf` — the report;
* :mod:`factfinder.casefile.build` — writing the case file (folder or zip) and logging it;
* :mod:`factfinder.casefile.manifest` — the manifest, and verifying a received case file.
"""

from __future__ import annotations


class CasefileError(Exception):
    """A case file cannot be made (unknown or protected subject, damaged evidence, …)."""
