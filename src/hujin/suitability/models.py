"""Risk-tolerance questionnaires (versioned data) and the assessments customers take with them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id

LEVEL_CHOICES = [(f"C{n}", f"C{n}") for n in range(1, 6)]


class Questionnaire(models.Model):
    """One version of the risk-tolerance questionnaire. Exactly one version is active."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateTimeField()
    title_en = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200)

    class Meta:
        ordering = ["-version"]
        default_permissions = ()
        permissions = [
            ("view_questionnaires", _("Can view risk-tolerance questionnaires")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="active"),
                name="suitability_one_active_questionnaire",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "retired"]),
                name="suitability_questionnaire_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.status})"


class Question(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    text_en = models.CharField(max_length=300)
    text_zh = models.CharField(max_length=300)

    class Meta:
        ordering = ["order"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="suitability_question_code_unique"
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "order"], name="suitability_question_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Option(models.Model):
    """One answer to a question. ``caps_level`` limits the result whoever chooses it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField()
    text_en = models.CharField(max_length=300)
    text_zh = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField()
    caps_level = models.CharField(max_length=2, choices=LEVEL_CHOICES, blank=True)

    class Meta:
        ordering = ["order"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["question", "order"], name="suitability_option_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}#{self.order}"


class Assessment(models.Model):
    """One completed questionnaire. Never updated: a retake is a new row, history is kept."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()  # {question code: option id}
    score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()
    score_level = models.CharField(max_length=2, choices=LEVEL_CHOICES)  # before any cap
    level = models.CharField(max_length=2, choices=LEVEL_CHOICES)
    capped_by = models.JSONField(default=list)  # question codes whose answer capped the level
    assessed_at = models.DateTimeField()
    assessed_on = models.DateField()  # calendar day in the business time zone (retake limit)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "-assessed_at"], name="suit_assess_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("assessed_at")),
                name="suitability_assessment_expires_after_assessed",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=F("max_score")),
                name="suitability_assessment_score_within_max",
            ),
            models.CheckConstraint(
                condition=Q(level__lte=F("score_level")),
                name="suitability_assessment_cap_only_lowers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} ({self.assessed_at:%Y-%m-%d})"
