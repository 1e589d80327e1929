"""Journey 4: the school creates a guardian's private booking link; the guardian books a
collection slot on a phone; at the station, logistics hands the laptop over and prints the
receipt."""

import json
import re

import pytest

from tests.e2e.conftest import app_shell, check_accessibility, screenshot, sign_in_as

SCHOOL_CONTACT = "school@icity.example"
LOGISTICS = "logistics@icity.example"

WAITING_PUPIL = """
import json
from django.db.models import Exists, OuterRef
from schools.models import Allocation, Appointment, Pupil
booked = Appointment.objects.filter(pupil=OuterRef("pk"), status="booked")
pupils = (
    Pupil.objects.filter(
        school__contacts__email="school@icity.example", allocations__status="reserved", anonymised_at__isnull=True
    )
    .exclude(Exists(booked))
    .order_by("pk")
)
pupil = pupils.filter(language={language!r}).first() or pupils.first()
print(json.dumps({{"pk": pupil.pk, "language": pupil.language}}))
"""


def _waiting_pupil(language: str) -> tuple[int, str]:
    """A pupil of the demo school contact with a laptop reserved and no appointment yet."""
    found = json.loads(app_shell(WAITING_PUPIL.format(language=language)))
    return found["pk"], found["language"]


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_guardian_books_on_a_phone_and_logistics_hands_over_with_a_receipt(open_page, language):
    pupil_pk, pupil_language = _waiting_pupil(language)

    # The school contact creates the private link (also emailed to the guardian).
    school = open_page(language)
    sign_in_as(school, SCHOOL_CONTACT, language)
    school.goto(f"/schools/pupils/{pupil_pk}/")
    check_accessibility(school, "pupil page")
    school.locator(f"form[action='/schools/pupils/{pupil_pk}/link/'] button").click()
    school.wait_for_url(f"**/schools/pupils/{pupil_pk}/")
    link = school.locator("main p.panel code").inner_text().strip()
    check_accessibility(school, "pupil page with the new booking link")
    if pupil_language != language:
        link += f"?lang={language}"

    # The guardian, on a phone, books the first free time.
    guardian = open_page(language, phone=True)
    guardian.goto(link)
    assert guardian.evaluate("document.documentElement.lang") == language
    check_accessibility(guardian, "guardian booking page (phone)")
    screenshot(guardian, f"j4-guardian-slots-{language}")
    guardian.locator("form.slot-picker input[name=slot]").first.check()
    guardian.locator("form.slot-picker button[type=submit]").click()
    guardian.wait_for_url(re.compile(r"done=1"))
    code = guardian.locator("#appointment-heading ~ dl .code").inner_text().strip()
    check_accessibility(guardian, "guardian booking confirmed (phone)")
    screenshot(guardian, f"j4-guardian-booked-{language}")

    # At the station: find the appointment by its code, scan the laptop, sign, hand over.
    station = open_page(language)
    sign_in_as(station, LOGISTICS, language)
    station.goto("/schools/station/")
    check_accessibility(station, "hand-over station")
    station.locator("#id_q").fill(code)
    station.locator("form.station-search button[type=submit]").click()
    station.wait_for_url(re.compile(r"/schools/station/\d+/$"))
    check_accessibility(station, "hand-over")
    tag = station.locator("main dl.facts dd strong").first.inner_text().strip()
    station.locator("#id_code").fill("")
    station.locator("#id_code").type(tag)  # the scanner types the label's tag
    station.locator("#id_identity_checked").check()
    station.locator("#id_accepted_name").fill("Parent de l'élève")
    station.locator("#id_accept_terms").check()
    screenshot(station, f"j4-station-hand-over-{language}")
    station.locator("main form.panel button[type=submit]").click()
    station.wait_for_url(re.compile(r"/schools/station/receipt/\d+/$"))
    assert station.locator("main li", has_text=tag).count() == 1
    check_accessibility(station, "hand-over receipt")
    screenshot(station, f"j4-station-receipt-{language}")
    receipt = station.locator("main a[href^='/equipment/receipts/']")
    response = station.request.get(receipt.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
