"""Targets named in words rather than numbers: crash diets, cutting out protein."""

from __future__ import annotations

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from ._lexicon import BOTH, IN, TextRule
from .models import Action


def target_rules() -> list[TextRule]:
    """Rules for unsafe targets that carry no number."""
    return [
        TextRule(
            "rate.crash_diet",
            T.WEIGHT_LOSS_RATE,
            Severity.WARNING,
            Action.ADJUST,
            pattern=(
                r"\bcrash\s+diet\w*"
                r"|\blose\s+(?:weight|fat|\d+\s*(?:kg|kilos?|lbs?|pounds?))\s+(?:as\s+fast\s+as\s+"
                r"(?:possible|i\s+can|humanly)|asap|super\s+fast|really\s+fast|very\s+fast|overnight"
                r"|in\s+no\s+time|extremely\s+fast|rapidly|no\s+matter\s+what)"
                r"|\b(?:extreme|drastic|rapid)\s+weight\s+loss\b"
                r"|\b(?:most|super|really|very|as|an?)\s+(?:extreme|aggressive|brutal|drastic)\s+(?:diet|cut"
                r"|deficit|fast|plan)\b"
            ),
            stages=BOTH,
            topic="rate",
        ),
        TextRule(
            "calories.vlcd",
            T.CALORIE_MINIMUM,
            Severity.WARNING,
            Action.ADJUST,
            pattern=r"\b(?:vlcd|very\s+low\s+cal(?:orie)?\s+diets?)\b",
            stages=BOTH,
            topic="calories",
        ),
        TextRule(
            "calories.minimum_seeking",
            T.CALORIE_MINIMUM,
            Severity.WARNING,
            Action.ADJUST,
            pattern=(
                # the least one can eat and still get by: a request for a starvation-level target
                r"\b(?:least|lowest|fewest|bare\s+minimum|absolute\s+minimum|minimum|min|how\s+little"
                r"|how\s+few|how\s+low)\b[^.!?\n]{0,40}?\b(?:survive|surviving|function|functioning"
                r"|stay\s+alive|staying\s+alive|not\s+die|without\s+dying|get\s+away\s+with"
                r"|shuts?\s+down|shutting\s+down|pass\w*\s+out|faint\w*|get\s+by|live\s+on|keep\s+going"
                r"|still\s+(?:function|work|walk|train|be\s+(?:ok|okay|alive|fine|able\s+to)|live|think|stand)"
                r"|the\s+edge|humanly|lose\s+(?:weight|fat)\s+(?:the\s+)?(?:fastest|quickest|faster|quicker)"
                r"|(?:wont|doesnt|will\s+not|does\s+not|wouldnt)\s+(?:kill|hurt|harm"
                r"|hospitali[sz]e)\s+(?:me|you|someone))\b"
                r"|\b(?:least|as\s+little\s+as)\s+(?:i|you|one|someone|a\s+person)\s+(?:can|could)\s+"
                r"(?:possibly\s+)?(?:eat|get\s+away\s+with|survive\s+on|live\s+on)\b"
                r"|\bhow\s+low\s+can\s+(?:i|you|one|someone|a\s+person)\s+(?:go|get|drop|take\s+(?:it"
                r"|my\s+calories|my\s+intake))\b"
            ),
            context=(
                r"\b(?:calor\w*|cals?|kcal|intake|eat|eating|food|meals?|diet|survive|function"
                r"|starv\w*)\b"
            ),
            stages=IN,
            topic="calories",
        ),
        TextRule(
            "protein.none",
            T.PROTEIN_MINIMUM,
            Severity.WARNING,
            Action.ADJUST,
            pattern=(
                r"\b(?:eat|eating|go|going|diet|want|plan|try|trying)\s+(?:\w+\s+){0,3}?(?:no|zero)\s+"
                r"protein\b(?!\s+(?:powder|shakes?|bars?|supplements?))"
                r"|\bprotein\s?free\s+(?:diet|meal\s+plan|plan)|\bcut\s+out\s+(?:all\s+)?protein\b"
                r"|\b(?:no|zero)\s+protein\s+(?:diet|meal\s+plan|plan|menu|days?|weeks?|month|lifestyle"
                r"|challenge|regime)\b"
                r"|\b(?:eliminate|avoid|stop\s+eating|quit)\s+(?:all\s+)?protein\s+(?:completely"
                r"|entirely|altogether)|\b(?:very|extremely|super|ultra)\s+low\s+protein\s+diet"
                # "cut protein out completely", "drop all protein from my diet"
                r"|\b(?:cut|cutting|drop|dropping|remove|removing|take|taking|leave|leaving|eliminate"
                r"|ditch|ditching|skip|skipping|give\s+up|giving\s+up|ban|banning)\s+(?:all\s+|any\s+)?"
                r"protein\s+(?:out\b|completely|entirely|altogether|totally|fully|from\s+my\s+(?:diet"
                r"|meals|plan))"
                # "no protein at all for two weeks", "zero protein whatsoever"
                r"|\b(?:no|zero|without\s+any|not\s+any|nil)\s+protein\s+(?:at\s+all|whatsoever"
                r"|for\s+(?:the\s+next\s+)?(?:\d+|an?|one|two|three|four|five|six|several|a\s+few"
                r"|a\s+couple\s+of)\s+(?:days?|weeks?|months?))\b(?!\s+in\b)"
                # "I don't want any protein in my diet", "go protein-free for a month"
                r"|\b(?:dont|do\s+not|never)\s+(?:want|need|eat|have)\s+(?:any\s+)?protein\b(?!\s+(?:powder"
                r"|shakes?|bars?|supplements?|at\s+|before|after|with|for\s+(?:breakfast|lunch|dinner)"
                r"|in\s+(?:my\s+|the\s+)?(?:breakfast|lunch|dinner|shake|smoothie|coffee|snack)))"
                r"|\b(?:go|going|be|stay|staying|eat|eating|live|try|trying)\s+(?:\w+\s+)?protein\s?free\b"
                r"(?!\s+(?:snacks?|options?|recipes?|desserts?|bars?|foods?|treats?))"
                # "keep protein to a minimum", "as little protein as possible"
                r"|\b(?:keep|cut|reduce|limit|bring|get)\s+(?:my\s+)?protein\s+(?:intake\s+)?(?:down\s+)?"
                r"to\s+(?:a|the|an\s+absolute|the\s+bare)\s+(?:bare\s+|absolute\s+)?minimum"
                r"|\b(?:as\s+little|barely\s+any|hardly\s+any|almost\s+no|next\s+to\s+no|practically\s+no"
                r"|virtually\s+no|minimal)\s+protein\b(?!\s+in\b)"
            ),
            stages=BOTH,
            topic="protein",
        ),
    ]
