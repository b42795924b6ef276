//! Tesseract's hOCR -> lines of words in points, upright and deskewed, with
//! a font size per line. hOCR rather than TSV: it carries each line's
//! baseline and x-height, which give the baseline glyphs sit on and a size
//! that does not depend on which letters a word holds.

use super::clean::{is_bullet, keep_word, snap_to_margins, trim_specks};

/// A word read, in points from the page's top left corner (upright).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OcrWord {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// Tesseract's confidence, 0 to 100.
    pub conf: f64,
}

/// A line read: its words on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OcrLine {
    pub baseline: f64,
    /// Height of lower-case letters, points.
    pub x_height: f64,
    /// Font size given to its glyphs (see `assign_sizes`).
    pub size: f64,
    pub words: Vec<OcrWord>,
}

/// A page read by OCR, in points.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OcrPage {
    pub index: usize,
    pub number: u32,
    pub width: f64,
    pub height: f64,
    pub lines: Vec<OcrLine>,
}

/// x-height over font size: about half in the usual text faces.
const X_HEIGHT_SHARE: f64 = 0.5;

/// A line, as Tesseract gives it, in pixels of the image.
#[derive(Debug, Default)]
struct RawLine {
    bbox: [f64; 4],
    angle: u16,
    /// Slope and offset from the bottom left corner of the box.
    baseline: Option<(f64, f64)>,
    x_size: f64,
    descenders: f64,
    ascenders: f64,
    words: Vec<RawWord>,
}

#[derive(Debug)]
pub(super) struct RawWord {
    pub bbox: [f64; 4],
    pub conf: f64,
    pub text: String,
    /// Its characters with their boxes (`hocr_char_boxes`), when given.
    pub chars: Vec<([f64; 4], String)>,
}

/// Left edge, right edge and height of a box, in the upright frame.
pub(super) type Span = (f64, f64, f64);

/// One page of hOCR; `scale` is points per pixel (72 / resolution).
pub(super) fn parse_page(hocr: &str, index: usize, number: u32, scale: f64) -> OcrPage {
    let (lines, size) = parse_lines(hocr);
    let (width, height) = size;
    // The page's text direction: most words are read that way (OSD turned
    // the page for Tesseract; its boxes stay those of the image).
    let mut per_angle = [0usize; 4];
    for l in &lines {
        per_angle[(l.angle / 90) as usize % 4] += l.words.len();
    }
    let turns = (0..4).max_by_key(|&a| (per_angle[a], a == 0)).unwrap_or(0);
    let upright = |x: f64, y: f64| match turns {
        1 => (height - y, x),
        2 => (width - x, height - y),
        3 => (y, width - x),
        _ => (x, y),
    };
    let (up_w, up_h) = if turns % 2 == 1 {
        (height, width)
    } else {
        (width, height)
    };
    // Skew: the median slope of the baselines, turned away around the centre.
    let mut slopes: Vec<f64> = lines
        .iter()
        .filter(|l| turns == 0 && l.words.len() >= 3)
        .filter_map(|l| l.baseline.map(|b| b.0))
        .collect();
    slopes.sort_by(f64::total_cmp);
    let slope = slopes.get(slopes.len() / 2).copied().unwrap_or(0.0);
    let (sin, cos) = slope.atan().sin_cos();
    let (cx, cy) = (up_w / 2.0, up_h / 2.0);
    let deskew = |x: f64, y: f64| {
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * cos + dy * sin, cy - dx * sin + dy * cos)
    };
    let mut out = Vec::new();
    for line in lines
        .iter()
        .filter(|l| (l.angle / 90) as usize % 4 == turns)
    {
        let mut x_height = line.x_size - line.ascenders - line.descenders;
        if !(0.3 * line.x_size..=0.8 * line.x_size).contains(&x_height) {
            x_height = X_HEIGHT_SHARE * line.x_size;
        }
        let [x0, _, x1, y1] = line.bbox;
        // Baseline height at x, in the upright frame.
        let base = |x: f64| match (turns, line.baseline) {
            (0, Some((p1, p0))) => y1 + p0 + p1 * (x - x0),
            _ => {
                let (a, b) = (upright(line.bbox[0], line.bbox[1]), upright(x1, y1));
                a.1.max(b.1) - line.descenders
            }
        };
        let centre = (x0 + x1) / 2.0;
        let baseline = if turns == 0 {
            deskew(centre, base(centre)).1
        } else {
            base(centre)
        };
        // Boxes in the upright frame: (left, right, height) of the word and
        // of each of its characters.
        let turn = |b: &[f64; 4]| {
            let (a, c) = (upright(b[0], b[1]), upright(b[2], b[3]));
            (a.0.min(c.0), a.0.max(c.0), (a.1 - c.1).abs())
        };
        let mut raw: Vec<(f64, f64, f64, &RawWord)> = line
            .words
            .iter()
            .map(|w| {
                let (l, r, h) = turn(&w.bbox);
                (l, r, h, w)
            })
            .collect();
        raw.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut words: Vec<OcrWord> = Vec::new();
        for (k, &(left, right, height, w)) in raw.iter().enumerate() {
            let next_left = raw.get(k + 1).map(|n| n.0);
            let bullet = k == 0
                && is_bullet(
                    &w.text,
                    right - left,
                    height,
                    next_left.map(|n| n - right),
                    x_height,
                );
            let (text, left, right) = if bullet {
                ("•".to_string(), left, right)
            } else {
                match trim_specks(w, &turn, x_height) {
                    Some((text, l, r)) => (text, l.max(left), r.min(right)),
                    None => continue,
                }
            };
            if !bullet && !keep_word(&text, w.conf, right - left, height, x_height) {
                continue;
            }
            let (left, right) = if turns == 0 {
                (deskew(left, base(left)).0, deskew(right, base(right)).0)
            } else {
                (left, right)
            };
            words.push(OcrWord {
                x0: left * scale,
                x1: right * scale,
                text,
                conf: w.conf,
            });
        }
        words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        if !words
            .iter()
            .any(|w| w.text.chars().any(char::is_alphanumeric))
        {
            continue;
        }
        out.push(OcrLine {
            baseline: baseline * scale,
            x_height: x_height * scale,
            size: x_height * scale / X_HEIGHT_SHARE,
            words,
        });
    }
    snap_to_margins(&mut out);
    OcrPage {
        index,
        number,
        width: up_w * scale,
        height: up_h * scale,
        lines: out,
    }
}

