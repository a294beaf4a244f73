//! The rule-language parser: rule files to statements and pattern trees.
//!
//! A file is cut into statements by indentation (a statement starts on a
//! line with no leading whitespace; lines that start with whitespace go on
//! with it), then each statement is parsed by recursive descent over its
//! bytes. Every node keeps the byte offset it starts at, so that errors
//! found now or when compiling can be located by line and column.

use super::limits::{DEFAULT_GAP, MAX_DEPTH, MAX_GAP, MAX_REPEAT};
use super::shape::Shape;
use super::{Action, AttrValue, Attribute, RuleKind};
use crate::error::{column_of, Error, ErrorKind};

/// A rule file or string, kept to locate errors.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub name: Option<String>,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub(crate) fn new(name: Option<&str>, text: &str) -> Source {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { name: name.map(str::to_owned), text: text.to_owned(), line_starts }
    }

    /// The 1-based line and `char` column of byte offset `at`.
    pub(crate) fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let start = self.line_starts[line - 1];
        let end = self.text[start..].find('\n').map_or(self.text.len(), |e| start + e);
        (line, column_of(&self.text[start..end], at - start))
    }

    /// An error of `kind` at byte offset `at`.
    pub(crate) fn error(&self, kind: ErrorKind, at: usize) -> Error {
        let (line, col) = self.line_col(at);
        Error::at(kind, self.name.as_deref(), line, col)
    }
}

/// A parse error before it is located: its kind and byte offset.
#[derive(Debug)]
pub(crate) struct PErr {
    pub kind: ErrorKind,
    pub at: usize,
}

fn rule_err<T>(msg: impl Into<String>, at: usize) -> Result<T, PErr> {
    Err(PErr { kind: ErrorKind::Rule(msg.into()), at })
}

fn limit_err<T>(msg: impl Into<String>, at: usize) -> Result<T, PErr> {
    Err(PErr { kind: ErrorKind::Limit(msg.into()), at })
}

/// A pattern tree node and the byte offset where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A literal: one or more tokens once tokenized.
    Lit {
        text: String,
        exact: bool,
    },
    /// `<NAME>`
    Lex(String),
    /// `{LABEL|LABEL2}`, each label with its offset.
    Slot(Vec<(String, usize)>),
    Shape(Shape),
    /// `...{min,max}`
    Gap {
        min: u32,
        max: u32,
    },
    Start,
    End,
    Not(Box<Node>),
    And(Vec<Node>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    /// `max: None` for `*` and `+`.
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    Capture {
        name: String,
        node: Box<Node>,
    },
}

impl Node {
    /// Adds the names of the lexicons this pattern uses to `out`.
    pub(crate) fn lexicons_into<'a>(&'a self, out: &mut std::collections::HashSet<&'a str>) {
        self.each_leaf(&mut |kind| {
            if let NodeKind::Lex(name) = kind {
                out.insert(name);
            }
        });
    }

    /// Adds the labels of the entity slots of this pattern to `out`.
    pub(crate) fn slot_labels_into<'a>(&'a self, out: &mut std::collections::HashSet<&'a str>) {
        self.each_leaf(&mut |kind| {
            if let NodeKind::Slot(labels) = kind {
                out.extend(labels.iter().map(|(l, _)| l.as_str()));
            }
        });
    }

    /// Calls `f` on each leaf of this pattern (a node with no pattern
    /// inside), in written order. Every kind is named here, so that a new
    /// kind holding patterns cannot be walked past as a leaf.
    fn each_leaf<'a, F: FnMut(&'a NodeKind)>(&'a self, f: &mut F) {
        match &self.kind {
            NodeKind::Not(n)
            | NodeKind::Repeat { node: n, .. }
            | NodeKind::Capture { node: n, .. } => n.each_leaf(f),
            NodeKind::And(v) | NodeKind::Seq(v) | NodeKind::Alt(v) => {
                v.iter().for_each(|n| n.each_leaf(f))
            }
            NodeKind::Lit { .. }
            | NodeKind::Lex(_)
            | NodeKind::Slot(_)
            | NodeKind::Shape(_)
            | NodeKind::Gap { .. }
            | NodeKind::Start
            | NodeKind::End => f(&self.kind),
        }
    }
}

