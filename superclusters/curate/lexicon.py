"""The drafter's word lists, per language (pt, fr, en): the cues it reads claims, relations and events by.

Each entry is a regular-expression fragment matched case-insensitively as whole words (`\\w*` stands for
the inflections of a stem). The lists are written for the three languages as they are used in technology
news, not copied from the seeds' sentences: verbs in their common tenses (present, past, future,
conditional; the periphrastic future "vai construir", "va construire", "is going to build"), and the
nouns a journalist uses for each thing. Every value they map to (a property, a predicate, an event type, a
status, a modality) must be in the table schemas' vocabularies; tests/test_draft.py checks it, and the
drafter drops a cue whose value the schemas no longer hold rather than propose an invalid entry.

What is deliberately not here: names. Entities come from the shared registry (readings/entities.yaml)
and, for new ones, from the shape of the text (capitalised words, model numbers, role and place cues).
"""

from __future__ import annotations

LANGUAGES = ("pt", "fr", "en")

# -- numbers: what a count counts -----------------------------------------------------------------------
# A bare count takes its property from the noun it counts; the first list that matches wins.
COUNTED = {
    "h100_equivalent_count": {
        "pt": [r"\w*\s*equivalentes?\s+(?:ao|a|à|de)\s+H100", r"H100[- ]equivalentes?"],
        "fr": [r"équivalents?[- ](?:au\s+|à\s+|de\s+)?H100", r"H100[- ]équivalents?"],
        "en": [r"H100[- ]equivalents?", r"equivalents?\s+(?:of|to)\s+(?:an?\s+)?H100s?"],
    },
    "server_count": {
        "pt": [r"servidor(?:es)?"],
        "fr": [r"serveurs?"],
        "en": [r"servers?"],
    },
    "node_count": {
        "pt": [r"nós", r"nodos?", r"nódulos?"],
        "fr": [r"nœuds?", r"noeuds?"],
        "en": [r"nodes?"],
    },
    "gpu_count": {
        "pt": [r"GPUs?", r"processador(?:es)?", r"chips?", r"aceleradores?", r"placas?\s+(?:de\s+vídeo|gráficas?)", r"superchips?"],
        "fr": [r"GPUs?", r"processeurs?", r"puces?", r"accélérateurs?", r"cartes?\s+graphiques?", r"superpuces?", r"superchips?"],
        "en": [r"GPUs?", r"processors?", r"chips?", r"accelerators?", r"graphics\s+cards?", r"superchips?"],
    },
}
# A count of GPUs moved away from the buyer they were meant for.
DIVERTED = {
    "pt": [r"redirecion\w+", r"desvi\w+", r"reatribu\w+", r"realoc\w+", r"reservad[ao]s\s+para", r"inicialmente\s+(?:programad|destinad|previst)[ao]s\s+para"],
    "fr": [r"détourn\w+", r"redirig\w+", r"réaffect\w+", r"réattribu\w+", r"destiné\w*\s+à", r"initialement\s+prévu\w*\s+pour"],
    "en": [
        r"divert\w*",
        r"redirect\w*",
        r"reassign\w*",
        r"reallocat\w*",
        r"rerout\w*",
        r"earmarked\s+for",
        r"(?:meant|intended|originally\s+\w+|initially\s+\w+)\s+for",
    ],
}
# A fraction ("half") counts racks or accelerators: the noun after it, else in its sentence, else the one before.
FRACTION_NOUNS = {
    "rack_share": {
        "pt": [r"racks?", r"bastidores?", r"gabinetes?"],
        "fr": [r"racks?", r"baies?", r"armoires?"],
        "en": [r"racks?", r"cabinets?"],
    },
    "accelerator_share": {
        "pt": [r"processador(?:es)?", r"GPUs?", r"chips?", r"aceleradores?", r"hardware", r"capacidade\s+de\s+computação"],
        "fr": [r"processeurs?", r"GPUs?", r"puces?", r"accélérateurs?", r"matériel", r"puissance\s+de\s+calcul"],
        "en": [r"processors?", r"GPUs?", r"chips?", r"accelerators?", r"hardware", r"compute"],
    },
}
# Megawatts are power unless the words say cooling; a figure given for both is proposed twice.
COOLING = {
    "pt": [r"refrigeraç\w+", r"arrefeciment\w+", r"resfriament\w+"],
    "fr": [r"refroidissement\w*", r"réfrigération"],
    "en": [r"cooling", r"chillers?"],
}
POWER = {
    "pt": [r"energia", r"eletricidade", r"electricidade", r"potência", r"consumo", r"alimentação"],
    "fr": [r"électricité", r"électrique", r"énergie", r"puissance", r"consommation", r"alimentation"],
    "en": [r"power", r"electricity", r"electrical", r"energy", r"consumption"],
}
# Dollars are capital expenditure or an investment.
CAPEX = {
    "pt": [r"despesas?\s+de\s+capital", r"capex", r"gast\w+", r"cust\w+", r"investimentos?\s+em\s+capital"],
    "fr": [r"dépenses?\s+d'investissement", r"dépenses?\s+en\s+capital", r"capex", r"dépens\w+", r"coût\w*", r"coûte\w*"],
    "en": [r"capital\s+expenditures?", r"capex", r"spend\w*", r"spent", r"costs?", r"costing"],
}
INVESTMENT = {
    "pt": [r"invest\w+", r"aporte\w*", r"financiament\w+"],
    "fr": [r"invest\w+", r"financement\w*", r"financ\w+"],
    "en": [r"invest\w*", r"funding", r"fund\w*", r"financ\w+"],
}

