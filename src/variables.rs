//! `{{variable}}` resolution the way Postman does it: innermost references first, repeated
//! until nothing changes (Postman stops after 19 passes), unknown names left as written.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::document::NodeId;
use crate::source::FileId;

/// Postman's own limit on substitution passes.
const MAX_PASSES: usize = 19;
/// A variable that references itself twice doubles on every pass; stop growing past this.
const MAX_RESOLVED_LEN: usize = 1 << 20;

/// One source of variables (an environment file, a collection's `variable` array, ...).
#[derive(Debug, Default, Clone)]
pub struct VarLayer {
    /// Where the values come from, for messages: "the environment `Staging`".
    pub origin: String,
    values: HashMap<String, String>,
    /// The file a fix may edit to change a value, and each value's node there.
    target: Option<FileId>,
    nodes: HashMap<String, NodeId>,
}

impl VarLayer {
    pub fn new(origin: impl Into<String>) -> Self {
        VarLayer {
            origin: origin.into(),
            values: HashMap::new(),
            target: None,
            nodes: HashMap::new(),
        }
    }

    /// Values read from a file a fix may edit.
    pub fn editable(mut self, target: FileId) -> Self {
        self.target = Some(target);
        self
    }

    /// Records where `key`'s value is written (the last definition wins, as for its value).
    pub fn set_node(&mut self, key: &str, node: NodeId) {
        self.nodes.insert(key.to_owned(), node);
    }

    /// The file and node holding `key`'s value, when a fix may edit it.
    pub fn definition(&self, key: &str) -> Option<(FileId, NodeId)> {
        Some((self.target?, *self.nodes.get(key)?))
    }

    /// Later definitions of the same name win, as when Postman imports the array.
    pub fn insert(&mut self, key: String, value: String) {
        self.values.insert(key, value);
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Layers in precedence order, highest first.
#[derive(Clone, Copy)]
pub struct Resolver<'a> {
    layers: &'a [&'a VarLayer],
}

impl<'a> Resolver<'a> {
    pub fn new(layers: &'a [&'a VarLayer]) -> Self {
        Resolver { layers }
    }

    pub fn lookup(&self, name: &str) -> Option<(&'a str, &'a VarLayer)> {
        self.layers
            .iter()
            .find_map(|layer| layer.get(name).map(|v| (v, *layer)))
    }

    pub fn resolve<'s>(&self, text: &'s str) -> Cow<'s, str> {
        if !text.contains("{{") {
            return Cow::Borrowed(text);
        }
        let mut current = text.to_owned();
        for _ in 0..MAX_PASSES {
            match self.substitute_innermost(&current) {
                Some(next) if next.len() <= MAX_RESOLVED_LEN => current = next,
                _ => break,
            }
        }
        Cow::Owned(current)
    }

    /// One pass: replaces every innermost `{{name}}` whose name is known. `None` when
    /// nothing was replaced.
    fn substitute_innermost(&self, text: &str) -> Option<String> {
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            // Innermost: no `{` or `}` between the braces.
            let end = after.find(['{', '}']);
            match end {
                Some(e) if after[e..].starts_with("}}") => {
                    let name = &after[..e];
                    out.push_str(&rest[..open]);
                    match self.lookup(name) {
                        Some((value, _)) => {
                            out.push_str(value);
                            changed = true;
                        }
                        None => {
                            out.push_str("{{");
                            out.push_str(name);
                            out.push_str("}}");
                        }
                    }
                    rest = &after[e + 2..];
                }
                _ => {
                    // Not innermost here: keep one `{` and look again from the next byte.
                    out.push_str(&rest[..open + 1]);
                    rest = &rest[open + 1..];
                }
            }
        }
        out.push_str(rest);
        changed.then_some(out)
    }

    /// The names referenced as `{{name}}` in `text` (innermost references only).
    pub fn references(text: &str) -> impl Iterator<Item = &str> {
        let mut rest = text;
        std::iter::from_fn(move || loop {
            let open = rest.find("{{")?;
            let after = &rest[open + 2..];
            match after.find(['{', '}']) {
                Some(e) if after[e..].starts_with("}}") => {
                    rest = &after[e + 2..];
                    return Some(&after[..e]);
                }
                _ => rest = &rest[open + 1..],
            }
        })
    }
}

/// Whether a resolved value still holds an unresolved `{{reference}}`.
pub fn has_unresolved(text: &str) -> bool {
    Resolver::references(text).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(origin: &str, pairs: &[(&str, &str)]) -> VarLayer {
        let mut l = VarLayer::new(origin);
        for (k, v) in pairs {
            l.insert(k.to_string(), v.to_string());
        }
        l
    }

    #[test]
    fn precedence_follows_layer_order() {
        let env = layer("env", &[("host", "env.example")]);
        let coll = layer("coll", &[("host", "coll.example"), ("path", "v1")]);
        let layers = [&env, &coll];
        let r = Resolver::new(&layers);
        assert_eq!(
            r.resolve("https://{{host}}/{{path}}"),
            "https://env.example/v1"
        );
        assert_eq!(r.lookup("path").unwrap().1.origin, "coll");
    }

    #[test]
    fn nested_references_resolve_innermost_first() {
        let l = layer(
            "l",
            &[
                ("stage", "prod"),
                ("host_prod", "api.scopestack.io"),
                ("base", "https://{{host_{{stage}}}}"),
            ],
        );
        let layers = [&l];
        let r = Resolver::new(&layers);
        assert_eq!(r.resolve("{{host_{{stage}}}}"), "api.scopestack.io");
        assert_eq!(r.resolve("{{base}}/v1"), "https://api.scopestack.io/v1");
    }

    #[test]
    fn unknown_references_stay_literal() {
        let l = layer("l", &[("a", "1")]);
        let layers = [&l];
        let r = Resolver::new(&layers);
        assert_eq!(r.resolve("{{a}}-{{b}}-{{$guid}}"), "1-{{b}}-{{$guid}}");
        assert!(has_unresolved(&r.resolve("{{b}}")));
        assert!(!has_unresolved("plain { text }"));
    }

    #[test]
    fn self_reference_stops_after_postmans_pass_limit() {
        let l = layer("l", &[("loop", "x{{loop}}")]);
        let layers = [&l];
        let r = Resolver::new(&layers);
        let out = r.resolve("{{loop}}");
        assert_eq!(out.matches('x').count(), MAX_PASSES);
        let l = layer("l", &[("twice", "{{twice}}{{twice}}")]);
        let layers = [&l];
        assert!(Resolver::new(&layers).resolve("{{twice}}").len() <= MAX_RESOLVED_LEN);
    }

    #[test]
    fn lists_references() {
        let refs: Vec<_> = Resolver::references("Bearer {{token}} {{a_{{b}}}}").collect();
        assert_eq!(refs, ["token", "b"]);
    }
}
