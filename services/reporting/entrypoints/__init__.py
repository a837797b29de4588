"""How the reporting service is driven from outside: its HTTP app, and its consumers."""
