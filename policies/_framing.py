"""How a number in the coach's reply is framed: a report of the user's data, or advice.

The coach shows people their own logs and trends ("you averaged 950 kcal a day over the last
28 days", "your trend weight is falling by about 1.2 kg a week"). Those numbers are facts about
what happened; amending them to a safe value would falsify the data shown to the user. Advice
("aim for 900 calories", "keep going at 2 kg a week!") is what the output checks must catch.

A number is *observed* when its clause (or the clause just before) carries a report marker (a
past time span, a past-tense or progressive verb about the user's data, a data noun such as
"average" or "logged") and nothing prescribes it: no directive in its own clause (imperative,
modal, recommendation, target noun, future anchor), no endorsement in its sentence ("keep it
up", "a great pace", "which is fine", "realistic") and no hypothetical ("if you ate 900 a day").
Prescription wins every tie, so ambiguous sentences keep the checks they had.
"""

from __future__ import annotations

import re

from ._context import TextView

_MONTHS = r"jan\w*|feb\w*|mar(?:ch)?|apr\w*|may|june?|july?|aug\w*|sept?\w*|oct\w*|nov\w*|dec\w*"
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+weekend"

# -- report markers (in the number's clause or the clause before it) ----------------------------
# A span of time that has already passed: "over the last 28 days", "since March", "so far".
_PAST_SPAN = (
    r"\b(?:over|in|during|for|across|within|throughout|from)\s+the\s+(?:last|past|previous|prior)\b"
    r"|\b(?:last|past|previous|prior)\s+(?:\d+|few|couple|two|three|four|five|six|seven|eight|ten"
    r"|twelve|several)?\s*(?:days?|nights?|weeks?|weekends?|months?|fortnights?|years?|"
    rf"{_DAYS})\b"
    r"|\bthis\s+past\b|\bso\s+far\b|\bto\s+date\b|\b(?:up|until|till)\s+now\b|\byesterday\b"
    r"|\brecently\b|\blately\b|\bago\b|\bon\s+average\b|\blogged\s+days?\b"
    rf"|\bsince\s+(?:{_MONTHS}|{_DAYS}|last|the\s+(?:start|beginning|\d)|\d|then|you\s+(?:started"
    r"|began|joined|signed\s+up|first)|we\s+(?:started|began)|starting)\b"
)
# Past-tense or perfect verbs that report what happened: "you lost", "you averaged".
_PAST_VERB = (
    r"\b(?:lost|dropped|gained|shed|ate|eaten|averaged|logged|recorded|tracked|consumed|fell"
    r"|rose|came\s+(?:in|to|out)|went\s+(?:down|up)|trended|managed|was|were|has\s+been"
    r"|have\s+been|had\s+been)\b"
)
# The present state of the user's data: "you're losing", "that's losing", "is falling by".
_PROGRESSIVE = (
    r"\b(?:youre|you\s+are|youve\s+been|you\s+have\s+been|thats|that\s+is|this\s+is|which\s+is"
    r"|(?:is|are|has\s+been|have\s+been))\s+(?:(?:currently|now|still|actually|consistently"
    r"|steadily|already)\s+)*(?:losing|dropping|shedding|gaining|eating|averaging|falling"
    r"|trending|running|sitting|coming\s+(?:in|down)|going\s+down|logging|taking\s+in|consuming"
    r"|down|up)\b"
)
# Nouns that name measured data: "your 7-day average", "your logs show", "lowest logged day".
_DATA_NOUN = (
    r"\b(?:averag\w*|trend\w*|logs?|logged|check\s?ins?|weigh\s?ins?|diary|history|records?"
    r"|entries|data|tracker)\b"
    r"|\b(?:your|the|this)\s+(?:current|recent|actual|observed|real|measured|overall|rolling"
    r"|moving|\d+\s?day|\d+\s?week)\s+(?:\w+\s+)?(?:pace|rate|average|trend|loss|intake|total"
    r"|change)\b"
    r"|\b(?:lowest|highest|biggest|smallest|heaviest|lightest)\s+(?:\w+\s+)?(?:day|week|month"
    r"|intake|total|loss|drop|gain)\b"
)
REPORT = rf"{_PAST_SPAN}|{_PAST_VERB}|{_PROGRESSIVE}|{_DATA_NOUN}"

