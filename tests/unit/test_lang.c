/*
 * test_lang.c - language identification (src/text/lang.c): a labelled set
 * of short comments in nb, nn, sv, da and en, written for this test the
 * way they arrive on a municipality's, county's or college's Facebook,
 * Instagram, X or Mastodon (informal, typos, emoji, dialect-ish spelling),
 * scored for accuracy with the confusion matrix printed; the `why`, the
 * confidence, and the edge cases (empty, emoji, URLs, numbers, mixed,
 * invalid UTF-8, very long).
 */
#include "t.h"

#include "../../src/text/lang.h"

#include <math.h>

struct sample {
	int lang;
	const char *text;
};

/* clang-format off */
static const struct sample set[] = {
	/* --- nb ------------------------------------------------------- */
	{LANG_NB, "Hvorfor er det ikke brøytet i Fjellveien ennå? Bilen står fast og jeg kommer meg ikke på jobb"},
	{LANG_NB, "Takk for rask hjelp på servicetorget i dag! 👍"},
	{LANG_NB, "Når åpner svømmehallen igjen etter oppussingen?"},
	{LANG_NB, "Dette er jo helt hårreisende. Noen må ta ansvar for skolebussen"},
	{LANG_NB, "Hva skjer med gatelysene i sentrum? Har vært mørkt i to uker nå"},
	{LANG_NB, "Kan dere legge ut tømmekalenderen for neste år snart?"},
	{LANG_NB, "Flott arrangement på torget i går, ungene storkoste seg 😊"},
	{LANG_NB, "Jeg har sendt mail tre ganger uten å få svar. Hvem skal jeg kontakte?"},
	{LANG_NB, "Syns det er trist at biblioteket på Nordby blir lagt ned"},
	{LANG_NB, "Det er mye bedre å sykle nå som sykkelveien er ferdig, bra jobba!"},
	{LANG_NB, "Hvordan melder jeg fra om en hund som går løs hele tiden?"},
	{LANG_NB, "Vet noen om legevakten er åpen i påska?"},
	{LANG_NB, "Dere burde skamme dere over hvordan eldreomsorgen blir behandlet"},
	{LANG_NB, "Er det mulig å få parkeringstillatelse når man bor i sentrum?"},
	{LANG_NB, "Søppelkassa ble ikke tømt i dag heller. Tredje gang denne måneden"},
	{LANG_NB, "Gratulerer til alle som fikk vitnemål i dag 🎓"},
	{LANG_NB, "hvorfor må vi betale mer for vann når ingenting er gjort med ledningene??"},
	{LANG_NB, "Kjempefint at dere lytter til innbyggerne. Fortsett sånn"},
	{LANG_NB, "Bussen går jo bare hver time på kvelden, det er altfor dårlig"},
	{LANG_NB, "Noen som vet hvor man leverer gamle malingsbokser?"},
	{LANG_NB, "Kommunen sier én ting og gjør noe helt annet"},
	{LANG_NB, "Jeg synes det er bra at skolene får flere lærere til høsten"},
	{LANG_NB, "Hvor lenge må vi vente på svar om barnehageplass?"},
	{LANG_NB, "Veien opp til hyttefeltet er full av hull, noen kommer til å kjøre i grøfta"},
	{LANG_NB, "Tusen takk til hjemmetjenesten som tar så godt vare på mamma ❤️"},
	{LANG_NB, "Det hadde vært fint med flere benker langs turstien"},
	{LANG_NB, "Ikke glem at fristen for å søke kulturmidler er fredag!"},
	{LANG_NB, "Hvem har egentlig bestemt at det skal bygges boliger i friområdet?"},
	{LANG_NB, "Snakk med naboene deres før dere klager på oss, da"},
	{LANG_NB, "Fikk ikke logget inn på portalen, er det nede?"},
	{LANG_NB, "Ble veldig godt mottatt på rådhuset, hyggelige folk"},
	{LANG_NB, "Kan noen forklare meg hvorfor eiendomsskatten økte så mye?"},
	{LANG_NB, "Lekeplassen ved skolen er et skikkelig fint tilbud"},
	{LANG_NB, "Trafikken forbi skolen er livsfarlig om morgenen, gjør noe!"},
	{LANG_NB, "Hvordan kan jeg bli støttekontakt? Har lyst til å hjelpe"},
	{LANG_NB, "Dere har skrevet feil dato i innlegget, det er tirsdag og ikke onsdag"},
	{LANG_NB, "Strålende at ungdomsklubben holder åpent i vinterferien"},
	{LANG_NB, "Jeg forstår ikke hvorfor dere stenger badestranden"},
	{LANG_NB, "Skal det virkelig ta et halvt år å behandle en byggesøknad?"},
	{LANG_NB, "Fint bilde! Hvor er det tatt?"},
	{LANG_NB, "Vannet er brunt igjen her på Haugen, er det trygt å drikke?"},
	{LANG_NB, "Mange eldre har ikke smarttelefon, dere må tenke på dem også"},

	/* --- nn ------------------------------------------------------- */
	{LANG_NN, "Kvifor er det ikkje brøytt i Fjellvegen enno? Bilen står fast og eg kjem meg ikkje på jobb"},
	{LANG_NN, "Takk for god hjelp på servicetorget i dag! 👍"},
	{LANG_NN, "Når opnar symjehallen att etter oppussinga?"},
	{LANG_NN, "Dette er jo heilt hårreisande. Nokon må ta ansvar for skulebussen"},
	{LANG_NN, "Kva skjer med gatelysa i sentrum? Det har vore mørkt i to veker no"},
	{LANG_NN, "Kan de leggje ut tømekalenderen for neste år snart?"},
	{LANG_NN, "Flott arrangement på torget i går, ungane kosa seg 😊"},
	{LANG_NN, "Eg har sendt e-post tre gonger utan å få svar. Kven skal eg kontakte?"},
	{LANG_NN, "Synest det er trist at biblioteket på Nordby blir lagt ned"},
	{LANG_NN, "Det er mykje betre å sykle no som sykkelvegen er ferdig, bra jobba!"},
	{LANG_NN, "Korleis melder eg frå om ein hund som går laus heile tida?"},
	{LANG_NN, "Veit nokon om legevakta er open i påska?"},
	{LANG_NN, "De burde skamme dykk over korleis eldreomsorga blir behandla"},
	{LANG_NN, "Er det mogleg å få parkeringsløyve når ein bur i sentrum?"},
	{LANG_NN, "Bosspanna vart ikkje tømd i dag heller. Tredje gongen denne månaden"},
	{LANG_NN, "Gratulerer til alle som fekk vitnemål i dag 🎓"},
	{LANG_NN, "kvifor må me betale meir for vatn når ingenting er gjort med leidningane??"},
	{LANG_NN, "Kjempefint at de lyttar til innbyggjarane. Hald fram slik"},
	{LANG_NN, "Bussen går jo berre kvar time om kvelden, det er altfor dårleg"},
	{LANG_NN, "Nokon som veit kvar ein leverer gamle målingsboksar?"},
	{LANG_NN, "Kommunen seier éin ting og gjer noko heilt anna"},
	{LANG_NN, "Eg synest det er bra at skulane får fleire lærarar til hausten"},
	{LANG_NN, "Kor lenge må me vente på svar om barnehageplass?"},
	{LANG_NN, "Vegen opp til hyttefeltet er full av hol, nokon kjem til å køyre i grøfta"},
	{LANG_NN, "Tusen takk til heimetenesta som tek så godt vare på mamma ❤️"},
	{LANG_NN, "Det hadde vore fint med fleire benkar langs turstien"},
	{LANG_NN, "Ikkje gløym at fristen for å søkje kulturmidlar er fredag!"},
	{LANG_NN, "Kven har eigentleg bestemt at det skal byggjast bustader i friområdet?"},
	{LANG_NN, "Snakk med naboane dykkar før de klagar på oss, då"},
	{LANG_NN, "Fekk ikkje logga inn på portalen, er han nede?"},
	{LANG_NN, "Vart veldig godt motteken på rådhuset, hyggelege folk"},
	{LANG_NN, "Kan nokon forklare meg kvifor eigedomsskatten auka så mykje?"},
	{LANG_NN, "Leikeplassen ved skulen er eit skikkeleg fint tilbod"},
	{LANG_NN, "Trafikken forbi skulen er livsfarleg om morgonen, gjer noko!"},
	{LANG_NN, "Korleis kan eg bli støttekontakt? Har lyst til å hjelpe"},
	{LANG_NN, "De har skrive feil dato i innlegget, det er tysdag og ikkje onsdag"},
	{LANG_NN, "Strålande at ungdomsklubben held ope i vinterferien"},
	{LANG_NN, "Eg skjønar ikkje kvifor de stenger badestranda"},
	{LANG_NN, "Skal det verkeleg ta eit halvt år å handsame ein byggjesøknad?"},
	{LANG_NN, "Fint bilete! Kvar er det teke?"},
	{LANG_NN, "Vatnet er brunt att her på Haugen, er det trygt å drikke?"},
	{LANG_NN, "Mange eldre har ikkje smarttelefon, de må tenkje på dei òg"},

	/* --- sv ------------------------------------------------------- */
	{LANG_SV, "Varför är det inte plogat på Fjällvägen än? Bilen sitter fast och jag kommer inte till jobbet"},
	{LANG_SV, "Tack för snabb hjälp i kundtjänst idag! 👍"},
	{LANG_SV, "När öppnar simhallen igen efter renoveringen?"},
	{LANG_SV, "Det här är ju helt sjukt. Någon måste ta ansvar för skolbussen"},
	{LANG_SV, "Vad händer med gatubelysningen i centrum? Det har varit mörkt i två veckor nu"},
	{LANG_SV, "Kan ni lägga ut sophämtningsschemat för nästa år snart?"},
	{LANG_SV, "Härligt evenemang på torget igår, barnen hade jättekul 😊"},
	{LANG_SV, "Jag har mejlat tre gånger utan att få svar. Vem ska jag kontakta?"},
	{LANG_SV, "Tycker det är tråkigt att biblioteket i Norrby läggs ner"},
	{LANG_SV, "Det är mycket bättre att cykla nu när cykelbanan är klar, bra jobbat!"},
	{LANG_SV, "Hur anmäler jag en hund som springer lös hela tiden?"},
	{LANG_SV, "Vet någon om vårdcentralen har öppet i påsk?"},
	{LANG_SV, "Ni borde skämmas över hur äldreomsorgen sköts"},
	{LANG_SV, "Går det att få boendeparkering om man bor i centrum?"},
	{LANG_SV, "Soptunnan blev inte tömd idag heller. Tredje gången den här månaden"},
	{LANG_SV, "Grattis till alla som tog studenten idag 🎓"},
	{LANG_SV, "varför ska vi betala mer för vattnet när inget görs med ledningarna??"},
	{LANG_SV, "Jättebra att ni lyssnar på invånarna. Fortsätt så"},
	{LANG_SV, "Bussen går ju bara en gång i timmen på kvällen, det är alldeles för dåligt"},
	{LANG_SV, "Nån som vet var man lämnar gamla färgburkar?"},
	{LANG_SV, "Kommunen säger en sak och gör något helt annat"},
	{LANG_SV, "Jag tycker det är bra att skolorna får fler lärare till hösten"},
	{LANG_SV, "Hur länge ska vi behöva vänta på besked om förskoleplats?"},
	{LANG_SV, "Vägen upp till stugområdet är full av hål, nån kommer köra i diket"},
	{LANG_SV, "Stort tack till hemtjänsten som tar så bra hand om mamma ❤️"},
	{LANG_SV, "Det hade varit fint med fler bänkar längs promenadstigen"},
	{LANG_SV, "Glöm inte att sista dagen för att söka kulturstöd är på fredag!"},
	{LANG_SV, "Vem har egentligen bestämt att det ska byggas bostäder i grönområdet?"},
	{LANG_SV, "Prata med era grannar innan ni klagar på oss då"},
	{LANG_SV, "Kom inte in på e-tjänsten, ligger den nere?"},
	{LANG_SV, "Blev väldigt väl bemött i stadshuset, trevligt folk"},
	{LANG_SV, "Kan någon förklara varför taxan höjdes så mycket?"},
	{LANG_SV, "Lekplatsen vid skolan är ett riktigt fint tillskott"},
	{LANG_SV, "Trafiken förbi skolan är livsfarlig på morgonen, gör nåt!"},
	{LANG_SV, "Hur blir man kontaktperson? Skulle gärna vilja hjälpa till"},
	{LANG_SV, "Ni har skrivit fel datum i inlägget, det är tisdag och inte onsdag"},
	{LANG_SV, "Toppen att fritidsgården har öppet under sportlovet"},
	{LANG_SV, "Jag förstår inte varför ni stänger badplatsen"},
	{LANG_SV, "Ska det verkligen ta ett halvår att handlägga ett bygglov?"},
	{LANG_SV, "Fin bild! Var är den tagen?"},
	{LANG_SV, "Vattnet är brunt igen här i Backen, är det säkert att dricka?"},
	{LANG_SV, "Många äldre har ingen smartphone, ni måste tänka på dem också"},

	/* --- da ------------------------------------------------------- */
	{LANG_DA, "Hvorfor er der ikke ryddet sne på Bakkevej endnu? Bilen sidder fast og jeg kan ikke komme på arbejde"},
	{LANG_DA, "Tak for hurtig hjælp i borgerservice i dag! 👍"},
	{LANG_DA, "Hvornår åbner svømmehallen igen efter renoveringen?"},
	{LANG_DA, "Det her er jo helt vanvittigt. Nogen må tage ansvar for skolebussen"},
	{LANG_DA, "Hvad sker der med gadelyset i centrum? Det har været mørkt i to uger nu"},
	{LANG_DA, "Kan I lægge tømningskalenderen for næste år op snart?"},
	{LANG_DA, "Dejligt arrangement på torvet i går, ungerne hyggede sig 😊"},
	{LANG_DA, "Jeg har skrevet tre gange uden at få svar. Hvem skal jeg kontakte?"},
	{LANG_DA, "Synes det er trist at biblioteket i Nørreby bliver lukket"},
	{LANG_DA, "Det er meget bedre at cykle nu hvor cykelstien er færdig, godt gået!"},
	{LANG_DA, "Hvordan anmelder jeg en hund der løber løs hele tiden?"},
	{LANG_DA, "Ved nogen om lægevagten har åbent i påsken?"},
	{LANG_DA, "I burde skamme jer over hvordan ældreplejen bliver behandlet"},
	{LANG_DA, "Er det muligt at få beboerlicens når man bor i midtbyen?"},
	{LANG_DA, "Skraldespanden blev heller ikke tømt i dag. Tredje gang i denne måned"},
	{LANG_DA, "Tillykke til alle der blev studenter i dag 🎓"},
	{LANG_DA, "hvorfor skal vi betale mere for vand når der ikke er gjort noget ved rørene??"},
	{LANG_DA, "Super at I lytter til borgerne. Bare fortsæt sådan"},
	{LANG_DA, "Bussen kører jo kun en gang i timen om aftenen, det er alt for dårligt"},
	{LANG_DA, "Er der nogen der ved hvor man afleverer gamle malerbøtter?"},
	{LANG_DA, "Kommunen siger én ting og gør noget helt andet"},
	{LANG_DA, "Jeg synes det er godt at skolerne får flere lærere efter sommerferien"},
	{LANG_DA, "Hvor længe skal vi vente på svar om en vuggestueplads?"},
	{LANG_DA, "Vejen op til sommerhusområdet er fuld af huller, nogen kommer til at køre i grøften"},
	{LANG_DA, "Tusind tak til hjemmeplejen som passer så godt på min mor ❤️"},
	{LANG_DA, "Det ville være rart med flere bænke langs stien"},
	{LANG_DA, "Husk at fristen for at søge kulturpuljen er på fredag!"},
	{LANG_DA, "Hvem har egentlig besluttet at der skal bygges boliger på den grønne plads?"},
	{LANG_DA, "Snak med jeres naboer før I klager over os"},
	{LANG_DA, "Kunne ikke logge ind på selvbetjeningen, er den nede?"},
	{LANG_DA, "Blev rigtig godt modtaget på rådhuset, søde mennesker"},
	{LANG_DA, "Kan nogen forklare mig hvorfor grundskylden steg så meget?"},
	{LANG_DA, "Legepladsen ved skolen er et rigtig godt tilbud"},
	{LANG_DA, "Trafikken forbi skolen er livsfarlig om morgenen, gør noget!"},
	{LANG_DA, "Hvordan bliver man frivillig besøgsven? Vil gerne hjælpe"},
	{LANG_DA, "I har skrevet forkert dato i opslaget, det er tirsdag og ikke onsdag"},
	{LANG_DA, "Fedt at ungdomsklubben holder åbent i vinterferien"},
	{LANG_DA, "Jeg forstår ikke hvorfor I lukker badestranden"},
	{LANG_DA, "Skal det virkelig tage et halvt år at behandle en byggetilladelse?"},
	{LANG_DA, "Flot billede! Hvor er det taget?"},
	{LANG_DA, "Vandet er brunt igen herude på Bakken, er det sikkert at drikke?"},
	{LANG_DA, "Mange ældre har ikke en smartphone, I må også tænke på dem"},

	/* --- en ------------------------------------------------------- */
	{LANG_EN, "Why hasn't the road up to the hospital been ploughed yet? My car is stuck"},
	{LANG_EN, "Thanks for the quick help at the service desk today! 👍"},
	{LANG_EN, "When does the swimming pool reopen after the refurb?"},
	{LANG_EN, "This is ridiculous. Someone needs to take responsibility for the school bus"},
	{LANG_EN, "What's going on with the street lights downtown? Been dark for two weeks"},
	{LANG_EN, "Could you post the bin collection calendar for next year soon?"},
	{LANG_EN, "Lovely event in the square yesterday, the kids had a blast 😊"},
	{LANG_EN, "I've emailed three times without an answer. Who am I supposed to contact?"},
	{LANG_EN, "Sad to hear the library in Northby is closing down"},
	{LANG_EN, "Cycling is so much better now the bike lane is finished, well done!"},
	{LANG_EN, "How do I report a dog that keeps running loose?"},
	{LANG_EN, "Does anyone know if the out of hours clinic is open over Easter?"},
	{LANG_EN, "You should be ashamed of how elderly care is being handled"},
	{LANG_EN, "Is it possible to get a parking permit if you live in the centre?"},
	{LANG_EN, "Bin wasn't emptied today either. Third time this month"},
	{LANG_EN, "Congrats to everyone who graduated today 🎓"},
	{LANG_EN, "why do we pay more for water when nothing gets done about the pipes??"},
	{LANG_EN, "Great that you listen to residents. Keep it up"},
	{LANG_EN, "The bus only runs once an hour in the evening, that's way too little"},
	{LANG_EN, "Anyone know where to drop off old paint tins?"},
	{LANG_EN, "The council says one thing and does something completely different"},
	{LANG_EN, "Good to see the schools getting more teachers this autumn"},
	{LANG_EN, "How long do we have to wait to hear about a nursery place?"},
	{LANG_EN, "The road up to the cabins is full of potholes, someone will end up in the ditch"},
	{LANG_EN, "Huge thanks to the home care team for looking after my mum so well ❤️"},
	{LANG_EN, "Would be nice with more benches along the trail"},
	{LANG_EN, "Don't forget the deadline for arts grants is Friday!"},
	{LANG_EN, "Who actually decided to build houses on the green?"},
	{LANG_EN, "Talk to your neighbours before you complain to us"},
	{LANG_EN, "Couldn't log in to the portal, is it down?"},
	{LANG_EN, "Got a really warm welcome at the town hall, nice people"},
	{LANG_EN, "Can someone explain why the property tax went up so much?"},
	{LANG_EN, "The new playground by the school is brilliant"},
	{LANG_EN, "Traffic past the school is dangerous in the mornings, do something!"},
	{LANG_EN, "How do I become a volunteer? Would love to help out"},
	{LANG_EN, "You've got the wrong date in the post, it's Tuesday not Wednesday"},
	{LANG_EN, "Awesome that the youth club stays open during half term"},
	{LANG_EN, "I don't understand why you're closing the beach"},
	{LANG_EN, "Does it really take six months to process a planning application?"},
	{LANG_EN, "Nice photo! Where was it taken?"},
	{LANG_EN, "Water is brown again up here, is it safe to drink?"},
	{LANG_EN, "Lots of older people don't have a smartphone, please think of them too"},
};
/* clang-format on */

