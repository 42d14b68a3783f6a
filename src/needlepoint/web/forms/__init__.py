"""Page forms, one module per resource; validation only, writes go through the services."""