# -- modality ------------------------------------------------------------------------------------------
# Checked in this order on the words of an entry's clause; "reported" when none matches.
MODALITY = [
    (
        "proposal",
        {
            "pt": [r"deveria", r"deveriam", r"pesquisa", r"enquete", r"propôs", r"propõe", r"proposta"],
            "fr": [r"devrait-il", r"sondage", r"propos\w+", r"demandant\s+(?:aux|à)\s+\w+\s+si"],
            "en": [r"should\s+\w+\s+invest", r"poll\w*", r"propos\w+", r"asking\s+\w+\s+(?:whether|if)"],
        },
    ),
    (
        "speculation",
        {
            "pt": [r"provavelmente", r"talvez", r"possivelmente", r"pode\s+haver", r"poderia\w*", r"poderão", r"rumores?", r"especul\w+"],
            "fr": [r"probablement", r"peut-être", r"pourrai\w+", r"pourront", r"rumeurs?", r"spécul\w+", r"serait\s+\w+"],
            "en": [r"probably", r"perhaps", r"possibly", r"likely", r"could", r"might", r"may", r"rumou?r\w*", r"speculat\w+"],
        },
    ),
    (
        "estimate",
        {
            "pt": [r"equivalente\s+a", r"estimativa\w*", r"estimad\w+", r"estima\w*", r"calcul\w+"],
            "fr": [r"l'équivalent\s+de", r"équivalent\s+à", r"estim\w+", r"calcul\w+"],
            "en": [r"the\s+equivalent\s+of", r"equivalent\s+to", r"estimat\w+", r"calculat\w+"],
        },
    ),
    (
        "target",
        {
            "pt": [r"objetivo", r"meta", r"alvo", r"mira\w*", r"pretende\s+\w+.*\baté\b"],
            "fr": [r"objectif", r"cible", r"vis\w+\s+à", r"ambitionn\w+"],
            "en": [r"goal", r"target\w*", r"aims?\s+to", r"aiming\s+to", r"intends?\s+to\s+\w+.*\bby\b"],
        },
    ),
    (
        "planned",
        {
            "pt": [
                r"planej\w+",
                r"planos?",
                r"pretend\w+",
                r"prevê",
                r"previa",
                r"vai\s+\w+r",
                r"vão\s+\w+r",
                r"irá\s+\w+r",
                r"irão",
                r"será\s+construíd\w+",
                r"se\s+unirá",
                r"construirá",
            ],
            "fr": [r"prév\w+", r"projet\w+\s+de", r"planifi\w+", r"compte\s+\w+r", r"va\s+\w+r", r"vont\s+\w+r", r"sera\s+construit\w*", r"construira"],
            "en": [r"plan\w*", r"intend\w*", r"will\s+be\s+built", r"is\s+set\s+to", r"are\s+set\s+to", r"is\s+going\s+to"],
        },
    ),
    (
        "expected",
        {
            "pt": [r"esper\w+", r"espera-se", r"dev[ee]\s+\w+r", r"deverá\w*", r"\w+rá", r"\w+rão", r"estará"],
            "fr": [r"devrai\w+", r"devront", r"doit\s+\w+r", r"censé\w*", r"attend\w*", r"\w+era", r"\w+eront", r"\w+ront", r"sera"],
            "en": [r"expect\w*", r"should", r"will", r"would", r"is\s+due\s+to", r"poised\s+to", r"projected"],
        },
    ),
]

# -- who says it ------------------------------------------------------------------------------------
# A speech verb: its subject (the nearest person or organisation before it, or right after it when the
# verb comes first: "escreveu Musk", "said a Tesla insider") is the speaker of what follows.
SPEECH = {
    "pt": [
        r"afirm\w+",
        r"disse\w*",
        r"diz\w*",
        r"declar\w+",
        r"escreveu",
        r"anunci\w+",
        r"revel\w+",
        r"confirm\w+",
        r"mencion\w+",
        r"explic\w+",
        r"contou",
        r"informou",
        r"comentou",
        r"observou",
        r"garantiu",
        r"compartilhou",
        r"dizendo",
        r"afirmando",
    ],
    "fr": [
        r"a\s+déclaré",
        r"ont\s+déclaré",
        r"déclar\w+",
        r"a\s+dit",
        r"ont\s+dit",
        r"affirm\w+",
        r"a\s+écrit",
        r"écrit",
        r"annonc\w+",
        r"a\s+révélé",
        r"révél\w+",
        r"confirm\w+",
        r"expliqu\w+",
        r"indiqu\w+",
        r"précis\w+",
        r"reconnu",
        r"estim\w+",
        r"a\s+souligné",
    ],
    "en": [
        r"said",
        r"says",
        r"told",
        r"stated",
        r"noted",
        r"wrote",
        r"explained",
        r"announced",
        r"revealed",
        r"confirmed",
        r"added",
        r"claimed",
        r"captioned",
        r"posted",
        r"tweeted",
        r"commented",
        r"acknowledged",
        r"according\s+to",
    ],
}
# "according to X", "selon X", "segundo X": the speaker follows the cue.
SOURCE_BEFORE = {
    "pt": [r"segundo", r"de\s+acordo\s+com", r"conforme"],
    "fr": [r"selon", r"d'après", r"d’après"],
    "en": [r"according\s+to", r"per"],
}
# People or groups a text cites without naming them: (kind from the unnamed_parties vocabulary, label, cues).
UNNAMED = [
    (
        "sources",
        "sources",
        {
            "pt": [r"fontes?(?:\s+\w+){0,4}", r"pessoas\s+próximas\s+\w+\s+\w+"],
            "fr": [
                r"(?:des\s+)?sources?(?:\s+(?:proches?|au\s+fait|internes?|anonymes?))?(?:\s+d[eu]\s+dossier)?",
            ],
            "en": [r"(?:people|sources?)\s+(?:familiar|close)\s+with\s+the\s+(?:matter|project|plans?)", r"sources?"],
        },
    ),
    (
        # What the outlet itself had heard: the hearer is the outlet, the people it heard from go unnamed.
        "hearsay",
        "hearsay",
        {
            "pt": [r"(?:nós\s+)?(?:tínhamos\s+)?ouvi(?:mos|do)\s+dizer"],
            "fr": [r"nous\s+avions\s+entendu\s+dire", r"on\s+nous\s+a(?:vait)?\s+dit"],
            "en": [r"we\s+(?:had\s+)?heard"],
        },
    ),
    (
        "insider",
        "insider",
        {
            "pt": [r"um\s+(?:funcionário|engenheiro|executivo)(?:\s+\w+){0,4}"],
            "fr": [r"un\s+(?:employé|ingénieur|initié|cadre)(?:\s+\w+){0,4}"],
            "en": [r"an?\s+(?:\w+\s+)?insider(?:\s+\w+){0,4}", r"one\s+engineer(?:\s+\w+){0,4}", r"an?\s+(?:employee|engineer|executive)(?:\s+\w+){0,4}"],
        },
    ),
    (
        "rumour",
        "rumours",
        {"pt": [r"rumores"], "fr": [r"des\s+rumeurs", r"rumeurs"], "en": [r"rumou?rs"]},
    ),
    (
        "group",
        "shareholders",
        {"pt": [r"(?:os\s+)?acionistas(?:\s+d[ao]\s+\w+)?"], "fr": [r"(?:les\s+)?actionnaires(?:\s+de\s+\w+)?"], "en": [r"(?:the\s+)?\w*\s*shareholders"]},
    ),
    (
        "group",
        "analysts",
        {"pt": [r"(?:os\s+)?analistas"], "fr": [r"(?:les\s+)?analystes"], "en": [r"(?:the\s+)?analysts"]},
    ),
    (
        "people",
        "some_people",
        {
            "pt": [r"alguns(?=\s+(?:acham|acreditam|pensam|dizem))"],
            "fr": [r"certains(?=\s+(?:pensent|estiment|croient|disent))"],
            "en": [r"some(?=\s+(?:think|believe|say))"],
        },
    ),
]

