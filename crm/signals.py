"""Signals crm sends to the apps above it (which crm may not import): what they hold about a person.

``person_data_preview``: each receiver returns a list of ``crm.services.PersonDataLine`` saying what
of the person's data it holds and what deleting the person does to it (shown before the team confirms).
``person_deleting``: each receiver erases or anonymises its data about the person, inside the
deletion's transaction (files go from storage once it commits).
"""

from django.dispatch import Signal

person_data_preview = Signal()  # kwargs: user
person_deleting = Signal()  # kwargs: user, by
