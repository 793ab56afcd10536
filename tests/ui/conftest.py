from tests.services.conftest import office  # noqa: F401  (the same small office for UI tests)
