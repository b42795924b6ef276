//! Several expression sets matched in one pass over a text's stems.

use super::data::ExpressionSet;

/// The expressions of several sets by their first stem. Every paragraph and
/// sentence is matched against fourteen sets (a set of terms and one of
/// false friends per theme, a set of cues per polarity): one look-up per
/// word finds the expressions of all of them that start there, where each
/// set on its own would look every word up again.
#[derive(Debug, Default)]
pub struct ExpressionIndex {
    sets: usize,
    /// First stem -> the expressions starting with it, as (set, expression
    /// index in its set, its stems), in set order then expression order.
    by_first: rustc_hash::FxHashMap<String, Vec<(usize, usize, Vec<String>)>>,
}

impl ExpressionIndex {
    pub fn new<'s>(sets: impl IntoIterator<Item = &'s ExpressionSet>) -> ExpressionIndex {
        let mut index = ExpressionIndex::default();
        for (s, set) in sets.into_iter().enumerate() {
            for e in 0..set.len() {
                let stems = &set.get(e).stems;
                index
                    .by_first
                    .entry(stems[0].clone())
                    .or_default()
                    .push((s, e, stems.clone()));
            }
            index.sets = s + 1;
        }
        index
    }

    /// Per set, in the order the sets were given, what its `find` returns:
    /// every match as (expression index, first position, length), in order.
    pub fn find(&self, stems: &[&str]) -> Vec<Vec<(usize, usize, usize)>> {
        let mut found = vec![Vec::new(); self.sets];
        for (i, stem) in stems.iter().enumerate() {
            let Some(candidates) = self.by_first.get(*stem) else {
                continue;
            };
            // Each candidate's first stem is this one (the key it was found by).
            for (s, e, want) in candidates {
                if stems.len() - i >= want.len()
                    && want[1..].iter().zip(&stems[i + 1..]).all(|(a, b)| a == b)
                {
                    found[*s].push((*e, i, want.len()));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(expressions: &[&str]) -> ExpressionSet {
        ExpressionSet::build(expressions.iter().map(|e| (e.to_string(), 1.0)), |text| {
            text.split(' ').map(String::from).collect()
        })
    }

    #[test]
    fn finds_what_each_set_finds() {
        let sets = [
            set(&["droit commun", "droit", "commun du bail"]),
            set(&[]),
            set(&["commun", "droit commun du", "bail"]),
        ];
        let index = ExpressionIndex::new(&sets);
        for text in [
            "",
            "droit",
            "le droit commun du bail droit commun",
            "commun droit droit commun",
        ] {
            let stems: Vec<&str> = text.split_whitespace().collect();
            let each: Vec<_> = sets.iter().map(|s| s.find(&stems)).collect();
            assert_eq!(index.find(&stems), each, "{text}");
        }
    }

    #[test]
    fn forms_that_stem_alike_are_one_expression_with_the_higher_weight() {
        // A stemmer that drops a final "s" stands for the French one.
        let set = ExpressionSet::build(
            [("pourrait", 1.5), ("pourraits", 2.0), ("pourrait ici", 1.0)]
                .map(|(t, w)| (t.to_string(), w)),
            |text| {
                text.split(' ')
                    .map(|w| w.trim_end_matches('s').to_string())
                    .collect()
            },
        );
        assert_eq!(set.len(), 2);
        assert_eq!(set.find(&["pourrait"]), vec![(0, 0, 1)]);
        assert_eq!(set.get(0).weight, 2.0);
    }
}
