"""Component scores entered by hand, composite computation, publication and the 一分一段 table.
Owns score results and the engine's score inputs; must not import rounds, students or keying.
"""
