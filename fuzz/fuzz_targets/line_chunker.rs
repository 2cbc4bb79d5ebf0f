//! The report engine's line chunker from any bytes and any chunk size and
//! line limit: the chunks put back together give the input (a leading
//! byte-order mark dropped), each chunk ends at a line feed (or the end),
//! and a skipped line is one line longer than the limit.
#![no_main]
use kampung_core::report::engine::chunks_for_fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u16, u16, &[u8])| {
    let (chunk, max_line, data) = input;
    let (chunk, max_line) = (
        usize::from(chunk % 512) + 1,
        usize::from(max_line % 512) + 1,
    );
    let text = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let mut at = 0usize;
    for part in chunks_for_fuzzing(data, chunk, max_line) {
        match part {
            Ok(lines) => {
                assert!(!lines.is_empty());
                assert_eq!(text.get(at..at + lines.len()), Some(&lines[..]));
                at += lines.len();
                assert!(lines.ends_with(b"\n") || at == text.len());
            }
            Err(skipped) => {
                let n = usize::try_from(skipped).expect("fits");
                assert!(n > max_line, "skipped {n} <= {max_line}");
                let line = text.get(at..at + n).expect("within the input");
                assert!(!line[..n - 1].contains(&b'\n'), "one line");
                at += n;
            }
        }
    }
    assert_eq!(at, text.len());
});
