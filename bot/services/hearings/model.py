"""The shape of the hearing content: the bundled list of courts, and what the reminders and the
"I can't come" screen say. Both are YAML a court's staff may edit; pydantic checks them at start."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from bot.services.bilingual import Bilingual
from bot.services.explorer.model import Statement, Strict

# 2–24 of a-z, 0-9 and "-": fits a button id such as "hcourt:<court id>".
ButtonId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,23}$")]
SHORT_LABEL = 24  # a WhatsApp list row title


class Court(Strict):
    id: ButtonId
    name: Bilingual
    short: Bilingual | None = None  # for WhatsApp's 24-character rows, when `name` is longer
    address: Bilingual | None = None  # only where a source gives it; otherwise "see the summons"
    source: str  # the page the name (and address) were taken from
    checked: date

    @field_validator("short")
    @classmethod
    def _fits_a_row(cls, value: Bilingual | None) -> Bilingual | None:
        if value is not None and max(len(value.kk), len(value.ru)) > SHORT_LABEL:
            raise ValueError(f"short names are at most {SHORT_LABEL} characters")
        return value

    def label(self, language: str) -> str:
        return (self.short or self.name)(language)


class Region(Strict):
    """A region or a city of republican status. `places` are its towns as people type them
    (either language, with or without the Kazakh letters), so "Жезқазған" finds Ulytau.
    `courts` may be empty where no source named a court yet: the person then types it."""

    id: ButtonId
    name: Bilingual
    places: list[str] = Field(default_factory=list)
    courts: list[Court] = Field(default_factory=list)


class CourtList(Strict):
    regions: list[Region] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> CourtList:
        regions = [region.id for region in self.regions]
        courts = [court.id for region in self.regions for court in region.courts]
        for kind, ids in (("region", regions), ("court", courts)):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{kind} ids used twice: {', '.join(repeated)}")
        return self

    def court(self, court_id: str) -> Court | None:
        return next((court for region in self.regions for court in region.courts
                     if court.id == court_id), None)

    def named(self, name: str) -> Court | None:
        """The listed court with this name in either language (case and spaces ignored)."""
        wanted = " ".join(name.split()).casefold()
        return next((court for region in self.regions for court in region.courts
                     if wanted in (court.name.kk.casefold(), court.name.ru.casefold())), None)

    def region(self, region_id: str) -> Region | None:
        return next((region for region in self.regions if region.id == region_id), None)

    def regions_for(self, typed: str) -> list[Region]:
        """The regions a typed town or region names ("Шымкент", "караганда", "Жезказган"):
        a word that is one of its places or its name, or starts like one (at least 4
        letters, so "Түркістан облысы" and "в Атырау" both work)."""
        from bot.services.understanding.normalise import fold

        words = [word for word in fold(typed).split() if len(word) >= 3 and word not in GENERIC]
        found = []
        for region in self.regions:
            names = {word for text in (*region.places, region.name.kk, region.name.ru)
                     for word in fold(text).split() if word not in GENERIC}
            if any(_names_a_place(word, name) for word in words for name in names):
                found.append(region)
        return found

    def region_of(self, court_id: str) -> Region | None:
        return next((region for region in self.regions
                     if any(court.id == court_id for court in region.courts)), None)


# Words in region names that name no place: "облысы", "область", "қаласы", "город".
GENERIC = {"облысы", "област", "область", "каласы", "каласынын", "город", "гор", "обл"}


def _names_a_place(word: str, place: str) -> bool:
    """"Шымкент" names Шымкент; so do "шымк", "Шымкентте" and "Туркестанская" Туркестан."""
    if word == place:
        return True
    if len(word) < 4:
        return False
    return place.startswith(word) or (word.startswith(place) and len(word) - len(place) <= 4)


class HearingHelp(Strict):
    """What reminders and the hearing screens tell people, each sentence sourced or plain."""

    bring: list[Statement] = Field(min_length=1)  # what to take to a hearing in person
    online: list[Statement] = Field(min_length=1)  # joining by video, with the short checklist
    cant_come: list[Statement] = Field(min_length=1)  # what to do when you cannot come
