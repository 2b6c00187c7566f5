//! The verifiable-credential kinds of `/import` (`importPresentationDefinition`,
//! `importCredentialConfiguration`): the document decoded as the DTO (its `ouId` or `ouHandle`
//! included), then with upsert and an `id` an update of that id, else (or when it is unknown) a
//! create under it; the outcome is named by the handle. A declarative file's resource loads
//! without a unit, as the server's file store reads it (`loadDeclarativeResources`).

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;

use super::{Outcome, failed, outcome};
use crate::error::MockError;
use crate::openid4vp::PresentationDefinition;
use crate::service::vc::{self, Resource, Source};
use crate::state::AppState;
use crate::store::vc::CredentialConfiguration;

/// The kinds this module applies.
pub(super) const KINDS: &[&str] = &["presentation_definition", "credential_configuration"];

fn decode_failure(kind: &str, noun: &str, message: &str) -> Outcome {
    let mut o = outcome(kind, String::new(), String::new(), "");
    o.status = "failed";
    o.code = ApiErrorCode::ImportInvalidYAMLContent.as_str().to_owned();
    o.message = format!("failed to decode {noun} document: {message}");
    o
}

fn not_found<T: Resource>(error: &MockError) -> bool {
    matches!(error, MockError::Api { error, .. } if error.code == T::CODES.not_found)
}

fn apply_kind<T: Resource>(
    state: &AppState,
    document: Map<String, Value>,
    upsert: bool,
) -> Outcome {
    let draft = match T::decode(&Value::Object(document), Source::Document) {
        Ok(draft) => draft,
        Err(e) => return decode_failure(T::KIND, T::NOUN, &e.0),
    };
    let (id, handle) = (
        draft.resource.id().to_owned(),
        draft.resource.handle().to_owned(),
    );
    if upsert && !id.is_empty() {
        match vc::update::<T>(state, &id, draft.clone()) {
            Ok(updated) => {
                let r = &updated.resource;
                return outcome(T::KIND, r.id().to_owned(), r.handle().to_owned(), "update");
            }
            Err(e) if not_found::<T>(&e) => {}
            Err(e) => return failed(outcome(T::KIND, id, handle, "update"), &e),
        }
    }
    match vc::create::<T>(state, draft) {
        Ok(created) => {
            let r = &created.resource;
            outcome(T::KIND, r.id().to_owned(), r.handle().to_owned(), "create")
        }
        Err(e) => failed(outcome(T::KIND, id, handle, "create"), &e),
    }
}

/// Apply one document.
pub(super) fn apply(
    state: &AppState,
    kind: &str,
    document: Map<String, Value>,
    upsert: bool,
) -> Outcome {
    if kind == PresentationDefinition::KIND {
        apply_kind::<PresentationDefinition>(state, document, upsert)
    } else {
        apply_kind::<CredentialConfiguration>(state, document, upsert)
    }
}

fn dry_run_kind<T: Resource>(
    state: &AppState,
    document: &Map<String, Value>,
    upsert: bool,
) -> Outcome {
    let draft = match T::decode(&Value::Object(document.clone()), Source::Document) {
        Ok(draft) => draft,
        Err(e) => return decode_failure(T::KIND, T::NOUN, &e.0),
    };
    let (id, handle) = (
        draft.resource.id().to_owned(),
        draft.resource.handle().to_owned(),
    );
    let operation = if upsert && !id.is_empty() && vc::exists::<T>(state, &id) {
        "update"
    } else {
        "create"
    };
    outcome(T::KIND, id, handle, operation)
}

/// A dry run: update when upserting an existing id, else create; nothing validated.
pub(super) fn dry_run(
    state: &AppState,
    kind: &str,
    document: &Map<String, Value>,
    upsert: bool,
) -> Outcome {
    if kind == PresentationDefinition::KIND {
        dry_run_kind::<PresentationDefinition>(state, document, upsert)
    } else {
        dry_run_kind::<CredentialConfiguration>(state, document, upsert)
    }
}

fn declared_kind<T: Resource>(state: &AppState, document: Map<String, Value>) -> Outcome {
    let mut draft = match T::decode(&Value::Object(document), Source::Document) {
        Ok(draft) => draft,
        Err(e) => return decode_failure(T::KIND, T::NOUN, &e.0),
    };
    // The file's shape has no unit.
    draft.resource.set_ou_id(String::new());
    let (id, handle) = (
        draft.resource.id().to_owned(),
        draft.resource.handle().to_owned(),
    );
    let o = outcome(T::KIND, id, handle, "create");
    match vc::load_declared(state, draft.resource) {
        Ok(()) => o,
        Err(message) => {
            let mut o = o;
            o.status = "failed";
            o.code = ApiErrorCode::ImportInvalidYAMLContent.as_str().to_owned();
            o.message = format!("failed to load {} resources: {message}", T::NOUN);
            o
        }
    }
}

/// A declarative file's document (`--resources`).
pub(super) fn declared(state: &AppState, kind: &str, document: Map<String, Value>) -> Outcome {
    if kind == PresentationDefinition::KIND {
        declared_kind::<PresentationDefinition>(state, document)
    } else {
        declared_kind::<CredentialConfiguration>(state, document)
    }
}
