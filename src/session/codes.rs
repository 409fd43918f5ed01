//! Stable codes of every kind of problem rustig reports (`R0001`…), with the longer
//! Dutch and English explanation that `rustig explain` prints.
//!
//! A code names a kind of problem, not one message: "unknown key `duraton`" and
//! "unknown key `kadans`" are both [`Code::UnknownKey`]. Codes are never renumbered
//! or reused, so editors, CI scripts and the guide can rely on them.

use std::fmt;

/// The kind of a problem; shown as `error[R0003]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The file cannot be read as a small UTF-8 text file.
    Unreadable = 1,
    /// The TOML syntax is wrong.
    Syntax = 2,
    /// A key that does not belong where it is.
    UnknownKey = 3,
    /// A value of the wrong type (a string where a number belongs, …).
    WrongType = 4,
    /// A number or count outside what is allowed.
    OutOfRange = 5,
    /// A duration that is not a positive duration with a unit.
    BadDuration = 6,
    /// A required key or table is missing.
    MissingKey = 7,
    /// A text or list that must not be empty is empty.
    Empty = 8,
    /// A name that is not one of the known ones (block kind, click sound, …).
    UnknownName = 9,
    /// The session is longer than rustig plays (4 hours).
    TooLong = 10,
    /// A cadence ramp that is not written `"170-176"` or leaves 120–220.
    BadCadence = 11,
    /// Metronome check bursts that are not shorter than their interval.
    CheckBurst = 12,
    /// A breathing rhythm that does not breathe out longer than in.
    Breathing = 13,
    /// A breathe block shorter than one breath.
    ShortBreathe = 14,
    /// A cue without a clear what or when.
    BadCue = 15,
    /// A cue that falls outside its block.
    CueOutside = 16,
    /// A clip id, text or name that the voice pack does not have.
    UnknownClip = 17,
    /// A voice pack that cannot be found or used.
    VoiceNotFound = 18,
    /// A click sound file that is missing or cannot be used.
    ClickSound = 19,
    /// A clip that starts seconds after it is due because others are speaking.
    LateClip = 20,
    /// A program that lists a missing session file, or one twice.
    ProgramSession = 21,
    /// A clip of a voice pack that cannot be used (id, file, borrowing).
    PackClip = 22,
    /// A voice pack without every clip the automatic cues need.
    PackIncomplete = 23,
    /// Running without a warm-up walk of at least 5 minutes before it.
    NoWarmUp = 24,
    /// Running without walking out for at least 5 minutes after it.
    NoWalkOut = 25,
    /// No stretches after the running.
    NoStretch = 26,
    /// A run cadence outside the relaxed 165–185.
    TenseCadence = 27,
    /// More than 10 minutes of running without a word from the coach.
    SilentCoach = 28,
}

impl Code {
    /// Every code, in number order.
    pub const ALL: [Code; 28] = [
        Code::Unreadable,
        Code::Syntax,
        Code::UnknownKey,
        Code::WrongType,
        Code::OutOfRange,
        Code::BadDuration,
        Code::MissingKey,
        Code::Empty,
        Code::UnknownName,
        Code::TooLong,
        Code::BadCadence,
        Code::CheckBurst,
        Code::Breathing,
        Code::ShortBreathe,
        Code::BadCue,
        Code::CueOutside,
        Code::UnknownClip,
        Code::VoiceNotFound,
        Code::ClickSound,
        Code::LateClip,
        Code::ProgramSession,
        Code::PackClip,
        Code::PackIncomplete,
        Code::NoWarmUp,
        Code::NoWalkOut,
        Code::NoStretch,
        Code::TenseCadence,
        Code::SilentCoach,
    ];

    /// The number of the code (`3` for `R0003`).
    pub fn number(self) -> u16 {
        self as u16
    }

    /// The code written as the user types it: `R0003`, `r3` and `3` are all `R0003`.
    pub fn parse(text: &str) -> Option<Code> {
        let t = text.trim();
        let digits = t
            .strip_prefix('R')
            .or_else(|| t.strip_prefix('r'))
            .unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u16 = digits.parse().ok()?;
        Code::ALL.into_iter().find(|c| c.number() == n)
    }
}

