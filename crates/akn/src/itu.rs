//! Repairs for the third-party ITU PP-18 Final Acts conversion.

use plenary_text::{Footnote, Instrument};

pub(crate) fn repair(
    _inst: &mut Instrument,
    _footnotes: &mut Vec<Footnote>,
    _warnings: &mut Vec<String>,
) {
}
