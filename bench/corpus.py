"""Dutch word material for fictional benchmark submissions: names, places, sentences."""

from __future__ import annotations

# All people, organisations and stories made from this material are fictional. Municipality
# names are real places, used only as a plausible setting.

FIRST_NAMES = (
    "Anna", "Bram", "Carla", "Daan", "Els", "Fatima", "Gerrit", "Hanneke", "Ilse", "Jeroen",
    "Karin", "Lotte", "Mohamed", "Nienke", "Olaf", "Petra", "Quirine", "Ruud", "Sanne", "Tom",
    "Ursula", "Vincent", "Wendy", "Yusuf", "Zoë", "Marieke", "Joost", "Anouk", "Hatice", "Kees",
    "Linda", "Mark", "Noor", "Pieter", "Rianne", "Sander", "Tineke", "Willem", "Esther", "Hans",
)  # fmt: skip

SURNAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs",
    "de Haan", "Vermeulen", "van Dijk", "Schouten", "Yılmaz", "El Amrani", "Hoekstra", "Kuipers",
)  # fmt: skip

MUNICIPALITIES = (
    "Amersfoort", "Apeldoorn", "Arnhem", "Assen", "Breda", "Deventer", "Dordrecht", "Emmen",
    "Enschede", "Groningen", "Haarlem", "Heerlen", "Helmond", "Hengelo", "Hoorn", "Leeuwarden",
    "Leiden", "Maastricht", "Nijmegen", "Oss", "Roermond", "Schiedam", "Sittard-Geleen",
    "Tilburg", "Utrecht", "Venlo", "Zaanstad", "Zoetermeer", "Zwolle", "Súdwest-Fryslân",
)  # fmt: skip

# Organisation name patterns per sector; {place} and {thing} are filled in.
ORGANISATIONS = {
    "Zorg": ("Zorggroep {thing}", "Thuiszorg {place}", "Wijkverpleging {thing}"),
    "Welzijn": ("Stichting Welzijn {place}", "Buurtwerk {thing}", "Vrijwilligerscentrale {place}"),
    "Onderwijs": ("Basisschool {thing}", "ROC {place}", "Scholengroep {thing}"),
    "Bouw": ("Woningcorporatie {thing}", "Bouwbedrijf {thing}", "Wooncoöperatie {place}"),
    "Werk": ("Werkbedrijf {place}", "Leerwerkplaats {thing}", "Sociale onderneming {thing}"),
    "Burgerparticipatie": ("Bewonersgroep {thing}", "Dorpsraad {place}", "Buurtcoöperatie {thing}"),
    "Anders": ("Stichting {thing}", "Coöperatie {thing}", "Netwerk {place}"),
}
ORGANISATION_THINGS = (
    "De Brug", "Het Anker", "De Regenboog", "De Linde", "Het Kompas", "De Wending",
    "Samen Sterk", "De Horizon", "Het Baken", "De Schakel", "Noorderlicht", "De Kern",
)  # fmt: skip

# Who took part, per sector (plural nouns used inside sentences).
GROUPS = {
    "Zorg": ("mantelzorgers", "wijkverpleegkundigen", "cliënten", "huisartsen"),
    "Welzijn": ("buurtbewoners", "vrijwilligers", "jongerenwerkers", "ouderen"),
    "Onderwijs": ("leerlingen", "ouders", "leerkrachten", "intern begeleiders"),
    "Bouw": ("huurders", "aannemers", "architecten", "bewonerscommissies"),
    "Werk": ("werkzoekenden", "werkgevers", "jobcoaches", "klantmanagers"),
    "Burgerparticipatie": ("inwoners", "raadsleden", "ondernemers", "ambtenaren"),
    "Anders": ("partners", "inwoners", "professionals", "vrijwilligers"),
}
TOPICS = {
    "Zorg": ("zorg thuis", "de wijkzorg", "dagbesteding", "langer thuis wonen"),
    "Welzijn": ("eenzaamheid", "het buurthuis", "burenhulp", "de inloop"),
    "Onderwijs": ("passend onderwijs", "het schoolplein", "de overgang naar het voortgezet"),
    "Bouw": ("de renovatie", "de nieuwe wijk", "het groen rond de flat", "energie besparen"),
    "Werk": ("werk in de wijk", "de leerwerkplek", "de weg naar betaald werk"),
    "Burgerparticipatie": ("het dorpsplan", "de begroting", "het plein", "verkeer in de wijk"),
    "Anders": ("de samenwerking", "het netwerk", "de nieuwe aanpak"),
}

TITLES = (
    "Samen {topic} anders organiseren in {place}",
    "Hoe {group} in {place} zelf aan het roer kwamen",
    "Van klacht naar plan: {topic}",
    "Eén tafel voor {topic}",
    "{place} kiest voor co-creatie rond {topic}",
    "Geen consensus, wel commitment: {topic} in {place}",
    "Wat {group} ons leerden over {topic}",
    "Drie dagen die {topic} veranderden",
)  # fmt: skip

