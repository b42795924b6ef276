//! The charts of report.html as inline SVG, drawn here in Rust: no script,
//! no external file or font, so the page stays one file that opens offline
//! and prints as it shows.
//!
//! Every chart is a horizontal bar chart of reports: a row per category (a
//! level, a verdict, a recurring finding, an action type, a territory), its
//! label on the left (wrapped on two lines, cut with "…" past that, the full
//! text in its `<title>`), its bar as long as its count on a scale whose
//! full length is the chart's N (the readable reports, marked by a dashed
//! line), the count written on the bar or just after it. A row may hold
//! several segments (the modalités of a territory), each counted on it when
//! it fits and in the total after the bar. Heading rows group the rows
//! (the polarities of the recurring findings). Each chart carries its name
//! as `aria-label` and `<title>`, each bar a tooltip with its count.
//!
//! Each kind of chart has its own colours, chosen to stay apart when
//! printed; every bar is a `rect` of class `bar` whose size and colour the
//! browser test looks for in the screenshot.

use maud::{html, Markup};

use crate::output::french::plural;

/// Levels, depth first: approfondie, traitée, évoquée, non évoquée (the
/// coverage matrix uses the same colours).
pub(crate) const LEVEL_COLOURS: [&str; 4] = ["#1b5e20", "#43a047", "#c5e1a5", "#e0e0e0"];
/// Verdicts: positif, mitigé, négatif, non conclusif.
pub(crate) const VERDICT_COLOURS: [&str; 4] = ["#0571b0", "#f4a582", "#ca0020", "#bdbdbd"];
/// Polarities of recurring findings: réussite, difficulté, préconisation, neutre.
pub(crate) const POLARITY_COLOURS: [&str; 4] = ["#4d9221", "#c51b7d", "#4575b4", "#969696"];
/// Action types.
pub(crate) const ACTION_COLOUR: &str = "#6a51a3";
/// Modalités, in order of first appearance; a missing one in `UNKNOWN_COLOUR`.
pub(crate) const MODALITE_COLOURS: [&str; 6] = [
    "#e66101", "#5e3c99", "#fdb863", "#80cdc1", "#b35806", "#018571",
];
pub(crate) const UNKNOWN_COLOUR: &str = "#d9d9d9";

/// Length of a bar at the chart's N, in pixels.
const BAR_W: u32 = 300;
/// Shortest bar of a non-zero count, so that one report in thousands shows.
const MIN_BAR: u32 = 3;
const BAR_H: u32 = 18;
const LINE_H: u32 = 14;
const ROW_GAP: u32 = 6;
const HEADING_H: u32 = 22;
const LEGEND_H: u32 = 22;
const FOOTER_H: u32 = 18;
/// Room after the bars for a count written outside and the N mark.
const RIGHT: u32 = 64;
/// Characters of a label line, and lines of a label.
const LINE_CHARS: usize = 34;
const MAX_LINES: usize = 2;
/// Width of a character of 12 px text, estimated on the wide side (DejaVu
/// Sans, the usual system-ui of Linux, averages about 7 px; bold digits 7.6).
const CHAR_W: f64 = 7.6;

/// What a chart shows (its CSS class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Levels,
    Verdicts,
    Codes,
    Actions,
    Modalite,
}

impl Kind {
    pub(crate) fn class(self) -> &'static str {
        match self {
            Kind::Levels => "levels",
            Kind::Verdicts => "verdicts",
            Kind::Codes => "codes",
            Kind::Actions => "actions",
            Kind::Modalite => "modalite",
        }
    }
}

/// A bar, or one segment of a row's bar.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    /// Its name in the tooltip of a row of several segments ("interne").
    pub name: String,
    pub value: u32,
    pub colour: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) enum Row {
    /// A group's title across the chart ("Difficultés").
    Heading(String),
    Bars {
        label: String,
        segments: Vec<Segment>,
    },
}

