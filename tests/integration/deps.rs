//! Dependencies in scratch repositories: typos of popular packages, manifests without their
//! lockfile, major bumps, each located in SARIF; broken manifests are errors.

use crate::util::{code, stderr, stdout, validate_sarif, Repo};

fn results(sarif: &[u8]) -> Vec<(String, String, u64, String)> {
    let doc: serde_json::Value = serde_json::from_slice(sarif).expect("sarif json");
    doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let pl = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                pl["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                pl["region"]["startLine"].as_u64().unwrap_or(0),
                r["message"]["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn typo_lockfile_and_major_bump_are_located_in_sarif() {
    let r = Repo::new();
    r.write("requirements.txt", "flask==3.0.0\n");
    r.write(
        "package.json",
        "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"express\": \"^4.18.2\"\n  }\n}\n",
    );
    r.write("package-lock.json", "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"web\"}, \"node_modules/express\": {\"version\": \"4.18.2\"}}}\n");
    r.commit_all("deps");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("requirements.txt", "flask==3.0.0\nreqeusts==2.31.0\n");
    r.write("package.json", "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"express\": \"^5.0.0\",\n    \"left-pad\": \"^1.3.0\"\n  }\n}\n");
    r.commit_all("more deps");
    let o = r.gate(&["check", "--base", "main", "--format", "sarif"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let res = results(&o.stdout);
    let has = |rule: &str, path: &str, line: u64, text: &str| {
        res.iter()
            .any(|(r, p, l, m)| r == rule && p == path && *l == line && m.contains(text))
    };
    assert!(
        has(
            "GATE-DEP-003",
            "requirements.txt",
            2,
            "likely typo of requests"
        ),
        "{res:?}"
    );
    assert!(
        has("GATE-DEP-002", "package.json", 5, "left-pad"),
        "{res:?}"
    );
    assert!(
        has(
            "GATE-DEP-006",
            "package.json",
            4,
            "major version bump ^4.18.2 -> ^5.0.0"
        ),
        "{res:?}"
    );
    validate_sarif(&stdout(&o));
}

#[test]
fn diff_mode_rebuilds_the_base_from_the_work_tree() {
    let r = Repo::new();
    r.write(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\n",
    );
    r.commit_all("cargo");
    r.write("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\nserde_jsonn = \"1\"\nrand = { git = \"https://github.com/rust-random/rand\" }\n");
    let diff = r.git(&["diff"]);
    r.write("change.diff", &diff);
    let o = r.gate(&["check", "--diff", "change.diff"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("serde_jsonn is a likely typo of serde-json"),
        "{out}"
    );
    assert!(out.contains("rand comes from git"), "{out}");
    assert!(
        !out.contains("new cargo dependency serde "),
        "serde was already there:\n{out}"
    );
}

#[test]
fn go_ruby_and_maven_changes() {
    let r = Repo::new();
    r.write(
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    );
    r.write(
        "Gemfile",
        "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n",
    );
    r.write("pom.xml", "<project>\n  <dependencies>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version></dependency>\n  </dependencies>\n</project>\n");
    r.commit_all("manifests");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v2.0.0\n",
    );
    r.write(
        "Gemfile",
        "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'nokogri'\n",
    );
    r.write("pom.xml", "<project>\n  <dependencies>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.12</version></dependency>\n  </dependencies>\n</project>\n");
    r.commit_all("changes");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        out.contains("go github.com/gin-gonic/gin: major version bump v1.9.1 -> v2.0.0"),
        "{out}"
    );
    assert!(
        out.contains("rubygems dependency nokogri is a likely typo of nokogiri"),
        "{out}"
    );
    assert!(
        out.contains("maven junit:junit downgraded 4.13.2 -> 4.12"),
        "{out}"
    );
}

#[test]
fn broken_manifest_is_exit_2_naming_file_and_line() {
    let r = Repo::new();
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"a\": \"1\",,\n  }\n}\n",
    );
    r.commit_all("broken");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("package.json:3:"), "{}", stderr(&o));
}

#[test]
fn registry_snapshot_reports_invented_packages() {
    let r = Repo::new();
    r.write("names.txt", "requests\nflask\nfastapi\n");
    r.write(
        ".gate.yaml",
        "dependencies:\n  registry:\n    pypi: names.txt\n",
    );
    r.write("requirements.txt", "flask==3.0.0\n");
    r.commit_all("setup");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "requirements.txt",
        "flask==3.0.0\nfastapi-turbo-auth==0.4.1\n",
    );
    r.commit_all("invented");
    let o = r.gate(&["check", "--base", "main"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("fastapi-turbo-auth does not exist in the registry snapshot"),
        "{}",
        stdout(&o)
    );
}

/// flask 22c48a738b: an example application's pyproject drops its lower bounds. Its versions
/// are a demonstration's (`sample` in the facts), not what the project ships; the same change
/// to the project's own manifest is reported.
#[test]
fn an_examples_unpinned_requirements_are_not_reported() {
    let r = Repo::new();
    let before = "[project]\nname = \"demo\"\nversion = \"1.0.0\"\ndependencies = [\"flask>=2.2.2\", \"celery[redis]>=5.2.7\"]\n";
    let after = "[project]\nname = \"demo\"\nversion = \"1.0.0\"\ndependencies = [\"flask\", \"celery[redis]\"]\n";
    r.write("examples/celery/pyproject.toml", before);
    r.write("pyproject.toml", before);
    r.commit_all("base");
    r.write("examples/celery/pyproject.toml", after);
    r.commit_all("example");
    let o = r.gate(&["facts", "--base", "HEAD~1"]);
    let facts: serde_json::Value = serde_json::from_slice(&o.stdout).expect("facts are JSON");
    let deps = facts["dependencies"].as_array().expect("dependencies");
    assert!(!deps.is_empty(), "{facts}");
    assert!(deps.iter().all(|d| d["sample"] == true), "{deps:?}");
    let o = r.gate(&["check", "--base", "HEAD~1"]);
    let out = stdout(&o);
    assert!(!out.contains("GATE-DEP-006"), "{out}");
    r.write("pyproject.toml", after);
    r.commit_all("shipped");
    let o = r.gate(&["check", "--base", "HEAD~1"]);
    let out = stdout(&o);
    assert!(
        out.contains("pypi flask is not pinned (no version)"),
        "{out}"
    );
}
