//! Reads pasted log text in one pass: Event Viewer text (the "Event Type / Event Source / Event ID /
//! Description" blocks), its XML view, `Get-WinEvent | Format-List`, tab-separated exports, validation
//! wizard output and trace text. One Aho-Corasick automaton finds every known key, source name, code
//! and phrase; a small state machine groups what it finds into event records. Linear in the input;
//! nothing in the text can make it panic or loop.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use time::{Date, Month, PrimitiveDateTime, Time};

use super::knowledge::{KnowledgeBase, SignalKind};
use super::labels::{self, Level};

/// Where a signal was seen: for highlighting in place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index of the signal in the knowledge base.
    pub signal: usize,
    /// 1-based line.
    pub line: usize,
    /// Byte range in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// One sighting of a signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Index of the signal in the knowledge base.
    pub signal: usize,
    /// 1-based line.
    pub line: usize,
    /// When, as written in the text.
    pub time: Option<String>,
    /// The event's own repeat counter ("Failure occurrences: 3491, since ...").
    pub counter: Option<Counter>,
    /// The event source, when the record named one.
    pub source: Option<String>,
}

/// An event's own repeat counter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counter {
    /// How many failures the event says it has seen.
    pub occurrences: u64,
    /// Since when, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// What one pass found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every sighting, in text order.
    pub occurrences: Vec<Occurrence>,
    /// Where to highlight (capped at [`MAX_MENTIONS`]).
    pub mentions: Vec<Mention>,
    /// Event records read (recognised or not).
    pub events_read: usize,
    /// Event records read whose ID (and source) certwiz does not know, in text order.
    pub unrecognised: Vec<UnreadEvent>,
    /// Lines in the text.
    pub lines: usize,
}

/// One event record that was read but not recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadEvent {
    /// The event ID.
    pub id: u32,
    /// The source / provider, as written.
    pub source: Option<String>,
    /// The level, when the record gave one.
    pub level: Option<Level>,
    /// The first line of the description.
    pub description: Option<String>,
    /// 1-based line of the ID.
    pub line: usize,
}

/// Highlights kept for the GUI; counting goes on past it.
pub const MAX_MENTIONS: usize = 10_000;

#[derive(Debug, Clone, Copy)]
enum Pattern {
    Phrase(usize),
    Code(usize),
    Source(usize),
    EventIdKey,
    ListIdKey,
    XmlEventId,
    DateKey,
    TimeKey,
    ListTimeKey,
    XmlTime,
    Counter,
    /// "Source:" and its translations, at the start of a line.
    SourceKey,
    /// "Level:" and its translations, at the start of a line.
    LevelKey,
    /// The 2003 dialog's "Event Type:", which opens a record.
    TypeKey,
    /// "Description:" / "Message :" and translations, at the start of a line.
    DescriptionKey,
    XmlProvider,
    XmlLevel,
    XmlData,
    /// A tab-separated or CSV export row that starts with its level word.
    LevelRow(Level),
}

/// The compiled matcher for one knowledge base.
pub struct Matcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    /// Source names, as written in the knowledge base.
    sources: Vec<String>,
    /// For each event ID: the signals that have it.
    events: HashMap<u32, Vec<usize>>,
    kb_sources: Vec<Vec<String>>,
    /// For each signal: whether it is a detail counted inside a recognised event.
    details: Vec<bool>,
}

use labels::{DATE_KEYS, EVENT_ID_KEYS, TIME_KEYS};
const LIST_TIME_KEYS: &[&str] = &["timecreated", "time created", "date and time", "logged:"];

