//! The conformance suite: a cucumber World and step definitions over `features/`. Filled in by the
//! conformance issue.
