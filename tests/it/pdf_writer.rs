//! A minimal PDF writer for generated test files: numbered objects, then a
//! correct xref and trailer; pages of Helvetica text.

/// A minimal PDF writer: numbered objects, then a correct xref and trailer.
#[derive(Default)]
pub(crate) struct Pdf {
    objects: Vec<Vec<u8>>,
    /// The document information dictionary (/Title...), when set.
    pub(crate) info: Option<usize>,
}

impl Pdf {
    /// Adds an object; returns its number.
    pub(crate) fn add(&mut self, body: impl AsRef<[u8]>) -> usize {
        self.objects.push(body.as_ref().to_vec());
        self.objects.len()
    }

    pub(crate) fn add_stream(&mut self, dict: &str, data: &[u8]) -> usize {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.add(body)
    }

    /// Reserves a number, to refer to an object before writing it.
    pub(crate) fn reserve(&mut self) -> usize {
        self.add(b"null")
    }

    pub(crate) fn set(&mut self, n: usize, body: impl AsRef<[u8]>) {
        self.objects[n - 1] = body.as_ref().to_vec();
    }

    pub(crate) fn finish(&self, root: usize) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f\r\n", self.objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R{} >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1,
                self.info
                    .map(|i| format!(" /Info {i} 0 R"))
                    .unwrap_or_default()
            )
            .as_bytes(),
        );
        out
    }
}

pub(crate) fn text_content(text: &str) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 700 Td ({text}) Tj ET").into_bytes()
}

/// A document of `pages` pages, each with a sentence, except those for which
/// `special` gives the page's own entries (`/Contents ... /Resources ...`).
pub(crate) fn document(
    pages: usize,
    special: &dyn Fn(&mut Pdf, usize) -> Option<String>,
) -> Vec<u8> {
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let tree = pdf.reserve();
    let font = pdf
        .add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let mut kids = Vec::new();
    for i in 0..pages {
        let entries = match special(&mut pdf, i) {
            Some(entries) => entries,
            None => {
                let sentence = format!("Page {i} : le conseil citoyen s'est reuni.");
                let content = pdf.add_stream("", &text_content(&sentence));
                format!("/Contents {content} 0 R /Resources << /Font << /F1 {font} 0 R >> >>")
            }
        };
        kids.push(pdf.add(format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] {entries} >>"
        )));
    }
    let kids_list: Vec<String> = kids.iter().map(|k| format!("{k} 0 R")).collect();
    pdf.set(
        tree,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids_list.join(" "),
            kids.len()
        ),
    );
    pdf.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    pdf.finish(catalog)
}

/// A readable document of `pages` pages, one sentence each.
pub(crate) fn simple(pages: usize) -> Vec<u8> {
    document(pages, &|_, _| None)
}
