//! Tests of the classifier with the shipped models.

use std::path::Path;

use super::*;
use crate::record::ThemeId;

fn models() -> ModelFiles {
    ModelFiles::in_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
}

/// The classifier of models/ with the default settings.
fn shipped_classifier() -> Classifier {
    Classifier::load(&ClassifyConfig {
        models: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("models")),
        ..ClassifyConfig::default()
    })
    .unwrap()
}

fn cue_scores(extractor: &FeatureExtractor, text: &str) -> Vec<f64> {
    extractor
        .analyse(text, None)
        .evidence
        .polarity_scores(&extractor.codebook)
}

/// The indices of `reussite` and `difficulte` in the codebook.
fn success_and_difficulty(extractor: &FeatureExtractor) -> (usize, usize) {
    (
        extractor.codebook.polarity_index("reussite").unwrap(),
        extractor.codebook.polarity_index("difficulte").unwrap(),
    )
}

#[test]
fn negation_flips_cues() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let (success, difficulty) = success_and_difficulty(&x);
    let plain = cue_scores(&x, "Le dispositif a permis de toucher les jeunes.");
    assert!(plain[success] > plain[difficulty], "{plain:?}");
    let negated = cue_scores(&x, "Le dispositif n'a pas permis de toucher les jeunes.");
    assert!(negated[difficulty] > negated[success], "{negated:?}");
    let without = cue_scores(
        &x,
        "La programmation s'est déroulée sans difficulté majeure.",
    );
    assert!(without[success] > without[difficulty], "{without:?}");
}

#[test]
fn negation_stops_at_the_end_of_its_sentence_or_clause() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let (success, difficulty) = success_and_difficulty(&x);
    for text in [
        "Le comité ne se réunit pas. Les échanges sont riches.",
        "Le comité ne se réunit pas ; les échanges sont riches.",
    ] {
        let s = cue_scores(&x, text);
        assert!(s[success] > s[difficulty], "{text}: {s:?}");
    }
    // Within the sentence it still reaches the cue.
    let s = cue_scores(&x, "Les échanges ne sont pas riches.");
    assert!(s[difficulty] > s[success], "{s:?}");
}

#[test]
fn negation_follows_french_grammar() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let (success, difficulty) = success_and_difficulty(&x);
    let leans_success = |text: &str| {
        let s = cue_scores(&x, text);
        s[success] > s[difficulty]
    };
    // "plus" and "jamais" negate only with "ne".
    assert!(leans_success(
        "La démarche est plus efficace que la précédente."
    ));
    assert!(leans_success(
        "L'intuition apparaît plus que jamais pertinente."
    ));
    assert!(!leans_success("La démarche n'est plus efficace."));
    assert!(!leans_success("Le comité n'a jamais été efficace."));
    // "non seulement ... mais" is no restriction, negated or not.
    let s = cue_scores(
        &x,
        "Il s'agit non seulement d'une solution mais d'un moyen.",
    );
    assert!(s.iter().all(|&w| w == 0.0), "{s:?}");
    assert!(cue_scores(&x, "Seulement 12 % des habitants y participent.")[difficulty] > 0.0);
    // "ne ... que" restricts, it does not negate.
    assert!(leans_success("Le rapporteur ne peut qu'être satisfait."));
    // "a permis" whatever follows it.
    assert!(leans_success(
        "Le cycle a permis la formation de 90 professionnels."
    ));
    assert!(leans_success(
        "Ces actions ont permis aux jeunes de trouver un emploi."
    ));
}

#[test]
fn cue_phrases_keep_their_small_words() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let reco = x.codebook.polarity_index("preconisation").unwrap();
    assert!(cue_scores(&x, "Il est proposé de créer un comité.")[reco] > 0.0);
    assert_eq!(
        cue_scores(&x, "Les horaires proposés ne conviennent pas.")[reco],
        0.0
    );
}

#[test]
fn cue_words_keep_stems_of_their_own() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let cues = |text: &str| cue_scores(&x, text).iter().sum::<f64>();
    for text in [
        "Les conventions conclues avec les ministères.",
        "La position de l'État sur ce point.",
        "À propos de la gouvernance du contrat.",
        "Les habitants invités à la réunion.",
    ] {
        assert_eq!(cues(text), 0.0, "{text}");
    }
    // "il faut" recommends; "faute de" is not read into it.
    let difficulty = x.codebook.polarity_index("difficulte").unwrap();
    assert_eq!(cue_scores(&x, "Il faut de la patience.")[difficulty], 0.0);
    assert!(cues("Les résultats sont concluants.") > 0.0);
    assert!(cues("Le bilan est positif.") > 0.0);
}

