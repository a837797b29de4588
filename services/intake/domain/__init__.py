"""The intake domain: pure model and rules; only catalogue_loading reads files, once at start."""
