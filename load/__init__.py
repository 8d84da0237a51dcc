"""make load: patients through the whole check at once, with Locust, on loopback only."""
