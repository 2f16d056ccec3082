//! Postman v12's collection trees (YAML) are judged as their v2.1 exports are: every tree in
//! `examples/v3/` and `tests/fixtures/v3/` (Postman's own converter's output, `regenerate.sh`) gives the same
//! findings (rule, request, severity) as the collection it was migrated from, except where the
//! converter itself changes what the collection does (listed below, with why).

use std::collections::BTreeMap;

use crate::common::{check_json, repo, run};

/// (rule, item, severity) of every finding, sorted.
fn findings(path: &str) -> Vec<(String, String, String)> {
    let (report, r) = check_json(&[path]);
    assert_ne!(r.code, 2, "{path}: {}{}", r.stdout, r.stderr);
    let mut out: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["item"].as_str().unwrap_or("collection").to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The v2.1 file a tree was migrated from (trees are named by their directory, relative to
/// the repository: `examples/v3/NAME` or `tests/fixtures/v3/STEM`).
fn original(tree: &str) -> String {
    if let Some(s) = tree.strip_prefix("examples/v3/") {
        format!("examples/{s}.postman_collection.json")
    } else {
        let stem = tree.trim_start_matches("tests/fixtures/v3/");
        match stem.strip_prefix("fix-") {
            Some(s) => format!("tests/fixtures/fix/{s}.postman_collection.json"),
            None => format!("tests/fixtures/{stem}.postman_collection.json"),
        }
    }
}

/// Every migrated tree: the examples' and the fixtures'.
fn fixture_trees() -> Vec<String> {
    let mut trees = Vec::new();
    for dir in ["examples/v3", "tests/fixtures/v3"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                trees.push(format!("{dir}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    trees.sort();
    trees
}

/// The name the known differences list a tree by.
fn stem_of(tree: &str) -> &str {
    tree.rsplit('/').next().unwrap_or(tree)
}

#[test]
fn migrated_trees_are_judged_as_their_v2_exports() {
    // Where the converter changes the collection, and how the findings differ for it.
    let known: BTreeMap<&str, &str> = BTreeMap::from([
        (
            "ss013-duplicate-keys",
            "the converter keeps one value of each duplicated key, so there is nothing for SS013",
        ),
        (
            "ss002-folder-variable-inherited-helper",
            "the converter drops the folder's `variable` (the wrong token URL set for the \
             folder), so the inherited helper resolves to the collection's right one",
        ),
        (
            "vars-precedence",
            "the converter drops the request's own `variable` (the right token URL set for \
             one request), so that request now resolves the collection's wrong one",
        ),
    ]);
    let trees = fixture_trees();
    assert!(trees.len() >= 60, "{} trees", trees.len());
    let mut differ = Vec::new();
    for tree in &trees {
        let v2 = original(tree);
        assert!(repo().join(&v2).exists(), "{v2}");
        let stem = stem_of(tree);
        let (a, b) = (findings(&v2), findings(tree));
        match (a == b, known.get(stem)) {
            (false, None) => differ.push(format!("{stem}:\n  v2.1: {a:?}\n  v3:   {b:?}")),
            (true, Some(why)) => differ.push(format!(
                "{stem}: listed as differing ({why}), but it does not"
            )),
            _ => {}
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} trees differ:\n{}",
        differ.len(),
        trees.len(),
        differ.join("\n")
    );
}

/// `--fix --unsafe-fixes` on every migrated tree leaves what it leaves on the v2.1 export
/// the tree came from (rule, request, severity); a second `--fix` changes nothing; and
/// Postman's own `collection lint` finds no error in any fixed tree.
#[test]
fn fixed_trees_keep_what_their_fixed_v2_exports_keep_and_pass_postman_lint() {
    let known: BTreeMap<&str, &str> = BTreeMap::from([
        (
            "ss013-duplicate-keys",
            "the converter keeps one value of each duplicated key, so there is nothing for SS013",
        ),
        (
            "fix-compact",
            "a v12 auth entry has one `credentials` map: SS001's fix leaves the helper's \
             settings beside the bearer token, where SS011 sees its literal secrets (v2.1 keeps \
             them in the `oauth2` list the bearer auth does not use, which no rule reads)",
        ),
    ]);
    let postman = crate::postman_cli::postman_or_skip();
    let work = tempfile::tempdir().unwrap();
    let mut differ = Vec::new();
    let trees = fixture_trees();
    for path in &trees {
        let stem = stem_of(path);
        let v2 = repo().join(original(path));
        let v2_copy = work.path().join(format!("{stem}.postman_collection.json"));
        std::fs::copy(&v2, &v2_copy).unwrap();
        let tree = work.path().join(stem);
        copy_dir(&repo().join(path), &tree);
        for target in [&v2_copy, &tree] {
            let r = run(&[
                "check",
                "--fix",
                "--unsafe-fixes",
                "-q",
                target.to_str().unwrap(),
            ]);
            assert_ne!(r.code, 2, "{}: {}{}", target.display(), r.stdout, r.stderr);
        }
        let (a, b) = (
            findings(v2_copy.to_str().unwrap()),
            findings(tree.to_str().unwrap()),
        );
        match (a == b, known.get(stem)) {
            (false, None) => differ.push(format!("{stem}:\n  v2.1: {a:?}\n  v3:   {b:?}")),
            (true, Some(why)) => differ.push(format!("{stem}: listed ({why}), but agrees")),
            _ => {}
        }
        let again = run(&["check", "--diff", "--unsafe-fixes", tree.to_str().unwrap()]);
        assert!(
            !again.stdout.contains("+++"),
            "{stem}: a second --fix would change:\n{}",
            again.stdout
        );
        if let Some(postman) = &postman {
            let lint = std::process::Command::new(postman)
                .args(["collection", "lint"])
                .arg(&tree)
                .output()
                .unwrap();
            assert!(
                lint.status.success(),
                "{stem}: postman collection lint fails on the fixed tree:\n{}{}",
                String::from_utf8_lossy(&lint.stdout),
                String::from_utf8_lossy(&lint.stderr)
            );
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} fixed trees differ:\n{}",
        differ.len(),
        trees.len(),
        differ.join("\n")
    );
}

/// Files of a tree named on the command line (as pre-commit passes the changed ones): the tree
/// is read as a whole (inheritance and variables apply) and only those files are reported on,
/// under the names given.
#[test]
fn named_files_of_a_tree_are_judged_in_their_collection() {
    let tree = "examples/v3/missing-accept-header/Clients";
    let named = [
        format!("{tree}/List clients.request.yaml"),
        format!("{tree}/List projects.request.yaml"),
    ];
    let (report, r) = check_json(&[named[0].as_str(), named[1].as_str()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(report["files"], 2);
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, [named[0].as_str(), named[1].as_str()]);
    // A request read with its collection inherits the definition's auth: no SS012 (a request
    // read alone would send no token).
    let (report, _) = check_json(&["examples/v3/password-helper/Clients/Get client.request.yaml"]);
    assert_eq!(report["files"], 1, "{report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{report}");
}

/// A request file Postman cannot read (an unquoted `{{`, or not YAML) is reported in that file
/// (SS014, or `scopelint::yaml` and exit 2); the rest of the tree is still judged without it,
/// as Postman runs it without that request.
#[test]
fn an_unreadable_request_file_is_reported_and_the_tree_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("postman/collections/API");
    copy_dir(&repo().join("examples/v3/missing-accept-header"), &root);
    let broken = root.join("Clients/List clients.request.yaml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        text.replace("url: https://api.scopestack.io/", "url: {{api}}/"),
    )
    .unwrap();
    std::fs::write(root.join("Clients/Broken.request.yaml"), "url: [a\n").unwrap();
    let (report, r) = check_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let found: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            (
                d["code"].as_str().unwrap().to_owned(),
                path.rsplit('/').next().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found.contains(&("SS014".into(), "List clients.request.yaml".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("SS004".into(), "List projects.request.yaml".into())),
        "{found:?}"
    );
    assert!(
        !found.contains(&("SS004".into(), "List clients.request.yaml".into())),
        "{found:?}"
    );
}

pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// SS013 in a tree names the line of the value that counts in that file, not in the tree.
#[test]
fn duplicate_keys_in_a_tree_file_name_that_files_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    copy_dir(&repo().join("examples/v3/clean"), &root);
    std::fs::write(
        root.join("Zed.request.yaml"),
        "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/me\nmethod: GET\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\n",
    )
    .unwrap();
    let (report, _) = check_json(&[root.to_str().unwrap()]);
    let d = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SS013")
        .unwrap_or_else(|| panic!("{report}"));
    assert!(d["path"].as_str().unwrap().ends_with("Zed.request.yaml"));
    assert_eq!(d["line"], 3);
    assert!(
        d["message"].as_str().unwrap().contains("line 4"),
        "{}",
        d["message"]
    );
}

/// SS011 reads v12 variables: a definition's `variables` map or list holding a literal
/// credential is a finding, one marked `secret: true` (or only `{{variables}}`) is not.
#[test]
fn literal_secrets_in_tree_variables_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    copy_dir(&repo().join("examples/v3/clean"), &root);
    let definition = root.join(".resources/definition.yaml");
    let text = std::fs::read_to_string(&definition).unwrap();
    let variables =
        "variables:\n  client_secret: Zq8v2LwX4tN9pR3sK7mB1cY6\n  api_password: \"{{vault}}\"\n";
    std::fs::write(&definition, text.replace("variables:\n", variables)).unwrap();
    let folder = root.join("Clients/.resources/definition.yaml");
    std::fs::write(
        &folder,
        "$kind: collection\nvariables:\n  - key: token\n    value: hB7xK2mQ9vL4nR8sT3wY6zA1\n  - key: password\n    value: hunter2-but-longer\n    secret: true\norder: 1000\n",
    )
    .unwrap();
    let (report, _) = check_json(&[root.to_str().unwrap()]);
    let found: Vec<(&str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SS011")
        .map(|d| (d["path"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(found.len(), 2, "{report}");
    assert!(
        found
            .iter()
            .any(|(p, _)| p.ends_with("tree/.resources/definition.yaml")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(p, l)| p.ends_with("Clients/.resources/definition.yaml") && *l == 4),
        "{found:?}"
    );
    let full = crate::common::run(&["check", root.to_str().unwrap()]);
    assert!(
        !full.stdout.contains("Zq8v2LwX") && !full.stdout.contains("hB7xK2mQ"),
        "{}",
        full.stdout
    );
}

/// A request picks an entry of its collection's auth list with `type: inherit` and the
/// entry's id (as a map or a `{key, value}` list); without, the last entry is in force.
/// The entry picked is neither the first nor the last; a disabled `id` is passed over.
#[test]
fn a_request_selects_an_auth_entry_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let root = new_tree(
        &dir.path().join("API"),
        "$kind: collection\nvariables:\n  access_token: \"\"\nauth:\n  - id: first\n    type: noauth\n  - id: with-token\n    type: bearer\n    credentials:\n      token: \"{{access_token}}\"\n  - id: none\n    type: noauth\n",
    );
    let request = |name: &str, auth: &str| {
        std::fs::write(
            root.join(format!("{name}.request.yaml")),
            format!("$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\n{auth}"),
        )
        .unwrap();
    };
    request("Last entry", "");
    request(
        "By id",
        "auth:\n  type: inherit\n  credentials:\n    id: with-token\n",
    );
    request(
        "By id in a list",
        "auth:\n  type: inherit\n  credentials:\n    - key: id\n      value: with-token\n",
    );
    request(
        "Disabled id first",
        "auth:\n  type: inherit\n  credentials:\n    - key: id\n      value: first\n      disabled: true\n    - key: id\n      value: with-token\n",
    );
    request(
        "Unknown id",
        "auth:\n  type: inherit\n  credentials:\n    id: gone\n",
    );
    let (report, r) = check_json(&[root.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        flagged(&report),
        [("SS012", "Last entry"), ("SS012", "Unknown id")]
    );
}

/// A tree request's `method` is read in any case (a blank one is GET), and the text of a
/// raw body (`type: json`) is read: SS010 wants a `Content-Type` for a POST with a body,
/// and SS006 finds `redirect_uri` in a password grant's JSON.
#[test]
fn methods_and_raw_bodies_of_tree_requests_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = new_tree(
        &dir.path().join("API"),
        "$kind: collection\nvariables:\n  access_token: \"\"\n",
    );
    let request = |name: &str, text: &str| {
        std::fs::write(root.join(format!("{name}.request.yaml")), text).unwrap();
    };
    let api = "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nheaders:\n  Accept: application/vnd.api+json\n  Authorization: Bearer {{access_token}}\nbody:\n  type: json\n  content: '{\"data\": {}}'\n";
    request("Create client", &format!("{api}method: post\n"));
    request("Blank method", &format!("{api}method: \"  \"\n"));
    request(
        "Token",
        "$kind: http-request\nurl: https://app.scopestack.io/oauth/token\nmethod: POST\nauth:\n  type: noauth\nheaders:\n  Content-Type: application/json\nbody:\n  type: json\n  content: '{\"grant_type\": \"password\", \"client_id\": \"{{client_id}}\", \"redirect_uri\": \"https://example.com/cb\"}'\n",
    );
    let (report, r) = check_json(&[root.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        flagged(&report),
        [("SS006", "Token"), ("SS010", "Create client")]
    );
    let ss010 = &report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SS010")
        .unwrap()["message"];
    assert!(ss010.as_str().unwrap().contains("POST"), "{ss010}");
}

/// `.postman/resources.yaml` names collections kept outside `postman/`: one without a root
/// definition is read from its root (not from a folder whose definition says `$kind:
/// collection`), and an entry that is not there is a note, not an error.
#[test]
fn local_resources_of_a_workspace_are_collections() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    let api = project.join("tests/api/API");
    std::fs::create_dir_all(api.join("Clients/.resources")).unwrap();
    std::fs::create_dir_all(project.join(".postman")).unwrap();
    std::fs::write(
        project.join(".postman/resources.yaml"),
        "localResources:\n  collections:\n    - ../tests/api/API\n    - ../tests/api/Gone\n",
    )
    .unwrap();
    std::fs::write(
        api.join("Clients/.resources/definition.yaml"),
        "$kind: collection\norder: 1000\n",
    )
    .unwrap();
    let request = "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: GET\nauth:\n  type: bearer\n  credentials:\n    token: \"{{access_token}}\"\n";
    std::fs::write(api.join("Clients/List clients.request.yaml"), request).unwrap();
    std::fs::write(api.join("Top.request.yaml"), request).unwrap();
    let (report, r) = check_json(&[project.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut items: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["item"].as_str().unwrap()
            )
        })
        .collect();
    items.sort();
    assert_eq!(items, ["SS004 Clients / List clients", "SS004 Top"]);
    let r = run(&["check", project.to_str().unwrap()]);
    assert!(
        r.stderr
            .contains("lists a resource in localResources that is not there: `../tests/api/Gone`"),
        "{}",
        r.stderr
    );
}

/// `per-file-ignores` globs and `[[ignore]]` JSONPaths apply to each file of a tree (the
/// JSONPath over that file's YAML), as they apply to a v2.1 export.
#[test]
fn per_file_and_jsonpath_ignores_apply_to_tree_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("API");
    copy_dir(&repo().join("examples/v3/missing-accept-header"), &root);
    let codes = |config: &str| {
        std::fs::write(dir.path().join("scopelint.toml"), config).unwrap();
        let (report, r) = check_json(&[root.to_str().unwrap()]);
        assert_ne!(r.code, 2, "{}", r.stderr);
        let mut found: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let path = d["path"].as_str().unwrap();
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    path.rsplit('/').next().unwrap()
                )
            })
            .collect();
        found.sort();
        found
    };
    let all = codes("");
    assert_eq!(
        all,
        [
            "SS004 List clients.request.yaml",
            "SS004 List contacts.request.yaml",
            "SS004 List projects.request.yaml"
        ]
    );
    assert_eq!(
        codes("[per-file-ignores]\n\"API/Clients/List c*.request.yaml\" = [\"SS004\"]\n"),
        ["SS004 List projects.request.yaml"]
    );
    assert_eq!(
        codes("[[ignore]]\nrule = \"SS004\"\npath = \"$.headers[?(@.key == 'Accept')]\"\n"),
        [
            "SS004 List clients.request.yaml",
            "SS004 List projects.request.yaml"
        ]
    );
    // A map of headers (`Accept: application/json`) is addressed by name.
    assert_eq!(
        codes("[[ignore]]\nrule = \"SS004\"\npath = \"$.headers.Accept\"\n"),
        [
            "SS004 List clients.request.yaml",
            "SS004 List contacts.request.yaml"
        ]
    );
}

/// A request-level password helper and a URL without a slug: the token request comes
/// first, then the slug request, then the request (in a v2.1 export's items and in a v12
/// folder's orders alike), whichever finding comes first in the file.
#[test]
fn the_token_request_precedes_the_slug_request_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let helper = r#""auth":{"type":"oauth2","oauth2":[{"key":"grant_type","value":"password_credentials"},{"key":"accessTokenUrl","value":"https://app.scopestack.io/oauth/token"}]}"#;
    let v2 = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &v2,
        format!(
            r#"{{"info":{{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{{"name":"Other","request":{{"method":"GET","url":"https://api.scopestack.io/acme/v1/x"}}}},{{"name":"List clients","request":{{"method":"GET","header":[{{"key":"Accept","value":"application/vnd.api+json"}}],"url":"https://api.scopestack.io/v1/clients",{helper}}}}}]}}"#
        ),
    )
    .unwrap();
    let r = run(&["check", "--fix", "--unsafe-fixes", v2.to_str().unwrap()]);
    assert_ne!(r.code, 2, "{}", r.stdout);
    let fixed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&v2).unwrap()).unwrap();
    let names: Vec<&str> = fixed["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Other",
            "Get ScopeStack access token",
            "Get ScopeStack account slug",
            "List clients"
        ]
    );

    let root = dir.path().join("API");
    std::fs::create_dir_all(root.join(".resources")).unwrap();
    std::fs::write(
        root.join(".resources/definition.yaml"),
        "$kind: collection\n",
    )
    .unwrap();
    std::fs::write(
        root.join("Other.request.yaml"),
        "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/x\nmethod: GET\norder: 1000\n",
    )
    .unwrap();
    std::fs::write(
        root.join("List clients.request.yaml"),
        "$kind: http-request\nurl: https://api.scopestack.io/v1/clients\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\nauth:\n  type: oauth2\n  credentials:\n    grant_type: password_credentials\n    accessTokenUrl: https://app.scopestack.io/oauth/token\norder: 2000\n",
    )
    .unwrap();
    let r = run(&["check", "--fix", "--unsafe-fixes", root.to_str().unwrap()]);
    assert_ne!(r.code, 2, "{}", r.stdout);
    let order = |file: &str| -> f64 {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let line = text.lines().find(|l| l.starts_with("order: ")).unwrap();
        line["order: ".len()..].parse().unwrap()
    };
    let orders = [
        order("Other.request.yaml"),
        order("Get ScopeStack access token.request.yaml"),
        order("Get ScopeStack account slug.request.yaml"),
        order("List clients.request.yaml"),
    ];
    assert!(orders.windows(2).all(|w| w[0] < w[1]), "{orders:?}");
}

