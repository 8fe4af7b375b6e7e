//! Step 1's pasted log text: what the matcher made of it, and which steps it suggests.

use std::sync::Arc;

use crate::engine::finding::Severity;
use crate::gui::wizard::{Step, Wizard};

/// Texts longer than this are read in full but not shown in the box (an editor that lays out megabytes
/// every frame would stall the window); the masked view learns names only from texts it shows.
pub const MAX_SHOWN_BYTES: usize = 256 * 1024;

/// Step 1's pasted log text and what the matcher made of it.
#[derive(Debug, Default)]
pub struct LogPaste {
    /// The text as pasted.
    pub text: String,
    /// Bumped on every change; a result for an older text is dropped.
    pub generation: u64,
    /// The matcher's result and the generation of the text it read.
    pub analysis: Option<(u64, Arc<crate::engine::logs::LogAnalysis>)>,
    /// Why the matcher could not run.
    pub error: Option<String>,
}

impl LogPaste {
    /// The analysis, when it is of the text as it is now (highlights need the exact text).
    pub fn current(&self) -> Option<&crate::engine::logs::LogAnalysis> {
        self.analysis
            .as_ref()
            .filter(|(g, _)| *g == self.generation)
            .map(|(_, a)| a.as_ref())
    }

    /// The last analysis, even of an older text (lists stay visible while the new one runs).
    pub fn last(&self) -> Option<&crate::engine::logs::LogAnalysis> {
        self.analysis.as_ref().map(|(_, a)| a.as_ref())
    }
}

/// Step 1's log paste: results of the matcher, and what they suggest.
impl Wizard {
    /// Takes the matcher's result for the text of `generation`; older results are dropped.
    pub fn on_logs_analysed(
        &mut self,
        generation: u64,
        result: Result<crate::engine::logs::LogAnalysis, crate::engine::logs::LogError>,
    ) {
        if self.refuses_results() {
            return;
        }
        if generation != self.logs.generation {
            return;
        }
        match result {
            Ok(analysis) => {
                self.logs.error = None;
                self.note(
                    "Read the pasted log",
                    &format!(
                        "{} lines, {} known signal(s)",
                        analysis.lines,
                        analysis.signals.len()
                    ),
                );
                if let Some(top) = analysis.hypotheses.first() {
                    self.status = format!(
                        "The log points first at: {} (step {}).",
                        top.title.trim().trim_end_matches('.'),
                        top.step
                    );
                }
                self.logs.analysis = Some((generation, Arc::new(analysis)));
            }
            Err(e) => self.logs.error = Some(e.to_string()),
        }
    }

    /// The pasted log's top causes, each with the finding of the last run that confirms it (None: the
    /// checks did not confirm it). Empty without both a log and a run.
    pub fn log_causes_checked(
        &self,
    ) -> Vec<(
        &crate::engine::logs::RankedHypothesis,
        Option<&crate::engine::finding::Finding>,
    )> {
        let (Some(logs), Some(report)) = (self.logs.last(), self.report()) else {
            return Vec::new();
        };
        logs.hypotheses
            .iter()
            .take(3)
            .map(|h| {
                // Only a failure confirms: a warning such as an unverifiable chain (no roots given) is
                // not proof of the cause.
                let confirming = report
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Fail && h.confirmed_by.contains(&f.id));
                (h, confirming)
            })
            .collect()
    }

    /// The steps the pasted log suggests checking first (the top two hypotheses' steps), with why.
    pub fn suspected_steps(&self) -> Vec<(Step, String)> {
        let Some(analysis) = self.logs.last() else {
            return Vec::new();
        };
        let mut out: Vec<(Step, String)> = Vec::new();
        for h in analysis.hypotheses.iter().take(2) {
            let Some(step) = Step::ALL
                .get(usize::from(h.step).saturating_sub(1))
                .copied()
            else {
                continue;
            };
            if !out.iter().any(|(s, _)| *s == step) {
                out.push((step, h.title.clone()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::wizard::{Msg, Step, Wizard};

    #[test]
    fn a_stale_log_result_is_dropped_and_the_top_causes_mark_their_steps() {
        let mut w = Wizard::default();
        w.logs.text = "Event ID: 32068".into();
        w.apply(Msg::LogTextChanged);
        let first = w.logs.generation;
        let analysis = crate::engine::logs::analyse(&w.logs.text).expect("kb");
        // The user typed on before the result came back: it is for an older text.
        w.apply(Msg::LogTextChanged);
        w.on_logs_analysed(first, Ok(analysis.clone()));
        assert!(w.logs.last().is_none());
        w.on_logs_analysed(w.logs.generation, Ok(analysis));
        assert!(w.logs.current().is_some());
        let steps: Vec<Step> = w.suspected_steps().into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            steps.first(),
            Some(&Step::Verdict),
            "32068 points at the database (step 8)"
        );
        w.apply(Msg::ClearLogText);
        assert!(w.logs.last().is_none() && w.suspected_steps().is_empty());
    }
}
