//! [`router`]: every route of the [`crate::routes::ROUTES`] table, each with its CORS layer, and the layers
//! every request passes, outermost first: `X-Correlation-ID`, tracing, `X-Frame-Options`, the body
//! limit, the request journal, the fault rules, the security middleware. A path no route serves gets the real mux's 404 (after the
//! security middleware had its say).

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::trace::TraceLayer;

use crate::correlation;
use crate::cors::{self, AllowedOrigins, CorsLayer};
use crate::error::MockError;
use crate::extract::TenantPrefix;
use crate::faults::{self, FaultLayer};
use crate::journal::{self, Journal, JournalLayer};
use crate::routes::{self, ROUTES, Served};
use crate::security::{self, SecurityLayer};
use crate::state::AppState;

pub(crate) fn router(state: AppState) -> Router {
    let origins = AllowedOrigins {
        configured: state.settings().cors.allowed_origins.clone().into(),
        registry: state.stores_handle(),
    };
    let mut app = Router::new();
    for route in ROUTES {
        let served = match route.served {
            Served::Always => true,
            Served::WithControl => state.config().control_enabled,
        };
        if !served {
            continue;
        }
        let mut handlers = (route.handlers)();
        if let Some(policy) = route.cors {
            let layer = CorsLayer {
                policy,
                origins: origins.clone(),
            };
            handlers = handlers.layer(middleware::from_fn_with_state(layer, cors::cors));
        }
        if route.tenant {
            let tenanted = handlers
                .clone()
                .layer(middleware::from_fn(super_tenant_only));
            app = app.route(&format!("/t/{{tenant}}{}", route.path), tenanted);
        }
        if route.organization {
            app = app.route(&format!("/o{}", route.path), handlers.clone());
        }
        app = app.route(route.path, handlers);
    }
    let journal = JournalLayer {
        journal: Arc::clone(state.journal()),
        clock: Arc::clone(state.clock()),
    };
    let routes = app.fallback(unknown_path).with_state(state.clone());
    // The layers wrap the router once, not each route (`Router::layer` boxes every route again per
    // layer, and each request cloned seven boxes): first added is outermost.
    let layered = ServiceBuilder::new()
        .layer(middleware::from_fn(correlation::correlate))
        .layer(TraceLayer::new_for_http())
        .layer(middleware::map_response(deny_framing))
        .layer(DefaultBodyLimit::max(Journal::REQUEST_LIMIT))
        .layer(middleware::from_fn_with_state(journal, journal::record))
        .layer(middleware::from_fn_with_state(
            FaultLayer {
                rules: Arc::clone(state.faults()),
                signer: state.signer_handle(),
                stores: state.stores_handle(),
                clock: Arc::clone(state.clock()),
            },
            faults::inject,
        ))
        .layer(middleware::from_fn_with_state(
            SecurityLayer {
                state,
                mock_access: routes::access,
            },
            security::security,
        ))
        .service(routes);
    Router::new().fallback_service(layered)
}

async fn super_tenant_only(
    TenantPrefix(_): TenantPrefix,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    next.run(request).await
}

/// No route matched: Go's `http.NotFound`.
async fn unknown_path() -> MockError {
    MockError::NotFound
}

/// The real server sends `X-Frame-Options: DENY` on every response (`securityheaders.go`).
async fn deny_framing<B>(mut response: Response<B>) -> Response<B> {
    response
        .headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
