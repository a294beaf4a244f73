//! The gazetteer: a dictionary of entries compiled into a trie over token
//! normal forms, matched against tokenized text.
//!
//! # How matching works
//!
//! Aliases and text are both tokenized and their tokens written in normal
//! form (see `normalize`). An alias's keys are sequences of normal forms;
//! a match is a run of whole tokens inside one sentence whose normal forms
//! are a key, so a match always starts and ends on token boundaries
//! ("China" is not found in "chinaware", nor "Su-35" in "Su-355").
//! Matches are leftmost-longest and do not overlap: "South China Sea" wins
//! over "China" and "PLA General Armaments Department" over "PLA". When the
//! longest key at a position fails the case check, nothing starts there
//! and matching goes on at the next token.
//!
//! Variants are keys too: designators with and without the hyphen or space
//! (`Su-35`, `SU-35`, `Su 35`, `Su35`), a word and a number joined (`Type
//! 055`, `Type-055`), abbreviations without dots, and plurals (`F-16s`,
//! `Rafales`: the span ends before the plural ending). Possessives need no
//! variant: the tokenizer splits `Israel's` into `Israel` and `'s`.
//!
//! Then letter case is checked (see [`CaseMode`]).
//!
//! # When several entries share an alias
//!
//! All entries that share the matched key and agree in case are
//! candidates. The chosen entry is, in order: one that matches the whole
//! word rather than through a plural ending ("Hamas" is not the plural of
//! "Hama"); one whose alias is written exactly as in the text; then the one with the higher priority (see
//! [`GazetteerBuilder::priority`]; user files are loaded above the embedded
//! defaults); then the one added first. The others are kept as
//! [`GazMatch::alternatives`].
//!
//! # Short names of persons
//!
//! A `PERSON` entry may list, under the metadata key [`SHORT_NAMES`], the
//! words news use alone for it ("Putin"). They are not matched as aliases
//! are: the extractor gives such a word to the person after in-document
//! linking, where the text names no one else by it (see the
//! `short_names` module).

mod entry;
mod keys;
mod load;
mod short_names;
mod trie;

pub use entry::{CaseMode, Entry, EntryId};
use short_names::ShortNames;
pub use short_names::SHORT_NAMES;

use crate::document::Entity;
use crate::error::{Error, ErrorKind};
use crate::hash::FastBuildHasher;
use crate::limits::Limits;
use crate::span::Span;
use crate::tokenize::{Sentence, Token, Tokenizer};
use crate::vocab::Vocab;
use keys::{case_agrees, CaseRule, KeyGen};
use load::Origin;
use std::collections::HashSet;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use trie::{KeyRec, Trie, NONE, ROOT_KEY};

/// Collects entries, then compiles them into a [`Gazetteer`].
///
/// Entries accumulate: add them one by one, or from TSV or JSON Lines
/// files (format: [module docs](crate::gazetteer)). A bad line is reported with
/// its file, line and column, and the good lines of the same file are kept.
///
/// # Examples
///
/// ```
/// use recon::{Entry, GazetteerBuilder};
///
/// let mut gaz = GazetteerBuilder::new();
/// gaz.add(Entry::new("Iron Dome", "WEAPON_SYSTEM").id("wpn:iron-dome"))?;
/// gaz.add_tsv_str("canonical\tlabel\taliases\nIsrael\tLOCATION\tState of Israel\n", Some("places.tsv"))?;
/// let gaz = gaz.build()?;
/// let text = "Israel's Iron Dome batteries";
/// let names: Vec<&str> = gaz.find_all(text).iter().map(|m| &text[m.span]).collect();
/// assert_eq!(names, ["Israel", "Iron Dome"]);
/// # Ok::<(), recon::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct GazetteerBuilder {
    /// Shared with the built gazetteers, so building copies no entry.
    entries: Vec<Arc<Entry>>,
    priorities: Vec<i32>,
    /// The entries that have a stable id, looked up by it.
    ids: HashSet<ById, FastBuildHasher>,
    priority: i32,
    limits: Limits,
    /// Aliases (canonical names included) added so far.
    alias_count: usize,
}

impl GazetteerBuilder {
    /// An empty builder.
    pub fn new() -> GazetteerBuilder {
        GazetteerBuilder::default()
    }

    /// Sets the priority of the entries added from now on (default 0).
    /// Where entries share an alias, the higher priority wins.
    pub fn priority(&mut self, priority: i32) -> &mut GazetteerBuilder {
        self.priority = priority;
        self
    }

    /// Sets the caps on aliases checked as entries are added (default:
    /// [`Limits::default`]): an alias longer than
    /// [`Limits::max_alias_bytes`], or an entry past
    /// [`Limits::max_aliases`], is an [`ErrorKind::Limit`] error.
    pub fn limits(&mut self, limits: Limits) -> &mut GazetteerBuilder {
        self.limits = limits;
        self
    }

    /// The number of entries added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no entry has been added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds one entry.
    ///
    /// # Errors
    ///
    /// When the canonical name, the label or an alias is empty, or the
    /// entry's stable id is already taken.
    pub fn add(&mut self, entry: Entry) -> Result<EntryId, Error> {
        check_fields(&entry)?;
        self.add_at(entry, None, None)
    }

