"""Invented people for the demo database: officers and residents.

Every name, address, phone number and email here is made up. Phone numbers come
from Ofcom's drama ranges (020 7946 0xxx, 07700 900xxx), emails are at
example.org, streets are invented and every postcode ends in the unused "0ZZ".
"""

from __future__ import annotations

import random
import unicodedata

OFFICERS: list[dict] = [
    {"username": "a.khan", "name": "Aisha Khan", "team": "North", "role": "officer",
     "title": "Tenancy sustainment officer"},
    {"username": "r.morgan", "name": "Rhys Morgan", "team": "North", "role": "officer",
     "title": "Housing officer"},
    {"username": "p.natarajan", "name": "Priya Natarajan", "team": "North", "role": "manager",
     "title": "Housing services manager"},
    {"username": "t.wisniewski", "name": "Tomasz Wiśniewski", "team": "South", "role": "officer",
     "title": "Housing officer"},
    {"username": "g.oduya", "name": "Grace Oduya", "team": "South", "role": "officer",
     "title": "Community safety officer"},
    {"username": "e.fraser", "name": "Ellie Fraser", "team": "South", "role": "officer",
     "title": "Complaints and resolution officer"},
]  # fmt: skip
# People the seed cases name (resources/demo/seed-*.json) who are given no generated cases:
# they have names and titles too, so nothing in the demo shows a bare login.
SEED_STAFF: list[dict] = [
    {"username": "r.price", "name": "Rachel Price", "team": "North", "role": "officer",
     "title": "Housing officer"},
    {"username": "t.okafor", "name": "Tunde Okafor", "team": "North", "role": "officer",
     "title": "Repairs liaison officer"},
    {"username": "h.ward", "name": "Hannah Ward", "team": "South", "role": "officer",
     "title": "Housing officer"},
    {"username": "m.fleming", "name": "Martin Fleming", "team": "South", "role": "officer",
     "title": "Complaints officer"},
    {"username": "d.osei", "name": "Daniel Osei", "team": "North", "role": "officer",
     "title": "Anti-social behaviour officer"},
]  # fmt: skip
MANAGER = "p.natarajan"
USERNAMES = [o["username"] for o in OFFICERS]
TEAM = {o["username"]: o["team"] for o in OFFICERS}

