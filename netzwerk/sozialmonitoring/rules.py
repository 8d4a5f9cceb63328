"""Who works with the indicators: the coordination defines them and imports their values; every
approved account (partners, moderators, committee members) reads them, as it reads the plan they
inform. They are aggregates per district, and what a small group could reveal is never stored."""

import rules

from ..rules import is_approved, is_koordination

rules.add_perm("netzwerk.manage_indikatoren", is_koordination)
rules.add_perm("netzwerk.read_indikatoren", is_approved)
