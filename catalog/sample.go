package catalog

import (
	"maps"
	"slices"
	"time"

	"polku"
)

// Sample returns a fictional catalogue for Kuusamo and Kalajoki: every
// organiser, place and contact is made up (example.org addresses, 040 000
// numbers), so it can be shown in demos and the console without
// pretending to be real. Sessions fall in the three months after now, at
// local times in loc, so the sample never goes stale; the same now gives
// the same catalogue.
//
// It covers what the bot must handle: every category, audience and kind
// of price, ages from babies to teens, accessibility features, Finnish,
// Swedish, English and Ukrainian activities, weekly clubs and one-off
// events, small groups that fill up, a cancelled session, a cancelled
// activity and an enrolment that closes soon.
func Sample(now time.Time, loc *time.Location) []polku.Activity {
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	acts := make([]polku.Activity, 0, len(samples))
	for _, s := range samples {
		acts = append(acts, s.activity(today, loc))
	}
	return acts
}

type sampleOrg struct{ name, contact, url string }

type samplePlace struct {
	town  string
	place polku.Place
}

// sampleSpec is one activity of the sample, its sessions said relative
// to the day the sample is made.
type sampleSpec struct {
	id           string
	org          sampleOrg
	at           samplePlace
	title, desc  polku.Localized
	cats         []polku.Category
	ageMin       int
	ageMax       int
	audience     polku.Audience
	price        polku.Price
	access       []polku.Access
	langs        []string
	capacity     int
	day          time.Weekday
	hour, minute int
	minutes      int // length
	after        int // the first session is on the first day of the weekday at least this many days on (≥ 1)
	sessions     int
	every        int // weeks between sessions; 0 means every week
	// cancelled is the 1-based number of a cancelled session; 0 for none.
	cancelled int
	// off cancels the whole activity.
	off bool
	// enrolDays closes enrolment at midnight this many days on; 0 for no
	// closing before the start.
	enrolDays int
}

func (s sampleSpec) activity(today time.Time, loc *time.Location) polku.Activity {
	a := polku.Activity{
		Organiser:    s.org.name,
		ExternalID:   s.id,
		Title:        maps.Clone(s.title),
		Description:  maps.Clone(s.desc),
		Categories:   slices.Clone(s.cats),
		Municipality: s.at.town,
		Place:        s.at.place,
		AgeMin:       s.ageMin,
		AgeMax:       s.ageMax,
		Audience:     s.audience,
		Price:        s.price,
		Access:       slices.Clone(s.access),
		Languages:    slices.Clone(s.langs),
		Status:       polku.StatusScheduled,
		Contact:      s.org.contact,
		InfoURL:      s.org.url,
	}
	// Every call gets its own copies, as callers may edit what they get.
	if a.Place.Coords != nil {
		c := *a.Place.Coords
		a.Place.Coords = &c
	}
	every := max(1, s.every)
	first := today.AddDate(0, 0, s.after)
	for first.Weekday() != s.day {
		first = first.AddDate(0, 0, 1)
	}
	for i := range s.sessions {
		d := first.AddDate(0, 0, 7*every*i)
		// time.Date, not Add: the club meets at the same local time
		// after a change to or from summer time.
		start := time.Date(d.Year(), d.Month(), d.Day(), s.hour, s.minute, 0, 0, loc)
		se := polku.Session{
			ExternalID: start.Format("2006-01-02T15:04"),
			Start:      start,
			End:        start.Add(time.Duration(s.minutes) * time.Minute),
			Capacity:   s.capacity,
			Status:     polku.StatusScheduled,
		}
		if s.enrolDays > 0 {
			se.EnrolUntil = today.AddDate(0, 0, s.enrolDays)
		}
		if s.off || s.cancelled == i+1 {
			se.Status = polku.StatusCancelled
		}
		a.Sessions = append(a.Sessions, se)
	}
	if s.off {
		a.Status = polku.StatusCancelled
	}
	return a
}

// tr is a text in Finnish, Swedish, English and Ukrainian.
func tr(fi, sv, en, uk string) polku.Localized {
	return polku.Localized{"fi": fi, "sv": sv, "en": en, "uk": uk}
}

func free() polku.Price          { return polku.Price{Kind: polku.PriceFree} }
func card(cents int) polku.Price { return polku.Price{Kind: polku.PriceCard, Cents: cents} }
func paid(cents int) polku.Price { return polku.Price{Kind: polku.PricePaid, Cents: cents} }

// The fictional organisers.
var (
	orgKuusamoAssoc   = sampleOrg{"Kuusamon Esimerkkiyhdistys ry" + polku.FictionalMark, "perhe@example.org", "https://example.org/kuusamo/perhe"}
	orgKuusamoCollege = sampleOrg{"Esimerkkiopisto Kuusamo" + polku.FictionalMark, "040 000 0001", "https://example.org/kuusamo/opisto"}
	orgKuusamoStable  = sampleOrg{"Koillismaan Esimerkkitalli" + polku.FictionalMark, "talli@example.com", "https://example.com/talli"}
	orgKuusamoClub    = sampleOrg{"Esimerkkiseura Kuusamo ry" + polku.FictionalMark, "seura@example.net", "https://example.net/seura"}
	orgKuusamoLibrary = sampleOrg{"Esimerkkikirjasto Kuusamo" + polku.FictionalMark, "040 000 0002", "https://example.org/kuusamo/kirjasto"}
	orgKalajokiFamily = sampleOrg{"Kalajoen Esimerkkiperhekeskus" + polku.FictionalMark, "perhekeskus@example.org", "https://example.org/kalajoki/perhekeskus"}
	orgKalajokiClub   = sampleOrg{"Särkkien Esimerkkiseura ry" + polku.FictionalMark, "040 000 0003", "https://example.net/sarkat"}
	orgKalajokiMuseum = sampleOrg{"Esimerkkimuseo Kalajoki" + polku.FictionalMark, "museo@example.org", "https://example.org/kalajoki/museo"}
	orgKalajokiFarm   = sampleOrg{"Merenrannan Esimerkkitila" + polku.FictionalMark, "tila@example.com", "https://example.com/tila"}
	orgKalajokiMusic  = sampleOrg{"Kalajoen Esimerkkimusiikkikoulu" + polku.FictionalMark, "040 000 0004", "https://example.org/kalajoki/musiikki"}
)

