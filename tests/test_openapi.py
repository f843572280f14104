"""Schemathesis drives every API operation from /api/v1/openapi.json with ALL its checks (issue 9, defect 11).

Every check schemathesis 4 has is run (`case.call_and_validate()` without `checks=` runs the whole registry;
`ALL_CHECKS` below names them so that a check added or dropped by an upgrade shows up here): no server error,
every status and content type and body documented, schema-invalid input refused, schema-valid input accepted,
authentication enforced where the schema says it is required and optional where it says `{}`. Twice: as an
anonymous caller and as a member with an API token. Examples per operation are bounded to keep `make test` short.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from guichet.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
load_all_checks()
ALL_CHECKS = [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def test_every_check_of_schemathesis_is_run():
    names = {c.__name__ for c in ALL_CHECKS}
    assert {"not_a_server_error", "status_code_conformance", "content_type_conformance",
            "response_schema_conformance", "negative_data_rejection", "positive_data_acceptance",
            "ignored_auth", "missing_required_header", "unsupported_method"} <= names


@pytest.fixture
def api_data(small_directory):
    # Raw WSGI calls would close the test's database connection at the end of each request; Django's
    # test client avoids that the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield small_directory
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(api_data, member):
    from guichet.accounts.models import Membership
    from guichet.accounts.services import api_token_create
    from guichet.directory.models import Organization

    Membership.objects.create(user=member, organization=Organization.objects.order_by("key").first())
    return api_token_create(actor=member, name="schemathesis")[1]


@schema.parametrize()
@EXAMPLES
@pytest.mark.django_db
@pytest.mark.slow  # schemathesis: every operation, many generated cases
def test_api_as_anonymous_caller(case, api_data):
    case.call_and_validate(checks=ALL_CHECKS)


@schema.parametrize()
@EXAMPLES
@pytest.mark.django_db
@pytest.mark.slow  # schemathesis: every operation, many generated cases
def test_api_as_member_with_a_token(case, member_token):
    case.call_and_validate(checks=ALL_CHECKS, headers={"Authorization": f"Bearer {member_token}"})
