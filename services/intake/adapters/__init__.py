"""The intake service's connections to MongoDB, Kafka and paper."""
