"""The Flask application of the admissions platform."""
