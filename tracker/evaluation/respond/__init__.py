"""Answering a questionnaire through a round's link, without an account."""
