"""What an institution sees and does: its lines and dispatched candidates, letters, API tokens.
Owns the institution's tokens and letters; must not decide dispatches (that is rounds.decisions).
"""
