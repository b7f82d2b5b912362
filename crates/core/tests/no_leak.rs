//! No value reaches a diagnostic's words: every rule, on lines that hide a secret in every
//! place an env file can hold one, produces messages, help, labels, fix descriptions and
//! keys that show none of it (unless revealed). Secrets are built at run time.

use envlint_core::{lint_env_file, Config, Settings};

fn all_rules() -> Settings {
    Settings::resolve(&Config::default(), &["ALL".to_owned()], &[]).unwrap()
}

/// Pieces of secrets, each long enough that finding one in output is a leak.
fn secrets() -> Vec<String> {
    vec![
        ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat(),
        ["sk", "_live_", "51Hx8dQ2mZ7vPq4LrT9wYb3K"].concat(),
        "w0rdQ9xZ".to_owned(),
        "q8Xv2LmZ9tPw".to_owned(),
    ]
}

fn lines() -> Vec<String> {
    let [tok, live, pw, other] = <[String; 4]>::try_from(secrets()).unwrap();
    vec![
        format!("DB_PASSWORD=Pa${pw}\n"),
        format!("DB_PASSWORD=Pa${pw}_x\n"),
        format!("DB_PASSWORD=\"Pa${pw}\"\n"),
        format!("URL=${{UNSET:-{other}}}\n"),
        format!("URL=${{UNSET:+{other}}}\n"),
        format!("PORT=3000 # was {live}\n"),
        format!("# old token: {tok}\n"),
        format!("AWS_SECRET_ACCESS_KEY {other}==\n"),
        format!("{tok}=1\n"),
        format!("{live}\n"),
        format!("lower_{tok}=1\n"),
        format!("A='{other}\\\\x'\n"),
        format!("A=\"{other}\\q\"\n"),
        format!("A=\"a\\{pw}\"\n"),
        format!("A={other} {pw}\n"),
        format!("A=`{other}`\n"),
        format!("A=\"{other}\"{pw}\n"),
        format!("A=x#{other}\n"),
        format!("A=#{other}\n"),
        format!("A=${pw}9\n"),
        format!("A=$9{pw}\n"),
        format!("A=${{{pw}\n"),
        format!("A = {other}\n"),
        format!("A=\"{other}\n"),
        format!("  {tok}\n"),
        format!("A=1\nA={other}\n"),
    ]
}

#[test]
fn no_rule_puts_a_value_into_its_words() {
    let settings = all_rules();
    let secrets = secrets();
    let mut checked = 0;
    for line in lines() {
        for src in [
            line.clone(),
            format!("\u{feff}{line}"),
            line.replace('\n', "\r\n"),
        ] {
            let report = lint_env_file(src.as_bytes().to_vec(), &settings);
            for d in &report.diagnostics {
                let mut words = vec![d.message.to_string()];
                words.extend(d.help.iter().map(ToString::to_string));
                words.extend(d.labels.iter().map(|l| l.message.to_string()));
                words.extend(d.related.iter().map(|r| r.message.to_string()));
                words.extend(d.fix.iter().map(|f| f.description.to_string()));
                words.extend(d.key.iter().map(ToString::to_string));
                words.push(serde_json::to_string(&d.message).unwrap());
                for w in &words {
                    checked += 1;
                    for s in &secrets {
                        assert!(
                            !w.contains(s.as_str()),
                            "{}: {w:?} shows part of {src:?}",
                            d.rule
                        );
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} texts checked");
}

#[test]
fn revealed_words_keep_everything() {
    // The same diagnostics, revealed, still say what they said: masking is only on output.
    let settings = all_rules();
    let pw = "w0rdQ9xZ";
    let report = lint_env_file(format!("DB_PASSWORD=Pa${pw}_x\n").into_bytes(), &settings);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "substitution-key")
        .expect("substitution-key");
    assert!(
        d.message.revealed().contains(pw),
        "{:?}",
        d.message.revealed()
    );
    assert!(!d.message.to_string().contains(pw));
}
