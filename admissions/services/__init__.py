"""The rules of the house, by domain. Services flush and never commit; the caller commits once."""
