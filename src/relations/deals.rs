//! Settling who buys and who sells in one sentence's deal.
//!
//! The deal rules read "A signed a contract with B for W" as A buying W
//! from B. They cannot look before a match or at an entity's metadata, so
//! two misreadings are settled here, after the rules, per sentence and
//! weapon:
//!
//! - a manufacturer named as the buyer of a weapon that a party which is
//!   not a manufacturer sells ("Hanwha Aerospace signed a contract with
//!   Poland for K9 howitzers") has the parties swapped
//!   ([`swap_makers_as_buyers`]);
//! - a party named as both the seller and a buyer of one weapon keeps the
//!   sale only ([`drop_sellers_as_buyers`]);
//! - a weapon's own manufacturer is never its buyer ("Lockheed Martin
//!   signed a contract for 24 F-16 jets"), and a manufacturer is never an
//!   operator ("Saab's Gripen"): [`drop_makers_as_buyers_or_operators`].

use crate::document::{Entity, Relation};

/// The `kind` a gazetteer entry of a company that makes weapons has (the
/// default gazetteer's convention; user gazetteers may use it too).
const MANUFACTURER: &str = "manufacturer";

/// True when `e` is a manufacturer by its gazetteer entry.
fn is_maker(e: &Entity) -> bool {
    super::kind(e) == Some(MANUFACTURER)
}

/// Swaps the parties of a deal read backwards: an `ACQUIRES` whose head
/// is a manufacturer, paired in the same sentence with a `SUPPLIES` of the
/// same weapon whose head is not one. "Hanwha Aerospace signed a contract
/// with Poland for K9 howitzers" reads, by the deal rules' word order,
/// Hanwha buying from Poland; a company that makes weapons sells them to a
/// state, its forces or its ministry. The head captures are swapped with
/// the heads, so that [`Extractor::explain`] still shows the buyer as the
/// buyer. Entities without a gazetteer entry are left as read.
///
/// [`Extractor::explain`]: crate::Extractor::explain
pub(crate) fn swap_makers_as_buyers(relations: &mut [Relation], entities: &[Entity]) {
    let is = |r: &Relation, label: &str| &*r.label == label;
    let maker = |k: usize| entities.get(k).is_some_and(is_maker);
    // Most texts have no manufacturer buying: nothing to pair.
    if !relations.iter().any(|r| is(r, "ACQUIRES") && maker(r.head)) {
        return;
    }
    for a in 0..relations.len() {
        if !is(&relations[a], "ACQUIRES") || !maker(relations[a].head) {
            continue;
        }
        let (tail, sentence) = (relations[a].tail, relations[a].sentence.start);
        let Some(s) = relations.iter().position(|r| {
            is(r, "SUPPLIES") && r.tail == tail && r.sentence.start == sentence && !maker(r.head)
        }) else {
            continue;
        };
        let (buyer, seller) = (relations[a].head, relations[s].head);
        let span = |k: usize| entities.get(k).map(Entity::span);
        let (bought, sold) = (span(buyer), span(seller));
        let buyer_capture = bought.and_then(|b| relations[a].captures.head_span(b));
        let seller_capture = sold.and_then(|b| relations[s].captures.head_span(b));
        relations[a].head = seller;
        relations[s].head = buyer;
        if let (Some(bc), Some(sc)) = (buyer_capture, seller_capture) {
            relations[a].captures.replace_span(bc, sc);
            relations[s].captures.replace_span(sc, bc);
        }
    }
}

/// Removes an `ACQUIRES` whose head is, in the same sentence, the seller
/// (`SUPPLIES`) of the same weapon. "India signed a deal with France to
/// buy Rafale jets": the deal rules name France the seller, and the
/// buyer rule, which has no way to look before its buyer, reads "France
/// to buy" as a purchase. A party both selling and buying one weapon in
/// one sentence is that misreading far more often than a fact.
pub(crate) fn drop_sellers_as_buyers(relations: &mut Vec<Relation>) {
    let is = |r: &Relation, label: &str| &*r.label == label;
    // Most texts have no sale: nothing to collect.
    if !relations.iter().any(|r| is(r, "SUPPLIES")) || !relations.iter().any(|r| is(r, "ACQUIRES"))
    {
        return;
    }
    let mut sellers: Vec<(usize, usize, usize)> = relations
        .iter()
        .filter(|r| is(r, "SUPPLIES"))
        .map(|r| (r.head, r.tail, r.sentence.start))
        .collect();
    sellers.sort_unstable();
    relations.retain(|r| {
        !is(r, "ACQUIRES") || sellers.binary_search(&(r.head, r.tail, r.sentence.start)).is_err()
    });
}

/// The gazetteer's `manufacturer` of a weapon's entry (the default
/// gazetteer's column `meta.manufacturer`).
const MADE_BY: &str = "manufacturer";

/// Removes an `ACQUIRES` whose head is the weapon's own manufacturer: the
/// head's canonical name is the weapon entry's `manufacturer`. "Lockheed
/// Martin signed a contract for 24 F-16 jets" is read by the deal rules'
/// word order as Lockheed buying; the maker of a weapon sells it. Without
/// gazetteer entries on both sides nothing is removed.
///
/// Removes too an `OPERATES` whose head is that manufacturer or any
/// company the gazetteer calls a manufacturer: "Saab's Gripen" is the
/// possessive of a product (`MANUFACTURES`, which stays), not of forces
/// that fly it.
pub(crate) fn drop_makers_as_buyers_or_operators(
    relations: &mut Vec<Relation>,
    entities: &[Entity],
) {
    let own = |r: &Relation| {
        let maker = entities.get(r.tail).and_then(|w| super::meta(w, MADE_BY));
        maker.is_some_and(|m| {
            entities.get(r.head).is_some_and(|h| h.entry.is_some() && h.canonical() == m)
        })
    };
    let maker = |k: usize| entities.get(k).is_some_and(is_maker);
    relations.retain(|r| match &*r.label {
        "ACQUIRES" => !own(r),
        "OPERATES" => !own(r) && !maker(r.head),
        _ => true,
    });
}
