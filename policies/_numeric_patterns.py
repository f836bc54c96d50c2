"""Regex sources for the numeric text checks (compiled by ``NumericChecker``)."""

from __future__ import annotations

from ._lexicon import NUM

UPPER_STRICT = r"(?:under|below|less\s+than|fewer\s+than|lower\s+than|beneath|<|\bsub)\s*-?\s*$"
UPPER = (
    r"(?:no\s+more\s+than|not\s+more\s+than|at\s+most|max(?:imum)?(?:\s+of)?|a\s+max\s+of|up\s+to"
    r"|<=|(?:never|not|dont|doesnt|wont|no\s+need\s+(?:for|to))\s+(?:\w+\s+){0,2}(?:more\s+than|over"
    r"|above))\s*(?:about\s+|around\s+)?$"
)
LOWER = (
    r"(?:at\s+least|over|more\s+than|above|minimum(?:\s+of)?|a\s+minimum\s+of|>=?|no\s+less\s+than"
    r"|not\s+less\s+than|upwards\s+of)\s*$"
)
PER_DAY_AFTER = (
    r"^\s*(?:calories\s+|kcal\s+|cals\s+)?(?:of\s+food\s+)?(?:(?:tops|max|maximum|at\s+most|or\s+less"
    r"|or\s+under)\s+)?(?:/\s?d\b|(?:(?:budgeted|allotted|allocated"
    r"|allowed|planned|set\s+aside|scheduled)\s+)?(?:for\s+)?(?:a|per|each|every|/|in\s+a|the)\s?day"
    r"|daily|(?:calorie\s+|kcal\s+|cal\s+)?(?:diet|plan|target|goal|limit|budget|intake|cap"
    r"|meal\s+plan|days?|regime|regimen|challenge|lifestyle|cut|bulk|menu)\b"
    # "a 1100 kcal vegan plan", "an 800 a day shake diet"
    r"|(?:calorie\s+|kcal\s+|cal\s+)?(?:[a-z]+\s+){1,2}?(?:diet|plan|meal\s+plan|menu|regime|regimen"
    r"|lifestyle)\b"
    r"|(?:calories\s+|kcal\s+)?(?:today|all\s+day|in\s+total|total|in\s+(?:a|one)\s+day|per\s+24"
    r"|on\s+(?:rest|training|gym|workout|off|non\s+training|lifting|run|running)\s+days))"
)
# A past single-day log ("I ate 1,050 calories today", "protein was only 40 g") is not a
# target; it counts only with a habitual rate ("a day", "every day", "for weeks").
PAST_INTAKE_BEFORE = (
    r"\b(?:ate|had|eaten|got|logged|consumed|managed|was|were|came\s+to)\b[^.;!?]{0,25}$"
)
HABITUAL_AFTER = (
    r"^\s*(?:calories\s+|kcal\s+|cals\s+|g\s+|grams\s+)?(?:of\s+(?:food|protein)\s+)?(?:/\s?d\b"
    r"|(?:a|per|each|every|/|in\s+a)\s?day|daily|most\s+days|on\s+\w+\s+days"
    r"|for\s+(?:weeks|days|months|a\s+while"
    r"|\d+\s+(?:days|weeks|months)))"
)
PER_WEEK_AFTER = (
    r"^\s*(?:calories\s+|kcal\s+)?(?:(?:a|per|each|every|/|in\s+a)\s?(?:week|wk)|weekly)"
    r"(?!\s?days?)"
)
ITEM_AFTER = (
    r"^\s*(?:calorie\s+|kcal\s+|cal\s+|calories\s+)?(?:meals?\b(?!\s*(?:plan|prep))|breakfast|lunch|dinner|snacks?|bars?"
    r"|shakes?|smoothies?|servings?|portions?|recipes?|dish|sandwich|salad|bowl|pizza|burger|burrito"
    r"|drinks?|beers?|cookies?|cake|plate|muffin|wrap|pack|bag|box|can|bottle|item|treat|dessert"
    r"|slice|piece|bite)\b"
    r"|^\s*(?:calories\s+|kcal\s+)?(?:for|at|per|each|in\s+(?:a|one|my|your|the|this|that))\s+"
    r"(?:breakfast|lunch|dinner|snack|meal|sitting|serving|portion|slice|piece|bite|go)"
    r"|^\s*(?:calories\s+|kcal\s+)?in\s+(?:it|this|that|one|a\s+(?:\w+\s+)?(?:bar|slice|serving))"
    r"|^\s*(?:calories\s+|kcal\s+|cals\s+)?(?:worth\s+)?of\s+(?!food\b|intake\b)\w"
    r"|^\s*(?:calories\s+|kcal\s+|cals\s+)?(?:each(?!\s+day)|apiece|a\s+piece|per\s+(?:meal|serving|portion"
    r"|piece|snack|item|slice|bar|person))\b"
    r"|^\s*(?:calories\s+|kcal\s+)?(?:so\s+far|by\s+(?:lunch|noon|dinner|lunchtime|midday|now)"
    r"|until\s+now|already|left|remaining|to\s+go|(?:over|under|below|above|short\s+of|away\s+from"
    r"|off)\s+(?:my|your|the)\s+(?:daily\s+)?(?:target|goal|limit|budget))"
)
ITEM_BEFORE = (
    r"\b(?:per|for\s+every|out\s+of)\s+$|\b(?:has|contains|containing|comes\s+to|came\s+to"
    r"|totals?|totalling|totaling)\s+(?:about\s+|around\s+|roughly\s+|only\s+|just\s+|like\s+"
    r"|nearly\s+|almost\s+|over\s+|under\s+)?$"
    r"|\b(?:meals?|snacks?|recipes?|ideas?|options?|dishes?|breakfasts?|lunches?|dinners?|orders?"
    r"|takeaways?|takeouts?|sandwich\w*|burgers?|bowls?|salads?|smoothies?|drinks?|desserts?|treats?"
    r"|items?|choices?|picks?|swaps?|bars?|cereals?|sides?|starters?)\s+"
    r"(?:ideas?\s+|options?\s+)?(?:under|below|less\s+than|of|around|about|at|with|containing)\s*$"
    r"|\b(?:meal|snack|breakfast|lunch|dinner|bar|shake|serving|portion|pizza|burger|dessert"
    r"|recipe|drink|it|this|that|which|each|they|these|those)\s+(?:has|had|have|is|was|are|were"
    r"|contains|containing|with|of|comes\s+to|came\s+to|totals?)?\s*(?:about\s+|around\s+"
    r"|roughly\s+|only\s+|just\s+|under\s+|over\s+|like\s+|nearly\s+|almost\s+)?$"
)
DEFICIT_AFTER = (
    r"^\s*(?:calories?\s+|kcal\s+|cals?\s+)?(?:daily\s+|a\s+day\s+|per\s+day\s+)?(?:deficit"
    r"|(?:less|fewer|below|under)\s+(?:than\s+)?(?:my\s+|your\s+)?(?:maintenance|tdee|needs"
    r"|requirements?|what\s+(?:i|you)\s+(?:burn|need)|(?:i|you)\s+burn)|(?:less|fewer)\b)"
)
DEFICIT_BEFORE = (
    r"(?:\bdeficit\b[^.;!?]{0,15}|(?:cut|cutting|subtract|subtracting|shave|shaving)\s+(?:off\s+"
    r"|out\s+)?(?:about\s+|around\s+|roughly\s+|an?\s+extra\s+)?"
    # "cut my intake by 1500"
    r"|\b(?:cut|cutting|reduce|reducing|lower|lowering|drop|dropping|decrease|decreasing)\s+(?:my\s+)?"
    r"(?:intake|calories|cals|kcal|food|eating|diet)?\s*by\s+(?:about\s+|around\s+|roughly\s+)?)$"
)
SURPLUS_AFTER = (
    r"^\s*(?:calories?\s+|kcal\s+|cals?\s+)?(?:daily\s+)?(?:surplus|(?:above|over|more\s+than)\s+"
    r"(?:my\s+|your\s+)?(?:maintenance|tdee|needs|requirements?|what\s+(?:i|you)\s+(?:burn|need)"
    r"|(?:i|you)\s+burn)"
    r"|more\b(?!\s+than\s+\d))"
)
SURPLUS_BEFORE = (
    r"(?:\bsurplus\b[^.;!?]{0,15}|(?:add|adding)\s+(?:an?\s+extra\s+)?(?:about\s+|around\s+)?)$"
)
EXPEND_BEFORE = (
    r"\b(?:burn|burns|burned|burnt|burning|bmr|tdee|maintenance|expenditure|expend|rmr|resting"
    r"|metabolic\s+rate|watch\s+says|fitbit|garmin|tracker|workout|exercise|cardio|steps"
    r"|activity|active\s+calories|use|uses|used|need\s+to\s+maintain)\b[^,;.!?]{0,25}$"
)
EXPEND_AFTER = (
    r"^\s*(?:calories\s+|kcal\s+|cals\s+)?(?:burn(?:ed|t)?|maintenance|tdee|bmr|expenditure"
    r"|out\b|during|from\s+(?:exercise|running|walking|the\s+gym|cardio|workouts?|steps)"
    r"|on\s+(?:the|my|a)\s+(?:treadmill|bike|run|walk|elliptical|peloton)|in\s+(?:my|the|a|an|one)"
    r"\s+(?:workout|session|class|run|hour|spin))"
)
INTAKE_BEFORE = (
    r"\b(?:eat|eating|eats|consume|consuming|intake|diet|dieting|target|goal|aim"
    r"|aiming|limit|limiting|budget|cap|capping|stick(?:ing)?\s+to|get\s+(?:down\s+)?to|getting\s+"
    r"(?:down\s+)?to|go\s+(?:down\s+)?to|going\s+(?:down\s+)?to|cut\s+(?:down\s+|back\s+)?to"
    r"|cutting\s+(?:down\s+|back\s+)?to|drop\s+(?:down\s+)?to|lower\s+(?:it\s+)?to|reduce\s+(?:it\s+)?"
    r"to|set|setting|put\s+me|plan|only|just|under|below|less\s+than|fewer\s+than|no\s+more\s+than"
    r"|at\s+most|max|maximum|live\s+on|living\s+on|survive\s+on|surviving\s+on"
    r"|allow\s+myself|allowed|restrict\w*|keep|try|start(?:ing)?\s+(?:at|with)|go\s+for|aim\s+for"
    r"|get\s+by\s+on|getting\s+by\s+on|run\s+on|running\s+on|down\s+to"
    r"|(?:im|i\s+am|been|stay|staying|be|go|going|put\s+me|keep\s+me|start\s+me)\s+on"
    r"|calories?\s+(?:at|to|of|around|about)|kcal\s+(?:at|to|of)|budget|stay|staying)\b[^.;!?]{0,30}$"
    r"|\b(?:macros|plan|menu|diet|targets?|day|meal\s+plan|days)\s+(?:for|at|of|with|around|totall?ing)"
    r"\s+(?:about\s+|around\s+|only\s+|just\s+)?$"
)
IMPLICIT_BEFORE = (
    r"\b(?:calories?|kcal|cals?|intake|target|budget|limit|goal|allowance)\s*(?:(?:of|at|to|is|are|=|:|→|>"
    r"|around"
    r"|about|under|below|down\s+to|was|be|set|put|fixed|capped|kept|stay|stays|somewhere|roughly"
    r"|approximately|like|only|just)\s*)*$"
)
IMPLICIT_AFTER = (
    r"^\s*(?:$|[,.!?;)]|(?:a|per|each|every|/)\s?day|daily|(?:and|or|but|is|are|was|would|will"
    r"|for|to|instead|max|tops|or\s+less|or\s+so|ish|fewer|less|more|below|under|above|from"
    r"|starting|beginning|until|till|tomorrow|tonight|now|again|onwards|going\s+forward|then"
    r"|this|next|on\s+(?:weekdays|weekends|workdays|rest\s+days))\b)"
)
LOSS_VERB = (
    r"\b(?P<v>lose|losing|drop|dropping|shed|shedding|cut|cutting|burn\s+off|get\s+rid\s+of"
    r"|take\s+off|knock\s+off|melt|melting|slim\s+down|trim|down|lighter|loss\s+of|lost|dropped"
    r"|gain|gaining|gained|put\s+on|putting\s+on|pack\s+on|bulk\s+up|add|adding)\b"
)
PAST = frozenset({"lost", "dropped", "gained"})
GAIN = frozenset({"gain", "gaining", "put on", "putting on", "pack on", "bulk up", "add", "adding"})
# A target weight, not an amount to lose: "get down to 60", "be 62 by June", "until I'm 70kg".
TARGET_BEFORE = (
    r"(?:\b(?:be|reach|reaching|hit|hitting|weigh|weighing)\s+(?:down\s+to\s+|to\s+)?(?:at\s+)?"
    r"|\b(?:get|getting|go|going|down|come|coming|drop|dropping)\s+(?:back\s+)?(?:down\s+)?to\s+"
    r"|\b(?:until|till|til|untill|before)\s+(?:i\s*m|i\s+am|im|i\s+reach|i\s+hit|i\s+get\s+to"
    r"|i\s+weigh|i\s+see)\s+)(?:about\s+|around\s+)?$"
)
FAST = (
    rf"\b(?P<n1>{NUM})\s?-?\s?(?P<u1>hours?|hrs?|h|days?|weeks?|months?)\s+(?:long\s+)?(?:(?:water"
    r"|juice|dry|full|complete|total|extended|prolonged|only|liquid|broth|zero\s+calorie|strict)\s+)"
    r"{0,2}fast(?:ing|s)?\b"
    r"|\bfast(?:ing|ed)?\s+(?:for\s+)?(?:about\s+|around\s+|at\s+least\s+|over\s+|like\s+)?"
    rf"(?P<n2>{NUM})\s?(?:full\s+|whole\s+|entire\s+|straight\s+|solid\s+)?"
    r"(?P<u2>hours?|hrs?|days?|weeks?|months?)\b"
    r"|\b(?:not\s+eat(?:ing)?|no\s+food|without\s+(?:food|eating)|eat\s+nothing|eating\s+nothing"
    r"|only\s+(?:drink(?:ing)?\s+)?water|just\s+water|nothing\s+but\s+water|zero\s+food)\s+"
    r"(?:at\s+all\s+)?(?:for\s+)?(?:about\s+|around\s+|at\s+least\s+|over\s+|like\s+)?"
    rf"(?P<n3>{NUM})\s?(?P<u3>hours?|hrs?|days?|weeks?|months?)\b"
    rf"|\b(?P<n4>{NUM})\s?(?:full\s+|whole\s+|straight\s+)?(?P<u4>days?|weeks?)\s+(?:without|with\s+no"
    r"|of\s+no)\s+(?:food|eating|eating\s+anything|meals)\b"
    # "how long can you survive without eating? I want to try 2 weeks"
    r"|\b(?:without\s+(?:food|eating)|no\s+food|not\s+eat\w*|eat\w*\s+nothing)\b[^.!\n]{0,60}?"
    r"\b(?:try|do|go|attempt|aim\s+for|manage|last|push)\s+(?:it\s+)?(?:for\s+)?(?:about\s+"
    rf"|around\s+|at\s+least\s+)?(?P<n5>{NUM})\s?(?P<u5>days?|weeks?)\b"
    # "I haven't eaten in 4 days"
    r"|\b(?:havent|hadnt|have\s+not|not|didnt)\s+(?:eaten|eat|had\s+(?:any\s+)?food)\s+(?:anything\s+)?"
    rf"(?:in|for)\s+(?:about\s+|around\s+|over\s+|like\s+)?(?P<n6>{NUM})\s?(?P<u6>days?|weeks?)\b"
)
WEIGHT_STATED = (
    r"\b(?:i\s+weigh|im|i\s+am|currently|my\s+weight\s+is|weighing|i\s+m)\s+(?:about\s+|around\s+"
    r"|roughly\s+|currently\s+|only\s+|just\s+|at\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>kgs?|kilos?"
    r"|lbs?|pounds?|stone)\b(?!\s+(?:overweight|heavier|over|too\s+heavy|above|more))"
)
AGE_STATED = (
    r"\b(?:im|i\s+am|i\s+m)\s+(?:only\s+|just\s+|almost\s+|nearly\s+)?(?P<a>\d{1,2}|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen)\b(?:\s*(?:years?\s*old|yo|y/o|yrs?(?:\s*old)?))?"
    r"(?!\s*(?:kg|kilos?|lbs?|pounds?|stone|st\b|%|percent|cm|ft|feet|foot|inches|in\b|m\b|minutes?"
    r"|mins?|hours?|days?|weeks?|months?|times?|x\b|\.\d|'|\"|,\d|k\b|cals?|kcal|calories|g\b"
    r"|grams?|servings?|meals?|miles?|km))"
    r"|\b(?P<b>\d{1,2}|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\s*-?\s*(?:years?\s*old"
    r"|yo|y/o|yr\s*old)\b"
)
TEEN = (
    r"\b(?:im|i\s+am)\s+(?:a\s+)?(?:teen|teenager|minor|high\s+schooler|in\s+(?:middle|high)\s+"
    r"school|in\s+(?:7th|8th|9th|10th|11th|seventh|eighth|ninth|tenth|eleventh)\s+grade)\b"
)
WANTS_LOSS = (
    r"\b(?:get|go|going|getting)\s+down\s+to\b|\bgoal\s+weight\b|\bweigh\s+less\b"
    r"|\b(?:lose|losing|drop|shed)\s+(?:some\s+|the\s+)?(?:weight|fat|\d|a\s+few|pounds|kilos"
    r"|[a-z]+\s+(?:kg|kilos?|pounds|lbs?))|\b(?:diet|dieting|deficit|cut\s+calories|calorie\s+"
    r"(?:deficit|counting)|get\s+(?:skinny|thin|thinner|skinnier)|slim\s+down|skinnier|thinner)\b"
)
UNDERWEIGHT = (
    r"\bbmi\s+(?:is\s+|of\s+|=\s*|:\s*|at\s+|around\s+|about\s+|only\s+|just\s+)*(?P<v>\d{2}(?:\.\d+)?)\b"
    r"|\b(?:im|i\s+am)\s+(?:already\s+|technically\s+|medically\s+|a\s+bit\s+|slightly\s+)?underweight\b"
)
SEX_MALE = r"\b(?:im|i\s+am|as)\s+(?:a\s+|an\s+)?(?:\w+\s+){0,3}?(?:man|guy|male|dude|bloke)\b"
SEX_FEMALE = r"\b(?:im|i\s+am|as)\s+(?:a\s+|an\s+)?(?:\w+\s+){0,3}?(?:woman|girl|female|lady)\b"
ATHLETE = (
    r"\b(?:athlete|olympi\w*|pro\s+(?:cyclist|athlete|swimmer|rower|footballer|player)"
    r"|ironman|triathlon|triathlete|ultra\s?marathon\w*|ultra\s?runner|marathon\s+training"
    r"|training\s+for\s+(?:a\s+|an\s+)?(?:marathon|ironman|triathlon|ultra)|tour\s+de\s+france"
    r"|strongman|sumo|rower|swimmer|cyclist|lineman|varsity|(?:rugby|football|soccer|basketball|hockey"
    r"|nfl|afl|volleyball|water\s+polo)\s+player|(?:two|three|four|five|six|\d)\s+hours?"
    r"\s+(?:of\s+)?training\s+(?:a|per|every)\s+day)\b"
)
PROTEIN_AFTER = r"^\s*(?:of\s+)?(?:protein|prot)\b"
PROTEIN_BEFORE = (
    r"\bprotein\s+(?:intake\s+|target\s+|goal\s+)?(?:to|at|of|is|around|about|under|below|=|:|down"
    r"\s+to)?\s*(?:only\s+|just\s+|about\s+|around\s+|under\s+|below\s+|less\s+than\s+|like\s+"
    r"|roughly\s+|approximately\s+|approx\s+|maybe\s+)*$"
)
PROTEIN_ITEM = (
    r"^\s*(?:of\s+)?protein\s+(?:per|a|each|every|at|in|for|with)\s+(?:each\s+|every\s+|a\s+|your\s+"
    r"|the\s+|one\s+|my\s+)?(?:meal|serving|scoop|shake"
    r"|breakfast|lunch|dinner|snack|sitting|bar|portion|sitting)|^\s*(?:of\s+)?protein\s+"
    r"(?:in|from)\s+(?:it|this|that|one|a|each|the)"
    r"|^\s*(?:of\s+)?protein\s+(?:before|after|at|with|for|in)\s+(?:bed|training|a\s+workout|workouts?"
    r"|the\s+gym|sleep|breakfast|lunch|dinner|night|once|one\s+sitting|my\s+shake)"
)
PERCENT_BW = r"^\s*(?:of\s+)?(?:my\s+|your\s+|their\s+)?(?:body\s?weight|bw|weight|body\s+mass)"
LOOSE_VERB_BEFORE = (
    r"\b(?:do|doing|go|going|try|trying|hit|hitting|have|having|be|being|run|running)\s+"
    r"(?:an?\s+)?(?:about\s+|around\s+|like\s+|only\s+|just\s+|maybe\s+)?$"
)
OTHER_UNITS = (
    r"\b(?:steps|push\s?ups|reps|squats|sets|ml|mg|minutes|mins|hours|words|pages|meters|metres|km"
    r"|miles|dollars|bucks|euros|jumps|laps|times|people|users|points|followers)\b|[$€£]"
)

