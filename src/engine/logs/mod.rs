//! The event-log matcher: pasted log text → recognised signals (events, error codes, wizard and trace
//! phrases), grouped with counts and first / last time seen → `log.<signal>` findings and ranked
//! hypotheses, each pointing to the wizard step that confirms or rules it out.
//!
//! [`knowledge`] is the data (`assets/knowledge.toml`), [`parser`] the one-pass reader; this module
//! groups, ranks and judges.

pub mod knowledge;
pub mod labels;
pub mod parser;
pub mod verdict;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::engine::finding::{Finding, Severity};
use knowledge::{KnowledgeBase, KnowledgeError, SignalKind, knowledge};
use parser::{Counter, Matcher, Mention, parse_stamp};

/// The largest text read (a long Event Viewer export is a few MB).
pub const MAX_LOG_BYTES: usize = 64 * 1024 * 1024;

/// A recognised signal with its sightings grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalHit {
    /// The signal id (the finding is `log.<id>`).
    pub id: String,
    /// Event, code or phrase.
    pub kind: String,
    /// What it is called in logs: "Event 61030 (OCS MCU Infrastructure)", "0x80072EFE
    /// (WININET_E_CONNECTION_ABORTED)", "\"ReceiveFailure\"".
    pub label: String,
    /// Plain-language title.
    pub title: String,
    /// Its finding's severity.
    pub severity: Severity,
    /// The wizard step to go to.
    pub step: u8,
    /// How many times it was seen in the text.
    pub count: usize,
    /// The earliest time seen (as written), when times were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// The latest time seen (as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// The largest repeat counter an event reported ("Failure occurrences: 3491, since ...").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    /// Lines it was seen on (the first 20).
    pub lines: Vec<usize>,
}

/// A possible cause, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedHypothesis {
    /// Stable id (`port-444-other-site`).
    pub id: String,
    /// One line.
    pub title: String,
    /// The wizard step that confirms or rules it out.
    pub step: u8,
    /// Sum of the evidence weights.
    pub score: u32,
    /// What to look at in that step.
    pub check: String,
    /// The fix when confirmed.
    pub fix: String,
    /// The evidence, strongest first.
    pub reasons: Vec<String>,
    /// Finding ids of the checks that confirm it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<String>,
}

/// What the matcher made of one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogAnalysis {
    /// Bytes read.
    pub bytes: usize,
    /// Lines read.
    pub lines: usize,
    /// Event records read (recognised or not).
    pub events_read: usize,
    /// Event records read that certwiz does not recognise (any level).
    #[serde(default)]
    pub events_unrecognised: usize,
    /// The Critical, Error and Warning events read but not recognised, grouped by ID, source and level:
    /// worst level first, then most frequent. Never dropped silently: when nothing is recognised,
    /// these are what the admin reads next.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unrecognised: Vec<UnrecognisedEvent>,
    /// Recognised signals, worst first, then by first appearance.
    pub signals: Vec<SignalHit>,
    /// Causes, most likely first.
    pub hypotheses: Vec<RankedHypothesis>,
    /// Where each signal was seen, for highlighting (not serialised).
    #[serde(skip)]
    pub mentions: Vec<LogMention>,
}

/// An event read but not recognised, with its repeats grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrecognisedEvent {
    /// The event ID.
    pub id: u32,
    /// The source / provider, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// "Critical", "Error" or "Warning".
    pub level: String,
    /// How many records with this ID, source and level were read.
    pub count: usize,
    /// The first line of the first one's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The line of the first one.
    pub line: usize,
}

/// At most this many unrecognised event groups are kept (a long export of unrelated errors).
pub const MAX_UNRECOGNISED: usize = 200;