# -- events ------------------------------------------------------------------------------------------
# (event type, status or None, cues). A sentence can hold several; each type is proposed once per clause.
EVENTS = [
    (
        "status",
        "not_fully_operational",
        {
            "pt": [r"não\s+(?:estará|está|será)\s+(?:totalmente|plenamente|completamente)\s+operacional"],
            "fr": [r"(?:ne\s+sera|n'est|n’est)\s+pas\s+(?:encore\s+)?(?:pleinement|totalement|complètement)\s+opérationnel\w*"],
            "en": [r"not\s+(?:yet\s+)?(?:be\s+)?fully\s+operational", r"(?:becomes?|be)\s+fully\s+operational"],
        },
    ),
    (
        "status",
        "not_finished",
        {
            "pt": [r"não\s+(?:está|estava|foi)\s+(?:ainda\s+)?(?:terminad|concluíd|acabad)\w*", r"ainda\s+não\s+(?:está\s+)?(?:terminad|concluíd)\w*"],
            "fr": [r"(?:n'est|n’est|ne\s+sont|n'était)\s+pas\s+(?:encore\s+)?(?:terminé|achevé|fini)\w*"],
            "en": [r"(?:is|was|are)\s+not\s+(?:yet\s+)?(?:finished|complete|completed)", r"not\s+yet\s+(?:finished|complete)", r"unfinished"],
        },
    ),
    (
        "status",
        "not_working_properly",
        {
            "pt": [r"não\s+funciona\w*\s+(?:corretamente|direito|bem)"],
            "fr": [r"ne\s+fonctionne\w*\s+pas\s+(?:correctement|bien)"],
            "en": [r"(?:is\s+)?not\s+working\s+properly", r"does\s+not\s+work\s+properly", r"doesn't\s+work\s+properly"],
        },
    ),
    (
        "status",
        "operating_provisionally",
        {
            "pt": [r"(?:sistema|solução)\s+\w*\s*(?:temporári|provisóri)\w+", r"temporariamente", r"provisoriamente"],
            "fr": [r"(?:système|solution)\s+(?:de\s+\w+\s+)?(?:temporaire|provisoire)", r"temporairement", r"provisoirement"],
            "en": [r"temporary\s+\w+(?:\s+system)?", r"temporarily", r"provisional\w*"],
        },
    ),
    (
        "status",
        "not_ready",
        {
            "pt": [r"não\s+(?:está|estava|estão|estavam|estará)\s+(?:ainda\s+)?pront[ao]s?"],
            "fr": [r"(?:n'est|n’est|n'était|n’était|n'étaient|n’étaient|ne\s+sont|ne\s+sera)\s+pas\s+(?:encore\s+)?(?:tout\s+à\s+fait\s+)?prêt\w*"],
            "en": [r"(?:is|was|were|are)\s+not\s+(?:yet\s+|quite\s+)*ready", r"not\s+(?:yet\s+)?ready"],
        },
    ),
    (
        "status",
        "postponed",
        {
            "pt": [r"adiad\w+", r"postergad\w+", r"atrasad\w+"],
            "fr": [r"repouss\w+", r"report[ée]\w*", r"retard\w*", r"décal\w+"],
            "en": [r"postponed", r"delayed", r"pushed\s+back", r"pushed\s+to"],
        },
    ),
    (
        "status",
        "operational",
        {
            "pt": [r"(?:entrou|entrará|está)\s+em\s+(?:operação|funcionamento)", r"já\s+(?:está\s+)?operacional"],
            "fr": [r"(?:est|est\s+entré)\s+en\s+service", r"(?:est\s+)?désormais\s+opérationnel\w*", r"(?:a\s+été|été)\s+mise?s?\s+en\s+service"],
            "en": [r"(?:is|went|came)\s+(?:now\s+)?(?:online|operational|live)", r"entered\s+service"],
        },
    ),
    (
        "status",
        "under_construction",
        {
            "pt": [
                r"(?:sendo|a\s+ser)\s+(?:construíd|montad|instalad)\w*",
                r"em\s+(?:construção|obras|montagem)",
                r"constrói",
                r"está\s+construindo",
                r"estão\s+construindo",
            ],
            "fr": [
                r"en\s+cours\s+(?:de\s+)?(?:construction|d'assemblage|d’assemblage|d'installation|de\s+montage)",
                r"construit(?!\s+par)",
                r"en\s+construction",
            ],
            "en": [r"being\s+(?:built|assembled|installed)", r"under\s+construction", r"is\s+building", r"are\s+building"],
        },
    ),
    (
        "gpu_diversion",
        None,
        {
            "pt": [r"redirecion\w+", r"desvi\w+", r"reatribuição"],
            "fr": [r"détourn\w+", r"redirig\w+", r"réaffect\w+"],
            "en": [r"divert\w*", r"redirect\w*", r"reassign\w*", r"rerout\w*"],
        },
    ),
    (
        "gpu_order",
        None,
        {"pt": [r"encomend\w+", r"comprou", r"adquiriu"], "fr": [r"command[ée]\w*", r"a\s+acheté", r"acquis"], "en": [r"ordered", r"bought", r"purchased"]},
    ),
    (
        "lawsuit_dismissal",
        None,
        {
            "pt": [r"arquivad\w+", r"rejeitad\w+\s+pel[ao]\s+(?:juiz|tribunal)", r"retirou\s+(?:a|o)\s+(?:ação|processo)"],
            "fr": [r"classée\s+sans\s+suite", r"rejetée?\s+par\s+(?:le|la)\s+(?:juge|tribunal|cour)", r"abandonn\w+\s+(?:la|sa)\s+plainte", r"débout\w+"],
            "en": [
                r"dismissed",
                r"thrown\s+out",
                r"dropped\s+(?:the|his|its|their)\s+(?:suit|lawsuit|case)",
                r"withdr[ae]w\s+(?:the|his|its)\s+(?:suit|lawsuit)",
            ],
        },
    ),
    (
        "lawsuit",
        None,
        {
            "pt": [r"ação\s+judicial", r"process[ao]u?\b", r"processam", r"process(?:ará|ou)", r"entrou\s+com\s+uma\s+ação"],
            "fr": [r"poursui\w+", r"procès", r"plainte", r"assign\w+\s+en\s+justice"],
            "en": [r"sue[sd]?", r"suing", r"lawsuit", r"filed\s+suit", r"legal\s+action"],
        },
    ),
    (
        "partnership",
        None,
        {
            "pt": [r"parceri\w+", r"se\s+unir\w*", r"se\s+unindo", r"juntará", r"se\s+juntar\w*", r"colaboração", r"aliança"],
            "fr": [r"partenariat\w*", r"s'associe\w*", r"s’associe\w*", r"collaboration", r"s'allie\w*", r"alliance", r"rejoin\w+"],
            "en": [r"partner\w*", r"team(?:s|ed|ing)?\s+up", r"join(?:s|ed|ing)?\s+forces", r"collaborat\w+", r"alliance", r"joins?\s+the"],
        },
    ),
    (
        "announcement",
        None,
        {
            "pt": [r"anunci\w+", r"revelou", r"apresentou", r"divulgou\s+(?:planos?|que)"],
            "fr": [r"annonc\w+", r"a\s+révélé", r"a\s+dévoilé", r"dévoil\w+", r"présent\w+"],
            "en": [r"announc\w+", r"unveil\w+", r"revealed\s+(?:that|plans)"],
        },
    ),
    (
        "video_post",
        None,
        {
            "pt": [r"vídeo"],
            "fr": [r"vidéo"],
            "en": [r"video", r"footage"],
        },
    ),
    (
        "product_launch",
        None,
        {
            "pt": [r"lanç\w+", r"lanc\w+", r"estreia\w*"],
            "fr": [r"lanc\w+", r"lancement", r"sortie", r"déploiement"],
            "en": [r"launch\w*", r"roll\s*out", r"rollout", r"release\s+of", r"debut\w*"],
        },
    ),
    (
        "operational_milestone",
        None,
        {
            "pt": [
                r"(?:estará|ficará|entrará|estar|ficar|entrar|será|ser)\s+(?:disponível|pront[ao]s?|operacional|em\s+operação|em\s+funcionamento|concluíd[ao]s?)",
                r"on-line\s+até",
                r"pront[ao]s?\s+até",
            ],
            "fr": [
                r"(?:sera|seront|être|entrer)\s+(?:pleinement\s+)?(?:prêt|opérationnel|disponible|mise?s?\s+en\s+service|en\s+service|achevé|terminé)\w*",
                r"pas\s+prêt\w*\s+avant",
                r"mise?s?\s+en\s+service\s+(?:d'ici|en)",
            ],
            "en": [
                r"(?:will\s+be|be|becomes?|become)\s+(?:fully\s+)?(?:operational|available|online|ready|finished|completed?)",
                r"come\s+online",
                r"online\s+by",
            ],
        },
    ),
    (
        "construction",
        None,
        {
            "pt": [r"expans(?:ão|ões)", r"obras", r"ampliação", r"canteiro"],
            "fr": [r"chantier", r"agrandissement", r"extension"],
            "en": [r"expansions?", r"construction\s+(?:is\s+)?underway", r"construction\s+work"],
        },
    ),
    (
        "earnings",
        None,
        {
            "pt": [r"lucros?", r"receitas?", r"resultados\s+(?:do|trimestrais)", r"balanço"],
            "fr": [r"bénéfices?", r"résultats\s+(?:du|trimestriels|financiers)", r"chiffre\s+d'affaires"],
            "en": [r"earnings", r"revenue", r"quarterly\s+results", r"profits?"],
        },
    ),
    (
        "stock_move",
        None,
        {
            "pt": [r"ações\s+\w*\s*(?:dispar|sub|ca[íi]|despenc)\w*", r"preços\s+das\s+ações"],
            "fr": [r"(?:action|titre)s?\s+\w*\s*(?:bondi|grimp|chut|recul)\w*", r"cours\s+de\s+(?:l'action|bourse)"],
            "en": [r"shares?\s+(?:\w+\s+)?(?:surged|jumped|rose|fell|dropped|soared|slumped)", r"stock\s+(?:price|prices)"],
        },
    ),
    (
        "poll",
        None,
        {"pt": [r"pesquisa\s+perguntando", r"enquete"], "fr": [r"sondage"], "en": [r"poll(?:ed|ing)?\b"]},
    ),
    (
        "resignation",
        None,
        {
            "pt": [r"renunci\w+", r"demitiu-se", r"deixou\s+o\s+cargo"],
            "fr": [r"démission\w*", r"a\s+quitté\s+son\s+poste"],
            "en": [r"resign\w*", r"stepped\s+down"],
        },
    ),
    (
        "departure",
        None,
        {"pt": [r"saída", r"deixou\s+a"], "fr": [r"départ", r"a\s+quitté"], "en": [r"departure", r"left\s+the\s+company", r"exit"]},
    ),
    (
        "interview",
        None,
        {"pt": [r"entrevista"], "fr": [r"entretien", r"interview"], "en": [r"interview"]},
    ),
    (
        "publication",
        None,
        {
            "pt": [r"divulgou\s+(?:seus|os|suas|as)\s+", r"publicou", r"esboçou"],
            "fr": [r"a\s+publié\s+(?:un|une|le|la|les|ses)\s+(?:rapport|article|document|lettre|plan)", r"publi\w+\s+(?:ses|les)\s+(?:e-mails|courriels)"],
            "en": [r"outlined", r"published\s+(?:a|the|his|its)\s+(?:report|paper|plan|letter)", r"released\s+(?:his|its|the)\s+(?:e-?mails|documents)"],
        },
    ),
    (
        "report",
        None,
        {
            "pt": [r"(?:nós\s+)?report(?:amos|ou)", r"noticiamos"],
            "fr": [r"nous\s+avions\s+signalé", r"nous\s+avons\s+rapporté", r"avions\s+rapporté"],
            "en": [r"we\s+reported", r"(?:has|had)\s+reported"],
        },
    ),
    (
        "disclosure",
        None,
        {
            "pt": [r"revelando", r"vazou", r"e-mails\s+internos"],
            "fr": [r"révélant", r"courriels\s+internes", r"e-mails\s+internes", r"fuit\w+"],
            "en": [r"revealing", r"leaked", r"internal\s+e-?mails"],
        },
    ),
    (
        "project_cancellation",
        None,
        {
            "pt": [r"cancel(?:ou|ará|ado)\w*", r"suspendeu"],
            "fr": [r"annul\w+", r"abandonn\w+\s+(?:le|les|d'autres)\s+projets?"],
            "en": [r"cancel(?:l)?ed", r"scrapped", r"shelved"],
        },
    ),
    (
        "requirement",
        None,
        {
            "pt": [r"precisa\s+de", r"necessita\w*", r"requer"],
            "fr": [r"a\s+besoin\s+de", r"nécessit\w+", r"requiert"],
            "en": [r"needs", r"requires?", r"necessitated"],
        },
    ),
    (
        "strategy_change",
        None,
        {
            "pt": [r"reorient\w+", r"mudou\s+o\s+foco", r"redirecionou\s+a\s+estratégia"],
            "fr": [r"réorient\w+", r"recentr\w+"],
            "en": [r"refocus\w*", r"pivot\w*", r"shifted\s+(?:its|the)\s+focus"],
        },
    ),
    (
        "statement",
        None,
        {
            "pt": [r"afirm\w+", r"disse", r"declarou", r"confirmou", r"descrit\w+\s+como", r"reconheceu", r"mencionou", r"segundo", r"de\s+acordo\s+com"],
            "fr": [r"a\s+déclaré", r"a\s+affirmé", r"a\s+confirmé", r"décrit\s+comme", r"a\s+reconnu", r"reconnu", r"a\s+dit", r"selon", r"d'après"],
            "en": [r"said", r"stated", r"noted", r"explained", r"described\s+as", r"acknowledged", r"confirmed", r"according\s+to"],
        },
    ),
]
# Event types that are what someone says: attributed to the speaker rather than to the outlet.
SPOKEN_EVENTS = {"statement", "interview"}
# Event types told as having happened: their modality is "reported" even where the words around them say a plan.
TOLD_EVENTS = {
    "announcement",
    "video_post",
    "statement",
    "report",
    "gpu_diversion",
    "gpu_order",
    "earnings",
    "lawsuit",
    "lawsuit_dismissal",
    "resignation",
    "departure",
    "interview",
    "publication",
    "disclosure",
    "poll",
}

