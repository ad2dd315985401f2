"""The administration and the political bodies of a generated municipality.

A Dezernat structure with the Kommunales Integrationszentrum and the departments integration
work involves, and the council with the Integrationsrat, its committees and a
Bezirksvertretung for three of the districts. Units record the reference action fields they
work on, as actors do (organisations.py).
"""

from __future__ import annotations

from graph.generator.context import CityContext, Organisation, sources

#: (id, label, form, parent id or None for the municipality, reference fields)
UNITS = (
    (
        "dezernat-soziales",
        "Dezernat für Bildung, Jugend, Soziales und Integration",
        "dezernat",
        None,
        (),
    ),
    ("dezernat-ordnung", "Dezernat für Bürgerservice, Ordnung und Personal", "dezernat", None, ()),
    ("dezernat-planung", "Dezernat für Stadtentwicklung und Wirtschaft", "dezernat", None, ()),
    (
        "ki",
        "Kommunales Integrationszentrum",
        "kommunales-integrationszentrum",
        "dezernat-soziales",
        (
            "steuerung-vernetzung",
            "interkulturelle-oeffnung",
            "teilhabe-engagement",
            "kita-sprache",
            "bildung",
            "asyl-flucht",
        ),
    ),
    (
        "fb-jugend",
        "Fachbereich Jugend und Familie",
        "fachbereich",
        "dezernat-soziales",
        ("kita-sprache", "bildung"),
    ),
    (
        "fb-schule",
        "Fachbereich Schule und Weiterbildung",
        "fachbereich",
        "dezernat-soziales",
        ("bildung",),
    ),
    (
        "fb-soziales",
        "Fachbereich Soziales und Wohnen",
        "fachbereich",
        "dezernat-soziales",
        ("wohnen", "asyl-flucht", "beratung", "pflege-alter"),
    ),
    (
        "gesundheitsamt",
        "Gesundheitsamt",
        "dienststelle",
        "dezernat-soziales",
        ("gesundheit", "pflege-alter"),
    ),
    (
        "vhs",
        "Volkshochschule",
        "einrichtung",
        "fb-schule",
        ("kita-sprache", "bildung", "arbeitsmarkt"),
    ),
    (
        "fb-personal",
        "Fachbereich Personal und Organisation",
        "fachbereich",
        "dezernat-ordnung",
        ("interkulturelle-oeffnung",),
    ),
    (
        "buergerservice",
        "Bürgerservice",
        "dienststelle",
        "dezernat-ordnung",
        ("interkulturelle-oeffnung", "rechtliche-integration"),
    ),
    ("ordnungsamt", "Ordnungsamt", "dienststelle", "dezernat-ordnung", ("kriminalitaet",)),
    (
        "sportamt",
        "Sport- und Bäderamt",
        "dienststelle",
        "dezernat-soziales",
        ("kultur-freizeit-sport",),
    ),
    (
        "kulturbuero",
        "Kulturbüro",
        "dienststelle",
        "dezernat-soziales",
        ("kultur-freizeit-sport", "interreligioeser-dialog"),
    ),
    (
        "gleichstellungsstelle",
        "Gleichstellungsstelle",
        "stabsstelle",
        None,
        ("teilhabe-engagement", "beratung"),
    ),
    (
        "stadtplanung",
        "Fachbereich Stadtplanung und Quartiersentwicklung",
        "fachbereich",
        "dezernat-planung",
        ("wohnen",),
    ),
    (
        "wirtschaftsfoerderung",
        "Wirtschaftsförderung",
        "stabsstelle",
        "dezernat-planung",
        ("arbeitsmarkt",),
    ),
    (
        "dolmetscherdienst",
        "Übersetzungs- und Dolmetscherdienst",
        "dienststelle",
        "dezernat-ordnung",
        ("interkulturelle-oeffnung", "beratung"),
    ),
    (
        "strassensozialarbeit",
        "Fachdienst Straßensozialarbeit",
        "dienststelle",
        "fb-jugend",
        ("bildung", "kriminalitaet"),
    ),
    (
        "oeffentlichkeitsarbeit",
        "Stabsstelle Öffentlichkeitsarbeit und Bürgerbeteiligung",
        "stabsstelle",
        None,
        ("teilhabe-engagement",),
    ),
)

#: (id, label, form, parent id or None for the municipality)
BODIES = (
    ("rat", "Rat der Stadt {c}", "rat", None),
    ("integrationsrat", "Integrationsrat", "integrationsrat", None),
    ("verwaltungsvorstand", "Verwaltungsvorstand", "verwaltungsvorstand", None),
    ("hauptausschuss", "Haupt- und Finanzausschuss", "ausschuss", "rat"),
    (
        "ausschuss-soziales",
        "Ausschuss für Soziales, Gesundheit und Integration",
        "ausschuss",
        "rat",
    ),
    ("schulausschuss", "Schul- und Weiterbildungsausschuss", "ausschuss", "rat"),
    ("jugendhilfeausschuss", "Jugendhilfeausschuss", "ausschuss", "rat"),
    ("ausschuss-kultur", "Ausschuss für Kultur, Sport und Freizeit", "ausschuss", "rat"),
    ("aeltestenrat", "Ältestenrat", "ausschuss", "rat"),
)


def add_administration(ctx: CityContext) -> None:
    for org_id, label, form, parent, fields in UNITS:
        record = {
            "id": org_id,
            "label": label.replace("{c}", ctx.label),
            "form": form,
            "part_of": parent or ctx.slug,
        }
        if org_id == "ki":
            record["alt_labels"] = ["KI", f"KI {ctx.label}"]
        if org_id == "vhs":
            record["label"] = f"Volkshochschule {ctx.label}"
            record["alt_labels"] = ["VHS"]
        record["sources"] = sources()
        ctx.used_ids.add(org_id)
        ctx.add(Organisation(org_id, record["label"], "unit", "unit", fields, record=record))
    for org_id, label, form, parent in BODIES:
        record = {
            "id": org_id,
            "label": label.replace("{c}", ctx.label),
            "form": form,
            "part_of": parent or ctx.slug,
        }
        if org_id == "integrationsrat":
            record["purpose"] = (
                f"Vertretung der Einwohnerinnen und Einwohner mit Zuwanderungsgeschichte in "
                f"{ctx.label}; berät den Rat in allen Fragen der Integration."
            )
        record["sources"] = sources()
        ctx.used_ids.add(org_id)
        ctx.add(Organisation(org_id, record["label"], "body", "body", record=record))
    for district in ctx.districts[:3]:
        label = f"Bezirksvertretung {district}"
        org_id = ctx.new_id(label)
        record = {
            "id": org_id,
            "label": label,
            "form": "bezirksvertretung",
            "part_of": "rat",
            "sources": sources(),
        }
        ctx.add(Organisation(org_id, label, "body", "body", district=district, record=record))