#define NSET (sizeof(set) / sizeof(set[0]))

/* A second set, written after the lexicon was tuned on the one above and
 * not used for tuning: its accuracy is the honest figure. */
/* clang-format off */
static const struct sample holdout[] = {
	{LANG_NB, "Har dere tenkt å gjøre noe med støyen fra anleggsplassen om natta?"},
	{LANG_NB, "Supert tiltak! Håper det blir fast"},
	{LANG_NB, "Min datter har stått i kø for SFO siden januar, hva er status?"},
	{LANG_NB, "Hvorfor svarer ingen på telefonen på rådhuset etter klokka to?"},
	{LANG_NB, "Det blir vel ikke bedre av at dere legger ned enda en skole"},
	{LANG_NB, "Kan man ta med hund inn i kulturhuset?"},
	{LANG_NB, "Endelig fikk vi fortau langs veien, tusen takk!"},
	{LANG_NB, "Jeg skjønner ikke hvordan dere prioriterer pengene"},
	{LANG_NB, "Er det noen som vet når brua åpner for biltrafikk?"},
	{LANG_NB, "Skuffende at ingen fra kommunen kom på foreldremøtet"},
	{LANG_NB, "Kommer det flere ladestasjoner i sentrum snart?"},
	{LANG_NB, "Dere må rydde opp i søppelet ved badeplassen før sommeren"},
	{LANG_NN, "Har de tenkt å gjere noko med støyen frå anleggsplassen om natta?"},
	{LANG_NN, "Supert tiltak! Håpar det blir fast"},
	{LANG_NN, "Dotter mi har stått i kø for SFO sidan januar, kva er status?"},
	{LANG_NN, "Kvifor svarar ingen på telefonen på rådhuset etter klokka to?"},
	{LANG_NN, "Det blir vel ikkje betre av at de legg ned endå ein skule"},
	{LANG_NN, "Kan ein ta med hund inn i kulturhuset?"},
	{LANG_NN, "Endeleg fekk vi fortau langs vegen, tusen takk!"},
	{LANG_NN, "Eg skjønar ikkje korleis de prioriterer pengane"},
	{LANG_NN, "Er det nokon som veit når brua opnar for biltrafikk?"},
	{LANG_NN, "Skuffande at ingen frå kommunen kom på foreldremøtet"},
	{LANG_NN, "Kjem det fleire ladestasjonar i sentrum snart?"},
	{LANG_NN, "De må rydde opp i bosset ved badeplassen før sommaren"},
	{LANG_SV, "Har ni tänkt göra något åt bullret från byggarbetsplatsen på nätterna?"},
	{LANG_SV, "Superbra satsning! Hoppas det blir permanent"},
	{LANG_SV, "Min dotter har stått i kö till fritids sedan januari, hur går det?"},
	{LANG_SV, "Varför svarar ingen i telefonen på kommunhuset efter klockan två?"},
	{LANG_SV, "Det blir väl inte bättre av att ni lägger ner ännu en skola"},
	{LANG_SV, "Får man ta med hunden in i kulturhuset?"},
	{LANG_SV, "Äntligen fick vi en trottoar längs vägen, tack så mycket!"},
	{LANG_SV, "Jag fattar inte hur ni prioriterar pengarna"},
	{LANG_SV, "Är det någon som vet när bron öppnar för biltrafik?"},
	{LANG_SV, "Tråkigt att ingen från kommunen kom på föräldramötet"},
	{LANG_SV, "Kommer det fler laddstolpar i centrum snart?"},
	{LANG_SV, "Ni måste städa upp skräpet vid badplatsen innan sommaren"},
	{LANG_DA, "Har I tænkt jer at gøre noget ved larmen fra byggepladsen om natten?"},
	{LANG_DA, "Super initiativ! Håber det bliver permanent"},
	{LANG_DA, "Min datter har stået på venteliste til SFO siden januar, hvad er status?"},
	{LANG_DA, "Hvorfor tager ingen telefonen på rådhuset efter klokken to?"},
	{LANG_DA, "Det bliver vel ikke bedre af at I lukker endnu en skole"},
	{LANG_DA, "Må man tage hunden med ind i kulturhuset?"},
	{LANG_DA, "Endelig fik vi et fortov langs vejen, tusind tak!"},
	{LANG_DA, "Jeg fatter ikke hvordan I prioriterer pengene"},
	{LANG_DA, "Er der nogen der ved hvornår broen åbner for biler?"},
	{LANG_DA, "Skuffende at ingen fra kommunen kom til forældremødet"},
	{LANG_DA, "Kommer der flere ladestandere i byen snart?"},
	{LANG_DA, "I må rydde op i affaldet ved badestranden inden sommeren"},
	{LANG_EN, "Are you planning to do anything about the noise from the building site at night?"},
	{LANG_EN, "Great initiative! Hope it becomes permanent"},
	{LANG_EN, "My daughter has been on the after-school club waiting list since January, any news?"},
	{LANG_EN, "Why does nobody answer the phone at the town hall after two?"},
	{LANG_EN, "Closing yet another school won't make things better"},
	{LANG_EN, "Can you bring a dog into the arts centre?"},
	{LANG_EN, "Finally got a pavement along the road, thanks so much!"},
	{LANG_EN, "I don't get how you prioritise the money"},
	{LANG_EN, "Anyone know when the bridge opens to cars?"},
	{LANG_EN, "Disappointing that nobody from the council came to the parents' meeting"},
	{LANG_EN, "Are more charging points coming to the centre soon?"},
	{LANG_EN, "Please clean up the rubbish at the beach before summer"},
};
/* clang-format on */

