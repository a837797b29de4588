"""What every service imports: event contracts, Kafka and MongoDB plumbing, settings, health, metrics."""
