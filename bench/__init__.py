"""make bench: the connection test against shaped links, and the server under load.

Needs root: each measurement runs in a network namespace of its own (ip netns), shaped with tc.
"""
