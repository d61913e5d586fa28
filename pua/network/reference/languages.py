"""ISO 639 languages from pycountry, with their Italian names."""

import gettext

import pycountry


def languages() -> list[dict]:
    try:
        italian = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["it"]).gettext
    except OSError:
        italian = None
    result = []
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        name = language.name
        result.append({"code": code, "name_en": name, "name_it": italian(name) if italian else ""})
    return result