/// One entry of a lexicon declaration.
#[derive(Clone, Debug)]
pub(crate) enum LexEntry {
    Text(String, usize),
    Supplied(String, usize),
}

/// `lexicon NAME [exact] = ...`
#[derive(Clone, Debug)]
pub(crate) struct LexDef {
    pub name: String,
    pub at: usize,
    pub exact: bool,
    pub entries: Vec<LexEntry>,
    pub source: usize,
}

/// `entity ...` or `relation ...` with its pattern.
#[derive(Clone, Debug)]
pub(crate) struct RuleDef {
    pub name: String,
    pub at: usize,
    pub kind: RuleKind,
    pub label: String,
    pub action: Action,
    pub pattern: Node,
    /// The pattern's text as written (comments and line breaks kept).
    pub pattern_text: String,
    pub source: usize,
}

#[derive(Clone, Debug)]
pub(crate) enum Stmt {
    Lexicon(LexDef),
    Rule(RuleDef),
}

/// Parses every statement of `src`. Statements with errors are left out
/// and their errors returned.
pub(crate) fn parse_source(src: &Source, source: usize) -> (Vec<Stmt>, Vec<Error>) {
    let text = src.text.as_str();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut errors = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let blank = trimmed.is_empty() || trimmed.starts_with('#');
        if !blank {
            let content_end = start + content.len();
            if trimmed.len() < content.len() {
                match current.as_mut() {
                    Some(cur) => cur.1 = content_end,
                    None => {
                        let at = start + content.len() - trimmed.len();
                        errors.push(src.error(
                            ErrorKind::Rule("indented line outside a statement".into()),
                            at,
                        ));
                    }
                }
            } else {
                ranges.extend(current.take());
                current = Some((start, content_end));
            }
        }
        start = end;
    }
    ranges.extend(current);
    let mut stmts = Vec::new();
    for (s, e) in ranges {
        let mut p = Parser { text, i: s, end: e, depth: 0 };
        match p.statement(source) {
            Ok(stmt) => stmts.push(stmt),
            Err(err) => errors.push(src.error(err.kind, err.at)),
        }
    }
    (stmts, errors)
}

/// Characters that cannot be part of a bare literal.
fn is_special(c: char) -> bool {
    // A `match` rather than a search of a string of them: it is asked of
    // every char of every word.
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')'
                | '|'
                | '{'
                | '}'
                | '<'
                | '>'
                | '"'
                | '#'
                | '&'
                | '!'
                | '?'
                | '*'
                | '+'
                | ':'
                | '='
                | '^'
                | '$'
        )
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

