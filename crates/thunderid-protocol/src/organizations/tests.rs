//! Wire tests for the organization types.
//!
//! Fixtures: `api/ou.yaml` examples completed with the members the code always writes
//! (`pkg/thunderidengine/providers/model.go`: `isReadOnly`, `createdAt`, `updatedAt`, `parent`, the flow
//! flags), the bundled `default` unit, the SDK's children call (`getOrganizationUnitChildren.ts`) and
//! the legacy organization SDK tests at `fe15a52^`.

use proptest::prelude::*;
use serde_json::json;

use super::strategies;
use super::*;
use crate::oauth2::strategies::{json_object_with_keys, json_value};
use crate::oauth2::test_support::{parse_exact, pin_open_enum, round_trips};

const ENGINEERING_ID: &str = "afc77cfd-620b-4cf0-a31c-7377b0ea8902";

#[test]
fn root_unit_list() {
    let list: OrganizationUnitListResponse = parse_exact(json!({
        "totalResults": 5,
        "startIndex": 1,
        "count": 2,
        "organizationUnits": [
            {
                "id": ENGINEERING_ID,
                "handle": "engineering",
                "name": "Engineering",
                "description": "Engineering Unit",
                "logoUrl": "https://example.com/logos/engineering.png",
                "isReadOnly": false,
                "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z"
            },
            {
                "id": "b7c40de6-95cd-4c45-8725-9c7cb5b9cafd",
                "handle": "sales",
                "name": "Sales",
                "description": "Sales Unit",
                "logoUrl": "https://example.com/logos/sales.png",
                "isReadOnly": false,
                "createdAt": "2026-01-02T08:30:00Z",
                "updatedAt": "2026-01-03T09:45:00Z"
            }
        ],
        "links": [{"href": "organization-units?offset=2&limit=2", "rel": "next"}]
    }));
    insta::assert_json_snapshot!("organization_unit_list", list);
}

#[test]
fn the_bundled_default_unit() {
    let unit: OrganizationUnit = parse_exact(json!({
        "id": DEFAULT_ORGANIZATION_UNIT_ID,
        "handle": "default",
        "name": "Default",
        "description": "Default organization unit",
        "parent": null,
        "isRegistrationFlowEnabled": false,
        "isRecoveryFlowEnabled": false,
        "logoUrl": "avatar:shape=rounded,variant=anonymous_entity,content=pavilion,colors=0",
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z"
    }));
    insta::assert_json_snapshot!("organization_unit_default", unit);
    let summary = OrganizationUnitSummary::from(&unit);
    assert_eq!(summary.logo_url, unit.settings.logo_url);

    let nested: OrganizationUnit = parse_exact(json!({
        "id": "0198f0b0-0000-7000-8000-000000000002",
        "handle": "frontend",
        "name": "Frontend Team",
        "description": "Handles UI/UX work",
        "parent": ENGINEERING_ID,
        "themeId": "0198f0b0-0000-7000-8000-0000000000a1",
        "authFlowId": "01900000-0000-7000-8000-000000000068",
        "isRegistrationFlowEnabled": true,
        "registrationFlowId": "01900000-0000-7000-8000-000000000069",
        "isRecoveryFlowEnabled": false,
        "tosUri": "https://example.com/tos",
        "createdAt": "2026-01-05T00:00:00Z",
        "updatedAt": "2026-01-06T00:00:00Z"
    }));
    assert_eq!(
        nested.parent.as_ref().map(|id| id.as_str()),
        Some(ENGINEERING_ID)
    );
}

#[test]
fn create_requests_from_the_openapi_examples() {
    let root: CreateOrganizationUnitRequest = parse_exact(
        json!({"handle": "engineering", "name": "Engineering", "description": "Engineering Unit", "parent": null}),
    );
    insta::assert_json_snapshot!("organization_unit_request_root", root);
    let nested: CreateOrganizationUnitRequest = parse_exact(json!({
        "handle": "frontend", "name": "Frontend Team", "description": "Handles UI/UX work", "parent": ENGINEERING_ID
    }));
    let built = OrganizationUnitRequest {
        description: Some("Handles UI/UX work".to_owned()),
        ..OrganizationUnitRequest::new(
            "frontend",
            "Frontend Team",
            Some(OrganizationUnitId::new(ENGINEERING_ID)),
        )
    };
    assert_eq!(nested, built);
    let parent_omitted: UpdateOrganizationUnitRequest =
        serde_json::from_value(json!({"handle": "x", "name": "X"}))
            .expect("parent defaults to null");
    assert_eq!(parent_omitted.parent, None);
}

#[test]
fn sdk_children_page() {
    let page: OrganizationUnitChildListResponse = parse_exact(json!({
        "organizationUnits": [{
            "id": "0198f0b0-0000-7000-8000-000000000002",
            "name": "Frontend Team",
            "description": "Handles UI/UX work",
            "parentId": ENGINEERING_ID,
            "status": "ACTIVE"
        }],
        "totalResults": 1,
        "startIndex": 1,
        "count": 1
    }));
    insta::assert_json_snapshot!("organization_unit_children_sdk", page);
}

