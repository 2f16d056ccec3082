//! The command-line contract: commands, exit codes, stdin, notes and errors.

use crate::common::{check_json, run, scopelint};

#[test]
fn exit_codes_say_clean_findings_or_errors() {
    assert_eq!(
        run(&["check", "examples/clean.postman_collection.json"]).code,
        0
    );
    assert_eq!(
        run(&["check", "examples/password-helper.postman_collection.json"]).code,
        1
    );
    assert_eq!(
        run(&["check", "tests/fixtures/invalid.postman_collection.json"]).code,
        2
    );
    assert_eq!(run(&["check", "no/such/file.json"]).code, 2);
    assert_eq!(run(&["check", "--no-such-flag"]).code, 2);
    assert_eq!(run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(run(&[]).code, 2, "a command is required");
}

#[test]
fn clean_collection_says_so() {
    let r = run(&["check", "examples/clean.postman_collection.json"]);
    assert_eq!(r.stdout, "No problems found in 1 file.\n");
    assert!(r.stderr.is_empty());
}

#[test]
fn an_invalid_file_does_not_stop_the_others() {
    let (report, r) = check_json(&[
        "tests/fixtures/invalid.postman_collection.json",
        "examples/password-helper.postman_collection.json",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(report["files"], 2);
    let err = &report["diagnostics"][0];
    assert_eq!(
        err["path"],
        "tests/fixtures/invalid.postman_collection.json"
    );
    assert_eq!(
        (err["code"].as_str(), err["name"].as_str()),
        (Some("scopelint::json"), Some("invalid-json"))
    );
    assert_eq!(err["severity"], "error");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid JSON: "));
    assert_eq!(
        (
            err["line"].as_u64(),
            err["column"].as_u64(),
            err["length"].as_u64()
        ),
        (Some(18), Some(9), Some(1))
    );
    let bytes = std::fs::read("tests/fixtures/invalid.postman_collection.json").unwrap();
    assert_eq!(bytes[err["offset"].as_u64().unwrap() as usize], b'"');
    assert_eq!(report["diagnostics"][1]["code"], "SS001");
}

#[test]
fn directories_are_walked_and_other_json_is_skipped_silently() {
    let (report, r) = check_json(&["tests/fixtures"]);
    // not-a-collection.json, expected.json and walk/package.json are skipped without a word;
    // the invalid collection is an error; walk/sub/api.json is found by its schema URL.
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert_eq!(r.code, 2);
    let collections = crate::common::collection_files()
        .iter()
        .filter(|f| f.starts_with("tests/"))
        .count();
    let fixtures = crate::common::repo().join("tests/fixtures");
    let count = |dir: &str, looks_right: fn(&str) -> bool| {
        crate::common::files_in(&fixtures.join(dir))
            .iter()
            .filter(|p| looks_right(&std::fs::read_to_string(p).unwrap_or_default()))
            .count()
    };
    let in_fix = count("fix", |_| true);
    let hars = count("har", |_| true);
    // Fuzzer findings are linted when they look like collections (by schema URL).
    let crashes = count("crashes", |text| {
        text.contains("getpostman.com/json/collection")
    });
    let environments = count(".", |text| text.contains("_postman_variable_scope"));
    assert_eq!(environments, 2);
    // Postman v12's YAML environments, by name.
    let yaml_environments = crate::common::files_in(&fixtures)
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".environment.yaml"))
        .count();
    assert_eq!(yaml_environments, 3);
    // The files of the v12 trees in v3/ (each tree is read as one collection, every file
    // reported on).
    fn tree_files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let name = p.to_string_lossy().into_owned();
                if p.is_dir() {
                    tree_files(&p)
                } else {
                    usize::from(
                        name.ends_with(".request.yaml")
                            || name.ends_with(".example.yaml")
                            || name.ends_with("/.resources/definition.yaml"),
                    )
                }
            })
            .sum()
    }
    let tree_files = tree_files(&fixtures.join("v3"));
    assert!(tree_files > 200, "{tree_files}");
    // Every collection (fix/ holds more), HAR, environment and crash finding, and
    // walk/sub/api.json.
    assert_eq!(
        report["files"].as_u64().unwrap() as usize,
        collections + in_fix + hars + crashes + environments + yaml_environments + tree_files + 1
    );
    let errors: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "scopelint::json")
        .collect();
    assert_eq!(errors.len(), 1);

    let (report, r) = check_json(&["tests/fixtures/walk"]);
    assert_eq!(r.code, 1);
    assert_eq!(report["files"], 1);
    assert_eq!(
        report["diagnostics"][0]["path"],
        "tests/fixtures/walk/sub/api.json"
    );
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SS012", "SS005"]);
}