    /// Adds an entry whose fields are known not to be empty: made by
    /// [`add`](Self::add), or by a file loader, which checks them as it
    /// reads (pointing at the field at fault) and comes from `origin`.
    fn add_at(
        &mut self,
        entry: Entry,
        path: Option<&str>,
        origin: Option<Origin>,
    ) -> Result<EntryId, Error> {
        debug_assert!(check_fields(&entry).is_ok(), "{entry:?}");
        let locate = |kind: ErrorKind, col: usize| match origin {
            Some(o) => Error::at(kind, path, o.line, col),
            None => Error::new(kind),
        };
        let max_bytes = self.limits.max_alias_bytes;
        if let Some((_, long)) = entry.matched_aliases().find(|(_, a)| a.len() > max_bytes) {
            let msg = format!(
                "alias of {} bytes, over the limit of {max_bytes} (max_alias_bytes)",
                long.len()
            );
            return Err(locate(ErrorKind::Limit(msg), 1));
        }
        let aliases = entry.matched_aliases().count();
        if self.alias_count.saturating_add(aliases) > self.limits.max_aliases {
            let msg =
                format!("more than {} gazetteer aliases (max_aliases)", self.limits.max_aliases);
            return Err(locate(ErrorKind::Limit(msg), 1));
        }
        let index = self.entries.len();
        if index >= u32::MAX as usize {
            return Err(locate(ErrorKind::Limit("too many gazetteer entries".into()), 1));
        }
        let entry = Arc::new(entry);
        if let Some(id) = entry.stable_id() {
            // A taken id leaves the set as it was.
            if !self.ids.insert(ById(entry.clone())) {
                return Err(locate(
                    ErrorKind::DuplicateId(id.to_owned()),
                    origin.map_or(1, |o| o.id_column),
                ));
            }
        }
        self.alias_count += aliases;
        self.entries.push(entry);
        self.priorities.push(self.priority);
        Ok(EntryId(index as u32))
    }

    /// Adds the entries of a TSV text; `name` (a file name) is used in
    /// error messages. Returns how many entries were added.
    ///
    /// # Errors
    ///
    /// The errors of every line that could not be read, each with its
    /// line and column ([`ErrorKind::Many`] when there are several). The
    /// lines that could be read are added all the same.
    pub fn add_tsv_str(&mut self, text: &str, name: Option<&str>) -> Result<usize, Error> {
        let before = self.entries.len();
        let errors = load::parse_tsv(text, name, |e, o| self.add_at(e, name, Some(o)).map(drop));
        finish(errors, self.entries.len() - before)
    }

    /// Adds the entries of a JSON Lines text (see the module docs).
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_str`].
    pub fn add_jsonl_str(&mut self, text: &str, name: Option<&str>) -> Result<usize, Error> {
        let before = self.entries.len();
        let errors = load::parse_jsonl(text, name, |e, o| self.add_at(e, name, Some(o)).map(drop));
        finish(errors, self.entries.len() - before)
    }

    /// Reads TSV from `reader`.
    ///
    /// # Errors
    ///
    /// I/O errors, text that is not UTF-8, and the errors of
    /// [`GazetteerBuilder::add_tsv_str`].
    pub fn add_tsv_reader<R: Read>(
        &mut self,
        reader: R,
        name: Option<&str>,
    ) -> Result<usize, Error> {
        let text = read_utf8(reader, name)?;
        self.add_tsv_str(&text, name)
    }

    /// Reads JSON Lines from `reader`.
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_reader`].
    pub fn add_jsonl_reader<R: Read>(
        &mut self,
        reader: R,
        name: Option<&str>,
    ) -> Result<usize, Error> {
        let text = read_utf8(reader, name)?;
        self.add_jsonl_str(&text, name)
    }

    /// Reads a gazetteer file: JSON Lines when its name ends in `.jsonl`
    /// or `.ndjson`, TSV otherwise.
    ///
    /// # Errors
    ///
    /// As [`GazetteerBuilder::add_tsv_reader`], with the path in each
    /// message.
    pub fn add_path(&mut self, path: impl AsRef<Path>) -> Result<usize, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io(format!("{name}: {e}"))))?;
        let jsonl = matches!(path.extension().and_then(|e| e.to_str()), Some("jsonl" | "ndjson"));
        if jsonl {
            self.add_jsonl_reader(file, Some(&name))
        } else {
            self.add_tsv_reader(file, Some(&name))
        }
    }

    /// Compiles the entries into a [`Gazetteer`].
    ///
    /// # Errors
    ///
    /// When the tables cannot be built (more than 2³² − 1 keys, trie nodes
    /// or distinct tokens, or 4 GiB of token text).
    pub fn build(&self) -> Result<Gazetteer, Error> {
        let tk = Tokenizer::new();
        let mut vocab = Vocab::default();
        let mut gen = KeyGen::default();
        // One candidate per alias, and the keys of all.
        let mut aliases: Vec<Cand> = Vec::new();
        let mut keys = Keys::default();
        for (i, entry) in self.entries.iter().enumerate() {
            for (a, alias) in entry.matched_aliases() {
                let rule = gen.generate(&tk, alias, entry.case_mode())?;
                let alias_index = u32::try_from(aliases.len()).map_err(|_| {
                    Error::new(ErrorKind::Build("too many gazetteer aliases".into()))
                })?;
                aliases.push(Cand { entry: i as u32, alias: a as u32, rule, trim: 0, last: false });
                keys.add(&gen, &mut vocab, alias_index)?;
            }
        }
        let alias_count = aliases.len();
        let short_names = ShortNames::build(&self.entries, &tk, &mut vocab)?;
        vocab.shrink_to_fit();
        let trie = Trie::build(vocab.len(), keys.toks, keys.recs, aliases)?;
        // The entries are compiled after the trie, so that they and the
        // trie's working memory are not needed at the same time. Their
        // names are shared with the entries, not copied.
        let entries = self
            .entries
            .iter()
            .zip(&self.priorities)
            .map(|(entry, &priority)| CompiledEntry {
                entry: entry.clone(),
                canonical: entry.shared_canonical().clone(),
                label: entry.shared_label().clone(),
                priority,
            })
            .collect();
        Ok(Gazetteer {
            inner: Arc::new(Inner {
                entries,
                vocab,
                trie,
                alias_count,
                short_names,
                tokenizer: tk,
            }),
        })
    }
}

