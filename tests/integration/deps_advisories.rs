//! Dependencies against offline OSV advisories (the shared PyPA and Go databases, and fixture
//! records written for these tests), the manifest layouts that used to be invisible, typo
//! precision, `--all`, and the CycloneDX bill of materials.

use std::process::Command;

use crate::util::{code, in_ci, manifest_dir, shared_dir, stderr, stdout, Repo};

/// A repository whose committed .gate.yaml caches indexes in a private directory.
fn repo_with(config_extra: &str) -> (Repo, tempfile::TempDir) {
    let cache = tempfile::tempdir().expect("cache dir");
    let r = Repo::new();
    r.write(
        ".gate.yaml",
        &format!(
            "dependencies:\n  cache: {}\n{config_extra}",
            cache.path().display()
        ),
    );
    (r, cache)
}

fn fixtures(sub: &str) -> String {
    manifest_dir()
        .join("fixtures/osv")
        .join(sub)
        .display()
        .to_string()
}

#[test]
fn requests_2_30_is_reported_from_the_pypa_database() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/corpora/osv is not beside this repository");
        return;
    };
    let pypa = shared.join("corpora/osv/pypa");
    let go = shared.join("corpora/osv/go");
    let (r, _cache) = repo_with("");
    r.write("requirements.txt", "flask==3.0.0\nrequests==2.29.0\n");
    r.commit_all("deps");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("requirements.txt", "flask==3.0.0\nrequests==2.30.0\n");
    r.commit_all("bump");
    let args = [
        "check",
        "--base",
        "main",
        "--advisories",
        pypa.to_str().expect("utf-8"),
        "--advisories",
        go.to_str().expect("utf-8"),
    ];
    let o = r.gate(&args);
    let out = stdout(&o);
    assert!(code(&o) < 2, "{out}{}", stderr(&o));
    let line = out
        .lines()
        .find(|l| l.contains("GATE-DEP-009") && l.contains("requests 2.30.0"))
        .unwrap_or_else(|| panic!("no advisory finding:\n{out}"));
    assert!(line.contains("PYSEC-2023-74"), "{line}");
    assert!(line.contains("GHSA-j8r2-6x86-q33q"), "{line}");
    assert!(line.contains("fixed in 2.31.0"), "{line}");
    assert_eq!(
        group_of(&out, line),
        Some("Warnings"),
        "no severity in the record: a warning\n{out}"
    );
    // The facts carry the match, and the index covered both databases.
    let f = r.gate(&args.map(|a| if a == "check" { "facts" } else { a }));
    let facts: serde_json::Value = serde_json::from_slice(&f.stdout).expect("facts json");
    assert!(
        facts["coverage"]["advisories"]["records"]
            .as_u64()
            .unwrap_or(0)
            > 5_000
    );
    // Moving on to the fixed version: the note says what the upgrade fixes.
    r.write("requirements.txt", "flask==3.0.0\nrequests==2.31.0\n");
    r.commit_all("fix");
    let o = r.gate(&args);
    let out = stdout(&o);
    assert!(!out.contains("GATE-DEP-009"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("GATE-DEP-011")
            && l.contains("fixes")
            && l.contains("PYSEC-2023-74")),
        "{out}"
    );
}

#[test]
fn go_module_versions_and_pseudo_versions_match_the_go_database() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipped: ../shared/corpora/osv is not beside this repository");
        return;
    };
    let go = shared.join("corpora/osv/go");
    let (r, _cache) = repo_with(&format!("  advisories: [{}]\n", go.display()));
    r.write("go.mod", "module example.com/app\n\ngo 1.22\n");
    r.commit_all("mod");
    r.git(&["checkout", "-q", "-b", "feature"]);
    // golang.org/x/net before 0.17.0 is affected by HTTP/2 rapid reset (GO-2023-2102).
    r.write(
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire golang.org/x/net v0.0.0-20220722155237-a158d28d115b\n",
    );
    r.write("go.sum", "golang.org/x/net v0.0.0-20220722155237-a158d28d115b h1:x=\ngolang.org/x/net v0.0.0-20220722155237-a158d28d115b/go.mod h1:y=\n");
    r.commit_all("net");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        out.lines()
            .any(|l| l.contains("GATE-DEP-009") && l.contains("GO-2023-2102")),
        "{out}{}",
        stderr(&o)
    );
}

