//! report.html in a real browser: `evalmine run` on the sample corpus (the
//! README's main command: the modalité comes from the reports' text),
//! `evalmine report`, then headless Chromium renders the page to a PNG and the test
//! checks from the pixels that every chart is drawn.
//!
//! How: every bar of every chart is a `<rect class="bar">` of a known size
//! and fill in the page's SVG. The test lists them per chart from
//! report.html, finds in the screenshot the solid areas of each fill colour
//! (connected pixels of exactly that colour, their bounding box), and
//! requires for every bar an area of its colour and size (±2 px; the count
//! written on a bar only makes holes in it). A chart that is missing, has no
//! bar, or that the browser does not draw (broken SVG, hidden, cut off) has
//! bars without their area, and the test names it. `the_check_fails_on_a_blank_image`
//! shows the checker failing.
//!
//! Without Chromium (Debian's `chromium`; `.ci/run` installs it) the test
//! prints "SKIPPED: chromium not found" and passes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::evalmine;
use crate::repo_root;

/// The browser window: wide enough for the page's 70em without scaling
/// the SVG, tall enough for the whole page of the sample corpus.
const WINDOW: (u32, u32) = (1280, 16000);
/// Size tolerance of a bar's area, in pixels (edges snapped by the browser).
const TOLERANCE: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bar {
    fill: [u8; 3],
    width: u32,
    height: u32,
}

#[derive(Debug)]
struct ChartSpec {
    kind: String,
    title: String,
    bars: Vec<Bar>,
}

fn hex(rgb: &str) -> [u8; 3] {
    let c = |i: usize| u8::from_str_radix(&rgb[i..i + 2], 16).unwrap();
    [c(0), c(2), c(4)]
}

/// The charts of a page and their bars, from its SVG.
fn charts_of(html: &str) -> Vec<ChartSpec> {
    let chart = regex::Regex::new(
        r#"(?s)<svg [^>]*class="chart (\w+)"[^>]*aria-label="([^"]*)"[^>]*>(.*?)</svg>"#,
    )
    .unwrap();
    let bar = regex::Regex::new(
        r##"<rect class="bar" x="\d+" y="\d+" width="(\d+)" height="(\d+)" fill="#([0-9a-f]{6})""##,
    )
    .unwrap();
    chart
        .captures_iter(html)
        .map(|c| ChartSpec {
            kind: c[1].to_string(),
            title: c[2].to_string(),
            bars: bar
                .captures_iter(&c[3])
                .map(|b| Bar {
                    fill: hex(&b[3]),
                    width: b[1].parse().unwrap(),
                    height: b[2].parse().unwrap(),
                })
                .collect(),
        })
        .collect()
}

