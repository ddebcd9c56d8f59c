"""The actors an item names, each under one English name, in every language of the feeds.

The gazetteer (`gazetteer.py`) answers yes or no ("does the text name a Global South
country?"); analysts want to know which one: "which countries were named most this
month" should not need a hand-written list and a regex. `SPELLINGS` maps every spelling
of the gazetteer's actor groups to the actor it names, under one English name and a
kind, or to nothing for words that name no single actor ("developing countries",
"governance"). A test holds each group's spellings equal to the gazetteer's, so a
spelling added there cannot be forgotten here. `EXTRA` adds actors the gazetteer does
not spell out (JAXA, SUPARCO, Blue Origin, Shenzhou...), and spellings that must win
over a shorter one starting at the same place ("nigeria" over "niger").

Matching follows the gazetteer's rules: the text is lower-cased once, a spelling starts
a word (no Latin or Cyrillic letter just before it), scripts without spaces match
anywhere, and short upper-case abbreviations (UN, USA, EU, ESA) are matched as written.
Where spellings overlap at one position the longest pattern is tried first, so
"印度尼西亚" is Indonesia, not India, and "south asia satellite" a programme, not a region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacebrief.classifiers.gazetteer import GROUPS, lowered

KINDS = ("country", "region", "agency", "organisation", "programme", "company")
MAX_TEXT_CHARS = 20_000  # an article's first 20,000 characters name its actors


@dataclass(frozen=True, order=True)
class Actor:
    """A country, region, agency, organisation, programme or company, by its English name."""

    name: str
    kind: str


@dataclass(frozen=True)
class NamedActor:
    """An actor as one text names it: how often, and whether its headline does."""

    actor: Actor
    mentions: int
    in_title: bool


def _country(name: str) -> Actor:
    return Actor(name, "country")


CHINA, RUSSIA, INDIA = _country("China"), _country("Russia"), _country("India")
UNITED_STATES = _country("the United States")
UN = Actor("the United Nations", "organisation")
ESA = Actor("ESA", "agency")

# group -> {actor or None: the group's spellings of it, exactly as the gazetteer writes them}
SPELLINGS: dict[str, dict[Actor | None, str]] = {
    "china": {
        CHINA: "china|chinese|beijing|chine|chinois|kína|kínai|chiny|chińsk|tiongkok|cina\\b|"
        "cines[ei]\\b|pechino|taikonaut|çin\\b|çinli|chinês|chinesa|chines|chinez|chino\\b|中俄|"
        "pequim|pékin|pekín|peking|kin[aeiu]\\b|"
        "kinas\\b|kinom\\b|kines|kinez|čín|китай|китайск|пекин|الصين|الصيني|بكين|चीन|బీజింగ్|"
        "చైనా|中国|中方|北京|چین|қытай|중국|trung quốc|tsina\\b|চীন",
        Actor("CNSA", "agency"): "cnsa|国家航天局",
        Actor("CMSA", "agency"): "cmsa",
        Actor("CASC", "company"): "casc",
        Actor("CAST", "company"): "cast\\b",
        Actor("China Great Wall Industry", "company"): "great wall",
        None: "xinhua",
    },
    "russia": {
        RUSSIA: "russia|russian|moscow|kremlin|putin|rusia|rússia|russie|russe\\b|russes\\b|"
        "rus[oa]s?\\b|russ[oaie]\\b|russos\\b|russas\\b|moscú|ロシア|中俄|"
        "russland|russisk|rosja|rosyjsk|rusland|russisch|oroszország|orosz|rusij|rusk|rusesc|"
        "rusă|ruse\\b|moscou|moscovo|moskv|moskau|mosca\\b|putyin|росси|российск|русск|москв|"
        "путин|روسيا|الروسي|موسكو|रूस|రష్యా|俄罗斯|俄方|росі|російськ|ресей|روسیه|روسی|روس\\b|"
        "러시아|rusya|রাশিয়া",
        Actor("Roscosmos", "agency"): "roscosmos|roskosmos|роскосмос|रोस्कोस्मोस|రోస్కోస్మోస్|俄航天",
    },
    "india": {
        INDIA: "india|indian|indien|indisch|indisk|inde\\b|indij|indick|indiano|indiană|"
        "new delhi|modi\\b|индия|индийск|الهند|الهندي|भारत|భారత|印度|ভারত|இந்திய|بھارت|ಭಾರತ|"
        "インド(?!ネシア)",
        Actor("ISRO", "agency"): "isro|исро|इसरो|ఇస్రో",
        Actor("IN-SPACe", "agency"): "in-space",
        Actor("NSIL", "company"): "nsil",
        Actor("UNNATI", "programme"): "unnati",
        Actor("the South Asia Satellite", "programme"): "south asia satellite",
    },
    "ilrs": {
        Actor("ILRS", "programme"): "ilrs\\b|international lunar research station|"
        "lunar research station|joint lunar base|lunar base project|recherche lunaire|"
        "investigación lunar|pesquisa lunar|ricerca lunare|cercetare lunar|"
        "mondforschungsstation|riset bulan|księżycow\\w* stacj|lunarn\\w* istraživačk|"
        "lunárn\\w* výskumn|måneforskning|månestasjon|maanonderzoeksstation|"
        "лунн\\w* (?:научн\\w* )?станци|научн\\w* лунн\\w* станци|мнлс|محطة البحث القمري|"
        "محطة أبحاث القمر|चंद्र अनुसंधान स्टेशन|చంద్ర పరిశోధన కేంద్ర|国际月球科研站|月球科研站",
        Actor("Chang'e", "programme"): "chang.?e-?[678]\\b|chang.?e [678]\\b|嫦娥[六七八]号",
    },
    "artemis_accords": {
        Actor("the Artemis Accords", "programme"): "artemis accords?|accords artemis|"
        "acuerdos artemis|acordos artemis|accordi artemis|acordurile artemis|"
        "sporazum\\w* artemis|artemis-?avtal|dohod\\w* artemis|porozumieni\\w* artemis|"
        "artemis-akkoord|artemis-abkommen|artemis-egyezmény|"
        "соглашени\\w* (?:об )?артемид|артемид\\w* соглашени|اتفاقيات أرتميس|आर्टेमिस समझौत|"
        "ఆర్టెమిస్ ఒప్పంద|阿尔忒弥斯协定",
    },
    "tiangong": {
        Actor("Tiangong", "programme"): "tiangong|tiangun|chinese space station|"
        "china's space station|chinese station|estação espacial chinesa|"
        "station spatiale chinoise|stazione spaziale cinese|"
        "stația spațială chinez|kinesk\\w* svemirsk\\w* postaj|kinesisk\\w* romstasjon|"
        "čínsk\\w* vesmírn\\w* stanic|chinesische\\w* raumstation|"
        "китайск\\w* (?:орбитальн\\w* )?станци|тяньгун|तियांगोंग|चीनी अंतरिक्ष स्टेशन|"
        "తియాంగాంగ్|చైనా అంతరిక్ష కేంద్ర|تيانغونغ|محطة الفضاء الصينية|天宫|中国空间站",
        # in Spanish the press also calls Neuquén's ground station "la estación espacial china"
        None: "estación espacial china",
    },
    "navigation": {
        Actor("BeiDou", "programme"): "beidou|бэйдоу|бейдоу|北斗|बेइदोउ|بيدو",
        Actor("GLONASS", "programme"): "glonass|глонасс|格洛纳斯|ग्लोनास|غلوناس",
        Actor("NavIC", "programme"): "navic",
        None: "satellite navigation|navigation satellite|navigation par satellite|"
        "navegación por satélite|navigazione satellitare|satelitsk\\w* navigacij|"
        "satelitn\\w* navigáci|satellittnavigasjon|satellitennavigation|"
        "спутников\\w* навигаци|卫星导航",
    },
    "regional_body": {
        Actor("the African Space Agency", "agency"): "african space agency|afsa\\b|"
        "agence spatiale africaine|agencia espacial africana|agência espacial africana|"
        "agenzia spaziale africana|agenția spațială african|afričk\\w* svemirsk\\w* agencij|"
        "afrikansk\\w* romfart|africk\\w* vesmírn\\w* agentúr|"
        "afrikanische\\w* weltraumagentur|وكالة الفضاء الأفريقية|非洲航天局",
        Actor("ALCE", "agency"): "alce\\b",
        Actor("APSCO", "organisation"): "apsco|asia-pacific space cooperation|亚太空间合作组织",
        Actor("the Arab Space Cooperation Group", "organisation"): "arab space",
        Actor("BRICS", "organisation"): "brics|брикс|بريكس|ब्रिक्स|బ్రిక్స్|金砖",
        Actor("the African Union", "organisation"): "african union|union africaine|"
        "unión africana|união africana|unione africana|uniunea african|afričk\\w* unij|"
        "den afrikanske union|africk\\w* únia|afrikanische\\w* union|الاتحاد الأفريقي|"
        "अफ्रीकी संघ|非洲联盟",
        # agency or union: EXTRA tells them apart before this spelling is tried
        None: "regional space agency|space agenc(?:y|ies) of|"
        "африканск\\w* (?:космическ\\w* агентств|союз)",
    },
    "un_governance": {
        Actor("COPUOS", "organisation"): "copuos|peaceful uses of outer space|"
        "legal subcommittee|外空委",
        Actor("UNOOSA", "organisation"): "unoosa",
        Actor("the G77", "organisation"): "g-?77|group of 77",
        Actor("the Conference on Disarmament", "organisation"): "conference on disarmament",
        UN: "united nations|naciones unidas|nations unies|nações unidas|nazioni unite|"
        "națiunile unite|ujedinjen\\w* narod|forente nasjoner|spojen\\w* národ|"
        "vereinte\\w* nationen|verenigde naties|narody zjednoczone|perserikatan bangsa|"
        "объединённ\\w* наций|объединенн\\w* наций|الأمم المتحدة|संयुक्त राष्ट्र|"
        "ఐక్యరాజ్య సమితి|联合国",
        Actor("the Outer Space Treaty", "programme"): "outer space treaty|traité de l'espace|"
        "tratado del espacio",
        Actor("the Moon Treaty", "programme"): "moon treaty",
        None: "long-term sustainability|governance|policymaking|space law|gouvernance|"
        "gobernanza|governança|guvernanț|droit spatial|derecho espacial|direito espacial|"
        "diritto spaziale|weltraumrecht|космическ\\w* прав",
    },
    "west": {
        Actor("NASA", "agency"): "nasa|наса|ناسا|नासा|నాసా",
        ESA: "欧空局",
        UNITED_STATES: "united states|u\\.s\\.|washington|estados unidos|états-unis|"
        "stati uniti|statele unite|sjedinjen\\w* američk|spojen\\w* štát|"
        "vereinigte\\w* staaten|verenigde staten|stany zjednoczone|amerika serikat|сша|"
        "الولايات المتحدة|أمريكا|अमेरिका|అమెరికా|美国",
        Actor("Europe", "region"): "european|européen|europea|europeo|europeu|europsk|"
        "europeisk|európsk|europäisch|europees|europejsk|европейск|أوروبا|यूरोप|欧洲",
        _country("the United Kingdom"): "britain|uk\\b|royaume-uni|reino unido|regno unito|"
        "marea britanie|velik\\w* britanij|storbritannia|großbritannien|британи",
        _country("France"): "france|франци",
        _country("Germany"): "germany|allemagne|alemania|germania|njemačk|tyskland|nemeck|"
        "deutschland|герман",
        _country("Japan"): "japan|japon|japón|giappone|japonia|япони|日本",
        Actor("the West", "region"): "western|west\\b|occident|westlich|zapad|vesten|vestlig|"
        "západ|запад|الغرب|पश्चिम|పాశ్చాత్య|西方",
    },
    "commercial": {
        Actor("SpaceX", "company"): "spacex|starlink|falcon 9|старлинк|спейсикс|स्टारलिंक|星链",
        Actor("OneWeb", "company"): "oneweb",
        Actor("Axiom Space", "company"): "axiom",
        Actor("Rocket Lab", "company"): "rocket lab",
        None: "startup|start-up|commercial|private firm|company|licen[cs]e|comercial|"
        "commerciale|kommersiell|komercij|komerčn|kommerziell|commercieel|komercyjn|"
        "entreprise|empresa|azienda|companie|tvrtk|selskap|spoločnos|unternehmen|"
        "firma privad|licenc|lisens|коммерческ|частн\\w* компани|تجاري|شركة|वाणिज्यिक|"
        "कंपनी|వాణిజ్య|商业|公司",
    },
    "global_south": {
        Actor("Africa", "region"): "afryk|südafrika|sudafrica|آفریقا|アフリカ|아프리카|अफ़्रीका|"
        "আফ্রিকা|châu phi|africa|african|afrique|africain|áfrica|afrika|afričk|afrikan|africk|"
        "африк|أفريقي|إفريقي|अफ्रीका|ఆఫ్రికా|非洲",
        _country("Algeria"): "argelia|argélia|algérie|algerie|алжир|algeria|الجزائر|阿尔及利亚",
        _country("Angola"): "ангол|أنغولا|安哥拉|アンゴラ|앙골라|angola",
        _country("Argentina"): "аргентин|الأرجنتين|آرژانتین|アルゼンチン|아르헨티나|अर्जेंटीना|"
        "arjantin|argentin|阿根廷",
        _country("Bahrain"): "бахрейн|البحرين|巴林|bahreïn|baréin|bahrein|bahrain",
        _country("Bangladesh"): "banglad|бангладеш|بنغلاديش|بنگلادش|バングラデシュ|방글라데시|"
        "bangladeş|bangladesh|बांग्लादेश|బంగ్లాదేశ్|孟加拉|বাংলাদেশ",
        _country("Benin"): "benin",
        _country("Bolivia"): "bolívi|боливи|болів|bolivia|玻利维亚",
        _country("Botswana"): "botswana",
        _country("Brazil"): "brazyli|brezilya|бразилі|البرازيل|برزیل|ブラジル|브라질|ब्राज़ील|"
        "ब्राजील|brazil|brasil|brésil|brazíli|бразили|巴西",
        _country("Burkina Faso"): "burkina",
        _country("Cameroon"): "camerún|cameroun|camarões|喀麦隆|cameroon",
        _country("Chile"): "чили\\b|чилийск|智利|chile",
        _country("Colombia"): "colômbia|колумби|колумбі|哥伦比亚|colombia",
        _country("Congo"): "congo",
        _country("Costa Rica"): "costa rica",
        _country("Cuba"): "куб[аеуы]\\b|кубинск|كوبا|古巴|キューバ|쿠바|cuba\\b|cuban",
        _country("Djibouti"): "джибути|جيبوتي|吉布提|djibouti",
        _country("Ecuador"): "equador|эквадор|еквадор|厄瓜多尔|ecuador",
        _country("Egypt"): "egitt|єгипт|エジプト|이집트|मिस्र|mısır|egypt|egipt|egito|égypte|"
        "ägypt|египт|مصر|埃及",
        _country("Ethiopia"): "äthiop|эфиоп|ефіоп|ethiopia|éthiopie|etiopi|إثيوبيا|埃塞俄比亚",
        _country("Ghana"): "ghana",
        _country("Guatemala"): "guatemala",
        _country("Indonesia"): "indonési|indonezj|endonezya|індонезі|إندونيسيا|اندونزی|"
        "インドネシア|인도네시아|इंडोनेशिया|ইন্দোনেশিয়া|in-đô-nê-xi-a|indonesia|indonezi|"
        "индонези|印度尼西亚",
        _country("Iran"): "irán|irã\\b|іран|イラン|ईरान|iran|иран|伊朗|ایران|إيران",
        _country("Iraq"): "ірак|العراق|عراق|伊拉克|iraq|irak",
        _country("Jordan"): "الأردن|约旦|jordan",
        _country("Kazakhstan"): "kazaj|cazaquist|kasach|kazach|kazakist|казахстан|казахск|"
        "قازاقستان|قزاقستان|كازاخستان|哈萨克斯坦|カザフスタン|카자흐스탄|कजाकिस्तान|कज़ाख़स्तान|"
        "kazakh|kazah|қазақ",
        _country("Kenya"): "kenia|quênia|quénia|кени[яиюй]|кені|كينيا|肯尼亚|ケニア|케냐|केन्या|"
        "kenya|kenij",
        _country("Kuwait"): "koweït|kuwejt|кувейт|الكويت|科威特|kuwait",
        _country("Kyrgyzstan"): "киргиз|кыргыз|吉尔吉斯|kyrgyz",
        _country("Laos"): "лаос|laos|lao\\b|老挝",
        _country("Malaysia"): "malasia|malaisie|malásia|malezya|малайзи|малайзі|ماليزيا|مالزی|"
        "马来西亚|マレーシア|말레이시아|मलेशिया|মালয়েশিয়া|ma-lai-xi-a|malaysia",
        _country("Mexico"): "mexik|messico|meksyk|meksika|мексик|المكسيك|مکزیک|墨西哥|メキシコ|"
        "멕시코|मेक्सिको|mexic|méxico",
        _country("Mongolia"): "монгол|منغوليا|蒙古国|モンゴル|몽골|मंगोलिया|mongolia",
        _country("Morocco"): "marruecos|marrocos|marocco|marokk|марокко|المغرب|摩洛哥|morocco|"
        "maroc",
        _country("Mozambique"): "moçambique|мозамбик|莫桑比克|mozambi",
        _country("Namibia"): "намиби|ناميبيا|纳米比亚|namibia",
        _country("Nepal"): "непал|نيبال|نپال|尼泊尔|ネパール|네팔|nepal|नेपाल|నేపాల్",
        _country("Nicaragua"): "nicarágua|никарагуа|нікарагуа|尼加拉瓜|nicaragua",
        _country("Niger"): "尼日尔|niger",
        _country("Nigeria"): "нигери|нігері|ナイジェリア|나이지리아|नाइजीरिया|nijerya|نيجيريا|"
        "尼日利亚",
        _country("Oman"): "оман\\b|عمان|عُمان|阿曼|oman\\b|omani",
        _country("Pakistan"): "pakistan|paquist|пакистан|باكستان|पाकिस्तान|పాకిస్తాన్|巴基斯坦|"
        "پاکستان|파키스탄",
        _country("Peru"): "pérou|перу\\b|秘鲁|peru\\b|perú",
        _country("the Philippines"): "філіппін|филиппин|菲律宾|フィリピン|phi-líp-pin|philippine|"
        "filipin|pilipinas|필리핀",
        _country("Qatar"): "catar\\b|катар\\b|катара\\b|катаре\\b|катарск|قطر|卡塔尔|qatar",
        _country("Rwanda"): "руанд|رواندا|卢旺达|ルワンダ|르완다|rwanda|ruand",
        _country("Saudi Arabia"): "saud[ií]|saoudi|saudyj|саудовск|саудівськ|عربستان|サウジ|"
        "사우디|सऊदी|suudi|saudi|السعودية|沙特",
        _country("Senegal"): "сенегал|塞内加尔|senegal|sénégal|السنغال",
        _country("Serbia"): "serbia|srbij",
        _country("South Africa"): "юар\\b|south africa|južnoafri|sør-afrika|南非",
        _country("Sri Lanka"): "шри-ланк|шрі-ланк|سريلانكا|سریلانکا|斯里兰卡|スリランカ|스리랑카|"
        "sri lanka|श्रीलंका|శ్రీలంక",
        _country("Sudan"): "sudão|судан|السودان|苏丹|sudan",
        _country("Syria"): "syrie|siria\\b|сири[яиюй]|сирійськ|سوريا|سوریه|叙利亚|syria",
        _country("Tajikistan"): "таджик|تاجیکستان|塔吉克|tajik",
        _country("Tanzania"): "танзани|تنزانيا|坦桑尼亚|tanzania",
        _country("Thailand"): "tajlandi|таиланд|таїланд|تايلاند|تایلند|タイ王国|태국|थाईलैंड|"
        "thái lan|thailand|tailand|thaïlande|泰国",
        _country("Tunisia"): "tunesi|тунис|туніс|تونس|突尼斯|tunisia|tunisi",
        _country("Türkiye"): "turqu[ií]a|turquie|türkei|turchia|turcj|турци|туреччин|түркия|تركيا|"
        "ترکیه|土耳其|トルコ|튀르키예|터키|türkiyə|turkey|türkiye|turkish|turci|turska|tyrkia",
        _country("Uganda"): "уганд|أوغندا|乌干达|ウガンダ|uganda",
        _country("the UAE"): "émirat|оаэ\\b|оае\\b|эмират|емірат|امارات|アラブ首長国連邦|"
        "아랍에미리트|यूएई|uae|emirates|emirat|الإمارات|阿联酋|إمارات",
        _country("Uzbekistan"): "ouzbek|узбек|أوزبكستان|ازبکستان|乌兹别克|özbekistan|uzbek",
        _country("Venezuela"): "венесуэл|венесуел|فنزويلا|ونزوئلا|ベネズエラ|베네수엘라|venezuela|"
        "委内瑞拉",
        _country("Vietnam"): "vietnã|wietnam|вьетнам|в'єтнам|в’єтнам|فيتنام|ویتنام|越南|ベトナム|"
        "वियतनाम|ভিয়েতনাম|vietnam|viet nam|việt nam|베트남",
        _country("Zambia"): "замби|赞比亚|zambia",
        _country("Zimbabwe"): "зимбабв|津巴布韦|zimbabwe",
        _country("Belarus"): "белорус|беларус|білорус|بيلاروسيا|بلاروس|白俄罗斯|belarus",
        _country("Azerbaijan"): "azerbaycan|azərbaycan|azərkosmos|azercosmos|азербайджан|أذربيجان|"
        "آذربایجان|阿塞拜疆|azerbaij|azerbaidj",
        _country("Mali"): "mali\\b",
        _country("Yemen"): "yemen|yémen|jemen|йемен|اليمن|也门",
        _country("Afghanistan"): "афганистан|афганістан|أفغانستان|افغانستان|阿富汗|अफगानिस्तान|"
        "अफ़ग़ानिस्तान|afghan",
        _country("Myanmar"): "мьянм|м'янм|缅甸|म्यांमार|myanmar",
        _country("Cambodia"): "камбодж|柬埔寨|campuchia|cambodia",
        _country("Lebanon"): "liban\\b|líbano|libano|ливан|لبنان|黎巴嫩|lebanon",
        _country("Libya"): "libye|libia\\b|ливи[яиюй]|лівії|ليبيا|利比亚|libya",
        _country("Somalia"): "somalia",
        _country("Madagascar"): "madagascar",
        _country("Mauritius"): "mauritius",
        _country("Côte d'Ivoire"): "ivory coast|côte d'ivoire",
        _country("Gabon"): "gabon",
        _country("Guinea"): "guinea",
        _country("Chad"): "chad\\b|tchad",
        _country("Eritrea"): "eritrea",
        _country("Haiti"): "haiti",
        _country("Honduras"): "honduras",
        _country("El Salvador"): "el salvador",
        _country("Paraguay"): "巴拉圭|paraguay",
        _country("Uruguay"): "乌拉圭|uruguay",
        _country("Panama"): "panama|panamá",
        Actor("INPE", "agency"): "inpe\\b",
        _country("the Dominican Republic"): "dominican",
        _country("Jamaica"): "jamaica",
        _country("Fiji"): "fiji",
        _country("Papua New Guinea"): "papua",
        _country("Timor-Leste"): "timor",
        _country("the Maldives"): "马尔代夫|मालदीव|maldives",
        _country("Bhutan"): "bhutan|भूटान",
        _country("Turkmenistan"): "туркмен|ترکمنستان|土库曼|turkmen",
        Actor("Latin America", "region"): "латинск\\w* америк|латинськ\\w* америк|拉美|拉丁美洲|"
        "mỹ latinh|latin america|latinoameric|amérique latine|lateinamerika",
        Actor("the Caribbean", "region"): "caribbean|caribe",
        Actor("the Arab world", "region"): "阿拉伯|アラブ|아랍|arab|العرب",
        Actor("the Global South", "region"): "グローバルサウス|global south|sud global|sur global|"
        "sul global|globalni jug|globalne juh|globale sør|globalen süden|глобальн\\w* юг|全球南方",
        Actor("the developing world", "region"): "途上国|개발도상국|विकासशील देश|"
        "gelişmekte olan ülke|developing (?:countries|nations|world)|países en desarrollo|"
        "pays en développement|paesi in via di sviluppo|țări în curs de dezvoltare|"
        "zemlje u razvoju|utviklingsland|rozvojov\\w* krajin|entwicklungsländer|"
        "países em desenvolvimento|развивающ|发展中国家",
        Actor("the G77", "organisation"): "g-?77",
        Actor("the Sahel", "region"): "sahel",
        Actor("the Gulf states", "region"): "gulf states",
        Actor("South Asia", "region"): "south asia",
        Actor("Central Asia", "region"): "中亚|central asia",
        Actor("ASEAN", "organisation"): "东盟|asean",
    },
}

# Actors the gazetteer does not spell out, and spellings that must beat a shorter one.
EXTRA: dict[Actor, str] = {
    CHINA: "кита[яюе]|китаем",  # the gazetteer's "китай" misses the other cases
    _country("Nigeria"): "nigeria|нигери",
    Actor("the People's Liberation Army", "agency"): "people's liberation army|"
    "ejército popular de liberación|armée populaire de libération|"
    "народно-освободительн\\w* арми|解放军",
    _country("Niger"): "niger\\b",
    _country("South Sudan"): "south sudan",
    _country("Equatorial Guinea"): "equatorial guinea",
    _country("Guinea-Bissau"): "guinea-bissau",
    _country("Papua New Guinea"): "papua new guinea",
    _country("South Africa"): "юар|جنوب أفريقيا",
    _country("Kenya"): "كينيا|肯尼亚|кени[яи]",
    _country("Thailand"): "thai\\b|таиланд",
    _country("Brazil"): "البرازيل",
    _country("Argentina"): "аргентин",
    _country("Türkiye"): "土耳其|турци",
    _country("the UAE"): "оаэ",
    _country("Ethiopia"): "эфиопи",
    _country("Venezuela"): "венесуэл",
    _country("Senegal"): "塞内加尔",
    _country("Rwanda"): "卢旺达",
    _country("Algeria"): "algérie",
    _country("Vietnam"): "越南|вьетнам",
    Actor("the African Space Agency", "agency"): "африканск\\w* космическ\\w* агентств",
    Actor("the African Union", "organisation"): "африканск\\w* союз",
    ESA: "european space agency",
    Actor("CNSA", "agency"): "china national space administration",
    Actor("CMSA", "agency"): "china manned space",
    Actor("JAXA", "agency"): "jaxa\\b",
    Actor("SUPARCO", "agency"): "suparco",
    Actor("Blue Origin", "company"): "blue origin",
    Actor("Airbus", "company"): "airbus",
    Actor("Thales Alenia Space", "company"): "thales",
    Actor("China Great Wall Industry", "company"): "cgwic|中国长城工业",
    Actor("CASC", "company"): "china aerospace science and technology",
    Actor("OneWeb", "company"): "eutelsat",
    Actor("Chang'e", "programme"): "chang'?e\\b|嫦娥",
    Actor("Shenzhou", "programme"): "shenzhou|神舟",
    Actor("Gaganyaan", "programme"): "gaganyaan",
    Actor("Chandrayaan", "programme"): "chandrayaan|चंद्रयान",
    Actor("the ISS", "programme"): "international space station|iss\\b|мкс\\b",
    Actor("the Artemis programme", "programme"): "artemis\\b",
}

# Abbreviations matched as written (lower-cased they are common words).
CASED: dict[Actor, str] = {
    UN: "UN|ONU|OSN|OON|ONZ|FN|UNO|ООН|PBB",
    UNITED_STATES: "USA|US|SUA|SAD",
    Actor("the European Union", "organisation"): "UE|EU",
    ESA: "ESA",
}

# A spelling starts a word: no Latin or Cyrillic letter just before it (as the gazetteer).
_WORD_START = r"(?<![a-zß-ÿāăąćčďđēęěğıľłńňőœřśşšţťůűźżžșțа-яё])"


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex (`a|b(?:c|d)|e` -> a, b(?:c|d), e)."""
    out: list[str] = []
    depth, start, index = 0, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            out.append(pattern[start:index])
            start = index + 1
        index += 1
    out.append(pattern[start:])
    return out


