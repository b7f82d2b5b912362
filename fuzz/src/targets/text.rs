//! `text`: a diagnostic's words never show what was marked sensitive.
//!
//! Why: every output path (terminal, JSON, SARIF, GitHub annotations, baselines) prints a
//! [`Text`] through `Display` or `Serialize`; the only protection a value quoted in a
//! message has is the marking made with [`sensitive`]. The input supplies the surrounding
//! words (with stray marker characters, backticks and anything else); the harness plants a
//! generated marker inside sensitive parts, reference names built from values, and keys
//! that are credentials, then looks for it in every rendering.

use envlint_core::text::{reference_name, sensitive, shown_name_len};
use envlint_core::Text;

use super::show;
use crate::plant;
use crate::rng::Rng;

pub(crate) fn run(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    let words = String::from_utf8_lossy(data);
    let chars: Vec<char> = words.chars().collect();
    let piece = |rng: &mut Rng| -> String {
        let start = rng.below(chars.len() + 1);
        let len = rng.small_size(64.min(chars.len() - start));
        chars[start..start + len].iter().collect()
    };
    let marker = plant::marker(&mut rng);
    let secret = plant::credential(&mut rng);
    // A message: input words, sensitive parts holding the marker among input words.
    let mut raw = String::new();
    let mut hidden = Vec::new();
    // Backtick pairing runs left to right over the plain words: a credential in backticks
    // is promised masked when the words before it hold no backtick or marker character of
    // their own (which would pair differently).
    let mut clean = true;
    let plain = |raw: &mut String, clean: &mut bool, p: String| {
        *clean &= !p.contains(['`', '\u{E000}', '\u{E001}']);
        raw.push_str(&p);
    };
    for _ in 0..rng.range(1, 4) {
        plain(&mut raw, &mut clean, piece(&mut rng));
        let part = format!("{}{marker}{}", piece(&mut rng), piece(&mut rng));
        match rng.below(4) {
            0 => {
                // A reference name taken from a value: whatever follows the shown head of
                // the name is masked.
                let name = format!("{}{}", piece(&mut rng), part);
                let shown = shown_name_len(&name);
                if name[shown..].contains(&marker) {
                    hidden.push(marker.clone());
                }
                raw.push_str(&reference_name(&name));
            }
            1 if clean => {
                // A credential quoted in backticks without being marked.
                raw.push('`');
                raw.push_str(&secret);
                raw.push('`');
                hidden.push(secret.clone());
            }
            _ => {
                raw.push_str(&sensitive(&part));
                hidden.push(marker.clone());
            }
        }
        plain(&mut raw, &mut clean, piece(&mut rng));
    }
    let mut text = Text::new(raw.clone());
    check_hidden(&text, &hidden, data);
    let revealed = text.revealed().into_owned();
    for h in &hidden {
        assert!(
            revealed.contains(h.as_str()),
            "revealed() loses a sensitive part"
        );
    }
    text.reveal();
    assert_eq!(
        text.to_string(),
        revealed,
        "a revealed Text shows revealed()"
    );
    // A key that is a credential is masked as a whole.
    let key = Text::key(&secret);
    check_hidden(&key, std::slice::from_ref(&secret), data);
    assert_eq!(key.revealed(), secret.as_str());
}

fn check_hidden(text: &Text, hidden: &[String], data: &[u8]) {
    let renderings = [
        text.to_string(),
        format!("{text:?}"),
        serde_json::to_string(text).unwrap_or_default(),
        text.shown().into_owned(),
        text.masked().into_owned(),
    ];
    for r in &renderings {
        for h in hidden {
            assert!(
                !r.contains(h.as_str()),
                "a sensitive part shows in {r:?} (input {})",
                show(data)
            );
        }
    }
}
