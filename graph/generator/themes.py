"""The action fields a generated concept may have, each with its goals and measures.

One theme per reference action field (data/reference/action-fields.yaml): the city's own label
for it (as printed in the current and, renamed, in the previous concept edition), how it maps
to the reference scheme (SKOS: exact, close, broad, narrow), and German wording for goals and
measures. Measure labels get a target group or a district appended, so 120 of them stay
distinct.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    previous_label: str
    #: SKOS match kind → reference field ids
    matches: tuple[tuple[str, tuple[str, ...]], ...]
    goals: tuple[str, ...]
    measures: tuple[str, ...]
    cross_cutting: bool = False

    @property
    def reference_fields(self) -> tuple[str, ...]:
        return tuple(field for _, fields in self.matches for field in fields)


#: themes every generated concept has (the core of municipal integration concepts)
CORE = ("sprache", "bildung", "arbeit", "teilhabe", "steuerung")

THEMES = (
    Theme(
        "sprache",
        "Sprache und frühkindliche Bildung",
        "Sprachförderung",
        (("exact", ("kita-sprache",)),),
        (
            "Alle Kinder beherrschen bei der Einschulung die deutsche Sprache altersgemäß",
            "Eltern mit Zuwanderungsgeschichte nutzen die Angebote der Kindertagesbetreuung",
            "Erwachsene Zugewanderte erreichen das Sprachniveau B1",
        ),
        (
            "Sprachcafé",
            "Rucksack-Elternprogramm in Kitas",
            "Sprachpatenschaften",
            "Mehrsprachige Vorlesestunden",
            "Alltagsdeutschkurs",
            "Sprachförderung in Familienzentren",
            "Elternbegleitung beim Übergang in die Kita",
        ),
    ),
    Theme(
        "bildung",
        "Schule, Ausbildung und Weiterbildung",
        "Schulische Bildung",
        (("close", ("bildung",)),),
        (
            "Schülerinnen und Schüler mit Zuwanderungsgeschichte erreichen höhere Abschlüsse",
            "Der Übergang von der Schule in den Beruf gelingt",
            "Herkunftssprachlicher Unterricht ist ausgebaut",
        ),
        (
            "Hausaufgabenhilfe",
            "Bildungslotsen für neu zugewanderte Familien",
            "Seiteneinsteigerklassen begleiten",
            "Mentoring für Schülerinnen und Schüler",
            "Elternabende in Herkunftssprachen",
            "Lernwerkstatt in den Ferien",
            "Berufsorientierungstage",
        ),
    ),
    Theme(
        "arbeit",
        "Arbeit, Qualifizierung und Wirtschaft",
        "Arbeit und Beschäftigung",
        (("close", ("arbeitsmarkt",)),),
        (
            "Zugewanderte finden eine ihrer Qualifikation entsprechende Arbeit",
            "Ausländische Berufsabschlüsse werden schneller anerkannt",
            "Migrantische Unternehmen sind in die Wirtschaftsförderung eingebunden",
        ),
        (
            "Anerkennungsberatung für ausländische Abschlüsse",
            "Jobbörse für Geflüchtete",
            "Qualifizierungsprogramm Pflegehilfe",
            "Gründungsberatung für migrantische Unternehmen",
            "Bewerbungstraining",
            "Ausbildungspatenschaften",
            "Berufsbezogene Sprachkurse",
        ),
    ),
    Theme(
        "gesundheit",
        "Gesundheit und Pflege",
        "Gesundheit",
        (("narrow", ("gesundheit", "pflege-alter")),),
        (
            "Zugewanderte kennen das Gesundheitssystem und nutzen seine Angebote",
            "Die Pflege ist kultursensibel",
            "Psychosoziale Versorgung Geflüchteter ist gesichert",
        ),
        (
            "Gesundheitslotsinnen und -lotsen",
            "Kultursensible Pflegeberatung",
            "Dolmetscherpool für Arztbesuche",
            "Präventionskurse für Frauen",
            "Informationsabende zur Gesundheitsvorsorge",
            "Seniorentreff mit Zuwanderungsgeschichte",
        ),
    ),
    Theme(
        "wohnen",
        "Wohnen und Zusammenleben im Quartier",
        "Wohnen",
        (("close", ("wohnen",)),),
        (
            "Zugewanderte haben Zugang zu angemessenem Wohnraum",
            "Das Zusammenleben in den Quartieren ist gut nachbarschaftlich",
            "Segregation in den Stadtteilen nimmt ab",
        ),
        (
            "Wohnraumvermittlung für Geflüchtete",
            "Nachbarschaftsfeste",
            "Quartierslotsen",
            "Mieterberatung in mehreren Sprachen",
            "Stadtteilspaziergänge",
            "Konfliktmoderation in Wohnanlagen",
        ),
    ),
    Theme(
        "oeffnung",
        "Interkulturelle Öffnung der Verwaltung",
        "Interkulturelle Öffnung",
        (("broad", ("interkulturelle-oeffnung",)),),
        (
            "Die Verwaltung ist interkulturell geöffnet",
            "Der Anteil der Beschäftigten mit Zuwanderungsgeschichte steigt",
            "Informationen der Stadt sind mehrsprachig verfügbar",
        ),
        (
            "Fortbildung interkulturelle Kompetenz",
            "Mehrsprachige Formulare",
            "Ausbildungskampagne für Jugendliche mit Zuwanderungsgeschichte",
            "Diversitätscheck der Verwaltung",
            "Leichte-Sprache-Offensive",
            "Beschwerdestelle Diskriminierung",
        ),
    ),
    Theme(
        "teilhabe",
        "Teilhabe, Ehrenamt und Selbstorganisation",
        "Bürgerschaftliches Engagement",
        (("close", ("teilhabe-engagement",)),),
        (
            "Migrantenselbstorganisationen sind gestärkt und vernetzt",
            "Menschen mit Zuwanderungsgeschichte engagieren sich ehrenamtlich",
            "Die politische Teilhabe wächst",
        ),
        (
            "Qualifizierung von Migrantenselbstorganisationen",
            "Ehrenamtsbörse",
            "Fonds für Projekte der Migrantenselbstorganisationen",
            "Wahlinformation zur Integrationsratswahl",
            "Tandemprojekte zwischen Vereinen",
            "Räume für Vereine im Stadtteil",
            "Vereinsberatung zu Förderanträgen",
        ),
    ),
    Theme(
        "kultur",
        "Kultur, Sport und Freizeit",
        "Kultur und Sport",
        (("exact", ("kultur-freizeit-sport",)),),
        (
            "Sportvereine sind für alle offen",
            "Das kulturelle Leben spiegelt die Vielfalt der Stadt",
            "Kinder und Jugendliche nutzen Freizeitangebote gleichermaßen",
        ),
        (
            "Übungsleiterschulung für Migrantinnen und Migranten",
            "Schwimmkurse für Mädchen",
            "Interkulturelle Woche",
            "Stadtteilkulturfest",
            "Mitternachtssport",
            "Theaterprojekt",
            "Fußballturnier der Kulturen",
        ),
    ),
    Theme(
        "dialog",
        "Interreligiöser Dialog und Zusammenhalt",
        "Religion und Dialog",
        (("close", ("interreligioeser-dialog",)),),
        (
            "Die Religionsgemeinschaften stehen im regelmäßigen Austausch",
            "Vorurteile zwischen Gruppen nehmen ab",
            "Gedenk- und Feiertage werden gemeinsam begangen",
        ),
        (
            "Tag der offenen Moschee",
            "Interreligiöses Friedensgebet",
            "Dialogabende",
            "Schulbesuche in Gotteshäusern",
            "Gemeinsames Fastenbrechen",
            "Projekt gegen Antisemitismus und Muslimfeindlichkeit",
        ),
    ),
    Theme(
        "flucht",
        "Flucht und Asyl",
        "Flüchtlinge",
        (("exact", ("asyl-flucht",)),),
        (
            "Geflüchtete werden vom ersten Tag an begleitet",
            "Die Unterbringung ist dezentral und menschenwürdig",
            "Unbegleitete Minderjährige werden gut versorgt",
        ),
        (
            "Ankommenslotsen",
            "Sozialbetreuung in Unterkünften",
            "Willkommenspakete",
            "Begleitung unbegleiteter Minderjähriger",
            "Erstorientierungskurse",
            "Asylverfahrensberatung",
        ),
    ),
    Theme(
        "beratung",
        "Beratung und Begleitung",
        "Beratung",
        (("exact", ("beratung",)),),
        (
            "Zugewanderte finden schnell die richtige Beratung",
            "Die Beratungsangebote sind aufeinander abgestimmt",
            "Familien werden ganzheitlich begleitet",
        ),
        (
            "Migrationsberatung im Stadtteilbüro",
            "Wegweiser Beratung in acht Sprachen",
            "Offene Sprechstunde",
            "Familienbegleitung",
            "Lotsendienst zu Behörden",
            "Frauenberatung",
        ),
    ),
    Theme(
        "steuerung",
        "Steuerung, Vernetzung und Monitoring",
        "Steuerung und Koordination",
        (("close", ("steuerung-vernetzung",)),),
        (
            "Die Integrationsarbeit wird gesamtstädtisch gesteuert",
            "Ein Integrationsmonitoring liegt jährlich vor",
            "Die Akteure der Integrationsarbeit sind vernetzt",
        ),
        (
            "Integrationsmonitoring",
            "Netzwerktreffen der Akteure",
            "Jahresbericht Integration",
            "Fortschreibung des Integrationskonzepts",
            "Online-Wegweiser der Integrationsangebote",
            "Fachtag Integration",
        ),
        cross_cutting=True,
    ),
    Theme(
        "sicherheit",
        "Sicherheit und Prävention",
        "Sicherheit",
        (("close", ("kriminalitaet",)),),
        (
            "Das Sicherheitsgefühl in allen Stadtteilen ist hoch",
            "Radikalisierung wird früh erkannt",
            "Polizei und Zugewanderte vertrauen einander",
        ),
        (
            "Präventionsprojekt für Jugendliche",
            "Sicherheitspartnerschaft im Quartier",
            "Polizei im Dialog",
            "Beratungsnetz gegen Radikalisierung",
            "Gewaltprävention an Schulen",
        ),
    ),
    Theme(
        "aufenthalt",
        "Aufenthalt und Einbürgerung",
        "Aufenthaltsrecht",
        (("broad", ("rechtliche-integration",)),),
        (
            "Einbürgerungen nehmen zu",
            "Aufenthaltsrechtliche Verfahren sind transparent",
            "Bleibeperspektiven werden genutzt",
        ),
        (
            "Einbürgerungskampagne",
            "Einbürgerungsfeier",
            "Beratung zur Bleiberechtsregelung",
            "Infoabende zum Staatsangehörigkeitsrecht",
            "Terminlotsen der Ausländerbehörde",
        ),
    ),
)

#: what a measure label may be narrowed by (so that labels stay distinct)
TARGET_GROUPS = (
    "für Frauen",
    "für Jugendliche",
    "für Familien",
    "für Seniorinnen und Senioren",
    "für Neuzugewanderte",
    "für Geflüchtete",
    "für Kinder",
    "für Väter",
)
