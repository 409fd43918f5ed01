//! `rustig new`: a starter session or a built-in example, with the `#:schema` line.

use crate::util::{Rustig, arg, listing, root};

const HEADER: &str = "#:schema ./rustig-session.schema.json\n";

#[test]
fn the_starter_passes_check_and_starts_with_the_schema_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mijn.toml");
    let (stdout, stderr) = Rustig::new(&["new", file.to_str().unwrap()]).exits(0);
    assert_eq!(stdout, "");
    let d = dir.path().display();
    assert_eq!(
        stderr,
        format!(
            "wrote {d}/mijn.toml\nwrote {d}/rustig-session.schema.json (for editors: completion and checks while you type)\nnext: rustig check {d}/mijn.toml\n"
        )
    );
    let written = std::fs::read_to_string(&file).unwrap();
    let starter = std::fs::read_to_string(root().join("src/cli/starter.toml")).unwrap();
    assert_eq!(written, format!("{HEADER}{starter}"));
    let schema = std::fs::read_to_string(dir.path().join("rustig-session.schema.json")).unwrap();
    assert_eq!(
        schema,
        rustig::schema::schema_text(&rustig::schema::builtin_pack().unwrap())
    );
    let (stdout, stderr) = Rustig::new(&["check", file.to_str().unwrap()]).exits(0);
    assert_eq!(stdout, format!("{d}/mijn.toml: ok, 26:35 in 14 blocks\n"));
    assert_eq!(stderr, "checked 1 file: 0 errors, 0 warnings\n");
    // Nothing else in the folder: no temporary files.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn from_copies_a_built_in_example_that_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "alle-blokken",
        "alleen-metronoom",
        "eerste-keer",
        "kracht",
        "stil",
    ] {
        let file = dir.path().join(format!("{name}.toml"));
        let (_, stderr) = Rustig::new(&["new", arg(&file), "--from", name, "--no-schema"])
            .cwd(dir.path())
            .exits(0);
        assert_eq!(
            stderr,
            format!(
                "wrote {0} (from the example {name})\nnext: rustig check {0}\n",
                file.display()
            )
        );
        let original =
            std::fs::read_to_string(root().join(format!("sessions/voorbeelden/{name}.toml")))
                .unwrap();
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            format!("{HEADER}{original}")
        );
        // Checked away from the repository, so nothing comes from its folders.
        Rustig::new(&["check", arg(&file)]).cwd(dir.path()).exits(0);
    }
    // --no-schema: only the five sessions.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
}

#[test]
fn list_shows_the_examples() {
    let (stdout, _) = Rustig::new(&["new", "--list"]).exits(0);
    assert_eq!(
        stdout,
        "alle-blokken      Alle blokken: één voorbeeld van elk soort blok, elke metronoominstelling\n\
         alleen-metronoom  Alleen de metronoom: geen stem, alleen tikken.\n\
         eerste-keer       Eerste keer: een korte eerste kennismaking met ontspannen hardlopen.\n\
         kracht            Kracht: spierversterkende oefeningen, met mate.\n\
         stil              Stil: zo min mogelijk geluid, veel aandacht voor je lichaam en je omgeving.\n"
    );
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bestaat.toml");
    std::fs::write(&file, "title = \"van mij\"\n").unwrap();
    let (_, stderr) = Rustig::new(&["new", arg(&file)]).exits(1);
    assert_eq!(
        stderr,
        format!(
            "error: {} already exists; rustig new does not overwrite files\n  = help: choose another name, or remove the file first\n",
            file.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "title = \"van mij\"\n"
    );
    assert_eq!(listing(dir.path()), ["bestaat.toml"]);
}

#[test]
fn an_unknown_example_or_a_missing_file_is_wrong_usage() {
    let (_, stderr) = Rustig::new(&["new", "x.toml", "--from", "still"]).exits(2);
    assert!(
        stderr.starts_with("error: invalid value 'still' for '--from <EXAMPLE>'\n  [possible values: alle-blokken, alleen-metronoom, eerste-keer, kracht, stil]\n\n  tip: a similar value exists: 'stil'\n"),
        "{stderr}"
    );
    Rustig::new(&["new"]).exits(2);
    assert!(!root().join("x.toml").exists());
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nee/nieuw.toml");
    let (_, stderr) = Rustig::new(&["new", arg(&file)]).exits(1);
    assert_eq!(
        stderr,
        format!(
            "error: cannot write {}: the folder {1} does not exist\n  = help: create it first, e.g. mkdir -p {1}\n",
            file.display(),
            dir.path().join("nee").display()
        )
    );
}