// The fictional places, near the real towns' centres.
var (
	placeKuusamoHouse   = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkitalo", Address: "Esimerkkitie 3, 93600 Kuusamo", Coords: &polku.Coords{Lat: 65.9655, Lon: 29.1880}}}
	placeKuusamoLibrary = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkikirjasto", Address: "Esimerkkikatu 1, 93600 Kuusamo", Coords: &polku.Coords{Lat: 65.9641, Lon: 29.1857}}}
	placeKuusamoLeanTo  = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkilammen laavu", Address: "Esimerkkipolku 5, 93600 Kuusamo", Coords: &polku.Coords{Lat: 66.0118, Lon: 29.2046}}}
	placeKuusamoStable  = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkitallin maneesi", Address: "Esimerkkitallintie 9, 93600 Kuusamo", Coords: &polku.Coords{Lat: 65.9402, Lon: 29.1498}}}
	placeKuusamoHall    = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkihalli", Address: "Esimerkkikuja 7, 93600 Kuusamo"}}
	placeKuusamoPool    = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkiuimala", Address: "Esimerkkiranta 2, 93600 Kuusamo"}}
	placeKuusamoMuseum  = samplePlace{"Kuusamo", polku.Place{Name: "Esimerkkimuseo", Address: "Esimerkkiraitti 4, 93600 Kuusamo"}}
	placeKalajokiCentre = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkiperhekeskus", Address: "Esimerkkikatu 10, 85100 Kalajoki", Coords: &polku.Coords{Lat: 64.2592, Lon: 23.9481}}}
	placeKalajokiBeach  = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkisärkkien ranta", Address: "Esimerkkiranta 1, 85100 Kalajoki", Coords: &polku.Coords{Lat: 64.2283, Lon: 23.8012}}}
	placeKalajokiMuseum = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkimuseo", Address: "Esimerkkitie 12, 85100 Kalajoki"}}
	placeKalajokiFarm   = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkitila", Address: "Esimerkkitilantie 8, 85100 Kalajoki", Coords: &polku.Coords{Lat: 64.2801, Lon: 24.0197}}}
	placeKalajokiSchool = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkikoulun sali", Address: "Esimerkkikoulutie 3, 85100 Kalajoki"}}
	placeKalajokiPool   = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkiuimahalli", Address: "Esimerkkikuja 2, 85100 Kalajoki"}}
	placeKalajokiLib    = samplePlace{"Kalajoki", polku.Place{Name: "Esimerkkikirjasto", Address: "Esimerkkiraitti 6, 85100 Kalajoki"}}
)

var (
	fi     = []string{"fi"}
	stepWC = []polku.Access{polku.AccessStepFree, polku.AccessToilet}
)

