//! The `tid_sso_*` cookie (`flow/session/transport.go`): which cookie an execution reads and
//! writes. (`prompt` on `/oauth2/authorize` does not consult SSO sessions, as the server's
//! authorize handler does not.)

use std::collections::BTreeMap;

use thunderid_protocol::flow::FlowType;

use crate::fixtures::ApplicationFixture;
use crate::ids;
use crate::store::execution::Execution;
use crate::store::registry::Registry;

/// `tid_sso_` + the first 16 hex chars of SHA-256(the login flow's id).
pub(crate) fn cookie_for_flow(flow_id: &str) -> String {
    let digest = ids::sha256_hex(flow_id.as_bytes());
    format!("tid_sso_{}", &digest[..16])
}

/// The cookie an execution works with: its own (root) graph's for AUTHENTICATION, the app's login
/// flow's for SIGNOUT (`SessionFlowID`); other flow types have no SSO.
pub(crate) fn cookie_name(
    registry: &Registry,
    app: Option<&ApplicationFixture>,
    execution: &Execution,
) -> Option<String> {
    match execution.root_flow_type {
        FlowType::Authentication => {
            let root = execution
                .frames
                .first()
                .map_or(&execution.graph, |frame| &frame.graph);
            Some(cookie_for_flow(root.as_str()))
        }
        FlowType::SignOut => {
            let flow = registry.app_flow(app?, &FlowType::Authentication)?;
            Some(cookie_for_flow(flow.id.as_str()))
        }
        FlowType::Registration
        | FlowType::Recovery
        | FlowType::UserOnboarding
        | FlowType::Administration
        | FlowType::Other(_) => None,
    }
}

/// The cookies of a `Cookie` header, by name (the first value of a repeated name wins).
pub(crate) fn parse_cookies(header: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for pair in header.split(';') {
        if let Some((name, value)) = pair.split_once('=') {
            out.entry(name.trim().to_owned())
                .or_insert_with(|| value.trim().to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_names_match_the_servers() {
        assert_eq!(
            cookie_for_flow("01900000-0000-7000-8000-000000000068"),
            "tid_sso_2288bf89840d1fdb"
        );
        assert_eq!(
            cookie_for_flow("01900000-0000-7000-8000-000000000061"),
            "tid_sso_c4f2c7c11f5e3ef9"
        );
    }

    #[test]
    fn cookies_are_read_by_name() {
        let cookies = parse_cookies("a=1; tid_sso_x=h; a=2");
        assert_eq!(cookies.get("a").map(String::as_str), Some("1"));
        assert_eq!(cookies.get("tid_sso_x").map(String::as_str), Some("h"));
    }
}