impl Matcher {
    /// Compiles the matcher for `kb`.
    pub fn new(kb: &KnowledgeBase) -> Result<Matcher, String> {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut sources: Vec<String> = Vec::new();
        let mut events: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, s) in kb.signals.iter().enumerate() {
            match s.kind {
                SignalKind::Phrase => {
                    for p in &s.phrases {
                        texts.push(p.trim().to_owned());
                        patterns.push(Pattern::Phrase(i));
                    }
                }
                SignalKind::Code => {
                    for form in s.code_forms() {
                        texts.push(form);
                        patterns.push(Pattern::Code(i));
                    }
                }
                SignalKind::Event => {
                    for id in &s.event_ids {
                        events.entry(*id).or_default().push(i);
                    }
                    for source in &s.sources {
                        if !sources.iter().any(|k| k.eq_ignore_ascii_case(source)) {
                            sources.push(source.clone());
                        }
                    }
                }
            }
        }
        for (i, source) in sources.iter().enumerate() {
            texts.push(source.clone());
            patterns.push(Pattern::Source(i));
        }
        let fixed: [(&[&str], Pattern); 8] = [
            (EVENT_ID_KEYS, Pattern::EventIdKey),
            (DATE_KEYS, Pattern::DateKey),
            (TIME_KEYS, Pattern::TimeKey),
            (LIST_TIME_KEYS, Pattern::ListTimeKey),
            (labels::SOURCE_LABELS, Pattern::SourceKey),
            (labels::LEVEL_LABELS, Pattern::LevelKey),
            (labels::TYPE_LABELS, Pattern::TypeKey),
            (labels::DESCRIPTION_LABELS, Pattern::DescriptionKey),
        ];
        for (keys, pattern) in fixed {
            for k in keys {
                texts.push((*k).to_owned());
                patterns.push(pattern);
                // A no-break space inside a label ("Event&nbsp;ID") becomes two spaces.
                if k.contains(' ') {
                    texts.push(k.replace(' ', "  "));
                    patterns.push(pattern);
                }
            }
        }
        for (text, pattern) in [
            // Format-List pads "Id" to the longest property name: two spaces at least, so that
            // "ID de l'événement" / "ID do evento" / "ID evento" stay the localized event-ID keys.
            ("\nid  ", Pattern::ListIdKey),
            ("\nid :", Pattern::ListIdKey),
            ("\nid:", Pattern::ListIdKey),
            ("\nid\t", Pattern::ListIdKey),
            ("<eventid", Pattern::XmlEventId),
            ("systemtime=", Pattern::XmlTime),
            ("failure occurrences:", Pattern::Counter),
            ("failure occurrences :", Pattern::Counter),
            ("<provider name=", Pattern::XmlProvider),
            ("<level>", Pattern::XmlLevel),
            ("<data", Pattern::XmlData),
            ("<message>", Pattern::XmlData),
        ] {
            texts.push(text.to_owned());
            patterns.push(pattern);
        }
        for (word, level) in labels::LEVEL_WORDS {
            if *level == Level::Information {
                continue;
            }
            for sep in ['\t', ','] {
                texts.push(format!("\n{word}{sep}"));
                patterns.push(Pattern::LevelRow(*level));
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&texts)
            .map_err(|e| e.to_string())?;
        Ok(Matcher {
            automaton,
            patterns,
            sources,
            events,
            kb_sources: kb.signals.iter().map(|s| s.sources.clone()).collect(),
            details: kb.signals.iter().map(|s| s.detail).collect(),
        })
    }

