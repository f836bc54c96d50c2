"""Eating-disorder signals found by concepts that occur together, not by fixed phrases.

People describe disordered eating in endless words: "I cry if I go 10 calories over", "my
therapist doesn't know I stopped eating again", "my stomach growling makes me proud". Each
piece alone is ordinary (crying, a therapist, a growling stomach); the signal is the
combination, which is what SCOFF asks about (DOMAIN.md): distress or loss of control around
food, restriction paired with a body goal or with secrecy, exercise or fasting used to undo
eating, pride in hunger, worth tied to thinness.

A :class:`ConceptPair` fires when a match of ``first`` and one of ``second`` lie within
``window`` characters of each other in one sentence, the partner is not negated ("I don't feel
guilty when I eat"), and, where required, the person speaks about themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._context import Context, TextView

FOOD = (
    r"\b(?:eat|eats|eating|ate|eaten|food|foods|meal|meals|bites?|calorie|calories|cals|kcal|lunch"
    r"|dinner|breakfast|snack\w*|carbs?|sugar|dessert|treats?|cookies?|cake|pizza|chocolate|crisps"
    r"|chips|bread|seconds|portions?|fries|binge?\w*|burgers?|pasta|rice|ice\s+cream|candy|sweets"
    r"|donuts?|doughnuts?|biscuits?|takeaway|takeout|junk|sandwich\w*|cheese|wine|beer|crisps|pastr\w*"
    r"|muffins?|pancakes?|burritos?|kebab|nuggets)\b"
)
# Not eating at all (not "I don't eat meat"): a bare verb, a meal, a span or "anything".
RESTRICT = (
    r"\b(?:(?:stop|stopped|quit|not|dont|didnt|never|havent|hadnt|wont|refuse\s+to|refusing\s+to"
    r"|barely|hardly|actually\s+eat)\s+(?:actually\s+)?(?:eat|eating|eaten)\b(?=\s*(?:$|[.,!?;)]"
    r"|at\s+all|anything|for\b|until|till|since|in\s+(?:days|weeks|\d)|again|completely|entirely"
    r"|altogether|and\b|so\b|because|to\b|today|tonight|properly|normally|breakfast|lunch|dinner"
    r"|meals?|food|a\s+(?:proper\s+)?(?:meal|thing)|lol|now|much\s+(?:at\s+all|anymore)|anymore))"
    r"|skip(?:ping|ped|s)?\s+(?:eating|meals|food)|skip(?:ping|ped|s)?\s+(?:breakfast|lunch|dinner)\s+"
    r"(?:every\s+day|daily|all\s+week|for\s+(?:days|weeks))|(?:dont|never|do\s+not)\s+(?:allow|let)\s+myself"
    r"|not\s+allowed\s+to\s+eat|no\s+food|without\s+(?:food|eating)|go(?:ing)?\s+hungry"
    r"|(?:only|just)\s+(?:drink|have|had)\s+(?:water|coffee|tea|broth|diet\s+coke)"
    r"|drink\w*\s+(?:only\s+)?water\s+(?:until|till|instead)|water\s+and\s+(?:gum|coffee|tea)"
    r"|gum\s+all\s+day|eat\w*\s+nothing|ate\s+nothing|nothing\s+(?:to\s+eat|all\s+day)"
    r"|(?:havent|hadnt|not)\s+had\s+(?:a\s+)?(?:proper\s+|real\s+|single\s+)?(?:meal|food|anything\s+to"
    r"\s+eat)|(?:havent|hadnt)\s+eaten\s+properly)"
)
BODY_GOAL = (
    r"\b(?:ribs|collar\s?bones?|hip\s?bones|spine|thigh\s+gap|skin\s+and\s+bones|jeans\s+(?:fit|to\s+fit)"
    r"|size\s+(?:zero|0|00)|thin|thinner|thinnest|skinny|skinnier|tiny|smaller|lighter|weight\s+(?:will"
    r"\s+)?(?:come|comes|fall|falls|melt|melts)\s+off|lose\s+(?:the\s+)?weight|drop\s+weight|flat"
    r"\s+stomach|fit\s+(?:into\s+)?(?:my\s+)?(?:old\s+|skinny\s+|smaller\s+)?(?:jeans|clothes|dress|size)|flat"
    r"\s+stomach|the\s+scale)\b"
)
DISTRESS = (
    r"\b(?:ashamed|shame|guilty|guilt(?!\s?free)|disgust\w*|failure|worthless|hate\s+myself|cry"
    r"|crying|cried|panic\w*|punish\w*|pathetic|fat\s+pig|a\s+pig|self\s+hatred|loathe\w*"
    r"|out\s+of\s+control|sick\s+of\s+myself|rip\s+(?:my\s+)?(?:stomach|fat|skin|belly)"
    r"|cut\s+(?:my|the)\s+fat\s+off|punch\s+my\s+(?:stomach|belly))\b(?!\s+pleasure)"
)
COMPENSATE = (
    r"\b(?:compensate|compensating|undo|undoing|cancel\s+(?:it\s+)?out|punish\w*"
    r"|(?:burn|work|run|sweat)\s+(?:it|that|them|everything|every\s+calorie|it\s+all)\s+off"
    r"|pay\s+for\s+(?:it|that|eating|what\s+i\s+ate)|earn\s+(?:my|the|it|dinner|food|meals?|a\s+meal"
    r"|to\s+eat))\b"
)
SECRECY = (
    r"\b(?:hide|hiding|hid|hidden|secret\w*|noticing|notice|find\s+out|finds\s+out|doesnt\s+know"
    r"|dont\s+know|(?:nobody|no\s+one|noone)\s+(?:knows|notices|realises|realizes|can\s+tell)"
    r"|without\s+(?:them|anyone|him|her|people|my\s+\w+)\s+(?:knowing|noticing|seeing|finding\s+out)"
    r"|so\s+(?:they|no\s+one|nobody)\s+(?:sees?|notices?|knows?)|pretend\s+(?:to|i)\s+(?:eat|ate)"
    r"|sneak\w*|lie\w*\s+(?:to\s+\w+(?:\s+\w+)?\s+)?about|lying\s+(?:to\s+\w+(?:\s+\w+)?\s+)?about"
    r"|cover\s+up)\b"
)
ED_ACTS = (
    r"\b(?:purg\w*|vomit\w*|throw\w*\s+up|laxatives?|weight\s+loss|lost\s+weight|losing\s+weight"
    r"|binge?\w*|what\s+i\s+(?:eat|ate)|how\s+(?:much|little)\s+i\s+(?:eat|ate)|my\s+(?:eating|weight"
    r"|intake)|(?:dont|didnt|havent|not)\s+(?:actually\s+)?(?:eat|eaten|eating))\b"
)
CONTROL_LOSS = (
    r"\b(?:couldnt\s+stop|could\s+not\s+stop|cant\s+stop|can\s+not\s+stop|lost\s+control"
    r"|losing\s+control|out\s+of\s+control)\b"
)
HUNGER = (
    r"\b(?:hunger|hungry|stomach\s+growl\w*|growling\s+stomach|empty\s+stomach|emptiness"
    r"|hunger\s+pangs|tummy\s+rumbl\w*|stomach\s+rumbl\w*)\b"
)
PRIDE = (
    r"\b(?:proud|pride|love\s+(?:it|that|the\s+feeling)|feels?\s+(?:so\s+)?(?:good|great|amazing"
    r"|powerful|clean|pure|right)|in\s+control|accomplish\w*|achievement|winning|reward\w*"
    r"|amazing|strong|powerful)\b"
)
BONES = r"\b(?:ribs|collar\s?bones?|hip\s?bones|spine|sternum|shoulder\s+blades|bones)\b"
SHOWING = (
    r"\b(?:show|shows|showing|stick\w*\s+out|poke\w*\s+out|visible|protrud\w*|see\s+(?:them|it)"
    r"|more|sharper|finally)\b"
)
WORTH = (
    r"\b(?:loved|lovable|worth\s+(?:it|anything|something)|worthy|good\s+enough|attractive|happy"
    r"|accepted|wanted|enough)\b"
)
THIN_IF = (
    r"\b(?:if|when|until|unless|once)\s+(?:im|i\s+am|i\s+m|i\s+get|i\s+become|i\s+look)\s+"
    r"(?:\w+\s+)?(?:thin|skinny|skinnier|thinner|smaller|lighter|tiny|under\s+\d+)\b"
)
SHAME_ME = (
    r"\b(?:shame|guilt|bully|scare|yell\s+at|insult|roast|punish|humiliate)\s+me\s+(?:into|to|for"
    r"|when|if|whenever)\s+(?:i\s+)?(?:not\s+)?(?:eat\w*|ate|snack\w*|having\s+food)"
)
SPIT = (
    r"\b(?:eat|eating|ate|chew\w*)\b[^.!?\n]{0,25}\b(?:then|and)\s+spit\w*\s+(?:it\s+|them\s+)?out"
    r"|\bspit\w*\s+out\s+(?:most|all|half|some|everything|the\s+food|my\s+food)\s+(?:of\s+)?(?:what\s+i"
    r"\s+(?:chew|eat)|it|my\s+food)?"
)
# Eating only for an audience: "I only eat when people are watching"
PERFORMED_EATING = (
    r"\bonly\s+eat\s+(?:when|if|in\s+front\s+of)\s+(?:people|someone|others|my\s+\w+|they|anyone)"
    r"(?:\s+(?:are|is))?\s*(?:watching|around|there|looking|home|present)?"
)
# Wanting appetite gone: "make my stomach shrink so I stop wanting food"
APPETITE_GONE = (
    r"\b(?:stop|never|not)\s+(?:wanting|want)\s+(?:food|to\s+eat)\b|\bshrink\s+my\s+stomach"
    r"|\bmy\s+stomach\s+(?:to\s+)?shrink"
)
# Liquids or gum in place of food: "water and gum all day, that's my diet now"
LIQUID_DIET = (
    r"\b(?:water|coffee|tea|gum|diet\s+(?:coke|soda)|broth)\s+(?:and|&|\+|n)\s+(?:water|coffee|tea"
    r"|gum|diet\s+(?:coke|soda)|broth|cigarettes)\b[^.!?\n]{0,30}\b(?:all\s+day|only|thats\s+(?:it"
    r"|all|my\s+diet)|is\s+my\s+diet|my\s+diet|for\s+days|every\s+day|nothing\s+else)"
)
# Feeling fat at a low weight (SCOFF): "I feel huge even though I'm 45 kg"
FAT_YET_THIN = (
    r"\b(?:feel|look|am|im|think\s+im|see\s+myself\s+as)\s+(?:so\s+|really\s+|still\s+)?(?:fat|huge|big"
    r"|obese|enormous|massive|chubby)\b[^.!?\n]{0,30}\b(?:even\s+though|although|though|but|yet"
    r"|despite)\b[^.!?\n]{0,30}(?:\b(?:[1-4]\d|5[0-4])(?:\.\d)?\s?(?:kg|kgs|kilos)\b|\b(?:[7-9]\d"
    r"|1[01]\d)\s?(?:lbs?|pounds)\b|\bunderweight\b|\bsize\s+(?:0|00|zero|2|4|xs)\b)"
)
# Hunger as deserved punishment; emaciation as the goal.
DESERVE_STARVE = (
    r"\bdeserve\s+to\s+(?:starve|go\s+hungry|be\s+hungry|not\s+eat|suffer|skip\s+(?:meals|dinner"
    r"|lunch))"
)
EMACIATED_GOAL = (
    r"\b(?:want|wanna|need|going|gonna|to|wish\s+i\s+(?:was|were|could))\s+(?:to\s+)?(?:be|look|get)"
    r"\s+(?:like\s+)?(?:skin\s+and\s+bones?|all\s+bones|a\s+skeleton|bony|skeletal|emaciated)"
)
# Restriction and control: "fasting is the only time I feel in control"
CONTROL_FEELING = (
    r"\b(?:fasting|not\s+eating|starving|restricting|hunger|being\s+hungry|being\s+empty|emptiness)\b"
    r"[^.!?\n]{0,40}\b(?:only\s+(?:time|thing|way)|makes\s+me\s+feel|when\s+i\s+feel)\b[^.!?\n]{0,20}"
    r"\b(?:in\s+control|safe|calm|good\s+about\s+myself|worthy|powerful|clean|pure)"
    r"|\bfeel\w*\s+(?:so\s+)?(?:much\s+)?(?:better|good|great|lighter|clean|safe|calm|in\s+control)\s+"
    r"(?:when|if|while)\s+(?:i\s*m|i\s+am|im|i\s+stay|i\s+feel|i\s+keep\s+myself)\s+(?:\w+\s+)?(?:empty"
    r"|hungry|starving|not\s+eating)"
)
# Exercise that buys food or follows every meal: "I go to the gym twice a day so I can eat
# dinner", "2 hours of cardio after every meal", "walk until it's burned"
EXERCISE_FOR_FOOD = (
    r"\b(?:gym|workout|work\s+out|exercise|run|running|cardio|train|training|walk\w*|steps)\b"
    r"[^.!?\n]{0,40}\bso\s+(?:that\s+)?i\s+(?:can|am\s+allowed\s+to|m\s+allowed\s+to|get\s+to"
    r"|could|may)\s+(?:eat|have)\s+(?:dinner|lunch|breakfast|a\s+meal|food|anything|at\s+all)\b"
    r"|\b(?:cardio|exercise|run|running|workout|walk\w*|gym|train\w*|cycl\w*|bike|biking|swim\w*|jog\w*"
    r"|row|rowing|spin)\s+(?:\w+\s+){0,4}after\s+"
    r"(?:every|each)\s+(?:single\s+)?(?:meal|bite|snack|time\s+i\s+eat)"
    r"|\b(?:walk|run|exercise|work\s+out|train|cycle|swim|cardio)\w*\s+(?:\w+\s+){0,2}(?:until|till|til)\s+"
    r"(?:it|its|it\s+is|they|theyre|everything|all\s+of\s+it|the\s+calories|i\s+(?:ve\s+|have\s+)?"
    r"(?:burned|burnt|burn))\s*(?:s\s+)?(?:all\s+)?(?:burn\w*|gone|off|cancel\w*|even|it\s+off)"
)
# Body checks and bodily goals: "I want my thighs to stop touching"
THIGHS = r"\bthighs?\s+(?:to\s+)?(?:stop|not|never|dont|no\s+longer)\s+(?:\w+\s+)?touch\w*"
# Feeling fat despite loss or others' worry: "lost 10 kg and I still feel fat",
# "my mum says I look sick but I'm still so big"
STILL_FAT = (
    r"\b(?:lost|losing|dropped|down)\b[^.!?\n]{0,80}\b(?:still|yet)\s+(?:feel|look|am|im|see\s+myself"
    r"\s+as)\s+(?:so\s+|really\s+|too\s+)?(?:fat|huge|big|obese|gross|disgusting|chubby)"
    r"|\b(?:says?|say|think|thinks|tell\w*\s+me)\s+(?:that\s+)?i\s*(?:m|am|look)\s+(?:so\s+|too\s+"
    r"|really\s+)?(?:sick|thin|skinny|ill|underweight|bony|frail|small|tiny|unwell)\b[^.!?\n]{0,40}"
    r"\b(?:but|yet|still)\b[^.!?\n]{0,20}\b(?:fat|big|huge|chubby|obese|overweight|gross)"
)
# Others worried about one's eating: "my friends think I have a problem with food"
OTHERS_WORRIED = (
    r"\b(?:friends?|family|parents|mum|mom|dad|partner|boyfriend|girlfriend|husband|wife|doctor|therapist"
    r"|everyone|people|teacher|coach)\s+(?:\w+\s+){0,2}(?:think|thinks|say|says|worried|worry|worries"
    r"|concerned|keep\s+saying)\s+(?:that\s+|about\s+)?(?:i\s+(?:have|m|am|might\s+have)\s+)?(?:an?\s+)?"
    r"(?:problem\s+with\s+(?:food|eating)|issues?\s+with\s+(?:food|eating)|eating\s+disorder"
    r"|anorexi\w*|bulimi\w*|not\s+eating\s+enough|too\s+thin|too\s+skinny|underweight|my\s+eating"
    r"|how\s+(?:little|much)\s+i\s+eat)"
)
# "safe foods" / "fear foods": ED vocabulary for rigid rules
SAFE_FOODS = (
    r"\b(?:my\s+|of\s+|list\s+of\s+)['\"]?(?:safe|fear)\s+foods?\b"
    r"(?!\s+(?:for|during|to\s+eat\s+while))"
)
# A token intake reported with pride: "I just had an apple today and I'm so proud"
TOKEN_INTAKE = (
    r"\b(?:only|just|literally\s+just|literally\s+only|nothing\s+but)\s+(?:had|ate|eaten|have|eat)\s+"
    r"(?:an?\s+|one\s+|half\s+an?\s+|a\s+few\s+|some\s+|a\s+handful\s+of\s+)?(?:apple|orange|banana"
    r"|rice\s+cakes?|crackers?|carrots?|cucumber|celery|grapes|almonds|coffee|black\s+coffee|tea|water"
    r"|yogh?urt|piece\s+of\s+\w+|bites?|lettuce|broth|gum|diet\s+coke)\b(?=[^.!?\n]{0,40}\b(?:today"
    r"|all\s+day|yesterday|a\s+day|per\s+day|this\s+week|proud|since|so\s+far\s+(?:today|this)))"
)
# Hiding food to eat it in secret
SECRET_EATING = (
    r"\bhid\w*\s+(?:\w+\s+){0,2}(?:snacks?|food|chocolate|candy|sweets|junk|cookies|wrappers)\b"
    r"[^.!?\n]{0,40}\b(?:eat|ate|eating|binge?\w*)\s+(?:them|it)\s+(?:all|in\s+secret|at\s+night|when)"
)
# Target BMI in the underweight range: "help me get my BMI to 16"
LOW_BMI_GOAL = (
    r"\bbmi\s+(?:down\s+)?(?:to|of|at|under|below)\s+(?:a\s+)?(?:1[0-7](?:\.\d+)?|18(?:\.[0-4])?)\b"
    r"(?!\s*(?:kg|lbs?|%))"
)
INSULIN = r"\binsulin\b(?!\s+(?:resist\w*|sensitiv\w*|spikes?|levels?|index))"
LOSE = r"\b(?:lose|losing|lost|drop|burn)\s+(?:some\s+)?(?:weight|fat|pounds|kilos|calories)\b"
FIRST = r"\b(?:i|im|ive|id|ill|me|my|myself)\b"


# The object of a feeling: "guilty about skipping the gym" is not about food.
FEELING_OBJECT = r"\s+(?:about|of|for|over|that)\s+(?P<obj>(?:\w+\s+){0,5}\w+)"
THIRD_SUBJECT = (
    r"\b(?:he|she|they|hes|shes|theyre|him|her|them|kid|son|daughter|child|dog|cat|friend|mum"
    r"|mom|dad|wife|husband|partner|boyfriend|girlfriend|sister|brother)\b"
)
SELF_SUBJECT = r"\b(?:i|im|ive|id|me|myself)\b"


@dataclass(frozen=True, slots=True)
class ConceptPair:
    """Two concepts that, together and close, are an eating-disorder signal.

    ``same_clause``: both must sit in one clause (pride and hunger in separate clauses are
    "I was hungry, but I'm proud I didn't snack"). ``self_feeling``: the second concept is a
    feeling that must be the speaker's own and, when it names what it is about, be about food.
    """

    name: str
    first: re.Pattern[str]
    second: re.Pattern[str]
    window: int
    first_person: bool = True
    negatable_second: bool = True
    same_clause: bool = False
    self_feeling: bool = False


class EdConcepts:
    """Compiled concept pairs (built once per engine)."""

    def __init__(self) -> None:
        c = re.compile
        food, restrict, distress = c(FOOD), c(RESTRICT), c(DISTRESS)
        self.first_person = c(FIRST)
        self.pairs = [
            # restriction with a body goal, distress, compensation, secrecy or pride
            ConceptPair("restriction_goal", restrict, c(BODY_GOAL), 90),
            ConceptPair("restriction_distress", restrict, distress, 90, self_feeling=True),
            ConceptPair("restriction_pride", restrict, c(PRIDE), 60, same_clause=True),
            ConceptPair("restriction_secrecy", restrict, c(SECRECY), 60),
            ConceptPair("restriction_compensation", restrict, c(COMPENSATE), 90),
            # distress or compensation tied to eating
            ConceptPair("eating_distress", food, distress, 50, self_feeling=True),
            ConceptPair("eating_compensation", food, c(COMPENSATE), 60),
            ConceptPair("secret_behaviour", c(SECRECY), c(ED_ACTS), 50),
            ConceptPair("eating_control_loss", food, c(CONTROL_LOSS), 60),
            ConceptPair("hunger_pride", c(HUNGER), c(PRIDE), 30, same_clause=True),
            ConceptPair("bones_showing", c(BONES), c(SHOWING), 40),
            ConceptPair("worth_thinness", c(WORTH), c(THIN_IF), 40),
            ConceptPair("insulin_weight", c(INSULIN), c(LOSE), 60, negatable_second=False),
        ]
        self.food = food
        self.feeling_object = c(FEELING_OBJECT)
        self.third_subject = c(THIRD_SUBJECT)
        self.self_subject = c(SELF_SUBJECT)
        self.single = [
            ("shame_request", c(SHAME_ME)),
            ("chew_spit", c(SPIT)),
            ("liquid_diet", c(LIQUID_DIET)),
            ("fat_yet_thin", c(FAT_YET_THIN)),
            ("deserve_starve", c(DESERVE_STARVE)),
            ("emaciated_goal", c(EMACIATED_GOAL)),
            ("control_feeling", c(CONTROL_FEELING)),
            ("exercise_for_food", c(EXERCISE_FOR_FOOD)),
            ("thigh_gap", c(THIGHS)),
            ("still_fat", c(STILL_FAT)),
            ("others_worried", c(OTHERS_WORRIED)),
            ("safe_foods", c(SAFE_FOODS)),
            ("token_intake", c(TOKEN_INTAKE)),
            ("secret_eating", c(SECRET_EATING)),
            ("low_bmi_goal", c(LOW_BMI_GOAL)),
            ("performed_eating", c(PERFORMED_EATING)),
            ("appetite_gone", c(APPETITE_GONE)),
        ]

    def find(self, view: TextView, ctx: Context) -> tuple[str, int, int] | None:
        """The first concept combination in ``view``: (name, start, end) or None."""
        text = view.text
        for name, pattern in self.single:
            m = pattern.search(text)
            if m and not ctx.negated(view, m.start()):
                return name, m.start(), m.end()
        for pair in self.pairs:
            firsts = list(pair.first.finditer(text))
            if not firsts:
                continue
            for b in pair.second.finditer(text):
                if pair.negatable_second and ctx.negated(view, b.start()):
                    continue
                if pair.self_feeling and not self._own_food_feeling(view, b):
                    continue
                sent = view.sentence_at(b.start())
                clause = view.clause_at(b.start())
                for a in firsts:
                    if a.start() == b.start() or not sent[0] <= a.start() < sent[1]:
                        continue
                    if pair.same_clause and not clause[0] <= a.start() < clause[1]:
                        continue
                    if abs(a.start() - b.start()) > pair.window:
                        continue
                    if pair.first_person and not self.first_person.search(text, *sent):
                        continue
                    return pair.name, min(a.start(), b.start()), max(a.end(), b.end())
        return None

    def _own_food_feeling(self, view: TextView, feeling: re.Match[str]) -> bool:
        """The speaker feels it, and about food when the feeling names its object."""
        text = view.text
        cs, ce = view.clause_at(feeling.start())
        clause = text[cs:ce]
        if self.third_subject.search(clause) or not self.self_subject.search(clause):
            # "I'm so ashamed" as its own short clause after a food clause still counts
            if not (self.self_subject.search(clause) and len(clause.split()) <= 5):
                return False
        obj = self.feeling_object.match(text, feeling.end(), ce)
        return obj is None or self.food.search(obj.group("obj")) is not None
