"""Every spelling of the gazetteer's actor groups, each under the actor it names.

One table, two readers: the gazetteer (`gazetteer.py`) joins a group's spellings into the
pattern of its yes-or-no feature ("does the text name a Global South country?"), and the
actor normaliser (`actors.py`) says which actor each spelling names ("Pakistan", in any of
its 20 spellings). Before, each kept its own copy and a test held them equal, so every new
spelling (393 in one December change) was written twice; a spelling added here is now
matched by both. A value is a regex alternation in lower case, as the gazetteer matches
it; `None` keys hold words that name no single actor ("developing countries",
"governance"). Order within a group does not change what the gazetteer finds, only the
feature's name list.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("country", "region", "agency", "organisation", "programme", "company")


@dataclass(frozen=True, order=True)
class Actor:
    """A country, region, agency, organisation, programme or company, by its English name."""

    name: str
    kind: str


def country(name: str) -> Actor:
    return Actor(name, "country")


CHINA, RUSSIA, INDIA = country("China"), country("Russia"), country("India")
UNITED_STATES = country("the United States")
UN = Actor("the United Nations", "organisation")
ESA = Actor("ESA", "agency")
# Chang'e, the lunar programme, and the press's "Change-5"; never the English word "change".
# The gazetteer's space words and the actor normaliser both spell it so.
CHANG_E = r"chang['’ʼ-]e"
CHANG_E_NUMBERED = r"change[- ]?\d"


# group -> {actor or None: the group's spellings of it}. The gazetteer matches their union.
SPELLINGS: dict[str, dict[Actor | None, str]] = {
    "china": {
        CHINA: "china|chinese|beijing|chine|chinois|kína|kínai|chiny|chińsk|tiongkok|cina\\b|"
        "cines[ei]\\b|pechino|taikonaut|çin\\b|çinli|chinês|chinesa|chines|chinez|chino\\b|中俄|"
        "pequim|pékin|pekín|peking|kin[aeiu]\\b|"
        "kinas\\b|kinom\\b|kines|kinez|čín|китай|китайск|пекин|الصين|الصيني|بكين|चीन|బీజింగ్|"
        "చైనా|中国|中方|北京|我国|چین|қытай|중국|trung quốc|tsina\\b|চীন",
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
        Actor("NPO Lavochkin", "company"): "lavochkin|лавочкин",
        Actor("Glavkosmos", "company"): "glavkosmos|главкосмос",
    },
    "india": {
        INDIA: "india|indian|indien|indisch|indisk|inde\\b|indij|indick|indiano|indiană|"
        "new delhi|modi\\b|индия|индийск|الهند|الهندي|भारत|భారత|印度|ভারত|இந்திய|بھارت|ಭಾರತ|"
        "インド(?!ネシア)",
        Actor("ISRO", "agency"): "isro|исро|इसरो|ఇస్రో|ইসরো|இஸ்ரோ|اسرو",
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
        "лунн\\w* (?:научн\\w* )?станци|лунарн\\w* истраживачк|научн\\w* лунн\\w* станци|мнлс|"
        "محطة البحث القمري|محطة أبحاث القمر|चंद्र अनुसंधान स्टेशन|చంద్ర పరిశోధన కేంద్ర|"
        "国际月球科研站|月球科研站",
        Actor("Chang'e", "programme"): "chang.?e-?[678]\\b|chang.?e [678]\\b|嫦娥[六七八]号",
    },
    "artemis_accords": {
        Actor("the Artemis Accords", "programme"): "artemis accords?|accords artemis|"
        "acuerdos artemis|acordos artemis|accordi artemis|acordurile artemis|"
        "sporazum\\w* artemis|artemis-?avtal|dohod\\w* artemis|porozumie\\w* artemis|"
        "아르테미스 (?:약정|협정)|アルテミス合意|συμφωνίες άρτεμις|artemis anlaşma|"
        "توافق\\S* آرتمیس|(?:kesepakatan|perjanjian|persetujuan) artemis|hiệp định artemis|"
        "makubaliano ya artemis|הסכמי ארטמיס|угод\\w* артеміди|споразум\\w* артемис|"
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
        country("the United Kingdom"): "britain|uk\\b|royaume-uni|reino unido|regno unito|"
        "marea britanie|velik\\w* britanij|storbritannia|großbritannien|британи",
        country("France"): "france|франци",
        country("Germany"): "germany|allemagne|alemania|germania|njemačk|tyskland|nemeck|"
        "deutschland|герман",
        country("Japan"): "japan|japon|japón|giappone|japonia|япони|日本",
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
        "африк|أفريقي|إفريقي|अफ्रीका|ఆఫ్రికా|非洲|afirka",
        country("Algeria"): "argelia|argélia|algérie|algerie|алжир|algeria|جزائر|阿尔及利亚",
        country("Angola"): "ангол|أنغولا|安哥拉|アンゴラ|앙골라|angola",
        country("Argentina"): "аргентин|الأرجنتين|آرژانتین|アルゼンチン|아르헨티나|अर्जेंटीना|"
        "arjantin|argentin|阿根廷",
        country("Bahrain"): "бахрейн|بحرين|巴林|bahreïn|baréin|bahrein|bahrain",
        country("Bangladesh"): "banglad|бангладеш|بنغلاديش|بنگلادش|バングラデシュ|방글라데시|"
        "bangladeş|bangladesh|बांग्लादेश|బంగ్లాదేశ్|孟加拉|বাংলাদেশ",
        country("Benin"): "benin",
        country("Bolivia"): "bolívi|боливи|болів|bolivia|玻利维亚",
        country("Botswana"): "botswana",
        country("Brazil"): "brazyli|brezilya|бразилі|البرازيل|برزیل|ブラジル|브라질|ब्राज़ील|"
        "ब्राजील|brazil|brasil|brésil|brazíli|бразили|巴西",
        country("Burkina Faso"): "burkina",
        country("Cameroon"): "camerún|cameroun|camarões|喀麦隆|cameroon",
        country("Chile"): "чили\\b|чилийск|智利|chile",
        country("Colombia"): "colômbia|колумби|колумбі|哥伦比亚|colombia",
        country("Congo"): "congo|rdc\\b|drc\\b",
        country("Costa Rica"): "costa rica",
        country("Cuba"): "куб[аеуы]\\b|кубинск|كوبا|古巴|キューバ|쿠바|cuba\\b|cuban",
        country("Djibouti"): "jabuuti|джибути|جيبوتي|吉布提|djibouti",
        country("Ecuador"): "equador|эквадор|еквадор|厄瓜多尔|ecuador",
        country("Egypt"): "egitt|єгипт|エジプト|이집트|मिस्र|mısır|egypt|egipt|egito|égypte|"
        "ägypt|египт|مصر|埃及",
        country("Ethiopia"): "äthiop|эфиоп|ефіоп|ethiopia|éthiopie|etiopi|إثيوبيا|埃塞俄比亚",
        country("Ghana"): "ghana",
        country("Guatemala"): "guatemala",
        country("Indonesia"): "indonési|indonezj|endonezya|індонезі|إندونيسيا|اندونزی|"
        "インドネシア|인도네시아|इंडोनेशिया|ইন্দোনেশিয়া|in-đô-nê-xi-a|indonesia|indonezi|"
        "индонези|印度尼西亚",
        country("Iran"): "irán|irã\\b|іран|イラン|ईरान|iran|иран|伊朗|ایران|إيران",
        country("Iraq"): "ірак|العراق|عراق|伊拉克|iraq|irak",
        country("Jordan"): "الأردن|أردني|约旦|jordan",
        country("Kazakhstan"): "kazaj|cazaquist|kasach|kazach|kazakist|казахстан|казахск|"
        "قازاقستان|قزاقستان|كازاخستان|哈萨克斯坦|カザフスタン|카자흐스탄|कजाकिस्तान|कज़ाख़स्तान|"
        "kazakh|kazah|қазақ",
        country("Kenya"): "kenia|quênia|quénia|кени[яиюй]|кені|كينيا|肯尼亚|ケニア|케냐|केन्या|"
        "kenya|kenij",
        country("Kuwait"): "koweït|kuwejt|кувейт|كويت|科威特|kuwait",
        country("Kyrgyzstan"): "киргиз|кыргыз|吉尔吉斯|kyrgyz",
        country("Laos"): "лаос|laos|lao\\b|老挝",
        country("Malaysia"): "razaksat|measat|malasia|malaisie|malásia|malezya|малайзи|малайзі|"
        "ماليزيا|مالزی|马来西亚|マレーシア|말레이시아|मलेशिया|মালয়েশিয়া|ma-lai-xi-a|malaysia",
        country("Mexico"): "mexik|messico|meksyk|meksika|мексик|المكسيك|مکزیک|墨西哥|メキシコ|"
        "멕시코|मेक्सिको|mexic|méxico",
        country("Mongolia"): "монгол|منغوليا|蒙古国|モンゴル|몽골|मंगोलिया|mongolia",
        country("Morocco"): "marruecos|marrocos|marocco|marokk|марокко|المغرب|摩洛哥|morocco|maroc",
        country("Mozambique"): "moçambique|мозамбик|莫桑比克|mozambi",
        country("Namibia"): "намиби|ناميبيا|纳米比亚|namibia",
        country("Nepal"): "непал|نيبال|نپال|尼泊尔|ネパール|네팔|nepal|नेपाल|నేపాల్",
        country("Nicaragua"): "nicarágua|никарагуа|нікарагуа|尼加拉瓜|nicaragua",
        country("Niger"): "尼日尔|niger",
        country("Nigeria"): "нигери|нігері|ナイジェリア|나이지리아|नाइजीरिया|nijerya|نيجيريا|"
        "尼日利亚|najeriya",
        country("Oman"): "оман\\b|عمان|عُمان|阿曼|oman\\b|omani",
        country("Pakistan"): "pakistan|paquist|пакистан|باكستان|पाकिस्तान|పాకిస్తాన్|巴基斯坦|"
        "پاکستان|파키스탄|سپارکو",
        country("Peru"): "pérou|перу\\b|秘鲁|peru\\b|perú",
        country("the Philippines"): "pilipin|philsa|філіппін|филиппин|菲律宾|フィリピン|"
        "phi-líp-pin|philippine|filipin|pilipinas|필리핀",
        country("Qatar"): "catar\\b|катар\\b|катара\\b|катаре\\b|катарск|قطر|卡塔尔|qatar",
        country("Rwanda"): "руанд|رواندا|卢旺达|ルワンダ|르완다|rwanda|ruand",
        country("Saudi Arabia"): "saud[ií]|saoudi|saudyj|саудовск|саудівськ|عربستان|サウジ|"
        "사우디|सऊदी|suudi|saudi|سعودي|كاكست|kacst|沙特",
        country("Senegal"): "сенегал|塞内加尔|senegal|sénégal|السنغال",
        country("Serbia"): "serbia|srbij",
        country("South Africa"): "юар\\b|south africa|južnoafri|sør-afrika|南非",
        country("Sri Lanka"): "шри-ланк|шрі-ланк|سريلانكا|سریلانکا|斯里兰卡|スリランカ|스리랑카|"
        "sri lanka|श्रीलंका|శ్రీలంక",
        country("Sudan"): "sudão|судан|السودان|苏丹|sudan",
        country("Syria"): "syrie|siria\\b|сири[яиюй]|сирійськ|سوريا|سوریه|叙利亚|syria",
        country("Tajikistan"): "таджик|تاجیکستان|塔吉克|tajik",
        country("Tanzania"): "танзани|تنزانيا|坦桑尼亚|tanzania",
        country("Thailand"): "tajlandi|таиланд|таїланд|تايلاند|تایلند|タイ王国|태국|थाईलैंड|"
        "thái lan|thailand|tailand|thaïlande|泰国",
        country("Tunisia"): "tunesi|тунис|туніс|تونس|突尼斯|tunisia|tunisi",
        country("Türkiye"): "turqu[ií]a|turquie|türkei|turchia|turcj|турци|туреччин|түркия|تركيا|"
        "ترکیه|土耳其|トルコ|튀르키예|터키|türkiyə|turkey|türkiye|turkish|turci|turska|tyrkia|"
        "türk\\b|türksat|göktürk|tureck|türkisch|турецк|तुर्की|tổ nhĩ kỳ",
        country("Uganda"): "уганд|أوغندا|乌干达|ウガンダ|uganda",
        country("the UAE"): "mbrsc|محمد بن راشد للفضاء|émirat|оаэ\\b|оае\\b|эмират|емірат|امارات|"
        "アラブ首長国連邦|아랍에미리트|यूएई|uae|emirates|emirat|الإمارات|阿联酋|إمارات",
        country("Uzbekistan"): "ouzbek|узбек|أوزبكستان|ازبکستان|乌兹别克|özbekistan|uzbek",
        country("Venezuela"): "венесуэл|венесуел|فنزويلا|ونزوئلا|ベネズエラ|베네수엘라|venezuela|"
        "委内瑞拉",
        country("Vietnam"): "vietnã|wietnam|вьетнам|в'єтнам|в’єтнам|فيتنام|ویتنام|越南|ベトナム|"
        "वियतनाम|ভিয়েতনাম|vietnam|viet nam|việt nam|베트남",
        country("Zambia"): "замби|赞比亚|zambia",
        country("Zimbabwe"): "зимбабв|津巴布韦|zimbabwe",
        country("Belarus"): "белорус|беларус|білорус|بيلاروسيا|بلاروس|白俄罗斯|belarus",
        country("Azerbaijan"): "azerbaycan|azərbaycan|azərkosmos|azercosmos|азербайджан|أذربيجان|"
        "آذربایجان|阿塞拜疆|azerbaij|azerbaidj",
        country("Mali"): "mali\\b",
        country("Yemen"): "yemen|yémen|jemen|йемен|اليمن|也门",
        country("Afghanistan"): "афганистан|афганістан|أفغانستان|افغانستان|阿富汗|अफगानिस्तान|"
        "अफ़ग़ानिस्तान|afghan",
        country("Myanmar"): "мьянм|м'янм|缅甸|म्यांमार|myanmar",
        country("Cambodia"): "камбодж|柬埔寨|campuchia|cambodia",
        country("Lebanon"): "liban\\b|líbano|libano|ливан|لبنان|黎巴嫩|lebanon",
        country("Libya"): "libye|libia\\b|ливи[яиюй]|лівії|ليبي|利比亚|libya",
        country("Somalia"): "somalia|soomaali|сомали|الصومال|索马里",
        country("Madagascar"): "madagascar",
        country("Mauritius"): "mauritius",
        country("Côte d'Ivoire"): "ivory coast|côte d'ivoire",
        country("Gabon"): "gabon",
        country("Guinea"): "guinea",
        country("Chad"): "chad\\b|chadi\\b|tchad",
        country("Eswatini"): "eswatini|swaziland",
        country("Eritrea"): "eritrea",
        country("Haiti"): "haiti|haïti|haití|гаити|هايتي|海地",
        country("Honduras"): "honduras",
        country("El Salvador"): "el salvador",
        country("Paraguay"): "巴拉圭|paraguay",
        country("Uruguay"): "乌拉圭|uruguay",
        country("Panama"): "panama|panamá",
        Actor("INPE", "agency"): "inpe\\b",
        country("the Dominican Republic"): "dominican",
        country("Jamaica"): "jamaica",
        country("Fiji"): "fiji",
        country("Papua New Guinea"): "papua",
        country("Timor-Leste"): "timor",
        country("the Maldives"): "马尔代夫|मालदीव|maldives",
        country("Bhutan"): "bhutan|भूटान",
        country("Turkmenistan"): "туркмен|ترکمنستان|土库曼|turkmen|turkman",
        country("North Korea"): "north korea|dprk|pyongyang|coreia do norte|corée du nord|"
        "corea del norte|corea del nord|nordkorea|korei północnej|северн\\w* коре|кндр|"
        "كوريا الشمالية|کره شمالی|朝鲜|北朝鮮|북한|उत्तर कोरिया|triều tiên|kuzey kore",
        country("Armenia"): "armenia|arménie|armênia|armenien|армени|вірмені|أرمينيا|"
        "ارمنستان|亚美尼亚|アルメニア|아르메니아|հայաստան|სომხეთ|ermenistan",
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


def group_pattern(group: str) -> str:
    """The gazetteer's pattern for an actor group: every spelling of every actor in it."""
    return "|".join(SPELLINGS[group].values())
