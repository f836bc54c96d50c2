"""Prolonged self-starvation with the wish to keep going: an eating-disorder signal.

"I haven't eaten anything in 4 days and I want to keep going, any tips?" is more than a
dangerous fast: restriction is an eating-disorder behaviour (DOMAIN.md "Behaviours"), and
days without food plus the wish to continue, pride in it, or tips to push through is the
pattern to refer. The signal is two concepts in one message:

- a **state**: the speaker has already gone days without food ("haven't eaten in 4 days",
  "it's been a week since I ate", "day 5 of no food", "I've been fasting for 6 days"), at
  least ``min_starvation_hours`` (48 h) without eating, or ``max_fast_hours`` (72 h) when
  the speaker calls it a fast;
- a **continuation**: wanting to keep going, pride or good feelings about it, or asking for
  tips (not tips to start eating again).

Religious fasts, medically supervised ones, illness and a lack of money are reasons that are
not this signal; plain questions ("is it safe to fast for 4 days?") have no state. A plan not
yet started ("no food for 5 days, how do I push through") stays dangerous fasting only.
"""

from __future__ import annotations

import re

from ._context import Context, TextView
from .settings import PolicySettings

_WORD_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "several": 3, "a few": 3,
    "few": 3, "many": 3, "multiple": 2, "a couple of": 2, "couple of": 2, "a couple": 2,
}  # fmt: skip
_UNIT_HOURS = {"hour": 1.0, "hr": 1.0, "day": 24.0, "week": 168.0, "fortnight": 336.0,
               "month": 730.0}  # fmt: skip