#[test]
fn false_friends_do_not_count() {
    let x = FeatureExtractor::load(&models()).unwrap();
    let dc = x.codebook.theme_index("droit_commun").unwrap();
    assert!(
        x.analyse("La mobilisation du droit commun reste faible.", None)
            .evidence
            .theme_score(dc)
            > 0.0
    );
    assert_eq!(
        x.analyse("Le bailleur applique le droit commun du bail.", None)
            .evidence
            .theme_score(dc),
        0.0
    );
    let emploi = x.codebook.theme_index("emploi").unwrap();
    assert_eq!(
        x.analyse("L'association emploie trois médiatrices.", None)
            .evidence
            .theme_score(emploi),
        0.0
    );
    // Common words that Snowball stems like an acronym of the lexicon.
    let fh = x.codebook.theme_index("egalite_fh").unwrap();
    for (text, theme, acronym) in [
        (
            "Les postes sont financés par le biais d'une subvention.",
            fh,
            "Le BIE note les projets.",
        ),
        (
            "Un café des parents se tient chaque mardi.",
            dc,
            "La CAF cofinance le centre social.",
        ),
    ] {
        assert_eq!(
            x.analyse(text, None).evidence.theme_score(theme),
            0.0,
            "{text}"
        );
        assert!(
            x.analyse(acronym, None).evidence.theme_score(theme) > 0.0,
            "{acronym}"
        );
    }
}

#[test]
fn findings_get_the_code_their_cues_match() {
    let classifier = shipped_classifier();
    let cb = classifier.codebook();
    let (cc, difficulty) = (
        cb.theme_index("conseils_citoyens").unwrap(),
        cb.polarity_index("difficulte").unwrap(),
    );
    let stems_of = |text: &str| {
        let tokens = classifier.extractor.analyzer.tokens(text);
        tokens
            .iter()
            .filter(|t| t.is_content())
            .map(|t| t.stem.clone())
            .collect::<Vec<_>>()
    };
    let stems = stems_of("Les réunions ont cessé pendant la crise sanitaire et le confinement.");
    let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
    assert_eq!(
        classifier
            .codes
            .best_with_hits(cc, difficulty, &refs)
            .map(|(c, _)| c.id.as_str()),
        Some("cc_arret_covid")
    );
    let stems = stems_of("Le budget a été voté.");
    let refs: Vec<&str> = stems.iter().map(String::as_str).collect();
    assert!(
        classifier
            .codes
            .best_with_hits(cc, difficulty, &refs)
            .is_none(),
        "no cue, no code"
    );
}

#[test]
fn a_paragraph_without_theme_words_takes_its_heading_theme() {
    let classifier = shipped_classifier();
    let text = "Les difficultés tiennent d'abord au renouvellement des membres, dont la moitié est partie en 2020.";
    let labels = classifier.classify_one(text, Headings::nearest(Some("4. Le conseil citoyen")));
    let cc = classifier
        .codebook()
        .theme_index("conseils_citoyens")
        .unwrap();
    assert!(
        labels.themes.contains(&ThemeId::from(cc)),
        "{:?} {}",
        labels.themes,
        labels.evidence
    );
    assert_eq!(labels.polarity.id(), "difficulte", "{}", labels.evidence);
    let question = classifier.classify_one(
        "Dans quelle mesure le conseil citoyen a-t-il pesé sur les décisions ?",
        Headings::default(),
    );
    assert_eq!(question.polarity.id(), "neutre");
    // A hearing states a difficulty, then asks what will be done: it is
    // judged on what it states, not read as an evaluation question.
    let stated = classifier.classify_one(
        "Le conseil citoyen peine à mobiliser les habitants et manque de moyens. \
         Comment comptez-vous y remédier ?",
        Headings::default(),
    );
    assert!(
        !stated.evidence.contains("an evaluation question"),
        "{}",
        stated.evidence
    );
    assert_eq!(stated.polarity.id(), "difficulte", "{}", stated.evidence);
}

