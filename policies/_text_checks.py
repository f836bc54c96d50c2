"""Text detectors for the input, tool-argument and output stages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from persistence.enums import PolicyViolationType, Severity

from ._context import Context, TextView
from ._earlier_turns import MAX_TURNS, EarlierTurns
from ._ed_concepts import EdConcepts
from ._ed_starvation import ProlongedStarvation
from ._findings import Facts, Finding
from ._normalize import Normalized, Normalizer
from .models import Action, Stage
from .quantities import NumberReader, NumericChecker, Reading
from .rules import TextRule, load_table, text_rules
from .settings import PolicySettings

#: Behaviours a follow-up that goes on with them carries from an earlier turn.
_CARRIED: Final = frozenset(
    {
        PolicyViolationType.EATING_DISORDER_SIGNAL,
        PolicyViolationType.UNSAFE_CONTENT,
        PolicyViolationType.MEDICAL_CLAIM,
    }
)

_MEDICAL: Final = frozenset({PolicyViolationType.MEDICAL_CLAIM})

_EXPLANATION = {
    "ed": "This may be a sign of an eating disorder.",
    "crisis": "This sounds like you may be thinking about harming yourself.",
    "drugs": "Performance and weight-loss drugs like this are dangerous without medical care.",
    "dehydration": "Deliberate dehydration is dangerous.",
    "fasting": "Extended or dry fasting without medical supervision is dangerous.",
    "rules": "The safety guidelines can't be switched off.",
    "rate": "Very fast weight loss isn't safe: 0.5-1% of body weight a week is the pace I can "
    "plan.",
    "calories": "A very-low-calorie diet (under 800 kcal a day) needs specialist medical care; "
    "1,200 kcal a day is the lowest target I can plan.",
    "protein": "Cutting out protein isn't safe: at least 0.8 g per kg of body weight a day is "
    "needed.",
}


_DISGUISE = re.compile(
    r"[a-z][0-9@$!|]|[0-9@$!|][a-z]"  # leetspeak inside a word: l4xatives, pr0
    r"|(?:\b\w[ .\-_*]){2,}\w\b"  # spaced or dotted letters: d n p, s.t.a.r.v.e
    r"|[a-z][.*_~][a-z]"  # punctuation inside a word: lax.atives
    r"|([a-z])\1\1"  # stretched letters: laaaxatives
    r"|[^\x00-\x7f]"  # look-alike or accented letters
)


def _obfuscated(norm: Normalized, start: int, end: int) -> bool:
    """True when the matched term was disguised (leetspeak, spacing, dots, repeated letters)."""
    a, b = norm.original_span(start, end)
    raw = norm.original[a:b].lower().replace("’", "'")
    return _DISGUISE.search(raw) is not None


_WORDS = re.compile(r"[A-Za-z][\w']*")


def _proper_name(norm: Normalized, start: int, end: int) -> bool:
    """True when the matched words are part of a Title Case name inside ordinary text.

    "I'm in a band called Purge Protocol": the match and a neighbouring word are capitalised
    mid-sentence, while the text as a whole is not written in Title Case or capitals.
    """
    a, b = norm.original_span(start, end)
    raw = norm.original
    if not raw[a : a + 1].isupper() or raw[a:b].isupper():
        return False
    words = [(w.start(), w.group()) for w in _WORDS.finditer(raw)]
    titled = [w for _, w in words if w[0].isupper() and w != "I"]
    if len(titled) * 2 > len(words):
        return False  # the whole text is Title Case: capitals say nothing
    i = next((k for k, (pos, _) in enumerate(words) if pos == a), None)
    if i is None or i == 0 or raw[:a].rstrip().endswith((".", "!", "?", ":", '"')):
        return False  # sentence start
    inside = [w for pos, w in words if a <= pos < b]
    nxt = words[i + len(inside)][1] if i + len(inside) < len(words) else ""
    prev_at, prev = words[i - 1]
    # (a sentence's first word is capitalised anyway: "My Lantus is 36 units")
    opens = i - 1 == 0 or raw[:prev_at].rstrip().endswith((".", "!", "?", ":", '"'))
    return (nxt[:1].isupper() and nxt != "I") or (prev[:1].isupper() and prev != "I" and not opens)


#: Topics a reply warns about as a whole: "DNP uncouples ... People have died from it, please
#: don't" names the drug in one sentence and judges it in another.
REPLY_WIDE_TOPICS: Final = frozenset({"drugs"})
#: Rule topics whose mentions about someone else get supportive resources (``referrals``).
SUPPORT_TOPICS: Final = frozenset({"ed", "crisis"})


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: TextRule
    pattern: re.Pattern[str]
    context: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


class TextChecker:
    """Normalises text, runs the lexical rules and the numeric checks (compiled once)."""

    def __init__(self, settings: PolicySettings) -> None:
        self.normalize = Normalizer()
        self.ctx = Context()
        self.numeric = NumericChecker(NumberReader(), self.ctx, settings)
        self.rules = [
            _Compiled(
                rule,
                re.compile(rule.pattern),
                re.compile(rule.context) if rule.context else None,
                re.compile(rule.exclude) if rule.exclude else None,
            )
            for rule in text_rules()
            if rule.enabled and rule.policy_id not in settings.disabled_rules
        ]
        self.earlier = EarlierTurns(self.normalize, self.ctx, self.numeric)
        self.ed_concepts = EdConcepts()
        self.starvation = ProlongedStarvation(settings)
        t = load_table("signals")
        self._med_topics = [(m, t.compile(f"topic_{m}")) for m in t.words("med_topics")]
        self._compensation = t.compile("compensation")
        self._eating_trigger = t.compile("eating_trigger")
        self._body_image = t.compile("body_image")
        self._medicine_referred = t.compile("medicine_referred")
        self._medicine_named = t.compile("medicine_named")

    def findings(
        self, text: str, stage: Stage, facts: Facts, context: Sequence[str] = ()
    ) -> tuple[Normalized, list[Finding]]:
        """Normalise ``text`` and return every finding for ``stage``.

        ``context``: the user's earlier messages, oldest first (input stage; see
        ``_earlier_turns``). A learned layer reads the same ``context`` here.
        """
        norm = self.normalize(text)
        view = self.ctx.view(norm.text)
        found = self._rule_findings(norm, view, stage)
        facts = self.numeric.complete_facts(norm.text, facts)
        ed_context = any(f.type is PolicyViolationType.EATING_DISORDER_SIGNAL for f in found)
        reading = Reading(ed_context=ed_context)
        if context and stage is not Stage.OUTPUT:
            follow = self.earlier.read(norm.text, context, facts, ed_context)
            facts, reading = follow.facts, follow.reading
            found.extend(follow.findings)
            if follow.continues and not found:
                found.extend(self._continued(context, stage))
            if not any(f.type is PolicyViolationType.MEDICAL_CLAIM for f in found):
                found.extend(self._medicine_referred_to(norm.text, context, stage))
        found.extend(self.numeric.check(view, stage, facts, reading))
        if stage is not Stage.OUTPUT:
            found.extend(self._body_image_with_restriction(view, found))
            found.extend(self._ed_concept(view, found))
        return norm, found

    def _rule_findings(
        self,
        norm: Normalized,
        view: TextView,
        stage: Stage,
        types: frozenset[PolicyViolationType] | None = None,
    ) -> list[Finding]:
        """The first match of each lexical rule of ``stage`` (of ``types`` only, if given)."""
        found: list[Finding] = []
        for compiled in self.rules:
            if stage not in compiled.rule.stages:
                continue
            if types is not None and compiled.rule.type not in types:
                continue
            finding = self._first_match(compiled, view, norm, stage)
            if finding is not None:
                found.append(finding)
        return found

    def _continued(self, context: Sequence[str], stage: Stage) -> list[Finding]:
        """A behaviour the latest earlier turn disclosed (purging, skipping insulin, cutting),
        carried to a follow-up that goes on with it ("so I'll keep doing that till summer");
        the evidence quotes the earlier turn."""
        for turn in reversed(context[-MAX_TURNS:]):
            norm = self.normalize(turn)
            carried = self._rule_findings(norm, self.ctx.view(norm.text), stage, _CARRIED)
            if carried:
                return [f.read_elsewhere("earlier message", norm.text) for f in carried]
        return []

    def _medicine_referred_to(
        self, text: str, context: Sequence[str], stage: Stage
    ) -> list[Finding]:
        """A change to a medicine an earlier turn named, said by its time or kind ("drop the
        evening one"): the message is checked again with the medicine's name in its place."""
        m = self._medicine_referred.search(text)
        if m is None:
            return []
        for turn in reversed(context[-MAX_TURNS:]):
            named = self._medicine_named.search(self.normalize(turn).text)
            if named is None:
                continue
            norm = self.normalize(
                f"{text[: m.start('ref')]}my {named.group(0)}{text[m.end('ref') :]}"
            )
            found = self._rule_findings(norm, self.ctx.view(norm.text), stage, _MEDICAL)
            source = f'"{m.group(0)}" of the {named.group(0)} an earlier message names'
            return [f.read_elsewhere(source) for f in found]
        return []

    def reply_day(self, text: str, facts: Facts) -> tuple[Normalized, list[Finding]]:
        """A whole reply's meals, items or foods, summed as a day (``NumericChecker._meal_day``,
        ``NumericChecker._days``)."""
        norm = self.normalize(text)
        view = self.ctx.view(norm.text)
        facts = self.numeric.complete_facts(norm.text, facts)
        quantities = self.numeric.reader.quantities(norm.text)
        found = self.numeric._meal_day(view, Stage.OUTPUT, quantities, facts)
        found += self.numeric._days(view, Stage.OUTPUT, quantities, facts, found)
        return norm, found

    def cancelled(self, text: str, stage: Stage) -> str | None:
        """The id of a rule whose pattern matched ``text`` but whose context cancelled it
        (a negation, a warning or support next to it, a refusal, quotes, an educational or
        third-party framing), or ``None``. Such a text is allowed on a judgement of its
        framing, which is where the rules are least sure (``PolicyEngine.unsure``)."""
        norm = self.normalize(text)
        view = self.ctx.view(norm.text)
        for compiled in self.rules:
            if stage not in compiled.rule.stages:
                continue
            for m in compiled.pattern.finditer(view.text):
                obfuscated = _obfuscated(norm, m.start(), m.end())
                if self._suppressed(compiled, view, stage, m, obfuscated):
                    return compiled.rule.policy_id
        return None

    def support_topic(self, norm: Normalized, stage: Stage) -> str | None:
        """For an input with no finding: the topic of supportive resources when an
        eating-disorder or self-harm rule matched someone else's behaviour, asked about by
        a worried carer, friend or parent ("my daughter has started throwing up after meals,
        how can I support her?")."""
        ctx = self.ctx
        if (
            stage is Stage.OUTPUT
            or ctx.concern.search(norm.text) is None
            or ctx.third_party.search(norm.text) is None
        ):
            return None  # the common case: no one else named, or no worry about them
        view = ctx.view(norm.text)
        for compiled in self.rules:
            rule = compiled.rule
            if rule.topic not in SUPPORT_TOPICS or stage not in rule.stages:
                continue
            if any(
                self._someone_elses(view, m.start()) for m in compiled.pattern.finditer(view.text)
            ):
                return rule.topic
        hit = self.ed_concepts.find(view, self.ctx)
        return "ed" if hit is not None and self._someone_elses(view, hit[1]) else None

    def _someone_elses(self, view: TextView, start: int) -> bool:
        """The behaviour at ``start`` is someone else's and the user asks how to help."""
        return self.ctx.third_party_concern(view, start) and self.ctx.third_party_subject(
            view, start
        )

    def _ed_concept(self, view: TextView, found: list[Finding]) -> list[Finding]:
        """Concepts that together signal an eating disorder (see ``_ed_concepts``)."""
        if any(f.type is PolicyViolationType.EATING_DISORDER_SIGNAL for f in found):
            return []
        hit = self.ed_concepts.find(view, self.ctx)
        source = "ed_concepts"
        if hit is None and (span := self.starvation.find(view, self.ctx)) is not None:
            hit, source = ("prolonged_starvation", *span), "starvation"
        if hit is None:
            return []
        name, start, end = hit
        ctx = self.ctx
        if (
            ctx.educational(view, start)
            or ctx.past_recovered(view)
            or ctx.quoted_mention(view, start, end)
            or ctx.professional(view, start)
            or self._someone_elses(view, start)
        ):
            return []
        return [
            Finding(
                f"ed.concept.{name}",
                PolicyViolationType.EATING_DISORDER_SIGNAL,
                Severity.CRITICAL,
                Action.REFER,
                f"eating-disorder concepts together: {name.replace('_', ' ')} "
                f"(rules/data/{source}.yaml#{name})",
                _EXPLANATION["ed"],
                "ed",
                start,
                end,
            )
        ]

    def _body_image_with_restriction(self, view: TextView, found: list[Finding]) -> list[Finding]:
        """Body-image distress next to a restriction request is an eating-disorder signal.

        Neither alone is ("I feel fat after the holidays"; "I want to eat 1,000 kcal"), but
        SCOFF counts believing oneself fat, and restriction (or self-harm) on top of it
        warrants a referral.
        """
        if any(f.type.value == "eating_disorder_signal" for f in found):
            return []
        restricting = any(
            (f.type.value in ("calorie_minimum", "weight_loss_rate") and f.topic != "minor")
            or f.topic == "crisis"
            for f in found
        )
        m = None
        policy_id = "ed.body_image_restriction"
        evidence = "body-image distress with a restriction (rules/data/signals.yaml#body_image)"
        if restricting:
            m = self._body_image.search(view.text) or self._compensation.search(view.text)
        if m is None and any(f.topic == "crisis" for f in found):
            # self-harm tied to eating or weight ("I hurt myself when I eat too much")
            m = self._eating_trigger.search(view.text)
            policy_id = "ed.self_harm_over_eating"
            evidence = "self-harm tied to eating or weight (rules/data/signals.yaml#eating_trigger)"
        if m is None or self.ctx.negated(view, m.start()):
            return []
        return [
            Finding(
                policy_id,
                PolicyViolationType.EATING_DISORDER_SIGNAL,
                Severity.CRITICAL,
                Action.REFER,
                evidence,
                _EXPLANATION["ed"],
                "ed",
                m.start(),
                m.end(),
            )
        ]

    def _first_match(
        self, c: _Compiled, view: TextView, norm: Normalized, stage: Stage
    ) -> Finding | None:
        rule = c.rule
        for m in c.pattern.finditer(view.text):
            if rule.not_after:
                previous = view.text[max(0, m.start() - 20) : m.start()].split()
                if previous and previous[-1] in rule.not_after:
                    continue
            if self._suppressed(c, view, stage, m, _obfuscated(norm, m.start(), m.end())):
                continue
            if _proper_name(norm, m.start(), m.end()):
                continue  # "a band called Purge Protocol"
            topic = rule.topic
            if rule.type.value == "medical_claim" and topic != "symptoms":
                sent = view.text[slice(*view.sentence_at(m.start()))]
                topic = next((t for t, p in self._med_topics if p.search(sent)), topic)
            return Finding(
                rule.policy_id,
                rule.type,
                rule.severity,
                rule.action,
                f"{rule.source}#{rule.policy_id}",
                _EXPLANATION.get(topic, "This needs a qualified professional."),
                topic,
                m.start(),
                m.end(),
            )
        return None

    def _suppressed(
        self, c: _Compiled, view: TextView, stage: Stage, m: re.Match[str], obfuscated: bool
    ) -> bool:
        rule, ctx = c.rule, self.ctx
        start, end = m.start(), m.end()
        sent = view.sentence_at(start)
        clause = view.clause_at(start)
        if ctx.quoted_mention(view, start, end):
            return True
        if (
            stage is not Stage.OUTPUT
            and (rule.type is PolicyViolationType.EATING_DISORDER_SIGNAL or rule.past_ok)
            and ctx.past_recovered(view)
        ):
            return True  # "I had bulimia years ago, fully recovered now": no current signal
        if (
            rule.self_only
            and stage is not Stage.OUTPUT
            and ctx.third_party_subject(view, start)
            and not ctx.own_disclosure.search(view.text)
        ):
            return True  # "my son is in ED recovery": his disorder, not the user's disclosure
        if stage is not Stage.OUTPUT and rule.negatable:
            clause_start = view.clause_at(start)[0]
            if (
                ctx.forget_before.search(view.text, clause_start, start)
                or ctx.declined.search(view.text, end, view.sentence_and_next(start)[1])
                or ctx.declined_later.search(view.text, end, min(len(view.text), end + 200))
            ):
                return True  # "offered clen, I said no", "... Not planning to, just curious"
        if obfuscated:
            # Disguising a term ("l4xatives", "d.n.p") is itself a sign of intent: only an
            # explicit negation cancels it.
            return rule.negatable and ctx.negated(view, start)
        if c.context is not None and not c.context.search(view.text, *sent):
            # "Went over today? An extra hour of cardio will cancel it out.": the question
            # before a reply's sentence gives its trigger
            lead = view.previous_sentence(start) if rule.context_before else None
            lead = lead or view.lead_question(start)
            if lead is None or not c.context.search(view.text, *lead):
                return True
        if c.exclude is not None and c.exclude.search(view.text, *sent):
            return True
        if rule.negatable and ctx.negated(view, start):
            return True
        if rule.referral_ok and ctx.has(ctx.referral, view, clause):
            return True
        symptom = rule.topic == "symptoms" and stage is not Stage.OUTPUT
        if symptom and ctx.self_referral.search(view.text):
            return True  # "palpitations after my pre-workout. Should I just see a doctor?"
        if stage is Stage.OUTPUT:
            if rule.topic in REPLY_WIDE_TOPICS and ctx.dose_amount.search(ctx.unquoted(view.text)):
                # "it can cause a racing heart, so start at 20 mcg": a dose framed as caution
                return rule.negatable and ctx.negated(view, start)
            if (
                rule.negatable
                and ctx.study_reply.search(view.text)
                and not ctx.instructs.search(view.text)
                and not ctx.dose_amount.search(view.text)
            ):
                return True  # "For your essay: laxative misuse is common in bulimia, but ..."
            # "Making yourself sick is hard on your body. Please reach out to your GP."
            near = view.sentence_and_next(start)
            if rule.support_ok and any(
                not start <= s.start() < end  # (not the match's own words: "if you feel full")
                for s in ctx.support.finditer(view.text, *near)
            ):
                return True
            if rule.support_ok and ctx.crisis_resource.search(view.text):
                return True  # a reply that gives a crisis line or helpline is referring
            if rule.negatable and (
                ctx.advise_against.search(view.text, sent[0], start)
                or ctx.advise_instead.search(view.text, clause[0], start)
                or ctx.has(ctx.advise_against_near, view, near)
            ):
                return True  # "skip the senna teas", "please stay away from it"
            if rule.negatable and ctx.judged_unsafe(view, start, end):
                return True
            if (
                rule.negatable
                and rule.topic in REPLY_WIDE_TOPICS  # and doses nowhere (returned above)
                and (
                    ctx.advise_against_near.search(view.text)
                    or ctx.neg_eval.search(view.text)
                    or ctx.neg_eval_before.search(view.text)
                )
            ):
                return True  # a reply about a drug that warns anywhere and doses nowhere
            if rule.negatable and ctx.has(ctx.refusal, view, sent):
                return True  # "laxatives aren't a tool, so I won't recommend them"
            return rule.policy_id == "medical.diagnosis_statement" and bool(
                ctx.conditional.search(view.text, clause[0], start)
            )
        if not rule.educational_ok:
            return False
        if (
            ctx.educational(view, start)
            or ctx.reported_question(view, start)
            or ctx.professional(view, start)
        ):
            return True
        if (
            rule.topic in ("drugs", "dehydration", "fasting", "medication")
            and ctx.third_party_concern(view, start)
        ) or self._someone_elses(view, start):
            return True  # a carer asking how to help gets resources, not a referral
        return (
            ctx.judged_unsafe(view, start, end)
            and not ctx.has(ctx.first_person, view, sent)
            and not ctx.has(ctx.defiance, view, sent)
            and not ctx.has(ctx.not_edu, view, sent)
        )
