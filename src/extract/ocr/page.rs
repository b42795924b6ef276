//! One scanned page to words: its picture (the page's one embedded image
//! when it is fine enough, else a rendering by pdftoppm), then Tesseract's
//! hOCR of it, each program within the page's deadline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::hocr::{self, OcrPage};
use super::run::{run, Ran};
use super::{Candidate, INSTALL_HINT};
use crate::extract::config::OcrConfig;

/// "tesseract 5.3.0", or why Tesseract cannot be used.
pub(super) fn engine_version(ocr: &OcrConfig) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(ocr.page_timeout_s);
    let mut command = Command::new(&ocr.tesseract);
    command.arg("--version");
    match run(&mut command, deadline) {
        Ok(Ran {
            status,
            stdout,
            stderr,
        }) if status.success() => {
            // Older versions print it on stderr.
            let text = if stdout.trim().is_empty() {
                stderr
            } else {
                stdout
            };
            Ok(text
                .lines()
                .next()
                .unwrap_or("tesseract")
                .trim()
                .to_string())
        }
        Ok(Ran { stderr, .. }) => Err(format!(
            "OCR not run: {} --version failed ({}); {INSTALL_HINT}",
            ocr.tesseract,
            last_line(&stderr)
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "OCR not run: Tesseract not found (extract.ocr.tesseract = {:?}); {INSTALL_HINT}",
            ocr.tesseract
        )),
        Err(e) => Err(format!("OCR not run: cannot start {}: {e}", ocr.tesseract)),
    }
}

/// One image drawn on a page, as `pdfimages -list` describes it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Image {
    pub page: u32,
    width: u32,
    height: u32,
    color: String,
    bits: u32,
    x_ppi: f64,
    y_ppi: f64,
}

impl Image {
    /// Area drawn on the page, in square points.
    pub(super) fn area(&self) -> f64 {
        if self.x_ppi <= 0.0 || self.y_ppi <= 0.0 {
            return 0.0;
        }
        (self.width as f64 / self.x_ppi * 72.0) * (self.height as f64 / self.y_ppi * 72.0)
    }
}

/// The images of every page (poppler's pdfimages).
pub(super) fn list_images(pdf: &Path, dir: &Path, budget: Duration) -> Result<Vec<Image>, String> {
    let mut command = Command::new("pdfimages");
    command.arg("-list").arg(pdf).current_dir(dir);
    match run(&mut command, Instant::now() + budget) {
        Ok(ran) => Ok(parse_image_list(&ran.stdout)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(
            "OCR not run: poppler's pdfimages and pdftoppm are needed (Debian/Ubuntu: apt-get install poppler-utils)"
                .into(),
        ),
        Err(e) => Err(format!("OCR not run: pdfimages: {e}")),
    }
}

/// Rows of `pdfimages -list`: page num type width height color comp bpc enc
/// interp object ID x-ppi y-ppi size ratio. Masks and stencils are not
/// pictures of the page.
fn parse_image_list(text: &str) -> Vec<Image> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 14 || f[2] != "image" {
                return None;
            }
            // "[inline]" takes one field where an object number and its
            // generation take two: count the resolutions from the end.
            let n = f.len();
            Some(Image {
                page: f[0].parse().ok()?,
                width: f[3].parse().ok()?,
                height: f[4].parse().ok()?,
                color: f[5].to_string(),
                bits: f[7].parse().ok()?,
                x_ppi: f[n - 4].parse().ok()?,
                y_ppi: f[n - 3].parse().ok()?,
            })
        })
        .collect()
}

pub(super) enum PageError {
    /// Tesseract cannot work at all (language data missing...).
    Engine(String),
    /// This page only.
    Page(String),
}

/// One page: its picture, then Tesseract's words in points, upright.
pub(super) fn read_page(
    pdf: &Path,
    dir: &Path,
    candidate: &Candidate,
    images: &[&Image],
    ocr: &OcrConfig,
    deadline: Instant,
) -> Result<OcrPage, PageError> {
    let n = candidate.number;
    let timed_out = || {
        PageError::Page(format!(
            "OCR stopped after extract.ocr.page_timeout_s = {} s",
            ocr.page_timeout_s
        ))
    };
    let (picture, ppi) = match embedded_image(candidate, images, ocr.dpi) {
        Some(ppi) => (extract_image(pdf, dir, n, deadline), ppi),
        None => (render_page(pdf, dir, n, ocr.dpi, deadline), ocr.dpi as f64),
    };
    let picture = match picture {
        Ok(path) => path,
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Err(timed_out()),
        Err(e) => return Err(PageError::Page(format!("cannot get the page's image: {e}"))),
    };
    let base = dir.join(format!("page{n}"));
    let mut command = Command::new(&ocr.tesseract);
    command
        .arg(&picture)
        .arg(&base)
        .args(["-l", &ocr.languages, "--psm", "1", "--dpi"])
        .arg(format!("{}", ppi.round() as u32))
        // Character boxes, to tell specks stuck to words.
        .args(["-c", "hocr_char_boxes=1", "hocr"])
        // Documents are read in parallel already: one thread each.
        .env("OMP_THREAD_LIMIT", "1");
    let ran = run(&mut command, deadline);
    let _ = std::fs::remove_file(&picture);
    let hocr_path = base.with_extension("hocr");
    let ran = match ran {
        Ok(ran) => ran,
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Err(timed_out()),
        Err(e) => {
            return Err(PageError::Engine(format!(
                "OCR not run: {}: {e}",
                ocr.tesseract
            )))
        }
    };
    let text = std::fs::read_to_string(&hocr_path).unwrap_or_default();
    let _ = std::fs::remove_file(&hocr_path);
    if !ran.status.success() || text.is_empty() {
        let why = last_line(&ran.stderr);
        if ran.stderr.contains("Failed loading language")
            || ran.stderr.contains("Error opening data file")
        {
            return Err(PageError::Engine(format!(
                "OCR not run: Tesseract has no data for {:?} ({why}); {INSTALL_HINT}",
                ocr.languages
            )));
        }
        return Err(PageError::Page(format!("Tesseract failed: {why}")));
    }
    Ok(hocr::parse_page(&text, candidate.index, n, 72.0 / ppi))
}

