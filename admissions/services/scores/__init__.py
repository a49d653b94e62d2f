"""Component scores entered by hand, composite computation, publication and the 一分一段 table.
Owns score results; must not touch plans, preferences or rounds.
"""
