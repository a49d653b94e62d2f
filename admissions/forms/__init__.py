"""WTForms by audience; every form carries a CSRF token (Flask-WTF)."""