struct Parser<'s> {
    text: &'s str,
    i: usize,
    end: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        if self.i >= self.end {
            return None;
        }
        // Rules are mostly ASCII: a byte that is a char needs no decoding.
        match self.text.as_bytes()[self.i] {
            b if b.is_ascii() => Some(char::from(b)),
            _ => self.text[self.i..self.end].chars().next(),
        }
    }

    fn peek_at(&self, skip: usize) -> Option<char> {
        self.text.get(self.i..self.end)?.chars().nth(skip)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }

    fn rest(&self) -> &str {
        self.text.get(self.i..self.end).unwrap_or("")
    }

    /// Skips whitespace (line breaks too) and `#` comments.
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                while let Some(c) = self.peek() {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
            } else {
                break;
            }
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.i >= self.end
    }

    fn ident(&mut self) -> Option<(String, usize)> {
        self.skip_ws();
        let at = self.i;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        Some((self.text[at..self.i].to_owned(), at))
    }

    fn expect_ident(&mut self, what: &str) -> Result<(String, usize), PErr> {
        match self.ident() {
            Some(x) => Ok(x),
            None => rule_err(format!("expected {what}{}", self.found()), self.i),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), PErr> {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            rule_err(format!("expected `{c}`{}", self.found()), self.i)
        }
    }

    /// ", found `x`" for messages, or ", found the end of the statement".
    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!(", found `{c}`"),
            None => ", found the end of the statement".into(),
        }
    }

    /// A `"..."` string with `\"` and `\\` escapes; the cursor is on `"`.
    fn quoted(&mut self) -> Result<String, PErr> {
        let open = self.i;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some(c @ ('"' | '\\')) => out.push(c),
                    _ => {
                        return rule_err(
                            "bad escape in string (allowed: \\\" and \\\\)",
                            self.i - 1,
                        )
                    }
                },
                Some('\n') | None => return rule_err("unterminated string", open),
                Some(c) => out.push(c),
            }
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), PErr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return limit_err(format!("pattern nested more than {MAX_DEPTH} deep"), at);
        }
        Ok(())
    }

    fn statement(&mut self, source: usize) -> Result<Stmt, PErr> {
        let (kw, at) = self.expect_ident("`lexicon`, `entity` or `relation`")?;
        match kw.as_str() {
            "lexicon" => self.lexicon(source).map(Stmt::Lexicon),
            "entity" => self.rule(RuleKind::Entity, source).map(Stmt::Rule),
            "relation" => self.rule(RuleKind::Relation, source).map(Stmt::Rule),
            _ => rule_err(format!("expected `lexicon`, `entity` or `relation`, found `{kw}`"), at),
        }
    }

    fn lexicon(&mut self, source: usize) -> Result<LexDef, PErr> {
        let (name, at) = self.expect_ident("a lexicon name")?;
        let mut exact = false;
        let save = self.i;
        match self.ident() {
            Some((w, _)) if w == "exact" => exact = true,
            Some((w, wat)) => {
                return rule_err(
                    format!("expected `=` or `exact` after the name, found `{w}`"),
                    wat,
                )
            }
            None => self.i = save,
        }
        self.expect('=')?;
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            let eat = self.i;
            match self.peek() {
                Some('"') => {
                    let s = self.quoted()?;
                    if s.trim().is_empty() {
                        return rule_err("empty lexicon entry", eat);
                    }
                    entries.push(LexEntry::Text(s, eat));
                }
                Some('@') => {
                    self.bump();
                    if !self.peek().is_some_and(is_ident_start) {
                        return rule_err("expected a name after `@`", self.i);
                    }
                    let (n, _) = self.expect_ident("a name after `@`")?;
                    entries.push(LexEntry::Supplied(n, eat));
                }
                _ => {
                    let mut words: Vec<&str> = Vec::new();
                    loop {
                        self.skip_ws();
                        let w0 = self.i;
                        while self
                            .peek()
                            .is_some_and(|c| !c.is_whitespace() && c != '|' && c != '#')
                        {
                            self.bump();
                        }
                        if self.i == w0 {
                            break;
                        }
                        words.push(&self.text[w0..self.i]);
                    }
                    if words.is_empty() {
                        return rule_err(format!("empty lexicon entry{}", self.found()), eat);
                    }
                    entries.push(LexEntry::Text(words.join(" "), eat));
                }
            }
            self.skip_ws();
            match self.peek() {
                Some('|') => {
                    self.bump();
                }
                None => break,
                Some(c) => {
                    return rule_err(format!("expected `|` between entries, found `{c}`"), self.i)
                }
            }
        }
        Ok(LexDef { name, at, exact, entries, source })
    }

    fn rule(&mut self, kind: RuleKind, source: usize) -> Result<RuleDef, PErr> {
        let (name, at) = self.expect_ident("a rule name")?;
        let (label, _) = self.expect_ident("a label")?;
        // Header: entity: [= CAPTURE] ; relation: key=value pairs. Then `:`.
        let mut refs: Vec<(String, usize)> = Vec::new();
        let action = match kind {
            RuleKind::Entity => {
                self.skip_ws();
                let mut capture = None;
                if self.peek() == Some('=') {
                    self.bump();
                    let (c, cat) = self.expect_ident("a capture name after `=`")?;
                    refs.push((c.clone(), cat));
                    capture = Some(c);
                }
                self.expect(':')?;
                Action::Entity { capture }
            }
            RuleKind::Relation => {
                let mut head = None;
                let mut tail = None;
                let mut attributes: Vec<Attribute> = Vec::new();
                let mut match_cues = None;
                loop {
                    self.skip_ws();
                    if self.peek() == Some(':') {
                        self.bump();
                        break;
                    }
                    let (key, kat) = self.expect_ident("`key=value` or `:`")?;
                    self.expect('=')?;
                    self.skip_ws();
                    let vat = self.i;
                    let value = if self.peek() == Some('"') {
                        AttrValue::Literal(self.quoted()?)
                    } else {
                        let (v, _) = self.expect_ident("a capture name or a \"literal\"")?;
                        refs.push((v.clone(), vat));
                        AttrValue::Capture(v)
                    };
                    let dup = attributes.iter().any(|a| a.key == key)
                        || (key == "head" && head.is_some())
                        || (key == "tail" && tail.is_some())
                        || (key == "cues" && match_cues.is_some());
                    if dup {
                        return rule_err(format!("`{key}` given twice"), kat);
                    }
                    match (key.as_str(), value) {
                        ("head", AttrValue::Capture(c)) => head = Some(c),
                        ("tail", AttrValue::Capture(c)) => tail = Some(c),
                        ("head" | "tail", AttrValue::Literal(_)) => {
                            return rule_err(format!("`{key}` must name a capture"), vat)
                        }
                        ("cues", AttrValue::Literal(v)) if v == "match" || v == "clause" => {
                            match_cues = Some(v == "match");
                        }
                        ("cues", _) => {
                            return rule_err("`cues` must be \"match\" or \"clause\"", vat)
                        }
                        (_, value) => attributes.push(Attribute { key, value }),
                    }
                }
                let (Some(head), Some(tail)) = (head, tail) else {
                    return rule_err("a relation needs `head=CAPTURE` and `tail=CAPTURE`", at);
                };
                let match_cues = match_cues.unwrap_or(false);
                Action::Relation { head, tail, attributes, match_cues }
            }
        };
        self.skip_ws();
        let pat_at = self.i;
        if self.i >= self.end {
            return rule_err("empty pattern", self.i);
        }
        let pattern = self.alt()?;
        if !self.at_end() {
            return match self.peek() {
                Some(')') => rule_err("unbalanced parenthesis: `)` has no matching `(`", self.i),
                _ => {
                    rule_err(format!("unexpected{}", self.found().trim_start_matches(',')), self.i)
                }
            };
        }
        let pattern_text = self.text[pat_at..self.end].to_owned();
        let mut names = Vec::new();
        capture_names(&pattern, &mut names);
        for (r, rat) in refs {
            if !names.contains(&r.as_str()) {
                let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
                return rule_err(
                    format!("unknown capture `{r}` (the pattern captures: {known})"),
                    rat,
                );
            }
        }
        Ok(RuleDef { name, at, kind, label, action, pattern, pattern_text, source })
    }

    /// alt := seq ('|' seq)*
    fn alt(&mut self) -> Result<Node, PErr> {
        self.separated('|', Self::seq, NodeKind::Alt)
    }

    /// `item (sep item)*`: the item alone, or `make` of all of them.
    fn separated(
        &mut self,
        sep: char,
        item: fn(&mut Self) -> Result<Node, PErr>,
        make: fn(Vec<Node>) -> NodeKind,
    ) -> Result<Node, PErr> {
        self.skip_ws();
        let at = self.i;
        let mut items = vec![item(self)?];
        loop {
            self.skip_ws();
            if self.peek() != Some(sep) {
                break;
            }
            self.bump();
            items.push(item(self)?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Node { kind: make(items), at }
        })
    }

    /// seq := item+
    fn seq(&mut self) -> Result<Node, PErr> {
        self.skip_ws();
        let at = self.i;
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None | Some(')' | '|') => break,
                _ => items.push(self.item()?),
            }
        }
        match items.len() {
            0 => rule_err(format!("empty alternative{}", self.found()), at),
            1 => Ok(items.pop().expect("one item")),
            _ => Ok(Node { kind: NodeKind::Seq(items), at }),
        }
    }

    /// item := [name ':'] conj
    fn item(&mut self) -> Result<Node, PErr> {
        self.skip_ws();
        let at = self.i;
        let rest = self.rest();
        let ident_len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        if ident_len > 0 && rest.starts_with(is_ident_start) && rest[ident_len..].starts_with(':') {
            let name = rest[..ident_len].to_owned();
            self.i += ident_len + 1;
            self.skip_ws();
            if matches!(self.peek(), None | Some(')' | '|')) {
                return rule_err(format!("capture `{name}:` needs an element after it"), at);
            }
            self.enter(at)?;
            let node = self.conj()?;
            self.depth -= 1;
            return Ok(Node { kind: NodeKind::Capture { name, node: Box::new(node) }, at });
        }
        self.conj()
    }

    /// conj := unary ('&' unary)*
    fn conj(&mut self) -> Result<Node, PErr> {
        self.separated('&', Self::unary, NodeKind::And)
    }

    /// unary := '!' unary | postfix
    fn unary(&mut self) -> Result<Node, PErr> {
        self.skip_ws();
        let at = self.i;
        if self.peek() == Some('!') {
            self.bump();
            self.enter(at)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Node { kind: NodeKind::Not(Box::new(inner)), at });
        }
        self.postfix()
    }

    /// `postfix := primary [quantifier]`
    fn postfix(&mut self) -> Result<Node, PErr> {
        let node = self.primary()?;
        let Some((min, max, qat)) = self.quantifier()? else { return Ok(node) };
        if matches!(node.kind, NodeKind::Gap { .. }) {
            return rule_err("a gap takes no quantifier: write `...{m,n}` with no space", qat);
        }
        if self.quantifier()?.is_some() {
            return rule_err("a quantifier cannot follow another; use parentheses", qat);
        }
        Ok(Node { kind: NodeKind::Repeat { node: Box::new(node), min, max }, at: qat })
    }

    /// `?`, `*`, `+`, `{n}`, `{m,n}`, `{,n}`; `None` when none follows.
    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>, usize)>, PErr> {
        let save = self.i;
        self.skip_ws();
        let at = self.i;
        let q = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit() || c == ',') => {
                let (min, max) = self.bounds(MAX_REPEAT, "repetition")?;
                return Ok(Some((min, Some(max), at)));
            }
            _ => {
                self.i = save;
                return Ok(None);
            }
        };
        self.bump();
        Ok(Some((q.0, q.1, at)))
    }

    /// `{n}`, `{m,n}` or `{,n}`; the cursor is on `{`.
    fn bounds(&mut self, limit: u32, what: &str) -> Result<(u32, u32), PErr> {
        let at = self.i;
        self.bump();
        let num = |p: &mut Self| -> Option<u32> {
            let s = p.i;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.bump();
            }
            (p.i > s).then(|| {
                p.text[s..p.i]
                    .bytes()
                    .fold(0u32, |n, d| n.saturating_mul(10).saturating_add(u32::from(d - b'0')))
            })
        };
        let first = num(self);
        let (min, max) = if self.peek() == Some(',') {
            self.bump();
            let second = num(self);
            match second {
                Some(n) => (first.unwrap_or(0), n),
                None => {
                    return rule_err(
                        format!("bad {what} bound: an upper bound is required, as in {{1,3}}"),
                        at,
                    )
                }
            }
        } else {
            match first {
                Some(n) => (n, n),
                None => return rule_err(format!("bad {what} bound"), at),
            }
        };
        if self.peek() != Some('}') {
            return rule_err(format!("bad {what} bound: expected `}}`{}", self.found()), at);
        }
        self.bump();
        let written = &self.text[at..self.i];
        if min > max {
            return rule_err(
                format!("bad {what} bound {written}: the minimum exceeds the maximum"),
                at,
            );
        }
        if max == 0 {
            return rule_err(
                format!("bad {what} bound {written}: the maximum must be at least 1"),
                at,
            );
        }
        if max > limit {
            return limit_err(format!("{what} bound {written} is over the maximum of {limit}"), at);
        }
        Ok((min, max))
    }

    fn primary(&mut self) -> Result<Node, PErr> {
        self.skip_ws();
        let at = self.i;
        let node = |kind| Ok(Node { kind, at });
        let Some(c) = self.peek() else {
            return rule_err("expected a pattern element, found the end of the statement", at);
        };
        match c {
            '(' => {
                self.bump();
                self.enter(at)?;
                self.skip_ws();
                if self.peek() == Some(')') {
                    return rule_err("empty group `()`", at);
                }
                let inner = self.alt()?;
                self.depth -= 1;
                self.skip_ws();
                if self.peek() != Some(')') {
                    return rule_err("unbalanced parenthesis: `(` is never closed", at);
                }
                self.bump();
                Ok(inner)
            }
            '<' => {
                self.bump();
                let (name, _) = self.expect_ident("a lexicon name after `<`")?;
                self.expect('>')?;
                node(NodeKind::Lex(name))
            }
            '{' => {
                self.bump();
                if self.peek().is_some_and(|c| c.is_ascii_digit() || c == ',') {
                    return rule_err("a repetition `{m,n}` must follow an element", at);
                }
                let mut labels = vec![self.expect_ident("an entity label after `{`")?];
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('|') => {
                            self.bump();
                            labels.push(self.expect_ident("an entity label after `|`")?);
                        }
                        Some('}') => {
                            self.bump();
                            break;
                        }
                        _ => {
                            return rule_err(
                                format!("expected `|` or `}}`{}", self.found()),
                                self.i,
                            )
                        }
                    }
                }
                node(NodeKind::Slot(labels))
            }
            '"' => {
                let text = self.quoted()?;
                if text.trim().is_empty() {
                    return rule_err("empty literal", at);
                }
                node(NodeKind::Lit { text, exact: false })
            }
            '=' => {
                self.bump();
                let text = if self.peek() == Some('"') { self.quoted()? } else { self.bare() };
                if text.trim().is_empty() {
                    return rule_err("expected a word or a \"literal\" after `=`", at);
                }
                node(NodeKind::Lit { text, exact: true })
            }
            '^' => {
                self.bump();
                node(NodeKind::Start)
            }
            '$' => {
                self.bump();
                node(NodeKind::End)
            }
            '.' if self.rest().starts_with("...") => {
                self.i += 3;
                let (min, max) = if self.peek() == Some('{') {
                    self.bounds(MAX_GAP, "gap")?
                } else {
                    (0, DEFAULT_GAP)
                };
                node(NodeKind::Gap { min, max })
            }
            c if !is_special(c) => {
                let word = self.bare();
                match Shape::from_name(&word) {
                    Some(shape) => node(NodeKind::Shape(shape)),
                    None => node(NodeKind::Lit { text: word, exact: false }),
                }
            }
            c => rule_err(format!("expected a pattern element, found `{c}`"), at),
        }
    }

    /// A run of characters that are not special.
    fn bare(&mut self) -> String {
        let s = self.i;
        while self.peek().is_some_and(|c| !is_special(c)) {
            self.bump();
        }
        self.text[s..self.i].to_owned()
    }
}

