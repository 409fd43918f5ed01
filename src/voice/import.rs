/*! `rustig voice import`: a folder of raw recordings turned into a finished pack.

Input: a folder of recordings in any format [`super::decode`] reads, each named after
the clip id it says (`techniek.armen.m4a`, or `techniek-armen.m4a`), or any names
mapped to ids (and texts) by `clips.toml` / `clips.csv` in that folder or a file given
with `--map`. Each recording is decoded, resampled (rubato) to the pack's rate, and
brought to the pack standard by [`super::process`] with the settings for microphones
(DC removed, optional high-pass, trimmed above its own noise floor to 20 ms of
silence, −16 LUFS, true peak ≤ −1 dBTP). Output: a new pack folder with mono 16-bit
WAV files and a `voice.toml` whose texts come from the built-in pack for known ids.

The source folder is only read. The pack is built in a temporary folder next to the
target, loaded back as a check, and renamed into place: a failed import leaves
nothing behind. Nothing here prints; each clip is reported through a callback.
*/

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

use super::process::{self, Clip, Settings, TARGET_LUFS};
use super::{DecodeError, VoiceLookup, VoicePack, core_ids, decode_file, resample};
use crate::atomic::AtomicFile;
use crate::session::Code;
use crate::session::diagnostic::Diagnostic;
use crate::session::toml_reader::{Ctx, decode_text, parse_document, type_name};

/// File name endings taken as recordings.
pub const AUDIO_EXTENSIONS: [&str; 10] = [
    "wav", "wave", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac", "opus",
];

/// The mapping files looked for in the source folder.
pub const MAPPING_FILES: [&str; 2] = ["clips.toml", "clips.csv"];

/// How to import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    /// `[pack] name` (default: the target folder's name).
    pub name: Option<String>,
    /// `[pack] language`, and the built-in pack the texts come from.
    pub language: String,
    /// Apply the gentle high-pass against handling noise.
    pub high_pass: bool,
    /// The pack's sample rate in Hz.
    pub rate: u32,
    /// A mapping file other than the source folder's own.
    pub map: Option<PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name: None,
            language: "nl".into(),
            high_pass: false,
            rate: 44100,
            map: None,
        }
    }
}

/// One recording to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// The file in the source folder.
    pub path: PathBuf,
    /// The clip id it becomes.
    pub id: String,
    /// Its text from the mapping, if given there.
    pub text: Option<String>,
}

/// What was done to one recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The clip id.
    pub id: String,
    /// The source file's name.
    pub source: String,
    /// The pack's file name, `techniek-armen.wav`.
    pub file: String,
    /// The clip's text.
    pub text: String,
    /// The recording's sample rate.
    pub source_rate: u32,
    /// The recording's length in seconds.
    pub source_seconds: f64,
    /// The recording's loudness in LUFS, before anything was done.
    pub source_loudness: f64,
    /// The mean that was subtracted (DC offset), in full scale.
    pub dc: f64,
    /// The finished clip's length in seconds.
    pub seconds: f64,
    /// Its loudness in LUFS.
    pub loudness: f64,
    /// Its true peak in dBTP.
    pub true_peak: f64,
    /// Silence before and after the sound at −50 dBFS, in seconds.
    pub edges: (f64, f64),
}

/// What an import did as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The clips, in the order of the pack's `voice.toml`.
    pub clips: Vec<Imported>,
    /// Files in the source folder that are not recordings (other than mapping files).
    pub ignored: Vec<String>,
    /// Core ids no recording supplies.
    pub missing: Vec<String>,
}

