from django.db import models


class Profession(models.TextChoices):
    PSYCHOLOGY = "psychology", "Psychology"
    SOCIAL_WORK = "social_work", "Social work"
    COUNSELING = "counseling", "Counseling"
    MARRIAGE_FAMILY_THERAPY = "marriage_family_therapy", "Marriage and family therapy"
