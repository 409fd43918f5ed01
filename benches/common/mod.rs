//! Shared by the benches: a realistic session of a given length.

/// A session with `run_minutes` of running between a 5-minute warm-up and cool-down,
/// stretches and two minutes of breathing (15 minutes besides the run), reminders
/// every 3 minutes and a body-awareness cue every 4 minutes of a long enough run.
pub fn session(run_minutes: u32) -> String {
    let cue = if run_minutes > 4 {
        "cues = [{ every = \"4m\", clip = \"lichaam.voeten\" }]\n"
    } else {
        ""
    };
    format!(
        "title = \"Bench\"\ncadence = 172\n[reminders]\nevery = \"3m\"\n\
         [[block]]\nkind = \"walk\"\nduration = \"5m\"\n\
         [[block]]\nkind = \"run\"\nduration = \"{run_minutes}m\"\n{cue}\
         [[block]]\nkind = \"walk\"\nduration = \"5m\"\n\
         [[block]]\nkind = \"stretch\"\nstretches = [\"kuiten\", \"hamstrings\", \"quadriceps\"]\n\
         [[block]]\nkind = \"breathe\"\nduration = \"2m\"\n"
    )
}
