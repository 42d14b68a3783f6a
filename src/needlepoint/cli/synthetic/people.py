"""Generated patients and their consents: names from a seeded pool of several cultures (so
namesakes occur, as in any large clinic), ages, skin types and languages that go with them.

Generated record numbers read `<prefix>-SYN<digits>`; a clinic's own numbers are
`<prefix>-<digits>`, so `-SYN` tells generated patients from real ones."""

from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from needlepoint.cli.synthetic.clinical import Json
from needlepoint.cli.synthetic.context import Weighted

GENERATED_MARK = "-SYN"
# Ids of generated rows: random, not from the run's seed (a second run with the same seed must
# not repeat them), and not from os.urandom (a system call per row); seeded once per process.
_ids = random.Random(uuid.uuid4().int)


def new_id() -> uuid.UUID:
    return uuid.UUID(int=_ids.getrandbits(128), version=4)


@dataclass(frozen=True)
class Culture:
    language: str
    skin_types: tuple[int, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


CULTURES = (
    Culture(
        "en",
        (1, 2, 2, 3),
        _names("Emma,Olivia,Grace,Hannah,Chloe,Sophie,Lucy,Megan,Ella,Ruby"),
        _names("James,Oliver,Jack,Harry,Thomas,Daniel,Ryan,Liam,Ethan,Samuel"),
        _names("Smith,Jones,Taylor,Brown,Wilson,Evans,Clarke,Walker,O'Connor,Murphy,Hughes,Wright"),
    ),
    Culture(
        "es",
        (2, 3, 3, 4),
        _names("Sofía,Lucía,María,Valentina,Camila,Elena,Paula,Daniela,Carmen"),
        _names("Mateo,Alejandro,Diego,Javier,Carlos,Pablo,Andrés,Luis,Miguel"),
        _names("García,Hernández,López,Martínez,Rodríguez,Pérez,Sánchez,Ramírez,Torres,Flores"),
    ),
    Culture(
        "fr",
        (1, 2, 3),
        _names("Camille,Léa,Chloé,Manon,Inès,Juliette,Margaux,Élise"),
        _names("Lucas,Hugo,Louis,Théo,Julien,Antoine,Mathis,Gabriel"),
        _names("Martin,Bernard,Dubois,Moreau,Laurent,Lefèvre,Girard,Roux,Fournier"),
    ),
    Culture(
        "de",
        (1, 2, 2, 3),
        _names("Anna,Lena,Leonie,Mia,Katharina,Johanna,Clara,Franziska"),
        _names("Lukas,Felix,Jonas,Maximilian,Tobias,Moritz,Paul,Florian"),
        _names("Müller,Schmidt,Schneider,Fischer,Weber,Becker,Wagner,Hoffmann,Schäfer"),
    ),
    Culture(
        "pl",
        (1, 2, 3),
        _names("Zuzanna,Julia,Maja,Alicja,Natalia,Agnieszka,Katarzyna"),
        _names("Jakub,Kacper,Szymon,Mikołaj,Piotr,Tomasz,Krzysztof"),
        _names("Nowak,Kowalski,Wiśniewski,Wójcik,Kamiński,Lewandowski,Zieliński"),
    ),
    Culture(
        "tr",
        (3, 3, 4),
        _names("Elif,Zeynep,Ayşe,Defne,Ecrin,Merve,Büşra"),
        _names("Yusuf,Emir,Mehmet,Mustafa,Ömer,Burak,Kerem"),
        _names("Yılmaz,Kaya,Demir,Şahin,Çelik,Yıldız,Aydın,Öztürk"),  # noqa: RUF001
    ),
    Culture(
        "ar",
        (3, 4, 4, 5),
        _names("Fatima,Aisha,Mariam,Noor,Layla,Yasmin,Huda,Zainab,Salma"),
        _names("Mohammed,Omar,Ali,Youssef,Karim,Hamza,Ibrahim,Tariq,Khalid"),
        _names("Hussain,Haddad,Khalil,Mansour,Nasser,Saleh,Rahman,Aziz,Farah"),
    ),
    Culture(
        "hi",
        (3, 4, 4, 5),
        _names("Priya,Ananya,Diya,Kavya,Isha,Neha,Pooja,Aditi,Riya"),
        _names("Arjun,Rohan,Aarav,Vikram,Rahul,Karan,Nikhil,Siddharth,Aditya"),
        _names("Sharma,Patel,Singh,Gupta,Nair,Reddy,Iyer,Mehta,Kapoor,Das"),
    ),
    Culture(
        "zh",
        (2, 3, 3, 4),
        _names("Mei,Li,Xiu,Yan,Jing,Hui,Ling,Fang,Wen"),
        _names("Wei,Jun,Hao,Lei,Ming,Jian,Tao,Yi,Chen"),
        _names("Wang,Li,Zhang,Liu,Chen,Yang,Huang,Zhao,Wu,Zhou"),
    ),
    Culture(
        "vi",
        (3, 3, 4),
        _names("Linh,Trang,Thảo,Huong,Ngoc,Mai,Lan"),
        _names("Minh,Duc,Huy,Quang,Tuan,Khoa,Long"),
        _names("Nguyễn,Trần,Lê,Phạm,Hoàng,Phan,Vũ,Đặng"),
    ),
    Culture(
        "ko",
        (2, 3, 3, 4),
        _names("Ji-woo,Seo-yeon,Min-ji,Ha-eun,Soo-ah,Ye-jin"),
        _names("Min-jun,Seo-jun,Ji-ho,Hyun-woo,Do-yun,Jae-won"),
        _names("Kim,Lee,Park,Choi,Jung,Kang,Cho,Yoon"),
    ),
    Culture(
        "ja",
        (2, 3, 3),
        _names("Yui,Aoi,Hina,Sakura,Yuna,Mio,Haruka"),
        _names("Haruto,Sota,Yuto,Ren,Kaito,Takumi,Riku"),
        _names("Sato,Suzuki,Takahashi,Tanaka,Watanabe,Ito,Yamamoto,Nakamura"),
    ),
    Culture(
        "en",
        (5, 6, 6),
        _names("Grace,Abena,Chiamaka,Ngozi,Folake,Amara,Efua,Zainab"),
        _names("Kwame,Chinedu,Tunde,Kofi,Emeka,Yaw,Segun,Obinna"),
        _names("Adeyemi,Okafor,Mensah,Asante,Okonkwo,Boateng,Adebayo,Owusu,Eze"),
    ),
    Culture(
        "pt",
        (2, 3, 4, 5),
        _names("Ana,Beatriz,Mariana,Gabriela,Larissa,Juliana,Inês"),
        _names("João,Pedro,Gabriel,Rafael,Tiago,Bruno,Rodrigo"),
        _names("Silva,Santos,Oliveira,Souza,Costa,Pereira,Almeida,Ferreira"),
    ),
)
CULTURE_MIX = Weighted.of(CULTURES, (24, 10, 5, 5, 3, 3, 7, 9, 7, 4, 4, 3, 10, 6))
SEXES = Weighted.of(("female", "male", "other", "unknown"), (60, 37, 2, 1))


@dataclass(frozen=True)
class Person:
    """The facts the other builders need about a generated patient."""

    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date
    fitzpatrick: int

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("đ", "d"))
    kept = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "-"))
    return kept.lower().replace("-", "")


