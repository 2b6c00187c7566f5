//! [`Consents`]: the consent records ConsentExecutor keeps (`backend/internal/consent`), one ACTIVE
//! record per application and user, updated in place as the user answers later prompts.
//!
//! A record whose `validityTime` has passed reads as EXPIRED (`effectiveStatus`): a search for
//! active consents skips it and the next answer starts a new record. Memory is bounded: an expired
//! record is dropped when a new one replaces it, and past [`MAX_RECORDS`] the oldest goes.

/// At most this many records are kept.
pub(crate) const MAX_RECORDS: usize = 10_000;

/// One consent record (`consent.Consent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Consent {
    pub id: String,
    /// The application id (`groupId`).
    pub group_id: String,
    /// Unix seconds; 0 never expires.
    pub validity_time: u64,
    pub purposes: Vec<PurposeItem>,
    pub authorizations: Vec<Authorization>,
}

/// A purpose and the user's answer for each of its elements (`ConsentPurposeItem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PurposeItem {
    pub name: String,
    pub elements: Vec<ElementApproval>,
}

/// One element's answer (`ConsentElementApproval`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElementApproval {
    pub name: String,
    pub namespace: Namespace,
    pub approved: bool,
}

/// What an element names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Namespace {
    Attribute,
    Permission,
}

/// Who authorized the record (`ConsentAuthorization`): always the user, type AUTHORIZATION,
/// status APPROVED, replaced on every update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub id: String,
    pub user_id: String,
    /// Unix seconds.
    pub updated_time: u64,
}

impl Consent {
    /// `effectiveStatus`: ACTIVE until `validity_time` (when set).
    pub(crate) fn is_active(&self, now: u64) -> bool {
        self.validity_time == 0 || now < self.validity_time
    }

    fn belongs_to(&self, app_id: &str, user_id: &str) -> bool {
        self.group_id == app_id && self.authorizations.iter().any(|a| a.user_id == user_id)
    }

    /// The approved element names of one purpose, first occurrences in record order.
    pub(crate) fn approved(&self, purpose: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(item) = self.purposes.iter().find(|p| p.name == purpose) {
            for element in item.elements.iter().filter(|e| e.approved) {
                if !out.contains(&element.name) {
                    out.push(element.name.clone());
                }
            }
        }
        out
    }
}

/// The consent records of one server.
#[derive(Debug, Default)]
pub(crate) struct Consents {
    /// Oldest first.
    records: Vec<Consent>,
}

/// What an answer writes: the ids a new record or authorization takes, and when.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub app_id: String,
    pub user_id: String,
    /// The prompted purposes with the user's answers.
    pub purposes: Vec<PurposeItem>,
    /// Unix seconds; 0 never expires.
    pub validity_time: u64,
    /// The id a new record takes.
    pub new_id: String,
    pub authorization_id: String,
    pub now: u64,
}

impl Consents {
    /// The ACTIVE records of `user_id` for `app_id` (`SearchConsents`).
    pub(crate) fn active(&self, app_id: &str, user_id: &str, now: u64) -> Vec<Consent> {
        self.records
            .iter()
            .filter(|c| c.belongs_to(app_id, user_id) && c.is_active(now))
            .cloned()
            .collect()
    }

    /// Record an answer: merged into the first ACTIVE record of the pair, else a new record
    /// (`updateExistingConsent` / `createNewConsent`). Returns the record as stored.
    pub(crate) fn record(&mut self, answer: Answer) -> Consent {
        let authorization = Authorization {
            id: answer.authorization_id,
            user_id: answer.user_id.clone(),
            updated_time: answer.now,
        };
        let now = answer.now;
        let existing = self
            .records
            .iter_mut()
            .find(|c| c.belongs_to(&answer.app_id, &answer.user_id) && c.is_active(now));
        if let Some(record) = existing {
            record.purposes = merge(&record.purposes, answer.purposes);
            record.validity_time = answer.validity_time;
            record.authorizations = vec![authorization];
            return record.clone();
        }
        // An expired record of the pair is never read again: the new one takes its place.
        self.records
            .retain(|c| !c.belongs_to(&answer.app_id, &answer.user_id) || c.is_active(now));
        if self.records.len() >= MAX_RECORDS {
            self.records.remove(0);
        }
        let record = Consent {
            id: answer.new_id,
            group_id: answer.app_id,
            validity_time: answer.validity_time,
            purposes: merge(&[], answer.purposes),
            authorizations: vec![authorization],
        };
        self.records.push(record.clone());
        record
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }
}