def _spellings() -> Iterator[tuple[str, Actor | None]]:
    for actor, pattern in EXTRA.items():
        yield from ((spelling, actor) for spelling in alternatives(pattern))
    for table in SPELLINGS.values():
        for maybe_actor, pattern in table.items():
            yield from ((spelling, maybe_actor) for spelling in alternatives(pattern))


@dataclass(frozen=True)
class _Matcher:
    """One alternation of every spelling (longest pattern first, no capture groups: with
    one group per spelling Python's `re` runs 100x slower), then, for each match, the
    spellings that start with its first character, tried in the same order, say whose.
    A spelling carried by two groups names each actor once (中俄: China and Russia)."""

    lowered: re.Pattern[str]
    by_first_char: dict[str, tuple[tuple[re.Pattern[str], tuple[Actor, ...]], ...]]
    cased: re.Pattern[str]
    cased_actors: tuple[Actor, ...]


@cache
def _matcher() -> _Matcher:
    actors: dict[str, list[Actor]] = {}
    for spelling, actor in _spellings():
        named = actors.setdefault(spelling, [])
        if actor is not None and actor not in named:
            named.append(actor)
    spellings = sorted(actors, key=len, reverse=True)  # stable: EXTRA first on ties
    buckets: dict[str, list[tuple[re.Pattern[str], tuple[Actor, ...]]]] = {}
    for spelling in spellings:
        buckets.setdefault(spelling[0], []).append((re.compile(spelling), tuple(actors[spelling])))
    return _Matcher(
        lowered=re.compile(_WORD_START + "(?:" + "|".join(spellings) + ")"),
        by_first_char={char: tuple(found) for char, found in buckets.items()},
        cased=re.compile("|".join(rf"\b({pattern})\b" for pattern in CASED.values())),
        cased_actors=tuple(CASED),
    )