    /// Scans `text` (already decoded; see [`decode`]).
    pub fn scan(&self, text: &str) -> Scan {
        // A leading newline lets "\nId :" match on the first line too; offsets are shifted back.
        let padded = normalise_spaces(text);
        let bytes = padded.as_bytes();
        let mut scan = Scan {
            // As `str::lines` counts: a final newline does not start another line.
            lines: memchr::memchr_iter(b'\n', text.as_bytes()).count()
                + usize::from(!text.is_empty() && !text.ends_with('\n')),
            ..Scan::default()
        };
        let mut record = Record::default();
        let mut line = 0usize; // newlines before the current position in `padded` = 1-based line
        let mut counted_to = 0usize;
        // The last code seen: (signal, line, end offset), to count a value and its name once.
        let mut last_code: Option<(usize, usize, usize)> = None;
        for m in self.automaton.find_iter(bytes) {
            let (start, end) = (m.start(), m.end());
            line += memchr::memchr_iter(b'\n', &bytes[counted_to..start]).count();
            counted_to = start;
            let pattern = self.patterns[m.pattern().as_usize()];
            if !bounded(bytes, start, end) {
                continue;
            }
            // Patterns that start with the newline are on the next line.
            let at_line = if bytes[start] == b'\n' {
                line + 1
            } else {
                line
            };
            let (text_start, text_end) = (start.saturating_sub(1), end.saturating_sub(1));
            match pattern {
                Pattern::Phrase(signal) => {
                    record.phrases.push((signal, at_line, text_start, text_end));
                }
                Pattern::Code(signal) => {
                    // "0x80090325(SEC_E_UNTRUSTED_ROOT)": the value and its name written side by
                    // side are one sighting.
                    let beside = last_code.is_some_and(|(s, l, e)| {
                        s == signal && l == at_line && start.saturating_sub(e) <= 3
                    });
                    last_code = Some((signal, at_line, end));
                    if beside {
                        push_mention(&mut scan, signal, at_line, text_start, text_end);
                        continue;
                    }
                    scan.occurrences.push(Occurrence {
                        signal,
                        line: at_line,
                        time: record.time.clone(),
                        counter: None,
                        source: None,
                    });
                    push_mention(&mut scan, signal, at_line, text_start, text_end);
                }
                Pattern::Source(i) => {
                    // A labelled record (or an export row) already named its source: a known
                    // source name further on is part of its text, not a new record.
                    if record.source_text.is_some() {
                        record.source.get_or_insert(i);
                        continue;
                    }
                    if record.source.is_some() && record.event.is_some() {
                        self.flush(&mut record, &mut scan);
                    }
                    record.source = Some(i);
                    // Tab-separated exports and CSV: "Error<TAB>date<TAB>Source<TAB>61030<TAB>..."
                    let rest = rest_of_line(bytes, end);
                    if let Some((id, offset, len)) = self.event_number_after_source(i, rest) {
                        if record.event.is_some() {
                            self.flush(&mut record, &mut scan);
                            record.source = Some(i);
                        }
                        let line_text = whole_line(bytes, start);
                        record.time = line_text.split(['\t', ',']).find_map(|f| {
                            let f = f.trim().trim_matches('"');
                            parse_stamp(f).map(|_| f.to_owned())
                        });
                        let s = end + offset - 1;
                        record.event = Some((id, at_line, s, s + len));
                    }
                }
                Pattern::SourceKey | Pattern::XmlProvider => {
                    let name = if matches!(pattern, Pattern::XmlProvider) {
                        value_text(rest_of_line(bytes, end), true)
                    } else {
                        let Some(value) = labelled_value(bytes, start, end) else {
                            continue;
                        };
                        clean_value(value)
                    };
                    if name.is_empty() {
                        continue;
                    }
                    if record.event.is_some()
                        && (record.source.is_some() || record.source_text.is_some())
                    {
                        self.flush(&mut record, &mut scan);
                    }
                    record.source_text = Some(name);
                }
                Pattern::TypeKey => {
                    let Some(value) = labelled_value(bytes, start, end) else {
                        continue;
                    };
                    // The 2003 dialog's "Event Type:" opens the next record.
                    if record.event.is_some() {
                        self.flush(&mut record, &mut scan);
                    }
                    record.level = Level::parse(&String::from_utf8_lossy(value));
                }
                Pattern::LevelKey | Pattern::XmlLevel => {
                    let value = if matches!(pattern, Pattern::XmlLevel) {
                        Some(rest_of_line(bytes, end))
                    } else {
                        labelled_value(bytes, start, end)
                    };
                    if let Some(level) =
                        value.and_then(|v| Level::parse(&String::from_utf8_lossy(v)))
                    {
                        record.level.get_or_insert(level);
                    }
                }
                Pattern::DescriptionKey | Pattern::XmlData => {
                    let first = if matches!(pattern, Pattern::XmlData) {
                        let rest = rest_of_line(bytes, end);
                        let open = rest.iter().position(|b| *b == b'>').map_or(0, |p| p + 1);
                        let inner = &rest[open.min(rest.len())..];
                        let close = inner.iter().position(|b| *b == b'<').unwrap_or(inner.len());
                        Some(clean_value(&inner[..close])).filter(|d| !d.is_empty())
                    } else {
                        let Some(value) = labelled_value(bytes, start, end) else {
                            continue;
                        };
                        let here = clean_value(value);
                        if here.is_empty() {
                            next_text_line(bytes, end)
                        } else {
                            Some(here)
                        }
                    };
                    if matches!(pattern, Pattern::DescriptionKey)
                        && record.event.is_some()
                        && record.description.is_some()
                    {
                        self.flush(&mut record, &mut scan);
                    }
                    if record.description.is_none() {
                        record.description = first;
                    }
                }
                Pattern::LevelRow(level) => {
                    let Some(row) = export_row(bytes, start + 1) else {
                        continue;
                    };
                    if record.event.is_some() {
                        self.flush(&mut record, &mut scan);
                    }
                    self.flush_phrases(&mut record, &mut scan);
                    record = Record {
                        event: Some((row.id, at_line, row.id_at - 1, row.id_at - 1 + row.id_len)),
                        source_text: row.source,
                        time: row.time,
                        level: Some(level),
                        description: row.description,
                        ..Record::default()
                    };
                }
                Pattern::EventIdKey | Pattern::ListIdKey | Pattern::XmlEventId => {
                    let rest = rest_of_line(bytes, end);
                    let skip_to = if matches!(pattern, Pattern::XmlEventId) {
                        rest.iter()
                            .position(|b| *b == b'>')
                            .map_or(rest.len(), |p| p + 1)
                    } else {
                        0
                    };
                    if let Some((id, offset, len)) = number_after(&rest[skip_to..]) {
                        if record.event.is_some() {
                            self.flush(&mut record, &mut scan);
                        }
                        // Phrases before the event's ID are not its description: they stand alone.
                        self.flush_phrases(&mut record, &mut scan);
                        let s = end + skip_to + offset - 1;
                        record.event = Some((id, at_line, s, s + len));
                    }
                }
                Pattern::DateKey | Pattern::ListTimeKey | Pattern::XmlTime => {
                    let rest = rest_of_line(bytes, end);
                    let value = value_text(rest, matches!(pattern, Pattern::XmlTime));
                    // Only a value that looks like a date: "<TimeCreated SystemTime=..." and table
                    // headers ("Date and Time<TAB>Source") are not times.
                    if value.starts_with(|c: char| c.is_ascii_digit()) {
                        if record.time.is_some() && record.event.is_some() {
                            self.flush(&mut record, &mut scan);
                        }
                        record.time = Some(value);
                    }
                }
                Pattern::TimeKey => {
                    // The 2003-style block writes "Date: 2/4/2009" and "Time: 10:12:01 AM" apart.
                    let value = value_text(rest_of_line(bytes, end), false);
                    match &mut record.time {
                        Some(date) if !date.contains(':') && !value.is_empty() => {
                            date.push(' ');
                            date.push_str(&value);
                        }
                        None if !value.is_empty() => record.time = Some(value),
                        _ => {}
                    }
                }
                Pattern::Counter => {
                    let rest = rest_of_line(bytes, end);
                    if let Some((n, offset, len)) = number_after(rest) {
                        let after = &rest[offset + len..];
                        let since = find_ascii_ci(after, b"since").map(|p| {
                            String::from_utf8_lossy(&after[p + 5..])
                                .trim()
                                .trim_end_matches('.')
                                .trim()
                                .to_owned()
                        });
                        record.counter = Some(Counter {
                            occurrences: u64::from(n),
                            since: since.filter(|s| !s.is_empty()),
                        });
                    }
                }
            }
        }
        self.flush(&mut record, &mut scan);
        scan
    }