/// The keys of all aliases, as the trie is built from them.
#[derive(Default)]
struct Keys {
    /// The tokens (vocabulary numbers) of every key, one after the other.
    toks: Vec<u32>,
    /// One record per key: its tokens, trim and alias.
    recs: Vec<KeyRec>,
    /// Per piece of the current alias: its vocabulary number, or `NONE`
    /// until it is interned (once, for all the alias's keys).
    piece_ids: Vec<u32>,
    plurals: Plurals,
}

impl Keys {
    /// Adds the keys that `gen` made for alias number `alias`, interning
    /// their tokens in `vocab`.
    fn add(&mut self, gen: &KeyGen, vocab: &mut Vocab, alias: u32) -> Result<(), Error> {
        self.piece_ids.clear();
        self.piece_ids.resize(gen.pieces_len(), NONE);
        // A key made twice (with different trims) is left to the trie,
        // which keeps the smaller trim.
        for (pieces, trim) in gen.keys() {
            let start = self.toks.len();
            for &p in pieces {
                let id = &mut self.piece_ids[p as usize];
                if *id == NONE {
                    *id = vocab.intern(gen.piece(p))?;
                }
                self.toks.push(*id);
            }
            // A plural: its last token is the last piece with the ending.
            if let Some(&p) = pieces.last().filter(|_| trim > 0) {
                let last = &mut self.toks[start + pieces.len() - 1];
                *last = self.plurals.get(vocab, gen.piece(p), *last, trim)?;
            }
            self.recs.push(KeyRec::new(start, pieces.len() as u32, trim, alias)?);
        }
        Ok(())
    }
}

/// The vocabulary numbers of plurals, by the number of the word and the
/// ending: a word ends many aliases ("forces", "army"), so its plurals are
/// written and interned once rather than once per alias.
#[derive(Default)]
struct Plurals {
    /// Per word number: the numbers of the word + `s` and + `es`, or `NONE`.
    ids: Vec<[u32; 2]>,
    /// Scratch for the text of a plural.
    text: String,
}

impl Plurals {
    /// The number of `word` (number `word_id`) with the plural ending of
    /// `trim` (1 or 2), interned when new.
    fn get(&mut self, vocab: &mut Vocab, word: &str, word_id: u32, trim: u8) -> Result<u32, Error> {
        let w = word_id as usize;
        if w >= self.ids.len() {
            self.ids.resize(vocab.len(), [NONE; 2]);
        }
        let id = &mut self.ids[w][usize::from(trim) - 1];
        if *id == NONE {
            self.text.clear();
            self.text.push_str(word);
            self.text.push_str(keys::ending(trim));
            *id = vocab.intern(&self.text)?;
        }
        Ok(*id)
    }
}

/// The entry checks that do not depend on other entries.
fn check_fields(entry: &Entry) -> Result<(), Error> {
    if entry.canonical().trim().is_empty() {
        return Err(Error::new(ErrorKind::EmptyField("canonical name".into())));
    }
    if entry.label().trim().is_empty() {
        return Err(Error::new(ErrorKind::EmptyField("label".into())));
    }
    if entry.aliases().iter().any(|a| a.trim().is_empty()) {
        return Err(Error::new(ErrorKind::EmptyAlias));
    }
    Ok(())
}

/// An entry with a stable id, standing for its id in a set: the set holds
/// the entries themselves rather than a copy of each id.
#[derive(Clone, Debug)]
struct ById(Arc<Entry>);

impl ById {
    fn id(&self) -> &str {
        self.0.stable_id().unwrap_or_default()
    }
}

impl PartialEq for ById {
    fn eq(&self, other: &ById) -> bool {
        self.id() == other.id()
    }
}

impl Eq for ById {}

impl std::hash::Hash for ById {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

fn finish(errors: Vec<Error>, added: usize) -> Result<usize, Error> {
    if errors.is_empty() {
        Ok(added)
    } else {
        Err(Error::many(errors))
    }
}

fn read_utf8<R: Read>(mut reader: R, name: Option<&str>) -> Result<String, Error> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| {
        Error::new(ErrorKind::Io(match name {
            Some(n) => format!("{n}: {e}"),
            None => e.to_string(),
        }))
    })?;
    String::from_utf8(bytes).map_err(|e| crate::error::not_utf8(&e, name))
}

/// An entry a key stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cand {
    entry: u32,
    /// Which of the entry's aliases made the key.
    alias: u32,
    rule: CaseRule,
    /// Bytes of plural ending to leave out of the span.
    trim: u8,
    /// The last candidate of its key.
    last: bool,
}

