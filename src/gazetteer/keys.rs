//! Match keys: the normal forms under which an alias is looked up, with its
//! spelling variants, and the case rule that decides whether a match in the
//! text counts.

use super::entry::CaseMode;
use crate::error::{Error, ErrorKind};
use crate::normalize::push_token;
use crate::tokenize::{TokenKind, Tokenizer};

/// At most this many keys are made from one alias.
const MAX_VARIANTS: usize = 16;

/// How the letters of a match must agree with the alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaseRule {
    Insensitive,
    Exact,
    ExactOrUpper,
}

/// A key: the normal form wrapped in spaces (`" su 35 "`), and how many
/// bytes of a plural ending the match must leave out of the span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    pub text: String,
    pub trim: u8,
}

/// The keys and the case rule of one alias.
pub(crate) fn alias_keys(
    tk: &Tokenizer,
    alias: &str,
    mode: CaseMode,
) -> Result<(Vec<Key>, CaseRule), Error> {
    let tokens = tk.tokenize(alias);
    if tokens.is_empty() {
        return Err(Error::new(ErrorKind::EmptyAlias));
    }
    // One list of alternative normal forms per token slot.
    let mut slots: Vec<Vec<String>> = Vec::with_capacity(tokens.len());
    let mut kinds = Vec::with_capacity(tokens.len());
    for t in &tokens {
        let mut norm = String::new();
        push_token(alias, t, &mut norm);
        let mut alts = vec![norm.clone()];
        match t.kind {
            TokenKind::Designator => {
                if let Some(split) = split_designator(&norm) {
                    alts.push(split);
                }
            }
            TokenKind::Abbreviation => {
                let dotless: String = norm.chars().filter(|&c| c != '.').collect();
                if !dotless.is_empty() && dotless != norm {
                    alts.push(dotless);
                }
            }
            _ => {}
        }
        slots.push(alts);
        kinds.push(t.kind);
    }
    let mut seqs: Vec<Vec<String>> = vec![Vec::new()];
    for alts in &slots {
        let mut next = Vec::with_capacity(seqs.len() * alts.len());
        for s in &seqs {
            for a in alts {
                if next.len() >= MAX_VARIANTS {
                    break;
                }
                let mut s = s.clone();
                s.push(a.clone());
                next.push(s);
            }
        }
        seqs = next;
    }
    // "Type 055" is also written "Type-055" / "Type055": join a word and the
    // number after it.
    for i in 0..kinds.len().saturating_sub(1) {
        if kinds[i] == TokenKind::Word
            && kinds[i + 1] == TokenKind::Number
            && seqs.len() < MAX_VARIANTS
        {
            let mut s: Vec<String> = slots.iter().map(|a| a[0].clone()).collect();
            let joined = format!("{}{}", s[i], s[i + 1]);
            s.splice(i..i + 2, [joined]);
            seqs.push(s);
        }
    }
    let mut keys: Vec<Key> = Vec::with_capacity(seqs.len() * 2);
    let plural = matches!(
        kinds.last(),
        Some(TokenKind::Word | TokenKind::Designator | TokenKind::Number | TokenKind::Abbreviation)
    ) && !alias.ends_with('.');
    for s in seqs {
        let body = s.join(" ");
        let key = Key { text: format!(" {body} "), trim: 0 };
        if plural && body.ends_with(|c: char| c.is_alphanumeric()) {
            keys.push(Key { text: format!(" {body}s "), trim: 1 });
            if body.ends_with(['s', 'x', 'z']) || body.ends_with("ch") || body.ends_with("sh") {
                keys.push(Key { text: format!(" {body}es "), trim: 2 });
            }
        }
        keys.push(key);
    }
    keys.sort_by(|a, b| a.text.cmp(&b.text).then(a.trim.cmp(&b.trim)));
    keys.dedup_by(|a, b| a.text == b.text);
    let rule = match mode {
        CaseMode::Insensitive => CaseRule::Insensitive,
        CaseMode::Sensitive => CaseRule::Exact,
        CaseMode::Auto => auto_rule(alias, tokens.iter().filter(|t| t.is_wordlike()).count()),
    };
    Ok((keys, rule))
}

/// `su35` -> `su 35`: the letters before the first digit apart from the
/// rest, as "Su 35" is written.
fn split_designator(norm: &str) -> Option<String> {
    let first_digit = norm.find(|c: char| c.is_ascii_digit())?;
    if first_digit == 0 || !norm[..first_digit].chars().all(char::is_alphabetic) {
        return None;
    }
    Some(format!("{} {}", &norm[..first_digit], &norm[first_digit..]))
}

fn auto_rule(alias: &str, words: usize) -> CaseRule {
    if alias.chars().any(|c| c.is_numeric()) || words != 1 {
        return CaseRule::Insensitive;
    }
    let mut letters = 0;
    let mut upper = 0;
    for c in alias.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    if letters >= 2 && upper == letters {
        CaseRule::Exact
    } else if upper > 0 {
        CaseRule::ExactOrUpper
    } else {
        CaseRule::Insensitive
    }
}

/// True when `found` (the text of a match, plural ending removed) agrees
/// with `alias` under `rule`. Only letters are compared, so "U.S." agrees
/// with "US" and "Su 35" with "Su-35".
pub(crate) fn case_agrees(rule: CaseRule, alias: &str, found: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).collect::<Vec<char>>();
    match rule {
        CaseRule::Insensitive => true,
        CaseRule::Exact => letters(alias) == letters(found),
        CaseRule::ExactOrUpper => {
            let a = letters(alias);
            let f = letters(found);
            a == f
                || (f.iter().all(|c| !c.is_lowercase())
                    && a.len() == f.len()
                    && a.iter().zip(&f).all(|(x, y)| x.to_uppercase().eq(y.to_uppercase())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(alias: &str) -> Vec<String> {
        alias_keys(&Tokenizer::new(), alias, CaseMode::Auto)
            .unwrap()
            .0
            .into_iter()
            .map(|k| k.text)
            .collect()
    }

    #[test]
    fn designator_variants() {
        let k = keys("Su-35");
        assert!(k.contains(&" su35 ".to_string()));
        assert!(k.contains(&" su 35 ".to_string()));
        assert!(k.contains(&" su35s ".to_string()));
        let k = keys("Type 055");
        assert!(k.contains(&" type 055 ".to_string()));
        assert!(k.contains(&" type055 ".to_string()));
        let k = keys("U.S.");
        assert!(k.contains(&" u.s. ".to_string()));
        assert!(k.contains(&" us ".to_string()));
        assert!(!k.iter().any(|k| k.contains("uss")), "{k:?}");
    }

    #[test]
    fn rules() {
        let rule = |a| alias_keys(&Tokenizer::new(), a, CaseMode::Auto).unwrap().1;
        assert_eq!(rule("US"), CaseRule::Exact);
        assert_eq!(rule("U.S."), CaseRule::Exact);
        assert_eq!(rule("Patriot"), CaseRule::ExactOrUpper);
        assert_eq!(rule("South China Sea"), CaseRule::Insensitive);
        assert_eq!(rule("S-400"), CaseRule::Insensitive);
        assert!(case_agrees(CaseRule::Exact, "U.S.", "US"));
        assert!(!case_agrees(CaseRule::Exact, "US", "us"));
        assert!(case_agrees(CaseRule::ExactOrUpper, "China", "CHINA"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "China", "china"));
        assert!(!case_agrees(CaseRule::ExactOrUpper, "China", "cHINA"));
    }
}