/// Groups the unrecognised Critical, Error and Warning records.
fn group_unrecognised(read: &[parser::UnreadEvent]) -> Vec<UnrecognisedEvent> {
    use labels::Level;
    let mut groups: Vec<(Level, UnrecognisedEvent)> = Vec::new();
    let mut index: HashMap<(u32, Option<&str>, Level), usize> = HashMap::new();
    for e in read {
        let Some(level) = e.level.filter(|l| *l != Level::Information) else {
            continue;
        };
        let key = (e.id, e.source.as_deref(), level);
        match index.get(&key) {
            Some(i) => {
                if let Some((_, g)) = groups.get_mut(*i) {
                    g.count += 1;
                    if g.description.is_none() {
                        g.description.clone_from(&e.description);
                    }
                }
            }
            None => {
                index.insert(key, groups.len());
                groups.push((
                    level,
                    UnrecognisedEvent {
                        id: e.id,
                        source: e.source.clone(),
                        level: level.as_str().to_owned(),
                        count: 1,
                        description: e.description.clone(),
                        line: e.line,
                    },
                ));
            }
        }
    }
    groups.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.count.cmp(&a.1.count))
            .then(a.1.line.cmp(&b.1.line))
    });
    groups
        .into_iter()
        .map(|(_, g)| g)
        .take(MAX_UNRECOGNISED)
        .collect()
}

/// A highlight: a byte range of the analysed text and the signal it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogMention {
    /// Signal id.
    pub signal: String,
    /// 1-based line.
    pub line: usize,
    /// Byte range start.
    pub start: usize,
    /// Byte range end.
    pub end: usize,
}

/// Why the matcher could not run.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The compiled-in knowledge base is broken (a build defect, caught by the tests).
    #[error(transparent)]
    Knowledge(#[from] &'static KnowledgeError),
    /// The matcher could not be built.
    #[error("log matcher: {0}")]
    Matcher(String),
}

fn matcher() -> Result<(&'static KnowledgeBase, &'static Matcher), LogError> {
    static MATCHER: OnceLock<Result<Matcher, String>> = OnceLock::new();
    let kb = knowledge()?;
    let m = MATCHER
        .get_or_init(|| Matcher::new(kb))
        .as_ref()
        .map_err(|e| LogError::Matcher(e.clone()))?;
    Ok((kb, m))
}

/// Analyses pasted or saved log text with the shipped knowledge base.
pub fn analyse(text: &str) -> Result<LogAnalysis, LogError> {
    let (kb, m) = matcher()?;
    Ok(analyse_with(text, kb, m))
}

/// Analyses `text` with a given knowledge base and its matcher.
pub fn analyse_with(text: &str, kb: &KnowledgeBase, matcher: &Matcher) -> LogAnalysis {
    let scan = matcher.scan(text);
    // Group by signal, in order of first appearance.
    let mut order: Vec<usize> = Vec::new();
    let mut grouped: HashMap<usize, Vec<&parser::Occurrence>> = HashMap::new();
    for o in &scan.occurrences {
        let entry = grouped.entry(o.signal).or_default();
        if entry.is_empty() {
            order.push(o.signal);
        }
        entry.push(o);
    }
    let mut signals: Vec<SignalHit> = order
        .iter()
        .filter_map(|i| {
            let s = kb.signals.get(*i)?;
            let seen = grouped.get(i)?;
            Some(hit(s, seen))
        })
        .collect();
    signals.sort_by_key(|h| h.severity);
    let hypotheses = rank(kb, &signals);
    let mentions = scan
        .mentions
        .iter()
        .filter_map(
            |Mention {
                 signal,
                 line,
                 start,
                 end,
             }| {
                Some(LogMention {
                    signal: kb.signals.get(*signal)?.id.clone(),
                    line: *line,
                    start: *start,
                    end: *end,
                })
            },
        )
        .collect();
    LogAnalysis {
        bytes: text.len(),
        lines: scan.lines,
        events_read: scan.events_read,
        events_unrecognised: scan.unrecognised.len(),
        unrecognised: group_unrecognised(&scan.unrecognised),
        signals,
        hypotheses,
        mentions,
    }
}