/// A tree's fixes stand together: when one file cannot be written, the files already written
/// are put back and the files created removed; the tree is byte-identical, its findings are
/// reported with the write error, and the exit status is 2.
#[test]
fn a_tree_whose_file_cannot_be_written_is_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let snapshot = |root: &std::path::Path| -> BTreeMap<String, Vec<u8>> {
        crate::common::files_in(root)
            .into_iter()
            .map(|p| (p.to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
            .collect()
    };
    for (example, locked) in [
        (
            "missing-accept-header",
            "Clients/List projects.request.yaml",
        ),
        ("password-helper", ".resources/definition.yaml"),
    ] {
        let root = dir.path().join(example);
        copy_dir(&repo().join("examples/v3").join(example), &root);
        let locked = root.join(locked);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
        let before = snapshot(&root);
        let r = run(&[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "concise",
            root.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 2, "{}", r.stdout);
        assert!(r.stdout.contains("scopelint::write"), "{}", r.stdout);
        assert!(
            r.stdout.contains("SS00"),
            "the tree's findings are reported: {}",
            r.stdout
        );
        assert_eq!(snapshot(&root), before, "{example}");
    }
}

/// Every v2.1 collection of `../shared/corpus/postman` that Postman's own converter accepts,
/// migrated (at test time, into `target/corpus-v3/`, kept for the next run: the corpus's
/// licences keep its files out of the repository), gives the same findings as its export.
#[test]
fn migrated_corpus_collections_are_judged_as_their_exports() {
    let Some(corpus) = crate::common::corpus_or_skip() else {
        return;
    };
    let Some(postman) = crate::postman_cli::postman_or_skip() else {
        return;
    };
    let cache = repo().join("target/corpus-v3");
    std::fs::create_dir_all(&cache).unwrap();
    let sources: Vec<std::path::PathBuf> = crate::common::files_in(&corpus.join("postman"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    let tree_of = |source: &std::path::Path| {
        let stem = source.file_stem().unwrap().to_string_lossy().into_owned();
        cache.join(stem)
    };
    // Two at a time: each conversion is a Node process of about a second.
    std::thread::scope(|scope| {
        for half in sources.chunks(sources.len().div_ceil(2)) {
            let postman = &postman;
            let tree_of = &tree_of;
            scope.spawn(move || {
                for source in half {
                    let tree = tree_of(source);
                    let beside = |suffix: &str| {
                        let mut name = tree.clone().into_os_string();
                        name.push(suffix);
                        std::path::PathBuf::from(name)
                    };
                    let refused = beside(".refused");
                    if tree.exists() || refused.exists() {
                        continue;
                    }
                    // Into a scratch folder first: an interrupted run leaves no half tree.
                    let scratch = beside(".partial");
                    let _ = std::fs::remove_dir_all(&scratch);
                    let out = std::process::Command::new(postman)
                        .args(["collection", "migrate"])
                        .arg(source)
                        .arg("-o")
                        .arg(&scratch)
                        .output()
                        .unwrap();
                    if out.status.success() {
                        std::fs::rename(&scratch, &tree).unwrap();
                    } else {
                        let _ = std::fs::remove_dir_all(&scratch);
                        std::fs::write(&refused, &out.stderr).unwrap();
                    }
                }
            });
        }
    });
    let mut compared = 0;
    let mut differ = Vec::new();
    for source in &sources {
        let tree = tree_of(source);
        if !tree.is_dir() {
            continue;
        }
        compared += 1;
        let (a, b) = (
            findings(source.to_str().unwrap()),
            findings(tree.to_str().unwrap()),
        );
        if a != b {
            differ.push(format!(
                "{}:\n  v2.1: {a:?}\n  v3:   {b:?}",
                source.display()
            ));
        }
    }
    // Of 168 files, Postman's converter accepts 89 (it refuses v2.0, v1 and files its strict
    // v2.1 schema rejects).
    assert!(
        compared >= 80,
        "only {compared} corpus collections migrated"
    );
    assert!(
        differ.is_empty(),
        "{} of {compared} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// A tree's token request reads its URL from `--environment`: `--fix` corrects the URL
/// where it is defined, in the environment file, and leaves the tree as it was.
#[test]
fn a_tree_fix_to_the_environment_is_written_there() {
    let dir = tempfile::tempdir().unwrap();
    let root = new_tree(&dir.path().join("tree"), "$kind: collection\nname: t\n");
    let request = "$kind: http-request\nname: Token\nurl: \"{{token_url}}\"\nmethod: POST\n\
                   body:\n  type: urlencoded\n  content:\n    grant_type: password\n\
                   auth:\n  type: noauth\norder: 1000\n";
    std::fs::write(root.join("Token.request.yaml"), request).unwrap();
    let env = dir.path().join("env.postman_environment.json");
    let env_before = std::fs::read_to_string(
        crate::common::repo().join("tests/fixtures/env-staging.postman_environment.json"),
    )
    .unwrap();
    std::fs::write(&env, &env_before).unwrap();
    let fix = || {
        run(&[
            "check",
            "--fix",
            root.to_str().unwrap(),
            "--environment",
            env.to_str().unwrap(),
        ])
    };
    let r = fix();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&env).unwrap(),
        env_before.replace(
            "https://api.scopestack.io/oauth/token",
            "https://app.scopestack.io/oauth/token"
        )
    );
    assert_eq!(
        std::fs::read_to_string(root.join("Token.request.yaml")).unwrap(),
        request
    );
    // A read-only environment: nothing is written, and the summary does not count the fix.
    std::fs::write(&env, &env_before).unwrap();
    let mut readonly = std::fs::metadata(&env).unwrap().permissions();
    readonly.set_readonly(true);
    std::fs::set_permissions(&env, readonly).unwrap();
    let r = fix();
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(std::fs::read_to_string(&env).unwrap(), env_before);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("could not be written"), "{all}");
    assert!(!all.contains("Fixed"), "{all}");
}

/// A fix that would create a request file whose name a folder already takes is not made:
/// the rest of the tree is left as it was, the problem is reported, and nothing fails.
#[test]
fn a_fix_whose_new_file_name_is_taken_on_disk_is_not_made() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("password-helper");
    copy_dir(&repo().join("examples/v3/password-helper"), &root);
    std::fs::create_dir(root.join("Get ScopeStack access token.request.yaml")).unwrap();
    let definition = root.join(".resources/definition.yaml");
    let before = std::fs::read(&definition).unwrap();
    let r = run(&[
        "check",
        "--fix",
        "--unsafe-fixes",
        "--format",
        "concise",
        root.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("SS001"), "{}", r.stdout);
    assert!(!r.stdout.contains("scopelint::write"), "{}", r.stdout);
    assert_eq!(std::fs::read(&definition).unwrap(), before);
}

/// `(code, item)` of every finding in a JSON report, sorted.
fn flagged(report: &serde_json::Value) -> Vec<(&str, &str)> {
    let mut found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["item"].as_str().unwrap_or(""),
            )
        })
        .collect();
    found.sort_unstable();
    found
}