#[test]
fn a_theme_no_lexicon_word_names_needs_the_higher_threshold() {
    let mut classifier = shipped_classifier();
    // Find a paragraph whose theme rests on the model alone.
    let text = "Les réunions mensuelles rassemblent une dizaine de personnes.";
    let scored = classifier.score(text, HeadingContext::default());
    let cc = classifier
        .codebook()
        .theme_index("conseils_citoyens")
        .unwrap();
    assert!(!scored.lexicon_themes.contains(&cc));
    let p = scored.theme_scores[cc];
    assert!(p > 0.005 && p < 0.95, "{p}");
    classifier.config.theme_threshold = p / 2.0;
    classifier.config.unnamed_theme_threshold = p / 2.0;
    assert!(classifier
        .classify_one(text, Headings::default())
        .themes
        .contains(&ThemeId::from(cc)));
    classifier.config.unnamed_theme_threshold = (p + 1.0) / 2.0;
    assert!(!classifier
        .classify_one(text, Headings::default())
        .themes
        .contains(&ThemeId::from(cc)));
}

#[test]
fn the_field_s_words_are_counted_and_none_is_a_lone_common_word() {
    let classifier = shipped_classifier();
    let domain = classifier.domain.as_ref().expect("models/domain.toml");
    let scored = classifier.score(
        "Le contrat de ville couvre trois quartiers prioritaires (QPV) et un quartier de la gare.",
        HeadingContext::default(),
    );
    assert_eq!(scored.domain_terms, Some(3));
    // A term of several words whose stop words leave one stem ("quartiers
    // d'été" -> "quarti") would count every "quartier".
    for i in 0..domain.terms.len() {
        let term = domain.terms.get(i);
        if term.text.split_whitespace().count() > 1 {
            assert!(
                term.stems.len() > 1,
                "`{}` analyses to {:?}",
                term.text,
                term.stems
            );
        }
    }
}

#[test]
fn under_a_sub_heading_without_theme_the_section_gives_it() {
    let classifier = shipped_classifier();
    let text = "Depuis 2019, la moitié des places reste vacante faute de volontaires.";
    let cc = classifier
        .codebook()
        .theme_index("conseils_citoyens")
        .unwrap();
    let alone = classifier.classify_one(text, Headings::nearest(Some("4.2 Les difficultés")));
    assert!(
        !alone.themes.contains(&ThemeId::from(cc)),
        "{}",
        alone.evidence
    );
    let headings = Headings {
        nearest: Some("4.2 Les difficultés"),
        section: Some("4. Le conseil citoyen"),
    };
    let labels = classifier.classify_one(text, headings);
    assert!(
        labels.themes.contains(&ThemeId::from(cc)),
        "{}",
        labels.evidence
    );
    assert!(labels.evidence.contains("themes from the section heading"));
    // A sub-heading that names a theme wins over its section.
    let own = Headings {
        nearest: Some("4.2 L'emploi des membres"),
        section: Some("4. Le conseil citoyen"),
    };
    let labels = classifier.classify_one("Trois d'entre eux ont retrouvé un travail.", own);
    assert!(!labels.evidence.contains("section"), "{}", labels.evidence);
}

#[test]
fn a_theme_named_in_one_sentence_of_a_long_paragraph_is_not_outvoted() {
    // Four sentences on mediation, one on employment: the words of the
    // others pull the paragraph's emploi logit down, the sentence alone
    // does not.
    let c = shipped_classifier();
    let emploi = c.extractor.codebook.theme_index("emploi").unwrap();
    let named = "À l'issue de leur contrat, deux sur trois ont décroché un emploi \
                 durable ou une formation qualifiante.";
    let text = format!(
        "Les adultes-relais du quartier des Tilleuls assurent une présence \
         quotidienne aux abords des écoles et dans les halls d'immeubles. Ils \
         accompagnent les familles dans leurs démarches auprès des services \
         sociaux, orientent les habitants vers les permanences d'accès aux \
         droits et participent à la médiation lors des conflits de voisinage. \
         Leur rôle auprès des bailleurs et des établissements scolaires est \
         reconnu par l'ensemble des partenaires rencontrés. {named} Les \
         associations porteuses souhaitent voir ces postes pérennisés."
    );
    let whole = |t: &str| {
        let analysed = c.extractor.analyse(t, None);
        LinearModel::theme_probability(c.model.weigh(&analysed.features).scores().themes[emploi])
    };
    let paragraph_alone = whole(&text);
    let scored = c.score(&text, HeadingContext::default()).theme_scores[emploi];
    assert!(
        scored > paragraph_alone + 0.1,
        "{scored} vs {paragraph_alone}"
    );
    // The paragraph keeps most of the weight: a sentence's share is at most
    // its weight, whatever it says.
    let w = super::score::BEST_SENTENCE_THEME_WEIGHT;
    assert!(scored <= (1.0 - w) * paragraph_alone + w + 1e-9, "{scored}");
    assert!(whole(named) > 0.5, "{}", whole(named));
}
