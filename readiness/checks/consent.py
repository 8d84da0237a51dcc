"""The consent to a virtual encounter: versioned text in both languages, and its fingerprint.

The default text is written for patients. An institution replaces it with CONSENT_VERSION and
CONSENT_TEXT_EN / CONSENT_TEXT_FR (paragraphs separated by blank lines, the last one being the
question). It is kept here rather than in the translation catalog on purpose: a consent text is
a versioned document, and a record must point at the exact words that were shown.
"""

import hashlib
from dataclasses import dataclass

# Every default text ever shown, by version, exactly as patients agreed to it: a record points
# at its version, so an earlier text is kept word for word and never edited. A change of
# wording is a new version.
DEFAULT_VERSIONS = {
    "2026-11-default": {
        "en": (
            "A video visit is a health care visit that takes place by video instead of in person.",
            "What you share during the visit is confidential, as in any visit.",
            "The video platform is secure and approved for health care. Still, no digital "
            "communication is completely free of risk.",
            "You can lower that risk by being in a private place where no one can overhear you.",
            "The visit is not recorded. What you share is used only for your care.",
            "You can ask for a phone or in-person visit instead, at any time.",
            "Do you agree to have your visit by video?",
        ),
        "fr": (
            "Une visite vidéo est une consultation qui se déroule par vidéo plutôt qu’en personne.",
            "Ce que vous dites pendant la visite reste confidentiel, comme lors de toute "
            "consultation.",
            "La plateforme vidéo est sécurisée et approuvée pour les soins de santé. Toutefois, "
            "aucune communication numérique n’est totalement sans risque.",
            "Vous pouvez réduire ce risque en vous installant dans un endroit privé où personne ne "
            "peut vous entendre.",
            "La visite n’est pas enregistrée. Ce que vous dites sert uniquement à vos soins.",
            "Vous pouvez demander une visite par téléphone ou en personne à la place, en tout "
            "temps.",
            "Acceptez-vous que votre visite se fasse par vidéo\u00a0?",
        ),
    },
    # The French says « communiquez » (what you share: words, images, documents), not « dites »,
    # and « consultation » for the appointment; a version name with no English in it.
    "2026-12": {
        "en": (
            "A video visit is a health care visit that takes place by video instead of in person.",
            "What you share during the visit is confidential, as in any visit.",
            "The video platform is secure and approved for health care. Still, no digital "
            "communication is completely free of risk.",
            "You can lower that risk by being in a private place where no one can overhear you.",
            "The visit is not recorded. What you share is used only for your care.",
            "You can ask for a phone or in-person visit instead, at any time.",
            "Do you agree to have your visit by video?",
        ),
        "fr": (
            "Une consultation vidéo est une consultation de santé qui se déroule par vidéo plutôt "
            "qu’en personne.",
            "Ce que vous communiquez pendant la consultation reste confidentiel, comme lors de "
            "toute autre consultation.",
            "La plateforme vidéo est sécurisée et approuvée pour les soins de santé. Toutefois, "
            "aucune communication numérique n’est totalement sans risque.",
            "Vous pouvez réduire ce risque en vous installant dans un endroit privé où personne ne "
            "peut vous entendre.",
            "La consultation n’est pas enregistrée. Ce que vous communiquez sert uniquement à vos "
            "soins.",
            "Vous pouvez demander une consultation téléphonique ou en personne à la place, en tout "
            "temps.",
            "Acceptez-vous que votre consultation se fasse par vidéo\u00a0?",
        ),
    },
    # The French no longer defines the term with itself (« une consultation… consultation… par
    # vidéo ») and drops the calque « à la place » (french-review-3 M10). The English is as before.
    "2026-12b": {
        "en": (
            "A video visit is a health care visit that takes place by video instead of in person.",
            "What you share during the visit is confidential, as in any visit.",
            "The video platform is secure and approved for health care. Still, no digital "
            "communication is completely free of risk.",
            "You can lower that risk by being in a private place where no one can overhear you.",
            "The visit is not recorded. What you share is used only for your care.",
            "You can ask for a phone or in-person visit instead, at any time.",
            "Do you agree to have your visit by video?",
        ),
        "fr": (
            "Une consultation vidéo est un rendez-vous avec votre équipe de soins qui a lieu à "
            "l’écran, plutôt qu’en personne.",
            "Ce que vous communiquez pendant la consultation reste confidentiel, comme lors de "
            "toute autre consultation.",
            "La plateforme vidéo est sécurisée et approuvée pour les soins de santé. Toutefois, "
            "aucune communication numérique n’est totalement sans risque.",
            "Vous pouvez réduire ce risque en vous installant dans un endroit privé où personne ne "
            "peut vous entendre.",
            "La consultation n’est pas enregistrée. Ce que vous communiquez sert uniquement à vos "
            "soins.",
            "En tout temps, vous pouvez plutôt demander une consultation téléphonique ou en "
            "personne.",
            "Acceptez-vous que votre consultation se fasse par vidéo\u00a0?",
        ),
    },
}

DEFAULT_VERSION = "2026-12b"
DEFAULT_TEXTS = DEFAULT_VERSIONS[DEFAULT_VERSION]


@dataclass(frozen=True)
class ConsentText:
    version: str
    language: str
    paragraphs: tuple[str, ...]

    @property
    def statements(self) -> tuple[str, ...]:
        return self.paragraphs[:-1]

    @property
    def question(self) -> str:
        return self.paragraphs[-1]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def sha256(self) -> str:
        """The fingerprint kept with each record: proof of the exact words shown."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def consent_text(config, language: str) -> ConsentText:
    """The consent text in force for a language, from the institution's settings or the default."""
    custom = config.get(f"CONSENT_TEXT_{language.upper()}")
    if custom:
        paragraphs = tuple(p.strip() for p in str(custom).split("\n\n") if p.strip())
        return ConsentText(config["CONSENT_VERSION"], language, paragraphs)
    return ConsentText(
        config.get("CONSENT_VERSION") or DEFAULT_VERSION, language, DEFAULT_TEXTS[language]
    )