#[derive(Debug)]
pub(crate) struct CompiledEntry {
    pub entry: Arc<Entry>,
    pub canonical: Arc<str>,
    pub label: Arc<str>,
    pub priority: i32,
}

#[derive(Debug)]
struct Inner {
    entries: Vec<CompiledEntry>,
    vocab: Vocab,
    trie: Trie,
    alias_count: usize,
    /// The persons' short names (see [`ShortNames`]).
    short_names: ShortNames,
    tokenizer: Tokenizer,
}

/// A compiled gazetteer: immutable, `Send + Sync` and cheap to clone (the
/// tables are shared).
#[derive(Clone, Debug)]
pub struct Gazetteer {
    inner: Arc<Inner>,
}

/// One gazetteer match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazMatch {
    /// Byte offsets of the name in the text (a plural ending left out).
    pub span: Span,
    /// The tokens the match covers.
    pub tokens: Range<usize>,
    /// The chosen entry.
    pub entry: EntryId,
    /// Other entries the same alias belongs to.
    pub alternatives: Vec<EntryId>,
}

/// Reusable buffers for matching.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    norm: String,
    /// Vocabulary number of each token (`Vocab::miss` when in no key).
    ids: Vec<u32>,
    /// The rules' shapes of each token, when [`Scratch::shape_tokens`]
    /// asked for them (else those of an earlier text, which
    /// [`Gazetteer::token_shapes`] does not give).
    shapes: Vec<u16>,
    shaped: bool,
    /// The ids and shapes of short words met in earlier texts, for
    /// `ids_and_shapes_into`.
    words: crate::patterns::WordCache,
}

impl Scratch {
    /// Whether [`Gazetteer::find_into`] also gives the tokens' shapes (see
    /// [`Gazetteer::token_shapes`]): it computes them in its pass over the
    /// tokens' words, for the rules that read them.
    pub(crate) fn shape_tokens(&mut self, shaped: bool) {
        self.shaped = shaped;
    }
}

impl Gazetteer {
    /// A gazetteer with no entries.
    pub fn empty() -> Gazetteer {
        GazetteerBuilder::new().build().expect("an empty gazetteer builds")
    }

    /// The number of entries.
    pub fn entries_len(&self) -> usize {
        self.inner.entries.len()
    }

    /// The number of aliases (canonical names included).
    pub fn aliases_len(&self) -> usize {
        self.inner.alias_count
    }

