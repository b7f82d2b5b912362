//! The line table is most of a large document's memory (and of the page faults that
//! dominate a big file's check): a size regression here shows up in issue 2's benchmark.

#[test]
fn a_line_stays_small() {
    let size = size_of::<envlint_dotenv::Line>();
    assert!(size <= 40, "Line grew to {size} bytes");
}