#[test]
fn legacy_organization_lists() {
    // `getMeOrganizations.test.ts`.
    let mine: OrganizationListResponse = parse_exact(json!({"organizations": [
        {"id": "o1", "name": "One", "orgHandle": "one"},
        {"id": "o2", "name": "Two", "orgHandle": "two"}
    ]}));
    insta::assert_json_snapshot!("organization_list_me", mine);

    let all: OrganizationListResponse = parse_exact(json!({
        "organizations": [{"id": "org-001", "name": "Team Viewer", "orgHandle": "team-viewer", "status": "ACTIVE",
                           "ref": "https://localhost:8090/api/server/v1/organizations/org-001"}],
        "hasMore": true,
        "nextCursor": "YWZ0ZXI=",
        "totalCount": 12,
        "links": [{"href": "https://localhost:8090/api/server/v1/organizations?limit=10&after=YWZ0ZXI=", "rel": "next"}]
    }));
    insta::assert_json_snapshot!("organization_list_all", all);
}

#[test]
fn legacy_create_and_patch() {
    // `createOrganization.test.ts`.
    let create: CreateOrganizationRequest = parse_exact(json!({
        "description": "Screen sharing organization",
        "name": "Team Viewer",
        "orgHandle": "team-viewer",
        "parentId": "parent-123",
        "type": "TENANT"
    }));
    insta::assert_json_snapshot!("create_organization_request_sdk", create);
    assert_eq!(
        CreateOrganizationRequest::tenant("Acme Corp").organization_type,
        OrganizationType::Tenant
    );

    let operations: Vec<OrganizationPatchOperation> = parse_exact(json!([
        {"operation": "REPLACE", "path": "/name", "value": "Team Viewer Pro"},
        {"operation": "REMOVE", "path": "/description"}
    ]));
    insta::assert_json_snapshot!("organization_patch_operations_sdk", operations);

    let details: OrganizationDetails = parse_exact(json!({
        "id": "org-001",
        "name": "Team Viewer Pro",
        "orgHandle": "team-viewer",
        "status": "ACTIVE",
        "type": "TENANT",
        "created": "2026-01-01T00:00:00Z",
        "lastModified": "2026-01-02T00:00:00Z",
        "parent": {"id": "parent-123", "ref": "https://localhost:8090/api/server/v1/organizations/parent-123"},
        "permissions": ["organizations:view"],
        "attributes": {"country": "LK"}
    }));
    insta::assert_json_snapshot!("organization_details", details);
}

#[test]
fn enum_wire_strings_are_pinned() {
    pin_open_enum!(OrganizationType, unknown: "tenant", {
        Tenant => "TENANT",
        Structural => "STRUCTURAL",
    });
    pin_open_enum!(OrganizationPatchKind, unknown: "replace", {
        Add => "ADD",
        Replace => "REPLACE",
        Remove => "REMOVE",
    });
}

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "id", "handle", "name", "description", "parent", "isReadOnly", "createdAt", "updatedAt", "totalResults",
    "startIndex", "count", "organizationUnits", "links", "href", "rel", "parentId", "status", "organizations",
    "orgHandle", "hasMore", "nextCursor", "type", "operation", "path", "value", "isRegistrationFlowEnabled",
];

proptest! {
    #[test]
    fn organization_unit_types_round_trip(
        unit in strategies::organization_unit(),
        summary in strategies::organization_unit_summary(),
        list in strategies::organization_unit_list_response(),
        request in strategies::organization_unit_request(),
        settings in strategies::organization_unit_settings(),
        child in strategies::organization_unit_child(),
        children in strategies::organization_unit_child_list_response(),
        link in strategies::link(),
    ) {
        round_trips(&unit)?;
        round_trips(&summary)?;
        round_trips(&list)?;
        round_trips(&request)?;
        round_trips(&settings)?;
        round_trips(&child)?;
        round_trips(&children)?;
        round_trips(&link)?;
    }

    #[test]
    fn legacy_organization_types_round_trip(
        organization in legacy::strategies::organization(),
        list in legacy::strategies::organization_list_response(),
        details in legacy::strategies::organization_details(),
        create in legacy::strategies::create_organization_request(),
        organization_type in legacy::strategies::organization_type(),
        patch in legacy::strategies::organization_patch_operation(),
        kind in legacy::strategies::organization_patch_kind(),
    ) {
        round_trips(&organization)?;
        round_trips(&list)?;
        round_trips(&details)?;
        round_trips(&create)?;
        round_trips(&organization_type)?;
        round_trips(&patch)?;
        round_trips(&kind)?;
    }

    #[test]
    fn parsing_random_json_never_panics(any_value in json_value(), object in json_object_with_keys(KEYS)) {
        for value in [any_value, object] {
            let _ = serde_json::from_value::<OrganizationUnit>(value.clone());
            let _ = serde_json::from_value::<OrganizationUnitSummary>(value.clone());
            let _ = serde_json::from_value::<OrganizationUnitListResponse>(value.clone());
            let _ = serde_json::from_value::<OrganizationUnitRequest>(value.clone());
            let _ = serde_json::from_value::<OrganizationUnitChildListResponse>(value.clone());
            let _ = serde_json::from_value::<OrganizationListResponse>(value.clone());
            let _ = serde_json::from_value::<OrganizationDetails>(value.clone());
            let _ = serde_json::from_value::<CreateOrganizationRequest>(value.clone());
            let _ = serde_json::from_value::<Vec<OrganizationPatchOperation>>(value.clone());
        }
    }
}
