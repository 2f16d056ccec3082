//! The real `pre-commit` (from PyPI; `.ci/run` installs it) running this repository's hooks in
//! a scratch git repository, as a user's project would. Skips, saying so, when `pre-commit`
//! is not installed.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::repo;

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?} failed");
}

fn pre_commit(dir: &Path, home: &Path) -> Output {
    Command::new("pre-commit")
        .args(["run", "--all-files", "--color", "never"])
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        // `language: rust` runs `cargo install --path .`; a shared target directory keeps a
        // second run from compiling everything again.
        .env("CARGO_TARGET_DIR", repo().join("target/pre-commit"))
        .env_remove("NO_COLOR")
        .output()
        .expect("pre-commit runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn hooks_fail_on_problems_and_fix_what_they_can() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        crate::common::skipped(
            crate::common::Missing::Tool,
            "pre-commit is not installed (`pip install pre-commit==4.7.0`; .ci/run installs it in target/venv)",
        );
        return;
    }
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        head.status.success(),
        "this repository must be a git checkout"
    );
    let rev = String::from_utf8(head.stdout).unwrap().trim().to_owned();

    let project = tempfile::tempdir().unwrap();
    let home = repo().join("target/pre-commit-home");
    let dir = project.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "test@example.com"]);
    git(dir, &["config", "user.name", "Test"]);
    let config = |hook: &str| {
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n",
            repo().display()
        )
    };
    let broken = dir.join("api.postman_collection.json");
    let original =
        std::fs::read(repo().join("examples/whole-response-token.postman_collection.json"))
            .unwrap();

    // The check hook fails on a broken collection...
    std::fs::write(dir.join(".pre-commit-config.yaml"), config("scopelint")).unwrap();
    std::fs::write(&broken, &original).unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("SS003"), "{}", text(&out));
    assert_eq!(
        std::fs::read(&broken).unwrap(),
        original,
        "the check hook changed the file"
    );

    // ...and passes on a clean one.
    std::fs::copy(
        repo().join("examples/clean.postman_collection.json"),
        &broken,
    )
    .unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(out.status.success(), "{}", text(&out));

    // The fix hook rewrites the broken collection and fails; the next run passes.
    std::fs::write(dir.join(".pre-commit-config.yaml"), config("scopelint-fix")).unwrap();
    std::fs::write(&broken, &original).unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("files were modified by this hook"),
        "{}",
        text(&out)
    );
    let fixed = std::fs::read_to_string(&broken).unwrap();
    assert!(fixed.contains("pm.response.json().access_token"), "{fixed}");
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(out.status.success(), "{}", text(&out));

    // Postman v12's YAML environments are hooked too, and their secrets stay unprinted (by
    // the check hook, as the rest but the last part).
    std::fs::write(dir.join(".pre-commit-config.yaml"), config("scopelint")).unwrap();
    let envs = dir.join("postman/environments");
    std::fs::create_dir_all(&envs).unwrap();
    std::fs::write(
        envs.join("prod.environment.yaml"),
        "name: prod\nvalues:\n  - key: client_secret\n    value: Zq8v2LwX4tN9pR3sK7mB1cY6\n",
    )
    .unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("SS011"), "{}", text(&out));
    assert!(
        text(&out).contains("prod.environment.yaml"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("Zq8v2LwX"), "{}", text(&out));
    std::fs::remove_dir_all(dir.join("postman/environments")).unwrap();

    // A v12 collection tree: pre-commit passes the changed request file; scopelint reads its
    // collection and reports on it.
    let tree = dir.join("postman/collections/API");
    crate::v3::copy_dir(&repo().join("examples/v3/clean"), &tree);
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(out.status.success(), "{}", text(&out));
    let request = tree.join("Clients/List clients.request.yaml");
    let clean = std::fs::read_to_string(&request).unwrap();
    std::fs::write(
        &request,
        clean.replace(
            "Accept: application/vnd.api+json",
            "Accept: application/json",
        ),
    )
    .unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("SS004"), "{}", text(&out));
    assert!(
        text(&out).contains("List clients.request.yaml"),
        "{}",
        text(&out)
    );

    // A saved example that keeps a real token is a changed file the hook passes on too.
    std::fs::write(&request, clean).unwrap();
    let example = tree
        .join("Clients/.resources/List clients.resources/examples/List clients - 200.example.yaml");
    let saved = std::fs::read_to_string(&example).unwrap();
    std::fs::write(
        &example,
        saved.replace(
            "  method: GET\n",
            "  method: GET\n  headers:\n    Authorization: Bearer 9c1f0e7b2a8d4c3e\n",
        ),
    )
    .unwrap();
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("SS011"), "{}", text(&out));
    assert!(
        text(&out).contains("List clients - 200.example.yaml"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).contains("9c1f0e7b"), "{}", text(&out));
    std::fs::write(&example, saved).unwrap();

    // The fix hook on a tree with a password helper: it edits the definition and creates
    // the token request beside the others, fails as pre-commit does when a hook changed
    // files; once they are staged, the next run passes.
    std::fs::write(dir.join(".pre-commit-config.yaml"), config("scopelint-fix")).unwrap();
    let helper = dir.join("postman/collections/Helper");
    crate::v3::copy_dir(&repo().join("examples/v3/password-helper"), &helper);
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("files were modified by this hook"),
        "{}",
        text(&out)
    );
    let created = helper.join("Get ScopeStack access token.request.yaml");
    assert!(created.exists(), "{}", text(&out));
    let definition = std::fs::read_to_string(helper.join(".resources/definition.yaml")).unwrap();
    assert!(definition.contains("type: bearer"), "{definition}");
    git(dir, &["add", "."]);
    let out = pre_commit(dir, &home);
    assert!(out.status.success(), "{}", text(&out));
}
