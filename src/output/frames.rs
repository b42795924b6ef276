//! Documents and paragraphs -> polars data frames, built column by column.

use polars::prelude::*;

use crate::classify::Codebook;
use crate::metadata::{Field, Metadata, ReportMeta};
use crate::record::Document;

/// Builds the `documents` table: one row per input file, with the columns
/// of the metadata file when one is given (null where a report has none).
pub(super) fn documents_frame(
    docs: &[Document],
    metadata: Option<&Metadata>,
    report_meta: &[ReportMeta],
    on_topic_min_terms: u32,
) -> PolarsResult<DataFrame> {
    let n = docs.len();
    // Without report metadata (library use), every field is null.
    let meta_of = |field: Field| (0..n).map(move |i| report_meta.get(i).and_then(|m| m.get(field)));
    let mut columns = vec![
        Column::new(
            "doc_id".into(),
            docs.iter().map(|d| d.doc_id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "path".into(),
            docs.iter().map(|d| d.path.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "content_hash".into(),
            docs.iter()
                .map(|d| d.content_hash.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "bytes".into(),
            docs.iter().map(|d| d.bytes).collect::<Vec<u64>>(),
        ),
        Column::new(
            "pages".into(),
            docs.iter().map(|d| d.read.pages).collect::<Vec<u32>>(),
        ),
        Column::new(
            "pages_failed".into(),
            docs.iter()
                .map(|d| d.read.pages_failed)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "status".into(),
            docs.iter()
                .map(|d| d.read.status.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "message".into(),
            docs.iter()
                .map(|d| d.read.message.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "n_paragraphs".into(),
            docs.iter()
                .map(|d| d.paragraphs.len() as u32)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "extractor".into(),
            docs.iter()
                .map(|d| d.read.extractor.map_or("", |e| e.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "ocr_confidence".into(),
            docs.iter()
                .map(|d| d.read.ocr_confidence)
                .collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            "title".into(),
            meta_of(Field::Title)
                .map(|f| f.map(|f| f.value.as_str()))
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "domain_terms".into(),
            docs.iter()
                .map(Document::domain_terms)
                .collect::<Vec<Option<u32>>>(),
        ),
        Column::new(
            "on_topic".into(),
            docs.iter()
                .map(|d| d.on_topic(on_topic_min_terms))
                .collect::<Vec<Option<bool>>>(),
        ),
    ];
    for field in Field::ALL.into_iter().filter(|f| *f != Field::Title) {
        columns.push(Column::new(
            field.column().into(),
            meta_of(field)
                .map(|f| f.map(|f| f.value.as_str()))
                .collect::<Vec<Option<&str>>>(),
        ));
        if field == Field::Departement {
            columns.push(Column::new(
                "departement_name".into(),
                (0..n)
                    .map(|i| {
                        report_meta
                            .get(i)
                            .and_then(|m| m.departement_name.as_deref())
                    })
                    .collect::<Vec<Option<&str>>>(),
            ));
        }
    }
    for field in Field::ALL {
        columns.push(Column::new(
            format!("{}_evidence", field.column()).into(),
            meta_of(field)
                .map(|f| f.map(|f| f.evidence.as_str()))
                .collect::<Vec<Option<&str>>>(),
        ));
        columns.push(Column::new(
            format!("{}_confidence", field.column()).into(),
            meta_of(field)
                .map(|f| f.map(|f| f.confidence))
                .collect::<Vec<Option<f64>>>(),
        ));
    }
    if let Some(meta) = metadata {
        // The CSV's fields are merged into the columns above.
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.column()).collect();
        for name in meta
            .columns
            .iter()
            .filter(|c| !fields.contains(&c.as_str()))
        {
            // A metadata column named like a built-in one is prefixed, not lost.
            let taken = columns.iter().any(|c| c.name().as_str() == name);
            let column_name = if taken {
                format!("meta_{name}")
            } else {
                name.clone()
            };
            let values: Vec<Option<&str>> =
                docs.iter().map(|d| meta.value(&d.doc_id, name)).collect();
            columns.push(Column::new(column_name.into(), values));
        }
    }
    DataFrame::new(n, columns)
}

/// Builds the `paragraphs` table: one row per paragraph, in reading order.
/// CSV cannot hold lists: there `themes` is the ids joined by `|`.
pub(super) fn paragraphs_frame(
    docs: &[Document],
    codebook: &Codebook,
    for_csv: bool,
) -> PolarsResult<DataFrame> {
    let n: usize = docs.iter().map(|d| d.paragraphs.len()).sum();
    let (mut doc_id, mut para_id, mut page) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut heading, mut section, mut kind, mut text) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut themes, mut themes_joined, mut polarity, mut polarity_score) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for d in docs {
        for (i, p) in d.paragraphs.iter().enumerate() {
            doc_id.push(d.doc_id.as_str());
            para_id.push(i as u32);
            page.push(p.page);
            heading.push(d.heading(p.heading));
            section.push(d.heading(p.section));
            kind.push(p.kind.as_str());
            text.push(p.text.as_str());
            let ids: Vec<&str> = p
                .labels
                .as_ref()
                .map(|l| l.themes.iter().map(|&t| codebook.theme_id(t)).collect())
                .unwrap_or_default();
            themes_joined.push(ids.join("|"));
            themes.push(Series::new("".into(), ids));
            polarity.push(p.labels.as_ref().map(|l| l.polarity.id()));
            polarity_score.push(p.labels.as_ref().map(|l| l.polarity_score));
        }
    }
    let themes = if for_csv {
        Column::new("themes".into(), themes_joined)
    } else {
        Column::new("themes".into(), themes)
    };
    DataFrame::new(
        n,
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("para_id".into(), para_id),
            Column::new("page".into(), page),
            Column::new("heading".into(), heading),
            Column::new("kind".into(), kind),
            Column::new("text".into(), text),
            themes,
            Column::new("polarity".into(), polarity),
            Column::new("polarity_score".into(), polarity_score),
            // Added after the contract's columns, so scripts that read
            // columns by position keep working.
            Column::new("section".into(), section),
        ],
    )
}

/// Builds the `findings` table: one row per (paragraph, theme). CSV cannot
/// hold lists: there `actions` is the action type ids joined by `|`.
pub(super) fn findings_frame(
    docs: &[Document],
    codebook: &Codebook,
    for_csv: bool,
) -> PolarsResult<DataFrame> {
    let (mut doc_id, mut para_id, mut page, mut theme, mut polarity) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut code, mut score, mut quote, mut evidence) = (
        Vec::<Option<&str>>::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut actions, mut actions_joined) = (Vec::new(), Vec::new());
    for d in docs {
        for (i, p) in d.paragraphs.iter().enumerate() {
            let Some(labels) = &p.labels else { continue };
            for f in &labels.findings {
                doc_id.push(d.doc_id.as_str());
                para_id.push(i as u32);
                page.push(p.page);
                theme.push(codebook.theme_id(f.theme));
                polarity.push(labels.polarity.id());
                code.push(f.code.as_ref().map(|(c, _)| c.as_str()));
                score.push(f.score);
                quote.push(f.quote.as_str());
                evidence.push(labels.evidence.as_str());
                let ids: Vec<&str> = f.actions.iter().map(|a| a.id.as_str()).collect();
                actions_joined.push(ids.join("|"));
                actions.push(Series::new("".into(), ids));
            }
        }
    }
    DataFrame::new(
        doc_id.len(),
        vec![
            Column::new("doc_id".into(), doc_id),
            Column::new("para_id".into(), para_id),
            Column::new("page".into(), page),
            Column::new("theme".into(), theme),
            Column::new("polarity".into(), polarity),
            Column::new("code".into(), code),
            Column::new("score".into(), score),
            Column::new("quote".into(), quote),
            Column::new("evidence".into(), evidence),
            // Added after the contract's columns (scripts reading by
            // position keep working).
            if for_csv {
                Column::new("actions".into(), actions_joined)
            } else {
                // An empty list keeps its type (a list of strings) even
                // when no finding has an action type.
                Column::new("actions".into(), actions)
                    .cast(&DataType::List(Box::new(DataType::String)))?
            },
        ],
    )
}