impl Row {
    /// A row of one bar.
    pub(crate) fn bar(label: impl Into<String>, value: u32, colour: &'static str) -> Row {
        Row::Bars {
            label: label.into(),
            segments: vec![Segment {
                name: String::new(),
                value,
                colour,
            }],
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Chart {
    pub kind: Kind,
    /// The chart's name for screen readers and tooltips (`aria-label`, `<title>`).
    pub title: String,
    /// The line shown above it.
    pub caption: String,
    pub rows: Vec<Row>,
    /// The count of a full-length bar (N, the readable reports); raised to
    /// the largest row when one is longer.
    pub scale: u32,
    /// Colours of the segments, with their names, shown above the rows.
    pub legend: Vec<(String, &'static str)>,
}

/// A label in lines of at most `LINE_CHARS` characters, cut words only
/// when a word is longer than a line; past `MAX_LINES` the last line ends
/// with "…". Returns the lines and whether the label was cut.
pub(crate) fn wrap(label: &str) -> (Vec<String>, bool) {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                LINE_CHARS
            } else {
                LINE_CHARS.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used == 0 {
                // A word longer than a line: cut it.
                line.extend(word.drain(..LINE_CHARS));
            }
            lines.push(std::mem::take(&mut line));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() <= MAX_LINES {
        return (lines, false);
    }
    lines.truncate(MAX_LINES);
    let last = &mut lines[MAX_LINES - 1];
    let mut kept: String = last.chars().take(LINE_CHARS - 1).collect();
    kept.truncate(kept.trim_end().len());
    *last = kept + "…";
    (lines, true)
}

/// A bar's length for `value` on a scale whose full length is `scale`:
/// proportional, at least `MIN_BAR` for a non-zero count, 0 for none.
pub(crate) fn bar_length(value: u32, scale: u32) -> u32 {
    if value == 0 || scale == 0 {
        return 0;
    }
    let length = (f64::from(value) * f64::from(BAR_W) / f64::from(scale)).round() as u32;
    length.clamp(MIN_BAR, BAR_W)
}

fn text_width(text: &str) -> u32 {
    (text.chars().count() as f64 * CHAR_W).ceil() as u32
}

/// Dark text on light fills, white on dark ones (relative luminance).
fn ink_on(fill: &str) -> &'static str {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&fill[i..i + 2], 16).unwrap_or(0)) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    if l < 0.3 {
        "#fff"
    } else {
        "#222"
    }
}

fn total(segments: &[Segment]) -> u32 {
    segments.iter().map(|s| s.value).sum()
}

/// The chart as an `<svg>` element (explicitly closed elements, so the
/// HTML parser reads it as the SVG it is).
pub(crate) fn svg(chart: &Chart) -> Markup {
    let scale = chart
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Bars { segments, .. } => Some(total(segments)),
            Row::Heading(_) => None,
        })
        .max()
        .unwrap_or(0)
        .max(chart.scale);
    // Every row's label lines, and the label column's width.
    let labels: Vec<(Vec<String>, bool)> = chart
        .rows
        .iter()
        .map(|r| match r {
            Row::Bars { label, .. } => wrap(label),
            Row::Heading(_) => (Vec::new(), false),
        })
        .collect();
    let longest = labels
        .iter()
        .flat_map(|(lines, _)| lines.iter().map(|l| text_width(l)))
        .max()
        .unwrap_or(0);
    let bar_x = longest.clamp(60, 260) + 10;
    // Legend entries one after the other from the bars' start.
    let mut legend = Vec::new();
    let mut legend_x = bar_x;
    for (name, colour) in &chart.legend {
        legend.push((legend_x, name, *colour));
        legend_x += 16 + text_width(name) + 14;
    }
    let width = (bar_x + BAR_W + RIGHT).max(legend_x);
    let mut y = if chart.legend.is_empty() {
        4
    } else {
        LEGEND_H + 4
    };
    let mut placed = Vec::new();
    for (row, (lines, _)) in chart.rows.iter().zip(&labels) {
        let h = match row {
            Row::Heading(_) => HEADING_H,
            Row::Bars { .. } => BAR_H.max(lines.len() as u32 * LINE_H) + ROW_GAP,
        };
        placed.push(y);
        y += h;
    }
    let rows_end = y;
    let height = rows_end + FOOTER_H;
    let n_x = bar_x + BAR_W;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class=(format!("chart {}", chart.kind.class()))
            width=(width) height=(height) viewBox=(format!("0 0 {width} {height}"))
            role="img" aria-label=(chart.title) font-size="12" shape-rendering="crispEdges" {
            title { (chart.title) }
            @if !chart.legend.is_empty() {
                g.legend {
                    @for (x, name, colour) in &legend {
                        rect x=(x) y="4" width="12" height="12" fill=(colour) {}
                        text x=(x + 16) y="14" fill="#222" { (name) }
                    }
                }
            }
            line x1=(bar_x) y1="0" x2=(bar_x) y2=(rows_end) stroke="#777" {}
            line x1=(n_x) y1="0" x2=(n_x) y2=(rows_end) stroke="#999" stroke-dasharray="3 3" {}
            text x=(n_x) y=(rows_end + 13) text-anchor="middle" fill="#444" { "N = " (scale) }
            @for ((row, (lines, _)), &top) in chart.rows.iter().zip(&labels).zip(&placed) {
                @match row {
                    Row::Heading(text) => {
                        text x="0" y=(top + 15) font-weight="bold" fill="#222" { (text) }
                    }
                    Row::Bars { label, segments } => {
                        (bar_row(label, lines, segments, top, bar_x, scale))
                    }
                }
            }
        }
    }
}