# -- prescription markers -----------------------------------------------------------------------
# In the number's own clause, before it: imperatives at the clause start, modals, advice verbs,
# target nouns and future anchors ("aim for", "you should", "let's set your target at").
_IMPERATIVE = (
    r"^\s*(?:(?:so|and|then|now|just|please|instead|also|next|first|but|or)\s+)*(?:eat|have"
    r"|consume|cut|drop|lose|shed|get|go|hit|bring|reduce|lower|add|gain|aim|try|keep|stick|stay"
    r"|hold|continue|maintain|set|start|target|plan|make|do|push|limit|cap|budget|allow|bump"
    r"|take|switch|move|shoot|work|increase|raise|up|dial|scale)\b"
)
# Advice words proper: enough on their own to make a weekly change a recommended pace
# ("I recommend 1.5 kg per week", "continue at 1.5 kg a week").
_ADVICE = (
    r"\b(?:aim\w*|try|trying|target\w*|goals?|plan\w*|budget\w*|allowance|should|shouldnt|must"
    r"|need\s+to|needs\s+to|have\s+to|has\s+to|ought|lets|let\s+us|recommend\w*|suggest\w*"
    r"|advis\w*|prescrib\w*|propos\w*|keep(?!\s+in\s+mind)\w*|stick\w*|stay\w*|continu\w*"
    r"|maintain\w*|sustain\w*|shoot\s+for|go\s+for|ideally|best\s+to|better\s+to)\b"
)
# Any directive, modals and future anchors included ("you can", "you'll", "from now on").
_DIRECTIVE = (
    rf"{_ADVICE}|\b(?:limit|cap|would|will|youll|itll|thatll|theyll|wont|could|can|cant|might"
    r"|gonna|going\s+to|want\s+to|hold|set|setting|new|next|from\s+now\s+on|going\s+forward"
    r"|tomorrow|starting|instead|id|i\s+would|i\s+d|youd|you\s+would)\b"
    # "may" the modal, not the month ("since May you've averaged ...")
    r"|(?<!since\s)(?<!\bin\s)(?<!\bof\s)(?<!from\s)(?<!until\s)(?<!\bmid\s)\bmay\b"
)
# After the number, in its clause: "... is your new target", "... would speed things up".
_DIRECTIVE_AFTER = (
    r"^[^.;!?]{0,30}?\b(?:is|as|makes?)\s+(?:your|the|a|an|my|our)\s+(?:\w+\s+){0,2}?(?:target"
    r"|goal|plan|aim|budget|limit|cap|pace\s+to\s+keep)\b"
    r"|^[^.;!?]{0,40}?\b(?:would|will|could|should|can|might|must|ll)\b"
)
# A time still to come: "... from now on", "... starting Monday".
_FUTURE = (
    rf"\b(?:going\s+forward|from\s+now\s+on|next\s+(?:week|month)|from\s+(?:tomorrow|{_DAYS})"
    rf"|starting\s+(?:tomorrow|today|now|{_DAYS})|to\s+start\s+with|for\s+now|this\s+coming)\b"
)
# Anywhere in the sentence: endorsing the observed figure is advice to keep it.
_ENDORSE = (
    r"\b(?:keep\s+(?:it|this|that|going|up|at\s+it|doing|on)|carry\s+on|stay\s+the\s+course"
    # "a healthy pace" praises it, "faster than a healthy pace" does not
    r"|(?<!than\s)(?<!than\sa\s)(?<!above\sa\s)(?<!beyond\sa\s)(?<!over\sa\s)"
    r"(?:great|good|nice|amazing|awesome|excellent|fantastic|brilliant|perfect|solid|impressive"
    r"|healthy|ideal|safe|sustainable)\s+(?:work|job|pace|rate|progress|going|effort|results?"
    r"|numbers?|loss|speed)"
    r"|well\s+done|way\s+to\s+go|on\s+track|(?:is|are|s|looks|sounds|seems)\s+(?:(?:really|very"
    r"|pretty|quite|totally|perfectly|absolutely|just)\s+)?(?:fine|ok|okay|good|great|perfect"
    r"|ideal|healthy|safe|excellent|solid|sustainable|reasonable|spot\s+on|awesome|amazing"
    r"|fantastic|impressive)"
    r"|best\s+bet|sweet\s+spot|realistic|doable|achievable|manageable|(?:the\s+)?right\s+(?:number"
    r"|target|amount|level|pace))\b"
)
# A hypothetical is a scenario the coach puts forward, not a report.
_HYPOTHETICAL = r"\b(?:if|unless|suppose|supposing|imagine|assuming|say\s+you)\b"


class Framing:
    """Compiled framing patterns (built once per engine)."""

    def __init__(self) -> None:
        self._report = re.compile(REPORT)
        self._imperative = re.compile(_IMPERATIVE)
        self._directive = re.compile(_DIRECTIVE)
        self._advice = re.compile(_ADVICE)
        self._directive_after = re.compile(_DIRECTIVE_AFTER)
        self._future = re.compile(_FUTURE)
        self._endorse = re.compile(_ENDORSE)
        self._hypothetical = re.compile(_HYPOTHETICAL)

    def observed(self, view: TextView, start: int, end: int) -> bool:
        """True when the number at ``start:end`` reports the user's data and nothing in its
        sentence prescribes it ("over the last 28 days you averaged 950 kcal a day")."""
        text = view.text
        ss, _ = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        # The report marker sits in the number's clause or the one just before it ("over the
        # past 6 weeks, 2.5 kg a week"); a clause further back may have changed the subject
        # ("last week you averaged 1,500; this week, 900 kcal a day").
        prev = view.clause_at(cs - 1)[0] if cs > ss else cs
        if self._report.search(text, max(ss, prev), ce) is None:
            return False
        return not self.prescribed(view, start, end)

    def prescribed(self, view: TextView, start: int, end: int) -> bool:
        """True when the number is put forward as advice: a directive in its clause, or an
        endorsement or hypothetical in its sentence ("you should eat 800 kcal", "if you ate
        900 a day ...")."""
        text = view.text
        ss, se = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        lead = text[cs:start]
        if self._imperative.match(lead) or self._directive.search(lead):
            return True
        after = text[end:ce]
        if self._directive_after.search(after) or self._future.search(after):
            return True
        return bool(self._endorse.search(text, ss, se) or self._hypothetical.search(text, ss, se))

    def advised(self, view: TextView, start: int, end: int) -> bool:
        """True when the number is recommended, set for the future or its pace endorsed, even
        with no verb of its own ("I recommend 1.5 kg per week", "keep going at 2 kg a week!")."""
        text = view.text
        ss, se = view.sentence_at(start)
        cs, ce = view.clause_at(start)
        lead = text[cs:start]
        if self._imperative.match(lead) or self._advice.search(lead):
            return True
        if self._future.search(text, end, ce):
            return True
        return self._endorse.search(text, ss, se) is not None