    /// A KB event ID for one of the source's signals, standing alone on the rest of the line.
    fn event_number_after_source(&self, source: usize, rest: &[u8]) -> Option<(u32, usize, usize)> {
        let name = self.sources.get(source)?;
        let mut at = 0;
        while at < rest.len() {
            let (n, offset, len) = number_after_anywhere(&rest[at..])?;
            let fits = self.events.get(&n).is_some_and(|signals| {
                signals.iter().any(|s| {
                    self.kb_sources[*s]
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(name))
                })
            });
            if fits {
                return Some((n, at + offset, len));
            }
            at += offset + len;
        }
        None
    }

    fn flush_phrases(&self, record: &mut Record, scan: &mut Scan) {
        let time = record.time.clone();
        for (signal, line, start, end) in record.phrases.drain(..) {
            scan.occurrences.push(Occurrence {
                signal,
                line,
                time: time.clone(),
                counter: None,
                source: None,
            });
            push_mention(scan, signal, line, start, end);
        }
    }

    /// Ends a record: a recognised event becomes one occurrence (its description's phrases are part of
    /// it); otherwise the phrases stand alone and the event is kept as read but not recognised.
    fn flush(&self, record: &mut Record, scan: &mut Scan) {
        let taken = std::mem::take(record);
        let source_name = taken
            .source_text
            .clone()
            .or_else(|| taken.source.and_then(|i| self.sources.get(i)).cloned());
        let mut recognised = None;
        if let Some((id, line, start, end)) = taken.event {
            scan.events_read += 1;
            recognised = self
                .events
                .get(&id)
                .and_then(|signals| self.pick(id, signals, source_name.as_deref()))
                .map(|s| (s, line, start, end));
            if recognised.is_none() {
                scan.unrecognised.push(UnreadEvent {
                    id,
                    source: source_name.clone(),
                    level: taken.level,
                    description: taken.description.clone(),
                    line,
                });
            }
        }
        match recognised {
            Some((signal, line, start, end)) => {
                scan.occurrences.push(Occurrence {
                    signal,
                    line,
                    time: taken.time.clone(),
                    counter: taken.counter,
                    source: source_name,
                });
                push_mention(scan, signal, line, start, end);
                for (s, l, a, b) in taken.phrases {
                    // The alert number of a Schannel event is its own evidence.
                    if self.details.get(s).copied().unwrap_or(false) {
                        scan.occurrences.push(Occurrence {
                            signal: s,
                            line: l,
                            time: taken.time.clone(),
                            counter: None,
                            source: None,
                        });
                    }
                    push_mention(scan, s, l, a, b);
                }
            }
            None => {
                let mut rest = Record {
                    phrases: taken.phrases,
                    time: taken.time,
                    ..Record::default()
                };
                self.flush_phrases(&mut rest, scan);
                if let (Some(counter), Some(last)) = (taken.counter, scan.occurrences.last_mut())
                    && last.counter.is_none()
                {
                    last.counter = Some(counter);
                }
            }
        }
    }

    /// The signal an event ID means under this source: the same service first ("LS MCU
    /// Infrastructure" for "OCS MCU Infrastructure"), then the same product family (any conferencing
    /// server source for a conferencing event, "Microsoft-Windows-Schannel" for "Schannel"). An ID
    /// from an unrelated source (61030 from "Application Error") is not the conferencing event.
    /// Without a source, only a conferencing event or a five-digit ID (Schannel, HttpEvent) is taken:
    /// small IDs (CAPI2 11, Time-Service 36) are too common among other products' events.
    fn pick(&self, id: u32, signals: &[usize], source: Option<&str>) -> Option<usize> {
        let Some(name) = source else {
            return signals.iter().copied().find(|s| {
                id >= 10_000
                    || self.kb_sources[*s].is_empty()
                    || self.kb_sources[*s]
                        .iter()
                        .any(|k| labels::family(k).0 == "conferencing")
            });
        };
        let (product, service) = labels::family(name);
        let same_service = |s: &usize| {
            self.kb_sources[*s].is_empty()
                || self.kb_sources[*s]
                    .iter()
                    .any(|k| labels::family(k) == (product, service.clone()))
        };
        let same_product = |s: &usize| {
            product == "conferencing"
                && self.kb_sources[*s]
                    .iter()
                    .any(|k| labels::family(k).0 == "conferencing")
        };
        signals
            .iter()
            .copied()
            .find(same_service)
            .or_else(|| signals.iter().copied().find(same_product))
    }
}

