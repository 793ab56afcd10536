"""The team's sync service (DESIGN.md): HTTP in, services below; no Qt."""
