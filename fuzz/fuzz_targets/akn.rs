//! The Akoma Ntoso reader never panics on any input (malformed XML, XML that is not
//! Akoma Ntoso, hostile nesting), and whatever it accepts exports to XML that it reads
//! back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(docs) = plenary_akn::read_collection(data) {
        let xml = plenary_akn::write_collection(&docs);
        let again = plenary_akn::read_collection(xml.as_bytes()).expect("the export reads back");
        assert_eq!(again.len(), docs.len());
    }
});
