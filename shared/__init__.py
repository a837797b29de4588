"""The package every service imports: event contracts, plumbing, settings, health, metrics."""
