import pytest

from . import hsds_schema


@pytest.fixture(scope="session")
def registry():
    return hsds_schema.registry()
