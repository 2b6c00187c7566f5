//! Cucumber parameter types for the protocol's closed vocabularies. Each is written quoted in the
//! feature files (`"INCOMPLETE"`, `"FET-1005"`, `"invalid_grant"`) and parses through the protocol
//! crate, so a typo or an unknown value fails the step instead of silently never matching.

use std::fmt;
use std::str::FromStr;

use cucumber::Parameter;
use thunderid_protocol::flow::{FlowStatus, FlowType, StepType};
use thunderid_protocol::{ApiErrorCode, OAuthErrorCode};

/// `"INCOMPLETE"`, `"COMPLETE"` or `"ERROR"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "flow_status", regex = r#""[A-Z_]+""#)]
pub struct FlowStatusParam(pub FlowStatus);

/// `"VIEW"` or `"REDIRECTION"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "step_type", regex = r#""[A-Z_]+""#)]
pub struct StepTypeParam(pub StepType);

/// `"AUTHENTICATION"`, `"REGISTRATION"`, … (also unknown values, to test FES-1005).
#[derive(Debug, Clone, PartialEq, Eq, Parameter)]
#[param(name = "flow_type", regex = r#""[A-Za-z_]*""#)]
pub struct FlowTypeParam(pub FlowType);

/// An envelope-A code the protocol crate knows, e.g. `"FES-1004"`.
#[derive(Debug, Clone, PartialEq, Eq, Parameter)]
#[param(name = "api_error_code", regex = r#""[A-Z]+(?:-[A-Z]+)?-[0-9]+""#)]
pub struct ApiErrorCodeParam(pub ApiErrorCode);

/// An OAuth `error` value the protocol crate knows, e.g. `"invalid_grant"`.
#[derive(Debug, Clone, PartialEq, Eq, Parameter)]
#[param(name = "oauth_error", regex = r#""[a-z_]+""#)]
pub struct OAuthErrorParam(pub OAuthErrorCode);

/// Which token of a token response a step talks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parameter)]
#[param(name = "token_kind", regex = "access token|ID token|refresh token")]
pub enum TokenKind {
    Access,
    Id,
    Refresh,
}

impl FromStr for TokenKind {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "access token" => Ok(Self::Access),
            "ID token" => Ok(Self::Id),
            "refresh token" => Ok(Self::Refresh),
            other => Err(ParamError(format!("{other} is not a kind of token"))),
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Access => "access token",
            Self::Id => "ID token",
            Self::Refresh => "refresh token",
        })
    }
}

/// The text between the quotes.
fn unquote(text: &str) -> Result<&str, ParamError> {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(|| ParamError(format!("expected a quoted value, got {text}")))
}

/// Why a parameter did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl FromStr for FlowStatusParam {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = unquote(s)?;
        value
            .parse()
            .map(Self)
            .map_err(|_| ParamError(format!("{value} is not a flow status")))
    }
}

impl FromStr for StepTypeParam {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = unquote(s)?;
        value
            .parse()
            .map(Self)
            .map_err(|_| ParamError(format!("{value} is not a step type")))
    }
}

impl FromStr for FlowTypeParam {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(FlowType::parse(unquote(s)?)))
    }
}

impl FromStr for ApiErrorCodeParam {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = unquote(s)?;
        match ApiErrorCode::parse(value) {
            ApiErrorCode::Other(_) => Err(ParamError(format!(
                "{value} is not an error code the server defines"
            ))),
            code => Ok(Self(code)),
        }
    }
}

impl FromStr for OAuthErrorParam {
    type Err = ParamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value = unquote(s)?;
        OAuthErrorCode::KNOWN
            .iter()
            .find(|c| c.as_str() == value)
            .cloned()
            .map(Self)
            .ok_or_else(|| ParamError(format!("{value} is not an OAuth error code")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_parse_through_the_protocol_enums() {
        assert_eq!(
            "\"INCOMPLETE\"".parse::<FlowStatusParam>().map(|p| p.0),
            Ok(FlowStatus::Incomplete)
        );
        assert_eq!(
            "\"FET-1005\"".parse::<ApiErrorCodeParam>().map(|p| p.0),
            Ok(ApiErrorCode::ExecutorInvalidCredentials)
        );
        assert_eq!(
            "\"invalid_grant\"".parse::<OAuthErrorParam>().map(|p| p.0),
            Ok(OAuthErrorCode::InvalidGrant)
        );
        assert!("\"FET-9999\"".parse::<ApiErrorCodeParam>().is_err());
        assert!("\"DONE\"".parse::<FlowStatusParam>().is_err());
        assert!("\"not_an_error\"".parse::<OAuthErrorParam>().is_err());
    }
}
