"""The event bus: every committed complaint event is work for its subscribers.

See ``registry`` (who subscribes to what), ``models.Delivery`` (one row per event and
subscriber, written in the same transaction as the event) and ``runner`` (claim, run,
retry, dead letters). docs/architecture.md shows the flow.
"""