    /// The entry with this id.
    ///
    /// # Panics
    ///
    /// When `id` does not come from this gazetteer.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.inner.entries[id.as_usize()].entry
    }

    /// All entries, indexed by [`EntryId::as_usize`].
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> + '_ {
        self.inner.entries.iter().map(|e| &*e.entry)
    }

    pub(crate) fn compiled(&self, id: EntryId) -> &CompiledEntry {
        &self.inner.entries[id.as_usize()]
    }

    /// Bytes of heap memory the matching tables use: the vocabulary of
    /// token normal forms, the key trie and the candidate table (the
    /// entries themselves not counted).
    pub fn memory_usage(&self) -> usize {
        self.inner.vocab.heap_bytes()
            + self.inner.trie.heap_bytes()
            + self.inner.short_names.heap_bytes()
    }

    /// Links the persons' short names in `text` (see [`ShortNames::link`]),
    /// after [`Gazetteer::find_into`] matched its `tokens` with `scratch`
    /// and linking made `entities` and their coverage `covered`;
    /// `capitals` is the set of the tokens whose first character is a
    /// capital, when linking made it.
    pub(crate) fn link_short_names(
        &self,
        text: &str,
        tokens: &[Token],
        scratch: &Scratch,
        entities: &mut Vec<Entity>,
        covered: &mut Vec<Option<usize>>,
        capitals: Option<&[u64]>,
    ) {
        let Some(ids) = self.token_ids(scratch, tokens.len()) else { return };
        let entries = &self.inner.entries;
        let entry = |k: u32| &entries[k as usize];
        self.inner.short_names.link(text, tokens, ids, entities, covered, capitals, entry);
    }

    /// The vocabulary of the keys' words, whose numbers
    /// [`Gazetteer::token_ids`] gives.
    pub(crate) fn vocab(&self) -> &Vocab {
        &self.inner.vocab
    }

    /// The vocabulary of the keys' words, to add words no key has (see
    /// `WordMap::add_words_to`); `None` once the gazetteer is shared. A
    /// word added has a number past the keys' words, which the trie has no
    /// edge for: matches do not change.
    pub(crate) fn vocab_mut(&mut self) -> Option<&mut Vocab> {
        Arc::get_mut(&mut self.inner).map(|inner| &mut inner.vocab)
    }

    /// The vocabulary numbers of the tokens of the text [`find_into`] last
    /// matched with `scratch`, which had `tokens` tokens ([`Vocab::miss`]
    /// for a token in no key); `None` when it looked none up (a gazetteer
    /// without keys does not). For other work on that text's words.
    ///
    /// [`find_into`]: Gazetteer::find_into
    pub(crate) fn token_ids<'s>(&self, scratch: &'s Scratch, tokens: usize) -> Option<&'s [u32]> {
        (!self.inner.trie.is_empty() && scratch.ids.len() == tokens).then_some(&scratch.ids)
    }

    /// The shapes of the tokens of the text [`find_into`] last matched
    /// with `scratch`, which had `tokens` tokens, as the rules compute them;
    /// `None` when it did not compute them (not asked to, see
    /// [`Scratch::shape_tokens`], or no keys).
    ///
    /// [`find_into`]: Gazetteer::find_into
    pub(crate) fn token_shapes<'s>(
        &self,
        scratch: &'s Scratch,
        tokens: usize,
    ) -> Option<&'s [u16]> {
        let fits = !self.inner.trie.is_empty() && scratch.shaped && scratch.shapes.len() == tokens;
        fits.then_some(&scratch.shapes)
    }

    /// Finds the entries named in `text`, in text order, without overlaps.
    ///
    /// # Examples
    ///
    /// ```
    /// use recon::{Entry, GazetteerBuilder};
    ///
    /// let mut gaz = GazetteerBuilder::new();
    /// gaz.add(Entry::new("Su-35", "WEAPON_SYSTEM"))?;
    /// let gaz = gaz.build()?;
    /// let text = "Two SU-35s and an Su 35, not an Su-355.";
    /// let found: Vec<&str> = gaz.find_all(text).iter().map(|m| &text[m.span]).collect();
    /// assert_eq!(found, ["SU-35", "Su 35"]);
    /// # Ok::<(), recon::Error>(())
    /// ```
    pub fn find_all(&self, text: &str) -> Vec<GazMatch> {
        // Tokens, sentences, the sentence scan's stops, matching scratch
        // and matches.
        type Buffers = (Vec<Token>, Vec<Sentence>, Vec<usize>, Scratch, Vec<GazMatch>);
        thread_local! {
            // Buffers reused across calls on one thread: tokenizing and
            // matching allocate nothing once they have grown.
            static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
        }
        crate::reuse::with_reused(
            &BUFFERS,
            |_| true,
            |(tokens, sentences, stops, scratch, found)| {
                let tk = self.inner.tokenizer;
                tk.tokenize_and_split_into(text, tokens, sentences, stops);
                found.clear();
                self.find_into(text, tokens, sentences, scratch, found);
                // One allocation of the right size for the result.
                let mut out = Vec::with_capacity(found.len());
                out.append(found);
                out
            },
        )
    }

    /// Matches over already tokenized text, appending to `out`.
    pub(crate) fn find_into(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Sentence],
        scratch: &mut Scratch,
        out: &mut Vec<GazMatch>,
    ) {
        let Inner { vocab, trie, .. } = &*self.inner;
        if trie.is_empty() {
            return;
        }
        let Scratch { norm, ids, shapes, shaped, words } = scratch;
        // A token in no key gets `miss`, which the trie has no edge for.
        let miss = vocab.miss();
        if *shaped {
            crate::patterns::ids_and_shapes_into(vocab, text, tokens, ids, shapes, norm, words);
        } else {
            vocab.token_ids(text, tokens, ids, norm);
        }
        // Matches stay inside a sentence: `stop` is where the sentence of
        // token `i` ends. It is found once per sentence, and the tokens up
        // to it are the slice `seg`: one bounds check also stops a walk at
        // the sentence's end.
        let mut next_sentence = 0;
        let mut i = 0;
        while i < tokens.len() {
            while sentences.get(next_sentence).is_some_and(|s| s.tokens.start <= i) {
                next_sentence += 1;
            }
            let stop = sentences.get(next_sentence).map_or(tokens.len(), |s| s.tokens.start);
            let seg = &ids[..stop.min(ids.len())];
            while let Some(&first) = seg.get(i) {
                i = match self.match_at(text, tokens, seg, i, first, miss) {
                    Some(m) => {
                        let end = m.tokens.end;
                        out.push(m);
                        end
                    }
                    None => i + 1,
                };
            }
        }
    }

    /// The match that starts at token `i` (of vocabulary number `first`),
    /// if any: the longest key from there along `seg` (the numbers of the
    /// tokens up to the end of the sentence) whose candidates pass the case
    /// rules. (When the longest key fails them, nothing starts at `i`.)
    #[inline]
    fn match_at(
        &self,
        text: &str,
        tokens: &[Token],
        seg: &[u32],
        i: usize,
        first: u32,
        miss: u32,
    ) -> Option<GazMatch> {
        let trie = &self.inner.trie;
        let root = trie.root_entry(first);
        if root == NONE {
            return None;
        }
        // Walk as far as the trie goes; the longest key found wins. Whether
        // one ends at the root's child comes with it.
        let mut node = root & !ROOT_KEY;
        let mut end = i + 1;
        let mut longest = (root & ROOT_KEY != 0).then_some((node, end));
        loop {
            // A token in no key has no edge: no need to search for it.
            let next = match seg.get(end) {
                Some(&id) if id != miss => trie.child(node, id),
                _ => break,
            };
            if next == NONE {
                break;
            }
            node = next;
            end += 1;
            if trie.is_key(node) {
                longest = Some((node, end));
            }
        }
        let (node, end) = longest?;
        let cands = trie.cands(node);
        // Most keys have one candidate: it passes or fails alone, with none
        // of the ranking (or its buffers) `choose` sets up.
        let (span, entry, alternatives) = match cands {
            [c] => self
                .check_lone(text, tokens, i..end, *c)
                .map(|span| (span, EntryId(c.entry), Vec::new())),
            _ => self.choose(text, tokens, i..end, cands),
        }?;
        Some(GazMatch { span, tokens: i..end, entry, alternatives })
    }

    /// The span of a key with the one candidate `c`, when `c` passes the
    /// plural and case checks: what [`Gazetteer::choose`] decides for a
    /// single candidate (no ranking, no alternatives), kept small so that
    /// the matching loop stays tight.
    #[inline]
    fn check_lone(
        &self,
        text: &str,
        tokens: &[Token],
        range: Range<usize>,
        c: Cand,
    ) -> Option<Span> {
        let span = candidate_span(text, tokens, range, c.trim)?;
        // A case rule needs the alias as written (three loads away).
        if c.rule != CaseRule::Insensitive {
            self.case_check(text, span, c)?;
        }
        Some(span)
    }

    /// Whether `c`'s alias agrees in case with `text[span]` under its case
    /// rule: `Some(true)` when written exactly so (which agrees under every
    /// rule), `Some(false)` when it agrees otherwise, `None` when not.
    fn case_check(&self, text: &str, span: Span, c: Cand) -> Option<bool> {
        let alias = &self.inner.entries[c.entry as usize].entry.aliases()[c.alias as usize];
        let found = &text[span];
        let exact = alias == found;
        (exact || case_agrees(c.rule, alias, found)).then_some(exact)
    }

    /// Applies the plural and case checks and the documented choice among
    /// several candidates ([`Gazetteer::check_lone`] takes a lone one).
    /// Out of line: keys with several candidates are rare, and inlined it
    /// would crowd the registers of the matching loop.
    #[inline(never)]
    fn choose(
        &self,
        text: &str,
        tokens: &[Token],
        range: Range<usize>,
        cands: &[Cand],
    ) -> Option<(Span, EntryId, Vec<EntryId>)> {
        let entries = &self.inner.entries;
        let mut best: Option<(Cand, bool, Span)> = None;
        let mut passing: Vec<u32> = Vec::new();
        for &c in cands {
            let Some(span) = candidate_span(text, tokens, range.clone(), c.trim) else { continue };
            let Some(exact) = self.case_check(text, span, c) else { continue };
            passing.push(c.entry);
            let better = match &best {
                None => true,
                Some((b, b_exact, _)) => {
                    let (cp, bp) =
                        (entries[c.entry as usize].priority, entries[b.entry as usize].priority);
                    (c.trim == 0, exact, cp, std::cmp::Reverse(c.entry))
                        > (b.trim == 0, *b_exact, bp, std::cmp::Reverse(b.entry))
                }
            };
            if better {
                best = Some((c, exact, span));
            }
        }
        let (b, _, span) = best?;
        let alternatives = passing.into_iter().filter(|&e| e != b.entry).map(EntryId).collect();
        Some((span, EntryId(b.entry), alternatives))
    }
}

