"""Referral and replacement texts, chosen by region and topic.

Resources are the current ones listed in ``/work/shared/DOMAIN.md`` ("where to refer"); NEDA
closed its helpline in June 2023 and is never cited. Crisis lines added here, each verified
on its service's own site: Canada 9-8-8 (988.ca), Samaritans 116 123 (samaritans.org),
Lifeline Australia 13 11 14 (lifeline.org.au).
"""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    """Where the user probably is, read from the IANA timezone."""

    US = "us"
    CANADA = "canada"
    UK = "uk"
    AUSTRALIA = "australia"
    OTHER = "other"
    UNKNOWN = "unknown"


# IANA zones (and legacy aliases) used in Canada; other America/* zones of the US are listed
# below, and the rest of America/* (Mexico, Brazil...) is "other".
_CANADA = frozenset(
    "Toronto Vancouver Edmonton Winnipeg Halifax St_Johns Regina Montreal Moncton Glace_Bay"
    " Goose_Bay Whitehorse Yellowknife Iqaluit Dawson Dawson_Creek Creston Fort_Nelson Inuvik"
    " Rankin_Inlet Resolute Cambridge_Bay Swift_Current Atikokan Blanc-Sablon Nipigon"
    " Thunder_Bay Rainy_River Pangnirtung Coral_Harbour".split()
)
_US = frozenset(
    "New_York Chicago Denver Los_Angeles Phoenix Anchorage Juneau Sitka Yakutat Nome Metlakatla"
    " Adak Boise Detroit Menominee Indianapolis Louisville Fort_Wayne Knox_IN Shiprock Atka"
    " Puerto_Rico".split()
)
_UK = frozenset({"Europe/London", "Europe/Belfast", "GB", "GB-Eire", "Europe/Jersey",
                 "Europe/Guernsey", "Europe/Isle_of_Man"})  # fmt: skip


def region_for_timezone(timezone: str | None) -> Region:
    """Map an IANA timezone to a referral region (``UNKNOWN`` when absent or unreadable)."""
    if not timezone or not timezone.strip():
        return Region.UNKNOWN
    tz = timezone.strip()
    area, _, place = tz.partition("/")
    if tz in _UK:
        return Region.UK
    if area == "Canada":
        return Region.CANADA
    if area == "US" or tz in ("Pacific/Honolulu", "Pacific/Guam", "Pacific/Saipan"):
        return Region.US
    if area == "Australia" or tz == "Antarctica/Macquarie":
        return Region.AUSTRALIA
    if area == "America":
        city = place.split("/")[0]
        if city in _CANADA:
            return Region.CANADA
        if city in _US or city in ("Indiana", "Kentucky", "North_Dakota"):
            return Region.US
    if area in ("America", "Europe", "Asia", "Africa", "Pacific", "Atlantic", "Indian", "Etc"):
        return Region.OTHER
    return Region.UNKNOWN


_CRISIS = {
    Region.US: "In the US you can call or text 988 (Suicide & Crisis Lifeline) at any time, or "
    "text HOME to 741741 (Crisis Text Line). If you are in immediate danger, call 911.",
    Region.CANADA: "In Canada you can call or text 9-8-8 (Suicide Crisis Helpline) at any time. "
    "If you are in immediate danger, call 911.",
    Region.UK: "In the UK you can call Samaritans free on 116 123 at any time. If you are in "
    "immediate danger, call 999.",
    Region.AUSTRALIA: "In Australia you can call Lifeline on 13 11 14 at any time. If you are in "
    "immediate danger, call 000.",
    Region.OTHER: "You can find a free, confidential crisis line in your country at "
    "findahelpline.com. If you are in immediate danger, call your local emergency number.",
    Region.UNKNOWN: "You can find a free, confidential crisis line in your country at "
    "findahelpline.com; in the US or Canada, call or text 988. If you are in immediate danger, "
    "call your local emergency number.",
}

_ED_LINE = {
    Region.US: "the ANAD helpline on 1-888-375-7767 (and 988, call or text, if you ever feel "
    "unsafe)",
    Region.CANADA: "NEDIC on 1-866-633-4220",
    Region.UK: "Beat on 0808 801 0677",
    Region.AUSTRALIA: "the Butterfly Foundation on 1800 33 4673",
    Region.OTHER: "a helpline in your country, listed at findahelpline.com",
    Region.UNKNOWN: "a helpline in your country, listed at findahelpline.com (in the US, the "
    "ANAD helpline on 1-888-375-7767)",
}


def crisis_referral(region: Region) -> str:
    """Supportive text with the region's crisis line."""
    return (
        "I'm really sorry you're feeling this way, and I'm glad you told me. You deserve "
        "support from a person right now. " + _CRISIS[region]
    )