#[derive(Debug, Default)]
struct Record {
    event: Option<(u32, usize, usize, usize)>,
    source: Option<usize>,
    /// The source as labelled in the text ("Source: LS User Services").
    source_text: Option<String>,
    level: Option<Level>,
    /// The description's first line.
    description: Option<String>,
    time: Option<String>,
    counter: Option<Counter>,
    phrases: Vec<(usize, usize, usize, usize)>,
}

fn push_mention(scan: &mut Scan, signal: usize, line: usize, start: usize, end: usize) {
    if scan.mentions.len() < MAX_MENTIONS {
        scan.mentions.push(Mention {
            signal,
            line,
            start,
            end,
        });
    }
}

/// Whether a match stands alone: no letter or digit glued to either end (so "2EFE" is not found in
/// "12EFE3", nor "date:" in "update:").
fn bounded(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let first = bytes[start];
    let last = bytes[end - 1];
    let before_ok = !word(first) || start == 0 || !word(bytes[start - 1]);
    let after_ok = !word(last) || end >= bytes.len() || !word(bytes[end]);
    before_ok && after_ok
}

/// The rest of the line after `from` (at most 512 bytes: keys and values are short).
fn rest_of_line(bytes: &[u8], from: usize) -> &[u8] {
    let rest = &bytes[from.min(bytes.len())..];
    let rest = &rest[..rest.len().min(512)];
    match memchr::memchr(b'\n', rest) {
        Some(p) => &rest[..p],
        None => rest,
    }
}