/// What is wrong with one source file.
#[derive(Debug, thiserror::Error)]
pub enum FileProblem {
    /// It does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No sound stands out from its noise, or less than 0.4 s of it.
    #[error("`{0}` has no speech that stands out from its noise (or less than 0.4 s)")]
    Silent(String),
    /// Its id is not a valid clip id.
    #[error("`{file}`: `{id}` is not a valid clip id (words joined by dots, like tempo.praten)")]
    BadId {
        /// The file.
        file: String,
        /// The id its name gives.
        id: String,
    },
    /// The built-in pack has no text for its id and the mapping gives none.
    #[error(
        "`{file}`: no text for clip `{id}`: it is not a clip of the built-in pack; \
         name the file after one, or give its text in clips.toml: \"{file}\" = {{ id = \"{id}\", text = \"…\" }}"
    )]
    NoText {
        /// The file.
        file: String,
        /// Its id.
        id: String,
    },
    /// Two files give the same id.
    #[error("`{file}` and `{other}` are both clip `{id}`; keep one")]
    Duplicate {
        /// The file.
        file: String,
        /// The other file.
        other: String,
        /// The id.
        id: String,
    },
    /// A mapping entry names a file that is not there.
    #[error("the mapping names `{0}`, which is not in the source folder")]
    NotThere(String),
}

/// Why an import failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading or writing failed.
    #[error("{}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: io::Error,
    },
    /// The target exists and is not an empty folder.
    #[error("{} already exists; import into a new (or empty) folder", .0.display())]
    Exists(PathBuf),
    /// The target lies inside the source folder (which import never writes to).
    #[error("{} is inside the source folder {}; import never writes there", target.display(), source_dir.display())]
    InsideSource {
        /// The target.
        target: PathBuf,
        /// The source folder.
        source_dir: PathBuf,
    },
    /// The mapping file is not valid.
    #[error("{}: {message}", path.display())]
    Mapping {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No recordings in the folder.
    #[error("{} holds no recordings (files ending in .wav, .flac, .mp3, .ogg, .m4a, …)", .0.display())]
    Empty(PathBuf),
    /// The TOML mapping file has problems, each located in it.
    #[error("{}", .0.iter().map(|d| d.to_string()).collect::<String>().trim_end())]
    MappingProblems(Vec<Diagnostic>),
    /// Some files cannot be imported.
    #[error("{} file(s) cannot be imported:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}\n")).collect::<String>().trim_end())]
    Files(Vec<FileProblem>),
    /// The pack written does not load (a bug).
    #[error(
        "the imported pack does not load: {}",
        .0.iter().map(ToString::to_string).collect::<String>()
    )]
    Invalid(Vec<crate::session::Diagnostic>),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// A mapping entry: the id and, optionally, the text.
type Mapping = BTreeMap<String, (String, Option<String>)>;

