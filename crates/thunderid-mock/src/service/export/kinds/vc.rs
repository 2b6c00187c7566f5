//! The verifiable-credential kinds (`vc/presentation`, `vc/credential` `declarative_resource.go`):
//! the DTO as yaml.v3 tags it, named by its handle, the unit's handle left out. A presentation
//! definition's trusted authorities are an array variable (written even when empty); a credential
//! configuration has no variables.

use super::{Exported, with_rules};
use crate::openid4vp::PresentationDefinition;
use crate::service::export::node::{Fields, Node};
use crate::service::export::render::Rules;
use crate::service::vc;
use crate::state::AppState;
use crate::store::vc::CredentialConfiguration;

pub(super) fn definition(state: &AppState, id: &str) -> Option<Exported> {
    let (def, _) = vc::get::<PresentationDefinition>(state, id).ok()?;
    let source = Node::of(&def);
    let mut fields = Fields::new()
        .copy(&source, "id", Node::str(""))
        .copy(&source, "handle", Node::str(""))
        .opt("ouId", Node::str(def.ou_id.clone()))
        .copy_opt(&source, "name")
        .copy_opt(&source, "description")
        .copy(&source, "vct", Node::str(""));
    for key in [
        "format",
        "requestedClaims",
        "mandatoryClaims",
        "optionalClaims",
        "claimValues",
    ] {
        fields = fields.copy_opt(&source, key);
    }
    // A `*bool`: `false` is written, only nil is omitted.
    if let Some(enforce) = def.enforce_trusted_issuer {
        fields = fields.put("enforceTrustedIssuer", Node::Bool(enforce));
    }
    let node = fields
        .copy(&source, "trustedAuthorities", Node::Seq(Vec::new()))
        .build();
    Some(Exported {
        node,
        name: def.handle,
        rules: Some(Rules {
            variables: Vec::new(),
            array_variables: vec!["trustedAuthorities"],
        }),
    })
}

pub(super) fn configuration(state: &AppState, id: &str) -> Option<Exported> {
    let (config, _) = vc::get::<CredentialConfiguration>(state, id).ok()?;
    let source = Node::of(&config);
    let mut fields = Fields::new()
        .copy(&source, "id", Node::str(""))
        .copy(&source, "handle", Node::str(""))
        .opt("ouId", Node::str(config.ou_id.clone()));
    for key in ["name", "description", "format"] {
        fields = fields.copy_opt(&source, key);
    }
    fields = fields.copy(&source, "vct", Node::str(""));
    for key in ["claims", "display", "validitySeconds"] {
        fields = fields.copy_opt(&source, key);
    }
    Some(with_rules(fields.build(), config.handle))
}
