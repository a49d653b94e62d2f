"""Background jobs: the queue, the worker that runs them, and the job functions.
Owns a job's state and its transaction; the work itself lives in the other domains.
"""