# Residents whose names need more than ASCII (fonts, search and sorting get exercised).
SPECIAL_NAMES = [
    "Łucja Nowak",
    "Zoë Adeyemi",
    "Siobhán Ó Briain",
    "José Martínez",
    "Ayşe Yılmaz",
    "Dorota Wójcik",
    "Chloé Dubois",
    "Niamh Ní Dhomhnaill",
    "Björn Åkesson",
    "Renée Okonjo",
    "Mihai Stănescu",
    "Jürgen Bäcker",
]
FIRST_NAMES = [
    "Amina",
    "Patrick",
    "Gemma",
    "Kwame",
    "Fatima",
    "Liam",
    "Shanice",
    "Oluwaseun",
    "Tariq",
    "Megan",
    "Hannah",
    "Dwayne",
    "Sunita",
    "Marcus",
    "Yusuf",
    "Bethany",
    "Chidi",
    "Rosa",
    "Kieran",
    "Nadia",
    "Farhan",
    "Leanne",
    "Samuel",
    "Eilidh",
    "Abdi",
    "Joyce",
    "Ravi",
    "Kerry-Ann",
    "Darius",
    "Maureen",
    "Tendai",
    "Callum",
    "Halima",
    "Winston",
    "Agnieszka",
    "Connor",
    "Precious",
    "Imran",
    "Sade",
    "Graham",
    "Mei",
    "Lorraine",
    "Desmond",
    "Shirin",
]
SURNAMES = [
    "Ahmed",
    "Brennan",
    "Campbell",
    "Okoro",
    "Hussain",
    "Doyle",
    "Ferreira",
    "Gallagher",
    "Mensah-Clarke",
    "Iqbal",
    "Jackson",
    "Kowalczyk",
    "Lindqvist",
    "McBride",
    "Nwosu",
    "Osman",
    "Pereira",
    "Quinlan",
    "Rahman",
    "Sutherland",
    "Thompson",
    "Uddin",
    "Varga",
    "Whitmore",
    "Yeboah",
    "Barker",
    "Chaudhry",
    "Duncan",
    "Ellis",
    "Forde",
    "Grant",
    "Haddad",
    "Islam",
    "Jarvis",
    "Kaur",
    "Lewis-Hart",
    "Mahmood",
    "Noble",
    "Obi",
    "Parry",
]
# Invented streets and blocks, by team patch.
STREETS = {
    "North": [
        "Tanners Walk",
        "Larchmere Road",
        "Hollybank Court",
        "Wendle Street",
        "Fennick House",
        "Osier Gardens",
        "Marlowe Rise",
        "Kestrel Point",
        "Brambling Close",
        "Copperfield Row",
    ],
    "South": [
        "Quarry Court",
        "Larkspur House",
        "Ashgrove Terrace",
        "Millward Street",
        "Pelham Rise",
        "Sorrel House",
        "Dunmore Walk",
        "Cinder Lane",
        "Rookery Place",
        "Tidewater Court",
    ],
}
AREAS = {
    "North": ["Tottenham N17", "Wood Green N22", "Edmonton N9", "Holloway N7", "Hornsey N8"],
    "South": ["Lewisham SE13", "Deptford SE8", "Peckham SE15", "Catford SE6", "Brockley SE4"],
}
VULNERABILITIES = [
    "autism (son)",
    "mobility impairment",
    "depression",
    "hearing loss (resident)",
    "two children under 5",
    "English as a second language",
    "anxiety and panic attacks",
    "visual impairment",
    "aged over 80, lives alone",
    "learning disability",
    "PTSD (resident)",
    "COPD, uses oxygen at home",
]
# The reasonable adjustment agreed for each vulnerability (vulnerability_plan.adjustments).
ADJUSTMENTS = {
    "autism (son)": "Text before calling; no unannounced visits as they distress the son",
    "mobility impairment": "Visits at home rather than the office; allow time to reach the door",
    "depression": "Named officer only; check in weekly by phone; signpost to GP and talking therapy",
    "hearing loss (resident)": "Email and text only, no phone calls; BSL interpreter for visits",
    "two children under 5": "Appointments after 10am; flag damp and safety issues as priority",
    "English as a second language": "Interpreter for calls and visits; letters in plain English",
    "anxiety and panic attacks": "Email first, then a call at an agreed time; avoid surprise visits",
    "visual impairment": "Large-print letters (18pt); read out key points on the phone",
    "aged over 80, lives alone": "Call daughter (named contact) if no answer; visits in daylight",
    "learning disability": "Easy-read letters; support worker invited to meetings",
    "PTSD (resident)": "Female officer for visits; give notice of any visit or call",
    "COPD, uses oxygen at home": "Home visits only; keep the heating and oxygen supply in mind",
}


def _ascii(text: str) -> str:
    table = str.maketrans({"Ł": "L", "ł": "l", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss"})
    text = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in text if c.isascii())


def make_resident(rng: random.Random, index: int, team: str, taken: set[str]) -> dict:
    """An invented resident. Every 12th one (the first included) has a non-ASCII name.

    ``taken`` holds the names and phone numbers already given out; both stay unique
    while the name pools and the 2,000 drama numbers last.
    """
    special = index % 12 == 0 and index // 12 < len(SPECIAL_NAMES)
    for _ in range(50):
        name = (
            SPECIAL_NAMES[index // 12]
            if special
            else f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        )
        if name not in taken:
            break
    taken.add(name)
    first, _, last = name.partition(" ")
    local = f"{_ascii(first)}.{_ascii(last).replace(' ', '')}".lower()
    email = f"{local}{rng.randint(1, 99) if rng.random() < 0.3 else ''}@example.org"
    for _ in range(50):
        if rng.random() < 0.55:
            phone = f"07700 900{rng.randint(0, 999):03d}"
        else:
            phone = f"020 7946 0{rng.randint(0, 999):03d}"
        if phone not in taken:
            break
    taken.add(phone)
    street = rng.choice(STREETS[team])
    number = rng.randint(1, 60)
    if street.endswith(("House", "Court", "Point")):
        address = f"Flat {rng.randint(1, 48)}, {street}"
    elif rng.random() < 0.5:
        address = f"Flat {rng.randint(1, 12)}, {number} {street}"
    else:
        address = f"{number} {street}"
    address = f"{address}, {rng.choice(AREAS[team])} 0ZZ"
    vulnerabilities: list[str] = []
    if rng.random() < 0.3:
        vulnerabilities = rng.sample(VULNERABILITIES, rng.choice([1, 1, 2]))
    return {
        "name": name,
        "address": address,
        "phone": phone,
        "email": email,
        "vulnerabilities": vulnerabilities,
    }


def adjustments_for(vulnerabilities: list[str]) -> str:
    return "; ".join(ADJUSTMENTS[v] for v in vulnerabilities)
