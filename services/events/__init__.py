"""Domain events: the outbox, the relay to the broker, live listeners and durable consumers."""
