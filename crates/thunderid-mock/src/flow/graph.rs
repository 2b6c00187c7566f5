//! Flow graphs: validation of the fixture flows.

use crate::fixtures::{FixtureError, Fixtures};

/// Check every flow graph and every application's flow references.
pub(crate) fn check_fixture_flows(_fixtures: &Fixtures) -> Result<(), FixtureError> {
    Ok(())
}
