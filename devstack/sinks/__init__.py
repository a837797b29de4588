"""Local stand-ins for the providers notify talks to: an SMTP server and an HTTP SMS gateway.

Both are real servers on loopback that keep what they receive, so people and tests can read it.
"""
