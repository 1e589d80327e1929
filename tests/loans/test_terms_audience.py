"""Staff sign the staff loan terms; a pupil's guardian signs the pupil-device terms.

One current version per audience is a database constraint; publishing moves the mark.
"""

import pytest
from django.db import IntegrityError, transaction

from loans.models import LoanTerms

pytestmark = pytest.mark.django_db
A = LoanTerms.Audience


def make(version: str, audience: str = A.STAFF, **fields) -> LoanTerms:
    return LoanTerms.objects.create(version=version, audience=audience, text_fr="fr", text_nl="nl", **fields)


def test_each_audience_has_its_own_current_version():
    staff = make("S-1")
    pupil = make("P-1", A.PUPIL_GUARDIAN)
    assert LoanTerms.current() == staff
    assert LoanTerms.current(A.PUPIL_GUARDIAN) == pupil


def test_no_pupil_terms_means_none_never_the_staff_terms():
    make("S-1")
    assert LoanTerms.current(A.PUPIL_GUARDIAN) is None


def test_the_database_refuses_two_current_versions_for_one_audience():
    make("S-1", is_current=True)
    make("P-1", A.PUPIL_GUARDIAN, is_current=True)  # another audience: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        make("S-2", is_current=True)


def test_publishing_moves_the_current_mark_and_current_prefers_it():
    first = make("S-1")
    first.publish()
    second = make("S-2")
    assert LoanTerms.current() == first  # marked current wins over the newer, unmarked version
    second.publish()
    first.refresh_from_db()
    assert not first.is_current and LoanTerms.current() == second