_COUNT = (
    r"\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|twenty|thirty|several|a\s+few|few|many|multiple|a\s+couple(?:\s+of)?"
    r"|couple\s+of"
)
_UNIT = r"hours?|hrs?|days?|weeks?|fortnights?|months?"
# A span of time: "4 days", "a full week", "three whole days", bare "days" / "weeks".
_DUR = (
    rf"(?P<dur>(?:(?:{_COUNT})\s*-?\s*(?:full\s+|whole\s+|straight\s+|entire\s+|solid\s+)?(?:{_UNIT})"
    r"|days|weeks|months)\b)"
)
_APPROX = (
    r"(?:about\s+|around\s+|over\s+|almost\s+|nearly\s+|like\s+|more\s+than\s+|at\s+least\s+)?"
)
_FOOD_OBJ = (
    r"(?:eaten|eat|had\s+(?:any\s+)?(?:food|a\s+(?:proper\s+|real\s+|single\s+)?(?:meal|bite)"
    r"|anything(?:\s+to\s+eat)?|a\s+thing)|touched\s+(?:any\s+)?food)"
)
_NO_FOOD = (
    r"\b(?:no\s+food|nothing|zero\s+food|not\s+a\s+(?:single\s+)?bite)\s+(?:at\s+all\s+)?"
    r"(?:for|in)\s+"
)
_FAST = (
    r"(?P<fast>fasting|on\s+a\s+(?:water\s+|dry\s+|juice\s+)?fast|doing\s+a\s+(?:water\s+)?fast)"
)
_STATES = (
    # "I haven't eaten anything in 4 days", "didn't eat for a week", "not eaten in days"
    rf"\b(?:havent|hadnt|have\s+not|had\s+not|ive\s+not|didnt|did\s+not|not)\s+{_FOOD_OBJ}\s+"
    rf"(?:anything\s+|a\s+thing\s+|at\s+all\s+|any\s+food\s+|food\s+|properly\s+)?(?:in|for|over)\s+"
    rf"(?:the\s+(?:last|past)\s+)?{_APPROX}{_DUR}",
    # "I've eaten nothing for 5 days", "ate nothing in a week"
    rf"\b(?:eaten|ate|had)\s+(?:literally\s+|basically\s+)?nothing\s+(?:at\s+all\s+)?(?:in|for)\s+"
    rf"(?:the\s+(?:last|past)\s+)?{_APPROX}{_DUR}",
    # "I went 4 days without eating", "been a week with no food"
    r"\b(?:gone|went|been|lasted|made\s+it|survived|managed|done|did|now\s+on|on)\s+(?:for\s+)?"
    rf"{_APPROX}{_DUR}\s+(?:now\s+|so\s+far\s+|straight\s+|already\s+)?(?:without|with\s+no"
    r"|of\s+no|of\s+not)\s+(?:any\s+)?(?:food|eating|eating\s+anything|a\s+meal|meals|solid\s+food)",
    # "it's been 5 days since I ate"
    rf"\b(?:its|it\s+has|it\s+is)\s+(?:now\s+)?been\s+{_APPROX}{_DUR}\s+since\s+(?:i\s+)?(?:last\s+)?"
    r"(?:ate|eaten|had\s+(?:any\s+)?(?:food|a\s+(?:proper\s+)?meal|anything\s+to\s+eat)"
    r"|my\s+last\s+meal)",
    # "I've been starving myself for a week", "been fasting for 6 days"
    rf"\b(?:ive\s+been|i\s+have\s+been|been|im|i\s+am)\s+(?:not\s+eating|starving(?:\s+myself)?"
    rf"|eating\s+nothing|on\s+(?:just\s+|only\s+)?water|{_FAST})\s+(?:now\s+)?(?:for\s+)?"
    rf"(?:the\s+(?:last|past)\s+)?{_APPROX}{_DUR}",
    # "no food for the past 4 days", "nothing in 5 days now"
    rf"{_NO_FOOD}(?:the\s+)?(?:last|past)\s+{_DUR}",
    rf"{_NO_FOOD}{_APPROX}{_DUR}\s+(?:now|already|so\s+far)\b",
)
# "day 5 of no food", "day 4 of my water fast"
_DAY_N = (
    r"\bday\s+(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|twenty|thirty)\s+(?:of\s+|without\s+)(?:(?:not\s+eating|no\s+food"
    r"|eating\s+nothing|food|eating|starving|starvation)\b|(?P<fast>(?:my\s+|a\s+|the\s+|this\s+)?"
    r"(?:water\s+|dry\s+|juice\s+)?fast(?:ing)?)\b)"
)
# Wanting to keep going, pride in it, or asking how to push on (negatable).
_CONTINUE = (
    r"\b(?:keep|keeping)\s+(?:it\s+|this\s+)?(?:going|up|at\s+it)\b|\bcontinu\w*|\bcarry\s+on\b"
    r"|\bgo(?:ing)?\s+(?:even\s+)?(?:longer|further)\b|\bpush(?:ing)?\s+(?:through|on|past|further"
    r"|myself|it)\b|\bstay(?:ing)?\s+strong\b|\bhold(?:ing)?\s+out\b|\bhang(?:ing)?\s+(?:on|in)\b"
    r"|\b(?:make\s+it|last|get|go)\s+(?:to|until|till)\s+(?:day\s+\w+|a\s+(?:full\s+)?(?:week|month)"
    r"|\w+\s+(?:days|weeks))|\b(?:another|a\s+few\s+more|a\s+couple\s+more)\s+(?:\w+\s+)?(?:days?"
    r"|weeks?)\b|\b\w+\s+more\s+(?:days?|weeks?)\b|\bextend\w*|\bsee\s+how\s+(?:long|far)\b|\b(?:new|beat\s+my|break\s+my)\s+record"
    r"|\b(?:do|try)\s+(?:it|that|this)\s+again\b"
    r"|\b(?:aim|aiming|goal\s+is|going\s+for|trying\s+for)\s+(?:for\s+|to\s+(?:hit|reach|make\s+it"
    r"\s+to)\s+)?(?:\w+\s+)?(?:days?|weeks?|a\s+week)\b"
    r"|\b(?:ignore|ignoring|suppress\w*|kill|killing|numb|beat|silence|deal\s+with|get\s+through"
    r"|survive)\s+(?:the\s+|my\s+)?(?:hunger|appetite|cravings|urge\s+to\s+eat)"
    r"|\bproud\b|\bfeel\w*\s+(?:so\s+|really\s+|super\s+)?(?:amazing|great|good|powerful|in\s+control"
    r"|clean|light|lighter|strong|pure|empty|euphoric)\b|\blove\s+(?:it|this|the\s+feeling|how)\b"
    r"|\bso\s+easy\b|\bwinning\b|\bachievement\b"
    r"|\b(?:tips|advice|tricks|hacks|suggestions)\b(?!\s+(?:to|for|on|about)\s+(?:start\w*|get\w*"
    r"\s+(?:back|my\s+appetite)|eat\w*\s+again|break\w*|refeed\w*|end\w*|stop\w*|recover\w*"
    r"|com\w*\s+off))"
)
# Refusing to stop carries its own negation: "I don't want to stop", "not going to eat".
_REFUSE_STOP = (
    r"\b(?:dont|do\s+not|never)\s+(?:want|plan|intend|wanna|need)\s+to\s+(?:stop|eat\b|break\s+(?:it"
    r"|my\s+fast|the\s+streak))|\bnot\s+(?:going|planning)\s+to\s+(?:stop|eat\b|break)"
    r"|\bno\s+(?:plans?|intention)\s+(?:to|of)\s+(?:stop|eat|break)\w*|\bwont\s+(?:stop|eat\b|break)"
)
_NEGATED_BEFORE = re.compile(
    r"\b(?:dont|do\s+not|doesnt|didnt|not|never|wont|cant|cannot|can\s+not|couldnt|no\s+longer"
    r"|stop|stopped|quit)\s+(?:\w+\s+){0,3}$"
)
# Reasons that make days without food something other than this signal.
_OTHER_REASON = (
    r"\b(?:ramadan|lent|yom\s+kippur|tisha\s+b\w*|ekadashi|navratri|religious|religion|spiritual"
    r"|church|mosque|temple|synagogue|prayer|praying|faith)\b"
    r"|\b(?:under|with)\s+(?:close\s+)?(?:medical|(?:my\s+|a\s+)?doctors?|clinical)\s+supervision"
    r"|\bmedically\s+supervised|\bsupervised\s+by|\b(?:my\s+)?(?:doctor|dr|physician|gp|surgeon"
    r"|dietitian|consultant|clinic|hospital)\s+(?:told|said|says|asked|wants|ordered|put|recommended"
    r"|advised|prescribed|approved|is\s+monitoring|monitors)"
    r"|\b(?:before|for|after)\s+(?:my\s+|the\s+|a\s+)?(?:surgery|operation|procedure|colonoscopy"
    r"|endoscopy|scan|anaesthetic|anesthetic)\b|\bnil\s+by\s+mouth\b|\bnpo\b|\bfeeding\s+tube"
    r"|\bin\s+(?:the\s+)?hospital\b"
    r"|\b(?:flu|covid|virus|stomach\s+bug|food\s+poisoning|norovirus|gastro\w*|nause\w*|fever"
    r"|infection|chemo\w*|tonsil\w*|wisdom\s+teeth|migraines?|morning\s+sickness)\b"
    r"|\b(?:been|am|im|was|got|getting|feeling|feel|felt)\s+(?:really\s+|so\s+|very\s+)?(?:sick"
    r"|ill|unwell)\b(?!\s+of)|\bcant\s+keep\s+(?:anything|food)\s+down"
    r"|\b(?:cant|couldnt)\s+afford|\bno\s+money\b|\bfood\s+banks?\b|\b(?:im|am)\s+broke\b"
    r"|\bhomeless\b"
)
_THIRD_PERSON = re.compile(
    r"\b(?:he|she|they|hes|shes|theyve|theyre|friend|son|daughter|kid|child|sister|brother|mum"
    r"|mom|dad|partner|wife|husband|boyfriend|girlfriend|dog|cat|roommate|patient|client)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|me|my|myself)\b")