# Words that make a bare number in a sentence about food a calorie figure.
CALORIE_TALK = (
    r"\b(?:calor\w*|kcal|cals?|intake|eat|eating|diet|food|meals?|menu|meal\s+plan|get\s+by|live"
    r"|survive|crash|down\s+to|shopping\s+list|groceries|recipes|restrict\w*|maintenance|tdee"
    r"|bulk\w*|cut|cutting|surplus|deficit|macros)\b"
)
# "eight-fifty a day max": a bare daily number with a cap word is a calorie limit.
DAILY_CAP_AFTER = (
    r"^\s*(?:a|per|each|every|/)\s?day\s+(?:max|maximum|tops|at\s+most|or\s+less|or\s+under"
    r"|limit|cap)\b|^\s*(?:max|maximum|tops)\s+(?:a|per|each|every)\s?day\b"
)
# Verbs that set an intake level on their own, with no "a day" ("drop to 700 from Monday",
# "cap myself at nine hundred").
INTAKE_VERB_BEFORE = (
    r"\b(?:eat|eating|(?:drop|dropping|cut|cutting|get|getting|go|going|bring|reduce|reducing|lower"
    r"|lowering)\s+(?:\w+\s+)?(?:down\s+|back\s+)?to|(?:cap|capping|limit|limiting|restrict\w*|keep"
    r"|keeping)\s+(?:myself|me|it|intake|things)\s+(?:at|to|under|below)|live\s+on|living\s+on"
    r"|survive\s+on|surviving\s+on|get\s+by\s+on|stay\s+(?:under|below)|(?:eat|eating)\s+(?:under"
    r"|below|less\s+than|no\s+more\s+than|at\s+most|max)"
    # "double my 2500 maintenance to 5000", "restrict me to 750"
    r"|(?:double|triple|raise|increase|bump|up|take|push|restrict|limit|cap)\s+(?:it|me|myself"
    r"|my\s+(?:\d+\s+)?\w+)\s+(?:up\s+|down\s+)?(?:to|at)"
    # "double my calories from 3000 to 6000", "cut from 2500 to 1000"
    r"|\bfrom\s+(?:about\s+|around\s+)?\d[\d,.]*\s*(?:k\b|kcal|cals?|calories)?\s+(?:to|up\s+to"
    r"|down\s+to)"
    # "a meal plan around 1,150", "macros for 1800"
    r"|\b(?:macros|plan|menu|diet|meal\s+plan|meals|day\s+of\s+eating)\s+(?:for|at|of|with|around"
    r"|totall?ing|set\s+(?:at|to)))\s+(?:about\s+|around\s+|roughly\s+|like\s+|only\s+|just\s+)?$"
)
# "cut my intake by 1500": a deficit named by its size
CUT_BY_BEFORE = (
    r"\b(?:cut|cutting|reduce|reducing|lower|lowering|drop|dropping|decrease|decreasing)\s+(?:my\s+)?"
    r"(?:intake|calories|cals|kcal|food|eating|diet)?\s*by\s+(?:about\s+|around\s+|roughly\s+)?$"
)
# "daily kcal -> 850", "daily calorie target: 900": the rate written before the label
DAILY_BEFORE = (
    r"\b(?:daily|per\s+day|a\s+day|each\s+day|every\s+day)\s+(?:calorie\w*|kcal|cals?|intake|target"
    r"|budget|limit|goal|allowance)\b[^.;!?]{0,16}$"
)
# "a 1k a day plan": a bare daily number that names a diet.
PLAN_AFTER = (
    r"^\s*(?:a|per|/|each)\s?day\s+(?:\w+\s+)?(?:plan|diet|menu|meal\s+plan|regime|challenge)\b"
)
# "nothing but a 500 kcal shake daily": the item is the whole day's food.
SOLE_INTAKE_BEFORE = (
    r"\b(?:nothing\s+but|only|just|live\s+on|living\s+on|survive\s+on|surviving\s+on|all\s+i\s+"
    r"(?:eat|have)\s+is)\s+(?:an?\s+|one\s+)?$"
)
PER_DAY_LATER = r"\b(?:a|per|each|every)\s?day\b|\bdaily\b"
# A whole day's food named before its total: "plan me meals totalling 850 kcal".
DAILY_TOTAL_BEFORE = (
    r"\b(?:meals|menu|day|days|diet|plan|food|eating)\s+(?:that\s+|which\s+)?(?:totall?ing|totals?"
    r"|add(?:s|ing)?\s+up\s+to|coming\s+to|comes?\s+to)\s+(?:about\s+|around\s+|roughly\s+"
    r"|only\s+|just\s+|like\s+)?$"
)
# A short next sentence that claims the number: "that's my goal", "gonna do it anyway".
FOLLOW_UP = (
    r"\s*(?:(?:thats|that\s+is|this\s+is|its|it\s+is|thats\s+gonna\s+be)\s+(?:my|the)\s+(?:\w+\s+)?"
    r"(?:goal|target|plan|limit|budget|aim|max|number|cap)"
    r"|(?:i\s*m\s+|im\s+|i\s+am\s+)?(?:gonna|going\s+to|will|ll)\s+(?:do|try|start|stick\s+to)\s+"
    r"(?:it|that|this)|(?:thats|that\s+is|its|this\s+is)\s+what\s+(?:im|i\s+am|i\s+m|ive\s+been|i\s+will"
    r"|ill)\s+(?:doing|eating|going\s+with|going\s+to\s+do|do|eat)|(?:im|i\s+am)\s+(?:doing|starting)"
    r"\s+(?:it|that|this))\b"
)
# "bump me up to 12000", "take it up to 4k": a raise, not an upper bound.
RAISE_TO_BEFORE = (
    r"\b(?:bump|ramp|push|move|take|put|bring|go|going|crank|jack|scale|raise|increase|boost)"
    r"\s+(?:me\s+|it\s+|myself\s+|things\s+|my\s+\w+\s+)?up\s+to\s*(?:about\s+|around\s+)?$"
)
NOT_ATHLETE_BEFORE = r"\b(?:not|no|never|nt|hardly|far\s+from)\s+(?:\w+\s+){0,3}$"
# A weekly change with no verb is a goal or pace when the sentence says so.
RATE_GOAL = (
    r"\b(?:goal|target|aim|aiming|pace|rate|plan|speed|realistic|doable|possible|achievable"
    r"|keep\s+(?:it\s+)?up|on\s+track)\b"
)
GAIN_WORD = (
    r"\b(?:gain\w*|bulk\w*|put\w*\s+on|pack\w*\s+on|add\w*|heavier|bigger|build\w*|grow\w*"
    r"|muscle|mass)\b"
)
# "a third of my 2400 maintenance", "half my TDEE": an intake set as a fraction of needs.
FRACTION_OF_NEEDS = (
    r"\b(?P<f>half|a\s+third|one\s+third|a\s+quarter|one\s+quarter|a\s+fifth|two\s+thirds|\d{1,2}\s?%"
    r"|\d{1,2}\s+percent)\s+(?:of\s+)?(?:my\s+|your\s+|the\s+)?(?:(?P<n1>\d{3,4})\s+)?(?:maintenance"
    r"|tdee|normal\s+intake|usual\s+intake|normal\s+calories|usual\s+calories|needs)\b"
    r"(?:\s+(?:of\s+|at\s+|which\s+is\s+|\(\s*)?(?P<n2>\d{3,4}))?"
)
