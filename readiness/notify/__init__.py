"""The service reaches patients itself: the invitation and reminders, by email and text message.

Messages wait in the `notification` table like the outbox waits for the scheduling module:
durable, retried with backoff, sent once each (readiness.notify.queue). The channels
(readiness.notify.channels) and the timing rules (readiness.notify.timing) import no Flask.
"""