#[test]
fn log4j_moved_to_2_14_1_through_a_property_is_log4shell_and_fails() {
    let (r, _cache) = repo_with(&format!("  advisories: [{}]\n", fixtures("maven")));
    let pom = |v: &str| {
        format!("<project>\n  <modelVersion>4.0.0</modelVersion>\n  <properties>\n    <log4j2.version>{v}</log4j2.version>\n  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>org.apache.logging.log4j</groupId>\n      <artifactId>log4j-core</artifactId>\n      <version>${{log4j2.version}}</version>\n    </dependency>\n  </dependencies>\n</project>\n")
    };
    r.write("pom.xml", &pom("2.12.4"));
    r.commit_all("pom");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("pom.xml", &pom("2.14.1"));
    r.commit_all("log4j 2.14.1");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    let line = out
        .lines()
        .find(|l| l.contains("GATE-DEP-009"))
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(group_of(&out, line), Some("Blocking findings"), "{out}");
    for want in [
        "org.apache.logging.log4j:log4j-core 2.14.1",
        "GHSA-jfh8-c2jp-5v3q",
        "CVE-2021-44228",
        "critical, CVSS 10.0",
        "fixed in 2.15.0",
        "pom.xml:7",
    ] {
        assert!(line.contains(want), "{want}: {line}");
    }
}

#[test]
fn a_package_in_a_mal_record_fails_whatever_its_version() {
    let (r, _cache) = repo_with(&format!(
        "  advisories: [{}, {}]\n",
        fixtures("malicious"),
        fixtures("withdrawn")
    ));
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"left-pad\": \"1.3.0\"\n  }\n}\n",
    );
    r.commit_all("npm");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"left-pad\": \"1.3.0\",\n    \"lodahs\": \"^4.17.0\"\n  }\n}\n",
    );
    r.commit_all("lodahs");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.lines().any(|l| l.contains("GATE-DEP-010")
            && l.contains("lodahs (any version) is a known malicious package (MAL-2099-0001)")
            && group_of(&out, l) == Some("Blocking findings")),
        "{out}"
    );
    // The withdrawn record about left-pad matches nothing.
    assert!(!out.contains("left-pad"), "{out}");
}