/* Scores lang_detect on a labelled set; prints the misses and the
 * confusion matrix; returns the number right, per-language counts in
 * per[] and ok[]. */
static int
score_set(const char *title, const struct sample *s, size_t n, int *per,
          int *ok)
{
	int conf[LANG__COUNT][LANG__COUNT + 1] = {{0}};
	int right = 0;
	for (size_t i = 0; i < n; i++) {
		struct lang_guess g;
		int got = lang_detect(s[i].text, strlen(s[i].text), &g);
		per[s[i].lang]++;
		conf[s[i].lang][got < 0 ? LANG__COUNT : got]++;
		if (got == s[i].lang) {
			ok[s[i].lang]++;
			right++;
		} else {
			fprintf(stderr, "  miss %s→%s (%.2f, %s): %s\n",
			        lang_name(s[i].lang),
			        got < 0 ? "-" : lang_name(got), g.confidence,
			        g.why, s[i].text);
		}
	}
	fprintf(stderr,
	        "  %s: confusion (rows: truth, columns: guess)\n"
	        "        nb  nn  sv  da  en   -\n",
	        title);
	for (int l = 0; l < LANG__COUNT; l++) {
		fprintf(stderr, "    %s", lang_name(l));
		for (int k = 0; k <= LANG__COUNT; k++)
			fprintf(stderr, " %3d", conf[l][k]);
		fprintf(stderr, "   %5.1f %%\n", 100.0 * ok[l] / per[l]);
	}
	fprintf(stderr, "  %s: overall %d/%d = %.1f %%\n", title, right, (int)n,
	        100.0 * right / (double)n);
	return right;
}

