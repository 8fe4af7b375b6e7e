//! The log matcher's verdict in words: what to do from the most likely cause, and the verdict when
//! nothing was recognised (never a pass: its own `unknown` state). `Report::for_logs` uses them.

use super::{LogAnalysis, RankedHypothesis};

/// The verdict's sentence when nothing was recognised: "certwiz recognises none of these 12 events".
pub fn nothing_recognised_summary(logs: &LogAnalysis) -> String {
    let n = logs.events_read;
    match n {
        0 => format!(
            "certwiz recognises nothing in these {} line{}: no event record, error code or message it \
             knows. This is not an all-clear.",
            logs.lines,
            if logs.lines == 1 { "" } else { "s" }
        ),
        1 => "certwiz does not recognise the 1 event read. This is not an all-clear.".to_owned(),
        _ => format!("certwiz recognises none of these {n} events. This is not an all-clear."),
    }
}

/// What to do when nothing was recognised.
pub fn nothing_recognised_next_step(logs: &LogAnalysis) -> String {
    let listed = if logs.unrecognised.is_empty() {
        String::new()
    } else {
        "Read the Error and Warning events listed below (ID, source, first line of the \
         description): certwiz cannot judge them, and they may be real problems. "
            .to_owned()
    };
    format!(
        "{listed}Then paste the events around the failure time from Event Viewer (Applications and \
         Services Logs > Lync Server / Office Communications Server, and System for Schannel), or run \
         the checks of steps 2 to 7 against the server."
    )
}

/// The verdict's "what to do" from the most likely cause: its specific fix, then where to confirm it.
pub fn top_next_step(top: &RankedHypothesis) -> String {
    format!(
        "{} (Most likely: {} Confirm it first in step {}: {})",
        top.fix.trim(),
        end_sentence(&top.title),
        top.step,
        top.check.trim()
    )
}

fn end_sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}
