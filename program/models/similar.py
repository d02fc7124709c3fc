"""Similar contributions, as ``program/search/similar.py`` last computed them: derived, never
edited.

One row per (contribution, rank): the ``rank``-th most similar other contribution of the same
conference and how similar (cosine of their TF-IDF vectors). Pages read them with the
contribution; only ``similar.refresh`` writes them, after the program changes.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class SimilarContribution(models.Model):
    contribution = models.ForeignKey(
        "program.Contribution", on_delete=models.CASCADE, related_name="similar_links"
    )
    similar = models.ForeignKey("program.Contribution", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(help_text="1 for the most similar.")
    score = models.FloatField(help_text="Cosine similarity of the two papers' texts, 0 to 1.")

    class Meta:
        ordering = ["contribution", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "rank"], name="similar_rank_once"),
            models.UniqueConstraint(
                fields=["contribution", "similar"], name="similar_contribution_once"
            ),
            models.CheckConstraint(
                condition=~Q(contribution=F("similar")), name="similar_is_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} ~ {self.similar_id} (#{self.rank})"