/// The lines of an hOCR page, with the image's size in pixels.
fn parse_lines(hocr: &str) -> (Vec<RawLine>, (f64, f64)) {
    let mut lines: Vec<RawLine> = Vec::new();
    let mut size = (0.0, 0.0);
    if let Some(at) = hocr.find("class='ocr_page'") {
        let page = properties(attribute(&hocr[at..], "title").unwrap_or_default());
        if let Some([_, _, w, h]) = page.bbox {
            size = (w, h);
        }
    }
    let mut rest = hocr;
    while let Some(at) = rest.find("<span class='") {
        rest = &rest[at + "<span class='".len()..];
        let Some(class_end) = rest.find('\'') else {
            break;
        };
        let class = &rest[..class_end];
        let Some(tag_end) = rest.find('>') else { break };
        let props = properties(attribute(&rest[..tag_end], "title").unwrap_or_default());
        match class {
            "ocr_line" | "ocr_header" | "ocr_caption" | "ocr_textfloat" => {
                lines.push(RawLine {
                    bbox: props.bbox.unwrap_or_default(),
                    angle: props.angle,
                    baseline: props.baseline,
                    x_size: props.x_size,
                    descenders: props.descenders,
                    ascenders: props.ascenders,
                    words: Vec::new(),
                });
            }
            "ocrx_word" => {
                let content = &rest[tag_end + 1..];
                let end = content.find("</span>").unwrap_or(content.len());
                let text = unescape(&strip_tags(&content[..end]));
                if let (Some(line), Some(bbox)) = (lines.last_mut(), props.bbox) {
                    line.words.push(RawWord {
                        bbox,
                        conf: props.conf,
                        text: text.trim().to_string(),
                        chars: Vec::new(),
                    });
                }
            }
            "ocrx_cinfo" => {
                let content = &rest[tag_end + 1..];
                let end = content.find("</span>").unwrap_or(content.len());
                let text = unescape(&strip_tags(&content[..end]));
                let word = lines.last_mut().and_then(|l| l.words.last_mut());
                if let (Some(word), Some(bbox)) = (word, props.char_box) {
                    word.chars.push((bbox, text));
                }
            }
            _ => {}
        }
    }
    (lines, size)
}

#[derive(Debug, Default)]
struct Properties {
    bbox: Option<[f64; 4]>,
    char_box: Option<[f64; 4]>,
    baseline: Option<(f64, f64)>,
    angle: u16,
    x_size: f64,
    descenders: f64,
    ascenders: f64,
    conf: f64,
}