APPROACH = (
    "We begonnen met een open avond in {place} waar {group} en {group2} hun verhaal vertelden.",
    "Niemand kreeg vooraf een rol: iedereen die iets met {topic} had, was welkom.",
    "In kleine groepen keken we eerst terug: wat ging er de afgelopen jaren goed, en wat niet?",
    "Daarna brachten we samen in kaart wat er nu speelt rond {topic}.",
    "Op een lange muur hingen we foto's, krantenknipsels en tekeningen van {group}.",
    "De gemeente zat aan tafel, maar luisterde de eerste ochtend alleen.",
    "We werkten met de methode Future Search: van verleden via heden naar de toekomst.",
    "Elke groep was gemengd, zodat {group} en {group2} elkaars kant leerden zien.",
    "We maakten afspraken over hoe we met elkaar praten: kort, concreet en zonder jargon.",
    "Ook wie niet kon komen, kon meedoen via een brievenbus in de bibliotheek.",
    "Twee {group} namen de voorbereiding op zich en belden iedereen persoonlijk op.",
    "We huurden geen zaal maar gingen naar de plek waar {topic} echt speelt.",
    "Op de tweede dag schreven we in tweetallen een beeld van {place} over vijf jaar.",
    "Die beelden legden we naast elkaar en zochten we wat iedereen deelde.",
    "Waar we het niet over eens werden, lieten we dat bewust liggen.",
    "Zo ontstond een gemeenschappelijke basis waar niemand meer omheen kon.",
    "Elke deelnemer koos daarna zelf een actie waar hij of zij tijd in wilde steken.",
    "We sloten af met een lijst van acties, met bij elke actie een naam en een datum.",
    "Tussendoor aten we samen; juist daar ontstonden de beste ideeën.",
    "Een tekenaar legde het gesprek vast in grote platen die nog steeds in het buurthuis hangen.",
    "We nodigden bewust ook mensen uit die kritisch waren over {topic}.",
    "De eerste weken was het zoeken: wie neemt het voortouw als niemand de baas is?",
    "We spraken af dat elke groep elke maand kort laat weten hoe het ervoor staat.",
    "Voor {group2} die het Nederlands minder goed beheersen, hadden we tolken geregeld.",
    "Het budget was klein, dus we leunden op de tijd en kennis van de deelnemers zelf.",
    "Een onafhankelijke gespreksleider hield de tijd en de rust in de groep.",
)  # fmt: skip

IMPACT = (
    "Er kwamen {count} mensen op af, veel meer dan we hadden verwacht.",
    "Binnen een halfjaar liepen er zeven acties, waarvan vijf nog steeds lopen.",
    "{group} zeggen dat ze zich voor het eerst echt gehoord voelen.",
    "De gemeente heeft haar plannen voor {topic} op drie punten aangepast.",
    "Er ontstonden nieuwe samenwerkingen, bijvoorbeeld tussen {group} en {group2}.",
    "De wachtlijst werd korter omdat {group2} elkaar nu direct weten te vinden.",
    "Het mooiste vinden we dat de groep zonder ons verder is gegaan.",
    "Niet alles lukte: een actie rond vervoer is na twee maanden stilgevallen.",
    "We leerden dat je tijd moet nemen voor het begin; daar win je later dubbel terug.",
    "Inmiddels doen ook twee buurgemeenten mee met dezelfde aanpak.",
    "De kosten bleven laag, want de meeste uren waren vrijwillig.",
    "Een jaar later kwamen we opnieuw bij elkaar om terug te kijken en bij te sturen.",
    "Wat begon als een eenmalige bijeenkomst, is nu een vast overleg geworden.",
    "{group} hebben zelf een stichting opgericht om het werk voort te zetten.",
    "De sfeer in de wijk is merkbaar veranderd: mensen groeten elkaar weer.",
    "We merkten dat commitment sterker werkt dan een akkoord op papier.",
    "Professionals zeggen dat ze hun werk anders zijn gaan doen.",
    "Het plan voor {topic} staat nu in de begroting van {place}.",
    "Onze belangrijkste les: laat mensen zelf kiezen waar ze zich voor inzetten.",
    "Andere organisaties vragen ons nu hoe ze dit zelf kunnen aanpakken.",
)  # fmt: skip

LIST_INTROS = (
    "Wat we in de praktijk deden:",
    "De belangrijkste stappen waren:",
    "Wat ons hielp:",
)  # fmt: skip
LIST_ITEMS = (
    "iedereen persoonlijk uitnodigen",
    "samen eten voor en na elk overleg",
    "korte lijnen met de gemeente",
    "elke afspraak op één A4 vastleggen",
    "een vaste plek en een vaste avond",
    "kinderopvang tijdens de bijeenkomsten",
    "een gespreksleider van buiten",
    "acties met een naam en een datum",
)  # fmt: skip

LINK_PATHS = (
    "verslag", "fotos", "actieplan", "nieuws/terugblik", "project",
)  # fmt: skip