/// The resolution of the page's one image when OCR should read that image
/// rather than a rendering: it covers the page and is at least 3/4 of the
/// configured resolution (finer than twice it, rendering costs less).
fn embedded_image(candidate: &Candidate, images: &[&Image], dpi: u32) -> Option<f64> {
    let [image] = images else { return None };
    let page = candidate.width * candidate.height;
    let cover = image.area() / page;
    let ppi = image.x_ppi.min(image.y_ppi);
    let dpi = dpi as f64;
    let readable =
        matches!(image.color.as_str(), "gray" | "rgb" | "index") && matches!(image.bits, 1 | 8);
    let square = (image.x_ppi - image.y_ppi).abs() <= 0.02 * image.x_ppi;
    (readable && square && (0.9..=1.1).contains(&cover) && ppi >= 0.75 * dpi && ppi <= 2.0 * dpi)
        .then_some(ppi)
}

/// The page's image as poppler decodes it (PBM, PGM or PPM).
fn extract_image(pdf: &Path, dir: &Path, page: u32, deadline: Instant) -> std::io::Result<PathBuf> {
    let prefix = format!("img{page}");
    let mut command = Command::new("pdfimages");
    command
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(dir.join(&prefix))
        .current_dir(dir);
    let ran = run(&mut command, deadline)?;
    let first = format!("{prefix}-000.");
    let found = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .collect::<Vec<_>>();
    let picture = found
        .iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&first))
        })
        .cloned();
    for other in found.iter().filter(|p| Some(*p) != picture.as_ref()) {
        let _ = std::fs::remove_file(other);
    }
    picture.ok_or_else(|| {
        std::io::Error::other(format!(
            "pdfimages wrote no image: {}",
            last_line(&ran.stderr)
        ))
    })
}

/// The page rendered in grey at `dpi` (PGM).
fn render_page(
    pdf: &Path,
    dir: &Path,
    page: u32,
    dpi: u32,
    deadline: Instant,
) -> std::io::Result<PathBuf> {
    let stem = dir.join(format!("render{page}"));
    let mut command = Command::new("pdftoppm");
    command
        .args([
            "-gray",
            "-r",
            &dpi.to_string(),
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg("-singlefile")
        .arg(pdf)
        .arg(&stem)
        .current_dir(dir);
    let ran = run(&mut command, deadline)?;
    let path = stem.with_extension("pgm");
    if path.exists() {
        Ok(path)
    } else {
        Err(std::io::Error::other(format!(
            "pdftoppm rendered nothing: {}",
            last_line(&ran.stderr)
        )))
    }
}

fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim()
        .chars()
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_list_rows_are_read_with_inline_images() {
        let text = "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio\n\
            --------------------------------------------------------------------------------------------\n\
               1     0 image     827  1170  gray    1   8  jpeg   no        11  0   100   100 30.9K 3.3%\n\
               2     1 smask     827  1170  gray    1   8  image  no        12  0   100   100 30.9K 3.3%\n\
               3     2 image      64    64  gray    1   8  image  no  [inline]     72    72 1K 25%\n";
        let images = parse_image_list(text);
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].page, 1);
        assert_eq!((images[0].width, images[0].height), (827, 1170));
        assert_eq!(images[0].x_ppi, 100.0);
        assert_eq!(images[1].page, 3);
        assert_eq!(images[1].x_ppi, 72.0);
        // 827 x 1170 pixels at 100 ppi: an A4 page.
        assert!((images[0].area() - 595.44 * 842.4).abs() < 1.0);
    }

    #[test]
    fn one_fine_image_covering_the_page_is_read_as_it_is() {
        let a4 = Candidate {
            index: 0,
            number: 1,
            width: 595.0,
            height: 842.0,
        };
        let image = |ppi: f64| Image {
            page: 1,
            width: (595.0 / 72.0 * ppi) as u32,
            height: (842.0 / 72.0 * ppi) as u32,
            color: "gray".into(),
            bits: 8,
            x_ppi: ppi,
            y_ppi: ppi,
        };
        let (fine, coarse) = (image(300.0), image(100.0));
        assert_eq!(embedded_image(&a4, &[&fine], 300), Some(300.0));
        // A coarse scan is rendered finer: Tesseract reads 300 dpi better.
        assert_eq!(embedded_image(&a4, &[&coarse], 300), None);
        // Two images: rendered.
        assert_eq!(embedded_image(&a4, &[&fine, &fine], 300), None);
    }

    #[test]
    fn missing_tesseract_says_how_to_install_it() {
        let ocr = OcrConfig {
            tesseract: "/nonexistent/tesseract-for-evalmine".into(),
            ..OcrConfig::default()
        };
        let why = engine_version(&ocr).unwrap_err();
        assert!(why.contains("tesseract-ocr tesseract-ocr-fra"), "{why}");
    }
}
