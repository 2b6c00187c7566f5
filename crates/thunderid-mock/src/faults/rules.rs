//! [`FaultRules`]: one server's armed rules, their counters, and the choice of the rule that applies
//! to a call. One lock, held only to count and choose: delays and connection resets happen after.

use std::sync::Mutex;

use super::rule::{FaultAction, FaultRule, FaultRuleError, FaultView};

/// The facts of a request a rule can match on.
#[derive(Debug, Default)]
pub(crate) struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub client_id: Option<&'a str>,
    pub user: Option<&'a str>,
    /// The node the flow execution the call continues is at, and the action it submits.
    pub flow_node: Option<&'a str>,
    pub flow_action: Option<&'a str>,
}

#[derive(Debug, Default)]
pub(crate) struct FaultRules {
    inner: Mutex<Armed>,
}

#[derive(Debug, Default)]
struct Armed {
    /// Ids are never reused, not even across a reset, so a stale id cannot remove a new rule.
    issued: u64,
    rules: Vec<FaultView>,
}

impl FaultRules {
    /// More rules than any test needs; the bound keeps a runaway client from growing memory.
    pub(crate) const CAPACITY: usize = 256;

    fn lock(&self) -> std::sync::MutexGuard<'_, Armed> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Arm `rule`; its id.
    pub(crate) fn add(&self, rule: FaultRule) -> Result<String, FaultRuleError> {
        rule.validate()?;
        let mut armed = self.lock();
        if armed.rules.len() >= Self::CAPACITY {
            return Err(FaultRuleError {
                field: "rule".to_owned(),
                reason: format!("at most {} rules may be armed", Self::CAPACITY),
            });
        }
        armed.issued += 1;
        let id = format!("fault-{}", armed.issued);
        armed.rules.push(FaultView {
            id: id.clone(),
            rule,
            seen: 0,
            applied: 0,
        });
        Ok(id)
    }

    /// Every armed rule, oldest first, spent ones included.
    pub(crate) fn list(&self) -> Vec<FaultView> {
        self.lock().rules.clone()
    }

    pub(crate) fn remove(&self, id: &str) -> bool {
        let mut armed = self.lock();
        let before = armed.rules.len();
        armed.rules.retain(|r| r.id != id);
        armed.rules.len() != before
    }

    pub(crate) fn clear(&self) {
        self.lock().rules.clear();
    }

    /// Whether any rule is armed (the layer's fast path).
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().rules.is_empty()
    }

    /// Whether any rule matches on the client, the user or the flow step, which costs reading the
    /// body.
    pub(crate) fn needs_identity(&self) -> bool {
        self.lock().rules.iter().any(|r| {
            r.rule.client_id.is_some()
                || r.rule.user.is_some()
                || r.rule.flow_node.is_some()
                || r.rule.flow_action.is_some()
        })
    }

    /// Whether any rule works on answers (token tampering), which costs reading them.
    pub(crate) fn works_on_answers(&self) -> bool {
        self.lock()
            .rules
            .iter()
            .any(|r| r.rule.action.after_response())
    }

    /// Count `call` against every rule it matches whose action is `eligible` now, and take the
    /// first one that is due: its id and action.
    pub(crate) fn take(
        &self,
        call: &Call<'_>,
        eligible: impl Fn(&FaultAction) -> bool,
    ) -> Option<(String, FaultAction)> {
        let mut armed = self.lock();
        let mut chosen = None;
        let candidates = armed
            .rules
            .iter_mut()
            .filter(|v| eligible(&v.rule.action) && matches(&v.rule, call));
        for view in candidates {
            view.seen += 1;
            let due = view.seen >= view.rule.nth_call
                && view.rule.times.is_none_or(|times| view.applied < times);
            if due && chosen.is_none() {
                view.applied += 1;
                chosen = Some((view.id.clone(), view.rule.action.clone()));
            }
        }
        chosen
    }
}

fn matches(rule: &FaultRule, call: &Call<'_>) -> bool {
    rule.method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(call.method))
        && rule.matches_path(call.path)
        && rule
            .client_id
            .as_deref()
            .is_none_or(|c| call.client_id == Some(c))
        && rule.user.as_deref().is_none_or(|u| call.user == Some(u))
        && rule
            .flow_node
            .as_deref()
            .is_none_or(|n| call.flow_node == Some(n))
        && rule
            .flow_action
            .as_deref()
            .is_none_or(|a| call.flow_action == Some(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &FaultAction) -> bool {
        true
    }

    fn call(path: &str) -> Call<'_> {
        Call {
            method: "POST",
            path,
            ..Call::default()
        }
    }

    #[test]
    fn nth_call_and_times_bound_when_a_rule_applies() {
        let rules = FaultRules::default();
        let id = rules
            .add(
                FaultRule::new(FaultAction::Drop)
                    .path("/oauth2/token")
                    .nth_call(2)
                    .times(2),
            )
            .unwrap();
        let applied: Vec<bool> = (0..5)
            .map(|_| rules.take(&call("/oauth2/token"), any).is_some())
            .collect();
        assert_eq!(applied, [false, true, true, false, false]);
        assert!(rules.take(&call("/oauth2/jwks"), any).is_none());
        let view = &rules.list()[0];
        assert_eq!(
            (view.id.as_str(), view.seen, view.applied),
            (id.as_str(), 5, 2)
        );
    }

    #[test]
    fn the_first_due_rule_applies_and_every_matching_rule_counts() {
        let rules = FaultRules::default();
        let first = rules
            .add(FaultRule::new(FaultAction::Corrupt).once())
            .unwrap();
        let second = rules.add(FaultRule::new(FaultAction::Reset)).unwrap();
        assert_eq!(rules.take(&call("/a"), any).map(|t| t.0), Some(first));
        assert_eq!(
            rules.take(&call("/a"), any).map(|t| t.0),
            Some(second.clone())
        );
        assert!(rules.remove(&second));
        assert!(!rules.remove(&second));
        assert!(rules.take(&call("/a"), any).is_none());
        assert_eq!(rules.list()[0].seen, 3);
    }

    #[test]
    fn client_and_user_must_be_present_to_match() {
        let rules = FaultRules::default();
        rules
            .add(
                FaultRule::new(FaultAction::Drop)
                    .client("app")
                    .user("alice"),
            )
            .unwrap();
        assert!(rules.needs_identity());
        assert!(rules.take(&call("/x"), any).is_none());
        let mut c = call("/x");
        c.client_id = Some("app");
        c.user = Some("alice");
        assert!(rules.take(&c, any).is_some());
    }

    #[test]
    fn the_number_of_rules_is_bounded() {
        let rules = FaultRules::default();
        for _ in 0..FaultRules::CAPACITY {
            rules.add(FaultRule::new(FaultAction::Drop)).unwrap();
        }
        let error = rules.add(FaultRule::new(FaultAction::Drop)).unwrap_err();
        assert_eq!(error.field, "rule");
        rules.clear();
        assert!(rules.is_empty());
        assert_eq!(
            rules.add(FaultRule::new(FaultAction::Drop)).unwrap(),
            format!("fault-{}", FaultRules::CAPACITY + 1)
        );
    }
}
