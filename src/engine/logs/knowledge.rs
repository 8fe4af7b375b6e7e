//! The knowledge base: what each event, error code and log phrase means, the causes it points at and
//! the wizard step that confirms or rules each out. It is data (`assets/knowledge.toml`), compiled into
//! the binary and read once.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::engine::finding::Severity;

/// The knowledge base text, as shipped.
pub const KNOWLEDGE_TOML: &str = include_str!("../../../assets/knowledge.toml");

/// Every signal, hypothesis and combination.
#[derive(Debug, Clone, Deserialize)]
pub struct KnowledgeBase {
    /// Possible causes, each tested by one wizard step.
    #[serde(rename = "hypothesis")]
    pub hypotheses: Vec<Hypothesis>,
    /// What can be recognised in pasted text.
    #[serde(rename = "signal")]
    pub signals: Vec<Signal>,
    /// Signals that, seen together, point more strongly at one cause.
    #[serde(rename = "combination", default)]
    pub combinations: Vec<Combination>,
}

/// A possible cause.
#[derive(Debug, Clone, Deserialize)]
pub struct Hypothesis {
    /// Stable kebab-case id (`port-444-other-site`).
    pub id: String,
    /// One line.
    pub title: String,
    /// The wizard step that confirms or rules it out.
    pub step: u8,
    /// What to look at in that step.
    pub check: String,
    /// The fix when it is confirmed.
    pub fix: String,
    /// Finding ids of the checks that confirm it (`http.web-site-answering` for another site on 444).
    #[serde(default)]
    pub confirmed_by: Vec<String>,
}

/// How a signal shows in text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// A Windows event, by ID (and source).
    Event,
    /// An error code (HRESULT, WinInet, SEC_E, CERT_E, CRYPT_E) in any of its written forms.
    Code,
    /// A phrase (validation wizard, trace, .NET exception text).
    Phrase,
}

/// One recognisable signal.
#[derive(Debug, Clone, Deserialize)]
pub struct Signal {
    /// Kebab-case id; the finding is `log.<id>`.
    pub id: String,
    /// How it shows.
    pub kind: SignalKind,
    /// One line, plain words.
    pub title: String,
    /// Severity of its finding.
    pub severity: Severity,
    /// What it means.
    pub meaning: String,
    /// The step to go to first.
    pub step: u8,
    /// What to do.
    pub fix: String,
    /// Event IDs (events).
    #[serde(default)]
    pub event_ids: Vec<u32>,
    /// Event source / provider names (events).
    #[serde(default)]
    pub sources: Vec<String>,
    /// The 32-bit value (codes).
    #[serde(default)]
    pub value: Option<u32>,
    /// Further written forms of the code (`2EFE`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Symbolic name of the code (`WININET_E_CONNECTION_ABORTED`).
    #[serde(default)]
    pub name: Option<String>,
    /// Case-insensitive phrases (phrases).
    #[serde(default)]
    pub phrases: Vec<String>,
    /// What it points at.
    #[serde(rename = "cause", default)]
    pub causes: Vec<Cause>,
    /// The server roles that log it ("Front End", "Edge", "Director", "Mediation", "Exchange UM",
    /// "Client", "Any Windows server").
    #[serde(default)]
    pub roles: Vec<String>,
    /// The public document it was taken from (a URL or a document name).
    #[serde(default)]
    pub source: Option<String>,
    /// A phrase that refines the event it is part of (the TLS alert number in a Schannel 36887 /
    /// 36888 description): counted even inside a recognised event's description.
    #[serde(default)]
    pub detail: bool,
}

impl Signal {
    /// Every written form of a code: `0x80072EFE`, `80072EFE`, its decimal and the aliases.
    pub fn code_forms(&self) -> Vec<String> {
        let mut forms = Vec::new();
        if let Some(v) = self.value {
            forms.push(format!("0x{v:08X}"));
            forms.push(format!("{v:08X}"));
            forms.push(v.to_string());
            // Some logs print HRESULTs as signed 32-bit decimals (-2147012866).
            if v >= 0x8000_0000 {
                forms.push((i64::from(v) - (1_i64 << 32)).to_string());
            }
        }
        forms.extend(self.aliases.iter().cloned());
        forms
    }
}

/// One cause a signal points at.
#[derive(Debug, Clone, Deserialize)]
pub struct Cause {
    /// The hypothesis id.
    pub hypothesis: String,
    /// 1 (possible) to 5 (strong).
    pub weight: u32,
    /// Why.
    pub why: String,
}