def _phone(rng: random.Random, time_zone: str) -> str:
    if time_zone.startswith("Europe/"):
        return f"+44 7700 900{rng.randrange(1000):03d}"
    return f"+1 {rng.randrange(201, 990)} 555 0{rng.randrange(100, 200)}"


def patient_row(
    rng: random.Random,
    clinic_id: int,
    time_zone: str,
    record_number: str,
    anchor: date,
    created_at: datetime,
) -> tuple[dict[str, Any], Person]:
    """One patient (aged 18 to about 60 on `anchor`, most in their twenties and thirties, and
    an adult at the consultation `created_at`)."""
    culture = CULTURE_MIX.draw(rng)
    sex = SEXES.draw(rng)
    pool = culture.male if sex == "male" else culture.female
    if sex in ("other", "unknown"):
        pool = rng.choice((culture.female, culture.male))
    given, family = rng.choice(pool), rng.choice(culture.family)
    if rng.random() < 0.08:  # families mix: a family name from another culture
        family = rng.choice(CULTURE_MIX.draw(rng).family)
    age_days = int(365.25 * min(62.0, 18.5 + rng.gammavariate(2.2, 5.5)))
    adult_at_visit = created_at.date() - timedelta(days=int(365.25 * 18.5))
    born = min(anchor - timedelta(days=age_days), adult_at_visit)
    person = Person(new_id(), given, family, born, rng.choice(culture.skin_types))
    has_email, has_phone = rng.random() < 0.9, rng.random() < 0.93
    local = f"{_ascii(given)}.{_ascii(family)}{rng.randrange(10, 1000)}"
    row = {
        "id": person.id,
        "clinic_id": clinic_id,
        "record_number": record_number,
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": sex,
        "email": f"{local}@example.test" if has_email else "",
        "phone": _phone(rng, time_zone) if has_phone else "",
        "address": "",
        "fitzpatrick": person.fitzpatrick,
        "preferred_language": culture.language if rng.random() < 0.7 else "en",
        "user_id": None,
        "archived": False,
        "restricted_at": None,
        "restriction_reason": "",
        "created_at": created_at,
        "updated_at": created_at,
    }
    return row, person


@cache
def _uses_json(uses: tuple[str, ...]) -> Json:
    return Json(list(uses))


def consent_rows(
    rng: random.Random,
    clinic_id: int,
    person: Person,
    templates: dict[str, int],
    recorded_by: int,
    signed_at: datetime,
) -> list[dict[str, Any]]:
    """The clinic's active consent forms, signed by the patient at the consultation; photo
    consent for the record, and for teaching or marketing by some."""
    rows = []
    for kind, template_id in sorted(templates.items()):
        uses: list[str] = []
        if kind == "photo":
            uses = ["clinical_record"]
            uses += ["teaching"] if rng.random() < 0.3 else []
            uses += ["marketing"] if rng.random() < 0.1 else []
        rows.append(
            {
                "id": new_id(),
                "clinic_id": clinic_id,
                "patient_id": person.id,
                "template_id": template_id,
                "signer": "patient",
                "signer_relationship": "",
                "signed_name": person.full_name,
                "signature_drawing": "",
                "signed_at": signed_at,
                "signed_ip": None,
                "photo_uses": _uses_json(tuple(uses)),
                "recorded_by_id": recorded_by,
                "countersigned_by_id": None,
                "countersigned_at": None,
                "revoked_at": None,
                "revoked_reason": "",
            }
        )
    return rows
