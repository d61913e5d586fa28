"""Reference data shipped with PUA and loaded by migration."""


def load_reference_data(apps) -> None:
    """Municipalities with coordinates, languages, target groups and the INLAV
    catalogue. ``apps`` is a migration's app registry or ``django.apps.apps``.
    Re-running only adds what is missing."""
    from ..search_text import search_text
    from .catalogue import CATALOGUE, level_of, parent_code, sort_key
    from .languages import languages
    from .places import municipalities
    from .target_groups import TARGET_GROUPS

    Municipality = apps.get_model("network", "Municipality")
    Language = apps.get_model("network", "Language")
    TargetGroup = apps.get_model("network", "TargetGroup")
    Service = apps.get_model("network", "Service")

    existing = {m.istat_code: m for m in Municipality.objects.all()}
    new, updated = [], []
    for item in municipalities():
        current = existing.get(item["istat_code"])
        if current is None:
            new.append(Municipality(**item))
        else:
            for key in ("latitude", "longitude", "coordinates_approximate"):
                setattr(current, key, item[key])
            updated.append(current)
    Municipality.objects.bulk_create(new, batch_size=1000)
    Municipality.objects.bulk_update(updated, ["latitude", "longitude", "coordinates_approximate"], batch_size=500)

    known = set(Language.objects.values_list("code", flat=True))
    Language.objects.bulk_create([Language(**lang) for lang in languages() if lang["code"] not in known])

    for code, label_it, label_en in TARGET_GROUPS:
        TargetGroup.objects.get_or_create(code=code, defaults={"label_it": label_it, "label_en": label_en})

    # Migrations before the search tokens existed load the catalogue without them (0004 fills them in).
    has_search_text = any(f.name == "search_text" for f in Service._meta.get_fields())
    by_code = {}
    for code, label_it, label_en, aliases in CATALOGUE:
        parent = by_code.get(parent_code(code))
        defaults = {
            "label_it": label_it, "label_en": label_en, "aliases": aliases, "parent": parent,
            "level": level_of(code), "for_persons": code.startswith("F2."), "sort_key": sort_key(code),
        }
        if has_search_text:
            defaults["search_text"] = search_text(label_it, label_en)
        service, _ = Service.objects.get_or_create(code=code, programme=None, defaults=defaults)
        by_code[code] = service