def _hours(dur: str) -> float | None:
    """Hours in a span like "4 days", "a full week", "a couple of weeks" or bare "days"."""
    m = re.fullmatch(
        rf"(?:(?P<n>{_COUNT})\s*-?\s*(?:full\s+|whole\s+|straight\s+|entire\s+|solid\s+)?)?"
        r"(?P<u>hour|hr|day|week|fortnight|month)s?",
        dur.strip(),
    )
    if m is None:
        return None
    raw = re.sub(r"\s+", " ", m.group("n") or "")
    if not raw:
        count = 2.0  # "for days", "in weeks": at least two
    elif raw[0].isdigit():
        count = float(raw)
    else:
        count = float(_WORD_COUNTS.get(raw, 0))
    return count * _UNIT_HOURS[m.group("u")]


class ProlongedStarvation:
    """Days without food plus the wish to continue (patterns compiled once)."""

    def __init__(self, settings: PolicySettings) -> None:
        self.min_hours = settings.min_starvation_hours
        self.min_fast_hours = settings.max_fast_hours
        self.states = [re.compile(p) for p in _STATES]
        self.day_n = re.compile(_DAY_N)
        self.cont = re.compile(_CONTINUE)
        self.refuse_stop = re.compile(_REFUSE_STOP)
        self.other_reason = re.compile(_OTHER_REASON)

    def find(self, view: TextView, ctx: Context) -> tuple[int, int] | None:
        """The span of the starvation state when a continuation goes with it, or None."""
        text = view.text
        state = self._state(view)
        if state is None or self.other_reason.search(text):
            return None
        if ctx.third_party_concern(view, state[0]):
            return None
        for pattern, negatable in ((self.refuse_stop, False), (self.cont, True)):
            for m in pattern.finditer(text):
                if state[0] <= m.start() < state[1]:
                    continue  # the state itself ("day 5 of my fast") is not its continuation
                if negatable and self._negated(view, m.start(), state):
                    continue
                # Only the state is the evidence: the log keeps a minimal excerpt, never the
                # whole disclosure.
                return state
        return None

    def _state(self, view: TextView) -> tuple[int, int] | None:
        text = view.text
        for pattern in self.states:
            for m in pattern.finditer(text):
                hours = _hours(m.group("dur"))
                fast = m.groupdict().get("fast")
                if hours is not None and self._long_enough(hours, fast) and self._speaker(view, m):
                    return m.start(), m.end()
        for m in self.day_n.finditer(text):
            n = m.group("n")
            count = float(n) if n.isdigit() else float(_WORD_COUNTS.get(n, 0))
            if self._long_enough(count * 24, m.group("fast")) and self._speaker(view, m):
                return m.start(), m.end()
        return None

    def _long_enough(self, hours: float, fast: str | None) -> bool:
        return hours >= (self.min_fast_hours if fast else self.min_hours)

    @staticmethod
    def _speaker(view: TextView, m: re.Match[str]) -> bool:
        """The speaker, not someone else, went without food ("my son hasn't eaten ...")."""
        cs, _ = view.clause_at(m.start())
        prefix = view.text[cs : m.start()]
        return not (_THIRD_PERSON.search(prefix) and not _FIRST_PERSON.search(prefix))

    @staticmethod
    def _negated(view: TextView, start: int, state: tuple[int, int]) -> bool:
        """A negator right before the continuation ("I can't keep going"), after the state."""
        cs, _ = view.clause_at(start)
        lo = max(cs, state[1] if state[1] <= start else cs, start - 40)
        return _NEGATED_BEFORE.search(view.text[lo:start]) is not None
