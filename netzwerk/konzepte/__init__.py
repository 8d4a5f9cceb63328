"""Concept documents (Integrationskonzept, Präventionskonzept): chapters kept in versions, a status
flow from the draft to the committee's decision, and partners' comments while the network is
consulted. Models live in models.py here and are part of the netzwerk app."""
