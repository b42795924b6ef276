//! Text primitives shared by the extraction and segmentation stages (a leaf
//! module: it imports nothing of the crate): character cleaning, and the
//! marks that open list items and numbered headings.

mod clean;
mod marks;

pub use clean::{clean_text, is_bidi_control};
pub(crate) use clean::{collapse_spaces, strip_soft_hyphens};
pub(crate) use marks::{
    ends_sentence, is_bullet_only, starts_item, starts_with_bullet, strip_bullet, LONE_NUMBER,
    MULTI_LEVEL_NUMBER, NUMBERED_HEADING,
};
