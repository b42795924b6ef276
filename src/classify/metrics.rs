//! Agreement between predicted and gold labels: precision, recall and F1 per
//! label, macro averages, the polarity confusion matrix and Cohen's kappa.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct LabelScore {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold paragraphs carrying the label.
    pub support: usize,
    /// Paragraphs predicted with the label.
    pub predicted: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub paragraphs: usize,
    pub themes: Vec<LabelScore>,
    pub theme_macro_f1: f64,
    pub polarities: Vec<LabelScore>,
    pub polarity_macro_f1: f64,
    pub polarity_accuracy: f64,
    /// confusion[gold][predicted], in codebook polarity order.
    pub polarity_confusion: Vec<Vec<usize>>,
    pub polarity_kappa: f64,
}

fn score(label: &str, tp: usize, fp: usize, fn_: usize) -> LabelScore {
    let precision = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    LabelScore {
        label: label.to_string(),
        precision,
        recall,
        f1,
        support: tp + fn_,
        predicted: tp + fp,
    }
}

/// `gold` and `predicted` pair up paragraph by paragraph: (theme flags, polarity index).
pub(crate) fn evaluate(
    themes: &[String],
    polarities: &[String],
    gold: &[(Vec<bool>, usize)],
    predicted: &[(Vec<bool>, usize)],
) -> Report {
    let n = gold.len();
    let theme_scores: Vec<LabelScore> = themes
        .iter()
        .enumerate()
        .map(|(t, id)| {
            let (mut tp, mut fp, mut fn_) = (0, 0, 0);
            for (g, p) in gold.iter().zip(predicted) {
                match (g.0[t], p.0[t]) {
                    (true, true) => tp += 1,
                    (false, true) => fp += 1,
                    (true, false) => fn_ += 1,
                    _ => {}
                }
            }
            score(id, tp, fp, fn_)
        })
        .collect();
    let k = polarities.len();
    let mut confusion = vec![vec![0usize; k]; k];
    for (g, p) in gold.iter().zip(predicted) {
        confusion[g.1][p.1] += 1;
    }
    let polarity_scores: Vec<LabelScore> = polarities
        .iter()
        .enumerate()
        .map(|(c, id)| {
            let tp = confusion[c][c];
            let fp: usize = (0..k).filter(|&g| g != c).map(|g| confusion[g][c]).sum();
            let fn_: usize = (0..k).filter(|&p| p != c).map(|p| confusion[c][p]).sum();
            score(id, tp, fp, fn_)
        })
        .collect();
    let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
    let accuracy = if n == 0 {
        0.0
    } else {
        correct as f64 / n as f64
    };
    // Chance agreement from the marginals.
    let expected: f64 = (0..k)
        .map(|c| {
            let gold_c: usize = confusion[c].iter().sum();
            let pred_c: usize = (0..k).map(|g| confusion[g][c]).sum();
            gold_c as f64 * pred_c as f64
        })
        .sum::<f64>()
        / ((n * n).max(1) as f64);
    let kappa = if (1.0 - expected).abs() < 1e-12 {
        0.0
    } else {
        (accuracy - expected) / (1.0 - expected)
    };
    // Over the labels that occur in the gold labels or the predictions: a
    // label that occurs in neither was not tested, and counting it as 0
    // would punish a right answer.
    let macro_f1 = |s: &[LabelScore]| {
        let seen: Vec<f64> = s
            .iter()
            .filter(|l| l.support > 0 || l.predicted > 0)
            .map(|l| l.f1)
            .collect();
        if seen.is_empty() {
            0.0
        } else {
            seen.iter().sum::<f64>() / seen.len() as f64
        }
    };
    Report {
        paragraphs: n,
        theme_macro_f1: macro_f1(&theme_scores),
        themes: theme_scores,
        polarity_macro_f1: macro_f1(&polarity_scores),
        polarities: polarity_scores,
        polarity_accuracy: accuracy,
        polarity_confusion: confusion,
        polarity_kappa: kappa,
    }
}

impl Report {
    /// The report as an analyst reads it.
    pub fn to_text(&self, polarities: &[String]) -> String {
        let mut out = format!(
            "{} paragraphs\n\nthemes             precision  recall     F1  support\n",
            self.paragraphs
        );
        let row = |s: &LabelScore| {
            format!(
                "{:<18} {:>9.3} {:>7.3} {:>6.3} {:>8}\n",
                s.label, s.precision, s.recall, s.f1, s.support
            )
        };
        for s in &self.themes {
            out += &row(s);
        }
        out += &format!(
            "{:<18} {:>24.3}\n\npolarity           precision  recall     F1  support\n",
            "macro F1", self.theme_macro_f1
        );
        for s in &self.polarities {
            out += &row(s);
        }
        out += &format!(
            "{:<18} {:>24.3}\naccuracy {:.3}, Cohen's kappa {:.3}\n\n",
            "macro F1", self.polarity_macro_f1, self.polarity_accuracy, self.polarity_kappa
        );
        out += &format!("confusion (rows gold, columns predicted)\n{:<15}", "");
        for p in polarities {
            out += &format!("{p:>15}");
        }
        out.push('\n');
        for (g, row) in self.polarity_confusion.iter().enumerate() {
            out += &format!("{:<15}", polarities[g]);
            for v in row {
                out += &format!("{v:>15}");
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_chance_agreement() {
        let themes = vec!["a".to_string()];
        let pol = vec!["x".to_string(), "y".to_string()];
        let gold = vec![(vec![true], 0), (vec![false], 1)];
        let r = evaluate(&themes, &pol, &gold, &gold);
        assert_eq!(r.theme_macro_f1, 1.0);
        assert_eq!(r.polarity_kappa, 1.0);
        let flipped = vec![(vec![false], 1), (vec![true], 0)];
        let r = evaluate(&themes, &pol, &gold, &flipped);
        assert_eq!(r.theme_macro_f1, 0.0);
        assert!(r.polarity_kappa < 0.0);
        assert_eq!(r.polarity_confusion, vec![vec![0, 1], vec![1, 0]]);
    }

    #[test]
    fn labels_absent_from_gold_and_predictions_do_not_count() {
        let themes = vec!["a".to_string(), "b".to_string()];
        let pol: Vec<String> = ["x", "y", "z", "w"].iter().map(|s| s.to_string()).collect();
        let gold = vec![(vec![true, false], 0)];
        let r = evaluate(&themes, &pol, &gold, &gold);
        assert_eq!(r.polarity_accuracy, 1.0);
        assert_eq!(
            r.polarity_macro_f1, 1.0,
            "one right answer is a perfect score"
        );
        assert_eq!(r.theme_macro_f1, 1.0);
    }
}