T_TEST(accuracy)
{
	int per[LANG__COUNT] = {0}, ok[LANG__COUNT] = {0};
	int right = score_set("tuning set", set, NSET, per, ok);
	T_ASSERT(right * 100 >= (int)NSET * 90);
	for (int l = 0; l < LANG__COUNT; l++) {
		T_ASSERT(per[l] >= 40);
		T_ASSERT(ok[l] * 100 >= per[l] * 85);
	}
}

T_TEST(accuracy_holdout)
{
	int per[LANG__COUNT] = {0}, ok[LANG__COUNT] = {0};
	size_t n = sizeof(holdout) / sizeof(holdout[0]);
	int right = score_set("held-out set", holdout, n, per, ok);
	T_ASSERT(right * 100 >= (int)n * 85);
	for (int l = 0; l < LANG__COUNT; l++)
		T_ASSERT(ok[l] * 100 >= per[l] * 75);
}

static int
detect(const char *t, struct lang_guess *g)
{
	return lang_detect(t, strlen(t), g);
}

T_TEST(evidence)
{
	struct lang_guess g;
	double sum = 0;
	T_EQ_INT(detect("Eg veit ikkje kva de meiner med det", &g), LANG_NN);
	T_ASSERT(strstr(g.why, "ikkje") || strstr(g.why, "eg") ||
	         strstr(g.why, "kva") || strstr(g.why, "veit"));
	T_ASSERT(g.confidence > 0.9 && g.confidence <= 1.0);
	T_EQ_INT(g.score[LANG_NN], 0);
	for (int l = 0; l < LANG__COUNT; l++) {
		T_ASSERT(g.score[l] <= 0);
		sum += exp(g.score[l]);
	}
	/* the confidence is the winner's share of exp(score) */
	T_ASSERT(fabs(g.confidence - 1.0 / sum) < 1e-9);
	T_EQ_INT(detect("Hvad mener I med det? Det giver ingen mening", &g),
	         LANG_DA);
	T_EQ_INT(detect("Jag förstår inte vad ni menar", &g), LANG_SV);
	/* letters alone: a Swedish word not in the lexicon */
	T_EQ_INT(detect("Snöröjningsfordonen", &g), LANG_SV);
	T_ASSERT(strstr(g.why, "letter") != NULL ||
	         strstr(g.why, "trigram") != NULL);
	T_EQ_INT(detect("What do you mean by that?", &g), LANG_EN);
	T_EQ_INT(detect("Hva mener dere med det?", &g), LANG_NB);
	T_EQ_STR(g.why, "hva, dere");
	/* upper case reads the same */
	T_EQ_INT(detect("HVORFOR SVARER DERE IKKE?? HVA SKJER", &g), LANG_NB);
	T_EQ_INT(detect("KVIFOR SVARER DE IKKJE", &g), LANG_NN);
	T_EQ_INT(detect("VARFÖR SVARAR NI INTE", &g), LANG_SV);
}

