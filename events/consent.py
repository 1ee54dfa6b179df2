"""The first version of the registrants' consent text, in the portal's four languages.

Never edit these: registrations keep the version they agreed to, so a new wording is a new
version, added in the admin (*Consent texts*). Migration ``events/0002`` writes this version; a
database emptied since (a test's flush) gets it back from :func:`ensure_consent_text`.
"""

FIRST_VERSION = {
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


def ensure_consent_text() -> None:
    """Version 1, when no consent text exists at all."""
    from events.models import ConsentText

    if not ConsentText.objects.exists():
        for language, text in FIRST_VERSION.items():
            ConsentText.objects.get_or_create(version=1, language=language, defaults={"text": text})
