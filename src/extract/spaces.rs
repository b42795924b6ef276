//! Space glyphs drawn inside the letter before them.
//!
//! Some producers place a space glyph over a letter of a word ("LIR E" for
//! "LIRE", "fi le" for "file", "détaillé e"), the next letter set flush
//! against the previous one, where the eye and pdftotext see one word. The
//! page's drawing order says what the space is: the letters on both sides
//! were drawn one after the other, so the space is either drawn after the
//! next letter (its word's trailing space, placed too early) or comes from
//! another part of the page.

use super::glyphs::Glyph;

/// A space glyph starting this far (in font sizes) inside the glyph before
/// it, and followed by a glyph within `FLUSH` of that one's edge, is not a
/// word space there.
const DEPTH: f64 = 0.1;
const FLUSH: f64 = 0.05;

/// Below this share of neighbouring glyphs drawn one after the other, a
/// line is text laid over other text (its two texts interleave once sorted
/// by position), whose spaces are left as they are.
const IN_ORDER_SHARE: f64 = 0.9;

/// What a space glyph drawn inside the previous letter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HiddenSpace {
    /// Nothing between these two letters.
    Dropped,
    /// The space after the next glyph, drawn after it.
    AfterNext,
    /// The space before the previous glyph, drawn before it.
    BeforePrevious,
}

/// Whether `space`, sorted between `previous` (whose drawn glyphs end at
/// `previous_right`) and `next` on a line of `visible` glyphs, separates
/// nothing (`None`: it is a word space). Only between letters drawn one
/// after the other and on show: beside a bracket or a sign ("(E)", "± 5")
/// a producer may set a space over a narrow glyph on purpose, and an OCR
/// text layer places its glyphs by sharing out each word's box, so its
/// spaces can fall anywhere.
#[inline]
pub(super) fn hidden_space(
    space: &Glyph,
    (previous, previous_right): (&Glyph, f64),
    next: &Glyph,
    visible: &[&Glyph],
) -> Option<HiddenSpace> {
    // Asked of every word space: the position first, which nearly all of
    // them fail.
    let size = next.size;
    if space.x >= previous_right - DEPTH * size || next.x - previous_right >= FLUSH * size {
        return None;
    }
    // Drawn between the two letters, it is a word space of the content
    // stream: only when placed wholly inside the previous letter is it not
    // one on the page. Drawn elsewhere, it separates nothing here.
    let drawn_between = space.sequence == previous.sequence;
    let inside = !drawn_between || space.right() <= previous_right + FLUSH * size;
    let letters = previous
        .text()
        .chars()
        .last()
        .is_some_and(char::is_alphabetic)
        && next.text().chars().next().is_some_and(char::is_alphabetic);
    let shown = !(space.invisible || previous.invisible || next.invisible);
    let hidden = inside
        && letters
        && shown
        && drawn_in_order_around(previous, next, visible)
        && drawn_in_reading_order(visible);
    if !hidden {
        return None;
    }
    Some(if space.sequence == next.sequence {
        HiddenSpace::AfterNext
    } else if space.drawn_just_before(previous) {
        HiddenSpace::BeforePrevious
    } else {
        HiddenSpace::Dropped
    })
}

/// Glyphs on either side of the two letters that must be drawn in order too.
const AROUND: usize = 3;

/// Whether `previous` and `next` are neighbours on the line drawn one after
/// the other, and so are the `AROUND` glyphs on either side of them: a
/// stray glyph of another text (a dot, a letter) drawn over a word breaks
/// the run.
fn drawn_in_order_around(previous: &Glyph, next: &Glyph, visible: &[&Glyph]) -> bool {
    let Some(k) = visible.iter().position(|g| std::ptr::eq(*g, previous)) else {
        return false;
    };
    let run = &visible[k.saturating_sub(AROUND)..visible.len().min(k + 2 + AROUND)];
    visible.get(k + 1).is_some_and(|g| std::ptr::eq(*g, next))
        && run
            .windows(2)
            .all(|pair| pair[0].drawn_just_before(pair[1]))
}

/// Whether nearly every glyph of a line (sorted by position) was drawn
/// right after the one before it.
fn drawn_in_reading_order(visible: &[&Glyph]) -> bool {
    let pairs = visible.len().saturating_sub(1);
    let in_order = visible
        .windows(2)
        .filter(|pair| pair[0].drawn_just_before(pair[1]))
        .count();
    in_order as f64 >= IN_ORDER_SHARE * pairs as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyph of size 10 drawn `sequence`-th on its page.
    fn drawn(x: f64, advance: f64, text: &str, sequence: u32) -> Glyph {
        let mut g = Glyph::new(x, 100.0, 10.0, advance, text, false, 0);
        g.sequence = sequence;
        g
    }

    #[test]
    fn the_drawing_order_says_what_a_space_inside_a_letter_is() {
        let (r, e) = (drawn(10.0, 7.0, "R", 1), drawn(17.0, 6.0, "E", 2));
        let visible = [&r, &e];
        // Drawn between them (it follows R), over the R.
        let between = drawn(13.0, 3.0, " ", 1);
        assert_eq!(
            hidden_space(&between, (&r, r.right()), &e, &visible),
            Some(HiddenSpace::Dropped)
        );
        // Drawn after the E: the E's trailing space.
        let after = drawn(13.0, 3.0, " ", 2);
        assert_eq!(
            hidden_space(&after, (&r, r.right()), &e, &visible),
            Some(HiddenSpace::AfterNext)
        );
        // At the R's edge: a word space.
        let at_edge = drawn(17.0, 3.0, " ", 1);
        assert_eq!(hidden_space(&at_edge, (&r, r.right()), &e, &visible), None);
    }

    #[test]
    fn a_space_inside_a_letter_of_text_laid_over_text_is_left_alone() {
        // "R" and "E" drawn apart: another text's glyphs came in between.
        let (r, e) = (drawn(10.0, 7.0, "R", 1), drawn(17.0, 6.0, "E", 5));
        let space = drawn(13.0, 3.0, " ", 1);
        assert_eq!(hidden_space(&space, (&r, r.right()), &e, &[&r, &e]), None);
    }
}
