"""The feed server's tests, by behaviour; their fixtures are in conftest.py, their helpers in
tests/support/feed_server.py."""