/// Reads a mapping file: TOML (`"file" = "id"` or `"file" = { id = "…", text = "…" }`,
/// at the top or under `[clips]`) or CSV (`file,id[,text]`, an optional header row).
pub fn read_mapping(path: &Path) -> Result<Mapping, ImportError> {
    let bad = |message: String| ImportError::Mapping {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let mut map = Mapping::new();
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for (i, row) in reader.records().enumerate() {
            let row = row.map_err(|e| bad(e.to_string()))?;
            if i == 0 && row.get(0) == Some("file") {
                continue;
            }
            let (Some(file), Some(id)) = (row.get(0), row.get(1)) else {
                return Err(bad(format!(
                    "line {}: expected file,id[,text]",
                    row.position().map_or(i as u64 + 1, |p| p.line())
                )));
            };
            let text = row.get(2).filter(|t| !t.is_empty()).map(str::to_owned);
            map.insert(file.to_owned(), (id.to_owned(), text));
        }
        return Ok(map);
    }
    // TOML: read with spans, so each problem is a located diagnostic like those of
    // sessions and packs (all of them at once, with codes).
    if text.trim().is_empty() {
        return Ok(map);
    }
    let source = decode_text(path, text.as_bytes(), "mapping")
        .map_err(|d| ImportError::MappingProblems(vec![d]))?;
    let mut ctx = Ctx::new(source.clone());
    let Some(doc) = parse_document(&mut ctx, &source.text) else {
        return Err(ImportError::MappingProblems(ctx.diags));
    };
    let root = doc.get_ref();
    let table = match root.get("clips").map(|v| v.get_ref()) {
        Some(toml::de::DeValue::Table(t)) => t,
        _ => root,
    };
    let shape = |file: &str| format!("`{file}` must be \"id\" or {{ id = \"…\", text = \"…\" }}");
    for (key, value) in table {
        let file = key.get_ref().to_string();
        let entry = match value.get_ref() {
            toml::de::DeValue::String(id) => Some((id.to_string(), None)),
            toml::de::DeValue::Table(t) => {
                let get = |k: &str| t.get(k).map(|v| v.get_ref());
                let unknown = t
                    .iter()
                    .find(|(k, _)| !matches!(k.get_ref().as_ref(), "id" | "text"));
                match (get("id"), get("text"), unknown) {
                    (_, _, Some((k, _))) => {
                        ctx.error(
                            Code::UnknownKey,
                            k.span(),
                            format!("unknown key `{}` in the entry of `{file}`", k.get_ref()),
                        )
                        .help = Some("an entry has only `id` and `text`".into());
                        None
                    }
                    (Some(toml::de::DeValue::String(id)), None, None) => {
                        Some((id.to_string(), None))
                    }
                    (
                        Some(toml::de::DeValue::String(id)),
                        Some(toml::de::DeValue::String(text)),
                        None,
                    ) => Some((id.to_string(), Some(text.to_string()))),
                    (None, _, None) => {
                        ctx.error(
                            Code::MissingKey,
                            value.span(),
                            format!("the entry of `{file}` has no `id`"),
                        )
                        .help = Some(format!(
                            "write \"{file}\" = {{ id = \"tempo.praten\", text = \"…\" }}"
                        ));
                        None
                    }
                    (_, _, None) => {
                        ctx.error(Code::WrongType, value.span(), shape(&file)).help =
                            Some("`id` and `text` are strings in quotes".into());
                        None
                    }
                }
            }
            other => {
                ctx.error(
                    Code::WrongType,
                    value.span(),
                    format!("{}, found {}", shape(&file), type_name(other)),
                )
                .help = Some(format!("write \"{file}\" = \"tempo.praten\""));
                None
            }
        };
        if let Some(entry) = entry {
            map.insert(file, entry);
        }
    }
    if !ctx.diags.is_empty() {
        return Err(ImportError::MappingProblems(ctx.diags));
    }
    Ok(map)
}