fn hit(s: &knowledge::Signal, seen: &[&parser::Occurrence]) -> SignalHit {
    let source = seen.iter().find_map(|o| o.source.clone());
    let label = match s.kind {
        SignalKind::Event => {
            let id = s.event_ids.first().copied().unwrap_or_default();
            match source.or_else(|| s.sources.first().cloned()) {
                Some(src) => format!("Event {id} ({src})"),
                None => format!("Event {id}"),
            }
        }
        SignalKind::Code => {
            let value = s.value.map(|v| format!("0x{v:08X}")).unwrap_or_default();
            match &s.name {
                Some(name) => format!("{value} ({name})"),
                None => value,
            }
        }
        SignalKind::Phrase => format!("\"{}\"", s.phrases.first().map_or("", |p| p.trim())),
    };
    // First and last by time when every time parses, else by order in the text.
    let times: Vec<&String> = seen.iter().filter_map(|o| o.time.as_ref()).collect();
    let parsed: Option<Vec<_>> = times.iter().map(|t| parse_stamp(t)).collect();
    let (first_seen, last_seen) = match parsed {
        Some(p) if !p.is_empty() => {
            let lo = p
                .iter()
                .enumerate()
                .min_by_key(|(_, t)| **t)
                .map(|(i, _)| i);
            let hi = p
                .iter()
                .enumerate()
                .max_by_key(|(_, t)| **t)
                .map(|(i, _)| i);
            (lo.map(|i| times[i].clone()), hi.map(|i| times[i].clone()))
        }
        _ => (
            times.first().map(|t| (*t).clone()),
            times.last().map(|t| (*t).clone()),
        ),
    };
    let counter = seen
        .iter()
        .filter_map(|o| o.counter.clone())
        .max_by_key(|c| c.occurrences);
    SignalHit {
        id: s.id.clone(),
        kind: match s.kind {
            SignalKind::Event => "event",
            SignalKind::Code => "code",
            SignalKind::Phrase => "phrase",
        }
        .to_owned(),
        label,
        title: s.title.clone(),
        severity: s.severity,
        step: s.step,
        count: seen.len(),
        first_seen,
        last_seen,
        counter,
        lines: seen.iter().map(|o| o.line).take(20).collect(),
    }
}

/// Ranks the hypotheses: each present signal adds its causes' weights once (repeats do not add: a
/// thousand 61030s are one piece of evidence), and combinations add theirs when all their signals are
/// present.
fn rank(kb: &KnowledgeBase, signals: &[SignalHit]) -> Vec<RankedHypothesis> {
    // Per hypothesis: the score, and each reason with the weight it added (to sort them).
    type Evidence = (u32, Vec<(u32, String)>);
    let mut scores: HashMap<&str, Evidence> = HashMap::new();
    for hit in signals {
        let Some(signal) = kb.signals.iter().find(|s| s.id == hit.id) else {
            continue;
        };
        for cause in &signal.causes {
            let entry = scores.entry(cause.hypothesis.as_str()).or_default();
            entry.0 += cause.weight;
            entry
                .1
                .push((cause.weight, format!("{}: {}", hit.label, cause.why)));
        }
    }
    for combo in &kb.combinations {
        if combo
            .signals
            .iter()
            .all(|id| signals.iter().any(|h| &h.id == id))
        {
            let entry = scores.entry(combo.hypothesis.as_str()).or_default();
            entry.0 += combo.weight;
            entry.1.push((
                combo.weight + 100,
                format!("Together ({}): {}", combo.signals.join(" + "), combo.why),
            ));
        }
    }
    let mut ranked: Vec<(usize, RankedHypothesis)> = kb
        .hypotheses
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let (score, mut reasons) = scores.remove(h.id.as_str())?;
            reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
            Some((
                i,
                RankedHypothesis {
                    id: h.id.clone(),
                    title: h.title.clone(),
                    step: h.step,
                    score,
                    check: h.check.clone(),
                    fix: h.fix.clone(),
                    reasons: reasons.into_iter().map(|(_, r)| r).collect(),
                    confirmed_by: h.confirmed_by.clone(),
                },
            ))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(_, h)| h).collect()
}

/// Where a signal stands in the evidence: the rank of the most likely hypothesis it supports, then
/// the weight it adds there (heavier first). Signals for no ranked hypothesis come last.
fn evidence_rank(kb: &KnowledgeBase, analysis: &LogAnalysis, id: &str) -> (usize, u32) {
    let Some(signal) = kb.signals.iter().find(|s| s.id == id) else {
        return (usize::MAX, 0);
    };
    analysis
        .hypotheses
        .iter()
        .enumerate()
        .find_map(|(rank, h)| {
            signal
                .causes
                .iter()
                .filter(|c| c.hypothesis == h.id)
                .map(|c| c.weight)
                .max()
                .map(|w| (rank, u32::MAX - w))
        })
        .unwrap_or((usize::MAX, 0))
}