/// The value of `name='...'` or `name="..."` in a tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let quote = tag[at..].chars().next()?;
    let value = &tag[at + 1..];
    Some(&value[..value.find(quote)?])
}

/// "bbox 1 2 3 4; baseline 0.01 -5; x_size 40; x_wconf 96".
fn properties(title: &str) -> Properties {
    let mut p = Properties::default();
    for part in title.split(';') {
        let mut fields = part.split_whitespace();
        let key = fields.next().unwrap_or_default();
        let numbers: Vec<f64> = fields.filter_map(|f| f.parse().ok()).collect();
        match (key, numbers.as_slice()) {
            ("bbox", &[a, b, c, d]) => p.bbox = Some([a, b, c, d]),
            ("x_bboxes", &[a, b, c, d]) => p.char_box = Some([a, b, c, d]),
            ("baseline", &[slope, offset]) => p.baseline = Some((slope, offset)),
            ("textangle", &[a]) => p.angle = (a.rem_euclid(360.0) / 90.0).round() as u16 % 4 * 90,
            ("x_size", &[v]) => p.x_size = v,
            ("x_descenders", &[v]) => p.descenders = v,
            ("x_ascenders", &[v]) => p.ascenders = v,
            ("x_wconf", &[v]) => p.conf = v,
            _ => {}
        }
    }
    p
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<div class='ocr_page' id='page_1' title='image "p.pgm"; bbox 0 0 2480 3508; ppageno 0; scan_res 300 300'>
   <div class='ocr_carea' id='block_1_1' title="bbox 300 600 2100 700">
    <p class='ocr_par' id='par_1_1' lang='fra' title="bbox 300 600 2100 700">
     <span class='ocr_line' id='line_1_1' title="bbox 300 600 2100 660; baseline 0.01 -12; x_size 46; x_descenders 11; x_ascenders 11">
      <span class='ocrx_word' id='word_1_1' title='bbox 300 600 400 648; x_wconf 96'>L&#39;État</span>
      <span class='ocrx_word' id='word_1_2' title='bbox 420 610 520 650; x_wconf 91'>&amp;</span>
      <span class='ocrx_word' id='word_1_3' title='bbox 540 640 546 646; x_wconf 12'>.</span>
      <span class='ocrx_word' id='word_1_4' title='bbox 1900 620 2100 668; x_wconf 88'>signé</span>
     </span>
    </p>
   </div>
  </div>"#;

    #[test]
    fn words_lines_and_sizes_are_read_from_hocr() {
        let page = parse_page(PAGE, 0, 1, 72.0 / 300.0);
        assert!((page.width - 595.2).abs() < 0.1, "{}", page.width);
        assert_eq!(page.lines.len(), 1);
        let line = &page.lines[0];
        let texts: Vec<&str> = line.words.iter().map(|w| w.text.as_str()).collect();
        // The speck of dust read as "." with confidence 12 is dropped.
        assert_eq!(texts, ["L'État", "&", "signé"]);
        // x-height 46 - 11 - 11 = 24 px at 300 dpi: 5.76 pt, an 11.5 pt font.
        assert!((line.size - 11.52).abs() < 0.01, "{}", line.size);
        // The skew is turned away: the baseline is one height.
        assert!((line.baseline - (660.0 - 12.0 + 0.01 * 900.0) * 0.24).abs() < 3.0);
    }

    #[test]
    fn a_page_read_sideways_is_turned_upright() {
        // The same line on a page turned a quarter (text going up).
        let turned = r#"<div class='ocr_page' id='page_1' title='image "p.pgm"; bbox 0 0 3508 2480'>
     <span class='ocr_line' id='line_1_1' title="bbox 600 380 660 2180; textangle 90; x_size 46; x_descenders 11; x_ascenders 11">
      <span class='ocrx_word' id='word_1_1' title='bbox 600 2080 648 2180; x_wconf 96'>Le</span>
      <span class='ocrx_word' id='word_1_2' title='bbox 600 380 648 2060; x_wconf 96'>contrat</span>
     </span></div>"#;
        let page = parse_page(turned, 0, 1, 1.0);
        assert_eq!((page.width, page.height), (2480.0, 3508.0));
        let words = &page.lines[0].words;
        assert_eq!(words[0].text, "Le");
        assert_eq!((words[0].x0, words[0].x1), (300.0, 400.0));
        assert!(words[1].x0 > words[0].x1);
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            unescape("a &amp; b &lt;&#233;&#x2019;&quot; &zz"),
            "a & b <é’\" &zz"
        );
        assert_eq!(strip_tags("<strong>gras</strong>"), "gras");
    }
}
