"""The categories people are counted by (sex, age group, vulnerable group): one set of choices for
every record of a person that the figures count (a case's beneficiary, an incident's party), so
that the reports add them up the same way. Counts only ever leave in aggregate, small ones hidden
(``reports.suppression``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vulnerability(models.TextChoices):
    """Each is a flag on the beneficiary (``vulnerable_<value>``): a person may be several."""

    REFUGEE = "refugee", _("Refugee or stateless person")
    DISABILITY = "disability", _("Person with a disability")
    VETERAN = "veteran", _("Veteran")
    DISPLACED = "displaced", _("Internally displaced person")
    OLDER_PERSON = "older_person", _("Older person")
    SINGLE_PARENT = "single_parent", _("Single parent")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Not disclosed")


class AgeGroup(models.TextChoices):
    """Derived from the year of birth when the identity is saved (``casework.services``): the
    figures count age groups without ever reading the encrypted year."""

    CHILD = "0-17", _("Under 18")
    YOUNG = "18-29", _("18 to 29")
    ADULT = "30-59", _("30 to 59")
    OLDER = "60+", _("60 and over")
    UNKNOWN = "unknown", _("Unknown")
