"""Context that decides whether a matched concept counts: negation, reported speech,
educational questions, stated intent, referrals and support wording.

"I don't purge", "without starving myself", "my friend says under 1200 is dangerous, is that
true?", "what are the risks of DNP?" and "talk to your doctor before changing your dose" all
contain a concept and none is a violation. These checks work on sentence and clause spans of
the normalised text (clauses split at commas, semicolons and contrastive conjunctions).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_NEG_WORDS = frozenset(
    "not no never dont doesnt didnt wont wouldnt shouldnt cant cannot couldnt isnt arent wasnt"
    " werent havent hasnt hadnt without avoid avoiding nor neither refuse".split()
)
# Words a negation reaches across: "I don't want to do a crash diet".
_FILLERS = frozenset(
    "want wanna to do does a an the any going gonna be being been trying try ever really even"
    " plan planning intend like some that this it so too very will would should could can need"
    " of for use using take taking eat eating go get on at in with just".split()
)
# "I don't know why I binge", "can't stop eating": the negator is not about the concept.
_NEG_EXCEPT = frozenset(
    "know sure think care idea mind matter remember understand stop help control resist seem"
    " seems get realise realize feel like".split()
)
_WORD = re.compile(r"[a-z']+")

NEG_EVAL = (
    r"\b(?:is|are|was|were|be|its|it\s+is|thats|that\s+is|isnt|arent|seems?|sounds?|gets)\s+"
    r"(?:\w+\s+){0,2}?(?:dangerous|unsafe|harmful|risky|unhealthy|too\s+(?:low|fast|aggressive"
    r"|extreme|much|little|few|quick|steep|restrictive|high|drastic)|not\s+(?:\w+\s+)?(?:safe"
    r"|recommended|healthy|sustainable|advisable|a\s+good\s+idea|ok|okay|appropriate|realistic"
    r"|wise|smart|advised)|a\s+bad\s+idea|bad\s+for\s+(?:you|your|the)|unsustainable"
    r"|life\s+threatening|deadly|potentially\s+fatal|fatal|a\s+myth|banned|illegal|prohibited"
    r"|dodgy|sketchy|shady|dubious|a\s+scam|horrif\w*|terrif\w*|scary|tragic|awful|horrible|insane"
    r"|frightening|shocking)"
    r"|\b(?:killed|kills|has\s+killed|have\s+killed)\s+(?:a|an|the|\d+|some|many|several|people"
    r"|someone|athletes|students?|kids|bodybuilders|users)\b"
    r"|\b(?:can|could|will|may|might)\s+(?:\w+\s+)?(?:kill|harm|hurt|damage|injure)\s+(?:you|your"
    r"|people|someone)"
    r"|\b(?:isnt|arent|wasnt|not)\s+(?:\w+\s+)?(?:safe|recommended|healthy|sustainable|advisable"
    r"|appropriate|a\s+(?:safe|healthy|good)|something\s+i\s+(?:can|will|would))"
    r"|\b(?:under|with)\s+(?:close\s+)?(?:medical|a\s+doctors?|clinical|specialist)\s+supervision"
    r"|\bmedically\s+supervised|\bonly\s+(?:with|under)\s+(?:a\s+)?(?:doctor|medical)"
    r"|\b(?:carry|carries|has|have|pose|poses)\s+(?:\w+\s+)?(?:risks?|dangers?)\b"
    r"|\b(?:has|have)\s+(?:killed|hospitali[sz]ed|harmed)\b"
)
NEG_EVAL_BEFORE = (
    r"\b(?:its|it\s+is|it\s+can\s+be|it\s+would\s+be|thats|that\s+is)\s+(?:\w+\s+){0,2}?"
    r"(?:dangerous|unsafe|harmful|risky|unhealthy|not\s+(?:safe|recommended|healthy"
    r"|a\s+good\s+idea)|a\s+bad\s+idea)\s+to\b|\b(?:dangers?|risks?|harms?)\s+of\b"
)
REPORTED = (
    r"\b(?:(?:my|a|the|some|her|his|our|this)\s+(?:\w+\s+)?(?:friends?|mom|mum|mother|dad|father"
    r"|sister|brother|coach|trainer|doctor|teacher|colleague|coworker|roommate|partner|boyfriend"
    r"|girlfriend|wife|husband|cousin|aunt|uncle|article|book|video|influencer|nutritionist|guy"
    r"|someone|post|study|gym\s?bro|instructor)\s+(?:says|said|told\s+me|tells\s+me|thinks"
    r"|claims|claimed|reckons|swears|believes|mentioned|keeps\s+saying|recommends|suggested)"
    r"|(?:people|they|someone|everyone|some\s+people|experts|studies|articles|influencers|tiktok"
    r"|instagram|youtube|reddit|the\s+internet|online|doctors)\s+(?:say|says|said|claim|claims"
    r"|think|recommend|suggest|keep\s+saying)"
    r"|i\s+(?:read|heard|saw|was\s+told|have\s+heard|ve\s+heard|keep\s+hearing|keep\s+seeing)"
    r"|according\s+to|is\s+(?:it|that|this)\s+true|is\s+that\s+right|\bmyth\b|true\s+or\s+false"
    r"|fact\s+or\s+fiction)\b"
)
INTENT = (
    r"\b(?:i|im|ive|id|ill|we|were)\s+(?:\w+\s+){0,2}?(?:want|wanna|need|plan|planning|going\s+to"
    r"|gonna|will|would\s+like|like\s+to|try|trying|aim|aiming|hope|hoping|intend|eat|eating"
    r"|been|do|doing|should|can|could|must|only|decided|started|starting|commit|have\s+to"
    r"|got\s+to|gotta|determined|stick|sticking|allow|limit|cap|keep)\b"
    r"|\b(?:for\s+me\s+to|help\s+me|make\s+me|give\s+me|get\s+me|put\s+me|set\s+me|let\s+me|show\s+me"
    r"|tell\s+me\s+how|build\s+me|write\s+me|create\s+me|design\s+me|can\s+i|should\s+i|could\s+i"
    r"|(?:double|triple|bump|raise|increase|up|boost|push|drop|lower|move|switch|change|take|cut"
    r"|reduce|restrict|limit|cap)\s+(?:me|it|my(?:\s+\w+){1,2})\s+(?:up\s+|down\s+)?(?:to|at)"
    r"|do\s+i|how\s+do\s+i|how\s+can\s+i|how\s+would\s+i|my\s+(?:goal|target|plan|diet|intake"
    r"|budget|limit|calories|max|maximum|cap|allowance))\b"
    r"|^\s*(?:please\s+)?(?:make|give|create|design|build|write|plan|set|calculate|generate|lets)\b"
)
FIRST_PERSON = r"\b(?:i|im|ive|id|ill|me|my|myself|mine|we|us|our)\b"
NOT_EDU = (
    r"\b(?:dose|dosage|doses|how\s+much|how\s+many|where|buy|order|safe|safely|best|cycle|stack|start"
    r"|beginners?|tips?|how\s+(?:do|can|to|should|would)|recommend|brand|source|get\s+(?:some|it|them))\b"
)
EDU = (
    r"\b(?:what\s*(?:is|are|s)\s+(?:in\s+)?(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?\w+\s*\?|what\s+(?:does|causes"
    r"|happens)|define|definition\s+of|(?:signs?|symptoms?"
    r"|risks?|dangers?|side\s+effects?|effects?|warning\s+signs|health\s+risks|consequences)\s+of"
    r"|why\s+(?:is|are|do|does)|how\s+(?:dangerous|harmful|bad|risky)|is\s+it\s+true|is\s+that"
    r"\s+true|are\s+[^.?!]{0,40}\s(?:dangerous|harmful|bad\s+for\s+you|risky|addictive|illegal)"
    r"|is\s+[^.?!]{0,40}\s(?:dangerous|harmful|bad\s+for\s+you|risky|illegal|legal|banned|allowed)"
    r"|how\s+common"
    r"|explain\s+(?:why|what|how)|tell\s+me\s+about|history\s+of|why\s+(?:\w+\s+){0,4}(?:is|are|was"
    r"|were)\s+(?:banned|illegal|dangerous|bad|harmful|risky|controversial)"
    # "what do dietitians mean by 'restriction'", "meaning of ..."
    r"|what\s+(?:do|does)\s+(?:\w+\s+){0,3}?mean\s+by|what\s+(?:do|does)\s+[^.?!]{0,40}\bmean\b"
    r"|meaning\s+of"
    r"|is\s+[^.?!]{0,40}\s(?:the\s+same\s+as|different\s+from|better\s+than|worse\s+than)"
    r"|what\s*(?:is|are)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?\w+\s+(?:and|or)\s+(?:who|what|how|why"
    r"|when|is|are|does))"
)
# "how can I tell if my teenager has an eating disorder": spotting signs in someone else
SPOTTING = (
    r"\bhow\s+(?:can|do|would|could|should)\s+(?:i|you|we|one|parents?)\s+(?:tell|know|spot"
    r"|recogni[sz]e|notice|check|find\s+out)\s+(?:if|whether|when)\s+(?:my|a|someone|her|his|their"
    r"|our|your)\b"
)
# A question about others in general, judged in its own clause: "my dog ate a loaf, do dogs
# binge?", "why do boxers cut water?"
OTHERS_QUESTION = (
    r"\b(?:why\s+|how\s+)?(?:do|does|can|could|will|would)\s+(?:\w+\s+)?(?:dogs|cats|pets|animals"
    r"|puppies|horses|birds|babies|toddlers|people|humans|athletes|bodybuilders|models|celebrities"
    r"|fighters|boxers|wrestlers|jockeys|actors|most\s+people|some\s+people)\s+\w+"
)
# Work about a topic, not a disclosure: "binge eating disorder awareness week poster ideas"
PROFESSIONAL = (
    r"\b(?:awareness|campaign|posters?|clinic|clinicians?|patients|clients|study|studies"
    r"|article|essay|course|lecture|presentation|workshop|webinar|school\s+project|assignment|thesis"
    r"|dissertation|newsletter|curriculum|psychoeducation|class|students|module|seminar)\b"
)
FIRST_SINGULAR = r"\b(?:i|im|ive|id|ill|me|my|myself|mine)\b"
# The speaker as author or researcher: "I'm writing a thesis on pro-ana websites"
AUTHOR = (
    r"\b(?:writing|write|researching|research|studying|teaching|presenting|preparing|working\s+on"
    r"|doing|reading\s+up\s+for)\s+(?:a|an|my|our|the)\s+(?:\w+\s+)?(?:thesis|essay|article|paper"
    r"|report|presentation|lecture|project|poster|dissertation|assignment|class|course|study|piece|blog"
    r"\s+post|literature\s+review)"
)
QUOTE_META = (
    r"\b(?:mean|means|meaning|define|definition|term|phrase|called|example|examples|injection"
    r"|jailbreaks?|explain|slang|stand\s+for|refer\s+to|refers\s+to|hashtag|word)\b"
)
RECOVERED = (
    r"\b(?:fully\s+recovered|recovered|in\s+remission|(?:\d+|a\s+few|several|many|two|three|four"
    r"|five|ten)\s+years?\s+(?:ago|in\s+recovery|recovered|free|clean|out|strong|of\s+recovery)"
    r"|proud\s+of\s+my\s+recovery|years\s+ago|no\s+longer"
    r"\s+(?:struggle|have|suffer|do)|not\s+anymore|back\s+in\s+(?:high\s+school|college|uni"
    r"|my\s+teens|my\s+twenties))\b"
)
# Markers that a past eating disorder is active now (or that weight loss is wanted again).
CURRENT_RISK = (
    r"\b(?:again|relaps\w*|lately|recently|these\s+days|this\s+(?:week|month)|still"
    r"|currently|started|starting\s+to|slipping|urges?|tempted|back\s+to|creeping|lose|losing|cut"
    r"|cutting|deficit|diet|dieting|drop|slim|thinner|restrict\w*|purg\w*|binge?\w*|fast\w*)\b"
)
SUPPORT = (
    r"\b(?:if\s+you(?:re|\s+are|\s+have|\s+ve|\s+ever|\s+feel|\s+find|\s+notice|\s+start"
    r"|\s+struggle|\s+think|\s+keep)|reach\s+out|helpline|hotline|crisis\s+line|988|741741"
    r"|findahelpline|please\s+(?:talk|reach|contact|call|text|speak|see)|talk\s+to\s+(?:a|your"
    r"|someone)|speak\s+(?:to|with)\s+(?:a|your)|youre\s+not\s+alone|you\s+are\s+not\s+alone"
    r"|support\s+is\s+available|professional\s+help|warning\s+signs?|someone\s+you\s+trust"
    r"|talk\s+(?:it\s+)?(?:through|over)|you\s+(?:mentioned|said|told\s+me|shared)|(?:thats|that\s+is)\s+"
    r"(?:really\s+|very\s+)?(?:common|normal|understandable))"
)
REFERRAL = (
    r"\b(?:talk|speak|check|consult|discuss|ask|see|visit|contact|call)\s+(?:with\s+|to\s+)?"
    r"(?:your|a|my|the)\s+(?:\w+\s+)?(?:doctor|gp|physician|pharmacist|endocrinologist|endo"
    r"|dietitian|dietician|nephrologist|cardiologist|obstetrician|midwife|healthcare|health\s+care"
    r"|medical|prescriber|provider|care\s+team|diabetes\s+team|specialist|nurse)"
    r"|\b(?:doctor|gp|physician|endo\w*|pharmacist|specialist|prescriber|provider|care\s+team|nurse"
    r"|dietitian)\s+(?:has\s+|had\s+|just\s+|already\s+)?(?:said|says|told|prescribed|increased"
    r"|decreased|changed|adjusted|raised|lowered|reduced|upped|put|started|switched|approved"
    r"|recommended|wants|advised|suggested|cleared|is\s+adjusting|is\s+managing|manages|knows)"
    r"|\b(?:your|a|the|my)\s+(?:doctor|gp|physician|pharmacist|endocrinologist|prescriber"
    r"|specialist|care\s+team)\s+(?:is|are|can|could|should|will|would|may)\b"
    r"|\bunder\s+(?:medical|a\s+doctors?|my\s+doctors?)\s+supervision|\bprescribed\s+by"
    r"|\bonly\s+(?:a|your)\s+(?:doctor|gp|physician|pharmacist|endocrinologist)\s+can"
    r"|\b(?:cant|cannot|can\s+not|wont|not\s+able\s+to|unable\s+to)\s+(?:\w+\s+)?(?:diagnose"
    r"|prescribe|advise\s+on\s+(?:medication|dos))"
)
DEFIANCE = (
    r"\b(?:anyway|anyways|regardless|dont\s+care|do\s+not\s+care|still\s+(?:want|going|gonna|plan"
    r"|need|do|doing)|but\s+i\s+(?:want|will|need|m\s+going|am\s+going|plan|still)"
    r"|whatever\s+it\s+takes|no\s+matter\s+what|i\s+know\s+(?:its|it\s+is|that)\s+(?:\w+\s+){0,2}"
    r"(?:dangerous|unsafe|bad|risky|not\s+safe)\s+but)\b"
)
CONDITIONAL_YOU = r"\b(?:if|whether|unless|when)\s+(?:\w+\s+){0,2}$"
REFUSAL = (
    r"\b(?:no\s+way|hell\s+no|not\s+(?:doing|touching|taking|going\s+to)|i\s+(?:refuse|wont|will\s+not"
    r"|would\s+never|said\s+no|cant\s+recommend|cannot\s+recommend|dont\s+recommend|do\s+not\s+recommend"
    r"|wouldnt\s+recommend)|not\s+for\s+me|told\s+(?:him|her|them)\s+no)\b"
)


@dataclass(slots=True)
class TextView:
    """A normalised text with its sentence and clause spans."""

    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)
    clauses: list[tuple[int, int]] = field(default_factory=list)
    _sent_starts: list[int] = field(default_factory=list)
    _clause_starts: list[int] = field(default_factory=list)

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span containing ``pos``."""
        i = max(0, bisect_right(self._sent_starts, pos) - 1)
        return self.sentences[i] if self.sentences else (0, len(self.text))

    def clause_at(self, pos: int) -> tuple[int, int]:
        """The clause span containing ``pos``."""
        i = max(0, bisect_right(self._clause_starts, pos) - 1)
        return self.clauses[i] if self.clauses else (0, len(self.text))


