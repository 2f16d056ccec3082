use crate::diagnostic::{Diagnostic, Pointer, Rule, Severity};
use crate::document::yaml::raw_lines;
use crate::fix::edit::quote_yaml_scalar;
use crate::fix::Fix;
use crate::rules::{Checks, RuleInfo};
use crate::source::{FileId, Span};

pub static RULE: RuleInfo = RuleInfo {
    meta: Rule {
        code: "SS014",
        name: "unquoted-variable",
        summary: "A YAML value that starts with an unquoted {{variable}}: Postman skips the file",
        severity: Severity::Error,
        doc: DOC,
    },
    checks: Checks {
        yaml_text: Some(check),
        ..Checks::NONE
    },
};

const DOC: &str = r#"# SS014 unquoted-variable

## What it catches
A value in one of Postman v12's YAML files (an environment, globals, and in time a collection's
request or definition) that starts with `{{` without quotes:

```yaml
url: {{baseUrl}}/v1/me
```

## Why it breaks
In YAML, `{` opens a mapping: `{{baseUrl}}` is a mapping inside a mapping, not text, and what
follows it is a syntax error. Postman does not report it: it silently skips the whole file, so a
request, a variable or an environment is missing and later requests fail for no visible reason.

## Example
```yaml
values:
  - key: token_url
    value: {{app_url}}/oauth/token
```

## Cure
Quote the value: `value: '{{app_url}}/oauth/token'`.

## Fix
Safe: the value is quoted (single quotes, or double quotes with escapes when it holds a `'`).
It means what it was meant to mean; nothing else changes.
"#;

/// Every block-context value of the file that starts with an unquoted `{{` (values inside a
/// block scalar, such as a JSON body or a script, are text and are not judged).
fn check(text: &str, out: &mut Vec<Diagnostic>) {
    for found in unquoted_values(text) {
        let written = &text[found.value.start..found.value.end];
        let edit = quote_yaml_scalar(found.value, written);
        // Neither the value nor its quoted form is quoted here: its literal part may be a
        // secret (the snippet masks it).
        let quotes = if edit.content.starts_with('\'') {
            "single quotes"
        } else {
            "double quotes (the value holds a `'`)"
        };
        let what = found.key.map_or("a list item".to_owned(), |k| {
            format!("`{}`", &text[k.start..k.end])
        });
        out.push(Diagnostic {
            rule: &RULE,
            severity: RULE.severity,
            file: FileId::LINTED,
            message: format!(
                "{what} starts with an unquoted `{{{{`: YAML reads it as a mapping, and Postman \
                 skips this file"
            ),
            help: format!(
                "Put the whole value in {quotes}, so that YAML reads it as the text it is."
            )
            .into(),
            label: "a mapping to YAML, not text".to_owned().into(),
            item: None,
            pointer: Pointer::Text(String::new()),
            span: found.value,
            fix: Some(Fix::safe(format!("Put the value in {quotes}"), vec![edit])),
        });
    }
}

struct Found {
    key: Option<Span>,
    value: Span,
}

/// Values in block context that start with `{{`: after `key: ` or `- `, up to the end of
/// the line (or a ` #` comment). Lines inside block scalars (`|`, `>`) are text.
fn unquoted_values(text: &str) -> Vec<Found> {
    raw_lines(text)
        .into_iter()
        .filter(|l| !l.block_text)
        .filter_map(|l| {
            let value = &text[l.value.start..l.value.end];
            if !value.starts_with("{{") {
                return None;
            }
            let end = value.find(" #").unwrap_or(value.len());
            let len = value[..end].trim_end().len();
            Some(Found {
                key: l.key,
                value: Span::new(l.value.start, l.value.start + len),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<&str> {
        unquoted_values(text)
            .iter()
            .map(|f| &text[f.value.start..f.value.end])
            .collect()
    }

    #[test]
    fn finds_values_after_keys_and_dashes_but_not_in_block_text() {
        let text = "url: {{baseUrl}}/x # a comment\n\
                    headers:\n  Accept: '{{accept}}'\n  X: \"{{x}}\"\n\
                    list:\n  - {{a}}\n  - key: {{b}}\n\
                    body:\n  content: |-\n    {\"year\": {{y}},\n     \"k\": {{z}}}\n\
                    \n    more: {{inside}}\n\
                    after: {{c}}\n\
                    \"quoted key\": {{d}}\n\
                    plain: a {{e}}\n";
        assert_eq!(
            values(text),
            ["{{baseUrl}}/x", "{{a}}", "{{b}}", "{{c}}", "{{d}}"]
        );
    }

    /// The further lines of a scalar written over several lines are its text, whatever
    /// they start with (Postman's converter breaks long quoted URLs so).
    #[test]
    fn further_lines_of_multi_line_scalars_are_text() {
        let text = "url: \"{{baseUrl}}/v2/organizations/{{org}}/exports/\\\n  {{exportId}}\"\n\
                    q: 'it''s\n  {{x}} still'\n\
                    description: a plain scalar\n  {{goes}} on\n\
                    headers:\n  - key: Accept\n    value: {{accept}}\n\
                    list:\n  - plain item\n    {{continued}}\n\
                    after: {{c}}\n";
        crate::document::Document::parse_yaml(
            crate::text::Text::from(
                text.replace("{{accept}}", "x")
                    .replace("{{c}}", "y")
                    .as_str(),
            ),
            crate::source::FileId::LINTED,
        )
        .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(values(text), ["{{accept}}", "{{c}}"]);
    }
}
