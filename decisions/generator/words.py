"""Constants and word lists of the synthetic register: names, places, parties, organs,
classification codes and the sentences its texts are made of."""

import datetime as dt

GENERATED_NOTE = "Genererat testregister"
HISTORY_REASON = "Genererat testregister"
DEFAULT_UNTIL = dt.date(2026, 11, 20)
YEARS = 20
TERM_STARTS = (2007, 2011, 2015, 2019, 2023)  # mandatperioder (valår + 1)


PLACE_HEADS = (
    "Björk Sjö Lind Ek Gran Al Ask Häll Berg Ström Tall Rönn Sand Strand Mo Kvarn Löv Hag "
    "Bruk Ros Hassel Kärr Sälg Vass Dal Näs Fors Mal Sten Öster Väster Norr Söder Ny Gamla "
    "Ljung Myr Gull Silver"
).split()
PLACE_TAILS = (
    "vik hamn by sala torp köping åsen holm lunda dal berga fors sund näs ryd hult stad bo "
    "mark ö sjö heda"
).split()
FIRST_NAMES = (
    "Anna Eva Maria Karin Sara Lena Kerstin Emma Ingrid Malin Sofia Johanna Linnéa Elin Ida "
    "Birgitta Marie Hanna Åsa Lisa Erik Lars Karl Anders Johan Per Nils Jan Mikael Hans Peter "
    "Olof Gunnar Sven Fredrik Daniel Magnus Björn Oskar Mats Ulf Göran Håkan Jörgen Ahmed "
    "Fatima Ali Leila Mehmet Aida"
).split()
SURNAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson "
    "Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren "
    "Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin Engström "
    "Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Samuelsson Fransson Åberg "
    "Öberg Nyström Hedlund Ström Yilmaz Hassan Nordin Sundberg Ek Holmberg"
).split()
PARTIES = ("S", "M", "C", "L", "KD", "V", "MP", "SD")
PARTY_WEIGHTS = (30, 20, 9, 5, 5, 7, 4, 17)

COMMITTEES = (
    ("SN", "Socialnämnden"),
    ("BUN", "Barn- och utbildningsnämnden"),
    ("MBN", "Miljö- och byggnadsnämnden"),
    ("KFN", "Kultur- och fritidsnämnden"),
    ("TN", "Tekniska nämnden"),
    ("VFN", "Välfärdsnämnden"),
)
NUMBER_FORMATS = ("{year}.{seq:03d} {code}", "{year}{code}{seq}", "{code} {year}/{seq}")

# (classification code, title, topics that go with it)
CLASSES = (
    ("001", "Kommunfullmäktige, organisation", ("Arvodesreglemente", "Reglemente för nämnderna")),
    ("041", "Budget och verksamhetsplan", ("Budget", "Verksamhetsplan", "Delårsrapport")),
    ("042", "Årsredovisning", ("Årsredovisning", "Ansvarsfrihet för styrelsen")),
    ("105", "Motioner", ("Motion om", "Medborgarförslag om")),
    ("214", "Detaljplaner", ("Detaljplan för", "Planbesked för")),
    ("231", "Bygglov", ("Bygglov för", "Förhandsbesked för")),
    ("311", "Vägar och gator", ("Trafiksäkerhetsåtgärder i", "Gång- och cykelväg i")),
    ("346", "Vatten och avlopp", ("VA-taxa", "Utbyggnad av vatten och avlopp i")),
    ("610", "Förskola", ("Ny förskola i", "Förskoleplatser i")),
    ("611", "Grundskola", ("Skolorganisation i", "Upprustning av skolan i")),
    ("709", "Samordningsförbund", ("Utträde ur samordningsförbundet", "Medlemsbidrag till")),
    ("730", "Äldreomsorg", ("Särskilt boende i", "Hemtjänst i")),
    ("750", "Individ- och familjeomsorg", ("Ekonomiskt bistånd", "Placering enligt SoL")),
    ("820", "Kultur", ("Bibliotek i", "Kulturstipendium")),
    ("860", "Fritid", ("Idrottshall i", "Föreningsbidrag")),
)
SECRET_CLASSES = {"750"}

SENTENCES = (
    "Ärendet har beretts av förvaltningen i samråd med berörda verksamheter.",
    "Förvaltningen har tagit fram ett underlag som redovisar {topic} och dess konsekvenser "
    "för {place}.",
    "Kostnaden beräknas till {amount} kronor och ryms inom befintlig budgetram.",
    "Förslaget har remitterats till {organ}, som har lämnat synpunkter.",
    "Synpunkterna har i huvudsak beaktats i det reviderade förslaget.",
    "Enligt kommunallagen ska fullmäktige besluta i ärenden av principiell beskaffenhet eller "
    "annars av större vikt.",
    "Invånarna i {place} har under samrådet framfört synpunkter på tillgänglighet och "
    "trafiksäkerhet.",
    "Verksamheten bedöms kunna genomföras under {year} med nuvarande personalresurser.",
    "Barnkonventionen har beaktats och förslaget bedöms inte påverka barn negativt.",
    "Ekonomiavdelningen har granskat kalkylen och delar förvaltningens bedömning.",
    "Beslutet ska följas upp i samband med årsredovisningen för {year}.",
    "Ärendet återkommer till {organ} när utredningen är slutförd.",
    "Förvaltningen föreslår att förslaget antas med de ändringar som framgår av tjänsteskrivelsen.",
    "Samverkan har skett med fackliga organisationer enligt gällande samverkansavtal.",
    "Någon risk för ökade driftskostnader har inte identifierats.",
    "Planområdet omfattar cirka {amount} kvadratmeter och ligger i centrala {place}.",
    "Förslaget innebär att {topic} samordnas med angränsande kommuner.",
    "Miljökonsekvenserna bedöms som små och någon miljökonsekvensbeskrivning krävs inte.",
)
DECISION_PHRASES = (
    "att anta förvaltningens förslag",
    "att bevilja ansökan",
    "att avslå ansökan",
    "att godkänna rapporten och lägga den till handlingarna",
    "att uppdra åt förvaltningen att utreda frågan vidare",
    "att anslå {amount} kronor ur kommunstyrelsens förfogandemedel",
    "att anse motionen besvarad",
    "att lägga informationen till handlingarna",
    "att fastställa taxan att gälla från och med den 1 januari {year}",
    "att återremittera ärendet för komplettering",
)
PROPOSE_PHRASES = (
    "att föreslå {organ} besluta att anta förslaget",
    "att föreslå {organ} att godkänna förslaget",
    "att föreslå {organ} att bifalla förslaget med de ändringar som framgår av beredningen",
)
COUNTERPARTS = (
    "Länsstyrelsen",
    "Skatteverket",
    "Trafikverket",
    "Lantmäteriet",
    "Försäkringskassan",
    "Arbetsförmedlingen",
    "Region",
    "En privatperson",
    "Fastighetsägare",
    "Föreningen",
    "Boverket",
    "Skolinspektionen",
    "IVO",
)
