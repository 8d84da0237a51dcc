"""Operations: /healthz, /readyz and /metrics (views.py), for load balancers and Prometheus.

Outside the rate limits and the audit: a load balancer asks every few seconds, and none of
these answers holds personal data.
"""
