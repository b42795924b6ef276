//! Explanations: the cues and model features behind a polarity, in words.

use super::analyse::Analysed;
use super::linear::Weighed;
use super::Classifier;

impl Classifier {
    /// `weighed`: the paragraph's features as the model weighs them.
    pub(super) fn explain_polarity(
        &self,
        a: &Analysed,
        weighed: &Weighed,
        polarity: usize,
    ) -> String {
        use std::fmt::Write;
        // Written into one string (this runs for every paragraph).
        let codebook = &self.extractor.codebook;
        let mut out = String::with_capacity(160);
        let _ = write!(out, "{}: cues [", codebook.polarities[polarity]);
        let cues = a.evidence.cues.iter().enumerate().flat_map(|(p, c)| {
            c.iter()
                .map(move |(text, w, negated)| (p, text, w, negated))
        });
        for (i, (p, text, w, negated)) in cues.enumerate() {
            let _ = write!(
                out,
                "{}{}{} ({} {w})",
                if i > 0 { ", " } else { "" },
                if *negated { "negated " } else { "" },
                text,
                codebook.polarities[p]
            );
        }
        out.push_str("] model [");
        write_contributions(
            &mut out,
            &weighed.top_contributions(codebook.themes.len() + polarity, 3),
        );
        out.push(']');
        out
    }
}

/// "name +0.12, name +0.08": the features that pushed a label most.
pub(super) fn write_contributions(out: &mut String, contributions: &[(String, f64)]) {
    use std::fmt::Write;
    for (i, (feature, c)) in contributions.iter().enumerate() {
        let _ = write!(out, "{}{feature} +{c:.2}", if i > 0 { ", " } else { "" });
    }
}
