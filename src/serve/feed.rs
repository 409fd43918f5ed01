//! The private podcast feed: the next sessions as episodes, for runners who live in
//! a podcast app (it downloads on Wi-Fi, remembers the position, shows chapters).
//!
//! RSS 2.0 with the iTunes tags podcast apps read, and each episode's blocks as
//! Podlove Simple Chapters (the MP3 holds the same chapters in its ID3 tag). Every
//! URL in it carries the feed's own secret, since an app sends no credential of
//! ours; `itunes:block` keeps a directory from listing it. Nothing here reads the
//! journal or renders: [`rss`] writes what it is given.

use crate::output::export::chapter_time;
use quick_xml::escape::escape;

/// The feed: its channel and episodes.
#[derive(Debug, Clone)]
pub struct Channel {
    /// `http://host:port/feed/SECRET`: where every URL of the feed starts.
    pub base: String,
    /// The program's title.
    pub title: String,
    /// What the feed is, in Dutch.
    pub description: String,
    /// The artwork (a square PNG).
    pub image: String,
    /// The episodes, the one to run next first.
    pub episodes: Vec<Episode>,
}

/// One session as an episode.
#[derive(Debug, Clone)]
pub struct Episode {
    /// The session's title (`Week 1 · training 2`).
    pub title: String,
    /// Its plan line and length, in Dutch.
    pub description: String,
    /// The audio's URL.
    pub url: String,
    /// The audio's size in bytes (exact once rendered, else an estimate).
    pub length: u64,
    /// Seconds.
    pub duration: f64,
    /// Stable while it is the same session to run (a repeat is a new episode).
    pub guid: String,
    /// Unix seconds; the next session has the newest, so apps show it on top.
    pub published: i64,
    /// `(start seconds, name)` per block.
    pub chapters: Vec<(f64, String)>,
}

/// RFC 2822, as RSS wants its dates.
fn date(unix: i64) -> String {
    use chrono::TimeZone;
    chrono::Utc
        .timestamp_opt(unix, 0)
        .single()
        .unwrap_or_default()
        .to_rfc2822()
}

/// The feed as RSS 2.0 XML.
pub fn rss(channel: &Channel) -> String {
    let mut x = String::with_capacity(4096);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" \
         xmlns:psc=\"http://podlove.org/simple-chapters\">\n<channel>\n",
    );
    let title = escape(&channel.title);
    let image = escape(&channel.image);
    x.push_str(&format!(
        "<title>{title}</title>\n<link>{}/</link>\n<description>{}</description>\n\
         <language>nl</language>\n<generator>rustig</generator>\n\
         <itunes:author>rustig</itunes:author>\n<itunes:block>Yes</itunes:block>\n\
         <itunes:explicit>false</itunes:explicit>\n<itunes:image href=\"{image}\"/>\n\
         <image><url>{image}</url><title>{title}</title><link>{}/</link></image>\n",
        escape(&channel.base),
        escape(&channel.description),
        escape(&channel.base),
    ));
    for e in &channel.episodes {
        x.push_str(&format!(
            "<item>\n<title>{}</title>\n<description>{}</description>\n\
             <itunes:summary>{}</itunes:summary>\n\
             <enclosure url=\"{}\" length=\"{}\" type=\"audio/mpeg\"/>\n\
             <guid isPermaLink=\"false\">{}</guid>\n<pubDate>{}</pubDate>\n\
             <itunes:duration>{}</itunes:duration>\n<itunes:image href=\"{image}\"/>\n\
             <psc:chapters version=\"1.2\">\n",
            escape(&e.title),
            escape(&e.description),
            escape(&e.description),
            escape(&e.url),
            e.length,
            escape(&e.guid),
            date(e.published),
            e.duration.round() as u64,
        ));
        for (start, name) in &e.chapters {
            x.push_str(&format!(
                "<psc:chapter start=\"{}\" title=\"{}\"/>\n",
                chapter_time(*start),
                escape(name)
            ));
        }
        x.push_str("</psc:chapters>\n</item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn clock_and_date_are_as_feeds_write_them() {
        assert_eq!(chapter_time(0.0), "00:00:00.000");
        assert_eq!(chapter_time(3725.5), "01:02:05.500");
        assert_eq!(date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
    }

    #[test]
    fn text_from_files_is_escaped() {
        let x = rss(&Channel {
            base: "http://h/feed/k".into(),
            title: "A & <B>".into(),
            description: "\"quoted\"".into(),
            image: "http://h/icon.png".into(),
            episodes: vec![Episode {
                title: "<script>".into(),
                description: String::new(),
                url: "http://h/feed/k/audio/a.toml?x=1&y=2".into(),
                length: 1,
                duration: 1.0,
                guid: "g".into(),
                published: 0,
                chapters: vec![(0.0, "Inlopen \"rustig\"".into())],
            }],
        });
        assert!(x.contains("<title>A &amp; &lt;B&gt;</title>"), "{x}");
        assert!(x.contains("<title>&lt;script&gt;</title>"), "{x}");
        assert!(x.contains("?x=1&amp;y=2"), "{x}");
        assert!(x.contains("title=\"Inlopen &quot;rustig&quot;\""), "{x}");
        assert!(!x.contains("<script>"));
    }
}