/// The span a key over `tokens[range]` gives a candidate that leaves
/// `trim` bytes of plural ending out, or `None` when that ending is not in
/// lower case or cuts the name to nothing or inside a character: the plural
/// check every candidate passes, alone or among several.
#[inline]
fn candidate_span(text: &str, tokens: &[Token], range: Range<usize>, trim: u8) -> Option<Span> {
    let start = tokens[range.start].span.start;
    let full_end = tokens[range.end - 1].span.end;
    let end = full_end.checked_sub(usize::from(trim))?;
    if end <= start || !text.is_char_boundary(end) {
        return None;
    }
    let suffix = text.as_bytes().get(end..full_end)?;
    suffix.iter().all(u8::is_ascii_lowercase).then(|| Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz(entries: Vec<Entry>) -> Gazetteer {
        let mut b = GazetteerBuilder::new();
        for e in entries {
            b.add(e).unwrap();
        }
        b.build().unwrap()
    }

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        g.find_all(text)
            .into_iter()
            .map(|m| (text[m.span].to_string(), g.entry(m.entry).canonical().to_string()))
            .collect()
    }

    fn t(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn leftmost_longest_on_token_boundaries() {
        let g = gaz(vec![
            Entry::new("China", "LOCATION"),
            Entry::new("South China Sea", "LOCATION"),
            Entry::new("PLA", "MILITARY_UNIT"),
            Entry::new("PLA General Armaments Department", "MILITARY_UNIT"),
        ]);
        assert_eq!(
            found(&g, "In the South China Sea, the PLA General Armaments Department and the PLA met China."),
            t(&[("South China Sea", "South China Sea"), ("PLA General Armaments Department", "PLA General Armaments Department"), ("PLA", "PLA"), ("China", "China")])
        );
        assert!(found(&g, "chinaware and Chinatown").is_empty());
        // The longer key fails at "Seaside": the shorter one at the same start is found.
        assert_eq!(found(&g, "South China Seaside"), t(&[("China", "China")]));
    }

    #[test]
    fn case_rules() {
        let g = gaz(vec![
            Entry::new("United States", "LOCATION").alias("US"),
            Entry::new("Patriot", "WEAPON_SYSTEM"),
            Entry::new("China", "LOCATION"),
        ]);
        assert_eq!(found(&g, "the US told us"), t(&[("US", "United States")]));
        assert_eq!(found(&g, "a patriotic patriot bought a Patriot"), t(&[("Patriot", "Patriot")]));
        assert_eq!(
            found(&g, "CHINA buys china from China"),
            t(&[("CHINA", "China"), ("China", "China")])
        );
        assert_eq!(found(&g, "the USS Carney"), t(&[]));
        assert_eq!(found(&g, "the united states"), t(&[("united states", "United States")]));
    }

    #[test]
    fn per_entry_case_override() {
        let g = gaz(vec![Entry::new("Hamas", "ORGANIZATION").case(CaseMode::Insensitive)]);
        assert_eq!(found(&g, "HAMAS and hamas"), t(&[("HAMAS", "Hamas"), ("hamas", "Hamas")]));
        let g = gaz(vec![Entry::new("South China Sea", "LOCATION").case(CaseMode::Sensitive)]);
        assert_eq!(
            found(&g, "south china sea, South China Sea"),
            t(&[("South China Sea", "South China Sea")])
        );
    }

    #[test]
    fn designator_variants_and_plurals() {
        let g = gaz(vec![
            Entry::new("Su-35", "WEAPON_SYSTEM"),
            Entry::new("S-400", "WEAPON_SYSTEM"),
            Entry::new("F-16", "WEAPON_SYSTEM"),
            Entry::new("Rafale", "WEAPON_SYSTEM"),
            Entry::new("Type 055", "WEAPON_SYSTEM"),
            Entry::new("Israel", "LOCATION"),
        ]);
        let text = "Su-35, SU-35, Su 35, Su35, S400, S-400s, F-16s, Rafales, Type-055, Israel's and Israel’s; not Su-355 or F-161";
        assert_eq!(
            found(&g, text).into_iter().map(|p| p.0).collect::<Vec<_>>(),
            [
                "Su-35", "SU-35", "Su 35", "Su35", "S400", "S-400", "F-16", "Rafale", "Type-055",
                "Israel", "Israel"
            ]
        );
    }

    #[test]
    fn ambiguous_alias_keeps_candidates() {
        let mut b = GazetteerBuilder::new();
        let country = b.add(Entry::new("Georgia", "LOCATION").id("country:GE")).unwrap();
        b.priority(5);
        let state = b.add(Entry::new("Georgia (U.S. state)", "LOCATION").alias("Georgia")).unwrap();
        let g = b.build().unwrap();
        let m = &g.find_all("troops in Georgia")[0];
        // Both write "Georgia" exactly; the higher priority wins.
        assert_eq!(m.entry, state);
        assert_eq!(m.alternatives, vec![country]);
    }

    #[test]
    fn no_match_across_sentences() {
        let g = gaz(vec![Entry::new("New York", "LOCATION")]);
        assert!(found(&g, "It was new. York fell.").is_empty());
    }

    #[test]
    fn duplicate_id_is_an_error() {
        let mut b = GazetteerBuilder::new();
        b.add(Entry::new("A", "X").id("x")).unwrap();
        let e = b.add(Entry::new("B", "X").id("x")).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DuplicateId("x".into()));
    }

    #[test]
    fn tokens_in_no_key_stop_a_match() {
        let long = "Supercalifragilisticexpialidocious-Mk-1234";
        let g = gaz(vec![
            Entry::new("Iron Dome", "WEAPON_SYSTEM"),
            Entry::new("Zürich", "LOCATION"),
            Entry::new(long, "WEAPON_SYSTEM"),
        ]);
        assert_eq!(found(&g, "Iron Dome"), t(&[("Iron Dome", "Iron Dome")]));
        // "Xyzzy" is in no key: nothing runs through it, at the end or not.
        assert!(found(&g, "Iron Xyzzy Dome").is_empty());
        assert!(found(&g, "Iron Xyzzy").is_empty());
        assert!(found(&g, "Iron").is_empty());
        // Non-ASCII tokens and tokens longer than the ASCII fast path.
        assert_eq!(found(&g, "in ZÜRICH, not zürich"), t(&[("ZÜRICH", "Zürich")]));
        let upper = long.to_uppercase();
        let text = format!("the {long} and the {} or {upper}.", &long[..long.len() - 1]);
        assert_eq!(found(&g, &text), t(&[(long, long), (&upper, long)]));
        // An empty gazetteer finds nothing.
        assert!(Gazetteer::empty().find_all("Iron Dome").is_empty());
    }

    /// The shapes `find_into` gives when asked ([`Scratch::shape_tokens`])
    /// are the rules' shapes of the text it last matched, and there are
    /// none when it was not asked, though a text of as many tokens was
    /// shaped just before.
    #[test]
    fn token_shapes_are_the_last_texts_when_asked() {
        let g = gaz(vec![Entry::new("New York", "LOCATION")]);
        let tk = Tokenizer::new();
        let (mut sc, mut rules) = (Scratch::default(), crate::patterns::Scratch::default());
        let mut out = Vec::new();
        let texts = [
            ("New York , NATO 1999", true),
            ("new york ; nato 2099", false),
            ("NEW YORK: Nato first", true),
            ("Paris , Texas , 1900", true),
        ];
        for (text, shaped) in texts {
            let tokens = tk.tokenize(text);
            assert_eq!(tokens.len(), 5, "{text}");
            sc.shape_tokens(shaped);
            g.find_into(text, &tokens, &tk.sentences(text, &tokens), &mut sc, &mut out);
            rules.share_shapes(text, &tokens);
            let want = shaped.then(|| rules.shared_capitals().0);
            assert_eq!(g.token_shapes(&sc, tokens.len()), want, "{text}");
            assert_eq!(g.token_ids(&sc, tokens.len()).map(<[u32]>::len), Some(5), "{text}");
        }
    }

    #[test]
    fn matches_stay_inside_sentences() {
        let g = gaz(vec![Entry::new("New York", "LOCATION"), Entry::new("York", "LOCATION")]);
        let text = "New York New York New York";
        let tk = Tokenizer::new();
        let tokens = tk.tokenize(text);
        let sentence = |r: Range<usize>| Sentence {
            span: Span::new(tokens[r.start].span.start, tokens[r.end - 1].span.end),
            tokens: r,
        };
        // Sentences cut between "New" and "York" (tokens 2 | 3), and after
        // a whole "New York" (tokens 4 | 5).
        let sentences = [sentence(0..3), sentence(3..4), sentence(4..6)];
        let mut out = Vec::new();
        g.find_into(text, &tokens, &sentences, &mut Scratch::default(), &mut out);
        let got: Vec<(Range<usize>, &str)> =
            out.iter().map(|m| (m.tokens.clone(), g.entry(m.entry).canonical())).collect();
        assert_eq!(got, [(0..2, "New York"), (3..4, "York"), (4..6, "New York")]);
        // One sentence: three matches.
        let mut out = Vec::new();
        g.find_into(text, &tokens, &[sentence(0..6)], &mut Scratch::default(), &mut out);
        assert_eq!(out.iter().map(|m| m.tokens.clone()).collect::<Vec<_>>(), [0..2, 2..4, 4..6]);
    }

    #[test]
    fn longest_key_failing_the_case_rule_blocks_its_start() {
        // At a position, only the longest key is tried; when its case check
        // fails, nothing starts there (not even a shorter key) and matching
        // goes on at the next token.
        let g = gaz(vec![
            Entry::new("Patriot", "WEAPON_SYSTEM"),
            Entry::new("Patriot missile", "WEAPON_SYSTEM").case(CaseMode::Sensitive),
            Entry::new("missile", "WEAPON_SYSTEM"),
        ]);
        assert_eq!(found(&g, "a Patriot missile"), t(&[("Patriot missile", "Patriot missile")]));
        assert_eq!(found(&g, "a PATRIOT missile"), t(&[("missile", "missile")]));
        assert_eq!(found(&g, "a PATRIOT"), t(&[("PATRIOT", "Patriot")]));
        // A plural key whose ending is in capitals fails the same way.
        let g = gaz(vec![
            Entry::new("Tomahawk", "WEAPON_SYSTEM"),
            Entry::new("Tomahawk cruise missile", "WEAPON_SYSTEM"),
        ]);
        assert_eq!(
            found(&g, "Tomahawk cruise missiles"),
            t(&[("Tomahawk cruise missile", "Tomahawk cruise missile")])
        );
        assert!(found(&g, "TOMAHAWK CRUISE MISSILES").is_empty());
        assert_eq!(found(&g, "TOMAHAWK CRUISE"), t(&[("TOMAHAWK", "Tomahawk")]));
    }

    #[test]
    fn multi_token_designator_variants() {
        let g = gaz(vec![
            Entry::new("Su-35 Flanker-E", "WEAPON_SYSTEM"),
            Entry::new("Type 055 destroyer", "WEAPON_SYSTEM"),
        ]);
        // "Flanker-E" is three tokens (no digit: not a designator), so
        // "flanker E" (no hyphen) and "FlankerE" (one token) are not it.
        let text =
            "Su-35 Flanker-E, SU 35 flanker E, Su35 FlankerE, SU35 flanker-e, Su 35 Flanker-Es, \
                    Type-055 destroyers, type055 destroyer, Type 055 Destroyer; not Su-35 Flanker";
        assert_eq!(
            found(&g, text).into_iter().map(|p| p.0).collect::<Vec<_>>(),
            [
                "Su-35 Flanker-E",
                "SU35 flanker-e",
                "Su 35 Flanker-E",
                "Type-055 destroyer",
                "type055 destroyer",
                "Type 055 Destroyer"
            ]
        );
    }

    #[test]
    fn plurals_leave_their_ending_out() {
        let g = gaz(vec![
            Entry::new("F-16", "WEAPON_SYSTEM"),
            Entry::new("Bus", "VEHICLE"),
            Entry::new("Hama", "LOCATION"),
            Entry::new("Hamas", "ORGANIZATION"),
        ]);
        assert_eq!(
            found(&g, "F-16s, Buses, BUS, Hamas and Hama"),
            t(&[
                ("F-16", "F-16"),
                ("Bus", "Bus"),
                ("BUS", "Bus"),
                ("Hamas", "Hamas"),
                ("Hama", "Hama")
            ])
        );
        // The ending must be in lower case.
        assert!(found(&g, "F-16S").is_empty());
        // Spans are byte offsets in the text, plural ending left out.
        let m = &g.find_all("two F-16s")[0];
        assert_eq!((m.span, m.tokens.clone()), (Span::new(4, 8), 1..2));
    }

    #[test]
    fn memory_usage_counts_the_tables() {
        let small = gaz(vec![Entry::new("A", "X")]);
        let entries: Vec<Entry> =
            (0..2000).map(|i| Entry::new(format!("Name{i} Surname{i}"), "PERSON")).collect();
        let big = gaz(entries);
        assert!(small.memory_usage() > 0);
        // Each of 4,000 keys costs at least a candidate and a trie node.
        assert!(big.memory_usage() > small.memory_usage() + 4000 * 16, "{}", big.memory_usage());
        assert_eq!(big.aliases_len(), 2000);
        assert_eq!(found(&big, "Name7 Surname7s"), t(&[("Name7 Surname7", "Name7 Surname7")]));
    }
}