impl fmt::Display for Code {
    /// `R0003`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{:04}", self.number())
    }
}

/// Which file an explanation's examples are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleFile {
    /// A session file.
    Session,
    /// A program folder's `program.toml`, beside the sessions `week1.toml` and
    /// `week2.toml`.
    Program,
    /// A voice pack's `voice.toml`, beside the recording `tempo.wav`.
    Pack,
}

/// What `rustig explain CODE` prints: the kind of problem in a few words, a longer
/// explanation in Dutch (for runners and coaches) and English, and a wrong and a
/// right example (both checked by a test).
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    /// A few English words, as in `rustig explain --list`.
    pub title: &'static str,
    /// The explanation in Dutch.
    pub dutch: &'static str,
    /// The explanation in English.
    pub english: &'static str,
    /// The kind of file of the examples.
    pub file: ExampleFile,
    /// A file with the problem.
    pub wrong: &'static str,
    /// The same file, fixed.
    pub right: &'static str,
}

impl Code {
    /// The longer explanation of this code.
    pub fn explanation(self) -> Explanation {
        use ExampleFile::{Pack, Program, Session};
        let (title, dutch, english, file, wrong, right) = match self {
            Code::Unreadable => (
                "the file cannot be read",
                "rustig leest sessies, programma's en stempakketten als kleine tekstbestanden \
                 in UTF-8 (hoogstens 1 MiB). Een leeg bestand, een bestand in een andere \
                 codering of een bestand dat niet bestaat of niet leesbaar is, kan het niet \
                 gebruiken. Kijk of je het goede bestand opgeeft en sla het op als UTF-8.",
                "rustig reads sessions, programs and voice packs as small UTF-8 text files \
                 (at most 1 MiB). An empty file, a file in another encoding, or one that does \
                 not exist or cannot be read cannot be used. Check that you named the right \
                 file and save it as UTF-8.",
                Session,
                "",
                "title = \"Rustig wandelen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
            ),
            Code::Syntax => (
                "the TOML syntax is wrong",
                "Het bestand is geen geldige TOML. Vaak ontbreken aanhalingstekens rond een \
                 tekst, of staat er een haakje te veel of te weinig. Teksten en tijden staan \
                 tussen aanhalingstekens: title = \"Week 1\", duration = \"5m\".",
                "The file is not valid TOML. Often a text lacks its quotes, or a bracket is \
                 missing or extra. Texts and durations are quoted: title = \"Week 1\", \
                 duration = \"5m\".",
                Session,
                "title = Week 1\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
                "title = \"Week 1\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
            ),
            Code::UnknownKey => (
                "a key that does not belong here",
                "Deze sleutel kent rustig niet op deze plek. Meestal is het een tikfout \
                 (duraton in plaats van duration); de hint noemt dan de bedoelde sleutel. \
                 Elk soort blok heeft zijn eigen sleutels: `rustig schema` laat ze allemaal \
                 zien, en een editor met het schema vult ze voor je aan.",
                "rustig does not know this key in this place. Mostly it is a typo (duraton \
                 for duration); the hint then names the key you meant. Each block kind has \
                 its own keys: `rustig schema` lists them all, and an editor with the schema \
                 completes them for you.",
                Session,
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"walk\"\nduraton = \"10m\"\n",
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
            ),
            Code::WrongType => (
                "a value of the wrong type",
                "De waarde heeft het verkeerde soort: een tekst waar een getal hoort, een \
                 getal waar een lijst hoort, of true/false tussen aanhalingstekens. De \
                 melding zegt welk soort er hoort, bijvoorbeeld repeat = 4 (een heel getal, \
                 zonder aanhalingstekens) of auto_cues = false.",
                "The value is of the wrong type: a text where a number belongs, a number \
                 where a list belongs, or true/false in quotes. The message says which type \
                 belongs, e.g. repeat = 4 (a whole number, unquoted) or auto_cues = false.",
                Session,
                "title = \"Intervallen\"\n\n[[block]]\nkind = \"intervals\"\nrepeat = \"4\"\nrun = \"1m\"\nwalk = \"2m\"\n",
                "title = \"Intervallen\"\n\n[[block]]\nkind = \"intervals\"\nrepeat = 4\nrun = \"1m\"\nwalk = \"2m\"\n",
            ),
            Code::OutOfRange => (
                "a number outside what is allowed",
                "Het getal ligt buiten wat rustig toestaat: een cadans tussen 120 en 220 \
                 passen per minuut, een volume tussen 0.0 en 1.0, een herhaling van 1 tot en \
                 met 50, enzovoort. De melding noemt de grenzen. Ontspannen hardlopen gaat \
                 op 170 tot 180 passen per minuut.",
                "The number is outside what rustig allows: a cadence of 120 to 220 steps per \
                 minute, a volume of 0.0 to 1.0, a repeat of 1 to 50, and so on. The message \
                 names the limits. Relaxed running is 170 to 180 steps a minute.",
                Session,
                "title = \"Hardlopen\"\ncadence = 250\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\n",
                "title = \"Hardlopen\"\ncadence = 174\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\n",
            ),
            Code::BadDuration => (
                "not a duration with a unit",
                "Een tijdsduur is een tekst met een eenheid: \"90s\", \"5m\", \"1m30s\", \
                 \"1h\" (h, m, s en ms). Een kaal getal is dubbelzinnig (seconden of \
                 minuten?), een negatieve duur bestaat alleen bij `at` van een cue (vanaf \
                 het eind), en een blok van nul tellen duurt niets.",
                "A duration is a text with a unit: \"90s\", \"5m\", \"1m30s\", \"1h\" (h, m, \
                 s and ms). A bare number is ambiguous (seconds or minutes?), a negative \
                 duration exists only as a cue's `at` (from the end), and a block of zero \
                 lasts nothing.",
                Session,
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"walk\"\nduration = 300\n",
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n",
            ),
            Code::MissingKey => (
                "a required key or table is missing",
                "Er ontbreekt iets wat rustig nodig heeft: de titel van de sessie, het \
                 soort (`kind`) of de duur van een blok, de tabel [program] of [pack], of \
                 `file` en `text` van een clip. De hint geeft een regel die je zo kunt \
                 overnemen.",
                "Something rustig needs is missing: the session's title, a block's `kind` \
                 or duration, the [program] or [pack] table, or a clip's `file` and `text`. \
                 The hint gives a line you can copy.",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\n",
            ),
            Code::Empty => (
                "an empty text or list",
                "Een titel, een lijst met oefeningen of rekoefeningen, of de lijst met \
                 sessies van een programma mag niet leeg zijn: vul hem, of laat het blok weg.",
                "A title, a list of exercises or stretches, or a program's list of sessions \
                 must not be empty: fill it, or leave the block out.",
                Session,
                "title = \"Rekken\"\n\n[[block]]\nkind = \"stretch\"\nstretches = []\nhold = \"30s\"\n",
                "title = \"Rekken\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
            ),
            Code::UnknownName => (
                "a name that rustig does not know",
                "Dit is geen van de namen die hier kunnen: de soorten blokken (walk, run, \
                 intervals, strength, stretch, breathe, silence), de klanken van de metronoom \
                 (tik, klak, piep, tok), de patronen (continuous, settle) of de manieren van \
                 aftellen. De hint noemt de naam die het dichtst in de buurt komt.",
                "This is not one of the names allowed here: the block kinds (walk, run, \
                 intervals, strength, stretch, breathe, silence), the metronome sounds (tik, \
                 klak, piep, tok), the patterns (continuous, settle) or the countdown styles. \
                 The hint names the closest one.",
                Session,
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"wandelen\"\nduration = \"10m\"\n",
                "title = \"Wandelen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
            ),
            Code::TooLong => (
                "longer than 4 hours",
                "rustig speelt sessies van hoogstens vier uur, inclusief wat de stem na het \
                 laatste blok nog zegt. Bij ontspannen hardlopen bouw je rustig op: van 12 \
                 naar 36 minuten in ongeveer honderd dagen. Maak de sessie korter of verdeel \
                 haar over meer dagen.",
                "rustig plays sessions of at most four hours, including what the voice still \
                 says after the last block. Relaxed running builds up gently: from 12 to 36 \
                 minutes in about a hundred days. Make the session shorter or spread it over \
                 more days.",
                Session,
                "title = \"Lang\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5h\"\n",
                "title = \"Lang\"\n\n[[block]]\nkind = \"walk\"\nduration = \"45m\"\n",
            ),
            Code::BadCadence => (
                "a cadence ramp that cannot be used",
                "Een opbouwende cadans schrijf je als tekst met twee getallen en een \
                 streepje: cadence = \"170-176\". De tikken gaan dan gelijkmatig van 170 naar \
                 176 passen per minuut. Beide getallen liggen tussen 120 en 220; een vaste \
                 cadans schrijf je zonder aanhalingstekens: cadence = 172.",
                "A rising cadence is a text of two numbers and a dash: cadence = \"170-176\". \
                 The clicks then go evenly from 170 to 176 steps a minute. Both ends are \
                 between 120 and 220; a steady cadence is written without quotes: \
                 cadence = 172.",
                Session,
                "title = \"Opbouwen\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\ncadence = \"170 tot 176\"\n",
                "title = \"Opbouwen\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\ncadence = \"170-176\"\n",
            ),
            Code::CheckBurst => (
                "check bursts not shorter than their interval",
                "Met een metronoom die na het inlopen stil wordt (pattern = \"settle\") tikt \
                 rustig af en toe een kort stukje om je cadans te controleren: `check_for` \
                 lang, elke `check_every`. Dat stukje moet korter zijn dan de tijd ertussen, \
                 anders tikt hij gewoon door.",
                "With a metronome that falls silent after the settling in (pattern = \
                 \"settle\"), rustig clicks a short burst now and then to check your cadence: \
                 `check_for` long, every `check_every`. The burst must be shorter than the \
                 time between bursts, or it would simply keep clicking.",
                Session,
                "title = \"Controle\"\n\n[metronome]\npattern = \"settle\"\ncheck_every = \"1m\"\ncheck_for = \"2m\"\n\n[[block]]\nkind = \"run\"\nduration = \"10m\"\n",
                "title = \"Controle\"\n\n[metronome]\npattern = \"settle\"\ncheck_every = \"2m\"\ncheck_for = \"15s\"\n\n[[block]]\nkind = \"run\"\nduration = \"10m\"\n",
            ),
            Code::Breathing => (
                "a breathing rhythm that is not calm",
                "Bij het ademen na afloop adem je langer uit dan in: dat vertelt je lichaam \
                 dat de inspanning voorbij is. Elke ademhaling duurt minstens een seconde, \
                 en `exhale` is langer dan `inhale`, bijvoorbeeld 4 tellen in en 6 uit.",
                "Breathing after the run breathes out longer than in: it tells the body the \
                 effort is over. Each breath lasts at least a second, and `exhale` is longer \
                 than `inhale`, e.g. 4 seconds in and 6 out.",
                Session,
                "title = \"Ademen\"\n\n[[block]]\nkind = \"breathe\"\nduration = \"2m\"\ninhale = \"6s\"\nexhale = \"4s\"\n",
                "title = \"Ademen\"\n\n[[block]]\nkind = \"breathe\"\nduration = \"2m\"\ninhale = \"4s\"\nexhale = \"6s\"\n",
            ),
            Code::ShortBreathe => (
                "a breathe block shorter than one breath",
                "Dit ademblok is korter dan één ademhaling (in plus uit), dus je hoort geen \
                 enkele ademtoon. Maak het blok langer, minstens een minuut is prettig.",
                "This breathe block is shorter than one breath (in plus out), so no breath \
                 tone sounds. Make the block longer; a minute or more is pleasant.",
                Session,
                "title = \"Ademen\"\n\n[[block]]\nkind = \"breathe\"\nduration = \"5s\"\n",
                "title = \"Ademen\"\n\n[[block]]\nkind = \"breathe\"\nduration = \"1m\"\n",
            ),
            Code::BadCue => (
                "a cue without a clear what or when",
                "Een cue zegt wat de stem zegt en wanneer: `clip` (een clip-id) of `say` \
                 (een tekst), en `at` (één keer, vanaf het begin of met een minteken vanaf \
                 het eind) of `every` (steeds opnieuw, eventueel vanaf `from`). Precies één \
                 van elk.",
                "A cue says what the voice says and when: `clip` (a clip id) or `say` (a \
                 text), and `at` (once, from the start, or with a minus sign from the end) or \
                 `every` (again and again, optionally from `from`). Exactly one of each.",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"10m\"\ncues = [{ clip = \"tempo.praten\" }]\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"10m\"\ncues = [{ at = \"4m\", clip = \"tempo.praten\" }]\n",
            ),
            Code::CueOutside => (
                "a cue outside its block",
                "Het moment van de cue ligt buiten zijn blok: `at` is langer dan het blok \
                 duurt (of met een minteken verder terug dan het begin). Zet de cue in het \
                 blok waar hij hoort, of kies een moment binnen de duur.",
                "The cue's moment lies outside its block: `at` is later than the block lasts \
                 (or, with a minus sign, further back than its start). Put the cue in the \
                 block it belongs to, or pick a moment within its length.",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{ at = \"6m\", clip = \"tempo.praten\" }]\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{ at = \"4m\", clip = \"tempo.praten\" }]\n",
            ),
            Code::UnknownClip => (
                "a clip the voice pack does not have",
                "Het stempakket heeft deze clip niet: een clip-id, een tekst van `say`, of \
                 de naam van een oefening of rekoefening die de stem moet noemen. \
                 `rustig voice list` laat alle clips met hun tekst zien; een eigen tekst neem \
                 je op of maak je met `rustig voice synth`.",
                "The voice pack has no such clip: a clip id, a `say` text, or the name of an \
                 exercise or stretch the voice must announce. `rustig voice list` shows \
                 every clip with its text; record your own text, or make it with \
                 `rustig voice synth`.",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{ at = \"1m\", clip = \"tempo.pratten\" }]\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [{ at = \"1m\", clip = \"tempo.praten\" }]\n",
            ),
            Code::VoiceNotFound => (
                "a voice pack that cannot be found or used",
                "rustig vindt het stempakket niet, of het pakket heeft zelf fouten. Het \
                 ingebouwde pakket heet \"nl\"; eigen pakketten staan in een map met \
                 voice.toml, in ~/.local/share/rustig/voices/ of via --voice-dir. \
                 `rustig voice list` toont wat er is.",
                "rustig cannot find the voice pack, or the pack itself has errors. The \
                 built-in pack is \"nl\"; your own packs are folders with voice.toml, in \
                 ~/.local/share/rustig/voices/ or given with --voice-dir. `rustig voice list` \
                 shows what there is.",
                Session,
                "title = \"Wandelen\"\nvoice = \"mijn-stem\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
                "title = \"Wandelen\"\nvoice = \"nl\"\n\n[[block]]\nkind = \"walk\"\nduration = \"10m\"\n",
            ),
            Code::ClickSound => (
                "a click sound that cannot be used",
                "De klank van de metronoom is een ingebouwde naam (tik, klak, piep, tok) of \
                 een pad naar een eigen geluidsbestand naast de sessie (WAV, FLAC, MP3, Ogg \
                 of M4A). Dat bestand bestaat niet, is geen bestand of geen geluid dat \
                 rustig kan lezen.",
                "The metronome's sound is a built-in name (tik, klak, piep, tok) or a path \
                 to a sound file of your own beside the session (WAV, FLAC, MP3, Ogg or \
                 M4A). That file does not exist, is not a file, or is not audio rustig reads.",
                Session,
                "title = \"Tikken\"\n\n[metronome]\nsound = \"mijn-tik.wav\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\n",
                "title = \"Tikken\"\n\n[metronome]\nsound = \"klak\"\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\n",
            ),
            Code::LateClip => (
                "a clip that starts late",
                "Twee clips vallen op hetzelfde moment; de stem praat nooit door zichzelf \
                 heen, dus de tweede wacht tot de eerste klaar is en komt meer dan 3 seconden \
                 te laat. Zet de cues verder uit elkaar. rustig spreekt spaarzaam: minder is \
                 vaak beter.",
                "Two clips fall on the same moment; the voice never talks over itself, so \
                 the second waits until the first is done and comes more than 3 seconds \
                 late. Space the cues further apart. rustig speaks sparingly: less is often \
                 better.",
                Session,
                "title = \"Hardlopen\"\nauto_cues = false\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [\n  { at = \"1m\", clip = \"tempo.praten\" },\n  { at = \"1m\", clip = \"tempo.langzamer\" },\n]\n",
                "title = \"Hardlopen\"\nauto_cues = false\n\n[[block]]\nkind = \"run\"\nduration = \"5m\"\ncues = [\n  { at = \"1m\", clip = \"tempo.praten\" },\n  { at = \"2m\", clip = \"tempo.langzamer\" },\n]\n",
            ),
            Code::ProgramSession => (
                "a program's session file is missing or listed twice",
                "Een programma is een map met program.toml en de sessies die het in \
                 volgorde noemt. Elke naam in `sessions` is een bestand in die map, en staat \
                 er maar één keer in.",
                "A program is a folder with program.toml and the sessions it lists in \
                 order. Each name in `sessions` is a file in that folder, listed once.",
                Program,
                "[program]\ntitle = \"Mijn schema\"\nsessions = [\"week1.toml\", \"week3.toml\"]\n",
                "[program]\ntitle = \"Mijn schema\"\nsessions = [\"week1.toml\", \"week2.toml\"]\n",
            ),
            Code::PackClip => (
                "a clip of a voice pack that cannot be used",
                "Een clip in voice.toml heeft een id van woorden met punten (tempo.praten), \
                 een geluidsbestand naast voice.toml dat rustig kan lezen (WAV, FLAC, MP3, \
                 Ogg, M4A), en de tekst die erin gezegd wordt. Met `fallback = \"nl\"` leen \
                 je wat ontbreekt uit het ingebouwde pakket; een ander leenpakket is er niet.",
                "A clip in voice.toml has an id of words joined by dots (tempo.praten), a \
                 sound file beside voice.toml that rustig reads (WAV, FLAC, MP3, Ogg, M4A), \
                 and the text it says. With `fallback = \"nl\"` you borrow what is missing \
                 from the built-in pack; there is no other pack to borrow from.",
                Pack,
                "[pack]\nname = \"Mijn stem\"\nlanguage = \"nl\"\nfallback = \"nl\"\n\n[clips]\n\"tempo.praten\" = { file = \"praten.wav\", text = \"Kun je nog praten? Dan zit je goed.\" }\n",
                "[pack]\nname = \"Mijn stem\"\nlanguage = \"nl\"\nfallback = \"nl\"\n\n[clips]\n\"tempo.praten\" = { file = \"tempo.wav\", text = \"Kun je nog praten? Dan zit je goed.\" }\n",
            ),
            Code::PackIncomplete => (
                "a voice pack without the clips automatic cues need",
                "De automatische cues (aankondigingen, aftellen, halverwege, einde, \
                 techniektips) gebruiken vaste clip-id's, en elk pakket moet ze hebben. Neem \
                 ze op, maak ze met `rustig voice synth`, of leen ze met `fallback = \"nl\"` \
                 uit het ingebouwde pakket.",
                "The automatic cues (announcements, countdown, halfway, end, technique \
                 reminders) use fixed clip ids, and every pack must have them. Record them, \
                 make them with `rustig voice synth`, or borrow them with `fallback = \"nl\"` \
                 from the built-in pack.",
                Pack,
                "[pack]\nname = \"Mijn stem\"\nlanguage = \"nl\"\n\n[clips]\n\"tempo.praten\" = { file = \"tempo.wav\", text = \"Kun je nog praten? Dan zit je goed.\" }\n",
                "[pack]\nname = \"Mijn stem\"\nlanguage = \"nl\"\nfallback = \"nl\"\n\n[clips]\n\"tempo.praten\" = { file = \"tempo.wav\", text = \"Kun je nog praten? Dan zit je goed.\" }\n",
            ),
            Code::NoWarmUp => (
                "running without a warm-up walk",
                "Het e-boek raadt aan te beginnen met minstens vijf minuten stevig wandelen: \
                 je spieren en je hart komen rustig op gang en het hardlopen voelt daarna \
                 lichter. Zet een wandelblok van 5 minuten of langer voor het eerste \
                 hardloopblok. (Een advies: de sessie speelt gewoon.)",
                "The e-book advises starting with at least five minutes of brisk walking: \
                 muscles and heart get going gently and the running feels lighter after it. \
                 Put a walk block of 5 minutes or more before the first running block. \
                 (Advice: the session still plays.)",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
            ),
            Code::NoWalkOut => (
                "no walking out after the running",
                "Stop niet abrupt: wandel na het hardlopen minstens vijf minuten uit, zodat \
                 je hartslag en ademhaling rustig zakken. Zet een wandelblok van 5 minuten of \
                 langer na het laatste hardloopblok. (Een advies: de sessie speelt gewoon.)",
                "Do not stop abruptly: walk out for at least five minutes after the running, \
                 so heart rate and breathing settle gently. Put a walk block of 5 minutes or \
                 more after the last running block. (Advice: the session still plays.)",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
            ),
            Code::NoStretch => (
                "no stretches after the running",
                "Sluit af met rekken van je kuiten, hamstrings en bovenbenen \
                 (quadriceps): rustig, zonder pijn, en adem lang uit. Zet een rekblok na het \
                 laatste hardloopblok. (Een advies: de sessie speelt gewoon.)",
                "End by stretching calves, hamstrings and quadriceps: gently, without pain, \
                 breathing out long. Put a stretch block after the last running block. \
                 (Advice: the session still plays.)",
                Session,
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n",
                "title = \"Hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\", \"hamstrings\", \"quadriceps\"]\nhold = \"30s\"\n",
            ),
            Code::TenseCadence => (
                "a run cadence outside 165-185",
                "Ontspannen hardlopen gaat met kleine, lichte passen: 170 tot 180 per \
                 minuut. Een veel lagere cadans betekent grote, zware passen; een veel hogere \
                 is gejaagd. rustig waarschuwt buiten 165 tot 185, ook voor één van beide \
                 uiteinden van een opbouwende cadans. (Een advies: de sessie speelt gewoon.)",
                "Relaxed running uses small, light steps: 170 to 180 a minute. A much lower \
                 cadence means long, heavy strides; a much higher one is hurried. rustig \
                 warns outside 165 to 185, also for either end of a cadence ramp. (Advice: \
                 the session still plays.)",
                Session,
                "title = \"Hardlopen\"\ncadence = 150\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
                "title = \"Hardlopen\"\ncadence = 172\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"8m\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
            ),
            Code::SilentCoach => (
                "more than 10 minutes of running without a word",
                "rustig spreekt spaarzaam, maar tijdens meer dan tien minuten hardlopen \
                 helpt een enkel woord: blijf je ontspannen, kun je nog praten? Laat de \
                 herinneringen aan ([reminders], reminders = true) of zet zelf een cue in \
                 het blok. (Een advies: de sessie speelt gewoon.)",
                "rustig speaks sparingly, but in more than ten minutes of running a single \
                 word helps: still relaxed, can you still talk? Keep the reminders on \
                 ([reminders], reminders = true) or put a cue of your own in the block. \
                 (Advice: the session still plays.)",
                Session,
                "title = \"Lang hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"25m\"\nreminders = false\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
                "title = \"Lang hardlopen\"\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"run\"\nduration = \"25m\"\nreminders = false\ncues = [\n  { at = \"8m\", clip = \"tempo.praten\" },\n  { at = \"20m\", clip = \"tempo.praten\" },\n]\n\n[[block]]\nkind = \"walk\"\nduration = \"5m\"\n\n[[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\"]\nhold = \"30s\"\n",
            ),
        };
        Explanation {
            title,
            dutch,
            english,
            file,
            wrong,
            right,
        }
    }
}
