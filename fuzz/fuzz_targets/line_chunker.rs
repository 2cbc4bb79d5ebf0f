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
    let bom = data.starts_with(b"\xef\xbb\xbf");
    // A byte-order mark is dropped before the first line; with a limit under
    // 3 bytes it may instead be counted in a first line that is skipped.
    let mut at = 0usize;
    for (i, part) in chunks_for_fuzzing(data, chunk, max_line).into_iter().enumerate() {
        if i == 0 && bom {
            at = match &part {
                Err(n) if usize::try_from(*n).ok().and_then(|n| data.get(n - 1)) == Some(&b'\n')
                    || usize::try_from(*n).ok() == Some(data.len()) => 0,
                _ => 3,
            };
        }
        match part {
            Ok(lines) => {
                assert!(!lines.is_empty());
                assert_eq!(data.get(at..at + lines.len()), Some(&lines[..]));
                at += lines.len();
                assert!(lines.ends_with(b"\n") || at == data.len());
            }
            Err(skipped) => {
                let n = usize::try_from(skipped).expect("fits");
                assert!(n > max_line, "skipped {n} <= {max_line}");
                let line = data.get(at..at + n).expect("within the input");
                assert!(!line[..n - 1].contains(&b'\n'), "one line");
                at += n;
            }
        }
    }
    if bom && at == 0 {
        at = 3; // the input was the mark alone
    }
    assert_eq!(at, data.len());
});
