//! The gate's colours, shape and font from the design `/flow/meta` resolves for the application
//! (`design.theme`, the real server's theme format: `colorSchemes.light.palette.*`,
//! `shape.borderRadius`, `typography.fontFamily`, `direction`), as CSS custom properties over
//! `gate.css`'s defaults (ThunderID's default theme). Values are checked before they reach CSS:
//! a theme can recolour the page, not inject into it.

use serde_json::Value;

/// The custom properties a theme may set, and where each is read from.
const COLOURS: &[(&str, &[&str])] = &[
    ("--tid-primary", &["primary", "main"]),
    ("--tid-on-primary", &["primary", "contrastText"]),
    ("--tid-background", &["background", "default"]),
    ("--tid-paper", &["background", "paper"]),
    ("--tid-text", &["text", "primary"]),
    ("--tid-text-secondary", &["text", "secondary"]),
    ("--tid-error", &["error", "main"]),
];

/// A theme's overrides of the stylesheet's defaults.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Theme {
    /// `(property, value)`, already checked.
    properties: Vec<(&'static str, String)>,
    rtl: bool,
}

impl Theme {
    /// The overrides `design.theme` asks for; an empty theme (the mock's default) asks for none.
    pub(crate) fn from_design(theme: &Value) -> Self {
        let palette = theme
            .pointer("/colorSchemes/light/palette")
            .or_else(|| theme.get("palette"));
        let mut properties = Vec::new();
        if let Some(palette) = palette {
            for (property, path) in COLOURS {
                let value = path.iter().try_fold(palette, |v, key| v.get(*key));
                if let Some(colour) = value.and_then(Value::as_str).filter(|c| is_colour(c)) {
                    properties.push((*property, colour.to_owned()));
                }
            }
        }
        if let Some(radius) = theme.pointer("/shape/borderRadius").and_then(Value::as_f64)
            && (0.0..=64.0).contains(&radius)
        {
            properties.push(("--tid-radius", format!("{radius}px")));
        }
        if let Some(font) = theme
            .pointer("/typography/fontFamily")
            .and_then(Value::as_str)
            .filter(|f| is_font_family(f))
        {
            properties.push(("--tid-font", font.to_owned()));
        }
        Self {
            properties,
            rtl: theme.get("direction").and_then(Value::as_str) == Some("rtl"),
        }
    }

    /// `ltr` or `rtl`.
    pub(crate) fn direction(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }

    /// A `:root { … }` rule, or nothing.
    pub(crate) fn css(&self) -> String {
        if self.properties.is_empty() {
            return String::new();
        }
        let body: String = self
            .properties
            .iter()
            .map(|(property, value)| format!("{property}:{value};"))
            .collect();
        format!(":root{{{body}}}\n")
    }
}

/// `#rgb`, `#rrggbb`, `#rrggbbaa` or `rgb(…)`/`rgba(…)`/`hsl(…)`/`hsla(…)` of plain numbers.
fn is_colour(value: &str) -> bool {
    if let Some(hex) = value.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let Some((function, rest)) = value.split_once('(') else {
        return false;
    };
    matches!(function, "rgb" | "rgba" | "hsl" | "hsla")
        && rest.strip_suffix(')').is_some_and(|args| {
            args.chars()
                .all(|c| c.is_ascii_digit() || " .,%/".contains(c))
        })
}

/// Font names and generic families: letters, digits, spaces, commas, hyphens and quotes.
fn is_font_family(value: &str) -> bool {
    value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || " ,-_'\"".contains(c))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_empty_design_keeps_the_default_theme() {
        let theme = Theme::from_design(&json!({}));
        assert_eq!(theme, Theme::default());
        assert_eq!(theme.css(), "");
        assert_eq!(theme.direction(), "ltr");
    }

    #[test]
    fn a_design_recolours_the_page() {
        let design = json!({
            "direction": "rtl",
            "shape": {"borderRadius": 12},
            "typography": {"fontFamily": "'Inter Variable', sans-serif"},
            "colorSchemes": {"light": {"palette": {
                "primary": {"main": "#fa7b3f", "contrastText": "#ffffff"},
                "background": {"default": "#f5f5f5", "paper": "#ffffffe1"},
                "error": {"main": "rgb(211, 47, 47)"}
            }}}
        });
        let theme = Theme::from_design(&design);
        assert_eq!(
            theme.css(),
            ":root{--tid-primary:#fa7b3f;--tid-on-primary:#ffffff;--tid-background:#f5f5f5;\
             --tid-paper:#ffffffe1;--tid-error:rgb(211, 47, 47);--tid-radius:12px;\
             --tid-font:'Inter Variable', sans-serif;}\n"
        );
        assert_eq!(theme.direction(), "rtl");
    }

    #[test]
    fn values_that_could_escape_the_rule_are_dropped() {
        let design = json!({
            "typography": {"fontFamily": "x;}</style><script>alert(1)</script>"},
            "shape": {"borderRadius": 1e9},
            "palette": {"primary": {"main": "red;background:url(//evil)"},
                        "text": {"primary": "rgb(1,2,3);}"}, "error": {"main": "#12345"}}
        });
        assert_eq!(Theme::from_design(&design), Theme::default());
    }
}
