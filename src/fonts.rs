//! The fonts rustig draws text with, embedded once for the whole binary: DejaVu Sans
//! from Debian's fonts-dejavu-core (free licence in assets/fonts/LICENSE-DejaVu.txt).
//!
//! Export's cover art and the report's charts both draw with these bytes, so every
//! machine draws the same pixels without a system font, and the 1.4 MB of font data
//! is in the binary only once.

/// DejaVu Sans, regular: chart text and cover subtitles.
pub static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold: chart titles and cover headlines.
pub static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