/// A tree at `root` with only its collection's definition, `definition`.
fn new_tree(root: &std::path::Path, definition: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(root.join(".resources")).unwrap();
    std::fs::write(root.join(".resources/definition.yaml"), definition).unwrap();
    root.to_path_buf()
}

/// A request a fix adds to a tree gets the `order` that puts it where it belongs: halfway
/// between its neighbours (a whole number where there is room), 1000 (or 1) before the
/// first, 1000 after the last.
#[test]
fn new_request_files_get_orders_between_their_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let token = "$kind: http-request\nurl: https://app.scopestack.io/oauth/token\nmethod: POST\nauth:\n  type: noauth\nbody:\n  type: urlencoded\n  content:\n    - key: grant_type\n      value: password\norder: ";
    let clients = "$kind: http-request\nurl: https://api.scopestack.io/v1/clients\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\n  Authorization: Bearer {{access_token}}\norder: ";
    let helper = "$kind: collection\nauth:\n  type: oauth2\n  credentials:\n    grant_type: password_credentials\n    accessTokenUrl: https://app.scopestack.io/oauth/token\n";
    let order_of = |file: &std::path::Path| -> String {
        let text = std::fs::read_to_string(file).unwrap();
        let line = text.lines().find(|l| l.starts_with("order: ")).unwrap();
        line["order: ".len()..].to_owned()
    };
    let fix = |root: &std::path::Path, rule: &str| {
        let r = run(&["check", "--fix", "--select", rule, root.to_str().unwrap()]);
        assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
    };
    // The slug request between the token request and the request that needs it.
    for (token_order, clients_order, want) in [
        ("1000", "3000", "2000"),
        ("1000", "3001", "2000"),
        ("1000", "1001", "1000.5"),
    ] {
        let root = new_tree(
            &dir.path().join(format!("between-{clients_order}")),
            "$kind: collection\n",
        );
        std::fs::write(
            root.join("Token.request.yaml"),
            format!("{token}{token_order}\n"),
        )
        .unwrap();
        std::fs::write(
            root.join("Clients.request.yaml"),
            format!("{clients}{clients_order}\n"),
        )
        .unwrap();
        fix(&root, "SS005");
        assert_eq!(
            order_of(&root.join("Get ScopeStack account slug.request.yaml")),
            want
        );
    }
    // The token request before the first request.
    for (first, want) in [("5000", "4000"), ("500", "499")] {
        let root = new_tree(&dir.path().join(format!("first-{first}")), helper);
        std::fs::write(
            root.join("Clients.request.yaml"),
            format!(
                "{}{first}\n",
                clients.replace("  Authorization: Bearer {{access_token}}\n", "")
            ),
        )
        .unwrap();
        fix(&root, "SS001");
        assert_eq!(
            order_of(&root.join("Get ScopeStack access token.request.yaml")),
            want
        );
    }
    // The slug request after the token request, last in its folder.
    let root = new_tree(&dir.path().join("last"), "$kind: collection\n");
    let auth = new_tree(&root.join("Auth"), "$kind: collection\norder: 1000\n");
    std::fs::write(auth.join("Token.request.yaml"), format!("{token}1000\n")).unwrap();
    std::fs::write(
        root.join("Clients.request.yaml"),
        format!("{clients}2000\n"),
    )
    .unwrap();
    fix(&root, "SS005");
    assert_eq!(
        order_of(&auth.join("Get ScopeStack account slug.request.yaml")),
        "2000"
    );
    // Between the token request and a folder: folders have their place among requests.
    let root = new_tree(&dir.path().join("folder"), "$kind: collection\n");
    std::fs::write(root.join("Token.request.yaml"), format!("{token}1000\n")).unwrap();
    let folder = new_tree(&root.join("Clients"), "$kind: collection\norder: 2000\n");
    std::fs::write(folder.join("List.request.yaml"), format!("{clients}1000\n")).unwrap();
    fix(&root, "SS005");
    assert_eq!(
        order_of(&root.join("Get ScopeStack account slug.request.yaml")),
        "1500"
    );
    // With the collection's helper still to be replaced, the slug request goes where the
    // token request will: right after it, before the other requests.
    let root = new_tree(&dir.path().join("helper"), helper);
    std::fs::write(
        root.join("Other.request.yaml"),
        "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/x\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\norder: 1000\n",
    )
    .unwrap();
    std::fs::write(
        root.join("Clients.request.yaml"),
        format!(
            "{}2000\n",
            clients.replace("  Authorization: Bearer {{access_token}}\n", "")
        ),
    )
    .unwrap();
    let r = run(&[
        "check",
        "--fix",
        "--select",
        "SS001,SS005",
        root.to_str().unwrap(),
    ]);
    assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let orders: Vec<f64> = [
        "Get ScopeStack access token",
        "Get ScopeStack account slug",
        "Other",
        "Clients",
    ]
    .iter()
    .map(|name| {
        order_of(&root.join(format!("{name}.request.yaml")))
            .parse()
            .unwrap()
    })
    .collect();
    assert!(orders.windows(2).all(|w| w[0] < w[1]), "{orders:?}");
}

