"""What a candidate does and sees: registration, account, preferences, scores, results, letters.
Owns the candidate's own data; must not change scores, plans or runs.
"""