/// Signals that together point at a cause.
#[derive(Debug, Clone, Deserialize)]
pub struct Combination {
    /// Signal ids, all of which must be present.
    pub signals: Vec<String>,
    /// The hypothesis id.
    pub hypothesis: String,
    /// Extra weight.
    pub weight: u32,
    /// Why.
    pub why: String,
}

/// Why the knowledge base text is unusable.
#[derive(Debug, thiserror::Error)]
#[error("knowledge base: {0}")]
pub struct KnowledgeError(String);

impl KnowledgeBase {
    /// Parses and checks a knowledge base.
    pub fn parse(text: &str) -> Result<KnowledgeBase, KnowledgeError> {
        let kb: KnowledgeBase = toml::from_str(text).map_err(|e| KnowledgeError(e.to_string()))?;
        let problems = kb.problems();
        if problems.is_empty() {
            Ok(kb)
        } else {
            Err(KnowledgeError(problems.join("; ")))
        }
    }

    /// Everything inconsistent: unknown references, duplicate ids, missing fields, bad steps.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let kebab = |id: &str| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        let mut hypotheses = HashSet::new();
        for h in &self.hypotheses {
            if !hypotheses.insert(h.id.as_str()) {
                problems.push(format!("hypothesis {} twice", h.id));
            }
            if !kebab(&h.id) {
                problems.push(format!("hypothesis id {:?} is not kebab-case", h.id));
            }
            if !(1..=8).contains(&h.step) {
                problems.push(format!("hypothesis {}: step {} is not 1-8", h.id, h.step));
            }
            for id in &h.confirmed_by {
                let known = id.contains('.')
                    && id.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
                    });
                if !known {
                    problems.push(format!("hypothesis {}: {id:?} is not a finding id", h.id));
                }
            }
        }
        let mut signals = HashSet::new();
        for s in &self.signals {
            if !signals.insert(s.id.as_str()) {
                problems.push(format!("signal {} twice", s.id));
            }
            if !kebab(&s.id) {
                problems.push(format!("signal id {:?} is not kebab-case", s.id));
            }
            if !(1..=8).contains(&s.step) {
                problems.push(format!("signal {}: step {} is not 1-8", s.id, s.step));
            }
            let ok = match s.kind {
                SignalKind::Event => !s.event_ids.is_empty(),
                SignalKind::Code => s.value.is_some(),
                SignalKind::Phrase => {
                    !s.phrases.is_empty() && s.phrases.iter().all(|p| p.trim().len() >= 4)
                }
            };
            if !ok {
                problems.push(format!(
                    "signal {}: its kind needs event_ids, value or phrases",
                    s.id
                ));
            }
            if s.causes.is_empty() {
                problems.push(format!("signal {}: no cause", s.id));
            }
            if s.source.as_deref().is_none_or(|d| d.trim().is_empty()) {
                problems.push(format!("signal {}: no public source", s.id));
            }
            if s.roles.is_empty() {
                problems.push(format!("signal {}: no roles", s.id));
            }
            if s.fix.trim().is_empty() || s.meaning.trim().is_empty() {
                problems.push(format!("signal {}: no fix or meaning", s.id));
            }
            for c in &s.causes {
                if !hypotheses.contains(c.hypothesis.as_str()) {
                    problems.push(format!(
                        "signal {}: unknown hypothesis {}",
                        s.id, c.hypothesis
                    ));
                }
            }
        }
        for c in &self.combinations {
            if !hypotheses.contains(c.hypothesis.as_str()) {
                problems.push(format!("combination: unknown hypothesis {}", c.hypothesis));
            }
            for s in &c.signals {
                if !signals.contains(s.as_str()) {
                    problems.push(format!("combination: unknown signal {s}"));
                }
            }
        }
        problems
    }

    /// The hypothesis with this id.
    pub fn hypothesis(&self, id: &str) -> Option<&Hypothesis> {
        self.hypotheses.iter().find(|h| h.id == id)
    }
}

/// The shipped knowledge base, parsed once. It is compiled in and checked by the tests, so a broken one
/// never ships; if it were broken anyway, the matcher reports that instead of panicking.
pub fn knowledge() -> Result<&'static KnowledgeBase, &'static KnowledgeError> {
    static KB: OnceLock<Result<KnowledgeBase, KnowledgeError>> = OnceLock::new();
    KB.get_or_init(|| KnowledgeBase::parse(KNOWLEDGE_TOML))
        .as_ref()
}