/// One finding per recognised signal (`log.<id>`), or `log.no-signals` when nothing was recognised.
/// Within a severity, findings follow the evidence of the most likely causes (the signals that support
/// the top hypothesis first); commands go only with the findings that support the top hypothesis, for
/// its step, each command once.
pub fn judge(analysis: &LogAnalysis) -> Result<Vec<Finding>, LogError> {
    let (kb, _) = matcher()?;
    let top = analysis.hypotheses.first();
    let mut out = Vec::new();
    let mut shown_commands: Vec<String> = Vec::new();
    let mut hits: Vec<&SignalHit> = analysis.signals.iter().collect();
    hits.sort_by_key(|h| (h.severity, evidence_rank(kb, analysis, &h.id), h.id.clone()));
    for hit in hits {
        let Some(signal) = kb.signals.iter().find(|s| s.id == hit.id) else {
            continue;
        };
        let times = if hit.count == 1 {
            "Seen once".to_owned()
        } else {
            format!("Seen {} times", hit.count)
        };
        let when = match (&hit.first_seen, &hit.last_seen) {
            (Some(a), Some(b)) if a != b => format!(", first {a}, last {b}"),
            (Some(a), _) => format!(", at {a}"),
            _ => String::new(),
        };
        let lines = match hit.lines.as_slice() {
            [] => String::new(),
            [one] => format!(" (line {one})"),
            [first, ..] => format!(" (first on line {first})"),
        };
        let counter = hit.counter.as_ref().map_or(String::new(), |c| {
            format!(
                " The event itself counts {} failures{}.",
                c.occurrences,
                c.since
                    .as_ref()
                    .map_or(String::new(), |s| format!(" since {s}"))
            )
        });
        let roles = if signal.roles.is_empty() {
            String::new()
        } else {
            format!(" Logged on: {}.", signal.roles.join(", "))
        };
        let mut finding = Finding::new(
            &format!("log.{}", hit.id),
            hit.severity,
            format!("{}: {}", hit.label, hit.title),
            format!(
                "{} {times}{when}{lines}.{counter}{roles}",
                signal.meaning.trim()
            ),
            format!("{} (Step {}.)", signal.fix.trim(), signal.step),
        );
        let supports_top = top.is_some_and(|t| signal.causes.iter().any(|c| c.hypothesis == t.id));
        if let Some(t) = top.filter(|_| supports_top)
            && matches!(hit.severity, Severity::Fail | Severity::Warn)
        {
            finding.commands = crate::engine::fixes::commands_for_step(
                t.step,
                &crate::engine::fixes::FixContext::default(),
            )
            .into_iter()
            .filter(|c| !shown_commands.contains(&c.command))
            .collect();
            shown_commands.extend(finding.commands.iter().map(|c| c.command.clone()));
        }
        out.push(finding);
    }
    if out.is_empty() {
        let unread = if analysis.unrecognised.is_empty() {
            String::new()
        } else {
            format!(
                " Among them, {} Error or Warning event group{} certwiz cannot judge (listed with the \
                 report).",
                analysis.unrecognised.len(),
                if analysis.unrecognised.len() == 1 {
                    ""
                } else {
                    "s"
                }
            )
        };
        out.push(Finding::new(
            "log.no-signals",
            Severity::Info,
            "No known event, error code or message found: this is not an all-clear",
            format!(
                "Read {} lines ({} event records); none is an event, error code or message certwiz \
                 knows for conferencing certificate or mutual-TLS problems.{unread}",
                analysis.lines, analysis.events_read
            ),
            "Paste the events around the failure from Event Viewer (Applications and Services Logs > \
             Office Communications Server or Lync Server, and System for Schannel), the validation \
             wizard's output, or an OCSLogger trace; or run the checks of steps 2 to 7.",
        ));
    }
    Ok(out)
}
