//! The files in deploy/, checked as far as this machine can: the systemd
//! unit with `systemd-analyze verify` (and its sandbox score), the compose
//! file and the Kubernetes manifests parsed (PyYAML turns them into JSON,
//! there being no YAML crate in the build) and checked for what they must
//! say, and the Dockerfile for the same build commands CI runs. There is no
//! container engine here, so the image itself is not built.
//!
//! Without `systemd-analyze` or `python3` with PyYAML these tests FAIL with
//! the package to install (`.ci/run` installs both).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn deploy(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(deploy(path)).unwrap_or_else(|e| panic!("deploy/{path}: {e}"))
}

/// Every YAML document in `path`, as JSON.
fn yaml(path: &str) -> Vec<Value> {
    let script = "import json, sys, yaml\n\
                  print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1], encoding='utf-8')))))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(deploy(path))
        .output()
        .unwrap_or_else(|e| {
            panic!("python3 is needed to parse YAML (apt-get install python3-yaml): {e}")
        });
    assert!(
        out.status.success(),
        "deploy/{path} does not parse as YAML (or PyYAML is missing: apt-get install python3-yaml): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    docs.into_iter().filter(|d| !d.is_null()).collect()
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing {pointer} in {v}"))
}

/// Names that carry a secret: never with a literal value in these files.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["TOKEN", "PASSWORD", "SECRET", "DATABASE_URL"]
        .iter()
        .any(|s| n.contains(s))
}

