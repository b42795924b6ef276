//! Document-wide consistency of OCR'd pages: one size per kind of text,
//! and running headers and footers that read the same from page to page.

use super::hocr::{OcrLine, OcrPage, OcrWord};

/// Lines whose sizes differ by less than this share are one size: OCR
/// measures x-heights to a pixel or two.
const SAME_SIZE: f64 = 0.07;

/// One size per kind of text: OCR's sizes of lines set in one size scatter
/// by a few percent, where segmentation takes a 10% change for a new
/// paragraph. The most used size (by characters) takes every line within
/// `SAME_SIZE` of it, then the next among the lines left, and so on; each
/// group gets its members' median.
pub(super) fn assign_sizes(pages: &mut [OcrPage]) {
    let mut lines: Vec<(f64, usize, usize, usize)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for (l, line) in page.lines.iter().enumerate() {
            let chars = line.words.iter().map(|w| w.text.chars().count()).sum();
            lines.push((line.size, chars, p, l));
        }
    }
    let mut left: Vec<usize> = (0..lines.len()).collect();
    while !left.is_empty() {
        let near = |centre: f64, i: &usize| (lines[*i].0 - centre).abs() <= SAME_SIZE * centre;
        let centre = left
            .iter()
            .map(|&i| lines[i].0)
            .max_by(|&a, &b| {
                let weight = |c: f64| {
                    left.iter()
                        .filter(|i| near(c, i))
                        .map(|&i| lines[i].1)
                        .sum::<usize>()
                };
                weight(a).cmp(&weight(b)).then(b.total_cmp(&a))
            })
            .unwrap_or(0.0);
        let (members, rest): (Vec<usize>, Vec<usize>) = left.iter().partition(|i| near(centre, i));
        let mut sizes: Vec<(f64, usize)> =
            members.iter().map(|&i| (lines[i].0, lines[i].1)).collect();
        sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let half = sizes.iter().map(|s| s.1).sum::<usize>() / 2;
        let mut seen = 0;
        let median = sizes
            .iter()
            .find(|s| {
                seen += s.1;
                seen > half
            })
            .map_or(centre, |s| s.0);
        // Quarter points, as the layout rounds sizes.
        let size = (median * 4.0).round() / 4.0;
        for &i in &members {
            let (_, _, p, l) = lines[i];
            pages[p].lines[l].size = size;
        }
        left = rest;
    }
}

/// Running headers and footers are found by their text recurring from page
/// to page; OCR misreads a letter here and there ("Évaluatlon"). A line in
/// the top or bottom band that nearly matches lines of other pages takes
/// the text most of them have, so furniture removal sees one text.
pub(super) fn harmonise_running_lines(pages: &mut [OcrPage], header_band: f64, footer_band: f64) {
    // (page, line, top, key) for every line of the bands.
    let mut band: Vec<(usize, usize, bool, Vec<char>)> = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for (l, line) in page.lines.iter().enumerate() {
            let top = line.baseline < header_band * page.height;
            let bottom = line.baseline > (1.0 - footer_band) * page.height;
            let key = running_key(line);
            if (top || bottom) && key.len() >= 6 {
                band.push((p, l, top, key));
            }
        }
    }
    let mut done = vec![false; band.len()];
    for i in 0..band.len() {
        if done[i] {
            continue;
        }
        let group: Vec<usize> = (i..band.len())
            .filter(|&j| {
                !done[j] && band[j].2 == band[i].2 && similarity(&band[i].3, &band[j].3) >= 0.8
            })
            .collect();
        let mut pages_in: Vec<usize> = group.iter().map(|&j| band[j].0).collect();
        pages_in.dedup();
        for &j in &group {
            done[j] = true;
        }
        if pages_in.len() < 2 {
            continue;
        }
        let count = |key: &Vec<char>| group.iter().filter(|&&j| &band[j].3 == key).count();
        let Some(&model) = group
            .iter()
            .max_by_key(|&&j| (count(&band[j].3), std::cmp::Reverse(j)))
        else {
            continue;
        };
        let (mp, ml) = (band[model].0, band[model].1);
        let text = pages[mp].lines[ml]
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for &j in &group {
            if band[j].3 == band[model].3 {
                continue;
            }
            let line = &mut pages[band[j].0].lines[band[j].1];
            let (x0, x1) = (line.words[0].x0, line.words[line.words.len() - 1].x1);
            let conf = line.words.iter().map(|w| w.conf).sum::<f64>() / line.words.len() as f64;
            line.words = vec![OcrWord {
                x0,
                x1,
                text: text.clone(),
                conf,
            }];
        }
    }
}

/// A band line's text as furniture removal compares it: no spaces, lower
/// case, a run of digits as one mark.
fn running_key(line: &OcrLine) -> Vec<char> {
    let mut key = Vec::new();
    for c in line.words.iter().flat_map(|w| w.text.chars()) {
        if c.is_ascii_digit() {
            if key.last() != Some(&'#') {
                key.push('#');
            }
        } else if !c.is_whitespace() {
            key.extend(c.to_lowercase());
        }
    }
    key
}

/// 1 - edit distance / longer length.
pub(super) fn similarity(a: &[char], b: &[char]) -> f64 {
    let longer = a.len().max(b.len());
    if longer == 0 {
        return 1.0;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    1.0 - previous[b.len()] as f64 / longer as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_differ_by_a_pixel_are_one_size() {
        let line = |size: f64, text: &str| OcrLine {
            baseline: 0.0,
            x_height: size / 2.0,
            size,
            words: vec![OcrWord {
                x0: 0.0,
                x1: 1.0,
                text: text.into(),
                conf: 90.0,
            }],
        };
        let body = "x".repeat(80);
        let mut pages = vec![OcrPage {
            index: 0,
            number: 1,
            width: 595.0,
            height: 842.0,
            lines: vec![
                line(11.0, &body),
                line(11.5, &body),
                line(10.6, &body),
                line(15.8, "1. Introduction"),
                line(11.2, &body),
            ],
        }];
        assign_sizes(&mut pages);
        let sizes: Vec<f64> = pages[0].lines.iter().map(|l| l.size).collect();
        // The body lines' median, 11.2, in quarter points.
        assert_eq!(sizes, [11.25, 11.25, 11.25, 15.75, 11.25]);
    }

    #[test]
    fn running_headers_misread_on_one_page_take_the_common_text() {
        let line = |y: f64, t: &str| OcrLine {
            baseline: y,
            x_height: 4.0,
            size: 9.0,
            words: t
                .split(' ')
                .map(|w| OcrWord {
                    x0: 0.0,
                    x1: 10.0,
                    text: w.into(),
                    conf: 80.0,
                })
                .collect(),
        };
        let page = |n: u32, header: &str| OcrPage {
            index: n as usize - 1,
            number: n,
            width: 595.0,
            height: 842.0,
            lines: vec![line(40.0, header), line(400.0, "Le contrat de ville")],
        };
        let mut pages = vec![
            page(1, "Contrat de ville - Évaluation finale"),
            page(2, "Contrat de ville - Évaluatlon finale"),
            page(3, "Contrat de ville - Évaluation finale"),
        ];
        harmonise_running_lines(&mut pages, 0.12, 0.12);
        assert_eq!(
            pages[1].lines[0].words[0].text,
            "Contrat de ville - Évaluation finale"
        );
        assert_eq!(pages[1].lines[1].words.len(), 4);
    }

    #[test]
    fn similarity_is_one_less_the_edit_distance_share() {
        let s = |a: &str, b: &str| {
            similarity(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert!((s("abcd", "abed") - 0.75).abs() < 1e-9);
    }
}
