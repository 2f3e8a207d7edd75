"""Authoring: skeletons for new syntheses and corrections."""
