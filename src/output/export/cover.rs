//! Cover art made by rustig: a square PNG with the album's title and, for a track,
//! its week, in DejaVu Sans (embedded, so every machine draws the same pixels).
//!
//! Phones show covers as small thumbnails, so the text is large, light on a calm dark
//! green, and wrapped on word boundaries; a line that still does not fit is scaled
//! down. The picture depends only on its text, so the same album always gets the
//! same bytes (and unchanged exports stay unchanged).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use crate::fonts::{BOLD, REGULAR};

/// Width and height of a cover in pixels: 600 is what phones and podcast apps ask
/// for as a minimum, and keeps the PNG small (tens of kilobytes).
pub const SIZE: u32 = 600;
/// The MIME type of [`cover_png`]'s bytes.
pub const MIME: &str = "image/png";

const BACKGROUND: [u8; 3] = [0x2e, 0x5e, 0x4e];
const BAND: [u8; 3] = [0x24, 0x4b, 0x3e];
const LIGHT: [u8; 3] = [0xf4, 0xef, 0xe1];
const SOFT: [u8; 3] = [0xc9, 0xdc, 0xc8];
/// Space left free at the sides, in pixels.
const MARGIN: f32 = 48.0;

/// What a cover says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CoverText {
    /// The large line(s): a track's week ("Week 1"), or the album's title.
    pub headline: String,
    /// The smaller lines under it: the album's title for a track, empty for an album.
    pub subtitle: String,
}

impl CoverText {
    /// The cover of one track of `album` titled `title`: the title's part before ` · `
    /// ("Week 1" of "Week 1 · training 1") large, the album under it.
    pub fn track(album: &str, title: &str) -> CoverText {
        let head = title.split(" · ").next().unwrap_or(title).trim();
        CoverText {
            headline: if head.is_empty() { title } else { head }.to_owned(),
            subtitle: album.to_owned(),
        }
    }

    /// The cover of a whole album (the folder's `cover.png`).
    pub fn album(album: &str) -> CoverText {
        CoverText {
            headline: album.to_owned(),
            subtitle: String::new(),
        }
    }
}

/// An RGB canvas.
struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        let mut pixels = Vec::with_capacity((SIZE * SIZE * 3) as usize);
        for y in 0..SIZE {
            // A band along the bottom carries the name "rustig".
            let colour = if y >= SIZE - 84 { BAND } else { BACKGROUND };
            for _ in 0..SIZE {
                pixels.extend_from_slice(&colour);
            }
        }
        Canvas { pixels }
    }

    /// Blends `colour` into pixel (x, y) with coverage `c` (0..=1).
    fn blend(&mut self, x: i64, y: i64, c: f32, colour: [u8; 3]) {
        if x < 0 || y < 0 || x >= i64::from(SIZE) || y >= i64::from(SIZE) {
            return;
        }
        let i = ((y as u32 * SIZE + x as u32) * 3) as usize;
        let c = c.clamp(0.0, 1.0);
        for (px, new) in self.pixels[i..i + 3].iter_mut().zip(colour) {
            let old = f32::from(*px);
            *px = (old + (f32::from(new) - old) * c).round() as u8;
        }
    }

    /// Draws one line of text with its left end at `x` and baseline at `y`.
    fn text(&mut self, font: &FontRef<'_>, size: f32, x: f32, y: f32, text: &str, colour: [u8; 3]) {
        let scaled = font.as_scaled(PxScale::from(size));
        let mut pen = x;
        let mut previous = None;
        for ch in text.chars() {
            let id = scaled.glyph_id(ch);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(size, point(pen, y));
            pen += scaled.h_advance(id);
            previous = Some(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, c| {
                    self.blend(
                        b.min.x as i64 + i64::from(gx),
                        b.min.y as i64 + i64::from(gy),
                        c,
                        colour,
                    );
                });
            }
        }
    }

    fn png(&self) -> Vec<u8> {
        crate::picture::png_rgb(SIZE, SIZE, &self.pixels)
    }
}

/// The width of `text` at `size` pixels.
fn width(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut previous = None;
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        if let Some(p) = previous {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        previous = Some(id);
    }
    w
}

/// `text` broken on spaces into lines of at most `max` pixels at `size`; at most
/// `lines` lines, the last one taking the rest. Returns the lines and the size at
/// which the widest fits.
fn wrap(font: &FontRef<'_>, size: f32, text: &str, max: f32, lines: usize) -> (Vec<String>, f32) {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let full = out.len() >= lines;
        match out.last_mut() {
            Some(line) if width(font, size, &format!("{line} {word}")) <= max => {
                line.push(' ');
                line.push_str(word);
            }
            Some(line) if full => {
                line.push(' ');
                line.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
    }
    let widest = out
        .iter()
        .map(|l| width(font, size, l))
        .fold(0.0f32, f32::max);
    let fitted = if widest > max {
        size * max / widest
    } else {
        size
    };
    (out, fitted)
}

/// The cover as PNG bytes: `text.headline` large and bold, `text.subtitle` under it,
/// and "rustig" in the band at the bottom.
pub fn cover_png(text: &CoverText) -> Vec<u8> {
    let regular = FontRef::try_from_slice(REGULAR).expect("the embedded DejaVu Sans is valid");
    let bold = FontRef::try_from_slice(BOLD).expect("the embedded DejaVu Sans Bold is valid");
    let mut canvas = Canvas::new();
    let max = SIZE as f32 - 2.0 * MARGIN;
    let (head_size, sub_size) = if text.subtitle.is_empty() {
        (76.0, 0.0)
    } else {
        (120.0, 44.0)
    };
    let (head, head_size) = wrap(&bold, head_size, &text.headline, max, 4);
    let (sub, sub_size) = if text.subtitle.is_empty() {
        (Vec::new(), 0.0)
    } else {
        wrap(&regular, sub_size, &text.subtitle, max, 3)
    };
    let head_line = head_size * 1.12;
    let sub_line = sub_size * 1.25;
    let gap = if sub.is_empty() { 0.0 } else { 34.0 };
    let block = head.len() as f32 * head_line + gap + sub.len() as f32 * sub_line;
    // Centred in the area above the band.
    let area = SIZE as f32 - 84.0;
    let mut y = ((area - block) / 2.0).max(MARGIN);
    for line in &head {
        y += head_line;
        canvas.text(&bold, head_size, MARGIN, y - head_size * 0.22, line, LIGHT);
    }
    y += gap;
    for line in &sub {
        y += sub_line;
        canvas.text(&regular, sub_size, MARGIN, y - sub_size * 0.3, line, SOFT);
    }
    canvas.text(&bold, 40.0, MARGIN, SIZE as f32 - 28.0, "rustig", SOFT);
    canvas.png()
}
