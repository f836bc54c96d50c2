"""Context that decides whether a matched concept counts: negation, reported speech,
educational questions, stated intent, referrals and support wording.

"I don't purge", "without starving myself", "my friend says under 1200 is dangerous, is that
true?", "what are the risks of DNP?" and "talk to your doctor before changing your dose" all
contain a concept and none is a violation. These checks work on sentence and clause spans of
the normalised text (clauses split at commas, semicolons and contrastive conjunctions).
Their patterns are data: ``policies/rules/data/context.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Final

from .rules import load_table

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
#: A condition's opening word, and the subjects that start the clause after it (without a
#: comma): a negator inside the condition does not govern what follows.
_CONDITIONAL_OPENERS: Final = frozenset({"if", "unless", "when", "because", "cause", "since"})
_SUBJECTS: Final = frozenset({"i", "id", "ill", "im", "ive"})
#: Words that open a clause of their own after a relative clause ("weight that won't shift
#: means you have ..."): a negator in the relative clause does not reach them.
_CLAUSE_SUBJECTS: Final = _SUBJECTS | {"you", "youre", "youve", "we", "they", "he", "she"}
_WORD = re.compile(r"[a-z']+")


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

    def sentence_and_next(self, pos: int) -> tuple[int, int]:
        """The sentence containing ``pos`` and the one after it, as one span."""
        i = max(0, bisect_right(self._sent_starts, pos) - 1)
        if not self.sentences:
            return (0, len(self.text))
        return self.sentences[i][0], self.sentences[min(i + 1, len(self.sentences) - 1)][1]

    def lead_question(self, pos: int) -> tuple[int, int] | None:
        """The short question just before the sentence at ``pos`` ("Went over today? ..."),
        whose subject the sentence answers, or ``None``."""
        before = self.previous_sentence(pos)
        if before is None:
            return None
        start, end = before
        question = self.text[start:end].rstrip()
        if not question.endswith("?") or len(question.split()) > 8:
            return None
        return start, end

    def previous_sentence(self, pos: int) -> tuple[int, int] | None:
        """The sentence before the one at ``pos``, or ``None`` for the first."""
        i = max(0, bisect_right(self._sent_starts, pos) - 1)
        if i == 0 or not self.sentences:
            return None
        return self.sentences[i - 1]

    def clause_at(self, pos: int) -> tuple[int, int]:
        """The clause span containing ``pos``."""
        i = max(0, bisect_right(self._clause_starts, pos) - 1)
        return self.clauses[i] if self.clauses else (0, len(self.text))


class Context:
    """Compiled context patterns (built once per engine)."""

    def __init__(self) -> None:
        t = load_table("context")
        self._sent_end = re.compile(r"[.!?]+(?=\s|$)|\n+")
        self._clause_cut = re.compile(
            r",\s|;|:\s|\s-\s|(?<!\bnothing)(?<!\banything)(?<!\ball)"
            r"\s(?=(?:but|however|though|although|whereas|so|because|except)\b)"
        )
        self._neg_phrase = t.compile("neg_phrase")
        self.neg_eval = t.compile("neg_eval")
        self.neg_eval_before = t.compile("neg_eval_before")
        self._verdict = t.compile("verdict")
        self.reported = t.compile("reported")
        self.intent = t.compile("intent")
        self.first_person = t.compile("first_person")
        self.edu = t.compile("edu")
        self.not_edu = t.compile("not_edu")
        self.support = t.compile("support")
        self.referral = t.compile("referral")
        self.crisis_resource = t.compile("crisis_resource")
        self.hypothetical_other = t.compile("hypothetical_other")
        self.advise_against = t.compile("advise_against")
        self.advise_instead = t.compile("advise_instead")
        self.advise_against_near = t.compile("advise_against_near")
        self.defiance = t.compile("defiance")
        self.conditional = t.compile("conditional_you")
        self.refusal = t.compile("refusal")
        self._question_start = t.compile("question_start")
        self._safety_word = t.compile("safety_word")
        self.concern = t.compile("concern")
        self.self_referral = t.compile("self_referral")
        self.dose_amount = t.compile("dose_amount")
        self.study_reply = t.compile("study_reply")
        self._interjections = t.compile("interjections")
        self._tag_question = t.compile("tag_question")
        self._quotation = t.compile("quotation")
        self.instructs = t.compile("instructs")
        self.declined = t.compile("declined")
        self.declined_later = t.compile("declined_later")
        self.forget_before = t.compile("forget_before")
        self.supervised_plan = t.compile("supervised_plan")
        self.reply_weighed = t.compile("reply_weighed")
        self.others_possessive = t.compile("others_possessive")
        self.others_question = t.compile("others_question")
        self.spotting = t.compile("spotting")
        self.quote_meta = t.compile("quote_meta")
        self.professional_ctx = t.compile("professional")
        self.first_singular = t.compile("first_singular")
        self.author = t.compile("author")
        self.role = t.compile("role")
        self.own_disclosure = t.compile("own_disclosure")
        self.recovered = t.compile("recovered")
        self.current_risk = t.compile("current_risk")
        self.current_time = t.compile("current_time")
        self.behaviour = t.compile("behaviour")
        self.third_party = t.compile("third_party")
        self.plan_for_other = t.compile("plan_for_other")
        self.disowned = t.compile("disowned")
        self.self_subject = t.compile("self_subject")
        self.observer_frame = t.compile("observer_frame")

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
        first = _WORD.match(view.text, start)
        opening = first.group(0) if first else ""
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
            if _CONDITIONAL_OPENERS & set(words[:i]) and _SUBJECTS & {*between, opening}:
                continue  # "if I can't lose it I'd rather ...": the negator is the condition's
            if i and words[i - 1] in ("that", "which", "who") and opening in _CLAUSE_SUBJECTS:
                continue  # "weight that won't shift means you have ...": a relative clause's
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
            # "saw a video about DNP deaths, scary. why do people even use that stuff?"
            near = view.sentence_and_next(start)
            if self.has(self.edu, view, near) and not (
                self.has(self.not_edu, view, near) or self.has(self.first_person, view, near)
            ):
                return True
            return False
        # "my cousin keeps talking about DNP, what makes it so dangerous": "my" names him
        own = self.others_possessive.sub(" ", view.text[sent[0] : sent[1]])
        return self.first_person.search(own) is None

    def safety_question(self, view: TextView, start: int) -> bool:
        """A general question whether something is safe or normal, not about the user's plan."""
        sent = view.sentence_at(start)
        # "Let's do 1,100 kcal a day, ok?": a statement with a tag asks nothing
        text = self._tag_question.sub("", view.text[sent[0] : sent[1]])
        if not ("?" in text or self._question_start.match(text) or "curious" in text):
            return False
        # "ok ok not 900, 1100 then?": an opening "ok" is no question whether it is ok
        text = self._interjections.sub("", text)
        # "is 1000 a day too low for me?" asks; "my protein is 30 g, is that ok?" and "set my
        # cals at 1100, that's fine right?" (the user's own before the figure) or "I'm doing
        # it" (intent) state a plan
        return (
            self._safety_word.search(text) is not None
            and not self.has(self.first_person, view, (sent[0], start))
            and not self.has(self.intent, view, sent)
        )

    def third_party_concern(self, view: TextView, start: int) -> bool:
        """Someone else does it and the user is worried ("my friend is doing a 5-day fast...")."""
        sent = view.sentence_at(start)
        # the worry may come in the next sentence: "... she's purging. How do I talk to her?"
        after = (sent[0], len(view.text))
        return self.has(self.concern, view, after) and self.has(self.third_party, view, sent)

    def third_party_subject(self, view: TextView, start: int) -> bool:
        """The behaviour at ``start`` is someone else's: its clause names another person
        before it, and the user is not its subject ("my daughter has started throwing up",
        "I think she's purging"; not "I've been barely eating and my friends are worried")."""
        clause = view.clause_at(start)
        before = self.observer_frame.sub(" ", view.text[clause[0] : start])
        if self.third_party.search(before) is not None and not self.self_subject.search(before):
            return True
        # a clause with no subject of its own continues the sentence's: "my mum wants to do a
        # juice cleanse, 800 cal and barely any protein"
        if self.self_subject.search(before) or self.third_party.search(before):
            return False
        lead = self.observer_frame.sub(" ", view.text[view.sentence_at(start)[0] : start])
        return self.third_party.search(lead) is not None and not self.self_subject.search(lead)

    def reported_question(self, view: TextView, start: int) -> bool:
        """Someone else's claim, questioned or called unsafe, with no intent of the user's."""
        sent = view.sentence_at(start)
        # the question may follow: "Guys at my gym say cut water on Friday. Who's right?"
        near = view.sentence_and_next(start)
        if not self.has(self.reported, view, sent) or self.has(self.intent, view, near):
            return False
        if "?" in view.text[near[0] : near[1]] or self.has(self.edu, view, sent):
            return True
        if self.refusal.search(view.text, start, sent[1]):
            return True
        return self.judged_unsafe(view, start, start)

    def unquoted(self, text: str) -> str:
        """``text`` without its short quotations ("the '40 -> 120 mcg' ladders you see on
        forums" quotes a dose in order to reject it)."""
        return self._quotation.sub(" ", text)

    def quoted_mention(self, view: TextView, start: int, end: int) -> bool:
        """The concept is quoted to ask about the words ("what does 'ignore your rules' mean?")."""
        return self.inside_quotes(view, start, end) and self.has(
            self.quote_meta, view, view.sentence_at(start)
        )

    @staticmethod
    def inside_quotes(view: TextView, start: int, end: int) -> bool:
        """The span ``start:end`` stands inside quotation marks within its sentence."""
        ss, se = view.sentence_at(start)
        before, after = view.text[ss:start], view.text[end:se]
        return any(before.count(q) % 2 == 1 and q in after for q in ("'", '"'))

    def past_recovered(self, view: TextView) -> bool:
        """A recovered past (an eating disorder, self-harm) with nothing pointing to it now."""
        m = self.recovered.search(view.text)
        if m is None:
            return False
        text = self.recovered.sub(" ", view.text)
        if self.current_risk.search(text) is not None:
            return False
        # "lately", "this week": a relapse only when a behaviour is in the same sentence
        for sentence in self._sent_end.split(text):
            if self.current_time.search(sentence) and self.behaviour.search(sentence):
                return False
        return True

    def professional(self, view: TextView, start: int) -> bool:
        """Work about the topic (a poster, a study, a class) with no personal disclosure."""
        sent = view.sentence_at(start)
        if self.has(self.author, view, sent):
            return True
        # "nursing student here: what are the complications of purging?", "I'm a nurse - what
        # are signs of refeeding syndrome?": a stated role, a question, nothing of their own
        text = view.text
        if (
            self.role.search(text)
            and self.has(self.edu, view, sent)
            and not self.has(self.not_edu, view, sent)
            and not self.own_disclosure.search(text)
        ):
            return True
        return self.has(self.professional_ctx, view, sent) and not self.has(
            self.first_singular, view, sent
        )
