"""Who may see what in the school programme. Every page, export and endpoint goes through here.

Programme staff (logistics, admins) see every school; a school contact sees only the
schools they are a contact of, and only pupils who are not yet anonymised. Anyone else
sees nothing. A lookup of an object the user may not see is a 404, never a 403.
"""

from django.db.models import QuerySet
from django.http import Http404

from icity.roles import Role, has_role

from .models import Appointment, Pupil, School

STAFF_ROLES = (Role.LOGISTICS, Role.ADMIN)
SCHOOL_ROLES = (Role.SCHOOL_CONTACT, Role.LOGISTICS, Role.ADMIN)


def is_programme_staff(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def schools_for(user) -> QuerySet[School]:
    if is_programme_staff(user):
        return School.objects.all()
    if has_role(user, Role.SCHOOL_CONTACT):
        return School.objects.filter(contacts=user)
    return School.objects.none()


def pupils_for(user) -> QuerySet[Pupil]:
    if is_programme_staff(user):
        return Pupil.objects.all()
    if has_role(user, Role.SCHOOL_CONTACT):
        return Pupil.objects.filter(school__contacts=user, anonymised_at__isnull=True)
    return Pupil.objects.none()


def appointments_for(user) -> QuerySet[Appointment]:
    if is_programme_staff(user):
        return Appointment.objects.all()
    if has_role(user, Role.SCHOOL_CONTACT):
        return Appointment.objects.filter(pupil__school__contacts=user, pupil__anonymised_at__isnull=True)
    return Appointment.objects.none()


def get_pupil_for_user(user, *, pk: int) -> Pupil:
    pupil = pupils_for(user).select_related("school").filter(pk=pk).first()
    if pupil is None:
        raise Http404
    return pupil


def get_school_for_user(user, *, pk: int) -> School:
    school = schools_for(user).filter(pk=pk).first()
    if school is None:
        raise Http404
    return school