# -- relations ----------------------------------------------------------------------------------------
# (predicate, cues, where the subject and object are): "sv-o" = subject before the cue, object after;
# "o-by-s" = a passive, object before, subject after ("built by Dell"); "pair" = two entities joined by the
# cue ("entre SSI e xAI"). The subject and object must be of the kinds named (entity types; hardware kinds
# as hardware:<kind>).
SYSTEM_KINDS = ("cluster", "supercomputer")
RELATIONS = [
    (
        "builds_part_of",
        "sv-o",
        {
            "pt": [r"(?:construindo|construirá|vai\s+montar|montará|fabricará|fornecerá)\s+(?:a\s+outra\s+)?(?:metade|parte|um\s+terço)\s+d[aeo]s?"],
            "fr": [r"(?:construit|construira|assemble\w*|fournira)\s+(?:la\s+)?(?:moitié|partie|un\s+tiers)\s+des?"],
            "en": [r"(?:build\w*|assembl\w+|suppl\w+)\s+(?:the\s+other\s+)?(?:half|part|a\s+third)\s+of"],
        },
    ),
    (
        "builds",
        "sv-o",
        {
            "pt": [r"constr[óo]i", r"construindo", r"construir", r"construirá", r"vai\s+construir", r"est(?:á|ão)\s+construindo", r"montar", r"monta"],
            "fr": [r"construi\w+", r"bâti\w+", r"assembl\w+", r"va\s+construire"],
            "en": [r"build\w*", r"built", r"construct\w*", r"assembl\w+"],
        },
    ),
    (
        "builds",
        "o-by-s",
        {
            "pt": [r"(?:construíd|montad|fabricad)[ao]s?\s+pel[ao]s?", r"(?:construíd|montad)[ao]s?\s+por"],
            "fr": [r"(?:construit|assemblé|fabriqué)e?s?\s+par"],
            "en": [r"(?:built|assembled|constructed|manufactured)\s+by"],
        },
    ),
    (
        "develops",
        "o-by-s",
        {
            "pt": [r"desenvolvid[ao]s?\s+(?:pel[ao]s?|por)", r"criad[ao]s?\s+(?:pel[ao]s?|por)"],
            "fr": [r"développé\w*\s+par", r"conçu\w*\s+par", r"créé\w*\s+par"],
            "en": [r"developed\s+by", r"designed\s+by", r"created\s+by"],
        },
    ),
    (
        "supplies",
        "sv-o",
        {
            "pt": [r"fornec\w+", r"abastec\w+", r"entreg\w+"],
            "fr": [r"fourni(?:t|ssent|ra|ront|ssait|ssaient|r)", r"livr(?:e|ent|era|eront|ait|aient|er)", r"approvisionn\w+"],
            "en": [r"suppl(?:y|ies|ied|ying)", r"provid\w+", r"deliver\w*", r"ship\w*\s+to"],
        },
    ),
    (
        "uses_component",
        "sv-o",
        {
            "pt": [
                r"(?:usa|utiliza|usará|utilizará|empreg\w+)\s",
                r"equipad[ao]\s+com",
                r"com\s+\S+\s+(?:GPUs|chips)",
                r"baseado\s+em",
                r"conta\s+com",
                r"compost[ao]\s+(?:de|por)",
            ],
            "fr": [
                r"utilis\w+",
                r"équipé\w*\s+(?:de|d')",
                r"dot[ée]\w*\s+(?:de|d')",
                r"basé\w*\s+sur",
                r"contenant",
                r"compos[ée]\w*\s+(?:de|d')",
                r"compte\s+(?:environ\s+)?\S+",
            ],
            "en": [
                r"uses",
                r"using",
                r"use",
                r"equipped\s+with",
                r"powered\s+by",
                r"based\s+on",
                r"runs\s+on",
                r"featur\w+",
                r"made\s+(?:up\s+)?of",
                r"composed\s+of",
            ],
        },
    ),
    (
        "connects_via",
        "sv-o",
        {
            "pt": [r"conectad[ao]s?\s+(?:via|por|através)"],
            "fr": [r"connecté\w*\s+(?:via|par)", r"reli\w+\s+par"],
            "en": [r"connected\s+(?:via|by|through)", r"interconnect\w*\s+(?:via|by|with)"],
        },
    ),
    (
        "part_of",
        "sv-o",
        {
            "pt": [r"faz\s+parte\s+d[aeo]", r"parte\s+d[aeo]", r"integra"],
            "fr": [r"fait\s+partie\s+de", r"partie\s+de", r"intégr[ée]\w*\s+à"],
            "en": [r"(?:is\s+)?(?:just\s+)?(?:one\s+)?part\s+of", r"belongs\s+to"],
        },
    ),
    (
        "invests_in",
        "sv-o",
        {"pt": [r"invest\w+"], "fr": [r"invest\w+"], "en": [r"invest\w*"]},
    ),
    (
        "sues",
        "sv-o",
        {
            "pt": [r"process\w+", r"ação\s+judicial\s+contra", r"entrou\s+com\s+uma\s+ação\s+\w*\s*contra"],
            "fr": [r"poursui\w+", r"plainte\s+contre", r"attaqu\w+\s+en\s+justice"],
            "en": [r"sue[sd]?", r"suing", r"lawsuit\s+against", r"filed\s+suit\s+against"],
        },
    ),
    (
        "partner_of",
        "sv-o",
        {
            "pt": [r"se\s+unirá\s+à", r"se\s+uni\w*\s+(?:à|a|com)", r"parcerias?\s+com"],
            "fr": [r"s'associe\w*\s+(?:à|avec)", r"s’associe\w*\s+(?:à|avec)", r"partenariat\s+avec", r"s'allie\w*\s+(?:à|avec)"],
            "en": [r"partner\w*\s+with", r"team\w*\s+up\s+with", r"partnership\s+with", r"join\w*\s+forces\s+with"],
        },
    ),
    (
        "partner_of",
        "pair",
        {
            "pt": [r"(?:colaboração|parceria|aliança)\s+entre", r"est(?:ão|arão)\s+se\s+unindo"],
            "fr": [r"(?:collaboration|partenariat|alliance)\s+entre", r"s'associent", r"s’associent"],
            "en": [r"(?:collaboration|partnership|alliance)\s+between", r"(?:are|will\s+be)\s+teaming\s+up"],
        },
    ),
    (
        "develops",
        "sv-o",
        {
            "pt": [r"desenvolv\w+", r"trabalh\w+\s+n[oa]", r"cri\w+"],
            "fr": [r"développ\w+", r"travaill\w+\s+sur", r"conçoit", r"conçu"],
            "en": [r"develop\w*", r"work\w*\s+on", r"design\w*"],
        },
    ),
    (
        "co_founded",
        "sv-o",
        {
            "pt": [r"cofundador\w*\s+d[aeo]", r"co-fundador\w*\s+d[aeo]", r"fundou"],
            "fr": [r"cofondat\w+\s+de", r"co-fondat\w+\s+de", r"a\s+fondé"],
            "en": [r"co-?founders?\s+of", r"co-?founded", r"founded"],
        },
    ),
    (
        "rivals",
        "sv-o",
        {"pt": [r"rivaliz\w+\s+com", r"concorr\w+\s+com"], "fr": [r"rivalis\w+\s+avec", r"concurrenc\w+"], "en": [r"rival\w*", r"compet\w+\s+with"]},
    ),
    (
        "depends_on",
        "sv-o",
        {"pt": [r"depende\w*\s+d[aeo]"], "fr": [r"dépend\w*\s+d[eu]"], "en": [r"depends?\s+on", r"hinges?\s+on", r"relies\s+on"]},
    ),
    (
        "powers",
        "sv-o",
        {
            "pt": [r"potencializ\w+", r"alimenta\w*", r"impulsion\w+"],
            "fr": [r"alimente\w*", r"propuls\w+"],
            "en": [r"power(?:s|ed)?\s+(?!by)", r"will\s+power", r"boost\w*"],
        },
    ),
]
# What a purpose is introduced by, for used_for: the subject is the system, the object the purpose.
PURPOSE = {
    "pt": [
        r"(?:usad|utilizad)[ao]s?\s+(?:principalmente\s+)?(?:para|na|no|em)",
        r"para\s+(?:treinar|resolver|desenvolver|aprimorar|melhorar|escalar|alimentar)",
        r"papel\s+\w+\s+n[oa]",
        r"serv(?:e|em|irá)\s+para",
    ],
    "fr": [
        r"utilisé\w*\s+(?:principalement\s+)?(?:pour|à)",
        r"(?:pour|afin\s+de)\s+(?:former|entraîner|résoudre|développer|améliorer|fournir)",
        r"rôle\s+\w+\s+dans",
        r"serv(?:ira|ent|iront)\s+à",
        r"sert\s+à",
    ],
    "en": [
        r"used\s+(?:mainly\s+|primarily\s+)?(?:by\s+(?:\w+\s+){1,3}?)?(?:for|to|in)",
        r"serves?\s+to",
        r"to\s+(?:train|solve|develop|power|improve|enhance|run)",
        r"role\s+in",
        r"(?:allow|enable)\w*\s+(?:\w+\s+)?to",
        r"aims?\s+to",
    ],
}
# Where something is: the object is a place after the cue; the subject the nearest system or place before.
LOCATED = {
    "pt": [r"em", r"na", r"no", r"perto\s+d[aeo]", r"localizad[ao]\s+(?:em|n[ao])", r"situad[ao]\s+(?:em|n[ao])", r"sediad[ao]\s+(?:em|n[ao])"],
    "fr": [r"à", r"au", r"en", r"dans", r"près\s+d[eu]", r"situé\w*\s+(?:à|au|dans)", r"installé\w*\s+(?:à|au|dans)", r"implanté\w*\s+(?:à|au|dans)"],
    "en": [r"in", r"at", r"near", r"outside", r"situated\s+at", r"located\s+(?:in|at)", r"based\s+in", r"housed\s+(?:in|at)"],
}
# Possessives: "Tesla's Cortex" (en), "Cortex de Tesla", "GPT-5 da OpenAI" (pt, fr); the words between
# the possessed name and "de" are few ("supercalculateur « Cortex » de Tesla").
POSSESSIVE_OF = {"pt": r"d[aeo]s?", "fr": r"de|d'|d’|du|des", "en": r"of"}
POSSESSIVE_PRONOUN = {
    "pt": r"seus|suas|seu|sua",
    "fr": r"son|sa|ses",
    "en": r"his|her|its|their",
}

