"""Handing results to the scheduling module: the outbox, its payloads (JSON or HL7 FHIR R4),
signatures, the retry schedule and the deliverer."""