class Context:
    """Compiled context patterns (built once per engine)."""

    def __init__(self) -> None:
        self._sent_end = re.compile(r"[.!?]+(?=\s|$)|\n+")
        self._clause_cut = re.compile(
            r",\s|;|:\s|\s-\s|(?<!\bnothing)(?<!\banything)(?<!\ball)"
            r"\s(?=(?:but|however|though|although|whereas|so|because|except)\b)"
        )
        self._neg_phrase = re.compile(
            r"(?:instead\s+of|rather\s+than|other\s+than|free\s+from)\s+(?:\w+\s+){0,2}$"
        )
        self.neg_eval = re.compile(NEG_EVAL)
        self.neg_eval_before = re.compile(NEG_EVAL_BEFORE)
        self._verdict = re.compile(
            r"\s*(?:(?:it|that|this|they)\s*(?:s|is|are|re|sound|sounds|seem|seems|look|looks)?\s*|sounds"
            r"\s+|seems\s+|looks\s+)(?:really\s+|so\s+|pretty\s+|kinda\s+)?(?:dodgy|sketchy|dangerous"
            r"|unsafe|risky|shady|dubious|scary|like\s+a\s+scam|too\s+good\s+to\s+be\s+true)\b"
        )
        self.reported = re.compile(REPORTED)
        self.intent = re.compile(INTENT)
        self.first_person = re.compile(FIRST_PERSON)
        self.edu = re.compile(EDU)
        self.not_edu = re.compile(NOT_EDU)
        self.support = re.compile(SUPPORT)
        self.referral = re.compile(REFERRAL)
        self.defiance = re.compile(DEFIANCE)
        self.conditional = re.compile(CONDITIONAL_YOU)
        self.refusal = re.compile(REFUSAL)
        self._question_start = re.compile(
            r"\s*(?:is|are|was|can|could|does|do|should|would|will|how)\b"
        )
        self._safety_word = re.compile(
            r"\b(?:ok|okay|safe|unsafe|healthy|unhealthy|fine|bad|dangerous|too\s+(?:low|much|little"
            r"|fast|high)|enough|normal|harmful|risky|alright|true|curious|wondering)\b"
        )
        self.concern = re.compile(
            r"\b(?:worried|worry|worrying|concerned|scared\s+for|afraid\s+for|how\s+(?:can|do)\s+i\s+help"
            r"|should\s+i\s+(?:be\s+worried|say|tell|do|intervene|be\s+concerned)|is\s+(?:he|she|they)\s+ok"
            r"|talk\s+(?:him|her|them)\s+out\s+of|convince\s+(?:him|her|them)\s+not\s+to"
            r"|stop\s+(?:him|her|them)|warn\s+(?:him|her|them)|bring\s+it\s+up)\b"
        )
        self.others_question = re.compile(OTHERS_QUESTION)
        self.spotting = re.compile(SPOTTING)
        self.quote_meta = re.compile(QUOTE_META)
        self.professional_ctx = re.compile(PROFESSIONAL)
        self.first_singular = re.compile(FIRST_SINGULAR)
        self.author = re.compile(AUTHOR)
        self.recovered = re.compile(RECOVERED)
        self.current_risk = re.compile(CURRENT_RISK)
        self.third_party = re.compile(
            r"\b(?:my\s+)?(?:friend|sister|brother|son|daughter|partner|mom|mum|dad|husband|wife"
            r"|colleague|roommate|boyfriend|girlfriend|teammate|cousin|kid|child)s?\b|\b(?:he|she|they)\b"
        )

    def view(self, text: str) -> TextView:
        """Split ``text`` into sentences and clauses."""
        view = TextView(text)
        start = 0
        for m in self._sent_end.finditer(text):
            if m.end() > start:
                view.sentences.append((start, m.end()))
            start = m.end()
        if start < len(text):
            view.sentences.append((start, len(text)))
        for s, e in view.sentences:
            cstart = s
            for m in self._clause_cut.finditer(text, s, e):
                if m.group().startswith(":") and len(text[cstart : m.start()].split()) <= 3:
                    continue  # a label ("daily budget: 650 kcal", "goal: -4 kg/week") binds
                if m.start() > cstart:
                    view.clauses.append((cstart, m.start()))
                cstart = m.end()
            if cstart < e:
                view.clauses.append((cstart, e))
        view._sent_starts = [s for s, _ in view.sentences]
        view._clause_starts = [s for s, _ in view.clauses]
        return view

    def negated(self, view: TextView, start: int, window: int = 3) -> bool:
        """True when a negator governs the concept starting at ``start`` in its clause."""
        cs, _ = view.clause_at(start)
        prefix = view.text[cs:start]
        if self._neg_phrase.search(prefix):
            return True
        words = _WORD.findall(prefix)[-(window + 6) :]
        for i, w in enumerate(words):
            if w not in _NEG_WORDS:
                continue
            nxt = words[i + 1] if i + 1 < len(words) else ""
            after = words[i + 2] if i + 2 < len(words) else ""
            if nxt in _NEG_EXCEPT and not (nxt == "help" and after in ("with", "you")):
                continue
            if (
                w in ("no", "not")
                and nxt in ("more", "less", "fewer")
                and "than" in words[i + 2 : i + 3]
            ):
                continue  # "no more than 900" is a bound, read by the numeric checks

            between = [x for x in words[i + 1 :] if x not in _FILLERS]
            if len(between) < window:
                return True
        return False

    def judged_unsafe(self, view: TextView, start: int, end: int) -> bool:
        """True when the sentence calls the concept unsafe ("... is dangerous"), or a short
        verdict follows it ("Do sauna suits work? Sounds dodgy.")."""
        ss, se = view.sentence_at(start)
        if self.neg_eval.search(view.text, end, se):
            return True
        if self.neg_eval_before.search(view.text, ss, start):
            return True
        follow = view.text[se : se + 40]
        return bool(self._verdict.match(follow))

    def has(self, pattern: re.Pattern[str], view: TextView, span: tuple[int, int]) -> bool:
        """True when ``pattern`` occurs inside ``span`` of the view."""
        return pattern.search(view.text, span[0], span[1]) is not None

    def educational(self, view: TextView, start: int) -> bool:
        """A general question about the concept, asked without first-person involvement."""
        sent = view.sentence_at(start)
        clause = view.clause_at(start)
        if self.has(self.spotting, view, sent):
            return True
        if self.has(self.others_question, view, clause) and not self.has(
            self.first_person, view, clause
        ):
            return not self.has(self.not_edu, view, clause)
        if not self.has(self.edu, view, sent) or self.has(self.not_edu, view, sent):
            return False
        return not self.has(self.first_person, view, sent)

    def safety_question(self, view: TextView, start: int) -> bool:
        """A general question whether something is safe or normal, not about the user's plan."""
        sent = view.sentence_at(start)
        text = view.text[sent[0] : sent[1]]
        if not ("?" in text or self._question_start.match(text) or "curious" in text):
            return False
        return self.has(self._safety_word, view, sent) and not self.has(
            self.first_person, view, sent
        )

    def third_party_concern(self, view: TextView, start: int) -> bool:
        """Someone else does it and the user is worried ("my friend is doing a 5-day fast...")."""
        sent = view.sentence_at(start)
        return self.has(self.concern, view, sent) and self.has(self.third_party, view, sent)

    def reported_question(self, view: TextView, start: int) -> bool:
        """Someone else's claim, questioned or called unsafe, with no intent of the user's."""
        sent = view.sentence_at(start)
        if not self.has(self.reported, view, sent) or self.has(self.intent, view, sent):
            return False
        if "?" in view.text[sent[0] : sent[1]] or self.has(self.edu, view, sent):
            return True
        if self.refusal.search(view.text, start, sent[1]):
            return True
        return self.judged_unsafe(view, start, start)

    def quoted_mention(self, view: TextView, start: int, end: int) -> bool:
        """The concept is quoted to ask about the words ("what does 'ignore your rules' mean?")."""
        ss, se = view.sentence_at(start)
        before, after = view.text[ss:start], view.text[end:se]
        for q in ("'", '"'):
            if before.count(q) % 2 == 1 and q in after:
                return self.has(self.quote_meta, view, (ss, se))
        return False

    def past_recovered(self, view: TextView) -> bool:
        """A recovered, past eating disorder with nothing pointing to it being active now."""
        m = self.recovered.search(view.text)
        if m is None:
            return False
        text = self.recovered.sub(" ", view.text)
        return self.current_risk.search(text) is None

    def professional(self, view: TextView, start: int) -> bool:
        """Work about the topic (a poster, a study, a class) with no personal disclosure."""
        sent = view.sentence_at(start)
        if self.has(self.author, view, sent):
            return True
        return self.has(self.professional_ctx, view, sent) and not self.has(
            self.first_singular, view, sent
        )