# A sentence whose subject is the company named before ("A empresa também investiu ..."): the relation's subject
# is the last organisation named in an earlier sentence (a coreference).
COMPANY_ANAPHOR = {
    "pt": r"(?:a\s+empresa|a\s+companhia|o\s+grupo|a\s+startup)",
    "fr": r"(?:la\s+société|l'entreprise|l’entreprise|le\s+groupe|la\s+start-up)",
    "en": r"(?:the\s+company|the\s+firm|the\s+group|the\s+startup)",
}

# -- entities -----------------------------------------------------------------------------------------
# Words that are capitalised without naming anything new: sentence openers, titles, common abbreviations.
NOT_NAMES = {
    "pt": (
        "A As O Os Um Uma Uns Umas E Mas Num Numa No Na Nos Nas Do Da Dos Das De Em Para Por Com Como Se Também Isso"
        " Isto Esse Essa Este Esta Ele Ela Eles Elas Seu Sua Seus Suas Ainda Já Portanto Afinal Talvez Segundo Outras"
        " Outros Tudo Após Depois Antes Quando Enquanto Além Sobre Entre Até Hoje Ontem Fonte"
    ),
    "fr": (
        "Le La Les L Un Une Des De Du Et Mais Ou Ce Cette Ces Il Elle Ils Elles Son Sa Ses Leur Leurs Avec Sans Pour"
        " Par Dans En Au Aux À Selon Plus Moins Même Malgré Cependant Aujourd Bien Depuis Lors Quand Si Ainsi Enfin Puis"
        " Ensuite Nous Vous On Cela Ceci Source"
    ),
    "en": (
        "The A An And But Or In On At Of For With By From To As If When While This That These Those It Its He She They"
        " We You I His Her Their Our My Each Every Both All Some One Many Most Several However Moreover Also Earlier Later"
        " Now After Before Since During Meanwhile Today Yesterday Here There What Why How Who Which Source"
    ),
}
COMMON_CAPS = {
    "AI",
    "IA",
    "GPU",
    "GPUs",
    "CPU",
    "CPUs",
    "TPU",
    "TPUs",
    "NIC",
    "NICs",
    "CEO",
    "CFO",
    "CTO",
    "COO",
    "PDG",
    "HPC",
    "MW",
    "GW",
    "kW",
    "TWh",
    "GWh",
    "MWh",
    "US",
    "USA",
    "EUA",
    "UE",
    "EU",
    "USD",
    "EUR",
    "AGI",
    "LLM",
    "LLMs",
    "ML",
    "R&D",
    "IT",
    "TI",
    "PC",
    "HQ",
    "Gb",
    "Gbps",
    "TB",
    "PB",
    "FP8",
    "FP16",
    "FP64",
    "II",
    "III",
    "IV",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "S.A",
    "SA",
    "NY",
}
# A new name is a person when a role word stands right before it or after it (after a comma).
ROLES = {
    "pt": [
        r"CEO",
        r"CFO",
        r"CTO",
        r"presidente",
        r"diretor(?:a)?",
        r"fundador(?:a)?",
        r"cofundador(?:a)?",
        r"executiv[oa]",
        r"engenheir[oa]",
        r"analista",
        r"porta-voz",
        r"ministr[oa]",
        r"chefe",
        r"Sr\.",
        r"Sra\.",
    ],
    "fr": [
        r"PDG",
        r"CEO",
        r"directeur",
        r"directrice",
        r"président(?:e)?",
        r"fondat(?:eur|rice)",
        r"cofondat(?:eur|rice)",
        r"ingénieur",
        r"analyste",
        r"porte-parole",
        r"ministre",
        r"M\.",
        r"Mme",
    ],
    "en": [
        r"CEO",
        r"CFO",
        r"CTO",
        r"chief\s+\w+(?:\s+officer)?",
        r"president",
        r"founder",
        r"co-founder",
        r"director",
        r"engineer",
        r"analyst",
        r"spokesperson",
        r"minister",
        r"head\s+of\s+\w+",
        r"Mr\.",
        r"Ms\.",
        r"Mrs\.",
        r"Dr\.",
    ],
}
ORGANISATION_SUFFIXES = [
    r"Inc\.?",
    r"Corp\.?",
    r"Corporation",
    r"Ltd\.?",
    r"LLC",
    r"S\.A\.?",
    r"SA",
    r"GmbH",
    r"AG",
    r"Group",
    r"Labs?",
    r"Systems",
    r"Technologies",
    r"Platforms",
    r"Computing",
    r"Research",
    r"Institute",
    r"Center",
    r"Centre",
    r"Foundation",
    r"University",
    r"Université",
    r"Universidade",
    r"Cloud",
    r"Networks",
]
# Nouns that tell what a new name is, right before it ("a empresa Anthropic", "le supercalculateur Jean
# Zay", "the city of Memphis") or, for systems and products, right after it ("the Eagle supercomputer").
ORGANISATION_NOUNS = {
    "pt": [
        r"empresa",
        r"companhia",
        r"startup",
        r"fabricante",
        r"fornecedora",
        r"rival",
        r"parceira",
        r"laboratório",
        r"operadora",
        r"gigante",
        r"gigantes",
        r"relatório\s+d[aeo]",
        r"site",
        r"jornal",
        r"agência",
    ],
    "fr": [
        r"entreprise",
        r"société",
        r"start-up",
        r"startup",
        r"fabricant",
        r"fournisseur",
        r"constructeur",
        r"rival",
        r"partenaire",
        r"laboratoire",
        r"opérateur",
        r"géant",
        r"groupe",
        r"média",
        r"journal",
        r"agence",
    ],
    "en": [
        r"company",
        r"firm",
        r"startup",
        r"start-up",
        r"maker",
        r"supplier",
        r"vendor",
        r"provider",
        r"rival",
        r"partner",
        r"lab",
        r"laboratory",
        r"operator",
        r"giant",
        r"report\s+by",
        r"outlet",
        r"agency",
    ],
}
SYSTEM_NOUNS = {
    "pt": [r"supercomputador(?:es)?", r"superaglomerado", r"cluster", r"sistema", r"máquina", r"data\s+center", r"centro\s+de\s+dados"],
    "fr": [r"supercalculateurs?", r"superordinateurs?", r"cluster", r"supercluster", r"système", r"machine", r"centre\s+de\s+données"],
    "en": [r"supercomputers?", r"supercluster", r"cluster", r"system", r"machine", r"data\s+cent(?:er|re)"],
}
PRODUCT_NOUNS = {
    "ai_model": {
        "pt": [r"chatbots?", r"modelos?"],
        "fr": [r"chatbots?", r"modèles?", r"agents?\s+conversationnels?"],
        "en": [r"chatbots?", r"models?", r"LLMs?"],
    },
    "robot": {"pt": [r"robôs?", r"humanoide"], "fr": [r"robots?", r"humanoïde"], "en": [r"robots?", r"humanoid"]},
    "vehicle": {"pt": [r"carros?", r"veículos?", r"táxi"], "fr": [r"voitures?", r"véhicules?", r"taxi"], "en": [r"cars?", r"vehicles?", r"taxi"]},
    "network_adapter": {
        "pt": [r"NICs?", r"placas?\s+de\s+rede", r"switch\w*", r"InfiniBand", r"Ethernet", r"interconex\w+"],
        "fr": [r"NICs?", r"cartes?\s+réseau", r"commutateurs?", r"InfiniBand", r"Ethernet", r"interconnexions?"],
        "en": [r"NICs?", r"network\s+(?:cards?|adapters?)", r"switch\w*", r"SuperNICs?", r"InfiniBand", r"Ethernet", r"interconnects?"],
    },
    "accelerator": {
        "pt": [r"GPUs?", r"chips?", r"aceleradores?", r"processador(?:es)?", r"superchips?"],
        "fr": [r"GPUs?", r"puces?", r"accélérateurs?", r"processeurs?", r"superpuces?"],
        "en": [r"GPUs?", r"chips?", r"accelerators?", r"processors?", r"superchips?"],
    },
    "software": {"pt": [r"software"], "fr": [r"logiciel"], "en": [r"software"]},
}
# Words inside a new name that tell what it is ("Amazon Web Services", "Laboratório Nacional ...", "United States",
# "Project Rainier"): organisations, places, and projects (which in this dataset are systems).
NAME_WORDS = {
    "organisation": (
        r"Services|Enterprises?|Web|Nacional|National|Nationale|Ministério|Ministère|Ministry|Agency|Agência|Agence|Council|Conseil"
        r"|Laborat\w+|Cent(?:re|er|ro)|Institut\w*|Univers\w+|École|Escola|School|Foundation|Funda\w+|Fondation|Bank|Banco|Banque"
        r"|Group|Grupo|Groupe|Holdings?|Partners|Capital|Ventures|Energy|Energia|Énergie|Company|Companhia|Compagnie|Corporation|Inc\.?"
    ),
    "place": r"States|Kingdom|Republic|República|République|City|Cidade|Ville|Valley|Vale|County|Province|Província|Estado|État|Island|Ilha|Île",
    "hardware": r"Project|Projeto|Projet",
}
PLATFORM_NOUNS = {"pt": [r"plataformas?", r"servidor(?:es)?"], "fr": [r"plateformes?", r"serveurs?"], "en": [r"platforms?", r"servers?"]}
NAMING = {
    "pt": [r"chamad[ao]", r"denominad[ao]", r"batizad[ao]", r"apelidad[ao]", r"conhecid[ao]\s+como"],
    "fr": [r"appelé\w*", r"baptisé\w*", r"nommé\w*", r"surnommé\w*", r"dénommé\w*"],
    "en": [r"called", r"named", r"dubbed", r"known\s+as"],
}
PLACE_BEFORE = {
    "pt": [r"em", r"perto\s+de", r"cidade\s+de", r"estado\s+d[aeo]", r"região\s+de"],
    "fr": [r"à", r"près\s+de", r"ville\s+de", r"l'État\s+de", r"région\s+de", r"en"],
    "en": [r"in", r"near", r"city\s+of", r"state\s+of", r"outside"],
}
SITE_NOUNS = {
    "pt": [r"fábrica", r"complexo", r"campus", r"instalação", r"sede", r"usina", r"gigafábrica"],
    "fr": [r"usine", r"complexe", r"campus", r"site", r"siège", r"gigafactory"],
    "en": [r"factory", r"complex", r"campus", r"facility", r"site", r"plant", r"headquarters"],
}
# An organisation's headquarters, named after it: "sede da Tesla", "siège de Meta", "Tesla HQ".
HEADQUARTERS = {"pt": r"sede\s+d[aeo]", "fr": r"siège\s+(?:de|d'|du)", "en": r"headquarters\s+of"}
HEADQUARTERS_AFTER = {"pt": None, "fr": None, "en": r"(?:HQ|headquarters)"}
# A system the text describes without a name, by its owner ({owner} stands for the owner's name):
# "o supercomputador que a xAI está construindo", "the cluster Microsoft is building", "l'IA training cluster".
DESCRIBED = {
    "pt": [
        r"(?:supercomputador|cluster|superaglomerado)\s+(?:em\s+)?que\s+(?:a\s+|o\s+)?{owner}\s+(?:está|estão)\s+(?:construindo|trabalhando|montando|desenvolvendo)",
        r"(?:cluster|supercomputador|superaglomerado)\s+de\s+(?:treinamento|IA)\s+(?:d[ao]\s+)?{owner}",
    ],
    "fr": [
        r"(?:supercalculateur|superordinateur|cluster)\s+que\s+{owner}\s+(?:construit|développe|assemble)",
        r"(?:cluster|supercalculateur)\s+(?:d'entraînement|d’entraînement|d'IA|d’IA)\s+(?:de\s+)?{owner}",
    ],
    "en": [
        r"(?:supercomputer|cluster|supercluster)\s+(?:that\s+|which\s+)?{owner}\s+(?:is|are)\s+(?:building|working\s+on|assembling|developing)",
        r"{owner}(?:['’]s)?\s+(?:AI\s+)?training\s+(?:cluster|supercomputer)",
    ],
}