/// The recordings in `src` (not recursive) and the names of other files, by name.
/// A mapping names a file's id (and text); other files are named after their id,
/// with dashes read as dots when that gives an id of the built-in pack.
pub fn find_recordings(
    src: &Path,
    map: Option<&Path>,
    known: &HashMap<String, String>,
) -> Result<(Vec<Recording>, Vec<String>), ImportError> {
    let mut mapping_file = map.map(Path::to_path_buf);
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(src).map_err(io_error(src))? {
        let entry = entry.map_err(io_error(src))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if MAPPING_FILES.contains(&name.as_str()) {
            if mapping_file.is_none() {
                mapping_file = Some(entry.path());
            }
            continue;
        }
        if entry.path().is_file() {
            names.push(name);
        }
    }
    names.sort();
    let mapping = match &mapping_file {
        Some(p) => read_mapping(p)?,
        None => Mapping::new(),
    };
    let mut problems = Vec::new();
    for file in mapping.keys() {
        if !names.contains(file) {
            problems.push(FileProblem::NotThere(file.clone()));
        }
    }
    let mut recordings = Vec::new();
    let mut ignored = Vec::new();
    for name in names {
        let (id, text) = match mapping.get(&name) {
            Some((id, text)) => (id.clone(), text.clone()),
            None => {
                let Some((stem, ext)) = name.rsplit_once('.') else {
                    ignored.push(name);
                    continue;
                };
                if !AUDIO_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
                    ignored.push(name);
                    continue;
                }
                let dotted = stem.replace('-', ".");
                let id = if !known.contains_key(stem) && known.contains_key(&dotted) {
                    dotted
                } else {
                    stem.to_owned()
                };
                (id, None)
            }
        };
        if !valid_id(&id) {
            problems.push(FileProblem::BadId { file: name, id });
            continue;
        }
        recordings.push(Recording {
            path: src.join(&name),
            id,
            text,
        });
    }
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    for r in &recordings {
        if let Some(other) = seen.insert(&r.id, &r.path) {
            problems.push(FileProblem::Duplicate {
                file: file_name(&r.path),
                other: file_name(other),
                id: r.id.clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Files(problems));
    }
    Ok((recordings, ignored))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The texts of the built-in pack of `language`, by id.
pub fn builtin_texts(language: &str) -> HashMap<String, String> {
    VoicePack::load(language, &VoiceLookup::builtin_only())
        .map(|(pack, _)| {
            pack.clips
                .into_iter()
                .map(|c| (c.id, c.text))
                .collect::<HashMap<_, _>>()
        })
        .unwrap_or_default()
}

/// Decodes and processes one recording to `rate`.
pub fn process_recording(
    path: &Path,
    rate: u32,
    high_pass: bool,
) -> Result<(Clip, u32, f64, f64, f64), FileProblem> {
    let (raw, from) = decode_file(path).map_err(|e| e.in_file(&file_name(path)))?;
    let source_seconds = raw.len() as f64 / f64::from(from);
    let dc = raw.iter().map(|&x| f64::from(x)).sum::<f64>() / raw.len().max(1) as f64;
    let resampled = resample(&raw, from, rate);
    let silent = || FileProblem::Silent(file_name(path));
    let source_loudness = process::integrated_loudness(&resampled, rate).ok_or_else(silent)?;
    let clip = process::process_with(&resampled, rate, &Settings::recording(high_pass))
        .ok_or_else(silent)?;
    Ok((clip, from, source_seconds, source_loudness, dc))
}

/// Imports the recordings of `src` into a new pack folder `out`; see the module
/// documentation. `on_clip` is called after each clip is processed (before anything
/// is written).
pub fn import(
    src: &Path,
    out: &Path,
    options: &ImportOptions,
    mut on_clip: impl FnMut(&Imported),
) -> Result<Report, ImportError> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let src_abs = std::fs::canonicalize(src).map_err(io_error(src))?;
    let out_abs = abs(out);
    let out_parent = out_abs.parent().unwrap_or(Path::new("/")).to_path_buf();
    let parent_real = std::fs::canonicalize(&out_parent).unwrap_or(out_parent.clone());
    if parent_real
        .join(out_abs.file_name().unwrap_or_default())
        .starts_with(&src_abs)
    {
        return Err(ImportError::InsideSource {
            target: out.to_path_buf(),
            source_dir: src.to_path_buf(),
        });
    }
    let replace_empty = match std::fs::read_dir(out).map(|mut e| e.next().is_none()) {
        Ok(true) => true,
        Ok(false) => return Err(ImportError::Exists(out.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(_) => return Err(ImportError::Exists(out.to_path_buf())),
    };

    let known = builtin_texts(&options.language);
    let (recordings, ignored) = find_recordings(src, options.map.as_deref(), &known)?;
    if recordings.is_empty() {
        return Err(ImportError::Empty(src.to_path_buf()));
    }
    // Core ids first, in their order, then the rest by id.
    let core = core_ids();
    let mut recordings = recordings;
    recordings.sort_by_key(|r| {
        (
            core.iter().position(|c| *c == r.id).unwrap_or(usize::MAX),
            r.id.clone(),
        )
    });

    let mut problems = Vec::new();
    let mut done: Vec<(Imported, Clip)> = Vec::new();
    for r in &recordings {
        let source = file_name(&r.path);
        let Some(text) = r.text.clone().or_else(|| known.get(&r.id).cloned()) else {
            problems.push(FileProblem::NoText {
                file: source,
                id: r.id.clone(),
            });
            continue;
        };
        match process_recording(&r.path, options.rate, options.high_pass) {
            Err(p) => problems.push(p),
            Ok((clip, source_rate, source_seconds, source_loudness, dc)) => {
                let imported = Imported {
                    id: r.id.clone(),
                    file: format!("{}.wav", r.id.replace('.', "-")),
                    source,
                    text,
                    source_rate,
                    source_seconds,
                    source_loudness,
                    dc,
                    seconds: clip.duration(),
                    loudness: clip.loudness,
                    true_peak: clip.true_peak(),
                    edges: (clip.lead, clip.trail),
                };
                on_clip(&imported);
                done.push((imported, clip));
            }
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Files(problems));
    }

    std::fs::create_dir_all(&out_parent).map_err(io_error(&out_parent))?;
    let name = options.name.clone().unwrap_or_else(|| file_name(&out_abs));
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", file_name(&out_abs)))
        .suffix(".part")
        .tempdir_in(&out_parent)
        .map_err(io_error(&out_parent))?;
    for (imported, clip) in &done {
        let path = temp.path().join(&imported.file);
        process::write_wav(&path, clip).map_err(io_error(&path))?;
    }
    let manifest = temp.path().join("voice.toml");
    let clips: Vec<&Imported> = done.iter().map(|(i, _)| i).collect();
    AtomicFile::write(
        &manifest,
        manifest_text(&name, &options.language, &clips).as_bytes(),
    )
    .map_err(io_error(&manifest))?;
    if let Err(diags) = VoicePack::load_dir(&name, temp.path()) {
        return Err(ImportError::Invalid(diags));
    }
    // Readable like any folder the user makes (temporary folders are private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(io_error(temp.path()))?;
    }
    if replace_empty {
        std::fs::remove_dir(out).map_err(io_error(out))?;
    }
    let kept = temp.keep();
    if let Err(e) = std::fs::rename(&kept, out) {
        let _ = std::fs::remove_dir_all(&kept);
        return Err(ImportError::Io {
            path: out.to_path_buf(),
            source: e,
        });
    }
    let have: Vec<&str> = clips.iter().map(|c| c.id.as_str()).collect();
    Ok(Report {
        missing: core
            .into_iter()
            .filter(|id| !have.contains(&id.as_str()))
            .collect(),
        clips: done.into_iter().map(|(i, _)| i).collect(),
        ignored,
    })
}

/// The `voice.toml` of an imported pack, written with `toml_edit`.
fn manifest_text(name: &str, language: &str, clips: &[&Imported]) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    doc.decor_mut().set_prefix(format!(
        "# Recorded by a coach; imported by `rustig voice import` \
         (-16 LUFS, true peak <= -1 dBTP, {} ms edges).\n",
        process::PAD_MS
    ));
    let mut pack = toml_edit::Table::new();
    pack.insert("name", toml_edit::value(name));
    pack.insert("language", toml_edit::value(language));
    // Clips not recorded (yet) are borrowed from the built-in pack of the language.
    if VoicePack::load(language, &VoiceLookup::builtin_only()).is_ok() {
        pack.insert("fallback", toml_edit::value(language));
    }
    doc.insert("pack", toml_edit::Item::Table(pack));
    let mut table = toml_edit::Table::new();
    for clip in clips {
        let mut entry = toml_edit::InlineTable::new();
        entry.insert("file", clip.file.as_str().into());
        entry.insert("text", clip.text.as_str().into());
        table.insert(&clip.id, toml_edit::value(entry));
    }
    doc.insert("clips", toml_edit::Item::Table(table));
    doc.to_string()
}

/// The gain the import applied, in dB (target minus the recording's loudness).
pub fn gain_db(imported: &Imported) -> f64 {
    TARGET_LUFS - imported.source_loudness
}