/// One row: its label, its segments with their counts, and the total
/// after the bar.
fn bar_row(
    label: &str,
    lines: &[String],
    segments: &[Segment],
    top: u32,
    bar_x: u32,
    scale: u32,
) -> Markup {
    let row_h = BAR_H.max(lines.len() as u32 * LINE_H);
    let bar_y = top + (row_h - BAR_H) / 2;
    // Label lines centred on the bar.
    let first_line = top + (row_h - lines.len() as u32 * LINE_H) / 2 + 11;
    let single = segments.len() == 1;
    let sum = total(segments);
    let mut x = bar_x;
    let mut parts = Vec::new();
    for s in segments {
        let w = bar_length(s.value, scale);
        parts.push((s, x, w));
        x += w;
    }
    let end = x;
    html! {
        g {
            text x=(bar_x - 8) y=(first_line) text-anchor="end" fill="#222" {
                title { (label) }
                @for (i, line) in lines.iter().enumerate() {
                    tspan x=(bar_x - 8) y=(first_line + i as u32 * LINE_H) { (line) }
                }
            }
            @for (s, x, w) in &parts {
                @if *w > 0 {
                    g {
                        title {
                            @if single { (label) } @else { (label) ", " (s.name) }
                            " : " (plural(s.value, "rapport")) " sur " (scale)
                        }
                        rect.bar x=(x) y=(bar_y) width=(w) height=(BAR_H) fill=(s.colour) {}
                        @let digits = s.value.to_string();
                        @if text_width(&digits) + 8 <= *w {
                            text x=(x + w - 4) y=(bar_y + 13) text-anchor="end"
                                font-weight="bold" fill=(ink_on(s.colour)) { (digits) }
                        }
                    }
                }
            }
            @let written = if single { parts.first().is_some_and(|(s, _, w)| text_width(&s.value.to_string()) + 8 <= *w) } else { false };
            @if !written {
                text x=(end + 4) y=(bar_y + 13) font-weight="bold" fill="#222" { (sum) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (x, width, fill) of every bar, in order.
    fn bars(svg: &str) -> Vec<(u32, u32, String)> {
        let re = regex::Regex::new(
            r#"<rect class="bar" x="(\d+)" y="\d+" width="(\d+)" height="\d+" fill="(#[0-9a-f]{6})""#,
        )
        .unwrap();
        re.captures_iter(svg)
            .map(|c| {
                (
                    c[1].parse().unwrap(),
                    c[2].parse().unwrap(),
                    c[3].to_string(),
                )
            })
            .collect()
    }

    fn chart(rows: Vec<Row>, scale: u32) -> Chart {
        Chart {
            kind: Kind::Levels,
            title: "Égalité femmes-hommes : niveau de traitement".into(),
            caption: String::new(),
            rows,
            scale,
            legend: Vec::new(),
        }
    }

    #[test]
    fn bars_are_proportional_to_counts() {
        let c = chart(
            vec![
                Row::bar("approfondie", 3, LEVEL_COLOURS[0]),
                Row::bar("traitée", 5, LEVEL_COLOURS[1]),
                Row::bar("évoquée", 2, LEVEL_COLOURS[2]),
            ],
            10,
        );
        let svg = svg(&c).into_string();
        let b = bars(&svg);
        assert_eq!(b.len(), 3, "{svg}");
        assert_eq!(
            b.iter().map(|(_, w, _)| *w).collect::<Vec<_>>(),
            [90, 150, 60],
            "30 px per report on a scale of 10"
        );
        assert!(
            b.iter().all(|(x, _, _)| *x == b[0].0),
            "bars start together"
        );
        assert_eq!(b[1].2, LEVEL_COLOURS[1]);
        // The counts are written, the N too, and the chart is named.
        for n in [">3<", ">5<", ">2<", "N = 10"] {
            assert!(svg.contains(n), "{n} in {svg}");
        }
        assert!(
            svg.contains(r#"role="img" aria-label="Égalité femmes-hommes : niveau de traitement""#)
        );
        assert!(svg.contains("<title>Égalité femmes-hommes : niveau de traitement</title>"));
        assert!(
            svg.contains("<title>traitée : 5 rapports sur 10</title>"),
            "{svg}"
        );
    }

    #[test]
    fn a_zero_count_has_no_bar_but_its_zero() {
        let c = chart(
            vec![
                Row::bar("approfondie", 0, LEVEL_COLOURS[0]),
                Row::bar("non évoquée", 4, LEVEL_COLOURS[3]),
            ],
            4,
        );
        let svg = svg(&c).into_string();
        let b = bars(&svg);
        assert_eq!(b.len(), 1, "{svg}");
        assert_eq!(b[0].1, BAR_W);
        assert!(
            svg.contains(r##"font-weight="bold" fill="#222">0</text>"##),
            "{svg}"
        );
        // Nothing to draw at all: only zeros, or no report.
        assert!(bars(&svg_of(chart(vec![Row::bar("x", 0, ACTION_COLOUR)], 0))).is_empty());
    }

    fn svg_of(c: Chart) -> String {
        svg(&c).into_string()
    }

    #[test]
    fn one_report_fills_the_scale() {
        let svg = svg_of(chart(vec![Row::bar("traitée", 1, LEVEL_COLOURS[1])], 1));
        assert_eq!(bars(&svg)[0].1, BAR_W);
        assert!(svg.contains("N = 1<"));
        assert!(svg.contains("traitée : 1 rapport sur 1"), "{svg}");
    }

    #[test]
    fn one_report_in_thousands_still_shows() {
        assert_eq!(bar_length(1, 5000), MIN_BAR);
        assert_eq!(bar_length(0, 5000), 0);
        assert_eq!(bar_length(2500, 5000), BAR_W / 2);
        // A row longer than N (never in the tables) does not leave the chart.
        let svg = svg_of(chart(vec![Row::bar("x", 12, ACTION_COLOUR)], 10));
        assert_eq!(bars(&svg)[0].1, BAR_W);
        assert!(svg.contains("N = 12"));
    }

    #[test]
    fn long_french_labels_are_wrapped_then_cut_with_the_full_text_kept() {
        let label = "Freins périphériques persistants (mobilité, garde d'enfants, langue) et difficultés de coordination entre les acteurs";
        let (lines, cut) = wrap(label);
        assert!(cut);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(
            lines.iter().all(|l| l.chars().count() <= LINE_CHARS),
            "{lines:?}"
        );
        assert_eq!(lines[0], "Freins périphériques persistants");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        let svg = svg_of(chart(vec![Row::bar(label, 3, POLARITY_COLOURS[1])], 10));
        assert!(svg.contains(&format!("<title>{label}</title>")), "{svg}");
        assert!(
            svg.contains("Freins périphériques persistants</tspan>"),
            "{svg}"
        );
        // A short label stays whole; a word longer than a line is cut.
        assert_eq!(
            wrap("Démarches d'aller-vers"),
            (vec!["Démarches d'aller-vers".to_string()], false)
        );
        let (lines, _) = wrap(&"x".repeat(50));
        assert_eq!(lines[0].len(), LINE_CHARS);
        assert_eq!(lines[1].len(), 50 - LINE_CHARS);
    }

    #[test]
    fn segments_follow_each_other_with_the_total_after_them() {
        let c = Chart {
            kind: Kind::Modalite,
            title: "Modalité".into(),
            caption: String::new(),
            rows: vec![
                Row::Heading("Par territoire".into()),
                Row::Bars {
                    label: "Castelroux".into(),
                    segments: vec![
                        Segment {
                            name: "interne".into(),
                            value: 2,
                            colour: MODALITE_COLOURS[0],
                        },
                        Segment {
                            name: "mixte".into(),
                            value: 1,
                            colour: MODALITE_COLOURS[1],
                        },
                    ],
                },
            ],
            scale: 6,
            legend: vec![
                ("interne".into(), MODALITE_COLOURS[0]),
                ("mixte".into(), MODALITE_COLOURS[1]),
            ],
        };
        let svg = svg_of(c);
        let b = bars(&svg);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].1, b[1].1), (100, 50));
        assert_eq!(
            b[1].0,
            b[0].0 + b[0].1,
            "the second segment starts where the first ends"
        );
        assert!(svg.contains(">3</text>"), "the row's total: {svg}");
        assert!(svg.contains("Castelroux, mixte : 1 rapport sur 6"), "{svg}");
        assert!(svg.contains(">Par territoire</text>"));
    }

    #[test]
    fn text_is_escaped() {
        let svg = svg_of(chart(
            vec![Row::bar("<script>x</script>", 1, ACTION_COLOUR)],
            1,
        ));
        assert!(!svg.contains("<script>"), "{svg}");
    }

    #[test]
    fn ink_stays_readable_on_every_fill() {
        assert_eq!(ink_on(LEVEL_COLOURS[0]), "#fff");
        assert_eq!(ink_on(LEVEL_COLOURS[2]), "#222");
        assert_eq!(ink_on(VERDICT_COLOURS[1]), "#222");
        assert_eq!(ink_on(VERDICT_COLOURS[2]), "#fff");
    }
}
