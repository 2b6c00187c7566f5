//! Step definitions, grouped by domain. Steps speak an SDK author's language; HTTP detail stays here.

pub mod common;