#[test]
fn an_explicit_file_of_another_kind_gets_a_note() {
    let r = run(&["check", "tests/fixtures/not-a-collection.json"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "note: skipping tests/fixtures/not-a-collection.json: not a Postman collection, environment or globals file\n\
         warning: nothing to check: no Postman collection, environment, globals file, v12 collection or HAR capture was found\n"
    );
}

#[test]
fn stdin_is_read_and_named() {
    let input = std::fs::read("examples/missing-account-slug.postman_collection.json").unwrap();
    let out = scopelint()
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "from-stdin.postman_collection.json",
            "-",
        ])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"].as_array().unwrap().len(), 2);
    assert_eq!(
        report["diagnostics"][0]["path"],
        "from-stdin.postman_collection.json"
    );

    let out = scopelint()
        .args(["check", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("<stdin>:"));
}

#[test]
fn rules_lists_every_code_name_and_summary() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    let lines: Vec<_> = r.stdout.lines().collect();
    assert_eq!(lines.len(), scopelint::rules().count());
    let listed: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            let words: Vec<_> = l.split_whitespace().collect();
            assert!(words.len() > 4, "no summary: {l}");
            (words[0], words[1])
        })
        .collect();
    // Codes and names are a contract (configs and tools key on them): these never change.
    // A new rule is listed after them, as the registry has it.
    let fixed = [
        ("SS001", "oauth-password-grant"),
        ("SS002", "wrong-token-url"),
        ("SS003", "whole-response-token"),
        ("SS004", "missing-accept-header"),
        ("SS005", "missing-account-slug"),
        ("SS006", "redirect-uri-on-password-grant"),
        ("SS007", "invalid-grant-response"),
        ("SS008", "unauthorized-response"),
        ("SS009", "forbidden-response"),
        ("SS010", "missing-content-type"),
        ("SS011", "hard-coded-secret"),
        ("SS012", "missing-authorization"),
        ("SS013", "duplicate-key"),
    ];
    assert_eq!(listed[..fixed.len()], fixed);
    let registry: Vec<(&str, &str)> = scopelint::rules().collect();
    assert_eq!(listed, registry);
}

