from .collection import Appointment, CollectionPoint, GuardianLink, Slot
from .programme import (
    Allocation,
    EligibilityReason,
    GuardianLanguage,
    Pupil,
    PupilAccessLog,
    PupilEvent,
    PupilLoan,
    ReturnCampaign,
    School,
)
from .reconditioning import CertificateCounter, CosmeticGrade, ReconJob, ReconStep, WipeMethod

__all__ = [
    "Allocation",
    "Appointment",
    "CertificateCounter",
    "CollectionPoint",
    "CosmeticGrade",
    "EligibilityReason",
    "GuardianLanguage",
    "GuardianLink",
    "Pupil",
    "PupilAccessLog",
    "PupilEvent",
    "PupilLoan",
    "ReturnCampaign",
    "ReconJob",
    "ReconStep",
    "School",
    "Slot",
    "WipeMethod",
]