/// What fixes add to a tree's files goes in the form each file has: variables into a
/// definition's map or list, headers into a request's map or list; a new request file is
/// named after its request unless a request of its own folder has that name.
#[test]
fn tree_fixes_add_to_maps_and_lists_as_the_files_have_them() {
    let dir = tempfile::tempdir().unwrap();
    let helper = "auth:\n  type: oauth2\n  credentials:\n    grant_type: password_credentials\n    accessTokenUrl: https://app.scopestack.io/oauth/token\n";
    let request = |headers: &str| {
        format!("$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: GET\n{headers}order: 1000\n")
    };
    for (form, variables, headers) in [
        (
            "map",
            "variables:\n  baseUrl: https://api.scopestack.io\n",
            "headers:\n  X-Trace: \"1\"\n",
        ),
        (
            "list",
            "variables:\n  - key: baseUrl\n    value: https://api.scopestack.io\n",
            "headers:\n  - key: X-Trace\n    value: \"1\"\n",
        ),
    ] {
        let root = new_tree(
            &dir.path().join(form),
            &format!("$kind: collection\n{variables}{helper}"),
        );
        std::fs::write(root.join("Clients.request.yaml"), request(headers)).unwrap();
        // Another folder's request of the name the token request gets.
        let old = new_tree(&root.join("Old"), "$kind: collection\norder: 2000\n");
        std::fs::write(
            old.join("Get ScopeStack access token.request.yaml"),
            "$kind: http-request\nurl: https://example.com/token\nmethod: GET\norder: 1000\n",
        )
        .unwrap();
        let r = run(&[
            "check",
            "--fix",
            "--select",
            "SS001,SS004",
            root.to_str().unwrap(),
        ]);
        assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
        let definition = std::fs::read_to_string(root.join(".resources/definition.yaml")).unwrap();
        let clients = std::fs::read_to_string(root.join("Clients.request.yaml")).unwrap();
        let (declared, accept) = if form == "map" {
            (
                "  baseUrl: https://api.scopestack.io\n  access_token: \"\"\n  refresh_token: \"\"\n",
                "  X-Trace: \"1\"\n  Accept: application/vnd.api+json\n",
            )
        } else {
            (
                "    value: https://api.scopestack.io\n  - key: access_token\n",
                "    value: \"1\"\n  - key: Accept\n    value: application/vnd.api+json\n",
            )
        };
        assert!(definition.contains(declared), "{form}: {definition}");
        assert!(clients.contains(accept), "{form}: {clients}");
        assert!(
            root.join("Get ScopeStack access token.request.yaml")
                .exists(),
            "{form}"
        );
    }
}

