"""Privacy by design: key rotation, retention and erasure, a patient's data for an access request.

Plain modules, no Flask: each takes its session, keys and settings as arguments.
"""
