"""Concept lexicons for the text stages, as regex sources over *normalised* text.

Normalised text is lowercase with obfuscations undone and punctuation between letters
removed, so patterns spell ``dont``, ``im``, ``proana``, ``selfharm`` (see ``_normalize``).
Each :class:`TextRule` names a concept (purging, laxative misuse, performance drugs...), not
a sentence: phrasings are covered by alternations of verbs, objects and pronouns, and the
context rules in ``_context`` (negation, reported speech, educational questions, referrals)
decide whether a match counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from .models import Action, Stage

IN = frozenset({Stage.INPUT, Stage.TOOL_ARGS})
OUT = frozenset({Stage.OUTPUT})
BOTH = IN | OUT

SELF = r"(?:myself|my\s?self|herself|himself|themselves|ourselves|yourself)"
NUM = (
    r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|twenty|thirty|forty|several|a\s+couple\s+of|a\s+few|couple\s+of)"
)
# "purge my old shoes": a determiner then a non-food object is tidying, not purging food.
NONFOOD_OBJECT = (
    r"(?!\s+(?:(?:my|the|all|old|your|our|some|these|those|this|that|unused|duplicate|a|an|every|any"
    r"|his|her|their)\s+)+(?!(?:food|meals?|dinner|lunch|breakfast|calories|it|everything|anything"
    r"|extra|binge)\b)\w)"
)
DATA_NOUNS = (
    r"(?!\s+(?:\w+\s+){0,3}?(?:data|files?|logs?|cache|checkins?|records?|entries|history|emails?"
    r"|messages?|accounts?|database|rows?|photos?|pictures?|backups?|duplicates?|items?|list|inbox|check\s+ins?"
    r"|pantry|fridge|kitchen|cupboards?|house|home|garage|room|desk|drawers?|shelves|feed|timeline"
    r"|closet|wardrobe|clutter|stuff|things|junk|posts?|apps?|contacts?|followers|tabs|notes"
    # plumbing, engines and software: "purge air from the brake lines", "purge the queue"
    r"|air|brakes?|lines?|pipes?|hoses?|radiator|coolant|fuel|tank|oil|gas|nitrogen|bubbles|system"
    r"|queue|memory|buffer|inventory|stock|server|cluster|containers?|images?|branch(?:es)?|repo"
    r"|bike|car|engine|pump|valve)\b)"
)
MED_THYROID = (
    r"levothyroxine|levo|synthroid|euthyrox|eltroxin|tirosint|thyroxine|armour\s+thyroid"
    r"|liothyronine|cytomel|thyroid\s+(?:meds?|medications?|medicine|pills?|tablets?|dose|hormones?)"
    r"|t3|t4|ndt|np\s+thyroid"
)
MED_DIABETES = (
    r"metformin|glucophage|insulin|lantus|humalog|novolog|novorapid|tresiba|jardiance"
    r"|empagliflozin|farxiga|dapagliflozin|glipizide|gliclazide|januvia|sitagliptin"
)
MED_GLP1 = (
    r"ozempic|wegovy|semaglutide|rybelsus|mounjaro|zepbound|tirzepatide|saxenda|victoza"
    r"|liraglutide|trulicity|dulaglutide|glp\s?1s?"
)
MED_OTHER = (
    r"phentermine|adipex|qsymia|contrave|orlistat|xenical|topiramate|antidepressants?|ssris?"
    r"|sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|citalopram|wellbutrin|bupropion"
    r"|venlafaxine|effexor|mirtazapine|lithium|adderall|vyvanse|ritalin|methylphenidate"
    r"|lamotrigine|quetiapine|seroquel|olanzapine|statins?|atorvastatin|lipitor|rosuvastatin"
    r"|crestor|lisinopril|amlodipine|losartan|metoprolol|beta\s?blockers?|warfarin|eliquis"
    r"|apixaban|blood\s+(?:pressure|thinning)\s+(?:meds?|medications?|pills?|tablets?)"
    r"|blood\s+thinners?|prednisone|prednisolone|birth\s+control|spironolactone|accutane"
    r"|isotretinoin|hrt"
)
# Over-the-counter drugs: asking whether one may take them is ordinary, but a dose of them is
# still a prescription when a coach gives it ("take 800 mg ibuprofen three times a day").
MED_OTC = (
    r"ibuprofen|advil|motrin|nurofen|naproxen|aleve|paracetamol|acetaminophen|tylenol|aspirin"
    r"|antibiotics?|amoxicillin|antihistamines?|cetirizine|loratadine|omeprazole|codeine|tramadol"
)
MED_SPECIFIC = f"{MED_THYROID}|{MED_DIABETES}|{MED_GLP1}|{MED_OTHER}"
# Supplements and foods dosed in the same units as drugs: a dose question about these is not
# a medical one ("how many mg of caffeine should I take").
SUPPLEMENTS = (
    r"caffeine|creatine|protein|whey|casein|collagen|vitamin\s*\w*|magnesium|zinc|iron|calcium"
    r"|fish\s+oil|omega\s?\d*|melatonin|electrolytes?|sodium|potassium|salt|water|beta\s+alanine"
    r"|citrulline|ashwagandha|fibre|fiber|psyllium|carbs?|fat"
)
BODY_PARTS = (
    r"knee|knees|back|shoulder|shoulders|hip|hips|ankle|ankles|wrist|wrists|elbow|elbows|neck"
    r"|stomach|gut|heart|skin|body|foot|feet|leg|legs|arm|arms|hand|hands|chest|head|eyes|periods?"
    r"|hormones|thyroid|metabolism|digestion|bowels?|joints?|liver|kidneys?|hair|nails|throat|heel"
    r"|shin|shins|toes?|fingers?|bladder|blood|pee|urine|poop|stool"
)
MED_ANY = (
    MED_SPECIFIC + r"|medications?|meds|medicine|prescriptions?|pills|tablets"
    r"|dose(?!\s+of\s+(?:creatine|protein|caffeine|vitamin|fish|magnesium|zinc|iron))"
    r"|dosage(?!\s+of\s+(?:creatine|protein|caffeine|vitamin|fish|magnesium|zinc|iron))"
)
COND = (
    r"(?:type\s+(?:1|2|one|two|i|ii)\s+)?diabetes|prediabetes|pre\s?diabetes|pcos|hypothyroidism|hyperthyroidism|hashimotos?"
    r"|graves(?:\s+disease)?|thyroid\s+(?:problems?|issues?|disease|condition|disorder)"
    r"|(?:a\s+)?(?:slow|underactive|overactive)\s+thyroid|cushings?|celiac|coeliac|ibs|crohns?"
    r"|colitis|cancer|(?:a\s+)?tumou?r|an(?:a)?emia|insulin\s+resistance|sleep\s+apnea"
    r"|heart\s+disease|kidney\s+disease|fatty\s+liver|gout|lip(?:o)?edema|lipoedema|gallstones"
    r"|(?:an\s+)?ulcer|gerd|food\s+(?:allergy|intolerance)|lactose\s+intolerance"
    r"|(?:a\s+)?hormon(?:e|al)\s+imbalance|adrenal\s+fatigue|candida|leaky\s+gut"
    r"|(?:peri)?menopause|low\s+testosterone|(?:a\s+|an\s+)?(?:\w+\s+)?deficiency"
    r"|(?:an\s+)?eating\s+disorder|metabolic\s+syndrome|hypoglycemia|hypoglycaemia"
    # named by their endings or kind: "plantar fasciitis", "a stress fracture", "a hernia"
    r"|(?:\w+\s+)?(?!(?:diagnosis|prognosis|ketosis|osmosis|hypnosis|symbiosis|metamorphosis)\b)"
    r"[a-z]{3,}(?:itis|osis|algia|opathy)\b|(?:an?\s+)?(?:stress\s+)?fracture|(?:an?\s+)?hernia"
    r"|(?:an?\s+)?(?:\w+\s+)?infection|(?:an?\s+)?(?:\w+\s+)?(?:sprain|torn\s+\w+|tear)"
)
CURE_COND = (
    r"(?:type\s+(?:1|2|one|two|i|ii)\s+)?diabetes|prediabetes|cancer|pcos|hypothyroidism"
    r"|hashimotos?|thyroid(?:\s+(?:disease|condition|problems?))?|autoimmune\s+\w+|depression"
    r"|anxiety|adhd|arthritis|high\s+blood\s+pressure|hypertension|heart\s+disease"
    r"|kidney\s+disease|fatty\s+liver|ibs|crohns?|colitis|insulin\s+resistance|gout|psoriasis"
    r"|eczema|lupus|multiple\s+sclerosis|alzheimers?|dementia|endometriosis|infertility|asthma"
    r"|migraines?|autism|acne|fibromyalgia"
)


@dataclass(frozen=True, slots=True)
class TextRule:
    """One lexical policy: a pattern plus how context may cancel it."""

    policy_id: str
    type: T
    severity: Severity
    action: Action
    pattern: str
    stages: frozenset[Stage]
    topic: str
    negatable: bool = True  # "I don't purge", "without starving myself"
    educational_ok: bool = True  # "what are the risks of DNP?" (no first-person intent)
    referral_ok: bool = False  # "ask your doctor before changing your dose"
    support_ok: bool = True  # output: "if you're making yourself sick, call ..."
    context: str | None = None  # must also match in the sentence
    exclude: str | None = None  # cancels the match when found in the sentence
    not_after: frozenset[str] = frozenset()  # cancels the match after these words ("movie binge")


ED_REFER = (T.EATING_DISORDER_SIGNAL, Severity.CRITICAL, Action.REFER)
UNSAFE_BLOCK = (T.UNSAFE_CONTENT, Severity.CRITICAL, Action.BLOCK)
MEDICAL_REFER = (T.MEDICAL_CLAIM, Severity.WARNING, Action.REFER)