var samples = []sampleSpec{
	// Kuusamo
	{
		id: "vauvamuskari", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Vauvojen musiikkihetki", "Musikstund för bebisar", "Music time for babies", "Музична година для немовлят"),
		desc: tr("Lauletaan, loruillaan ja soitetaan yhdessä vauvan kanssa. Rattaille on tilaa.",
			"Vi sjunger, ramsar och spelar tillsammans med din bebis. Det finns plats för barnvagnar.",
			"Sing, rhyme and play together with your baby. There is room for prams.",
			"Співаємо, розповідаємо віршики й граємо разом із малюком. Є місце для візочків."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 0, ageMax: 2, audience: polku.AudienceFamily,
		price: free(), access: stepWC, langs: fi, capacity: 12,
		day: time.Tuesday, hour: 10, minutes: 60, after: 2, sessions: 8,
	},
	{
		id: "luontoretki", org: orgKuusamoAssoc, at: placeKuusamoLeanTo,
		title: tr("Perheiden luontoretki", "Naturutflykt för familjer", "Family nature walk", "Прогулянка на природі для родин"),
		desc: tr("Helppo retki lähimetsään: ihmetellään eläinten jälkiä ja paistetaan makkaraa laavulla.",
			"En lätt utflykt till skogen i närheten: vi spanar efter djurspår och grillar korv vid vindskyddet.",
			"An easy walk in the nearby forest: we look for animal tracks and grill sausages at the lean-to.",
			"Легка прогулянка до найближчого лісу: шукаємо сліди звірів і смажимо ковбаски біля навісу."),
		cats: []polku.Category{polku.CategoryNature, polku.CategoryFamily}, ageMin: 3, ageMax: 12, audience: polku.AudienceFamily,
		price: free(), langs: fi, capacity: 25,
		day: time.Saturday, hour: 11, minutes: 120, after: 3, sessions: 4, every: 2,
	},
	{
		id: "retkikerho", org: orgKuusamoAssoc, at: placeKuusamoLeanTo,
		title: tr("Retkikerho koululaisille", "Utflyktsklubb för skolbarn", "Outdoor club for school children", "Туристичний гурток для школярів"),
		desc: tr("Opitaan sytyttämään nuotio, suunnistamaan ja liikkumaan turvallisesti metsässä.",
			"Vi lär oss göra upp eld, orientera och röra oss tryggt i skogen.",
			"Learn to light a campfire, find your way and move safely in the forest.",
			"Вчимося розпалювати багаття, орієнтуватися й безпечно пересуватися лісом."),
		cats: []polku.Category{polku.CategoryNature}, ageMin: 7, ageMax: 12, audience: polku.AudienceChildren,
		price: card(500), langs: fi, capacity: 10,
		day: time.Wednesday, hour: 16, minutes: 120, after: 5, sessions: 8,
	},
	{
		id: "kuvataidekerho", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Kuvataidekerho 7–12-vuotiaille", "Bildkonstklubb för 7–12-åringar", "Art club for ages 7–12", "Художній гурток для дітей 7–12 років"),
		desc: tr("Maalataan, piirretään ja kokeillaan uusia tekniikoita omaan tahtiin.",
			"Vi målar, ritar och provar nya tekniker i egen takt.",
			"Paint, draw and try out new techniques at your own pace.",
			"Малюємо олівцями й фарбами та пробуємо нові техніки у власному темпі."),
		cats: []polku.Category{polku.CategoryArt}, ageMin: 7, ageMax: 12, audience: polku.AudienceChildren,
		price: paid(600), access: []polku.Access{polku.AccessStepFree}, langs: fi, capacity: 8,
		day: time.Thursday, hour: 17, minutes: 90, after: 4, sessions: 8,
	},
	{
		id: "savipaja", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Perheiden savipaja", "Lerverkstad för familjer", "Family clay workshop", "Сімейна майстерня з глини"),
		desc: tr("Muovaillaan savesta kippoja ja eläimiä. Työt poltetaan, ja ne saa hakea myöhemmin.",
			"Vi formar skålar och djur av lera. Verken bränns och kan hämtas senare.",
			"Shape bowls and animals from clay. The pieces are fired and can be picked up later.",
			"Ліпимо з глини мисочки й фігурки тварин. Вироби випалять, і їх можна буде забрати пізніше."),
		cats: []polku.Category{polku.CategoryCrafts, polku.CategoryArt}, ageMin: 3, ageMax: 12, audience: polku.AudienceFamily,
		price: paid(800), langs: fi, capacity: 6,
		day: time.Saturday, hour: 13, minutes: 120, after: 9, sessions: 1,
	},
	{
		id: "bandikoulu", org: orgKuusamoCollege, at: placeKuusamoHall,
		title: tr("Bändikoulu nuorille", "Bandskola för unga", "Band school for teens", "Музичний гурт для підлітків"),
		desc: tr("Soitetaan yhdessä bändinä. Soittimet löytyvät paikan päältä, eikä kokemusta tarvita.",
			"Vi spelar tillsammans i band. Instrument finns på plats och ingen erfarenhet behövs.",
			"Play together as a band. Instruments are provided and no experience is needed.",
			"Граємо разом у гурті. Інструменти є на місці, досвід не потрібен."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 13, ageMax: 17, audience: polku.AudienceChildren,
		price: card(800), langs: fi, capacity: 6,
		day: time.Monday, hour: 18, minutes: 90, after: 2, sessions: 8,
	},
	{
		id: "laulukerho", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Laulukerho lapsille", "Sångklubb för barn", "Singing club for children", "Вокальний гурток для дітей"),
		desc: tr("Lauletaan tuttuja ja uusia lastenlauluja ja leikitään laululeikkejä.",
			"Vi sjunger kända och nya barnsånger och leker sånglekar.",
			"Sing familiar and new children's songs and play singing games.",
			"Співаємо знайомі й нові дитячі пісні та граємо в ігри з піснями."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 4, ageMax: 9, audience: polku.AudienceChildren,
		price: free(), langs: fi, capacity: 15,
		day: time.Wednesday, hour: 17, minutes: 45, after: 3, sessions: 8,
	},
	{
		id: "tallipaiva", org: orgKuusamoStable, at: placeKuusamoStable,
		title: tr("Tallipäivä perheille", "Stalldag för familjer", "Stable day for families", "День у стайні для родин"),
		desc: tr("Tutustutaan hevosiin, harjataan ja talutetaan. Lapset pääsevät ratsastamaan lyhyen lenkin.",
			"Vi bekantar oss med hästarna, borstar och leder dem. Barnen får rida en kort runda.",
			"Meet the horses, groom them and lead them. The children get a short ride.",
			"Знайомимося з кіньми, чистимо їх і водимо за повід. Діти зможуть трохи покататися верхи."),
		cats: []polku.Category{polku.CategoryAnimals, polku.CategoryNature}, ageMin: 3, ageMax: 12, audience: polku.AudienceFamily,
		price: paid(1500), langs: fi, capacity: 5,
		day: time.Saturday, hour: 10, minutes: 120, after: 6, sessions: 2, every: 4,
	},
	{
		id: "lukukoira", org: orgKuusamoLibrary, at: placeKuusamoLibrary,
		title: tr("Lukukoira kirjastossa", "Läshund på biblioteket", "Reading to a dog at the library", "Читання з собакою в бібліотеці"),
		desc: tr("Lue ääneen rauhalliselle koiralle: koira kuuntelee eikä korjaa virheitä.",
			"Läs högt för en lugn hund: hunden lyssnar och rättar inga fel.",
			"Read aloud to a calm dog: the dog listens and never corrects mistakes.",
			"Читай уголос спокійному собаці: він уважно слухає й ніколи не виправляє помилок."),
		cats: []polku.Category{polku.CategoryAnimals, polku.CategoryCulture}, ageMin: 6, ageMax: 10, audience: polku.AudienceChildren,
		price: free(), access: []polku.Access{polku.AccessSensory, polku.AccessStepFree}, langs: fi, capacity: 4,
		day: time.Thursday, hour: 15, minutes: 45, after: 3, sessions: 6,
	},
	{
		id: "museosunnuntai", org: orgKuusamoAssoc, at: placeKuusamoMuseum,
		title: tr("Museon perhesunnuntai", "Familjesöndag på museet", "Family Sunday at the museum", "Сімейна неділя в музеї"),
		desc: tr("Kierretään museota tehtävärastien avulla ja kuullaan tarinoita vanhasta Kuusamosta.",
			"Vi går runt i museet med uppgifter och hör berättelser om det gamla Kuusamo.",
			"Explore the museum with activity trails and hear stories of old Kuusamo.",
			"Досліджуємо музей, виконуючи завдання, і слухаємо історії про давнє Куусамо."),
		cats: []polku.Category{polku.CategoryCulture}, ageMin: 0, ageMax: 17, audience: polku.AudienceFamily,
		price:  card(600),
		access: []polku.Access{polku.AccessStepFree, polku.AccessHearingLoop, polku.AccessToilet}, langs: fi, capacity: 30,
		day: time.Sunday, hour: 12, minutes: 120, after: 4, sessions: 3, every: 4,
	},
	{
		id: "satutunti", org: orgKuusamoLibrary, at: placeKuusamoLibrary,
		title: tr("Satutunti pienille", "Sagostund för små", "Story time for little ones", "Казкова година для малят"),
		desc: tr("Kuunnellaan satuja, katsellaan kuvakirjoja ja lorutellaan yhdessä.",
			"Vi lyssnar på sagor, tittar i bilderböcker och läser ramsor tillsammans.",
			"Listen to stories, look at picture books and share rhymes together.",
			"Слухаємо казки, розглядаємо книжки з картинками й разом розповідаємо віршики."),
		cats: []polku.Category{polku.CategoryCulture}, ageMin: 2, ageMax: 6, audience: polku.AudienceFamily,
		price: free(), access: stepWC, langs: fi, capacity: 20,
		day: time.Friday, hour: 10, minutes: 45, after: 1, sessions: 8,
	},
	{
		id: "perhejumppa", org: orgKuusamoClub, at: placeKuusamoHall,
		title: tr("Perhejumppa", "Familjegympa", "Family gym", "Сімейна руханка"),
		desc: tr("Juostaan, kiipeillään ja temppuillaan yhdessä. Aikuinen liikkuu lapsen kanssa.",
			"Vi springer, klättrar och gör konster tillsammans. Den vuxna rör sig med barnet.",
			"Run, climb and try tricks together. A grown-up moves along with the child.",
			"Бігаємо, лазимо й виконуємо трюки разом. Дорослий рухається разом із дитиною."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryFamily}, ageMin: 2, ageMax: 6, audience: polku.AudienceFamily,
		price: card(300), langs: fi, capacity: 20,
		day: time.Sunday, hour: 10, minutes: 60, after: 2, sessions: 8,
	},
	{
		id: "hiihtokoulu", org: orgKuusamoClub, at: placeKuusamoLeanTo,
		title: tr("Hiihtokoulu lapsille", "Skidskola för barn", "Ski school for children", "Лижна школа для дітей"),
		desc: tr("Opetellaan hiihdon perustaidot leikkien. Välineitä voi lainata.",
			"Vi lär oss grunderna i skidåkning genom lek. Utrustning kan lånas.",
			"Learn the basics of skiing through play. Equipment can be borrowed.",
			"Вчимося основ катання на лижах через гру. Спорядження можна позичити."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryNature}, ageMin: 5, ageMax: 10, audience: polku.AudienceChildren,
		price: paid(1000), langs: fi, capacity: 10,
		day: time.Saturday, hour: 10, minutes: 90, after: 10, sessions: 6,
	},
	{
		id: "perheluistelu", org: orgKuusamoClub, at: placeKuusamoHall,
		title: tr("Perheluistelu", "Familjeskridsko", "Family skating", "Сімейне катання на ковзанах"),
		desc: tr("Vapaata luistelua koko perheelle. Kypärän ja luistimet voi lainata.",
			"Fri skridskoåkning för hela familjen. Hjälm och skridskor kan lånas.",
			"Free skating for the whole family. Helmets and skates can be borrowed.",
			"Вільне катання для всієї родини. Шолом і ковзани можна позичити."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryFamily}, ageMin: 0, ageMax: 17, audience: polku.AudienceFamily,
		price: free(), access: []polku.Access{polku.AccessStepFree}, langs: fi, capacity: 40,
		day: time.Sunday, hour: 14, minutes: 120, after: 5, sessions: 6,
	},
	{
		id: "parkour", org: orgKuusamoClub, at: placeKuusamoHall,
		title: tr("Parkour nuorille", "Parkour för unga", "Parkour for teens", "Паркур для підлітків"),
		desc: tr("Hyppyjä, kierähdyksiä ja esteiden ylityksiä turvallisesti ohjaajan kanssa.",
			"Hopp, rullningar och hinder, tryggt tillsammans med en ledare.",
			"Jumps, rolls and obstacles, safely with an instructor.",
			"Стрибки, перекиди й подолання перешкод — безпечно, разом з інструктором."),
		cats: []polku.Category{polku.CategorySport}, ageMin: 12, ageMax: 17, audience: polku.AudienceChildren,
		price: card(400), langs: fi, capacity: 12,
		day: time.Tuesday, hour: 18, minutes: 90, after: 4, sessions: 8,
	},
	{
		id: "vertaisilta", org: orgKuusamoAssoc, at: placeKuusamoHouse,
		title: tr("Vanhempien vertaisilta", "Kamratkväll för föräldrar", "Peer evening for parents", "Вечір підтримки для батьків"),
		desc: tr("Jutellaan arjesta muiden vanhempien kanssa kahvikupin äärellä. Ohjaaja on mukana.",
			"Vi pratar om vardagen med andra föräldrar över en kopp kaffe. En handledare är med.",
			"Talk about everyday life with other parents over a cup of coffee, with a facilitator.",
			"Розмовляємо про повсякдення з іншими батьками за чашкою кави. Поруч є модератор."),
		cats: []polku.Category{polku.CategoryFamily}, ageMin: 0, ageMax: 17, audience: polku.AudienceParents,
		price: free(), access: []polku.Access{polku.AccessHearingLoop, polku.AccessStepFree}, langs: fi, capacity: 12,
		day: time.Thursday, hour: 18, minutes: 90, after: 6, sessions: 4, every: 2,
	},
	{
		id: "ukrainalainen-kerho", org: orgKuusamoAssoc, at: placeKuusamoHouse,
		title: tr("Ukrainankielinen lasten kerho", "Ukrainskspråkig barnklubb", "Ukrainian-language children's club", "Український дитячий клуб"),
		desc: tr("Askarrellaan, leikitään ja luetaan ukrainaksi. Kerhoa ohjaa ukrainankielinen ohjaaja.",
			"Vi pysslar, leker och läser på ukrainska med en ukrainskspråkig ledare.",
			"Crafts, games and reading in Ukrainian, led by a Ukrainian-speaking instructor.",
			"Майструємо, граємося й читаємо українською. Заняття веде україномовний керівник."),
		cats: []polku.Category{polku.CategoryArt, polku.CategoryCulture}, ageMin: 4, ageMax: 12, audience: polku.AudienceChildren,
		price: free(), langs: []string{"uk"}, capacity: 15,
		day: time.Saturday, hour: 12, minutes: 120, after: 2, sessions: 8,
	},
	{
		id: "kaksikielinen-perhekerho", org: orgKuusamoLibrary, at: placeKuusamoLibrary,
		title: tr("Kaksikielinen perhekerho (suomi–englanti)", "Tvåspråkig familjeklubb (finska–engelska)",
			"Bilingual family club (Finnish–English)", "Двомовний сімейний клуб (фінська та англійська)"),
		desc: tr("Leikkiä, lauluja ja kahvia suomeksi ja englanniksi. Tervetuloa juttelemaan.",
			"Lek, sånger och kaffe på finska och engelska. Välkommen att prata.",
			"Play, songs and coffee in Finnish and English. Come and chat.",
			"Ігри, пісні й кава фінською та англійською. Приходьте поспілкуватися."),
		cats: []polku.Category{polku.CategoryFamily}, ageMin: 0, ageMax: 6, audience: polku.AudienceFamily,
		price: free(), access: stepWC, langs: []string{"fi", "en"}, capacity: 20,
		day: time.Monday, hour: 10, minutes: 120, after: 1, sessions: 8,
	},
	{
		id: "revontuli-ilta", org: orgKuusamoAssoc, at: placeKuusamoLeanTo,
		title: tr("Revontuli-ilta perheille", "Norrskenskväll för familjer", "Northern lights evening for families", "Вечір північного сяйва для родин"),
		desc: tr("Kuullaan, mistä revontulet syntyvät, ja lähdetään katsomaan taivasta lyhtyjen valossa.",
			"Vi hör hur norrsken uppstår och går ut och tittar på himlen i lyktornas sken.",
			"Find out where the northern lights come from, then go out to watch the sky by lantern light.",
			"Дізнаємося, звідки береться північне сяйво, і виходимо з ліхтариками подивитися на небо."),
		cats: []polku.Category{polku.CategoryNature, polku.CategoryCulture}, ageMin: 6, ageMax: 17, audience: polku.AudienceFamily,
		price: paid(500), langs: fi, capacity: 20,
		day: time.Friday, hour: 20, minutes: 90, after: 12, sessions: 1,
	},
	{
		id: "puulelupaja", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Käsityöpaja: puiset lelut", "Hantverksverkstad: leksaker i trä", "Craft workshop: wooden toys", "Майстерня дерев'яних іграшок"),
		desc: tr("Sahataan, hiotaan ja maalataan oma puulelu. Työkalut ja materiaalit tulevat pajalta.",
			"Vi sågar, slipar och målar en egen träleksak. Verktyg och material finns på plats.",
			"Saw, sand and paint a wooden toy of your own. Tools and materials are provided.",
			"Випилюємо, шліфуємо й розфарбовуємо власну дерев'яну іграшку. Інструменти й матеріали надаємо."),
		cats: []polku.Category{polku.CategoryCrafts}, ageMin: 8, ageMax: 14, audience: polku.AudienceChildren,
		price: card(700), langs: fi, capacity: 6,
		day: time.Saturday, hour: 10, minutes: 180, after: 7, sessions: 2, every: 2,
	},
	{
		id: "teatterikerho", org: orgKuusamoCollege, at: placeKuusamoHouse,
		title: tr("Teatterikerho nuorille", "Teaterklubb för unga", "Theatre club for teens", "Театральний гурток для підлітків"),
		desc: tr("Improa, ääniharjoituksia ja oma pieni esitys kauden lopuksi.",
			"Improvisation, röstövningar och en egen liten föreställning i slutet av terminen.",
			"Improv, voice exercises and a small show of your own at the end of the term.",
			"Імпровізація, вправи для голосу й невелика власна вистава наприкінці сезону."),
		cats: []polku.Category{polku.CategoryCulture, polku.CategoryArt}, ageMin: 13, ageMax: 17, audience: polku.AudienceChildren,
		price: free(), langs: fi, capacity: 14,
		day: time.Wednesday, hour: 18, minutes: 90, after: 3, sessions: 8,
	},
	{
		id: "lumikenkaretki", org: orgKuusamoClub, at: placeKuusamoLeanTo,
		title: tr("Lumikenkäretki perheille", "Snöskovandring för familjer", "Snowshoe hike for families", "Прогулянка на снігоступах для родин"),
		desc: tr("Retki lumikengillä tunturimaisemiin. Peruttu tältä kaudelta.",
			"En tur på snöskor i fjällandskapet. Inställd för den här säsongen.",
			"A snowshoe trip into the fells. Cancelled for this season.",
			"Похід на снігоступах серед пагорбів. Цього сезону скасовано."),
		cats: []polku.Category{polku.CategoryNature, polku.CategorySport}, ageMin: 7, ageMax: 17, audience: polku.AudienceFamily,
		price: paid(800), langs: fi, capacity: 15,
		day: time.Saturday, hour: 12, minutes: 150, after: 8, sessions: 1, off: true,
	},
	{
		id: "vauvauinti", org: orgKuusamoClub, at: placeKuusamoPool,
		title: tr("Vauvauinti", "Babysim", "Baby swimming", "Плавання для немовлят"),
		desc: tr("Totutellaan veteen yhdessä vauvan kanssa lämpimässä altaassa.",
			"Vi vänjer oss vid vattnet tillsammans med bebisen i en varm bassäng.",
			"Get used to the water together with your baby in a warm pool.",
			"Звикаємо до води разом із малюком у теплому басейні."),
		cats: []polku.Category{polku.CategorySport}, ageMin: 0, ageMax: 1, audience: polku.AudienceFamily,
		price: paid(1200), access: stepWC, langs: fi, capacity: 6,
		day: time.Friday, hour: 9, minute: 30, minutes: 45, after: 3, sessions: 6,
	},
	{
		id: "aistileikki", org: orgKuusamoLibrary, at: placeKuusamoLibrary,
		title: tr("Aistiystävällinen leikkihetki", "Sinnesvänlig lekstund", "Sensory-friendly playtime", "Сенсорно-дружня ігрова година"),
		desc: tr("Rauhallinen leikkihetki himmeässä valossa, pienellä ryhmällä ja ilman kiirettä.",
			"En lugn lekstund i dämpat ljus, i liten grupp och utan brådska.",
			"A calm playtime in soft light, in a small group and without hurry.",
			"Спокійна гра при приглушеному світлі, у невеликій групі й без поспіху."),
		cats: []polku.Category{polku.CategoryFamily, polku.CategoryArt}, ageMin: 0, ageMax: 6, audience: polku.AudienceFamily,
		price:  free(),
		access: []polku.Access{polku.AccessSensory, polku.AccessStepFree, polku.AccessToilet}, langs: fi, capacity: 6,
		day: time.Tuesday, hour: 9, minute: 30, minutes: 60, after: 2, sessions: 6,
	},

	// Kalajoki
	{
		id: "rantaretki", org: orgKalajokiFamily, at: placeKalajokiBeach,
		title: tr("Perheiden rantaretki", "Strandutflykt för familjer", "Family beach walk", "Прогулянка узбережжям для родин"),
		desc: tr("Kävellään hiekkarannalla, etsitään simpukoita ja rakennetaan hiekkalinna.",
			"Vi promenerar på sandstranden, letar snäckor och bygger sandslott.",
			"Walk on the sandy beach, look for shells and build a sandcastle.",
			"Гуляємо піщаним пляжем, шукаємо мушлі й будуємо замок із піску."),
		cats: []polku.Category{polku.CategoryNature, polku.CategoryFamily}, ageMin: 0, ageMax: 12, audience: polku.AudienceFamily,
		price: free(), langs: fi, capacity: 30,
		day: time.Saturday, hour: 11, minutes: 90, after: 2, sessions: 4, every: 2,
	},
	{
		id: "linturetki", org: orgKalajokiClub, at: placeKalajokiBeach,
		title: tr("Linturetki koululaisille", "Fågelutflykt för skolbarn", "Birdwatching for school children", "Спостереження за птахами для школярів"),
		desc: tr("Tunnistetaan lintuja kiikarien avulla. Kiikarit saa lainaksi.",
			"Vi känner igen fåglar med kikare. Kikare finns att låna.",
			"Learn to recognise birds with binoculars. Binoculars can be borrowed.",
			"Вчимося розпізнавати птахів у бінокль. Біноклі можна позичити."),
		cats: []polku.Category{polku.CategoryNature, polku.CategoryAnimals}, ageMin: 8, ageMax: 14, audience: polku.AudienceChildren,
		price: card(300), langs: fi, capacity: 8,
		day: time.Sunday, hour: 9, minutes: 120, after: 11, sessions: 1,
	},
	{
		id: "maalauskoulu", org: orgKalajokiMuseum, at: placeKalajokiMuseum,
		title: tr("Maalauskoulu", "Målarskola", "Painting school", "Школа живопису"),
		desc: tr("Akvarelli, akryyli ja oma aihe: opitaan värejä ja sommittelua.",
			"Akvarell, akryl och eget motiv: vi lär oss om färger och komposition.",
			"Watercolour, acrylics and your own subject: learn about colour and composition.",
			"Акварель, акрил і власний сюжет: вчимося працювати з кольором і композицією."),
		cats: []polku.Category{polku.CategoryArt}, ageMin: 10, ageMax: 17, audience: polku.AudienceChildren,
		price: paid(900), langs: fi, capacity: 10,
		day: time.Tuesday, hour: 17, minutes: 90, after: 3, sessions: 8,
	},
	{
		id: "taidetyopaja", org: orgKalajokiMuseum, at: placeKalajokiMuseum,
		title: tr("Perheiden taidetyöpaja", "Konstverkstad för familjer", "Family art workshop", "Сімейна мистецька майстерня"),
		desc: tr("Tehdään yhdessä kollaaseja, printtejä ja isoja maalauksia. Sotkeminen on sallittua.",
			"Vi gör kollage, tryck och stora målningar tillsammans. Det får bli kladdigt.",
			"Make collages, prints and big paintings together. Mess allowed.",
			"Разом створюємо колажі, відбитки й великі картини. Бруднитися можна."),
		cats: []polku.Category{polku.CategoryArt, polku.CategoryFamily}, ageMin: 2, ageMax: 8, audience: polku.AudienceFamily,
		price: card(400), access: stepWC, langs: []string{"fi", "sv"}, capacity: 16,
		day: time.Saturday, hour: 13, minutes: 90, after: 4, sessions: 4, every: 2,
	},
	{
		id: "rumpupiiri", org: orgKalajokiMusic, at: placeKalajokiCentre,
		title: tr("Rumpupiiri", "Trumcirkel", "Drum circle", "Барабанне коло"),
		desc: tr("Soitetaan rumpuja piirissä ja haetaan yhteinen rytmi. Rummut saa paikan päältä.",
			"Vi spelar trummor i en ring och hittar en gemensam rytm. Trummor finns på plats.",
			"Drum together in a circle and find a shared rhythm. Drums are provided.",
			"Граємо на барабанах у колі й шукаємо спільний ритм. Барабани є на місці."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 6, ageMax: 17, audience: polku.AudienceFamily,
		price: free(), access: []polku.Access{polku.AccessHearingLoop}, langs: fi, capacity: 20,
		day: time.Thursday, hour: 18, minutes: 60, after: 2, sessions: 6,
	},
	{
		id: "muskari", org: orgKalajokiMusic, at: placeKalajokiCentre,
		title: tr("Muskari", "Musiklek", "Music play for toddlers", "Музичні заняття для малюків"),
		desc: tr("Laulua, loruja ja soittimia taaperoille ja heidän aikuisilleen.",
			"Sång, ramsor och instrument för småbarn och deras vuxna.",
			"Songs, rhymes and instruments for toddlers and their grown-ups.",
			"Пісні, віршики й музичні інструменти для малюків і їхніх дорослих."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 1, ageMax: 4, audience: polku.AudienceFamily,
		price: card(500), langs: fi, capacity: 10,
		day: time.Monday, hour: 9, minute: 30, minutes: 45, after: 1, sessions: 8,
	},
	{
		id: "lapsikuoro", org: orgKalajokiMusic, at: placeKalajokiSchool,
		title: tr("Lapsikuoro", "Barnkör", "Children's choir", "Дитячий хор"),
		desc: tr("Lauletaan yhdessä moniäänisesti. Kauden lopuksi pidetään pieni konsertti vanhemmille.",
			"Vi sjunger tillsammans i stämmor. I slutet av terminen blir det en liten konsert för föräldrarna.",
			"Sing together in parts, with a small concert for the parents at the end of the term.",
			"Співаємо разом на кілька голосів. Наприкінці сезону — невеликий концерт для батьків."),
		cats: []polku.Category{polku.CategoryMusic}, ageMin: 7, ageMax: 12, audience: polku.AudienceChildren,
		price: free(), langs: fi, capacity: 25,
		day: time.Wednesday, hour: 16, minute: 30, minutes: 60, after: 2, sessions: 8,
	},
	{
		id: "neulekahvila", org: orgKalajokiFamily, at: placeKalajokiLib,
		title: tr("Neulekahvila nuorille", "Stickcafé för unga", "Knitting café for teens", "В'язальне кафе для підлітків"),
		desc: tr("Neulotaan, virkataan ja jutellaan. Langat ja puikot saa lainaksi.",
			"Vi stickar, virkar och pratar. Garn och stickor finns att låna.",
			"Knit, crochet and chat. Yarn and needles can be borrowed.",
			"В'яжемо спицями й гачком та спілкуємося. Пряжу й спиці можна позичити."),
		cats: []polku.Category{polku.CategoryCrafts}, ageMin: 12, ageMax: 17, audience: polku.AudienceChildren,
		price: free(), langs: []string{"fi", "sv"}, capacity: 10,
		day: time.Thursday, hour: 16, minutes: 90, after: 3, sessions: 6,
	},
	{
		id: "askartelupaja", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Perheiden askartelupaja", "Pysselverkstad för familjer", "Family craft workshop", "Сімейна майстерня рукоділля"),
		desc: tr("Askarrellaan kierrätysmateriaaleista. Ilmoittaudu ajoissa: ilmoittautuminen sulkeutuu pian.",
			"Vi pysslar med återvunnet material. Anmäl er i tid: anmälan stänger snart.",
			"Make crafts from recycled materials. Sign up in time: enrolment closes soon.",
			"Майструємо з перероблених матеріалів. Реєструйтеся вчасно: реєстрація скоро закінчиться."),
		cats: []polku.Category{polku.CategoryCrafts, polku.CategoryFamily}, ageMin: 3, ageMax: 10, audience: polku.AudienceFamily,
		price: free(), access: stepWC, langs: fi, capacity: 20,
		day: time.Saturday, hour: 10, minutes: 120, after: 10, sessions: 1, enrolDays: 3,
	},
	{
		id: "sagostund", org: orgKalajokiFamily, at: placeKalajokiLib,
		title: tr("Ruotsinkielinen satutunti", "Sagostund på svenska", "Story time in Swedish", "Казкова година шведською"),
		desc: tr("Satuja ja loruja ruotsiksi. Sopii myös kielikylpylapsille ja kieltä opetteleville.",
			"Sagor och ramsor på svenska. Passar också barn i språkbad och alla som lär sig språket.",
			"Stories and rhymes in Swedish, also for children in language immersion and other learners.",
			"Казки й віршики шведською мовою. Підходить і тим, хто вивчає мову."),
		cats: []polku.Category{polku.CategoryCulture}, ageMin: 2, ageMax: 6, audience: polku.AudienceFamily,
		price: free(), langs: []string{"sv"}, capacity: 15,
		day: time.Friday, hour: 17, minutes: 45, after: 2, sessions: 4, every: 2,
	},
	{
		id: "historiaseikkailu", org: orgKalajokiMuseum, at: placeKalajokiMuseum,
		title: tr("Historiaseikkailu museossa", "Historieäventyr på museet", "History adventure at the museum", "Історична пригода в музеї"),
		desc: tr("Ratkaistaan museon arvoitus ja kurkataan, miten lapset elivät sata vuotta sitten.",
			"Vi löser museets gåta och ser hur barn levde för hundra år sedan.",
			"Solve the museum's mystery and see how children lived a hundred years ago.",
			"Розгадуємо музейну загадку й дізнаємося, як жили діти сто років тому."),
		cats: []polku.Category{polku.CategoryCulture}, ageMin: 7, ageMax: 12, audience: polku.AudienceChildren,
		price: paid(500), langs: fi, capacity: 12,
		day: time.Sunday, hour: 13, minutes: 90, after: 5, sessions: 1,
	},
	{
		id: "playgroup", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Englanninkielinen leikkiryhmä", "Engelskspråkig lekgrupp", "English playgroup", "Англомовна ігрова група"),
		desc: tr("Leikkiä ja lauluja englanniksi pienille lapsille ja heidän vanhemmilleen.",
			"Lek och sånger på engelska för små barn och deras föräldrar.",
			"Play and songs in English for little ones and their parents.",
			"Ігри та пісні англійською для малюків і їхніх батьків."),
		cats: []polku.Category{polku.CategoryFamily}, ageMin: 0, ageMax: 5, audience: polku.AudienceFamily,
		price: free(), langs: []string{"en"}, capacity: 15,
		day: time.Wednesday, hour: 10, minutes: 90, after: 1, sessions: 8,
	},
	{
		id: "perheuinti", org: orgKalajokiClub, at: placeKalajokiPool,
		title: tr("Perheuinti", "Familjesim", "Family swim", "Сімейне плавання"),
		desc: tr("Koko perheen uintivuoro. Altaalla on ohjaaja ja kellumisvälineitä.",
			"Simtur för hela familjen. Vid bassängen finns en ledare och flythjälpmedel.",
			"A swimming session for the whole family, with an instructor and floats at the pool.",
			"Плавання для всієї родини. Біля басейну чергує інструктор, є засоби для плавання."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryFamily}, ageMin: 0, ageMax: 17, audience: polku.AudienceFamily,
		price: card(450), access: stepWC, langs: fi, capacity: 30,
		day: time.Sunday, hour: 15, minutes: 60, after: 2, sessions: 8,
	},
	{
		id: "salibandy", org: orgKalajokiClub, at: placeKalajokiSchool,
		title: tr("Salibandykerho", "Innebandyklubb", "Floorball club", "Клуб флорболу"),
		desc: tr("Pelataan salibandya iloisesti ja reilusti. Mailan voi lainata.",
			"Vi spelar innebandy med glädje och rent spel. Klubba kan lånas.",
			"Play floorball with joy and fair play. Sticks can be borrowed.",
			"Граємо у флорбол весело й чесно. Ключку можна позичити."),
		cats: []polku.Category{polku.CategorySport}, ageMin: 8, ageMax: 12, audience: polku.AudienceChildren,
		price: card(300), langs: fi, capacity: 16,
		day: time.Monday, hour: 17, minutes: 60, after: 1, sessions: 8, cancelled: 3,
	},
	{
		id: "tanssikoulu", org: orgKalajokiClub, at: placeKalajokiSchool,
		title: tr("Tanssikoulu nuorille", "Dansskola för unga", "Dance school for teens", "Танцювальна школа для підлітків"),
		desc: tr("Katutanssia ja omia koreografioita rennossa porukassa.",
			"Streetdance och egna koreografier i ett avslappnat gäng.",
			"Street dance and your own choreographies in a relaxed group.",
			"Вуличні танці й власні хореографії в невимушеній компанії."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryArt}, ageMin: 13, ageMax: 17, audience: polku.AudienceChildren,
		price: paid(700), langs: fi, capacity: 15,
		day: time.Tuesday, hour: 18, minute: 30, minutes: 60, after: 3, sessions: 8,
	},
	{
		id: "pyoraretki", org: orgKalajokiClub, at: placeKalajokiBeach,
		title: tr("Perheiden pyöräretki", "Cykelutflykt för familjer", "Family bike ride", "Сімейна велопрогулянка"),
		desc: tr("Rauhallinen pyöräretki rantareittiä pitkin. Kypärä mukaan.",
			"En lugn cykeltur längs strandleden. Ta med hjälm.",
			"A calm bike ride along the shore trail. Bring a helmet.",
			"Спокійна велопрогулянка прибережною стежкою. Не забудьте шолом."),
		cats: []polku.Category{polku.CategorySport, polku.CategoryNature}, ageMin: 7, ageMax: 17, audience: polku.AudienceFamily,
		price: free(), langs: fi, capacity: 20,
		day: time.Saturday, hour: 12, minutes: 120, after: 6, sessions: 3, every: 2,
	},
	{
		id: "tilapaiva", org: orgKalajokiFarm, at: placeKalajokiFarm,
		title: tr("Kotieläinpihan perhepäivä", "Familjedag på gården", "Family day at the farm", "Сімейний день на фермі"),
		desc: tr("Silitetään lampaita, ruokitaan kanoja ja ihmetellään vasikoita.",
			"Vi klappar får, matar hönor och tittar på kalvarna.",
			"Pet the sheep, feed the hens and say hello to the calves.",
			"Гладимо овечок, годуємо курей і роздивляємося телят."),
		cats: []polku.Category{polku.CategoryAnimals, polku.CategoryFamily}, ageMin: 0, ageMax: 12, audience: polku.AudienceFamily,
		price: paid(600), access: []polku.Access{polku.AccessStepFree}, langs: fi, capacity: 25,
		day: time.Saturday, hour: 11, minutes: 180, after: 3, sessions: 2, every: 4,
	},
	{
		id: "ratsastuskoulu", org: orgKalajokiFarm, at: placeKalajokiFarm,
		title: tr("Ratsastuskoulu lapsille", "Ridskola för barn", "Riding school for children", "Школа верхової їзди для дітей"),
		desc: tr("Pienryhmässä opetellaan hevosen hoitoa ja ratsastuksen alkeita.",
			"I en liten grupp lär vi oss sköta hästen och grunderna i ridning.",
			"Learn horse care and the basics of riding in a small group.",
			"У невеликій групі вчимося доглядати за конем і опановуємо основи верхової їзди."),
		cats: []polku.Category{polku.CategoryAnimals, polku.CategorySport}, ageMin: 7, ageMax: 14, audience: polku.AudienceChildren,
		price: paid(2000), langs: fi, capacity: 4,
		day: time.Wednesday, hour: 17, minutes: 60, after: 2, sessions: 6,
	},
	{
		id: "vanhempien-jooga", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Vanhempien jooga", "Yoga för föräldrar", "Yoga for parents", "Йога для батьків"),
		desc: tr("Rauhallinen joogatunti vanhemmille: hetki omaa aikaa arjen keskellä.",
			"Ett lugnt yogapass för föräldrar: en stund för dig själv mitt i vardagen.",
			"A calm yoga class for parents: a moment for yourself in the middle of everyday life.",
			"Спокійне заняття йогою для батьків: трохи часу для себе серед буденних справ."),
		cats: []polku.Category{polku.CategorySport}, ageMin: 0, ageMax: 17, audience: polku.AudienceParents,
		price: card(500), langs: fi, capacity: 12,
		day: time.Monday, hour: 19, minutes: 60, after: 2, sessions: 6,
	},
	{
		id: "kokkikerho", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Aikuinen ja lapsi kokkaavat", "Vuxen och barn lagar mat", "Cooking for a grown-up and a child", "Кулінарія для дорослого й дитини"),
		desc: tr("Valmistetaan yhdessä helppo ateria ja syödään se yhteisen pöydän ääressä.",
			"Vi lagar en enkel måltid tillsammans och äter den vid ett gemensamt bord.",
			"Cook an easy meal together and eat it at a shared table.",
			"Разом готуємо просту страву й їмо її за спільним столом."),
		cats: []polku.Category{polku.CategoryFamily}, ageMin: 4, ageMax: 12, audience: polku.AudienceFamily,
		price: paid(500), langs: fi, capacity: 6,
		day: time.Saturday, hour: 10, minutes: 120, after: 5, sessions: 3, every: 2,
	},
	{
		id: "ukrainalaisten-perheiden-ilta", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Ukrainalaisten perheiden ilta", "Kväll för ukrainska familjer", "Evening for Ukrainian families", "Вечір для українських родин"),
		desc: tr("Yhteinen ilta ukrainaksi ja suomeksi: leikkiä lapsille, teetä ja juttuseuraa aikuisille.",
			"En gemensam kväll på ukrainska och finska: lek för barnen, te och samtal för de vuxna.",
			"An evening in Ukrainian and Finnish: games for the children, tea and company for the adults.",
			"Спільний вечір українською та фінською: ігри для дітей, чай і спілкування для дорослих."),
		cats: []polku.Category{polku.CategoryFamily, polku.CategoryCulture}, ageMin: 0, ageMax: 17, audience: polku.AudienceFamily,
		price: free(), access: stepWC, langs: []string{"uk", "fi"}, capacity: 30,
		day: time.Friday, hour: 17, minute: 30, minutes: 120, after: 3, sessions: 4, every: 2,
	},
	{
		id: "vauvaryhma", org: orgKalajokiFamily, at: placeKalajokiCentre,
		title: tr("Vauvaperheiden vertaisryhmä", "Kamratgrupp för babyfamiljer", "Peer group for baby families", "Група підтримки для родин з немовлятами"),
		desc: tr("Vauvan kanssa saa tulla: jaetaan kokemuksia ja kysymyksiä ohjaajan kanssa.",
			"Kom med din bebis: vi delar erfarenheter och frågor med en handledare.",
			"Come with your baby: share experiences and questions with a facilitator.",
			"Приходьте з малюком: ділимося досвідом і запитаннями разом із модератором."),
		cats: []polku.Category{polku.CategoryFamily}, ageMin: 0, ageMax: 1, audience: polku.AudienceParents,
		price: free(), access: stepWC, langs: fi, capacity: 10,
		day: time.Thursday, hour: 10, minutes: 90, after: 2, sessions: 6,
	},
	{
		id: "perheleffa", org: orgKalajokiFamily, at: placeKalajokiLib,
		title: tr("Perheleffa", "Familjebio", "Family film", "Сімейне кіно"),
		desc: tr("Lastenelokuva isolta kankaalta. Popcornit kuuluvat hintaan.",
			"En barnfilm på stor duk. Popcorn ingår i priset.",
			"A children's film on the big screen. Popcorn is included.",
			"Дитячий фільм на великому екрані. Попкорн входить у вартість."),
		cats: []polku.Category{polku.CategoryCulture}, ageMin: 4, ageMax: 12, audience: polku.AudienceFamily,
		price:  card(400),
		access: []polku.Access{polku.AccessHearingLoop, polku.AccessStepFree}, langs: fi, capacity: 60,
		day: time.Sunday, hour: 14, minutes: 100, after: 7, sessions: 1,
	},
}
