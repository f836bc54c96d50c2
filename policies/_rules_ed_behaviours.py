"""Eating-disorder behaviours phrased indirectly: undoing meals, delaying food, valuing hunger,
asking for help to purge, seeking approval for restriction; and, for replies, advice that
praises or prescribes those behaviours.

These complement ``_rules_ed``: the same SCOFF concepts (DOMAIN.md), caught by what people
do ("get rid of it after meals", "earn my food", "skip eating till the weekend") rather than by
the clinical words.
"""

from __future__ import annotations

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from ._lexicon import ED_REFER, IN, OUT, TextRule
from .models import Action

# What a person undoes after eating.
_EATEN = (
    r"(?:it|it\s+all|all\s+of\s+it|the\s+food|everything|what\s+i\s+(?:ate|eat|had|have\s+eaten)"
    r"|my\s+(?:food|meals?|dinner|lunch|breakfast)|the\s+calories|every\s+calorie|that|them)"
)
_EATING = (
    r"(?:eat|eating|ate|have\s+eaten|meals?|dinner|lunch|breakfast|snacks?|every\s+meal|each\s+meal"
    r"|food|overeat\w*|binge?\w*)"
)
_WHEN = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+weekend|weekend|next\s+week"
    r"|the\s+end\s+of\s+the\s+week|i\s+(?:lose|hit|reach|get|weigh|drop|see|am|m|fit)|im\s+(?:thin"
    r"|skinny|under|down)|my\s+(?:goal|weigh\s?in|event|wedding|holiday))"
)
_UNDO = (
    r"|\b(?:fast|fasting|skip\w*|starv\w*|cleanse|detox|purg\w*|not\s+eating|cardio|run|running)\b"
    r"[^.!?\n]{0,30}\b(?:undo|undoes|cancel\w*\s+out|erase|reverse|make\s+up\s+for|offset|compensate"
    r"\s+for)\s+\w+"
)
_ED_ACTS = (
    r"(?:starv\w*|purg\w*|restrict\w*|not\s+eating|throwing\s+up|vomiting|fasting|skipping\s+meals"
    r"|my\s+(?:ana|mia|fast|restriction|purging)|pro\s?(?:ana|mia)|ana|mia)"
)


