"""What an institution sees and does: its lines and dispatched candidates, letters, API tokens.
Owns the institution's tokens and letters; decisions are the rounds package's.
"""
