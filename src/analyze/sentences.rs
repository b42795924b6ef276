//! Sentence boundaries: Unicode's rules (UAX #29, as unicode-segmentation
//! gives them: see boundaries.rs), mended for French: no break after an
//! abbreviation ("M.", "Mme", "art.", "cf.", "p.", "n°", "etc." before a
//! lowercase word) or before a lowercase continuation (after an ellipsis or
//! a closing guillemet).

use super::boundaries::sentence_starts;

/// Abbreviations that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "art", "cf", "p", "pp", "n",
    "no", "vol", "chap", "fig", "éd", "env", "hab", "min", "max", "av", "bd", "mds", "md", "mio",
    "mrd", "ex", "resp", "coll", "op", "cit", "ibid", "vs", "al",
];

/// Byte spans of the sentences of `text`, trimmed of surrounding whitespace.
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let starts = sentence_starts(text);
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    for (start, end) in starts.iter().copied().zip(ends) {
        let merge = spans
            .last()
            .is_some_and(|&(s, e)| !ends_sentence(&text[s..e], &text[start..end]));
        match spans.last_mut() {
            Some(last) if merge => last.1 = end,
            _ => spans.push((start, end)),
        }
    }
    spans
        .into_iter()
        .filter_map(|(s, e)| {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            (!trimmed.is_empty()).then_some((s + lead, s + lead + trimmed.len()))
        })
        .collect()
}

/// Whether `current` really ends before `next`.
fn ends_sentence(current: &str, next: &str) -> bool {
    let next = next.trim_start();
    let Some(first) = next.chars().next() else {
        return true;
    };
    if first.is_lowercase() {
        return false;
    }
    let current = current.trim_end();
    if let Some(body) = current.strip_suffix('.') {
        let last_word = body
            .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '\'' || c == '’')
            .next()
            .unwrap_or("");
        let lw = last_word.to_lowercase();
        // "M. Dupont", "art. 5", "p. 12", and single capitals ("J. Martin").
        if ABBREVIATIONS.contains(&lw.as_str())
            || (last_word.chars().count() == 1 && last_word.chars().all(char::is_uppercase))
        {
            return false;
        }
    }
    // "n° 3" is written without a full stop but UAX #29 never breaks there.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn french_abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentences("M. Martin et Mme Durand l'ont dit (cf. art. 5, p. 12). Le taux atteint 1,5 % en 2022-2023."),
            ["M. Martin et Mme Durand l'ont dit (cf. art. 5, p. 12).", "Le taux atteint 1,5 % en 2022-2023."]
        );
    }

    #[test]
    fn guillemets_and_ellipses() {
        assert_eq!(
            sentences("« On ne vient plus… » dit une habitante. Les réunions ont cessé… puis repris. Fin."),
            ["« On ne vient plus… » dit une habitante.", "Les réunions ont cessé… puis repris.", "Fin."]
        );
    }

    #[test]
    fn spans_join_back_to_the_text() {
        let text = "Un. Deux ? Trois !";
        let spans = sentence_spans(text);
        assert_eq!(spans.len(), 3);
        assert_eq!(&text[spans[0].0..spans[2].1], text);
    }
}
