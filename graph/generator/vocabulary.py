"""The German words generated municipalities are made of: districts, communities, names.

Every list is a tuple in a fixed order, so that a seeded random choice from it gives the same
result on every machine. The names are invented; any likeness to a real organisation is
coincidental (no real places, no people).
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICTS = (
    "Altstadt",
    "Nordviertel",
    "Südstadt",
    "Mühlenfeld",
    "Lindenhöhe",
    "Hafenviertel",
    "Brückenau",
    "Östliche Vorstadt",
    "Schlossberg",
    "Weidenbrück",
    "Kirchhöfen",
    "Gärtnerviertel",
    "Sonnenhügel",
    "Bachgrund",
    "Buchenhöfe",
    "Ölmühle",
)


@dataclass(frozen=True)
class Community:
    """A language or origin community: its self-organisations cluster in one network."""

    key: str
    network_label: str
    network_form: str
    #: MSO name patterns; {d} is a district
    patterns: tuple[str, ...]


COMMUNITIES = (
    Community(
        "tuerkeistaemmig",
        "Forum türkeistämmiger Vereine",
        "netzwerk",
        (
            "Türkisch-Deutscher Kulturverein {d}",
            "Türkischer Elternverein {d}",
            "Deutsch-Türkischer Freundeskreis {d}",
            "Türkischer Frauenverein {d}",
            "Türkgücü Jugend- und Kulturverein {d}",
        ),
    ),
    Community(
        "arabischsprachig",
        "Netzwerk arabischsprachiger Vereine",
        "netzwerk",
        (
            "Arabischer Kultur- und Bildungsverein {d}",
            "Syrischer Elternverein {d}",
            "Marokkanischer Kulturverein {d}",
            "Irakischer Gemeinschaftsverein {d}",
            "Libanesischer Familienverein {d}",
        ),
    ),
    Community(
        "osteuropaeisch",
        "Runder Tisch osteuropäischer Vereine",
        "arbeitskreis",
        (
            "Polnischer Kulturverein {d}",
            "Ukrainischer Hilfsverein {d}",
            "Russischsprachiger Elternverein {d}",
            "Rumänischer Kulturverein {d}",
            "Bulgarischer Kulturverein {d}",
        ),
    ),
    Community(
        "afrikanisch",
        "Afrika-Forum",
        "initiative",
        (
            "Afrikanischer Frauenverein {d}",
            "Ghanaische Union {d}",
            "Eritreischer Gemeinschaftsverein {d}",
            "Nigerianischer Kulturverein {d}",
            "Kongolesischer Elternverein {d}",
        ),
    ),
    Community(
        "suedosteuropaeisch",
        "Kulturforum Südosteuropa",
        # a forum of associations is a network; "fachgruppe" is a steering structure
        "netzwerk",
        (
            "Bosnisch-Herzegowinischer Kulturverein {d}",
            "Albanischer Kulturverein {d}",
            "Kroatische Gemeinschaft {d}",
            "Griechische Gemeinde {d}",
            "Roma-Selbsthilfe {d}",
        ),
    ),
    Community(
        "asiatisch",
        "Asien-Forum",
        "initiative",
        (
            "Afghanischer Kulturverein {d}",
            "Iranischer Kulturverein {d}",
            "Vietnamesischer Verein {d}",
            "Tamilischer Kulturverein {d}",
            "Kurdisches Kulturzentrum {d}",
        ),
    ),
)

#: MSOs of no single community: they tend to bridge the communities
BRIDGING_MSO_PATTERNS = (
    "Internationaler Frauentreff {d}",
    "Verein junger Migrantinnen und Migranten {d}",
    "Interkultureller Elternverein {d}",
    "Verband der Migrantenorganisationen {d}",
    "Internationales Begegnungszentrum {d}",
)

SAINTS = ("Martin", "Marien", "Josef", "Elisabeth", "Johannes", "Michael", "Barbara", "Ludger")
SCHOOL_NAMES = (
    "Eichendorff",
    "Pestalozzi",
    "Erich Kästner",
    "Goethe",
    "Schiller",
    "Astrid Lindgren",
    "Friedrich Fröbel",
    "Wilhelm Busch",
    "Anne Frank",
    "Janusz Korczak",
    "Gebrüder Grimm",
    "Käthe Kollwitz",
    "Heinrich Böll",
    "Sophie Scholl",
    "Clara Schumann",
    "Geschwister Scholl",
    "Lessing",
    "Droste Hülshoff",
    "Brüder Humboldt",
    "Hölderlin",
)
FLOWERS = (
    "Sonnenblume",
    "Löwenzahn",
    "Regenbogen",
    "Kleeblatt",
    "Pusteblume",
    "Rasselbande",
    "Wichtelhöhle",
    "Spatzennest",
    "Märchenland",
    "Gänseblümchen",
    "Kunterbunt",
    "Rübezahl",
)
SPORT_CLUBS = (
    "TuS {d} 1911",
    "SV Grün-Weiß {d}",
    "Turnverein {d} 1882",
    "DJK {d}",
    "Boxclub {d}",
    "Schwimmverein {d}",
    "Ringerverein {d}",
    "Basketballverein {d}",
    "Schachclub Königsspringer {d}",
    "Tischtennisverein {d}",
    "Fußballverein Blau-Weiß {d}",
    "Kampfsportschule {d}",
    "Radsportverein {d}",
    "Leichtathletikgemeinschaft {d}",
    "Handballverein {d}",
)
#: (pattern, reference fields it works on); {d} is a district
CIVIL_PATTERNS = (
    ("Bürgerverein {d}", ("teilhabe-engagement", "wohnen")),
    ("Flüchtlingshilfe {d}", ("asyl-flucht", "beratung")),
    ("Willkommensinitiative {d}", ("asyl-flucht", "teilhabe-engagement")),
    ("Nachbarschaftszentrum {d}", ("wohnen", "teilhabe-engagement")),
    ("Heimatverein {d}", ("kultur-freizeit-sport",)),
    ("Kulturbühne {d}", ("kultur-freizeit-sport",)),
    ("Patenschaftsprojekt {d}", ("bildung", "asyl-flucht")),
    ("Seniorentreff {d}", ("pflege-alter",)),
    ("Jugendzentrum {d}", ("bildung", "kriminalitaet", "kultur-freizeit-sport")),
    ("Förderverein Spielplatz {d}", ("wohnen",)),
    ("Frauentreff {d}", ("teilhabe-engagement", "beratung")),
    ("Lesepaten {d}", ("kita-sprache", "bildung")),
    ("Repair-Café {d}", ("teilhabe-engagement",)),
    ("Stadtteilchor {d}", ("kultur-freizeit-sport",)),
    ("Gemeinschaftsgarten {d}", ("wohnen", "teilhabe-engagement")),
)
CIVIL_CITYWIDE = (
    ("Stadtsportbund {c}", ("kultur-freizeit-sport",)),
    ("Stadtjugendring {c}", ("bildung", "teilhabe-engagement")),
    ("Ehrenamtsagentur {c}", ("teilhabe-engagement",)),
    ("Tafel {c}", ("beratung",)),
    ("Mieterverein {c}", ("wohnen",)),
    ("Frauenhaus {c}", ("beratung", "kriminalitaet")),
    ("Kinderschutzbund {c}", ("kita-sprache", "bildung")),
    ("Freiwilligenzentrum {c}", ("teilhabe-engagement",)),
)
OTHER_CITYWIDE = (
    ("Klinikum {c}", ("gesundheit", "pflege-alter")),
    ("Polizeiinspektion {c}", ("kriminalitaet",)),
    ("Wohnungsbaugesellschaft {c}", ("wohnen",)),
    ("Industrie- und Handelskammer, Zweigstelle {c}", ("arbeitsmarkt",)),
    ("Kreishandwerkerschaft {c}", ("arbeitsmarkt",)),
    ("Verbraucherzentrale, Beratungsstelle {c}", ("beratung",)),
    ("Mehrgenerationenhaus {c}", ("teilhabe-engagement", "pflege-alter")),
    ("Medienzentrum {c}", ("bildung",)),
    ("Pflegestützpunkt {c}", ("pflege-alter", "gesundheit")),
    ("Unternehmensverbund Fachkräfte {c}", ("arbeitsmarkt",)),
)
#: (pattern, reference fields); {d} is a district
FIRM_PATTERNS = (
    ("Pflegedienst {d}", ("pflege-alter", "gesundheit")),
    ("Wohnungsgenossenschaft {d}", ("wohnen",)),
    ("Ausbildungsbetrieb Metallbau {d}", ("arbeitsmarkt",)),
    ("Stadtteilapotheke {d}", ("gesundheit",)),
    ("Handwerksbetrieb {d}", ("arbeitsmarkt",)),
)
RELIGIOUS_CITYWIDE = (
    "Jüdische Kultusgemeinde {c}",
    "Alevitische Gemeinde {c}",
    "Griechisch-orthodoxe Gemeinde {c}",
    "Syrisch-orthodoxe Gemeinde {c}",
    "Bosniakische Moscheegemeinde {c}",
)
RELIGIOUS_PATTERNS = (
    "Evangelische Kirchengemeinde {d}",
    "Katholische Pfarrei St. {s} {d}",
    "Moscheeverein {d}",
    "Islamische Gemeinde {d}",
    "Freie evangelische Gemeinde {d}",
)

#: (label pattern, alt label, parent key or None, reference fields it works on)
WELFARE = (
    ("AWO Kreisverband {c}", "AWO", None, ("beratung", "pflege-alter")),
    ("Caritasverband {c}", "Caritas", None, ("beratung", "gesundheit")),
    ("Diakonisches Werk {c}", "Diakonie", None, ("beratung", "asyl-flucht")),
    ("DRK-Kreisverband {c}", "DRK", None, ("gesundheit", "asyl-flucht")),
    ("Der Paritätische, Kreisgruppe {c}", "Paritätischer", None, ("teilhabe-engagement",)),
    ("Migrationsberatung für Erwachsene der AWO", "MBE", 0, ("beratung", "arbeitsmarkt")),
    ("Jugendmigrationsdienst der Caritas", "JMD", 1, ("bildung", "beratung")),
    ("Flüchtlingsberatung der Diakonie", None, 2, ("asyl-flucht", "rechtliche-integration")),
    ("Integrationsagentur des DRK", None, 3, ("teilhabe-engagement", "interkulturelle-oeffnung")),
    ("Servicestelle Antidiskriminierung", None, 4, ("interkulturelle-oeffnung",)),
    ("Psychosoziales Zentrum für Geflüchtete", "PSZ", 4, ("gesundheit", "asyl-flucht")),
    ("Familienbildungsstätte der AWO", None, 0, ("kita-sprache", "bildung")),
    ("Schuldner- und Sozialberatung der Caritas", None, 1, ("beratung",)),
)
INSTITUTES = (
    ("Sprachschule Lingua {c}", ("kita-sprache", "arbeitsmarkt")),
    ("Bildungswerk der Wirtschaft {c}", ("arbeitsmarkt", "bildung")),
    ("Institut für Sozialforschung und Beratung", ("steuerung-vernetzung",)),
    ("Bildungsträger Perspektive gGmbH", ("arbeitsmarkt",)),
    ("Integrationskursträger Sprachbrücke", ("kita-sprache",)),
    ("Beratungsbüro Vielfalt und Teilhabe", ("interkulturelle-oeffnung", "steuerung-vernetzung")),
    ("Forschungsstelle Migration und Stadt", ("steuerung-vernetzung", "wohnen")),
    ("Dolmetscherdienst Brücke", ("gesundheit", "beratung")),
)
FUNDERS = (
    "Bürgerstiftung {c}",
    "Sparkassenstiftung {c}",
    "Landesprogramm Kommunale Integration",
    "Bundesprogramm Zusammenhalt vor Ort",
)
UNIVERSITIES = (
    "Hochschule {c} für angewandte Wissenschaften",
    "Fachhochschule für Soziale Arbeit {c}",
)