def eating_disorder_referral(region: Region) -> str:
    """Supportive text with the region's eating-disorder helpline."""
    return (
        "It sounds like food and eating may be feeling really hard right now, and you deserve "
        "proper support with that. I can't coach around this safely, but people who specialise "
        f"in it can help: you can reach {_ED_LINE[region]}. A doctor or a registered dietitian "
        "who works with eating disorders can help too."
    )


def professional_for(topic: str, region: Region) -> str:
    """The professional who should answer a medical question on ``topic``."""
    doctor = "your GP" if region is Region.UK else "your doctor"
    return {
        "thyroid": "your endocrinologist or the doctor who prescribes your thyroid medication "
        "(a pharmacist can also answer how to take it)",
        "diabetes": "your endocrinologist or diabetes care team",
        "glp1": "the doctor who prescribes it, or would prescribe it",
        "medication": "your prescribing doctor or a pharmacist",
        "symptoms": f"{doctor}, promptly (if it is severe or sudden, call emergency services)",
        "pregnancy": f"{doctor} or midwife",
        "kidney": "your kidney specialist (nephrologist) and a registered dietitian",
        "condition": f"{doctor} and a registered dietitian",
        "minor": f"{doctor} (a paediatrician), together with a parent or carer",
    }.get(topic, f"{doctor}, who can refer you to a registered dietitian if needed")


def medical_referral(topic: str, region: Region) -> str:
    """Text that declines medical advice and names who to ask instead."""
    if topic == "underweight":
        return (
            "A BMI below 18.5 is underweight, so I can't help you lose more weight. The right "
            "people "
            f"to talk to are {professional_for('condition', region)}; I'm happy to help you eat "
            "well and train for strength instead."
        )
    if topic == "minor":
        return (
            "Weight-loss plans and calorie restriction aren't appropriate for anyone under 18, "
            "so I can't set one up. The right people to talk to are "
            f"{professional_for(topic, region)}."
            " I'm happy to help with activity, sleep and enjoying regular meals."
        )
    return (
        "I can't give medical advice on this, such as diagnoses or medication changes. The right "
        f"person to ask is {professional_for(topic, region)}: they know your history and can "
        "check it safely. I'm happy to help with food, training and habits around what they advise."
    )


_SUPPORT = {
    "ed": "If you're supporting someone with an eating disorder, or learning about them, "
    "help is there for you too: you can reach {ed_line}, who also support family, friends and "
    "carers. Their doctor is the place to start for an assessment, and gentle, non-judgemental "
    "conversations away from mealtimes tend to help most.",
    "crisis": "If someone you know may be thinking about suicide or harming themselves, take it "
    "seriously, ask them directly and stay with them if they are in danger. {crisis}",
    "unsafe": "Drugs sold for weight loss or performance, extreme fasts and water cuts can "
    "seriously harm people; a doctor or a pharmacist can give reliable information, and I'm happy "
    "to explain the safe, evidence-based options.",
    "medical": "Questions about someone's medication or condition are best answered by their "
    "doctor or a pharmacist, who know their history; I'm happy to help with food and training "
    "around what they advise.",
}


def supportive_information(topic: str, region: Region) -> str:
    """Resources for a mention about someone else, a story or a question (not a referral)."""
    text = _SUPPORT.get(topic, _SUPPORT["unsafe"])
    return text.format(ed_line=_ED_LINE[region], crisis=_CRISIS[region])


_REPLACEMENT = {
    "drugs": "I can't help with DNP, clenbuterol, steroids, SARMs or other performance drugs: "
    "they carry serious risks (DNP has killed people at doses sold as safe) and need a doctor's "
    "care. I'm glad to help you get there with training, food and recovery instead.",
    "dehydration": "Cutting water or dehydrating to lose weight isn't something I can help with: "
    "it strains the heart and kidneys and the weight comes straight back. For a weigh-in, a sports "
    "dietitian can plan a safe approach; I can help with a sustainable plan.",
    "fasting": "Fasting for three days or more, or going without water, is dangerous without "
    "medical supervision: it can cause serious electrolyte shifts. I can help with a moderate "
    "pattern such as time-restricted eating instead.",
    "rules": "I can't switch off my safety guidelines, but I'm happy to help with anything "
    "within them.",
    "ed": "I'd rather not suggest that: restricting, compensating or punishing yourself around "
    "food can harm your health. Regular, nourishing meals work better; if food feels hard right "
    "now, a doctor or an eating-disorder helpline can really help.",
}


def block_replacement(topic: str, region: Region) -> str:
    """The safe reply that replaces blocked content on ``topic``."""
    text = _REPLACEMENT.get(topic)
    if text is None:
        return "I can't help with that safely, but I'm happy to help with a safer alternative."
    if topic == "ed":
        return text + f" You can reach {_ED_LINE[region]}."
    return text
