"""Country programmes: China comes from the data migration in every database; the tests add others."""

import pytest

from programmes.models import Country


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def china(db) -> Country:
    return Country.objects.get(code="CN")


def country_form(**overrides) -> dict:
    """A Spanish-speaking programme, as an officer fills in the form."""
    data = {
        "code": "CO",
        "name": "Colombia",
        "time_zone": "America/Bogota",
        "currency": "COP",
        "languages": "es, en",
        "office_name": "OIT Oficina de País para los Países Andinos",
        "address": "Calle 67 No. 7-94, Bogotá",
        "telephone": "+57 1 000 0000",
        "fax": "",
        "email": "score-colombia@example.org",
        "web": "www.ilo.org/score",
    }
    data.update(overrides)
    return data