#[test]
fn explain_prints_a_rules_documentation() {
    // By code, in any case, and by name.
    let asked = scopelint::rules()
        .flat_map(|(code, name)| [code.to_owned(), code.to_lowercase(), name.to_owned()]);
    for code in asked {
        let code = code.as_str();
        let r = run(&["explain", code]);
        assert_eq!(r.code, 0, "{code}");
        for heading in [
            "## What it catches",
            "## Why it breaks",
            "## Example",
            "## Cure",
        ] {
            assert!(r.stdout.contains(heading), "{code}: {heading}");
        }
    }
    assert!(run(&["explain", "SS001"]).stdout.contains("redirect_uri"));
    let r = run(&["explain", "SS999"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule `SS999`"));
}

#[test]
fn help_and_version_exit_zero() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    for word in ["check", "rules", "explain", "Exit status"] {
        assert!(r.stdout.contains(word), "{word}");
    }
    let r = run(&["check", "--help"]);
    for flag in ["--environment", "--globals", "--format", "--stdin-filename"] {
        assert!(r.stdout.contains(flag), "{flag}");
    }
    assert!(run(&["--version"]).stdout.starts_with("scopelint "));
}

#[test]
fn unreadable_and_special_files_are_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = dir.path().join("u16.postman_collection.json");
    std::fs::write(&utf16, b"\xFF\xFE{\0}\0").unwrap();
    let binary = dir.path().join("junk.postman_collection.json");
    std::fs::write(&binary, [0x7b, 0x22, 0xff, 0xfe, 0x00, 0x01]).unwrap();
    let (report, r) = check_json(&[
        utf16.to_str().unwrap(),
        binary.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    let codes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    // Each file once, though named and then found again in the folder.
    assert_eq!(codes, ["scopelint::encoding"; 2]);
    assert!(!r.stderr.contains("panicked"));
    let r = run(&["check", "/dev/null"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("not a regular file"), "{}", r.stdout);
    let (report, r) = check_json(&[
        "no/such/file.json",
        "examples/clean.postman_collection.json",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(report["diagnostics"][0]["code"], "scopelint::io");
    assert_eq!(
        report["diagnostics"][0]["message"],
        "No such file or directory"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_fifos_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "examples/clean.postman_collection.json",
        dir.path().join("c.postman_collection.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let fifo = dir.path().join("pipe.postman_collection.json");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // The walk does not follow links (no loop) and skips what is not a file.
    let (report, r) = check_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{report}");
    assert_eq!(report["files"], 1);
    // Named explicitly, the FIFO is an error, not a hang.
    let (report, r) = check_json(&[fifo.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert_eq!(report["diagnostics"][0]["message"], "not a regular file");
}

#[test]
fn a_one_gigabyte_file_is_refused_before_it_is_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.postman_collection.json");
    // Valid JSON: an array of one GiB of whitespace.
    let mut out = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    out.write_all(b"[").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        out.write_all(&spaces).unwrap();
    }
    out.write_all(b"]").unwrap();
    out.into_inner().unwrap().sync_all().unwrap();
    let (report, r) = check_json(&[
        big.to_str().unwrap(),
        "examples/missing-accept-header.postman_collection.json",
    ]);
    assert_eq!(r.code, 2, "{report}");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let refused = diagnostics
        .iter()
        .find(|d| d["path"] == big.to_str().unwrap())
        .expect("the big file is reported");
    assert_eq!(
        refused["message"],
        "the file is 1025 MiB, larger than --max-file-size 512 MiB; raise the limit to lint it"
    );
    // The other file is still linted.
    assert!(diagnostics.iter().any(|d| d["code"] == "SS004"), "{report}");

    // The limit is the user's to set; standard input honours it too.
    let (report, r) = check_json(&[
        "--max-file-size",
        "0",
        "examples/clean.postman_collection.json",
    ]);
    assert_eq!(r.code, 2);
    assert!(report["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("larger than --max-file-size 0 MiB"));
    let out = scopelint()
        .args(["check", "--format", "json", "--max-file-size", "0", "-"])
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("standard input is larger than 0 MiB; raise --max-file-size to lint it"));
}

#[test]
fn hostile_inputs_are_clear_errors_and_the_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let utf16 = |big_endian: bool, bom: bool| {
        let mut out = Vec::new();
        if bom {
            out.extend(if big_endian {
                [0xFE, 0xFF]
            } else {
                [0xFF, 0xFE]
            });
        }
        for unit in r#"{"info": {}}"#.encode_utf16() {
            out.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let truncated = std::fs::read("examples/password-helper.postman_collection.json").unwrap();
    let mut junk = Vec::new();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        junk.push(state as u8);
    }
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("empty", vec![], "scopelint::json", "the file is empty"),
        (
            "whitespace",
            b" \n\t\r\n".to_vec(),
            "scopelint::json",
            "the file is empty",
        ),
        (
            "truncated",
            truncated[..truncated.len() / 2].to_vec(),
            "scopelint::json",
            "invalid JSON",
        ),
        ("junk", junk, "scopelint::encoding", "not valid UTF-8"),
        (
            "bad-utf8",
            b"{\"a\": \"\xC3\x28\"}".to_vec(),
            "scopelint::encoding",
            "byte 0xC3 at offset 7",
        ),
        (
            "utf16le",
            utf16(false, false),
            "scopelint::encoding",
            "UTF-16",
        ),
        (
            "utf16be",
            utf16(true, false),
            "scopelint::encoding",
            "UTF-16",
        ),
        (
            "utf16le-bom",
            utf16(false, true),
            "scopelint::encoding",
            "UTF-16",
        ),
        (
            "utf16be-bom",
            utf16(true, true),
            "scopelint::encoding",
            "UTF-16",
        ),
        (
            "jsonp",
            b"callback({\"info\": {}});".to_vec(),
            "scopelint::json",
            "JSONP",
        ),
        (
            "deep",
            ["[".repeat(100_000), "]".repeat(100_000)]
                .concat()
                .into_bytes(),
            "scopelint::json",
            "nesting deeper than 512 levels",
        ),
    ];
    let mut args = vec!["examples/missing-accept-header.postman_collection.json".to_owned()];
    for (name, bytes, _, _) in &cases {
        let path = dir.path().join(format!("{name}.postman_collection.json"));
        std::fs::write(&path, bytes).unwrap();
        args.push(path.to_str().unwrap().to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (report, r) = check_json(&args);
    assert_eq!(r.code, 2);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    for (name, _, code, message) in &cases {
        let file = format!("{name}.postman_collection.json");
        let found: Vec<_> = diagnostics
            .iter()
            .filter(|d| d["path"].as_str().unwrap().ends_with(&file))
            .collect();
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0]["code"], *code, "{name}");
        assert!(
            found[0]["message"].as_str().unwrap().contains(message),
            "{name}: {}",
            found[0]["message"]
        );
    }
    // The good file among them is still linted.
    let ss004 = diagnostics.iter().filter(|d| d["code"] == "SS004").count();
    assert_eq!(ss004, 3, "{report}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_an_error_and_the_others_are_still_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked.postman_collection.json");
    std::fs::copy("examples/clean.postman_collection.json", &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = [
        "check",
        "--format",
        "json",
        locked.to_str().unwrap(),
        "examples/missing-account-slug.postman_collection.json",
    ];
    let out = if std::fs::File::open(&locked).is_err() {
        scopelint().args(args).output().unwrap()
    } else {
        // Root reads any file: run as `nobody`, who cannot.
        let bin = assert_cmd::cargo::cargo_bin("scopelint");
        match std::process::Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(bin)
            .args(args)
            .current_dir(crate::common::repo())
            .output()
        {
            Ok(out) if out.status.code() != Some(1) || !out.stdout.is_empty() => out,
            _ => {
                crate::common::skipped(
                    crate::common::Missing::Capability,
                    "this user can read a mode-000 file and runuser is unavailable",
                );
                return;
            }
        }
    };
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics[0]["code"], "scopelint::io");
    assert_eq!(diagnostics[0]["message"], "Permission denied");
    assert!(diagnostics.iter().any(|d| d["code"] == "SS005"));
}

/// A stdout whose reader has already gone: every write fails with a broken pipe.
fn closed_pipe() -> std::process::Stdio {
    let mut reader = std::process::Command::new("true")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("`true` runs");
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    std::process::Stdio::from(writer)
}

/// `scopelint check . | (exec 0<&-; true)`: the reader leaves before anything is written.
/// The status is still that of what was found (1 for problems, 2 for errors, 0 only for
/// none), so a `set -o pipefail` job cannot pass by chance, and nothing is said about the pipe.
#[test]
fn a_closed_stdout_keeps_the_status_of_what_was_found() {
    let cases: [(&[&str], i32); 7] = [
        (&["check", "examples"], 1),
        (&["check", "examples", "--format", "json"], 1),
        (&["check", "examples", "--format", "sarif"], 1),
        (
            &["check", "examples", "--format", "concise", "--statistics"],
            1,
        ),
        (&["check", "--diff", "examples"], 1),
        (
            &[
                "check",
                "examples",
                "tests/fixtures/invalid.postman_collection.json",
            ],
            2,
        ),
        (&["check", "examples/clean.postman_collection.json"], 0),
    ];
    for (args, code) in cases {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("scopelint"))
            .current_dir(crate::common::repo())
            .args(args)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("pipe"),
            "{args:?} spoke of the pipe: {stderr}"
        );
    }
}

/// A reader that leaves early (`scopelint rules | head -1`) is no failure of `rules`,
/// `explain` or `completions`: status 0. `check --fix -`, whose standard output is the fixed
/// text itself, lost what it had to deliver: status 2, whatever it found.
#[test]
fn a_closed_stdout_fails_only_a_command_whose_output_was_lost() {
    let collection = std::fs::read(
        crate::common::repo().join("examples/missing-accept-header.postman_collection.json"),
    )
    .unwrap();
    let cases: [(&[&str], i32); 4] = [
        (&["rules"], 0),
        (&["explain", "SS001"], 0),
        (&["completions", "bash"], 0),
        (&["check", "--fix", "-"], 2),
    ];
    for (args, code) in cases {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("scopelint"))
            .current_dir(crate::common::repo())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(closed_pipe())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        if args[0] == "check" {
            std::io::Write::write_all(&mut stdin, &collection).unwrap();
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("pipe"),
            "{args:?} spoke of the pipe: {stderr}"
        );
    }
}

/// A fixed file without a final newline: the diff marks it as git does, and the summary
/// starts its own line.
#[test]
fn a_diff_of_a_file_without_a_final_newline_ends_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.postman_collection.json");
    std::fs::write(
        &path,
        "{\n\"info\": {\"name\": \"x\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n\"auth\": {\"type\": \"bearer\", \"bearer\": [{\"key\": \"token\", \"value\": \"{{t}}\"}]},\n\"item\": [{\"name\": \"r\", \"request\": {\"method\": \"GET\", \"header\": [],\n\"url\": \"https://api.scopestack.io/acme/v1/clients\"}}]}",
    )
    .unwrap();
    let out = scopelint()
        .args(["check", "--diff", path.to_str().unwrap()])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.ends_with("\\ No newline at end of file\n"), "{diff}");
    let summary = String::from_utf8(out.stderr).unwrap();
    assert!(summary.starts_with("Would fix 1 problem"), "{summary}");
}

/// With `--fix`, a reader that leaves early does not stop the fixing: every file is fixed.
#[test]
fn a_closed_stdout_does_not_stop_fix() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(
        crate::common::repo().join("examples/missing-accept-header.postman_collection.json"),
    )
    .unwrap();
    let names: Vec<String> = (0..5)
        .map(|i| {
            let path = dir.path().join(format!("c{i}.postman_collection.json"));
            std::fs::write(&path, &original).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("scopelint"))
        .args(["check", "--fix", "--diff"])
        .args(&names)
        .stdout(closed_pipe())
        .output()
        .unwrap();
    // Every problem of the example has a safe fix: nothing remains.
    assert_eq!(out.status.code(), Some(0));
    for name in &names {
        assert_ne!(
            std::fs::read_to_string(name).unwrap(),
            original,
            "{name} not fixed"
        );
    }
}

/// A `.har` file that is not a capture: its snippet is masked like any other.
#[test]
fn the_snippet_of_a_file_that_is_not_a_har_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.har");
    std::fs::write(
        &path,
        r#"{"access_token": "NotHarSecret42", "refresh_token": 31415926}"#,
    )
    .unwrap();
    let r = run(&["check", path.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("not-a-har"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("NotHarSecret42") && !r.stdout.contains("31415926"),
        "{}",
        r.stdout
    );
}

/// A file named on the command line that neither its name nor its content shows to be a
/// Postman file or a HAR capture is skipped with a note; invalid `*.json` stays an error; a
/// run that checks nothing says so on stderr.
#[test]
fn files_that_are_not_ours_are_skipped_and_an_empty_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let notes = file("notes.txt", b"meeting notes, not JSON");
    let image = file("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00");
    let r = run(&["check", &notes, &image]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("note: skipping"), "{}", r.stderr);
    assert!(
        r.stderr.contains("notes.txt") && r.stderr.contains("logo.png"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("warning: nothing to check"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("0 files"), "{}", r.stdout);

    // A Postman export under another name is still read by its content.
    let renamed = file(
        "export.txt",
        &std::fs::read(
            crate::common::repo().join("examples/password-helper.postman_collection.json"),
        )
        .unwrap(),
    );
    let r = run(&["check", &renamed]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("SS001"), "{}", r.stdout);

    let broken = file("broken.json", b"{\"info\": ");
    let r = run(&["check", &broken]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("nothing to check"), "{}", r.stderr);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = run(&["check", empty.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("warning: nothing to check"),
        "{}",
        r.stderr
    );
    let r = run(&["check", "--quiet", empty.to_str().unwrap()]);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}