/// An RGB image.
struct Image {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Image {
    fn blank(width: usize, height: usize) -> Image {
        Image {
            width,
            height,
            pixels: vec![[255; 3]; width * height],
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, rgb: [u8; 3]) {
        for row in y..y + h {
            for col in x..x + w {
                self.pixels[row * self.width + col] = rgb;
            }
        }
    }

    fn read_png(path: &Path) -> Image {
        let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
        let mut decoder = png::Decoder::new(file);
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        let pixels = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|p| match channels {
                1 | 2 => [p[0]; 3],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        Image {
            width: info.width as usize,
            height: info.height as usize,
            pixels,
        }
    }
}

/// A solid area: connected pixels (4-neighbours) of one colour.
#[derive(Debug, Clone, Copy)]
struct Area {
    width: u32,
    height: u32,
    pixels: u32,
}

/// The solid areas of each of these colours.
fn areas(image: &Image, colours: &[[u8; 3]]) -> HashMap<[u8; 3], Vec<Area>> {
    let mut found: HashMap<[u8; 3], Vec<Area>> = HashMap::new();
    let mut seen = vec![false; image.pixels.len()];
    for start in 0..image.pixels.len() {
        let colour = image.pixels[start];
        if seen[start] || !colours.contains(&colour) {
            continue;
        }
        let (mut x0, mut y0, mut x1, mut y1, mut n) = (usize::MAX, usize::MAX, 0, 0, 0u32);
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % image.width, i / image.width);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            n += 1;
            let mut next = |j: usize| {
                if !seen[j] && image.pixels[j] == colour {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                next(i - 1);
            }
            if x + 1 < image.width {
                next(i + 1);
            }
            if y > 0 {
                next(i - image.width);
            }
            if y + 1 < image.height {
                next(i + image.width);
            }
        }
        found.entry(colour).or_default().push(Area {
            width: (x1 - x0 + 1) as u32,
            height: (y1 - y0 + 1) as u32,
            pixels: n,
        });
    }
    found
}

/// The checker: what is not drawn, one line per chart with bars missing
/// from the image, or with no bar at all. Empty when every bar of every
/// chart has its area in the image.
fn undrawn(charts: &[ChartSpec], image: &Image) -> Vec<String> {
    let colours: Vec<[u8; 3]> = charts
        .iter()
        .flat_map(|c| c.bars.iter().map(|b| b.fill))
        .collect();
    let mut areas = areas(image, &colours);
    let mut problems = Vec::new();
    for chart in charts {
        if chart.bars.is_empty() {
            problems.push(format!("{} « {} »: no bar", chart.kind, chart.title));
            continue;
        }
        let mut missing = Vec::new();
        for bar in &chart.bars {
            let candidates = areas.entry(bar.fill).or_default();
            let matching = candidates.iter().position(|a| {
                a.width.abs_diff(bar.width) <= TOLERANCE
                    && a.height.abs_diff(bar.height) <= TOLERANCE
                    && a.pixels * 2 >= bar.width * bar.height
            });
            match matching {
                Some(k) => {
                    candidates.swap_remove(k);
                }
                None => missing.push(*bar),
            }
        }
        if !missing.is_empty() {
            problems.push(format!(
                "{} « {} »: {} of {} bars not drawn: {missing:?}",
                chart.kind,
                chart.title,
                missing.len(),
                chart.bars.len()
            ));
        }
    }
    problems
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium's screenshot of a local page, with the flags this machine's
/// closed network needs (no background connections).
fn screenshot(browser: &Path, page: &Path, png: &Path, profile: &Path) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).ok();
            assert!(
                status.success() && png.is_file(),
                "chromium failed ({status}): {stderr}"
            );
            return;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium took over 120 s to render {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn every_chart_of_the_report_is_drawn_in_chromium() {
    let Some(browser) = chromium() else {
        println!("SKIPPED: chromium not found (apt-get install chromium; .ci/run installs it): report.html was not rendered");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo_root().join("corpus");
    let out = dir.path().join("out");
    let run = evalmine(
        &[
            "run",
            corpus.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        dir.path(),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = evalmine(&["report", "--out", out.to_str().unwrap()], dir.path());
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("src=")
            && !html.contains("href=")
            && !html.contains("<script")
            && !html.contains("url("),
        "report.html loads nothing from outside"
    );

    // The page's charts: per theme its levels and verdicts, the recurring
    // findings and action types where there are some, and the modalité.
    let charts = charts_of(&html);
    let count = |kind: &str| charts.iter().filter(|c| c.kind == kind).count();
    let themes = html.matches("<section>").count();
    assert_eq!(themes, 5, "five themes in the codebook");
    assert_eq!(count("levels"), themes);
    assert_eq!(count("verdicts"), themes);
    assert!(
        count("codes") >= 4,
        "recurring findings in 4 themes of the sample"
    );
    assert_eq!(
        count("actions"),
        themes,
        "action types in every theme of the sample"
    );
    assert_eq!(count("modalite"), 1);

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_browser.png");
    screenshot(&browser, &page, &shot, &dir.path().join("profile"));
    let image = Image::read_png(&shot);
    assert_eq!(
        (image.width, image.height),
        (WINDOW.0 as usize, WINDOW.1 as usize)
    );
    // The whole page fits in the window: its last rows are blank.
    let tail = &image.pixels[(image.height - 50) * image.width..];
    assert!(
        tail.iter().all(|&p| p == [255; 3]),
        "the page is longer than the {}-pixel window: raise WINDOW ({})",
        WINDOW.1,
        shot.display()
    );
    let problems = undrawn(&charts, &image);
    assert!(
        problems.is_empty(),
        "charts not drawn in {}:\n{}",
        shot.display(),
        problems.join("\n")
    );
    let bars: usize = charts.iter().map(|c| c.bars.len()).sum();
    println!(
        "report_browser: {} charts, {bars} bars, all drawn in Chromium's screenshot ({})",
        charts.len(),
        shot.display()
    );
}

/// A chart of two bars, as report.html writes it.
const TWO_BARS: &str = r##"<figure><svg xmlns="http://www.w3.org/2000/svg" class="chart levels" width="400" height="60" role="img" aria-label="Emploi : niveau de traitement"><title>x</title><g><rect class="bar" x="70" y="4" width="90" height="18" fill="#1b5e20"></rect><text>3</text></g><g><rect class="bar" x="70" y="28" width="30" height="18" fill="#43a047"></rect></g></svg></figure>"##;

#[test]
fn the_check_fails_on_a_blank_image() {
    let charts = charts_of(TWO_BARS);
    assert_eq!(charts.len(), 1);
    assert_eq!(charts[0].bars.len(), 2);
    let problems = undrawn(&charts, &Image::blank(400, 100));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("2 of 2 bars not drawn"),
        "{problems:?}"
    );
}

#[test]
fn the_check_passes_when_every_bar_is_drawn_and_names_the_missing_one() {
    let charts = charts_of(TWO_BARS);
    let mut image = Image::blank(400, 100);
    image.fill(80, 10, 90, 18, [0x1b, 0x5e, 0x20]);
    // The count written on the bar makes a hole, not another bar.
    image.fill(150, 14, 6, 9, [255; 3]);
    assert!(
        !undrawn(&charts, &image).is_empty(),
        "the second bar is missing"
    );
    image.fill(80, 40, 31, 19, [0x43, 0xa0, 0x47]);
    assert_eq!(undrawn(&charts, &image), Vec::<String>::new());
    // A bar of the right colour but the wrong size is not the bar.
    let mut wrong = Image::blank(400, 100);
    wrong.fill(80, 10, 90, 18, [0x1b, 0x5e, 0x20]);
    wrong.fill(80, 40, 60, 18, [0x43, 0xa0, 0x47]);
    assert_eq!(undrawn(&charts, &wrong).len(), 1);
    // A chart without bars is reported as such.
    let empty = charts_of(&TWO_BARS.replace("class=\"bar\"", "class=\"track\""));
    assert!(undrawn(&empty, &image)[0].contains("no bar"));
}
