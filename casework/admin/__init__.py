"""The staff side of case work. Case workers and volunteers work from the field app; staff who
read personal data keep every case here. Anyone else who uses the admin (a programme manager, the
data protection officer) finds no case work at all: every URL answers "not found" and the index
does not list it (``privacy.admin.PersonalDataAdminMixin``); only the directory of agencies, which
names offices and no person, is open to them.

Every page that opens a case-work record logs the opening (``privacy.viewlog``); every write goes
through ``casework.services``. The forms ask the service before saving (:func:`service_errors`
runs it and rolls it back), so a refusal is an error on the form with everything typed kept.
"""

from casework.admin import agencies, agreements, cases, people, plans, referrals
from casework.admin.cases import CaseAdmin

__all__ = ["CaseAdmin", "agencies", "agreements", "cases", "people", "plans", "referrals"]
