//! Decision: scores + settings (thresholds, heading inheritance) -> the
//! themes assigned and the readable evidence.

use super::score::Scored;
use super::{Classifier, Headings};
use std::fmt::Write;

impl Classifier {
    /// Applies the decision settings: the themes assigned, the scores with
    /// the material of every assigned theme, and the readable evidence.
    pub(super) fn decide(
        &self,
        text: &str,
        headings: Headings,
        mut scored: Scored,
    ) -> (Vec<usize>, Scored, String) {
        let codebook = &self.extractor.codebook;
        let named =
            |t: usize| scored.lexicon_themes.contains(&t) || scored.heading_themes.contains(&t);
        let mut themes: Vec<usize> = (0..scored.theme_scores.len())
            .filter(|&t| {
                let p = scored.theme_scores[t];
                p >= self.config.theme_threshold
                    && (named(t) || p >= self.config.unnamed_theme_threshold)
            })
            .collect();
        let mut notes = Vec::new();
        if themes.is_empty()
            && self.config.inherit_heading_theme
            && !scored.own_theme_evidence
            && !scored.heading_themes.is_empty()
        {
            themes = scored.heading_themes.clone();
            notes.push(if scored.themes_of_section {
                "themes from the section heading".to_string()
            } else {
                "themes from the heading".to_string()
            });
        }
        let missing: Vec<usize> = themes
            .iter()
            .copied()
            .filter(|&t| scored.per_theme.get(t).is_none_or(Option::is_none))
            .collect();
        if !missing.is_empty() && scored.per_theme.len() == codebook.themes.len() {
            // Assigned under a threshold below the floor the scores were
            // prepared with: analyse again for these themes only.
            let nearest = headings
                .nearest
                .and_then(|h| self.extractor.analyse_heading(h));
            let analysed = self.extractor.analyse(text, nearest.as_ref());
            let weighed = self.model.weigh(&analysed.features);
            self.prepare(text, &analysed, &weighed, &mut scored, &missing, true);
        }
        // The parts joined by "; ", written into one string (this runs for
        // every paragraph): each assigned theme's evidence, the polarity's,
        // then the notes.
        let mut evidence = String::with_capacity(256);
        let mut parts = 0;
        let mut next_part = |evidence: &mut String| {
            if parts > 0 {
                evidence.push_str("; ");
            }
            parts += 1;
        };
        for &t in &themes {
            if let Some(Some(material)) = scored.per_theme.get(t) {
                next_part(&mut evidence);
                let _ = write!(
                    evidence,
                    "{} {:.2}: {}",
                    codebook.themes[t].id, scored.theme_scores[t], material.evidence
                );
            }
        }
        for part in scored.polarity_evidence.iter().chain(&notes) {
            next_part(&mut evidence);
            evidence.push_str(part);
        }
        (themes, scored, evidence)
    }
}