#[test]
fn the_index_command_builds_once_and_unreadable_sources_fail_closed() {
    let (r, _cache) = repo_with(&format!("  advisories: [{}]\n", fixtures("maven")));
    let o = r.gate(&["deps", "index", "--advisories", &fixtures("malicious")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("indexed 2 records (1 malicious)"),
        "{}",
        stdout(&o)
    );
    let o = r.gate(&["deps", "index", "--advisories", &fixtures("malicious")]);
    assert!(
        stdout(&o).starts_with("up to date: 2 records"),
        "{}",
        stdout(&o)
    );
    r.write(
        "bad/GHSA-bad.json",
        "{\"id\": \"GHSA-bad\", \"affected\": [",
    );
    let o = r.gate(&["deps", "index", "--advisories", "bad"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("GHSA-bad.json"), "{}", stderr(&o));
    // A check that needs the advisories fails closed on them too.
    r.commit_all("setup");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("requirements.txt", "requests==2.30.0\n");
    r.commit_all("req");
    let o = r.gate(&["check", "--base", "main", "--advisories", "bad"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("GHSA-bad.json"), "{}", stderr(&o));
}

#[test]
fn requirements_directories_includes_and_http_names() {
    let r = Repo::new();
    r.write("requirements.txt", "-r requirements/base.txt\n");
    r.write("requirements/base.txt", "flask==3.0.0\n");
    r.write(
        "requirements/dev.txt",
        "-c ../deps/pins.pip\npytest==8.0.0\n",
    );
    r.write("deps/pins.pip", "urllib3==2.0.0\n");
    r.commit_all("reqs");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "requirements/base.txt",
        "flask==3.0.0\nhttpx==0.27.0\ncryptography==42.0.0\n",
    );
    r.write(
        "requirements/dev.txt",
        "-c ../deps/pins.pip\npytest==8.0.0\nreqeusts==2.31.0\n",
    );
    r.write("deps/pins.pip", "urllib3==2.0.0\nhttplib2==0.22.0\n");
    r.commit_all("more");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    for want in [
        "new pypi dependency httpx ==0.27.0",
        "new pypi dependency cryptography ==42.0.0",
        "reqeusts is a likely typo of requests",
        "new pypi dependency httplib2 ==0.22.0",
    ] {
        assert!(out.contains(want), "{want}:\n{out}{}", stderr(&o));
    }
    assert!(
        !out.contains("comes from url"),
        "httpx is not a URL:\n{out}"
    );
}

#[test]
fn npm_sections_aliases_overrides_and_pnpm_v5() {
    let r = Repo::new();
    r.write("package.json", "{\n  \"devDependencies\": {\n    \"typescript\": \"^4.9.5\"\n  },\n  \"peerDependencies\": {\n    \"typescript\": \"^4.9.5\"\n  },\n  \"overrides\": {\n    \"semver\": \"7.5.2\"\n  }\n}\n");
    r.write("pnpm-lock.yaml", "lockfileVersion: 5.4\npackages:\n  /typescript/4.9.5:\n    resolution: {integrity: sha512-x}\n  /ts-node/10.9.1_typescript@4.9.5:\n    resolution: {integrity: sha512-y}\n");
    r.commit_all("npm");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("package.json", "{\n  \"devDependencies\": {\n    \"typescript\": \"^5.3.0\",\n    \"my-lodash\": \"npm:lodahs@^4.17.21\"\n  },\n  \"peerDependencies\": {\n    \"typescript\": \"^4.9.5\"\n  },\n  \"overrides\": {\n    \"semver\": \"7.5.1\"\n  }\n}\n");
    r.write("pnpm-lock.yaml", "lockfileVersion: 5.4\npackages:\n  /typescript/5.3.3:\n    resolution: {integrity: sha512-x}\n  /ts-node/10.9.1_typescript@5.3.3:\n    resolution: {integrity: sha512-y}\n  /lodahs/4.17.21:\n    resolution: {integrity: sha512-z}\n");
    r.commit_all("bump");
    let o = r.gate(&["facts", "--base", "main"]);
    let facts: serde_json::Value = serde_json::from_slice(&o.stdout).expect("facts");
    let deps = facts["dependencies"].as_array().expect("deps");
    let find = |name: &str, change: &str| {
        deps.iter()
            .find(|d| d["name"] == name && d["change"] == change)
            .unwrap_or_else(|| panic!("{name} {change}: {deps:#?}"))
    };
    assert_eq!(find("typescript", "upgraded")["to"], "^5.3.0");
    let alias = find("my-lodash", "added");
    assert_eq!(alias["package"], "lodahs");
    assert_eq!(
        alias["in_lockfile"], true,
        "the alias target is in the lockfile"
    );
    assert_eq!(find("semver", "downgraded")["from"], "7.5.2");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        out.contains("lodahs (as my-lodash) is a likely typo of lodash"),
        "the alias target is judged:\n{out}"
    );
    // pnpm v5 keys with peer suffixes: ts-node 10.9.1, not `ts-node/10.9.1_typescript`.
    assert!(!out.contains("10.9.1_typescript"), "{out}");
    let lock = facts["lockfiles"][0].clone();
    assert_eq!(
        (lock["added"].as_u64(), lock["changed"].as_u64()),
        (Some(1), Some(1)),
        "{lock}"
    );
}

#[test]
fn go_indirect_replace_and_sub_packages() {
    let r = Repo::new();
    r.write(
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire github.com/go-openapi/swag v0.22.4\n",
    );
    r.write("go.sum", "github.com/go-openapi/swag v0.22.4 h1:x=\n");
    r.commit_all("mod");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("go.mod", "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/go-openapi/swag v0.22.4\n\tgithub.com/go-openapi/swag/pools v0.1.0\n\tgolang.org/x/text v0.14.0 // indirect\n\tgithub.com/pkg/errors v0.9.1\n\tgithub.com/gin-gonik/gin v1.9.1\n)\n\nreplace github.com/pkg/errors => github.com/me/errors v0.9.2\n");
    r.write("go.sum", "github.com/go-openapi/swag v0.22.4 h1:x=\ngithub.com/go-openapi/swag/pools v0.1.0 h1:y=\ngolang.org/x/text v0.14.0 h1:z=\ngithub.com/me/errors v0.9.2 h1:w=\ngithub.com/gin-gonik/gin v1.9.1 h1:v=\n");
    r.commit_all("deps");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(
        !out.contains("GATE-DEP-002"),
        "go.sum lists the replacement:\n{out}"
    );
    assert!(
        !out.contains("pools is a likely typo"),
        "a sub-package is no typo:\n{out}"
    );
    assert!(
        !out.contains("golang.org/x/text"),
        "indirect is transitive:\n{out}"
    );
    assert!(
        out.contains("github.com/gin-gonik/gin is a likely typo of github.com/gin-gonic/gin"),
        "{out}"
    );
}

#[test]
fn typo_families_user_popular_names_and_recall() {
    let (r, _cache) = repo_with("  popular:\n    pypi: [acme-billing-client]\n");
    r.write(
        "package.json",
        "{\n  \"dependencies\": {\n    \"lodash.get\": \"4.4.2\"\n  }\n}\n",
    );
    r.write("requirements.txt", "flask==3.0.0\n");
    r.commit_all("deps");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write("package.json", "{\n  \"dependencies\": {\n    \"lodash.get\": \"4.4.2\",\n    \"lodash.set\": \"4.3.2\",\n    \"@types/nodee\": \"20.0.0\",\n    \"expres\": \"4.18.2\",\n    \"crossenv\": \"7.0.3\"\n  }\n}\n");
    r.write(
        "requirements.txt",
        "flask==3.0.0\nacme-biling-client==1.0\n",
    );
    r.commit_all("more");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(!out.contains("lodash.set is"), "same family:\n{out}");
    assert!(!out.contains("@types/nodee is"), "@types family:\n{out}");
    for want in [
        "expres is a likely typo of express",
        "crossenv is cross-env joined or split differently",
        "acme-biling-client is a likely typo of acme-billing-client",
    ] {
        assert!(out.contains(want), "{want}:\n{out}{}", stderr(&o));
    }
}

#[test]
fn version_normalization_and_0x_bumps() {
    let r = Repo::new();
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"requests>=2.31.0\", \"pydantic>=1.10\"]\n",
    );
    r.write(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nrand = \"0.7\"\n",
    );
    r.commit_all("deps");
    r.git(&["checkout", "-q", "-b", "feature"]);
    r.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\ndependencies = [\"requests>=2.31\", \"pydantic>=1.10.0\"]\n",
    );
    r.write(
        "Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nrand = \"0.8\"\n",
    );
    r.commit_all("rewrite");
    let o = r.gate(&["check", "--base", "main"]);
    let out = stdout(&o);
    assert!(!out.contains("downgraded"), "{out}");
    assert!(!out.contains("requests"), "same requirement:\n{out}");
    assert!(out.contains("cargo rand: 0.x minor bump"), "{out}");
    assert!(!out.contains("major version bump"), "{out}");
}

