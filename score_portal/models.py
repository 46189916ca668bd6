"""The programme's headline figures for the officers' home page, kept as a summary row.

Counting every participation of the programme on each visit to the home page grows with the programme
(at 100,000 enterprises it is most of the page's time). The figures are computed once and kept here; any
change to what they count (participations, rounds, trainers, qualifications, results, saved through the
services, the forms or the admin) deletes the row (``score_portal.apps``), so the next visit computes
them again. A day's figures are that day's: a qualification lapses and a round ends with the date.
"""

from django.db import models


class ProgrammeFigures(models.Model):
    key = models.CharField(max_length=40, primary_key=True)
    day = models.DateField()
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} on {self.day}"