/// The whole line around `at` (at most 1 KiB either side).
fn whole_line(bytes: &[u8], at: usize) -> &str {
    let lo = at.saturating_sub(1024);
    let start = memchr::memrchr(b'\n', &bytes[lo..at]).map_or(lo, |p| lo + p + 1);
    let rest = rest_of_line(bytes, start);
    std::str::from_utf8(rest).unwrap_or("")
}

/// A number right after a key: skips separators (spaces, tabs, ':', '=', quotes, '>'), then digits.
/// Returns the number, its offset and its length.
fn number_after(rest: &[u8]) -> Option<(u32, usize, usize)> {
    let skip = rest.iter().position(|b| {
        !matches!(
            b,
            b' ' | b'\t' | b':' | b'=' | b'"' | b'\'' | b'>' | b'\r' | b'*'
        )
    })?;
    digits_at(rest, skip)
}

/// The first standalone number anywhere in `rest`.
fn number_after_anywhere(rest: &[u8]) -> Option<(u32, usize, usize)> {
    let mut i = 0;
    while i < rest.len() {
        if rest[i].is_ascii_digit() && (i == 0 || !rest[i - 1].is_ascii_alphanumeric()) {
            if let Some(found) = digits_at(rest, i) {
                return Some(found);
            }
            while i < rest.len() && rest[i].is_ascii_alphanumeric() {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    None
}

fn digits_at(rest: &[u8], at: usize) -> Option<(u32, usize, usize)> {
    let len = rest[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    if len == 0 || len > 9 {
        return None;
    }
    // A number glued to letters or a decimal point is not an ID.
    if rest
        .get(at + len)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'.' || *b == b'/')
    {
        return None;
    }
    let text = std::str::from_utf8(&rest[at..at + len]).ok()?;
    Some((text.parse().ok()?, at, len))
}

/// The value after a key, trimmed: "Date: 2/4/2009" → "2/4/2009"; XML `SystemTime="..."` → the
/// quoted text.
fn value_text(rest: &[u8], quoted: bool) -> String {
    let text = String::from_utf8_lossy(rest);
    let text = text.trim_start_matches([' ', '\t', ':', '=']);
    let text = if quoted {
        let t = text.trim_start_matches(['"', '\'']);
        t.split(['"', '\'']).next().unwrap_or("")
    } else {
        text
    };
    text.trim().chars().take(64).collect()
}

/// The text with a newline in front and every Unicode space (no-break, figure, narrow no-break, the
/// en / em family, ideographic, zero-width, BOM) and the full-width colon replaced by ASCII of the
/// same byte length: text copied from web pages and HTML mail has U+00A0 between a label and its
/// value, and the byte offsets must stay those of the original text for highlighting.
fn normalise_spaces(text: &str) -> String {
    let space_like = |c: char| {
        matches!(
            c,
            '\u{00A0}' | '\u{2000}'
                ..='\u{200B}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}' | '\u{FF1A}'
        )
    };
    let mut out = String::with_capacity(text.len() + 1);
    out.push('\n');
    let mut last = 0;
    for (at, found) in text.match_indices(space_like) {
        out.push_str(&text[last..at]);
        let width = found.len();
        if found == "\u{FF1A}" {
            out.push(':');
            out.extend(std::iter::repeat_n(' ', width - 1));
        } else {
            out.extend(std::iter::repeat_n(' ', width));
        }
        last = at + width;
    }
    out.push_str(&text[last..]);
    out
}

/// The value of a label that stands at the start of a line (after indentation, quoting or Markdown
/// marks) and is followed by a colon: "Source: X", "Source :  X", "**Источник:** X", "ProviderName : X".
/// None when the label is inside running text or has no colon.
fn labelled_value(bytes: &[u8], start: usize, end: usize) -> Option<&[u8]> {
    // Look back a few bytes only: a label has at most a short indent before it, and a long line with
    // many "source" words must not be scanned back again and again.
    let lo = start.saturating_sub(64);
    let before = &bytes[lo..start];
    let line_start = memchr::memrchr(b'\n', before).map(|p| p + 1)?;
    if !before[line_start..]
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'>' | b'*' | b'|' | b'#' | b'-' | b'_'))
    {
        return None;
    }
    let rest = rest_of_line(bytes, end);
    let colon = rest
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'*'))?;
    if rest[colon] != b':' {
        return None;
    }
    Some(&rest[colon + 1..])
}

