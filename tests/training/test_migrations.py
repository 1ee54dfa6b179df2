"""training 0003 adds the modules' titles in English, Czech and Russian: the modules already there
keep their rows and their Ukrainian title, with the new titles empty (the reports fall back to it)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

pytestmark = pytest.mark.migrations

BEFORE = [("training", "0002_programme")]
AFTER = [("training", "0003_module_titles_per_language")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_adding_the_titles_keeps_every_module():
    try:
        old = migrate(BEFORE)
        modules = old.get_model("training", "TrainingModule")
        made = [
            modules.objects.create(code=code, title=title, level="basic", order=order, hours=16)
            for order, (code, title) in enumerate([("Б1", "Основи соціальних перемовин"), ("Б2", "Комунікація")], 1)
        ]
        new = migrate(AFTER)
        migrated = new.get_model("training", "TrainingModule").objects.order_by("order")
        assert [(m.pk, m.code, m.title) for m in migrated] == [(m.pk, m.code, m.title) for m in made]
        assert {(m.title_en, m.title_cs, m.title_ru) for m in migrated} == {("", "", "")}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_title_falls_back_to_the_ukrainian_one():
    from training.models import TrainingModule

    module = TrainingModule(code="Б1", title="Основи", title_en="Foundations", level="basic", order=1, hours=16)
    with translation.override("en"):
        assert module.localized_title() == "Foundations"
    with translation.override("cs"):
        assert module.localized_title() == "Основи"
    with translation.override("uk"):
        assert module.localized_title() == "Основи"
