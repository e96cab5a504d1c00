"""Channels: the ways coproduce reaches participants and hears back (email, portal, survey)."""
