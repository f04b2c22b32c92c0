"""The claims ledger (issue 6): every numeric claim and event as "source S says X", grouped by
what it measures (entries, subjects, grouping), with independent corroboration
(independence), the spread of values, contradictions and the UCDP/ACLED views (views),
analysts' ratings (ratings) and decisions (decisions), read through query; protest-report
tallies (tally). See docs/ledger.md."""
