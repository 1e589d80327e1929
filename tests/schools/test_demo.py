from django.core.management import call_command

from schools.models import Appointment, Pupil, PupilLoan, ReconJob, ReconStep, ReturnCampaign, School, Slot


def test_demo_seeds_the_programme_once(db):
    call_command("seed_demo", "--quiet")
    counts = (School.objects.count(), Pupil.objects.count(), ReconJob.objects.count(), Appointment.objects.count())
    assert counts[0] == 5 and counts[1] >= 200
    steps = set(ReconJob.objects.values_list("step", flat=True))
    assert {
        ReconStep.WIPE,
        ReconStep.TESTS,
        ReconStep.IMAGE,
        ReconStep.CLEANING,
        ReconStep.QA,
        ReconStep.READY,
    } <= steps
    assert Slot.objects.count() > 20 and Appointment.objects.filter(status="booked").count() > 5
    assert PupilLoan.objects.exists()
    # The return campaigns page has something to show: this year's campaign, active, and last year's, paused.
    assert ReturnCampaign.objects.filter(is_active=True).count() == 1
    assert ReturnCampaign.objects.filter(is_active=False).count() == 1
    call_command("seed_demo", "--quiet")
    assert ReturnCampaign.objects.count() == 2
    assert (
        School.objects.count(),
        Pupil.objects.count(),
        ReconJob.objects.count(),
        Appointment.objects.count(),
    ) == counts