/// A value trimmed of separators and Markdown marks, at most 160 characters.
fn clean_value(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    let text = text
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '*' | ':' | '|' | '\u{FFFD}'))
        .trim_end_matches("<br />")
        .trim_end_matches("<br/>")
        .trim();
    text.chars().take(160).collect()
}

/// The first non-empty line within the next few after `from` (a description under its label).
fn next_text_line(bytes: &[u8], from: usize) -> Option<String> {
    let mut at = from;
    for _ in 0..4 {
        let next = memchr::memchr(b'\n', &bytes[at.min(bytes.len())..])?;
        at += next + 1;
        let line = clean_value(rest_of_line(bytes, at));
        if !line.is_empty() {
            return Some(line);
        }
    }
    None
}

/// One row of a tab-separated or CSV event export ("Error<TAB>date<TAB>Source<TAB>ID<TAB>Category
/// <TAB>Description").
struct ExportRow {
    id: u32,
    /// Offset of the ID in the padded text, and its length.
    id_at: usize,
    id_len: usize,
    source: Option<String>,
    time: Option<String>,
    description: Option<String>,
}

fn export_row(bytes: &[u8], line_start: usize) -> Option<ExportRow> {
    let line = rest_of_line(bytes, line_start);
    let mut fields: Vec<(usize, &[u8])> = Vec::new();
    let mut from = 0;
    for (i, b) in line.iter().enumerate() {
        if matches!(b, b'\t' | b',') {
            fields.push((from, &line[from..i]));
            from = i + 1;
        }
    }
    fields.push((from, &line[from..]));
    let text = |f: &[u8]| {
        let t = String::from_utf8_lossy(f);
        t.trim().trim_matches('"').trim().to_owned()
    };
    let id_index = (1..fields.len()).find(|i| {
        let t = text(fields[*i].1);
        !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())
    })?;
    let (offset, raw) = fields[id_index];
    let skip = raw.iter().take_while(|b| matches!(b, b' ' | b'"')).count();
    let id_text = text(raw);
    let id = id_text.parse().ok()?;
    let time = fields[1..id_index]
        .iter()
        .map(|(_, f)| text(f))
        .find(|t| parse_stamp(t).is_some());
    let source = (id_index >= 2)
        .then(|| text(fields[id_index - 1].1))
        .filter(|t| !t.is_empty() && parse_stamp(t).is_none());
    let description = fields
        .get(id_index + 2..)
        .map(|rest| {
            let joined: Vec<&[u8]> = rest.iter().map(|(_, f)| *f).collect();
            clean_value(&joined.join(&b","[..]))
                .trim_matches('"')
                .to_owned()
        })
        .filter(|d| !d.is_empty());
    Some(ExportRow {
        id,
        id_at: line_start + offset + skip,
        id_len: id_text.len(),
        source,
        time,
        description,
    })
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Parses the time stamps logs write: ISO 8601 (XML view), `2/4/2009 10:12:01 AM` (US), `27.11.2026
/// 10:12:01` (German, Russian), `27/11/2026` (French, Spanish, Italian, Portuguese), `27-11-2026`
/// (Dutch), `2026/11/27` (Japanese, Chinese), `14.56.53` (Italian 2003 times). For ordering only; the
/// text is what is shown.
pub fn parse_stamp(text: &str) -> Option<PrimitiveDateTime> {
    let text = text.trim();
    let mut parts = text.split([' ', 'T', '\t']).filter(|p| !p.is_empty());
    let date_part = parts.next()?;
    let mut time_part = parts.next();
    let mut meridiem = parts.next().map(str::to_ascii_uppercase);
    // Chinese and Japanese write the half of the day before the time: "上午 8:40:11".
    if let Some(half) = time_part.filter(|t| matches!(*t, "上午" | "午前" | "下午" | "午後"))
    {
        meridiem = Some(
            if matches!(half, "上午" | "午前") {
                "AM"
            } else {
                "PM"
            }
            .to_owned(),
        );
        time_part = parts.next();
    }
    let nums = |s: &str, sep: char| -> Option<Vec<u32>> {
        s.split(sep).map(|n| n.parse::<u32>().ok()).collect()
    };
    let sep = ['-', '/', '.']
        .into_iter()
        .find(|c| date_part.contains(*c))?;
    let n = nums(date_part.trim_end_matches('.'), sep)?;
    let (a, b, c) = (*n.first()?, *n.get(1)?, *n.get(2)?);
    let (year, month, day) = if a > 31 {
        (a, b, c)
    } else if sep == '.' || sep == '-' || a > 12 {
        (c, b, a)
    } else {
        (c, a, b)
    };
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let time = match time_part {
        None => Time::MIDNIGHT,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let n = if t.contains(':') {
                let t = t.split(['.', '+', 'Z', ',']).next().unwrap_or(t);
                nums(t, ':')?
            } else {
                nums(t, '.')?
            };
            let mut hour = *n.first()?;
            let minute = n.get(1).copied().unwrap_or(0);
            let second = n.get(2).copied().unwrap_or(0);
            match meridiem.as_deref() {
                Some("PM") if hour < 12 => hour += 12,
                Some("AM") if hour == 12 => hour = 0,
                _ => {}
            }
            Time::from_hms(
                u8::try_from(hour).ok()?,
                u8::try_from(minute).ok()?,
                u8::try_from(second).ok()?,
            )
            .ok()?
        }
    };
    Some(PrimitiveDateTime::new(date, time))
}

/// Turns pasted or saved bytes into text: UTF-8 (with or without BOM), UTF-16 with a BOM (Event
/// Viewer's "Save as Text" writes UTF-16), or UTF-16 LE without one when every other byte is zero.
/// Invalid sequences become U+FFFD; nothing fails.
pub fn decode(bytes: &[u8]) -> String {
    let utf16 = |data: &[u8], little: bool| -> String {
        let units = data.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => {
            let sample = &bytes[..bytes.len().min(4096)];
            let odd_zeros = sample
                .iter()
                .skip(1)
                .step_by(2)
                .filter(|b| **b == 0)
                .count();
            if sample.len() >= 8 && odd_zeros * 10 >= sample.len() / 2 * 9 {
                utf16(bytes, true)
            } else {
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    }
}
