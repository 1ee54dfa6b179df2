"""Version 1 of the registrants' consent text, in the portal's four languages."""

from django.db import migrations

TEXTS = {
    "uk": (
        "Я погоджуюся, що організатори обробляють мої дані (ім'я, e-mail, організацію, роль, громаду, "
        "запитання та потреби доступності), щоб організувати цей захід і надіслати мені його матеріали. "
        "Дані зберігаються до одного року після заходу. Я можу будь-коли скасувати реєстрацію та "
        "попросити видалити мої дані за посиланням у листі-підтвердженні."
    ),
    "en": (
        "I agree that the organisers process my data (name, e-mail, organisation, role, community, "
        "question and accessibility needs) to organise this event and to send me its materials. "
        "The data is kept until one year after the event. I can cancel my registration and ask for "
        "my data to be deleted at any time, through the link in the confirmation e-mail."
    ),
    "cs": (
        "Souhlasím, že organizátoři zpracovávají mé údaje (jméno, e-mail, organizaci, roli, obec, "
        "dotaz a potřeby přístupnosti), aby zorganizovali tuto akci a poslali mi její materiály. "
        "Údaje se uchovávají do jednoho roku po akci. Registraci mohu kdykoli zrušit a požádat o "
        "smazání svých údajů pomocí odkazu v potvrzovacím e-mailu."
    ),
    "ru": (
        "Я согласен(на), что организаторы обрабатывают мои данные (имя, e-mail, организацию, роль, "
        "громаду, вопрос и потребности доступности), чтобы организовать это мероприятие и отправить "
        "мне его материалы. Данные хранятся до одного года после мероприятия. Я могу в любой момент "
        "отменить регистрацию и попросить удалить мои данные по ссылке в письме-подтверждении."
    ),
}


def create(apps, schema_editor):
    ConsentText = apps.get_model("events", "ConsentText")
    for language, text in TEXTS.items():
        ConsentText.objects.get_or_create(version=1, language=language, defaults={"text": text})


def remove(apps, schema_editor):
    ConsentText = apps.get_model("events", "ConsentText")
    ConsentText.objects.filter(version=1, language__in=list(TEXTS), registrations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
