//! Writing an error with its causes. Library errors say what failed and keep the
//! cause as their `source()` (as hound and rubato do), never in their own message;
//! whoever shows the error writes the chain once, through [`Chain`].

use std::fmt;

/// An error and its causes, joined by `": "`: `cannot write out.wav: No space left on
/// device (os error 28)`.
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot write out.wav")]
    struct Outer(#[source] std::io::Error);

    /// Each cause once, outermost first.
    #[test]
    fn a_chain_names_each_cause_once() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(Chain(&e).to_string(), "cannot write out.wav: disk full");
    }
}