/// `mergeConsentPurposes`: each incoming purpose keeps the existing elements in their order, then
/// its new ones; an incoming answer replaces an existing one. Purposes left without elements are
/// dropped; existing purposes the answer did not cover follow, unchanged.
fn merge(existing: &[PurposeItem], incoming: Vec<PurposeItem>) -> Vec<PurposeItem> {
    let mut merged: Vec<PurposeItem> = Vec::with_capacity(existing.len() + incoming.len());
    let mut covered: Vec<String> = Vec::new();
    for purpose in incoming {
        covered.push(purpose.name.clone());
        let mut elements: Vec<ElementApproval> = existing
            .iter()
            .find(|p| p.name == purpose.name)
            .map(|p| p.elements.clone())
            .unwrap_or_default();
        for element in purpose.elements {
            match elements.iter_mut().find(|e| e.name == element.name) {
                Some(slot) => *slot = element,
                None => elements.push(element),
            }
        }
        if !elements.is_empty() {
            merged.push(PurposeItem {
                name: purpose.name,
                elements,
            });
        }
    }
    for purpose in existing {
        if !covered.contains(&purpose.name) && !purpose.elements.is_empty() {
            merged.push(purpose.clone());
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(name: &str, approved: bool) -> ElementApproval {
        ElementApproval {
            name: name.into(),
            namespace: Namespace::Attribute,
            approved,
        }
    }

    fn answer(purposes: Vec<PurposeItem>, validity_time: u64, now: u64, id: &str) -> Answer {
        Answer {
            app_id: "app".into(),
            user_id: "thor".into(),
            purposes,
            validity_time,
            new_id: id.into(),
            authorization_id: format!("auth-{id}"),
            now,
        }
    }

    #[test]
    fn a_later_answer_merges_into_the_active_record() {
        let mut consents = Consents::default();
        let first = PurposeItem {
            name: "attributes:app".into(),
            elements: vec![element("email", true), element("phone", false)],
        };
        consents.record(answer(vec![first], 0, 10, "c1"));
        let second = PurposeItem {
            name: "attributes:app".into(),
            elements: vec![element("phone", true), element("name", true)],
        };
        let stored = consents.record(answer(vec![second], 0, 20, "c2"));
        assert_eq!(stored.id, "c1");
        assert_eq!(
            stored.purposes[0].elements,
            vec![
                element("email", true),
                element("phone", true),
                element("name", true)
            ]
        );
        assert_eq!(
            stored.approved("attributes:app"),
            ["email", "phone", "name"]
        );
        assert_eq!(stored.authorizations[0].id, "auth-c2");
        assert_eq!(consents.len(), 1);
    }

    #[test]
    fn an_expired_record_is_not_active_and_is_replaced() {
        let mut consents = Consents::default();
        let purpose = PurposeItem {
            name: "attributes:app".into(),
            elements: vec![element("email", true)],
        };
        consents.record(answer(vec![purpose.clone()], 100, 10, "c1"));
        assert_eq!(consents.active("app", "thor", 99).len(), 1);
        assert!(consents.active("app", "thor", 100).is_empty());
        assert!(consents.active("other", "thor", 10).is_empty());
        let stored = consents.record(answer(vec![purpose], 0, 100, "c2"));
        assert_eq!(stored.id, "c2");
        assert_eq!(consents.len(), 1);
    }
}
