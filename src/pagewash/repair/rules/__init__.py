"""The repair rules, one module per kind of damage; ``registry`` binds them to their names."""