T_TEST(no_evidence)
{
	struct lang_guess g;
	T_EQ_INT(lang_detect("", 0, &g), -1);
	T_EQ_INT(g.lang, -1);
	T_EQ_INT(lang_detect(NULL, 0, &g), -1);
	T_EQ_INT(detect("😀😀😀 👍🏻🔥", &g), -1);
	T_EQ_INT(detect("https://www.example.no/sak/2024/12345?id=abc", &g),
	         -1);
	T_EQ_INT(detect("www.kommune.no/innsyn", &g), -1);
	T_EQ_INT(detect("@kommunen @ordforeren", &g), -1);
	T_EQ_INT(detect("post@kommune.no", &g), -1);
	T_EQ_INT(detect("12 345 678,50 !!! 2024", &g), -1);
	T_EQ_INT(detect("   \t\n  ", &g), -1);
	T_EQ_INT(detect("ok", &g), -1);
	T_EQ_STR(g.why, "");
}

T_TEST(mixed_and_noise)
{
	struct lang_guess g;
	/* the URL does not make it English */
	T_EQ_INT(detect("Se https://www.example.com/the/news/of/today her, "
	                "kva meiner de om dette?",
	                &g),
	         LANG_NN);
	/* mostly Swedish with an English word */
	T_EQ_INT(detect("Helt sjukt att ni inte svarar, so sad", &g), LANG_SV);
	/* a hashtag counts as a word */
	T_EQ_INT(detect("#kommunen er ikkje til å stole på", &g), LANG_NN);
	/* a Norwegian comment with a Danish word stays Norwegian */
	T_EQ_INT(detect("Tak! Dette var veldig nyttig for oss som bor her, "
	                "jeg skal dele det videre",
	                &g),
	         LANG_NB);
	T_ASSERT(g.confidence < 1.0);
	/* invalid UTF-8 is skipped over, not read past */
	{
		static const char bad[] = "Jag \xff\xfe vet inte \xc3 vad \xe2"
		                          "\x82 ni menar \xf0\x9f";
		T_EQ_INT(lang_detect(bad, sizeof(bad) - 1, &g), LANG_SV);
		T_EQ_INT(lang_detect("\xc3", 1, &g), -1);
		T_EQ_INT(lang_detect("\xff\xff\xff\xff", 4, &g), -1);
	}
	/* an embedded NUL byte is a separator, not the end */
	{
		static const char nul[] = "what\0is this about then";
		T_EQ_INT(lang_detect(nul, sizeof(nul) - 1, &g), LANG_EN);
	}
}