/// The capture names of a pattern, in order of first appearance.
pub(crate) fn capture_names<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
    match &node.kind {
        NodeKind::Capture { name, node } => {
            if !out.contains(&name.as_str()) {
                out.push(name);
            }
            capture_names(node, out);
        }
        NodeKind::Not(n) | NodeKind::Repeat { node: n, .. } => capture_names(n, out),
        NodeKind::And(v) | NodeKind::Seq(v) | NodeKind::Alt(v) => {
            for n in v {
                capture_names(n, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Stmt>, Vec<Error>) {
        parse_source(&Source::new(Some("t.rules"), text), 0)
    }

    fn err(text: &str) -> String {
        let (_, errors) = parse(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].to_string()
    }

    fn pattern(text: &str) -> String {
        let (stmts, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        match &stmts[0] {
            Stmt::Rule(r) => show(&r.pattern),
            Stmt::Lexicon(_) => panic!("not a rule"),
        }
    }

    /// A compact rendering of a tree, to compare in tests.
    fn show(n: &Node) -> String {
        let list = |v: &[Node], sep: &str| v.iter().map(show).collect::<Vec<_>>().join(sep);
        match &n.kind {
            NodeKind::Lit { text, exact } => format!("{}{text:?}", if *exact { "=" } else { "" }),
            NodeKind::Lex(l) => format!("<{l}>"),
            NodeKind::Slot(v) => {
                format!("{{{}}}", v.iter().map(|l| l.0.as_str()).collect::<Vec<_>>().join("|"))
            }
            NodeKind::Shape(s) => format!("{s:?}"),
            NodeKind::Gap { min, max } => format!("...{{{min},{max}}}"),
            NodeKind::Start => "^".into(),
            NodeKind::End => "$".into(),
            NodeKind::Not(x) => format!("!{}", show(x)),
            NodeKind::And(v) => format!("and({})", list(v, ", ")),
            NodeKind::Seq(v) => format!("seq({})", list(v, " ")),
            NodeKind::Alt(v) => format!("alt({})", list(v, " | ")),
            NodeKind::Repeat { node, min, max } => format!("rep({}, {min}, {max:?})", show(node)),
            NodeKind::Capture { name, node } => format!("{name}:{}", show(node)),
        }
    }

    #[test]
    fn statements_by_indentation() {
        let (stmts, errors) = parse(
            "# comment\nlexicon RANK = \"Gen.\" | Adm. | Air Chief Marshal # trailing\n  | @more\n\nentity p PERSON = n:\n    <RANK>\n    # inside\n    n:Cap\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(stmts.len(), 2);
        let Stmt::Lexicon(lex) = &stmts[0] else { panic!() };
        assert_eq!(lex.name, "RANK");
        let entries: Vec<String> = lex
            .entries
            .iter()
            .map(|e| match e {
                LexEntry::Text(t, _) => t.clone(),
                LexEntry::Supplied(n, _) => format!("@{n}"),
            })
            .collect();
        assert_eq!(entries, ["Gen.", "Adm.", "Air Chief Marshal", "@more"]);
        let Stmt::Rule(r) = &stmts[1] else { panic!() };
        assert_eq!(r.name, "p");
        assert_eq!(r.label, "PERSON");
        assert_eq!(show(&r.pattern), "seq(<RANK> n:Cap)");
    }

    #[test]
    fn pattern_trees() {
        assert_eq!(
            pattern("entity a X: \"flew to\" =NATO Cap? Num* Word+ Any{2,3} ...{0,4} ... ^ $"),
            "seq(\"flew to\" =\"NATO\" rep(Cap, 0, Some(1)) rep(Num, 0, None) rep(Word, 1, None) rep(Any, 2, Some(3)) ...{0,4} ...{0,10} ^ $)"
        );
        assert_eq!(
            pattern("entity a X: n:(Cap & !<ORG>){1,3} {PERSON|ORG} (a | b c)"),
            "seq(n:rep(and(Cap, !<ORG>), 1, Some(3)) {PERSON|ORG} alt(\"a\" | seq(\"b\" \"c\")))"
        );
        assert_eq!(
            pattern("entity a X: Gen. 's , =\"Lt. Gen.\""),
            "seq(\"Gen.\" \"'s\" \",\" =\"Lt. Gen.\")"
        );
        assert_eq!(pattern("entity a X: cap any Any"), "seq(\"cap\" \"any\" Any)");
    }

    #[test]
    fn headers() {
        let (stmts, errors) = parse("relation v VISITED head=p tail=loc role=\"visitor\" via=x:\n  p:{PERSON} x:visited loc:{LOCATION}\n");
        assert!(errors.is_empty(), "{errors:?}");
        let Stmt::Rule(r) = &stmts[0] else { panic!() };
        match &r.action {
            Action::Relation { head, tail, attributes, match_cues } => {
                assert_eq!((head.as_str(), tail.as_str()), ("p", "loc"));
                assert_eq!(attributes[0].key, "role");
                assert_eq!(attributes[0].value, AttrValue::Literal("visitor".into()));
                assert_eq!(attributes[1].value, AttrValue::Capture("x".into()));
                assert!(!match_cues);
            }
            Action::Entity { .. } => panic!("entity"),
        }
        // `cues` is a setting, not an attribute.
        let (stmts, errors) =
            parse("relation t HOLDS head=p tail=o cues=\"match\":\n  p:{PERSON} o:{ORG}\n");
        assert!(errors.is_empty(), "{errors:?}");
        let Stmt::Rule(r) = &stmts[0] else { panic!() };
        let Action::Relation { attributes, match_cues, .. } = &r.action else { panic!() };
        assert!(attributes.is_empty() && *match_cues);
        let (stmts, errors) = parse("entity whole X:\n  Cap Cap\n");
        assert!(errors.is_empty());
        let Stmt::Rule(r) = &stmts[0] else { panic!() };
        assert_eq!(r.action, Action::Entity { capture: None });
    }

    #[test]
    fn located_errors() {
        assert_eq!(
            err("relation t HOLDS head=p tail=o cues=\"word\":\n  p:{PERSON} o:{ORG}\n"),
            "t.rules:1:37: `cues` must be \"match\" or \"clause\""
        );
        assert_eq!(
            err("relation t HOLDS head=p tail=o cues=o:\n  p:{PERSON} o:{ORG}\n"),
            "t.rules:1:37: `cues` must be \"match\" or \"clause\""
        );
        assert_eq!(
            err("entity a X = n:\n    <RANK> (n:Cap\n"),
            "t.rules:2:12: unbalanced parenthesis: `(` is never closed"
        );
        assert_eq!(
            err("entity a X: Cap )"),
            "t.rules:1:17: unbalanced parenthesis: `)` has no matching `(`"
        );
        assert_eq!(
            err("entity a X: Cap{3,1}"),
            "t.rules:1:16: bad repetition bound {3,1}: the minimum exceeds the maximum"
        );
        assert_eq!(
            err("entity a X: Cap{2,}"),
            "t.rules:1:16: bad repetition bound: an upper bound is required, as in {1,3}"
        );
        assert_eq!(
            err("entity a X: Cap{1,17}"),
            "t.rules:1:16: limit exceeded: repetition bound {1,17} is over the maximum of 16"
        );
        assert_eq!(
            err("entity a X: ...{0,21}"),
            "t.rules:1:16: limit exceeded: gap bound {0,21} is over the maximum of 20"
        );
        assert_eq!(
            err("relation r R head=p tail=q:\n  p:{PERSON} visited x:{LOCATION}"),
            "t.rules:1:26: unknown capture `q` (the pattern captures: p, x)"
        );
        assert_eq!(
            err("entity a X = nm: n:Cap"),
            "t.rules:1:14: unknown capture `nm` (the pattern captures: n)"
        );
        assert_eq!(err("  entity a X: Cap"), "t.rules:1:3: indented line outside a statement");
        assert_eq!(
            err("rule a X: Cap"),
            "t.rules:1:1: expected `lexicon`, `entity` or `relation`, found `rule`"
        );
        assert_eq!(err("entity a X: \"abc"), "t.rules:1:13: unterminated string");
        assert_eq!(
            err("entity a X: Cap??"),
            "t.rules:1:16: a quantifier cannot follow another; use parentheses"
        );
        assert_eq!(err("entity a X: (a | )"), "t.rules:1:18: empty alternative, found `)`");
        assert_eq!(err("entity é X: Cap"), "t.rules:1:8: expected a rule name, found `é`");
        assert_eq!(err("entity a X:"), "t.rules:1:12: empty pattern");
        assert_eq!(
            err("relation r R head=p: p:Cap"),
            "t.rules:1:10: a relation needs `head=CAPTURE` and `tail=CAPTURE`"
        );
        assert_eq!(err("lexicon L = a | | b"), "t.rules:1:17: empty lexicon entry, found `|`");
        let deep = format!("entity a X: {}Cap{}", "(".repeat(40), ")".repeat(40));
        assert!(err(&deep).contains("limit exceeded: pattern nested more than 32 deep"));
    }

    #[test]
    fn columns_count_chars() {
        assert_eq!(
            err("entity a X: \"é\" ( Cap"),
            "t.rules:1:17: unbalanced parenthesis: `(` is never closed"
        );
    }

    #[test]
    fn a_bad_statement_does_not_hide_good_ones() {
        let (stmts, errors) = parse("entity a X: (Cap\nentity b X: Cap\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(stmts.len(), 1);
    }
}
