"""Sign-in security: the password policy, login sessions that end on the server, login throttling.
Owns password rules, login sessions and throttle counters; must not create accounts or touch exams.
"""