def actor_spans(text: str) -> Iterator[tuple[Actor, int, int]]:
    """Each actor `text` names, with where its spelling stands (start, end)."""
    matcher = _matcher()
    lower = lowered(text)
    for match in matcher.lowered.finditer(lower):
        start, end = match.span()
        for pattern, named in matcher.by_first_char.get(lower[start], ()):
            found = pattern.match(lower, start)
            if found is not None and found.end() == end:
                yield from ((actor, start, end) for actor in named)
                break
    for match in matcher.cased.finditer(text):
        yield matcher.cased_actors[(match.lastindex or 1) - 1], *match.span()


def _found(text: str) -> Iterator[Actor]:
    return (actor for actor, _, _ in actor_spans(text))


def named_actors(title: str, body: str = "") -> tuple[NamedActor, ...]:
    """The actors a headline and its text name, most mentioned first (ties: by name)."""
    in_title = set(_found(title))
    counts: dict[Actor, int] = {}
    for actor in (*_found(title), *_found(body[:MAX_TEXT_CHARS])):
        counts[actor] = counts.get(actor, 0) + 1
    return tuple(
        NamedActor(actor, mentions, actor in in_title)
        for actor, mentions in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].name))
    )


def actor_groups() -> tuple[str, ...]:
    """The gazetteer groups whose every spelling `SPELLINGS` maps (a test holds them equal)."""
    return tuple(SPELLINGS)


def gazetteer_spellings(group: str) -> list[str]:
    return alternatives(GROUPS[group])
