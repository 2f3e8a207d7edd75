"""Reading: safe YAML with line marks, and the contract registry."""
