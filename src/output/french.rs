//! The French words of the summary and the report, in one place: counts
//! of reports, the synthesis sentence of a theme, names of levels and
//! polarities.

use crate::record::{Level, Polarity, Verdict};

/// "1 rapport", "3 rapports".
pub(crate) fn plural(k: u32, word: &str) -> String {
    if k > 1 {
        format!("{k} {word}s")
    } else {
        format!("{k} {word}")
    }
}

/// Reports per level of one theme.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ThemeCounts {
    pub approfondie: u32,
    pub traitee: u32,
    pub evoquee: u32,
    /// Readable reports.
    pub total: u32,
}

/// "6 rapports sur 8 traitent ou évoquent le thème (approfondie 3, traitée
/// 2, évoquée 1) ; 2 ne l'évoquent pas": the analyst's sentence for a theme,
/// without its final full stop.
pub(crate) fn theme_sentence(c: ThemeCounts) -> String {
    let (a, tr, e, total) = (c.approfondie, c.traitee, c.evoquee, c.total);
    let any = a + tr + e;
    let verb = if any > 1 {
        "traitent ou évoquent"
    } else {
        "traite ou évoque"
    };
    let silent = match total.saturating_sub(any) {
        0 => String::new(),
        1 => " ; 1 ne l'évoque pas".to_string(),
        k => format!(" ; {k} ne l'évoquent pas"),
    };
    format!(
        "{} sur {total} {verb} le thème (approfondie {a}, traitée {tr}, évoquée {e}){silent}",
        plural(any, "rapport")
    )
}

/// Reports per verdict of one theme.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VerdictCounts {
    pub positif: u32,
    pub mitige: u32,
    pub negatif: u32,
}

/// "5 concluent : 3 positivement, 1 de façon mitigée, 1 négativement";
/// empty when no report concludes on the theme.
pub(crate) fn verdict_sentence(c: VerdictCounts) -> String {
    let n = c.positif + c.mitige + c.negatif;
    match n {
        0 => String::new(),
        _ => format!(
            "{n} {} : {} positivement, {} de façon mitigée, {} négativement",
            if n > 1 { "concluent" } else { "conclut" },
            c.positif,
            c.mitige,
            c.negatif
        ),
    }
}

/// "approfondie", "traitée", "évoquée", "non évoquée".
pub(crate) fn level_name(level: Level) -> &'static str {
    match level {
        Level::Approfondie => "approfondie",
        Level::Traitee => "traitée",
        Level::Evoquee => "évoquée",
        Level::NonEvoquee => "non évoquée",
    }
}

/// "positif", "mitigé", "négatif", "non conclusif".
pub(crate) fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Positif => "positif",
        Verdict::Mitige => "mitigé",
        Verdict::Negatif => "négatif",
        Verdict::NonConclusif => "non conclusif",
    }
}

/// "réussite", "difficulté", "préconisation", "neutre".
pub(crate) fn polarity_name(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::Reussite => "réussite",
        Polarity::Difficulte => "difficulté",
        Polarity::Preconisation => "préconisation",
        Polarity::Neutre => "neutre",
    }
}

/// The title of a polarity's list of quotes in the report.
pub(crate) fn polarity_title(polarity: Polarity) -> &'static str {
    match polarity {
        Polarity::Reussite => "Réussites",
        Polarity::Difficulte => "Difficultés",
        Polarity::Preconisation => "Préconisations",
        Polarity::Neutre => "Constats descriptifs",
    }
}
