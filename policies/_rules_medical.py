"""Medical claims: medication changes, diagnoses, symptoms, conditions, cures, prescriptions."""

from __future__ import annotations

from persistence.enums import PolicyViolationType as T
from persistence.enums import Severity

from ._lexicon import (
    BODY_PARTS,
    BOTH,
    COND,
    CURE_COND,
    IN,
    MED_ANY,
    MED_GLP1,
    MED_OTC,
    MED_SPECIFIC,
    MEDICAL_REFER,
    OUT,
    SUPPLEMENTS,
    TextRule,
)
from .models import Action

# Bodily complaints and the questions that ask what they are.
SYMPTOMS = (
    r"lumps?|bumps?|rash|rashes|moles?|swelling|swollen|swells|bruis\w*|numb\w*|tingl\w*|itch\w*"
    r"|bleed\w*|fever|coughs?|coughing|headaches?|migraines?|nausea|nauseous|dizz\w*|palpitations?"
    r"|pounding|heart\s+(?:pounds|races|racing|flutters|skips|hurts)|flutter\w*|blurr\w*"
    r"|hair\s+loss|losing\s+hair|missed\s+periods?|irregular\s+periods?|discharge|hives"
    r"|twitch\w*|clicks?|clicking|cramp\w*|pains?|ache|aches|aching|sore|stiff|exhausted|fatigue"
    r"|always\s+thirsty|peeing\s+a\s+lot|tired\s+all\s+the\s+time|night\s+sweats|sweats"
    r"|unexplained\s+weight\s+loss|diarrh\w*|constipat\w*|bloating|tight|tightness|short\s+of\s+breath"
)
DIAG_Q = (
    r"what\s+(?:could|might|would|can)\s+(?:it|this|that|these|they)\s+be|what\s*(?:is|s)\s+(?:it|this"
    r"|that)\b|what\s*(?:is|s)\s+causing|what\s+causes\s+(?:my|this|it)|is\s+(?:it|this|that)\s+"
    r"(?:serious|bad|cancer|dangerous|something|a\s+sign)|should\s+i\s+(?:be\s+)?worr\w*"
    r"|(?:something|anything)\s+serious"
    r"|do\s+i\s+need\s+to\s+(?:see|worry)|what\s+does\s+(?:it|this|that)\s+mean"
    r"|what\s*(?:is|s)\s+(?:wrong|happening|going\s+on)\b"
    # an organ or condition offered as a guess: "... after fatty food, gallbladder?"
    r"|(?:gallbladder|gall\s+stones?|gallstones|appendix|appendicitis|kidney\s+stones?|ulcer|hernia"
    r"|heart\s+attack|stroke|diabetes|thyroid|an(?:a)?emia|celiac|coeliac|ibs|infection|pcos|cancer"
    r"|gout|tumou?r|clot|[a-z]{3,}(?:itis|osis))\s*\?"
)


