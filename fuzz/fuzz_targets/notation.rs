//! The notation parser never panics, and whatever it accepts prints back to text
//! that parses to the same instrument.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(insts) = plenary_text::parse_collection(src) {
        for inst in insts {
            let printed = plenary_text::print(&inst);
            let again = plenary_text::parse(&printed).expect("printed text parses");
            assert_eq!(again, inst, "parse(print(x)) == x");
            // The diff of a text with itself is empty, and merging it as its own
            // proposal changes nothing.
            let d = plenary_text::diff(&inst, &inst);
            assert!(d.is_unchanged());
        }
    }
});
