"""German full-text search on PostgreSQL.

The search vectors are stored columns kept by a trigger (migration 0008): title or name weighted
A, description B. Queries filter and rank on the stored vector, which its GIN index serves.
"""

CONFIG = "german"