/// Every `GATHER_*` name used in deploy/ is one Gather reads.
fn assert_known_settings(file: &str, body: &str) {
    let config =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/config.rs"))
            .unwrap();
    let mut rest = body;
    while let Some(i) = rest.find("GATHER_") {
        let name: String = rest[i..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        rest = &rest[i + name.len()..];
        if name.ends_with('_') {
            continue;
        }
        assert!(
            config.contains(&format!("\"{name}\"")),
            "deploy/{file} uses {name}, which src/config.rs does not read"
        );
    }
}

#[test]
fn systemd_unit_verifies_and_is_sandboxed() {
    let unit = read("gather.service");
    for needed in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=gather",
        "sqlite:///var/lib/gather/gather.db",
        "NoNewPrivileges=yes",
        "ExecStart=/usr/local/bin/gather serve",
    ] {
        assert!(unit.contains(needed), "gather.service lacks {needed}");
    }
    assert_known_settings("gather.service", &unit);
    // `verify` checks that ExecStart's program exists: point it at the
    // binary cargo built, in a copy.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("gather.service");
    std::fs::write(
        &copy,
        unit.replace("/usr/local/bin/gather", env!("CARGO_BIN_EXE_gather")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&copy)
        .output()
        .unwrap_or_else(|e| panic!("systemd-analyze is needed (apt-get install systemd): {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "systemd-analyze verify: {said}");
    assert!(
        !said.contains("gather.service:"),
        "systemd-analyze verify has remarks: {said}"
    );
    // The sandbox's exposure score (0 best, 10 worst): keep it "OK".
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=yes", "--no-pager"])
        .arg(&copy)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let score: f64 = report
        .lines()
        .find_map(|l| l.split("Overall exposure level for gather.service:").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in: {report}"));
    assert!(score <= 2.0, "exposure level {score}: {report}");
}

#[test]
fn compose_runs_gather_and_postgres_with_health_checks_and_no_secrets() {
    let body = read("compose.yaml");
    assert_known_settings("compose.yaml", &body);
    let docs = yaml("compose.yaml");
    assert_eq!(docs.len(), 1);
    let services = docs[0]["services"].as_object().expect("services");
    let gather = &services["gather"];
    let postgres = &services["postgres"];
    assert!(text(postgres, "/image").starts_with("postgres:"));
    let pg_check = postgres["healthcheck"]["test"].to_string();
    assert!(pg_check.contains("pg_isready"), "{pg_check}");
    let check = gather["healthcheck"]["test"].to_string();
    assert!(check.contains("/healthz"), "{check}");
    assert_eq!(
        text(gather, "/depends_on/postgres/condition"),
        "service_healthy"
    );
    assert_eq!(text(gather, "/build/dockerfile"), "deploy/Dockerfile");
    assert!(
        gather["env_file"].to_string().contains(".env"),
        "secrets come from .env"
    );
    for service in services.values() {
        if let Some(env) = service["environment"].as_object() {
            for (name, value) in env {
                let value = value.as_str().unwrap_or_default();
                if secret_name(name) {
                    assert!(
                        value.contains("${"),
                        "{name} is written in compose.yaml; take it from .env"
                    );
                }
            }
        }
    }
    // The example env file: secrets empty or placeholders.
    let example = read(".env.example");
    assert_known_settings(".env.example", &example);
    for line in example.lines().filter(|l| !l.trim_start().starts_with('#')) {
        if let Some((name, value)) = line.split_once('=')
            && secret_name(name)
        {
            assert!(
                value.is_empty() || value.contains("change-me"),
                ".env.example carries a value for {name}"
            );
        }
    }
}

#[test]
fn kubernetes_runs_two_replicas_with_probes_and_secret_references() {
    let mut all = Vec::new();
    for file in ["deployment.yaml", "service.yaml", "configmap.yaml"] {
        let path = format!("k8s/{file}");
        assert_known_settings(&path, &read(&path));
        all.extend(yaml(&path));
    }
    let kind = |k: &str| -> &Value {
        all.iter()
            .find(|d| d["kind"] == k)
            .unwrap_or_else(|| panic!("no {k} in deploy/k8s"))
    };
    for doc in &all {
        assert!(doc["apiVersion"].is_string(), "{doc}");
        assert!(doc["metadata"]["name"].is_string(), "{doc}");
    }
    let deployment = kind("Deployment");
    assert_eq!(text(deployment, "/apiVersion"), "apps/v1");
    assert_eq!(deployment["spec"]["replicas"], 2);
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(&deployment["spec"]["selector"]["matchLabels"], labels);
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let containers = pod["containers"].as_array().unwrap();
    let gather = containers
        .iter()
        .find(|c| c["name"] == "gather")
        .expect("a gather container");
    let port = &gather["ports"][0];
    for probe in ["readinessProbe", "livenessProbe"] {
        assert_eq!(
            text(gather, &format!("/{probe}/httpGet/path")),
            "/healthz",
            "{probe}"
        );
        let probe_port = &gather[probe]["httpGet"]["port"];
        assert!(
            probe_port == &port["name"] || probe_port == &port["containerPort"],
            "{probe} port"
        );
    }
    let mut referenced = Vec::new();
    for env in gather["env"].as_array().unwrap() {
        let name = text(env, "/name");
        if secret_name(name) {
            assert!(
                env.get("value").is_none(),
                "{name} has a plaintext value; use a secretKeyRef"
            );
            assert!(
                env["valueFrom"]["secretKeyRef"]["name"].is_string(),
                "{name} must come from a Secret"
            );
            referenced.push(name.to_string());
        }
    }
    for must in [
        "GATHER_DATABASE_URL",
        "GATHER_ADMIN_TOKEN",
        "GATHER_TWILIO_AUTH_TOKEN",
    ] {
        assert!(referenced.iter().any(|n| n == must), "{must} from a Secret");
    }
    // The flows and locales ConfigMap is mounted (optional: the image has
    // its own), and GATHER_FLOWS_DIR/LOCALES_DIR point into the mount.
    let volumes = pod["volumes"].to_string();
    assert!(volumes.contains("gather-content"), "{volumes}");
    let settings = kind("ConfigMap");
    for name in settings["data"].as_object().unwrap().keys() {
        assert!(!secret_name(name), "{name} belongs in a Secret");
    }
    assert_eq!(
        gather["envFrom"][0]["configMapRef"]["name"],
        settings["metadata"]["name"]
    );
    let service = kind("Service");
    assert_eq!(&service["spec"]["selector"], labels);
    let target = &service["spec"]["ports"][0]["targetPort"];
    assert!(target == &port["name"] || target == &port["containerPort"]);
    // No Secret with values in the applied manifests.
    assert!(all.iter().all(|d| d["kind"] != "Secret"));
    let example = yaml("k8s/examples/secret.yaml");
    assert_eq!(example[0]["kind"], "Secret");
}

#[test]
fn dockerfile_builds_as_ci_does_and_runs_unprivileged() {
    let docker = read("Dockerfile");
    assert_known_settings("Dockerfile", &docker);
    assert!(docker.matches("\nFROM ").count() >= 2, "multi-stage");
    assert!(
        docker.contains("cargo build --release --locked"),
        "the release build"
    );
    assert!(docker.contains("gather flows check"), "CI's flows check");
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(ci.contains("flows check"), ".ci/run checks the flows too");
    assert!(docker.contains("FROM debian:bookworm-slim"));
    assert!(docker.contains("ca-certificates"));
    let user = docker
        .lines()
        .rev()
        .find(|l| l.starts_with("USER "))
        .expect("a USER line");
    assert!(!user.contains("root") && !user.contains(" 0"), "{user}");
    let health = docker
        .lines()
        .skip_while(|l| !l.starts_with("HEALTHCHECK"))
        .take(2)
        .collect::<String>();
    assert!(health.contains("/healthz"), "{health}");
    for dir in ["flows", "locales"] {
        assert!(
            docker.contains(&format!("COPY {dir} /usr/share/gather/{dir}")),
            "{dir} in the image"
        );
    }
    // What the build copies exists.
    let ignore = read("Dockerfile.dockerignore");
    for line in docker
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        for src in &words[1..words.len() - 1] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
            assert!(path.exists(), "COPY {src}: no such path");
            let stem = src.trim_end_matches('/');
            assert!(
                ignore.contains(&format!("!{stem}")),
                "{src} is excluded by Dockerfile.dockerignore"
            );
        }
    }
}

/// Kannel prints a get-url's query in its logs, so every example puts the
/// Kannel secret in the get-url's user info (basic auth), never in the
/// query as `secret=` (still accepted, for older configurations).
#[test]
fn kannel_examples_send_the_secret_by_basic_auth_not_in_the_query() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for file in ["deploy/kannel.conf", "README.md", "docs/deploy.md"] {
        let body =
            std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        // docs/deploy.md wraps its get-url over two lines.
        let flat = body.replace("get-url =\n  ", "get-url = ");
        for line in flat.lines().filter(|l| l.contains("get-url =")) {
            seen += 1;
            assert!(!line.contains("secret="), "{file}: {line}");
            assert!(line.contains("kannel:"), "{file}: no basic auth in {line}");
            assert!(line.contains("/webhooks/kannel/sms?"), "{file}: {line}");
        }
    }
    assert!(seen >= 3, "expected a get-url in each example, saw {seen}");
    let conf = read("kannel.conf");
    assert!(conf.contains("omit-empty = true"), "{conf}");
    assert!(conf.contains("max-messages = 0"), "{conf}");
}