T_TEST(long_text)
{
	/* 1 MiB: only the first 64 KiB is read, and fast */
	size_t n = 1u << 20;
	char *big = malloc(n);
	static const char unit[] = "Eg veit ikkje kva som skjer. ";
	static const char tail[] = "the and the and of you what why ";
	struct lang_guess g;
	if (!T_ASSERT(big != NULL))
		return;
	for (size_t i = 0; i < n; i++)
		big[i] = i < n / 2 ? unit[i % (sizeof(unit) - 1)]
		                   : tail[i % (sizeof(tail) - 1)];
	T_EQ_INT(lang_detect(big, n, &g), LANG_NN);
	T_ASSERT(g.confidence > 0.99);
	/* one word of 1 MiB */
	memset(big, 'a', n);
	T_ASSERT(lang_detect(big, n, &g) >= -1);
	free(big);
}

T_TEST(names)
{
	T_EQ_STR(lang_name(LANG_NN), "nn");
	T_EQ_STR(lang_name(LANG__COUNT), NULL);
	T_EQ_INT(lang_parse("nn-NO"), LANG_NN);
	T_EQ_INT(lang_parse("no"), LANG_NB);
	T_EQ_INT(lang_parse("sv_FI"), LANG_SV);
	T_EQ_INT(lang_parse("de"), -1);
	T_EQ_INT(lang_parse(NULL), -1);
}

int
main(int argc, char **argv)
{
	static const struct t_entry tests[] = {
	    T_ENTRY(accuracy),    T_ENTRY(accuracy_holdout), T_ENTRY(evidence),
	    T_ENTRY(no_evidence), T_ENTRY(mixed_and_noise),  T_ENTRY(long_text),
	    T_ENTRY(names)};
	return T_RUN(tests, argc, argv);
}