#[test]
fn all_mode_judges_every_dependency_of_the_tree() {
    let (r, _cache) = repo_with(&format!("  advisories: [{}]\n", fixtures("malicious")));
    r.write("requirements.txt", "flask==3.0.0\nreqeusts==2.31.0\n");
    r.write("web/package.json", "{\n  \"dependencies\": {\n    \"lodahs\": \"1.0.0\",\n    \"mylib\": \"github:me/mylib\"\n  }\n}\n");
    r.commit_all("tree");
    let o = r.gate(&["check", "--all"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}{}", stderr(&o));
    assert!(
        out.contains("reqeusts is a likely typo of requests"),
        "{out}"
    );
    assert!(out.contains("GATE-DEP-010"), "{out}");
    assert!(out.contains("mylib comes from git"), "{out}");
    assert!(
        !out.contains("GATE-DEP-001"),
        "a tree has no new dependencies:\n{out}"
    );
}

#[test]
fn sbom_is_valid_cyclonedx_1_5() {
    let r = Repo::new();
    r.write("requirements.txt", "flask==3.0.0\nrequests>=2.31\n");
    r.write("package.json", "{\n  \"dependencies\": {\n    \"@babel/core\": \"^7.23.0\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"^29.0.0\"\n  }\n}\n");
    r.write("package-lock.json", "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"web\"}, \"node_modules/@babel/core\": {\"version\": \"7.23.0\"}, \"node_modules/jest\": {\"version\": \"29.7.0\", \"dev\": true}, \"node_modules/ms\": {\"version\": \"2.1.3\"}}}\n");
    r.write("pom.xml", "<project>\n  <dependencies>\n    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.17.1</version></dependency>\n  </dependencies>\n</project>\n");
    r.write(
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    );
    r.commit_all("deps");
    let o = r.gate(&["deps", "sbom", "--rev", "HEAD"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for want in [
        "pkg:pypi/flask@3.0.0",
        "pkg:pypi/requests",
        "pkg:npm/%40babel/core@7.23.0",
        "pkg:npm/ms@2.1.3",
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1",
        "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
    ] {
        assert!(purls.contains(&want), "{want}: {purls:?}");
    }
    // The same tree gives the same document (serial number included).
    let again = r.gate(&["deps", "sbom", "--rev", "HEAD"]);
    assert_eq!(stdout(&again), stdout(&o));
    assert_eq!(code(&r.gate(&["deps", "sbom"])), 0, "the work tree too");
    let file = r.path().join("bom.json");
    std::fs::write(&file, &o.stdout).expect("write");
    let v = Command::new("python3")
        .arg(manifest_dir().join("tests/tools/validate_cyclonedx.py"))
        .arg(&file)
        .output();
    match v {
        Ok(v) if v.status.code() == Some(3) || v.status.code().is_none() => {
            assert!(
                !in_ci(),
                "CI must install cyclonedx-python-lib and jsonschema (.ci/run)"
            );
            eprintln!(
                "skipped CycloneDX schema validation: {}",
                String::from_utf8_lossy(&v.stdout)
            );
        }
        Ok(v) => assert!(
            v.status.success(),
            "invalid CycloneDX:\n{}",
            String::from_utf8_lossy(&v.stdout)
        ),
        Err(e) => {
            assert!(!in_ci(), "CI must have python3: {e}");
            eprintln!("skipped CycloneDX schema validation: no python3 ({e})");
        }
    }
}

/// The text report's group ("Blocking findings", "Warnings", "Notes", "Suppressed") a finding
/// line stands in.
fn group_of<'a>(out: &'a str, line: &str) -> Option<&'a str> {
    let mut group = None;
    for l in out.lines() {
        if let Some((title, _)) = l.split_once(" (") {
            if ["Blocking findings", "Warnings", "Notes", "Suppressed"].contains(&title) {
                group = Some(title);
            }
        }
        if l == line {
            return group;
        }
    }
    None
}
