//! Pictures rustig draws itself — export's cover art and the report's PNG chart —
//! encoded as PNG in one place, in memory: the caller embeds the bytes or writes
//! them atomically ([`crate::atomic::AtomicFile`]).

/// `rgb` (8-bit RGB, rows top to bottom) of `width`×`height` pixels as PNG bytes, at
/// the best compression: the same pixels always give the same bytes.
pub fn png_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Best);
    // Writing to memory fails only on a bug in these few lines (or pixels that do
    // not fill the size, which the callers size themselves).
    let mut w = enc.write_header().expect("PNG header to memory");
    w.write_image_data(rgb).expect("PNG image data to memory");
    w.finish().expect("PNG end to memory");
    out
}