def medical_rules() -> list[TextRule]:
    """Medical claims: medication changes, diagnoses, symptoms, conditions, cures, prescriptions."""
    return [
        TextRule(
            "medical.medication_change",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:stopped|quit|skipped|halved|increased|decreased|lowered|raised|changed|cut|dropped"
                r"|came\s+off|went\s+off|ditched|reduced)\s+(?:taking\s+)?(?:my|the|all\s+my)\s+"
                rf"(?:{MED_ANY})\b(?=[^.!?\n]{{0,40}}\b(?:lose|weight|thin|fat|calories|diet|appetite))"
                r"|\b(?:double|doubling|doubled|triple|tripling|halve|halving|half|increase|increasing"
                r"|decrease|decreasing|raise|raising|lower|lowering|reduce|reducing|up|upping|bump\s+up"
                r"|cut\s+(?:back\s+)?(?:on\s+)?|cutting\s+(?:back\s+)?(?:on\s+)?|skip|skipping|stop"
                r"|stopping|quit|quitting|come\s+off|coming\s+off|go\s+off|get\s+off|wean\s+off"
                r"|taper|tapering|change|changing|adjust|adjusting|switch|switching|split|splitting"
                r"|crush|drop|dropping|ditch|ditching|take\s+(?:more|less|extra|an\s+extra|double"
                r"|half|another)\s+(?:of\s+)?)\s+(?:up\s+on\s+|taking\s+)?(?:from\s+|off\s+)?"
                r"(?:my|the|your|her|his|their)?\s*(?:morning\s+|evening\s+|night\s+|nightly\s+|daily\s+"
                r"|weekly\s+|bedtime\s+|basal\s+|bolus\s+|long\s+acting\s+|usual\s+|regular\s+|own\s+)?"
                rf"(?:{MED_ANY})(?:\s+(?:dose|dosage|doses))?\b"
                r"|\bhow\s+(?:much|many)\s+(?:mg\s+|mcg\s+|units\s+|iu\s+|pills\s+|tablets\s+)?"
                rf"(?:of\s+)?(?:my\s+)?(?:{MED_SPECIFIC})\s+(?:should|can|could|do|does|to|would|will)\s+"
                r"(?:i\s+|you\s+|someone\s+|one\s+)?(?:take|use|inject|have|need|cut|reduce|lower|drop"
                r"|increase|add|skip|adjust|change)"
                rf"|\b(?:what|which|right)\s+(?:dose|dosage|amount)\s+(?:of\s+)?(?:{MED_SPECIFIC})"
                r"|\b(?:can|should|could|is\s+it\s+(?:ok|okay|safe|fine)\s+to)\s+(?:i\s+)?(?:take|mix"
                rf"|combine|use)\s+(?:my\s+)?(?:{MED_SPECIFIC})\s+(?:with|and|while|alongside|together)"
                rf"|\b(?:can|should|could)\s+i\s+(?:take|try|start|use|get|go\s+on)\s+(?:{MED_GLP1}"
                r"|phentermine|orlistat|contrave|qsymia|metformin)\b"
                rf"|\b(?:{MED_SPECIFIC})\s+(?:dose|dosage|doses)\b(?=[^.!?\n]{{0,40}}\?)"
                r"|\b(?:took|take|taking|using|use|borrow\w*|stole|steal|tried)\s+(?:my\s+|a\s+)?(?:friends|mums"
                r"|moms|sisters|brothers|roommates|partners|husbands|wifes|dads|someone\s+elses|coworkers)\s+"
                rf"(?:{MED_SPECIFIC}|pills|meds|medication|prescription)"
                rf"|\b(?:can|should|could)\s+i\s+inject\s+(?:my\s+|some\s+)?(?:{MED_SPECIFIC})"
                rf"|\b(?:{MED_SPECIFIC})\b[^.!?\n]{{0,30}}\b(?:to|for)\s+(?:kill|suppress|curb|reduce|lose"
                r"|drop|burn|stop)\s+(?:my\s+)?(?:appetite|hunger|weight|fat|eating)"
                r"|\b(?:replace|replacing|instead\s+of|swap|swapping|substitute\s+for|alternatives?\s+to)\s+"
                rf"(?:my\s+|the\s+)?(?:{MED_SPECIFIC}|medications?|meds|prescription)"
                rf"|\b(?:{MED_SPECIFIC})\b(?=[^.!?\n]{{0,40}}\b(?:without\s+(?:a\s+)?(?:prescription"
                r"|doctor|telling)|off\s+label))"
                # a dose asked in drug units: "how many units do I take", "how many mcg of T4"
                r"|\bhow\s+(?:many|much)\s+(?:mg|mcg|ug|micrograms?|milligrams?|units?|iu|mls?|pills"
                rf"|tablets|shots|jabs|injections|clicks)\b(?:\s+of\s+(?!(?:{SUPPLEMENTS})\b)"
                r"(?:\w+\s+){1,3}?|\s+)(?:should|do|can|could|would|to|will|must)\s+(?:i\s+|we\s+|you\s+"
                r"|someone\s+|one\s+)?(?:take|inject|use|have|need|give|start|up|increase|add|dose)\b"
                # "what's the right mounjaro dose", "what should my thyroxine dose be"
                r"|\b(?:what|whats|which|right|correct|best|ideal|proper|how\s+much|how\s+many"
                rf"|recommended|starting|max(?:imum)?)\b[^.!?\n]{{0,30}}\b(?:{MED_SPECIFIC})\s+"
                r"(?:to\s+carb\s+)?(?:dose|dosage|doses|amount|ratio|bolus|basal\s+rate|titration|units"
                r"|schedule|correction\s+factor)\b"
                # "which antidepressant causes the least weight gain", "which insulin should I use"
                rf"|\bwhich\s+(?:{MED_SPECIFIC}|medications?|meds|pills?|drugs?|antidepressants?|birth\s+control"
                r"|statins?|diabetes\s+(?:meds|medication|drug))\b"
                # "my cholesterol needs statins", "does my A1C need metformin"
                r"|\b(?:need|needs|require|requires|warrant|warrants|call\s+for)\s+(?:me\s+to\s+(?:take|start)\s+)?"
                rf"(?:{MED_SPECIFIC}|medication|meds|pills)\b"
                # "what should I take" for a bodily complaint
                r"|\bwhat\s+(?:should|can|could|do)\s+i\s+take\b(?=[^.!?\n]{0,40}\b(?:for|to\s+(?:fix|lower"
                r"|treat|stop|raise|balance)))"
                r"|\b(?:cortisol|hormones?|testosterone|estrogen|oestrogen|blood\s+pressure|cholesterol|reflux"
                r"|heartburn|blood\s+sugar|glucose|thyroid|infection|inflammation|migraines?)\b[^.!?\n]{0,50}"
                r"\bwhat\s+(?:should|can|could|do)\s+i\s+take\b"
                # someone else's or old medication: "can I use my leftover phentermine"
                r"|\b(?:leftover|left\s+over|old|expired|spare|extra|unused|remaining)\s+"
                rf"(?:{MED_SPECIFIC}|meds|medication|pills|prescription|pens?|injections?)\b"
                # a stated dose questioned: "is 200mcg of levothyroxine too much?"
                r"|\b\d+(?:\.\d+)?\s*(?:mg|mcg|ug|units?|iu|mls?)\s+(?:of\s+)?(?:my\s+)?"
                rf"(?:{MED_SPECIFIC})\b(?=[^.!?\n]{{0,60}}\b(?:too\s+(?:much|little|high|low)|enough"
                r"|right|ok|okay|safe|should|can\s+i|increase|decrease|cut|lower|raise|double|halve"
                r"|switch|change|more|less|skip|stop))"
                # deciding on a drug: "do I need metformin", "should I start insulin",
                # "put him on phentermine"
                r"|\b(?:do|would|will|should)\s+i\s+(?:need|have\s+to\s+(?:take|start|stay\s+on|go\s+on))"
                rf"\s+(?:to\s+(?:take|start)\s+)?(?:{MED_SPECIFIC}|medication|meds|pills)\b"
                r"|\b(?:can|should|could|do)\s+i\s+(?:take|try|start|use|get|go\s+on|begin)\s+(?:on\s+)?"
                rf"(?:{MED_SPECIFIC})\b"
                r"|\b(?:put|putting|start|starting|get|getting)\s+(?:him|her|them|me|my\s+\w+)\s+on\s+"
                rf"(?:{MED_SPECIFIC})\b"
                # "what's the dosage for saxenda", "how much metformin do people take"
                r"|\b(?:what|whats|which|right|correct|usual|normal|typical|starting|max(?:imum)?"
                r"|recommended)\b[^.!?\n]{0,20}\b(?:dose|dosage|doses)\s+(?:for|of|on)\s+"
                rf"(?:{MED_SPECIFIC})\b"
                rf"|\bhow\s+(?:much|many)\s+(?:mg\s+|mcg\s+|units\s+)?(?:of\s+)?(?:{MED_SPECIFIC})\s+"
                r"(?:do|does|did|should|would)\s+(?:people|they|others|most\s+people|doctors|patients)\s+"
                r"(?:take|use|inject|give|prescribe)"
                # "the best drug for weight loss", "how much ozempic is too much",
                # "should I take my insulin before I train"
                r"|\b(?:best|strongest|good|top|most\s+effective)\s+(?:drug|medication|med|pill|prescription"
                r"|injection|jab)s?\s+(?:for|to)\b"
                rf"|\bhow\s+(?:much|many)\s+(?:\w+\s+)?(?:of\s+)?(?:{MED_SPECIFIC})\s+(?:is|are)\s+(?:too"
                r"\s+(?:much|many|little)|safe|ok|okay|enough|dangerous|the\s+max\w*)"
                rf"|\b(?:should|can|do|when\s+should)\s+i\s+(?:take|inject|use|have)\s+(?:my\s+)?(?:{MED_SPECIFIC})\b"
                # asking the coach to prescribe
                r"|\bprescribe\s+(?:me|something|anything|some|a|an)\b"
                r"|\bwhat\s+(?:medication|meds|medicine|drugs?|pills?)\s+(?:should|can|could|do)\s+i\s+"
                r"(?:take|get|use|ask\s+for|be\s+on)"
                r"|\b(?:recommend|suggest)\s+(?:me\s+)?(?:a|an|some|any)\s+(?:medication|medicine|meds"
                r"|drug|prescription|pills?)\s+for"
            ),
            stages=IN,
            topic="medication",
            referral_ok=True,
        ),
        TextRule(
            "medical.diagnosis_request",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:do|could|might|would|can)\s+i\s+(?:have|be\s+having|possibly\s+have)\s+"
                rf"(?:an?\s+)?(?:{COND})"
                r"|\b(?:tell|know|check|figure\s+out|find\s+out|confirm|say)\s+(?:me\s+)?(?:if|whether)\s+i\s+"
                rf"(?:have|got|might\s+have)\s+(?:an?\s+)?(?:{COND})"
                r"|\bam\s+i\s+(?:diabetic|prediabetic|pre\s?diabetic|hypothyroid|hyperthyroid|anemic"
                r"|anaemic|insulin\s+resistant|deficient|in\s+menopause)"
                r"|\b(?:diagnose|diagnosis\s+(?:for|of))\s+(?:me|my|this|what|why|whats)"
                rf"|\bwhat\s*(?:is|s)\s+wrong\s+with\s+(?:me|my\s+(?:{BODY_PARTS}))\b"
                r"|\bis\s+(?:it\s+)?my\s+(?:thyroid|hormones?|metabolism|insulin|cortisol|blood\s+sugar|pcos"
                r"|gut|liver|adrenals?)\s+(?:why|the\s+reason|to\s+blame|causing|the\s+problem|the\s+issue"
                r"|broken|slow|off|messed\s+up)"
                # a lab value with a question: "my A1C is 7.2, what does it mean"
                r"|\bmy\s+(?:\w+\s+)?(?:tsh|t4|t3|a1c|hba1c|ldl|hdl|cholesterol|triglycerides|testosterone"
                r"|ferritin|vitamin\s+d"
                r"|b12|cortisol|fasting\s+glucose|blood\s+sugar|glucose|creatinine|egfr|alt|ast|psa|bp"
                r"|blood\s+pressure)\s+(?:levels?\s+)?(?:is\s+|was\s+|of\s+|at\s+|came\s+back\s+(?:at\s+)?"
                r"|reading\s+(?:of\s+)?|=\s*|:\s*)?\d+(?:\.\d+)?(?:\s*/\s*\d+)?\b(?=[^\n]{0,60}(?:\?|\bwhat"
                r"\s+(?:does|should|do)|\bis\s+(?:that|it|this)\s+(?:bad|high|low|normal|ok|okay|good)"
                r"|\bshould\s+i|\bdo\s+i\s+(?:need|have)|\bneeds?\b|\bmean))"
                r"|\bwhat\s+(?:disease|condition|illness|infection|injury|disorder|deficiency|syndrome)"
                r"\s+(?:is|could|might|do|does|would|am|have|s)\b"
                r"|\b(?:is|could)\s+(?:it|this|that)\s+(?:be\s+)?(?:my|a|an)\s+(?:thyroid|hormone|hormones"
                rf"|hormonal|blood\s+sugar|metabolism|iron|b12|vitamin\s+d|{COND})\b"
                rf"|\b(?:could|might|is)\s+(?:it|this|that)\s+be\s+(?:an?\s+)?(?:{COND})"
                rf"|\bdo\s+you\s+think\s+i\s+(?:have|might\s+have)\s+(?:an?\s+)?(?:{COND})"
                r"|\bi\s+think\s+i\s+(?:have|might\s+have|may\s+have|could\s+have)\s+(?:an?\s+)?"
                rf"(?:{COND})"
            ),
            stages=IN,
            topic="diagnosis",
            referral_ok=True,
        ),
        TextRule(
            "medical.dose_question",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:take|taking)\s+(?:a\s+)?(?:double|extra|more|less|half|another)\b"
                r"|\b(?:double|doubling|skip|skipping|halve|halving|increase|decrease|raise|lower|up|stop"
                r"|quit|split|crush)\s+(?:a\s+|the\s+|my\s+)?(?:dose|dosage|pills?|tablets?|shots?"
                r"|injections?|it|them)\b"
                # "inject more than prescribed", "can I just take 6", "take 2 shots this week"
                r"|\b(?:more|less|fewer|higher|lower|extra|bigger|smaller)\s+(?:\w+\s+)?than\s+(?:prescribed"
                r"|recommended|my\s+(?:doctor|dose|prescription|gp)|i\s+(?:was|m|am)\s+(?:told|prescribed))"
                r"|\b(?:can|should|could|do)\s+i\s+(?:just\s+|only\s+)?(?:take|inject|use|do|have|skip"
                r"|miss)\s+(?:\d+|two|three|both|another|an\s+extra|extra|double|half|less|fewer|more"
                r"|only\s+\d+)\b"
            ),
            context=rf"\b(?:{MED_SPECIFIC})\b",
            stages=IN,
            topic="medication",
            referral_ok=True,
        ),
        TextRule(
            "medical.diagnosis_question",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:be|is|mean|means|caused\s+by|due\s+to|sign\s+of|symptom\s+of|because\s+of)\s+"
                rf"(?:an?\s+|my\s+)?(?:{COND})\b"
            ),
            context=(
                r"(?=.*\b(?:my|i|im|me|ive)\b)(?=.*(?:\?|\b(?:wonder|worried|think|could|might|maybe"
                r"|possibly)\b))"
            ),
            stages=IN,
            topic="diagnosis",
            referral_ok=True,
        ),
        TextRule(
            "medical.symptoms",
            T.MEDICAL_CLAIM,
            Severity.CRITICAL,
            Action.REFER,
            pattern=(
                r"\b(?:chest\s+(?:pain|pains|tightness|pressure|hurts|hurt|aches|is\s+tight|feels\s+tight)"
                r"|pain\s+in\s+my\s+chest|(?:heart\s+)?palpitations"
                r"|irregular\s+heart\s?beat|heart\s+(?:\w+\s+)?(?:skipping|skips|skipped)\s+(?:a\s+)?beats?"
                r"|faint(?:ed|ing)?\b(?!\s+(?:smell|taste|line|hint|sound|idea|memory))"
                r"|pass(?:ed|ing)?\s+out|black(?:ed|ing)?\s+out|collapsed"
                r"|blood\s+in\s+(?:my\s+)?(?:stool|urine|pee|poop|vomit)|(?:vomiting|throwing\s+up"
                r"|coughing|peeing|pissing|pooping|spitting|puking)\s+(?:up\s+)?blood"
                r"|blood\s+when\s+i\s+(?:pee|poop|cough)|bloody\s+(?:urine|stool|pee|poop)"
                r"|short(?:ness)?\s+of\s+breath|cant\s+breathe"
                r"|(?:numbness|tingling)\s+in\s+my|severe\s+(?:stomach|abdominal|chest)\s+pain"
                r"|(?:lost|losing|stopped\s+getting|missed|no\s+longer\s+get|havent\s+had|dont\s+get)"
                r"\s+(?:my\s+)?periods?|(?:my\s+)?periods?\s+(?:stopped|disappeared|went\s+away)"
                r"|(?:my\s+)?hair\s+(?:is\s+)?(?:falling\s+out|coming\s+out\s+in\s+clumps)"
                r"|\b(?:blood\s+pressure|bp)\b[^.!?\n]{0,25}?\b(?:1[6-9]\d|2\d\d)\s*/\s*\d{2,3}"
                r"|\b(?:blood\s+pressure|bp)\b[^.!?\n]{0,25}?\b\d{2,3}\s*/\s*(?:1\d\d)\b"
                r"|yellow(?:ing)?\s+(?:skin|eyes)|jaundice|dizzy|dizziness|light\s?headed|hands?\s+(?:shake"
                r"|shaking|tremble|trembling)|shaky|confused\s+and\s+(?:weak|dizzy))"
            ),
            context=r"\b(?:i|im|ive|my|me|been|keep)\b",
            exclude=r"\b(?:laughing|drunk|drinking|from\s+laughter)\b",
            stages=IN,
            topic="symptoms",
            referral_ok=True,
        ),
        TextRule(
            "medical.symptom_question",
            T.MEDICAL_CLAIM,
            Severity.WARNING,
            Action.REFER,
            pattern=(
                rf"\b(?:{SYMPTOMS})\b(?=[^\n]{{0,60}}\b(?:{DIAG_Q}))"
                rf"|\b(?:{DIAG_Q})\b(?=[^\n]{{0,60}}\b(?:{SYMPTOMS})\b)"
            ),
            context=r"\b(?:i|im|ive|my|me)\b",
            # soreness after training is expected, not a diagnosis question
            exclude=(
                r"\b(?:sore|soreness|stiff|doms|aching|ache|aches|tired)\b(?=[^.!?\n]{0,40}\b(?:leg\s+day"
                r"|workout|training|gym|lifting|squats?|deadlifts?|run|running|exercise|session|cardio"
                r"|class)\b)|\b(?:leg\s+day|workout|training|gym|lifting|squats?|deadlifts?|exercise"
                r"|session)\b[^.!?\n]{0,40}\b(?:sore|soreness|stiff|doms|aching|ache|aches|tired)\b"
            ),
            stages=IN,
            topic="symptoms",
            referral_ok=True,
        ),
        TextRule(
            "medical.condition_diet",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:im|i\s+am|while|currently|since\s+im|as\s+im|weeks|months)\s+(?:\w+\s+)?"
                r"(?:pregnant|breastfeeding|breast\s?feeding|nursing|expecting)\b(?=[^.!?\n]{0,80}\b"
                r"(?:lose|losing|diet|dieting|deficit|cut(?:ting)?\s+(?:calories|carbs)|fast(?:ing)?"
                r"|calories|keto|weight\s+loss|restrict\w*|slim|drop))"
                r"|\b(?:lose|losing|diet|dieting|deficit|fast(?:ing)?|keto|cut(?:ting)?\s+calories"
                r"|weight\s+loss)\b(?=[^.!?\n]{0,60}\b(?:while|when|during)\s+(?:im\s+|i\s+am\s+)?"
                r"(?:pregnant|pregnancy|breastfeeding|nursing))"
                r"|\b(?:type\s+(?:1|one|i)\s+diabet\w*|t1d|t1\s+diabetic|(?:on|take|taking|use|using)"
                r"\s+insulin)\b(?=[^.!?\n]{0,80}\b(?:fast\w*|keto\w*|low\s+carb|no\s+carb|zero\s+carb"
                r"|carnivore|skip\w*\s+meals|cut\w*\s+(?:out\s+)?carbs|omad|extended))"
                r"|\b(?:fast\w*|keto\w*|low\s+carb|no\s+carb|carnivore|skip\w*\s+meals)\b(?=[^.!?\n]"
                r"{0,60}\b(?:type\s+(?:1|one)\s+diabet\w*|t1d|on\s+insulin))"
                r"|\b(?:kidney\s+(?:disease|failure|problems?|issues?|damage|transplant)|ckd|dialysis"
                r"|one\s+kidney|renal\s+(?:disease|failure))\b(?=[^.!?\n]{0,80}\b(?:protein|creatine"
                r"|potassium|supplements?))"
                r"|\b(?:high\s+protein|more\s+protein|protein|creatine)\b(?=[^.!?\n]{0,60}\b(?:kidney\s+"
                r"(?:disease|failure|problems?|issues?)|ckd|dialysis|one\s+kidney))"
                r"|\b(?:gastric\s+(?:bypass|sleeve|band)|bariatric\s+surgery|lap\s?band|weight\s+loss"
                r"\s+surgery)\b(?=[^.!?\n]{0,80}\b(?:diet|eat|calories|protein|fast|lose))"
                r"|\b(?:heart\s+(?:condition|failure|disease|problems?)|arrhythmia|afib)\b(?=[^.!?\n]"
                r"{0,80}\b(?:fat\s+burners?|stimulants?|pre\s?workouts?|caffeine\s+pills|fasting"
                r"|extreme))"
            ),
            stages=IN,
            topic="condition",
            referral_ok=True,
        ),
        TextRule(
            "medical.cure_claim",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:cure|cures|cured|curing|reverse|reverses|reversed|reversing|heal|heals|healing"
                r"|fix|fixes|get\s+rid\s+of|eliminate|eliminates|treat|treats|treating)\s+(?:my\s+"
                rf"|your\s+|the\s+|his\s+|her\s+)?(?:{CURE_COND})\b"
            ),
            stages=BOTH,
            topic="diagnosis",
            referral_ok=True,
        ),
        TextRule(
            "medical.cure_question",
            *MEDICAL_REFER,
            pattern=(
                r"\b(?:cure|reverse|heal|fix|get\s+rid\s+of|treat|undo)\s+(?:it|this|that|them)\b"
                r"(?=[^.!?\n]{0,40}\b(?:with|by|through|using|on)\b)"
            ),
            context=r"\b(?:" + CURE_COND + r"|prediabetic|diabetic|insulin\s+resistant)\b",
            stages=IN,
            topic="diagnosis",
            referral_ok=True,
        ),
        TextRule(
            "medical.diagnosis_statement",
            *MEDICAL_REFER,
            pattern=(
                r"\byou\s+(?:probably\s+|likely\s+|clearly\s+|definitely\s+|most\s+likely\s+|might\s+"
                r"|may\s+|could\s+|must\s+|seem\s+to\s+|appear\s+to\s+)?(?:have|ve\s+got|are\s+suffering"
                r"\s+from|suffer\s+from|have\s+developed|are\s+showing\s+signs\s+of)\s+(?:an?\s+|some\s+)?"
                rf"(?:{COND})"
                r"|\b(?:sounds|looks|seems)\s+like\s+(?:you\s+(?:have|ve\s+got)\s+)?(?:an?\s+)?"
                rf"(?:{COND}|thyroid\s+(?:problem|issue))"
                r"|\b(?:this|that|these|those|it|your)\s+(?:symptoms?\s+|signs?\s+)?(?:is|are|could\s+be"
                r"|might\s+be|may\s+be)\s+(?:a\s+|likely\s+|probably\s+"
                r"|definitely\s+|clearly\s+|classic\s+)*(?:sign|signs|symptom|symptoms|caused\s+by)\s+"
                rf"(?:of\s+)?(?:an?\s+)?(?:{COND})"
                r"|\byou(?:re|\s+are)\s+(?:probably\s+|likely\s+|clearly\s+|definitely\s+)?(?:diabetic"
                r"|prediabetic|pre\s?diabetic|hypothyroid|hyperthyroid|insulin\s+resistant|anemic"
                r"|anaemic|anorexic|bulimic)"
                r"|\bi\s+(?:can\s+)?diagnose\s+you|\bmy\s+diagnosis\s+is"
                r"|\b(?:its|it\s+is|thats|that\s+is|this\s+is|these\s+are)\s+(?:probably|likely|definitely"
                r"|clearly|just|almost\s+certainly|most\s+likely|surely)\s+(?:just\s+)?(?:an?\s+)?"
                r"(?:" + COND + r")"
                r"|\b(?:this|that|these|those|your|it|everything)\s+(?:symptoms?\s+|signs?\s+|results?\s+)?"
                r"(?:points?|pointing)\s+to\s+(?:an?\s+)?(?:" + COND + r")"
                r"|\b(?:consistent\s+with|indicates?|suggests?)\s+(?:that\s+you\s+have\s+)?(?:an?\s+)?"
                r"(?:" + COND + r")"
                r"|\byour\s+(?:thyroid|hormones|metabolism|blood\s+sugar|insulin|testosterone|estrogen|cortisol"
                r"|iron|b12)\s+(?:levels?\s+)?(?:is|are|seems?|must\s+be)\s+(?:probably\s+|likely\s+|clearly\s+"
                r"|definitely\s+)?(?:underactive|overactive|slow|off|low|high|out\s+of\s+balance|imbalanced"
                r"|too\s+(?:low|high)|damaged|broken)"
            ),
            stages=OUT,
            topic="diagnosis",
            referral_ok=True,
        ),
        TextRule(
            "medical.prescription",
            T.MEDICAL_CLAIM,
            Severity.CRITICAL,
            Action.REFER,
            pattern=(
                r"\b(?:increase|double|raise|up|bump\s+up|decrease|lower|reduce|cut|halve|stop|skip"
                r"|quit|drop|change|adjust|switch|split|taper)\s+(?:taking\s+)?(?:your|the)\s+"
                rf"(?:{MED_ANY})(?:\s+(?:dose|dosage))?"
                r"|\btake\s+(?:\d+(?:\.\d+)?\s*(?:mg|mcg|ug|units?|iu|ml)\s+(?:of\s+)?(?:your\s+)?"
                rf"(?:{MED_SPECIFIC})|(?:an?\s+extra|more|less|double|half|another)\s+(?:of\s+)?"
                rf"(?:your\s+)?(?:{MED_SPECIFIC}|dose|medication|meds|pills?))"
                r"|\btake\s+(?:an?\s+)?(?:extra|additional|another|more)\s+\d+(?:\.\d+)?\s*(?:mg|mcg|ug|units?"
                rf"|iu|ml)\s+(?:of\s+)?(?:your\s+)?(?:{MED_SPECIFIC})"
                r"|\btake\s+(?:an?\s+)?(?:\d+(?:\.\d+)?\s*(?:mg|mcg|ug|units?|iu|ml)\s+)?(?:more|extra|less"
                r"|fewer|additional)\s+(?:of\s+)?(?:your\s+)?"
                rf"(?:{MED_SPECIFIC}|dose|medication|meds|pills?)"
                r"|\byou\s+(?:can|should|could|may|might\s+want\s+to)\s+(?:safely\s+)?(?:stop|quit"
                r"|come\s+off|go\s+off|skip|ditch|drop|cut\s+back\s+on|reduce|lower|double|increase)\s+"
                rf"(?:taking\s+)?(?:your\s+)?(?:{MED_ANY})"
                r"|\byou\s+(?:dont|do\s+not|wont|will\s+not|no\s+longer)\s+need\s+(?:your\s+|the\s+"
                rf"|any\s+)?(?:{MED_ANY})"
                rf"|\b(?:start|try)\s+(?:taking\s+)?(?:{MED_SPECIFIC})\b"
                # a dose of a named drug: "start with 0.5 mg of semaglutide", "take 800 mg advil"
                r"|\b(?:take|start|begin|inject|use|try|go|stick|stay|continue|increase|decrease|up|drop"
                r"|move|switch|bump|add|give|dose|bolus|have)\b[^.!?\n]{0,25}?\b\d+(?:\.\d+)?\s*(?:mg|mcg|ug"
                r"|units?|iu|mls?)\s+"
                rf"(?:of\s+)?(?:your\s+)?(?:{MED_SPECIFIC}|{MED_OTC})\b"
                rf"|\b(?:{MED_SPECIFIC}|{MED_OTC})\s+(?:at|of)\s+\d+(?:\.\d+)?\s*(?:mg|mcg|ug|units?|iu"
                r"|mls?)\b"
                r"|\b(?:no\s+need\s+to|dont\s+need\s+to|do\s+not\s+need\s+to|you\s+can\s+skip)\s+"
                r"(?:see|talk\s+to|visit|check\s+with)\s+(?:a|your)\s+(?:doctor|gp|physician)"
            ),
            stages=OUT,
            topic="medication",
            referral_ok=True,
        ),
    ]
