"""Sozialmonitoring (issue 19): need indicators per Sozialraum and year, imported from the town's
statistics office, beside the registry's offers (akteure.bedarf) so the network plans from need."""
