"""Events, their topology on RabbitMQ, the outbox, publishers and the consumer."""