/// The bearer token that replaces a v12 password helper joins its `credentials` in the
/// form they have: a list gets an entry first, a map's `token` is set.
#[test]
fn the_bearer_token_joins_credentials_in_their_form() {
    let dir = tempfile::tempdir().unwrap();
    for (form, credentials, want) in [
        (
            "list",
            "  credentials:\n    - key: grant_type\n      value: password_credentials\n    - key: accessTokenUrl\n      value: https://app.scopestack.io/oauth/token\n",
            "  credentials:\n    - key: token\n      value: \"{{access_token}}\"\n    - key: grant_type\n",
        ),
        (
            "map",
            "  credentials:\n    token: old\n    grant_type: password_credentials\n    accessTokenUrl: https://app.scopestack.io/oauth/token\n",
            "  credentials:\n    token: '{{access_token}}'\n    grant_type: password_credentials\n",
        ),
    ] {
        let root = new_tree(
            &dir.path().join(form),
            &format!("$kind: collection\nauth:\n  type: oauth2\n{credentials}"),
        );
        std::fs::write(
            root.join("Clients.request.yaml"),
            "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\norder: 1000\n",
        )
        .unwrap();
        let r = run(&["check", "--fix", "--select", "SS001", root.to_str().unwrap()]);
        assert_ne!(r.code, 2, "{}{}", r.stdout, r.stderr);
        let definition = std::fs::read_to_string(root.join(".resources/definition.yaml")).unwrap();
        assert!(definition.contains("  type: bearer\n"), "{form}: {definition}");
        assert!(definition.contains(want), "{form}: {definition}");
    }
}

