"""Assessment instruments that staff configure. Today's seven score columns become the first
instrument (``SAFETY`` version 1, 1 to 5, higher is better) and a score row per column; every
assessment points at it. Reversible while every assessment uses that instrument and has its seven
scores (the columns cannot hold anything else)."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


DIMENSIONS = (
    # code, group, name in Ukrainian, English, Czech, Russian: the columns' verbose names until now.
    ("perceived_safety", "other", "Відчуття безпеки", "Perceived safety", "Pocit bezpečí", "Ощущение безопасности"),
    ("trust_in_police", "police_community", "Довіра до поліції", "Trust in police", "Důvěra v policii",
     "Доверие к полиции"),
    ("police_interaction", "police_community", "Взаємодія поліції та громади", "Police-community interaction",
     "Spolupráce policie a obce", "Взаимодействие полиции и общины"),
    ("cohesion", "cohesion", "Згуртованість громади", "Community cohesion", "Soudržnost obce", "Сплоченность общины"),
    ("stakeholder_communication", "potential", "Комунікація між зацікавленими сторонами",
     "Communication between stakeholders", "Komunikace mezi zúčastněnými stranami",
     "Коммуникация между заинтересованными сторонами"),
    ("inclusion", "cohesion", "Інклюзія вразливих груп", "Inclusion of vulnerable groups",
     "Začleňování zranitelných skupin", "Инклюзия уязвимых групп"),
    ("infrastructure_safety", "risk", "Безпека інфраструктури", "Infrastructure safety", "Bezpečnost infrastruktury",
     "Безопасность инфраструктуры"),
)  # fmt: skip
CODE, VERSION = "SAFETY", 1


def scores_to_rows(apps, schema_editor):
    Instrument = apps.get_model("communities", "AssessmentInstrument")
    Dimension = apps.get_model("communities", "AssessmentDimension")
    Score = apps.get_model("communities", "AssessmentScore")
    Assessment = apps.get_model("communities", "SafetyAssessment")
    instrument = Instrument.objects.create(code=CODE, version=VERSION, name="Community safety assessment")
    dimensions = {}
    for position, (code, group, name_uk, name_en, name_cs, name_ru) in enumerate(DIMENSIONS):
        dimensions[code] = Dimension.objects.create(
            instrument=instrument,
            code=code,
            group=group,
            name_uk=name_uk,
            name_en=name_en,
            name_cs=name_cs,
            name_ru=name_ru,
            scale_min=Decimal(1),
            scale_max=Decimal(5),
            direction="higher",
            position=position,
        )
    Assessment.objects.update(instrument=instrument)
    columns = [code for code, *_names in DIMENSIONS]
    rows = Assessment.objects.order_by("pk").values_list("pk", *columns)
    batch = []
    for pk, *values in rows.iterator(chunk_size=2000):
        batch += [
            Score(assessment_id=pk, dimension=dimensions[code], value=value)
            for code, value in zip(columns, values, strict=True)
            if value is not None
        ]
        if len(batch) >= 5000:
            Score.objects.bulk_create(batch)
            batch = []
    Score.objects.bulk_create(batch)


def rows_to_scores(apps, schema_editor):
    Assessment = apps.get_model("communities", "SafetyAssessment")
    Score = apps.get_model("communities", "AssessmentScore")
    others = Assessment.objects.exclude(instrument__code=CODE, instrument__version=VERSION)
    if others.exists():
        raise RuntimeError(
            "Assessments of other instruments than SAFETY v1 exist: the old score columns cannot hold them."
        )
    columns = [code for code, *_names in DIMENSIONS]
    values = {}
    for assessment_id, code, value in Score.objects.values_list("assessment_id", "dimension__code", "value"):
        values.setdefault(assessment_id, {})[code] = value
    for assessment in Assessment.objects.order_by("pk").iterator(chunk_size=2000):
        scores = values.get(assessment.pk, {})
        missing = [code for code in columns if code not in scores]
        if missing:
            raise RuntimeError(f"Assessment {assessment.pk} lacks the scores {missing}: the old columns require them.")
        for code in columns:
            setattr(assessment, code, scores[code])
        assessment.save(update_fields=columns)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0004_programme"),
        ("programmes", "0005_indicator_measure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessmentDimension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated at")),
                (
                    "code",
                    models.SlugField(
                        help_text="Unique within the instrument, e.g. cctv.", max_length=40, verbose_name="code"
                    ),
                ),
                ("name_uk", models.CharField(max_length=200, verbose_name="name in Ukrainian")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                ("name_cs", models.CharField(blank=True, max_length=200, verbose_name="name in Czech")),
                ("name_ru", models.CharField(blank=True, max_length=200, verbose_name="name in Russian")),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("risk", "Risk"),
                            ("potential", "Potential"),
                            ("cohesion", "Cohesion"),
                            ("police_community", "Police-community interaction"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                        verbose_name="group",
                    ),
                ),
                (
                    "scale_min",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("1"), max_digits=5, verbose_name="scale minimum"
                    ),
                ),
                (
                    "scale_max",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("5"), max_digits=5, verbose_name="scale maximum"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
                        default="higher",
                        max_length=8,
                        verbose_name="direction",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
            ],
            options={
                "verbose_name": "assessment dimension",
                "verbose_name_plural": "assessment dimensions",
                "ordering": ["instrument", "position", "code"],
            },
        ),
        migrations.CreateModel(
            name="AssessmentInstrument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated at")),
                (
                    "code",
                    models.SlugField(
                        help_text="Short, e.g. RP-BROAD; the same for every version.",
                        max_length=40,
                        verbose_name="code",
                    ),
                ),
                (
                    "version",
                    models.PositiveSmallIntegerField(
                        default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name="version"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
            ],
            options={
                "verbose_name": "assessment instrument",
                "verbose_name_plural": "assessment instruments",
                "ordering": ["code", "version"],
            },
        ),
        migrations.CreateModel(
            name="AssessmentScore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, db_index=True, verbose_name="updated at")),
                ("value", models.DecimalField(decimal_places=2, max_digits=5, verbose_name="score")),
            ],
            options={
                "verbose_name": "assessment score",
                "verbose_name_plural": "assessment scores",
                "ordering": ["assessment_id", "dimension__position", "dimension__code"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAssessmentDimension",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name="updated at"),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text="Unique within the instrument, e.g. cctv.", max_length=40, verbose_name="code"
                    ),
                ),
                ("name_uk", models.CharField(max_length=200, verbose_name="name in Ukrainian")),
                ("name_en", models.CharField(max_length=200, verbose_name="name in English")),
                ("name_cs", models.CharField(blank=True, max_length=200, verbose_name="name in Czech")),
                ("name_ru", models.CharField(blank=True, max_length=200, verbose_name="name in Russian")),
                (
                    "group",
                    models.CharField(
                        choices=[
                            ("risk", "Risk"),
                            ("potential", "Potential"),
                            ("cohesion", "Cohesion"),
                            ("police_community", "Police-community interaction"),
                            ("other", "Other"),
                        ],
                        default="other",
                        max_length=20,
                        verbose_name="group",
                    ),
                ),
                (
                    "scale_min",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("1"), max_digits=5, verbose_name="scale minimum"
                    ),
                ),
                (
                    "scale_max",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("5"), max_digits=5, verbose_name="scale maximum"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
                        default="higher",
                        max_length=8,
                        verbose_name="direction",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical assessment dimension",
                "verbose_name_plural": "historical assessment dimensions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAssessmentInstrument",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name="updated at"),
                ),
                (
                    "code",
                    models.SlugField(
                        help_text="Short, e.g. RP-BROAD; the same for every version.",
                        max_length=40,
                        verbose_name="code",
                    ),
                ),
                (
                    "version",
                    models.PositiveSmallIntegerField(
                        default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name="version"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical assessment instrument",
                "verbose_name_plural": "historical assessment instruments",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalAssessmentScore",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                (
                    "updated_at",
                    models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name="updated at"),
                ),
                ("value", models.DecimalField(decimal_places=2, max_digits=5, verbose_name="score")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical assessment score",
                "verbose_name_plural": "historical assessment scores",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="assessmentinstrument",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                help_text="The programme it was designed for; empty for one every programme uses.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessment_instruments",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="assessmentdimension",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dimensions",
                to="communities.assessmentinstrument",
                verbose_name="instrument",
            ),
        ),
        migrations.AddField(
            model_name="assessmentscore",
            name="assessment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="communities.safetyassessment",
                verbose_name="assessment",
            ),
        ),
        migrations.AddField(
            model_name="assessmentscore",
            name="dimension",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scores",
                to="communities.assessmentdimension",
                verbose_name="dimension",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentdimension",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentdimension",
            name="instrument",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="communities.assessmentinstrument",
                verbose_name="instrument",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentinstrument",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentinstrument",
            name="programme",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The programme it was designed for; empty for one every programme uses.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.programme",
                verbose_name="programme",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentscore",
            name="assessment",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="communities.safetyassessment",
                verbose_name="assessment",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentscore",
            name="dimension",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="communities.assessmentdimension",
                verbose_name="dimension",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentscore",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="assessmentinstrument",
            constraint=models.UniqueConstraint(fields=("code", "version"), name="instrument_unique_code_version"),
        ),
        migrations.AddConstraint(
            model_name="assessmentinstrument",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="instrument_version_from_1"
            ),
        ),
        migrations.AddConstraint(
            model_name="assessmentdimension",
            constraint=models.UniqueConstraint(
                fields=("instrument", "code"), name="dimension_unique_code_per_instrument"
            ),
        ),
        migrations.AddConstraint(
            model_name="assessmentdimension",
            constraint=models.CheckConstraint(
                condition=models.Q(("scale_max__gt", models.F("scale_min"))), name="dimension_scale_max_above_min"
            ),
        ),
        migrations.AddConstraint(
            model_name="assessmentscore",
            constraint=models.UniqueConstraint(fields=("assessment", "dimension"), name="score_one_per_dimension"),
        ),
        migrations.AddField(
            model_name="safetyassessment",
            name="instrument",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="communities.assessmentinstrument",
                verbose_name="instrument",
            ),
        ),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_perceived_safety_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_trust_in_police_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_police_interaction_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_cohesion_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_stakeholder_communication_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_inclusion_1_to_5"),
        migrations.RemoveConstraint(model_name="safetyassessment", name="assessment_infrastructure_safety_1_to_5"),
        migrations.AlterField(
            model_name="safetyassessment",
            name="perceived_safety",
            field=models.DecimalField(decimal_places=2, max_digits=3, null=True, verbose_name="perceived safety"),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="trust_in_police",
            field=models.DecimalField(decimal_places=2, max_digits=3, null=True, verbose_name="trust in police"),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="police_interaction",
            field=models.DecimalField(
                decimal_places=2, max_digits=3, null=True, verbose_name="police-community interaction"
            ),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="cohesion",
            field=models.DecimalField(decimal_places=2, max_digits=3, null=True, verbose_name="community cohesion"),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="stakeholder_communication",
            field=models.DecimalField(
                decimal_places=2, max_digits=3, null=True, verbose_name="communication between stakeholders"
            ),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="inclusion",
            field=models.DecimalField(
                decimal_places=2, max_digits=3, null=True, verbose_name="inclusion of vulnerable groups"
            ),
        ),
        migrations.AlterField(
            model_name="safetyassessment",
            name="infrastructure_safety",
            field=models.DecimalField(decimal_places=2, max_digits=3, null=True, verbose_name="infrastructure safety"),
        ),
        migrations.RunPython(scores_to_rows, rows_to_scores),
        migrations.AlterField(
            model_name="safetyassessment",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assessments",
                to="communities.assessmentinstrument",
                verbose_name="instrument",
            ),
        ),
        migrations.RemoveField(model_name="safetyassessment", name="perceived_safety"),
        migrations.RemoveField(model_name="safetyassessment", name="trust_in_police"),
        migrations.RemoveField(model_name="safetyassessment", name="police_interaction"),
        migrations.RemoveField(model_name="safetyassessment", name="cohesion"),
        migrations.RemoveField(model_name="safetyassessment", name="stakeholder_communication"),
        migrations.RemoveField(model_name="safetyassessment", name="inclusion"),
        migrations.RemoveField(model_name="safetyassessment", name="infrastructure_safety"),
    ]
