//! A text's features as (name, value), their names written one after the
//! other into one string.
//!
//! A paragraph has about a hundred features and each of its sentences as
//! many again, and `label` computes them for every paragraph: one string per
//! name was one allocation (and one free) each. The model looks a name up
//! by hashing its bytes, which a slice of the shared string gives as a
//! `String` would, so the weights found are the same.

/// Features in the order they were pushed, a name possibly repeated (a word
/// that occurs twice is counted twice).
#[derive(Debug, Clone, Default)]
pub struct FeatureList {
    /// Every name, one after the other.
    names: String,
    /// Per feature: where its name ends in `names` (it starts where the
    /// previous one ends), and its value.
    features: Vec<(usize, f64)>,
}

impl FeatureList {
    /// Room for `features` features of names of about 12 bytes.
    pub fn with_capacity(features: usize) -> FeatureList {
        FeatureList {
            names: String::with_capacity(12 * features),
            features: Vec::with_capacity(features),
        }
    }

    /// Adds the feature named by `parts` put end to end ("w:" and a stem).
    pub fn push(&mut self, parts: &[&str], value: f64) {
        for part in parts {
            self.names.push_str(part);
        }
        self.features.push((self.names.len(), value));
    }

    /// How many features (a name pushed twice counts twice).
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// (name, value) in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> + '_ {
        let starts = std::iter::once(0).chain(self.features.iter().map(|&(end, _)| end));
        starts
            .zip(&self.features)
            .map(|(start, &(end, value))| (&self.names[start..end], value))
    }

    /// The features with names of their own (what training keeps of every
    /// labelled paragraph).
    pub fn to_owned_pairs(&self) -> Vec<(String, f64)> {
        self.iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_as_pushed() {
        let mut list = FeatureList::with_capacity(1);
        list.push(&["w:", "emploi"], 1.0);
        list.push(&[], 0.5);
        list.push(&["b:", "emploi", "_", "jeun"], 2.0);
        list.push(&["w:", "emploi"], 1.0);
        let got: Vec<(&str, f64)> = list.iter().collect();
        assert_eq!(
            got,
            [
                ("w:emploi", 1.0),
                ("", 0.5),
                ("b:emploi_jeun", 2.0),
                ("w:emploi", 1.0)
            ]
        );
        assert_eq!(list.to_owned_pairs()[2], ("b:emploi_jeun".to_string(), 2.0));
    }
}