/// A tree request's saved example (`.resources/<Request>.resources/examples/*.example.yaml`)
/// is read with what its `request` sent, and belongs to that request.
#[test]
fn saved_examples_in_a_tree_belong_to_their_request() {
    let dir = tempfile::tempdir().unwrap();
    let root = new_tree(&dir.path().join("tree"), "$kind: collection\n");
    std::fs::write(
        root.join("Get clients.request.yaml"),
        "$kind: http-request\nurl: https://api.scopestack.io/acme/v1/clients\nmethod: GET\nheaders:\n  Accept: application/vnd.api+json\n  Authorization: Bearer {{access_token}}\norder: 1000\n",
    )
    .unwrap();
    let examples = root.join(".resources/Get clients.resources/examples");
    std::fs::create_dir_all(&examples).unwrap();
    std::fs::write(
        examples.join("Unauthorized.example.yaml"),
        "$kind: http-example\nname: Unauthorized\nrequest:\n  url: https://api.scopestack.io/acme/v1/clients\n  method: GET\n  headers:\n    Authorization: Bearer hB7xK2mQ9vL4nR8sT3wY6zA1pQ\nresponse:\n  statusCode: 401\n",
    )
    .unwrap();
    let (report, _) = check_json(&[root.to_str().unwrap()]);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SS011")
        .map(|d| {
            (
                d["item"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{report}");
    assert_eq!(found[0].0, "Get clients", "{report}");
    assert!(
        found[0].1.contains("of saved example `Unauthorized`"),
        "{report}"
    );
    assert!(!report.to_string().contains("hB7xK2mQ"), "{report}");
}
