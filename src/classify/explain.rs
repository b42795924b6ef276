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
        let codebook = &self.extractor.codebook;
        let cues: Vec<String> = a
            .evidence
            .cues
            .iter()
            .enumerate()
            .flat_map(|(p, c)| {
                c.iter().map(move |(text, w, negated)| {
                    format!(
                        "{}{} ({} {w})",
                        if *negated { "negated " } else { "" },
                        text,
                        codebook.polarities[p]
                    )
                })
            })
            .collect();
        let model: Vec<String> = weighed
            .top_contributions(codebook.themes.len() + polarity, 3)
            .into_iter()
            .map(|(f, c)| format!("{f} +{c:.2}"))
            .collect();
        format!(
            "{}: cues [{}] model [{}]",
            codebook.polarities[polarity],
            cues.join(", "),
            model.join(", ")
        )
    }
}