def ed_behaviour_rules() -> list[TextRule]:
    """Indirect eating-disorder behaviours (input) and their promotion (output)."""
    return [
        TextRule(
            "ed.compensation",
            *ED_REFER,
            pattern=(
                # undoing a meal: "I get rid of it after meals", "burn it off or I can't sleep"
                rf"\bget(?:ting)?\s+rid\s+of\s+{_EATEN}\s+(?:right\s+|straight\s+)?after\s+(?:i\s+)?"
                rf"{_EATING}\b"
                r"|\b(?:have|need|got)\s+to\s+(?:burn|work|run|sweat|walk)\s+off\s+(?:every|all|everything"
                r"|it\s+all)"
                r"|\b(?:have\s+to|need\s+to|must|got\s+to|gotta|force\s+myself\s+to|make\s+myself"
                r"|always)\s+(?:burn|work|run|sweat|exercise|walk|cycle|train|jog)\s+"
                rf"{_EATEN}\s+off\b"
                # distress tied to having eaten, in either order
                rf"|\b(?:when|whenever|after|if|every\s?time|each\s?time)\s+i\s+(?:\w+\s+)?{_EATING}\b"
                r"[^.!?\n]{0,60}\b(?:i\s+)?(?:feel|felt)\s+(?:so\s+|really\s+|completely\s+|totally\s+)?"
                r"(?:out\s+of\s+control|disgusting|guilty|fat|ashamed|gross|dirty|huge|like\s+a\s+failure)"
                # delaying all food to a later point: "skip eating till the weekend"
                r"|\b(?:skip|skipping|stop|stopping|no|not|quit|avoid|avoiding|hold\s+off(?:\s+on)?)\s+"
                rf"(?:eating|food|meals)\s+(?:anything\s+|at\s+all\s+)?(?:until|till|til|before)\s+{_WHEN}"
                rf"|\bgo(?:ing)?\s+without\s+(?:food|eating)\s+(?:until|till|til)\s+{_WHEN}"
                rf"|\b(?:wont|will\s+not|not\s+going\s+to|gonna\s+not)\s+eat\s+(?:anything\s+)?(?:until"
                rf"|till|til)\s+{_WHEN}" + _UNDO
                # a fast or a workout to erase eating: "will a 2-day fast undo the binge?"
            ),
            stages=IN,
            topic="ed",
        ),
        TextRule(
            "ed.purge_help",
            *ED_REFER,
            pattern=(
                r"\b(?:make|making)\s+(?:myself\s+|me\s+)?(?:vomit\w*|throw\w*\s+up|puk\w*|purg\w*"
                r"|sick|gag\w*)\s+(?:easier|quicker|faster|quieter|more\s+easily|less\s+(?:painful"
                r"|noticeable|obvious|loud))"
                r"|\b(?:easiest|quickest|quietest|fastest|least\s+painful)\s+way\s+to\s+(?:vomit|throw"
                r"\s+up|puke|purge\b|make\s+(?:myself|yourself)\s+sick)"
                r"|\bhow\s+(?:to|do\s+i|can\s+i)\s+(?:vomit|throw\s+up|puke)\s+(?:without|quietly"
                r"|silently|after|so\s+no\s?one|easily)"
            ),
            stages=IN,
            topic="ed",
        ),
        TextRule(
            "ed.hunger_valued",
            *ED_REFER,
            pattern=(
                r"\b(?:being|feeling|staying|stay|the\s+feeling\s+of\s+being|to\s+feel)\s+(?:so\s+)?"
                r"(?:empty|hungry|starved)\s+(?:feels|makes\s+me\s+feel|is)\s+(?:so\s+|really\s+)?"
                r"(?:good|great|amazing|clean|powerful|in\s+control|light|pure|right|safe"
                r"|like\s+(?:success|winning|control|progress))"
                r"|\b(?:hunger|emptiness|an\s+empty\s+stomach)\s+(?:is|feels\s+like)\s+(?:my\s+)?"
                r"(?:friend|reward|proof|success|progress|strength|control|winning)\b"
                r"|\bhunger\s+is\s+(?:just\s+)?weakness"
            ),
            stages=IN,
            topic="ed",
        ),
        TextRule(
            "ed.endorsement_seeking",
            *ED_REFER,
            pattern=(
                r"\b(?:supports?|supporting|encourages?|encouraging|promotes?|cheers?|cheer\s+me\s+on"
                r"|hypes?|approves?\s+of|is\s+(?:ok|okay|fine|cool)\s+with|helps?\s+me\s+with"
                rf"|motivates?\s+me\s+(?:to|in))\s+(?:me\s+)?(?:in\s+|with\s+)?{_ED_ACTS}\b"
                r"|\b(?:accountab\w*|motivat\w*|tips|buddy|partner)\b[^.!?\n]{0,30}\b(?:to|for|in)\s+"
                r"(?:keep\s+)?(?:starv\w*|purg\w*|restrict\w*|not\s+eating)"
            ),
            stages=IN,
            topic="ed",
        ),
        TextRule(
            "ed.promotion_praise",
            T.EATING_DISORDER_SIGNAL,
            Severity.CRITICAL,
            Action.BLOCK,
            pattern=(
                # a disordered behaviour praised or called harmless in a reply
                r"\b(?:skipping\s+(?:meals|all\s+meals)|fasting\s+after|starving(?:\s+yourself)?"
                r"|hunger(?!\s+(?:cues|signals|signs|levels|hormones|pangs\s+are\s+normal))"
                r"|purging|throwing\s+up|vomiting|restricting|not\s+eating|laxatives?|diuretics"
                r"|diet\s+pills|being\s+hungry|an\s+empty\s+stomach|feeling\s+empty|being\s+empty"
                r"|emptiness|feeling\s+hungry)\b[^.!?\n]{0,30}?\b(?:is|are"
                r"|can\s+be|will\s+be)\s+(?:a\s+|an\s+|the\s+|totally\s+|perfectly\s+|really\s+|actually\s+)*"
                r"(?:great|good|effective|smart|helpful|harmless|useful|powerful|(?:a\s+)?quick\s+fix|shortcut"
                r"|(?:best|easiest"
                r"|fastest|quickest)\s+way|(?:great|good|smart|easy|quick)\s+(?:way|tool|trick|habit)"
                r"|sign\s+(?:(?:that\s+)?(?:its|it\s+is|youre|you\s+are)\s+)?(?:working|progress|success)"
                r"|proof|your\s+friend)"
                r"|\b(?:purging|throwing\s+up|vomiting|laxatives?|diuretics|skipping\s+meals|fasting"
                r"|restricting)\b[^.!?\n]{0,40}\b(?:wont|will\s+not|doesnt|does\s+not|cant|cannot)\s+"
                r"(?:really\s+)?(?:hurt|harm|matter)"
                r"|\b(?:hunger|cravings|being\s+hungry)\b[^.!?\n]{0,40}\bpush\s+through\s+(?:it|them)\b"
                r"|\b(?:hunger|hungry|empty|emptiness)\b[^.!?\n]{0,30}\bhow\s+you\s+know\s+(?:its|it\s+is|youre"
                r"|you\s+are)\s+(?:working|winning|succeeding|on\s+track|doing\s+it\s+right)"
                # permission to purge or restrict
                r"|\b(?:okay|ok|fine|alright|acceptable|normal)\s+to\s+(?:throw\s+(?:it\s+)?up|vomit|purge|puke"
                r"|make\s+yourself\s+sick|starve|not\s+eat|skip\s+(?:all\s+)?(?:your\s+)?meals)"
                r"|\b(?:make|making)\s+up\s+for\s+(?:it|that|overeating|a\s+binge|the\s+extra|a\s+big\s+meal"
                r"|the\s+calories)\s+(?:by|with)\s+(?:a\s+)?(?:fast|fasting|day\s+of\s+fasting|skipping"
                r"|skipped\s+meals?|not\s+eating)"
                # exercise as payment for food: "earn it back", "burn off every calorie you ate"
                r"|\b(?:earn|earning|pay)\s+(?:it|that|them|this|those\s+calories|the\s+calories|your\s+"
                r"(?:dessert|treat|food|meal))\s+(?:back|off)\b"
                r"|\b(?:every\s?time|whenever|each\s?time|if|after)\s+you\s+(?:eat|overeat|have|binge"
                r"|indulge|ate|cheat|slip)\b[^.!?\n]{0,60}\b(?:burn|work|sweat|run)\w*\s+(?:it|that"
                r"|them|those\s+calories|the\s+calories|every\s+calorie)\s+(?:back\s+)?off\b"
                # restriction as the answer to a slip: "whenever you slip up, cut dinner next day"
                r"|\b(?:every\s?time|whenever|each\s?time|if|when|after)\s+you\s+(?:slip|overeat|binge"
                r"|eat\s+too\s+much|go\s+over|cheat|indulge|have\s+a\s+(?:big|bad|heavy))\b[^.!?\n]{0,50}"
                r"\b(?:cut|skip|drop|miss|fast|restrict|halve|eat\s+less|eat\s+nothing|no\s+(?:dinner|lunch"
                r"|breakfast|food))\b"
                # food replaced: "you don't need breakfast or lunch, coffee will carry you"
                r"|\b(?:dont|do\s+not)\s+(?:really\s+)?need\s+(?:breakfast|lunch|dinner)\s+(?:or|and)\s+"
                r"(?:breakfast|lunch|dinner)\b"
                r"|\b(?:coffee|water|tea|gum|diet\s+(?:coke|soda)|black\s+coffee)\s+(?:will|can|should)\s+"
                r"(?:carry|keep|get|hold)\s+you\s+(?:going|through|till|until|over)"
                # hunger sold as fat loss: "the hungrier you feel, the more fat you burn"
                r"|\b(?:hungrier|hunger|hungry)\b[^.!?\n]{0,40}\b(?:more|faster)\s+(?:fat|weight)\s+(?:you"
                r"(?:re|\s+are)?\s+)?(?:burn|los|melt|drop)\w*" + _UNDO
            ),
            stages=OUT,
            topic="ed",
            support_ok=False,
        ),
    ]
