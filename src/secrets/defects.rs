//! Regression tests for the defects issue #17 lists (seen on public detector suites); every
//! value here is made up for the test.

use super::scanner::Scanner;

fn scanner() -> Scanner {
    Scanner::new(super::builtin_rules().expect("catalog parses")).expect("catalog builds")
}

/// The detectors that report `text` as a leak (not an example, not a public identifier).
fn leaks(s: &Scanner, text: &str) -> Vec<String> {
    s.scan(text.as_bytes())
        .into_iter()
        .filter(|c| !c.allowlisted && !c.public)
        .map(|c| c.rule_id(s).to_string())
        .collect()
}

fn assert_found(s: &Scanner, cases: &[&str]) {
    let missed: Vec<&&str> = cases.iter().filter(|t| leaks(s, t).is_empty()).collect();
    assert!(missed.is_empty(), "missed: {missed:#?}");
}

fn assert_silent(s: &Scanner, cases: &[&str]) {
    let found: Vec<(&&str, Vec<String>)> = cases
        .iter()
        .map(|t| (t, leaks(s, t)))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    assert!(found.is_empty(), "reported: {found:#?}");
}

#[test]
fn short_database_url_passwords_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "DATABASE_URL=postgres://app:Rk4!mQ9@db.internal:5432/orders",
            "url = \"mysql://root:t7wq2xpz@10.0.0.5:3306/app\"",
            "MONGO=mongodb+srv://svc:Jw8#qL2@cluster0.abcde.mongodb.net/prod",
            "amqp://worker:Hx3vR7k@rabbit.internal:5672/",
        ],
    );
    assert_silent(
        &s,
        &[
            "postgres://user:password@localhost:5432/db",
            "mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app",
        ],
    );
}

#[test]
fn escaped_and_encoded_pem_keys_are_found() {
    let body = "MIIEowIBAAKCAQEA2a2rwplBQLF29amygykEMmYz0+Kcj3bKBp29P2rFj7yRvWx1";
    let body2 = "q3Xo5N8TbHq5lW1bVy9p2mEiT6XGhyxKcQO7zFm8pNvS0J3sH6w4YdE5uRtLkA2C";
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{body}\n{body2}\n-----END RSA PRIVATE KEY-----\n"
    );
    let s = scanner();
    let json_lf = format!("{{\"key\": \"{}\"}}", pem.replace('\n', "\\n"));
    let json_crlf = format!("{{\"key\": \"{}\"}}", pem.replace('\n', "\\r\\n"));
    let split = format!(
        "const key = \"-----BEGIN RSA PRIVATE KEY-----\\n\" +\n  \"{body}\\n\" +\n  \"{body2}\\n\" +\n  \"-----END RSA PRIVATE KEY-----\\n\";"
    );
    for case in [&json_lf, &json_crlf, &split] {
        assert!(!leaks(&s, case).is_empty(), "missed: {case}");
    }
}

#[test]
fn keywords_need_a_word_boundary() {
    // `SetSysctl` holds `etsy`; `unsetsysctl` too.
    let s = scanner();
    assert_silent(
        &s,
        &[
            "func SetSysctl(name string) { v := \"k3j9x2m7q8w4p1z6r5t0y2u8\" }",
            "unsetsysctl = \"k3j9x2m7q8w4p1z6r5t0y2u8\"",
        ],
    );
}

#[test]
fn long_generic_values_are_kept() {
    let long: String = (0..160)
        .map(|i| b"Zq8TnW3kLp2Vx9RbM4cF7hJd"[i * 7 % 24] as char)
        .collect();
    let s = scanner();
    assert_found(&s, &[&format!("client_secret = \"{long}\"")]);
}

#[test]
fn uuid_keys_beside_their_provider_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "OPSGENIE_API_KEY=8f14e45f-ceea-467f-a9d4-1c2b3d4e5f60",
            "hubspot:\n  api_key: 3c59dc04-8b6e-4f3a-9d2c-7f41e0b9a6d2",
            "SQUARESPACE_API_KEY = \"c4ca4238-a0b9-4382-8dcc-509a6f75849b\"",
        ],
    );
    // Without the provider's name, a UUID is an identifier.
    assert_silent(
        &s,
        &["request_id = \"8f14e45f-ceea-467f-a9d4-1c2b3d4e5f60\""],
    );
}

#[test]
fn unquoted_log_line_credentials_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "2024-05-01T10:00:00Z [DEBUG] Using API_KEY=q7d2kx9pfm4t8wz1rbn6v3hc5yj0sle2",
            "level=info msg=\"call\" token=Mv8Qz2Lr7Tx4Nk9Pw3Bc6Hd1 status=200",
        ],
    );
    assert_silent(
        &s,
        &[
            "[DEBUG] using api_key=${API_KEY}",
            "sort_key=created_at_timestamp_desc",
            "A domain without a secret: tenant-app-12345.region.cloudhost.io",
        ],
    );
}

#[test]
fn firebase_web_keys_are_public_identifiers() {
    let s = scanner();
    let cfg = "const firebaseConfig = {\n  apiKey: \"AIzaSyD3k9Qm2Lx7Vb4Nc8Rw1Tz6Hp5Js0Gf2Ka\",\n  authDomain: \"demo-app.firebaseapp.com\",\n};";
    let found = s.scan(cfg.as_bytes());
    assert!(!found.is_empty(), "the key is seen");
    assert!(
        found.iter().all(|c| c.public),
        "and reported as a public identifier"
    );
}

/// The Google API keys of the Firebase Android SDK's tests (which apps copy into theirs) are
/// published examples: marked, not reported as leaks. Another key of the same format is.
#[test]
fn firebase_sdk_test_keys_are_examples() {
    let s = scanner();
    for text in [
        "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
        "apiKey = \"AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw\"",
    ] {
        let found = s.scan(text.as_bytes());
        assert!(!found.is_empty(), "seen: {text}");
        assert!(found.iter().all(|c| c.allowlisted), "an example: {text}");
    }
    assert_found(&s, &["key = AIzaSyQ7vK2mT9xLp4Wn8Rb3Hc6Jd1Fg5Zs0Ea_"]);
}

/// A provider's prefix is part of its format, in its case: a lower-case `key-…` value is no
/// malformed Telnyx `KEY…` key. And a value another provider's prefixed format takes as
/// written (`live_` + 35 hex, Lob's) is no malformed key of a provider sharing the prefix
/// (Mollie's `live_` + 30): the generic guess stands.
#[test]
fn prefix_vetoes_read_the_prefix_as_written() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "salesblink token = 'key-Qw7rT2mZ9xKp4LvB8nHc3JdF6gS1aYeU5oRi0WtN7bMq2zXk9PjV4sGh8LcD3fA1'",
            "token = 'live_8c41e07d9b2a5f63e18d7c04b95a2e6f31d'",
        ],
    );
}

/// A name that says the value is made up (`FAKE_`, `nonMatching`, `invalid`) is a test's
/// fixture, not a credential; a provider whose name starts like one still counts.
#[test]
fn values_named_fake_or_invalid_are_not_generic_credentials() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "FAKE_API_KEY=Zq8TnW3kLp2Vx9RbM4cF7hJd",
            "nonMatchingToken := \"q7d2kx9pfm4t8wz1\"",
            "invalidSecret: \"Mv8Qz2Lr7Tx4Nk9Pw3Bc6Hd1\"",
            "BAD_TOKEN=q7d2kx9pfm4t8wz1rbn6v3hc5yj0sle2",
        ],
    );
    assert_found(
        &s,
        &[
            "API_KEY=Zq8TnW3kLp2Vx9RbM4cF7hJd",
            "badge_token = \"q7d2kx9pfm4t8wz1rbn6v3hc\"",
        ],
    );
}

/// `Authorization: Basic` carries base64 (RFC 7617): a dotted or dashed token after it is not Basic
/// credentials; real base64 still is.
#[test]
fn basic_auth_values_must_be_base64() {
    let s = scanner();
    assert_silent(
        &s,
        &["curl -H \"Authorization: Basic Qm9vVG5kR3hL.cF9zM1pXeTJh-Zq8TnW3k\" https://ci.internal"],
    );
    assert_found(
        &s,
        &["curl -H \"Authorization: Basic ZGVwbG95OnRvcHNlY3JldDk5\" https://ci.internal"],
    );
}

/// GitLab's routable tokens (payload, `.`, base36 version and length, CRC32 in base36), a
/// Telegram bot id shorter than today's ten digits.
#[test]
fn provider_formats_from_their_documentation() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "GITLAB_TOKEN=glpat-Qm9vVG5kR3hLcF9zM1pXeTJhQmNERWZn.01.0w1k4r7pq",
            "runner: glrt-t1_Qm9vVG5kR3hLcF9zM1pXeTJhQmNERWZn.01.0w1k4r7pq",
            "telegram_bot = \"583921:AAHd8Zq2LmX9pR4tW7vK3nB6cY1sF5gJ0eQ\"",
        ],
    );
}

/// A piece of a longer value broken by a character no token holds, or a value after `@`,
/// is not a key beside its provider's name; a key ending where a query string starts is.
#[test]
fn pieces_of_broken_values_are_not_keys() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "versioneye = 'Qz7kLm3Xv9Tp2Rw8Yb4N?c6Hd1sF5gJ0eUq7Wz2xK'",
            "sonarcloud token = '@q8zr3xvt0myp2kwn9jcb5hgd7sfa1eeu4or6iny0'",
        ],
    );
    assert_found(
        &s,
        &["versioneye: https://www.versioneye.com/api/v2/me/Qz7kLm3Xv9Tp2Rw8Yb4NcH6d?page=2"],
    );
}

#[test]
fn values_made_of_runs_of_one_character_are_examples() {
    let s = scanner();
    // Runs of four or more covering half the value: typed, not drawn (a self-identifying
    // prefix is marked as an example, not reported).
    assert_silent(
        &s,
        &[
            "token = \"sgp_3333333bDDDDD9999999CfffEAbbbbbbbbbbbbbb\"",
            "\"token\": \"xoxp-7391046628-8305517294-2948163057-################################\"",
        ],
    );
    assert_found(&s, &["aws_access_key_id = AKIAZ3MHQX7EW2LKQ4PN"]);
}

#[test]
fn curl_credentials_in_every_documented_place_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "curl -u \"Qk7vR2nW9xLp4mZt:\" https://search.internal:9200",
            "curl --user \"ops-bot\":\"Wq4mZ8tR2kLx\" https://api.internal/v2",
            "curl --header 'Authorization:  9c41e7a2-58d3-4b6f-a1e0-3d7f25c8b964' https://api.internal",
            "curl -X GET https://deploy.internal/ \\\n     -H \"X-Deploy-ApiKey: 7c2e91d4-3b6a-4f08-9e15-a4d07b3c82f6\"",
            "curl -X POST https://api.internal/tasks -H \"Token: 8f3c2a7e91b4d605\"",
        ],
    );
    assert_silent(
        &s,
        &[
            "curl -u \"myusername\" http://localhost:15130/api/check_user/",
            "curl -u \"${username}\":\"${password}\"",
            "curl -H \"Authorization: Negotiate\" https://intranet.internal",
        ],
    );
}

#[test]
fn a_value_far_from_a_providers_length_is_not_its_typo() {
    let s = scanner();
    // Podio's client secret is 64 characters: 63 beside `podio` is a truncated one (the
    // veto), 32 is no typo of it but another value, which the generic rule judges.
    assert_found(&s, &["podio_token = \"kNtaU4i5GpIpatEJc2vPjjeJeRvtQRxF\""]);
    assert_silent(
        &s,
        &["podio_token = \"AoCRIsBhyIRPK2iyElwmrYEE8mBvo8fg2TrrBwyMZDrXqDjrDYazmDtlRyIS4YU\""],
    );
    // A value with a provider's own prefix is that provider's at any length: GitLab's OAuth
    // application secret is `gloas-` and 64 hex digits.
    assert_silent(
        &s,
        &["client_secret: gloas-332a52e77ca24de56da2cdc2398462d1"],
    );
}

#[test]
fn cloudflare_scannable_credentials_are_found() {
    // developers.cloudflare.com token formats: cfk_/cfut_/cfat_, 40 characters, a checksum;
    // the older global API key is 37 to 45 lower-case hex digits.
    let s = scanner();
    assert_found(
        &s,
        &[
            "CLOUDFLARE_API_TOKEN=cfut_ECkbgoEYuAlBrt5zG4naKZrNOUwcLN1rbsOzzPTAeUzwTT2v",
            "req.Header.Set(\"Authorization\", \"Bearer cfat_ECkbgoEYuAlBrt5zG4naKZrNOUwcLN1rbsOzzPTAeUzwTT2v\")",
            "cf_global_key: \"cfk_ECkbgoEYuAlBrt5zG4naKZrNOUwcLN1rbsOzzPTAeUzwTT2v\"",
            "cloudflare_global: 878f768c184632930cf456923dd101e0182c645de",
        ],
    );
    // Truncated: not Cloudflare's, and no generic guess either.
    assert_silent(
        &s,
        &[
            "token := \"cfut_NJBoPC4a7Wk7cRvgmlN9A\"",
            "token := \"cfut_ECkbgoEYuAlBrt5zG4naKZrNOUwcLN1rbsOzzPTAeUzwTT2!\"",
        ],
    );
}

#[test]
fn the_storage_emulators_account_key_is_an_example() {
    let s = scanner();
    let key =
        "DzRR5MtqmYMvLh5kPq/1qjm0fvepBhHV8fzSmqoWvGN9VIlcbpNzqb/wO3JuiuMxjA27BbihNr3qYhD2pN0/fQ==";
    assert_silent(
        &s,
        &[&format!(
            "AZURE_STORAGE=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;\n  AccountKey={key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
        )],
    );
    assert_found(
        &s,
        &[&format!(
            "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=ordersprod;AccountKey={key};EndpointSuffix=core.windows.net"
        )],
    );
}

/// Values one character off a provider's documented format, beside the provider's name, are
/// neither that provider's key nor a generic credential; the well-formed value is found. A
/// hex-documented key is read with every letter (a reissued base36 key is found), but one
/// stray letter past `f` in hex is a typo.
#[test]
fn one_character_off_a_documented_format_is_silent() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "[DEBUG] Using agora Key=59047709f1a4422a9bfd7e9d3c4cf5b6",
            "[DEBUG] Using agora Key=r44m1vofgrr1wy3rq3jr3azm3tly8hhe",
            "ambee_key = \"a52e77ca24de56da2cdc2398462d1fe5037fad5d89c608b1809ccd2cbad7e051\"",
            "twist = 'oauth2:a365d035ec69822163afa3b7fa01dffd9a1b6758'",
            "X-Cisco-Meraki-API-Key: a365d035ec69822163afa3b7fa01dffd9a1b6758",
            "[DEBUG] Using amadeus Key=lZJO1n4Ss1UovxEhMonrC3RgrUbVYTxa",
            "[DEBUG] Using amadeus Secret=xu19gxOJ7DmZc5EP",
            "jira_token: MzE4NDQ3MjA1OTEzOlK1bh/lhT5EPEOHej+2M++QQ2YK",
            "[DEBUG] Using alienvault Key=rin67g7eshbz4j7lmsfg10cbc2ad6rfymjk12e9b07dvekm62c3qfo973c4rqph6",
        ],
    );
    assert_silent(
        &s,
        &[
            // A `q`, a `y`, a `g` where a hex digit belongs.
            "[DEBUG] Using agora Key=59047709f1a4422a9bfdqe9d3c4cf5b6",
            "ambee_key = \"a52e77ca24de56da2cdc2398462d1fe5037fad5dy9c608b1809ccd2cbad7e051\"",
            "twist = 'oauth2:a3g5d035ec69822163afa3b7fa01dffd9a1b6758'",
            // A hex digit of the wrong case in a lower-case hex key.
            "X-Cisco-Meraki-API-Key: a365d035ec69822163afA3b7fa01dffd9a1b6758",
            // One character too many, an `_` inside, four characters past the format's end.
            "[DEBUG] Using amadeus Key=lZJO1n4Ss1UovxEhMonrC3RgrUbVYTxaQ",
            "[DEBUG] Using amadeus Secret=xu19gxOJ7DmZc5EPk",
            "jira_token: MzE4NDQ3MjA1OTEzOlK1bh/lhT5EPEOHej+2M++QQ2YKZq9X",
            "[DEBUG] Using alienvault Key=rin67g7eshbz4j7lmsfg10cbc2ad6r_fymjk12e9b07dvekm62c3qfo973c4rqph6",
        ],
    );
}

/// A JWT-shaped value whose header is not a JOSE header (one character off: `"al'"` for
/// `"alg"`) is neither a JWT nor a generic credential.
#[test]
fn jwt_with_a_broken_header_is_silent() {
    let s = scanner();
    let claims = "eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoyMDAwMDAwMDAwLCJzY29wZSI6Im9yZGVyczp3cml0ZSJ9";
    let sig = "PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA_2O7";
    let good = format!("apiKey := \"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{claims}.{sig}\"");
    let broken = format!("apiKey := \"eyJhbCciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{claims}.{sig}\"");
    assert_found(&s, &[good.as_str()]);
    assert_silent(&s, &[broken.as_str()]);
}

/// A provider named the way its product is written (`runrunit` for Runrun.it, `checklyhq`,
/// `zulipchat`, `kanbantool`, `capsulecrm`, `planviewleankit`) or run into OAuth's words
/// (`twitterconsumerkey`, `paypaloauth`) names it.
#[test]
fn provider_names_as_products_write_them() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "runrunit token - 'zymMlopiWfqUyHRSIf8NFmAUNLnY5Yx0'",
            "checklyhq_auth_token: \"Bearer c64e5a22fac180d6b2e6e1b465e55130\"",
            "zulipchat token - 'kER0Af7BOfjtNayviHzm5YdOnCqIz0Wi'",
            "kanbantool 'w8SE7diV3TMX'",
            "capsulecrm_token: \"Bearer t0pmpsLww0sAO-DGpUxjKbgRBWZRZX1VlxeVZ4DNCNnOBFXL4k41GiLP9qG3L0uK\"",
            "planviewleankit token - 'ce6ca6b0b9658d7dbc036095e68de96039211d9b963cc58ea44ecd5b868ec5ff527e03af2a080ad8541c11a795e1d763f588b265b2344421c5b75a1ad69534f0'",
            "twitterconsumerkey - 'oy6RYgYYpKCUYM34f40k441kX'",
            "paypaloauth - '4VGOfYcMuqbKLLp-2jfTuOQPeWIDtcKZ1Dw0gBEHum3adzqxMhGx3taeY5jvDR3q9lVuD_Am3zwr8FwG'",
        ],
    );
}

/// Seen replaying a JS/TS app's history (#15): both commits failed as leaks.
#[test]
fn identifiers_with_an_acronym_and_public_ids_are_not_leaks() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            // A camel-case field whose name starts with the provider's (Eraser) and ends in an acronym.
            "  private eraserPreviewDataURL: DataURL | null = null;",
            "    this.eraserTrailSourceHTML = render(eraser);",
            // A Discord badge: the guild id in the URL is public, as is an application's client id.
            "<img alt=\"Chat on Discord\" src=\"https://img.shields.io/discord/715928364051728394?logo=discord\"/>",
            "DISCORD_CLIENT_ID=738491026574839201",
        ],
    );
    // Random keys of the same shape beside the name are still found.
    assert_found(&s, &["ERASER_API_KEY=qZ7xKpL2mW9vRt4nYb8c"]);
    // The client id is a note (a public identifier), not dropped.
    let ids: Vec<bool> = s
        .scan(b"DISCORD_CLIENT_ID=738491026574839201")
        .into_iter()
        .map(|c| c.public)
        .collect();
    assert_eq!(ids, vec![true]);
}

/// Formats the providers document beyond their prefixed tokens: Sentry's unprefixed 64-hex
/// auth tokens beside Sentry's name (a bare SHA-256 digest stays silent), Voiceflow's legacy
/// `VF.<id>.<key>` workspace keys, and ScrapingBee written as `scraping_bee`.
#[test]
fn unprefixed_and_legacy_provider_formats_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "SENTRY_AUTH_TOKEN=670d7b5fc9ab88681f8e06bc122a7c27aed32a3270e48c4a79bd9bac59320dc1",
            "sentry:\n  auth_token: \"670d7b5fc9ab88681f8e06bc122a7c27aed32a3270e48c4a79bd9bac59320dc1\"",
            "const key = 'VF.bab9ab07a0bdb50db3a9baea.6SVJQXPVeaxzllFd';",
            "client = Client(scraping_bee = 'KFM5YT9HFXC9BN801I1GYL54GVW3B8ZMR4C7AJCK5JO406GUYQ843JS7MK834IVWHFTBUK3HNEH9QYKE')",
        ],
    );
    assert_silent(
        &s,
        &["sha256: 670d7b5fc9ab88681f8e06bc122a7c27aed32a3270e48c4a79bd9bac59320dc1"],
    );
}

/// A prefixed token followed by a joiner and more token characters is a piece of a broken
/// value, not the token as issued; so is a value whose quoted string opens with a joiner. A
/// URL fragment (`#…`) or a shell pipe (`|`) after a self-identifying value still ends it.
#[test]
fn prefixed_pieces_of_broken_values_are_not_tokens() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "slack token - 'xoxa-49217360588?31875064297c'",
            "mrticktock key = 'user.name@mail.test' url = '?Vq7Lm2Xz9Tp4Rw8Yb3Nk'",
        ],
    );
    assert_found(
        &s,
        &[
            "SLACK_TOKEN=xoxa-49217360588-31875064297c",
            "http://d41be7c9:7ac3f05e@enterprise.contribsys.com#install",
            "echo ghp_Vq7Lm2Xz9Tp4Rw8Yb3Nk5Hd1sF6gJ0eQa1Bc|gh auth login --with-token",
        ],
    );
}

/// Documentation that elides a token (`…`, `...`) shows where it goes, not the token.
#[test]
fn elided_values_are_not_credentials() {
    let s = scanner();
    assert_silent(
        &s,
        &["\"refresh_token\": \"0.AXEAq7Lm2Xz9Tp4Rw8Yb3Nk5Hd1sF6gJ0eQ-Vc.AgABAAEAAA8mWq...\""],
    );
    assert_found(
        &s,
        &["\"refresh_token\": \"0.AXEAq7Lm2Xz9Tp4Rw8Yb3Nk5Hd1sF6gJ0eQ-Vc.AgABAAEAAA8mWq\""],
    );
}

/// A value that spells out the name it is assigned to describes what goes there; a value
/// that merely shares a short word with its name is still a credential.
#[test]
fn values_that_spell_out_their_name_are_descriptions() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "AccountName=logs;AccountKey=theaccountkeyasbase64text;EndpointSuffix=core.windows.net",
            "pub const MSV1_0_SUPPLEMENTAL_CREDENTIAL_KEY: PCSTR = MSV1_0_SUPPLEMENTAL_CREDENTIAL_KEY_A;",
        ],
    );
    assert_found(&s, &["api_key = \"apiq7Lm2Xz9Tp4Rw8Yb3Nk5Hd\""]);
}

/// A value written with the provider's own prefix is that provider's at any length short
/// of its format: cut to a few characters, it is a malformed key, not a generic secret.
#[test]
fn short_values_with_a_providers_prefix_are_malformed_keys() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "token := \"duffel_test_q7Lm2X\"",
            "\"token3\": \"xoxp-4821-9053-7716-7be2a90c3d5f18e6a4c0b9d27f3e85a1\"",
        ],
    );
}

/// A value of the length and alphabet of one of the provider's formats is not vetoed as a
/// malformed key of another of its formats: 64 characters beside `artifactory` fit JFrog's
/// identity token, whatever the 73-character API key says.
#[test]
fn a_sibling_format_of_the_value_s_length_keeps_the_guess() {
    let s = scanner();
    assert_found(
        &s,
        &["artifactory_ref_token = \"cmVmd7kq2xv9tpl4rw8yb3nk5hd1sf6gj0equ2zm7xc4vb8nw3ry6tk1ps9ld5fh\""],
    );
}

/// A token after an auth scheme inside a quoted assignment (`"Bearer <token>"`) is the
/// credential; a template after the scheme is not.
#[test]
fn scheme_prefixed_tokens_in_assignments_are_found() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "chatbot_auth_token: \"Bearer 7kQ2xV9tPl4Rw8_Yb3Nk5Hd1sF6gJ0eQ\"",
            "apiToken := \"Token q7Lm2Xz9Tp4Rw8Yb3Nk5Hd1sF\"",
        ],
    );
    assert_silent(
        &s,
        &[
            "auth_token: \"Bearer ${AUTH_TOKEN}\"",
            "auth_token: \"Bearer <token>\"",
        ],
    );
}

/// A connection URL's authority needs a host after `@`: `user:pass@?host` is broken, not a
/// leaked password.
#[test]
fn database_urls_without_a_host_are_not_credentials() {
    let s = scanner();
    assert_silent(
        &s,
        &["rabbitmq = 'amqps://svc:Hx3vR7kq@?abbit.internal:5672/vhost'"],
    );
    assert_found(&s, &["amqps://svc:Hx3vR7kq@rabbit.internal:5672/vhost"]);
}

/// A JWT whose HMAC signature verifies with the secret jwt.io's debugger fills in (its
/// current one and the one before) was made in the debugger: an example, whatever its
/// claims. The same claims signed with any other secret are a token.
#[test]
fn jwts_signed_with_jwt_io_s_example_secret_are_examples() {
    let s = scanner();
    let claims =
        "eyJzdWIiOiJzdmMtYmlsbGluZyIsInNjb3BlIjoiaW52b2ljZXM6d3JpdGUiLCJleHAiOjIwMDAwMDAwMDB9";
    let hs256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    assert_silent(
        &s,
        &[
            &format!("token = \"{hs256}.{claims}.N6pHGE4F1502npc0TSeEH5ThlSFtmYkPxrR5p7jolFE\""),
            &format!("token = \"{hs256}.{claims}.lR1FLTCizAYzbDe87yupmaR6ofBLLWSFot2wQIMDUGw\""),
            &format!(
                "Authorization: Bearer eyJhbGciOiJIUzUxMiJ9.{claims}.eZgineFYEXsak5QP0A4hTM1BNztsfPT0OsaeQZnUjPY_8n1jDL74EY8p15iSdsBFUscWsyCo1tYk8KLV4nyU4A"
            ),
        ],
    );
    assert_found(
        &s,
        &[&format!(
            "token = \"{hs256}.{claims}.C9dxv3NuBRM3t7677Tx6hoCEdvaJSjV853Tet1Qftt8\""
        )],
    );
}

/// `=` inside a value (not the padding that ends base64) makes it no near miss of a base64
/// format: beside Kraken's name it is a credential the generic rules judge, not a
/// malformed Kraken key. Padding with a character after it is still a padded key.
#[test]
fn padding_inside_a_value_is_no_typo_of_a_base64_format() {
    let s = scanner();
    assert_found(
        &s,
        &["kraken_token: 70txsl8rh-py0q6uzi9di_j89nv8he/0f64j06=b1xdwd4x-zph9np7=drerm98_iqtwukv=rvadwb3r"],
    );
    assert_silent(
        &s,
        &["KRAKEN_SECRET = \"Tq9Lw2Zr7Vx4Kp8Mn3Bc6Hd1Fg5Jy0Ks2Xa7Qe4Wr9Tz3Lm8Nv6Pb1Cd5Hk0Gj7Sx2Ya4Rf9Uq3Le6Wo8Zi==q\""],
    );
}

/// Lob documents its publishable keys (`live_pub_`, `test_pub_`) as safe to ship in
/// JavaScript or a mobile app: a note, not a leak. Its secret keys are leaks.
#[test]
fn lob_publishable_keys_are_public_identifiers() {
    let s = scanner();
    let public = s
        .scan(b"LOB_KEY=live_pub_8c2f0e7a91d45b36c0e9f4a27d18b5e")
        .into_iter()
        .filter(|c| c.public)
        .count();
    assert_eq!(public, 1);
    assert_silent(&s, &["LOB_KEY=live_pub_8c2f0e7a91d45b36c0e9f4a27d18b5e"]);
    assert_found(
        &s,
        &["lob_api_key = \"live_4e1b9c07d3f82a6e5c0b7d94f1a3e28c6b0\""],
    );
}

/// Two counting runs interleaved are a typed value in either case and across a UUID's
/// dashes (`1a2B3c4D-5e6F-…`).
#[test]
fn interleaved_counting_in_a_uuid_layout_is_a_placeholder() {
    let s = scanner();
    assert_silent(&s, &["SECRET_KEY=1a2B3c4D-5e6F-7g8H-9i0J-k1L2m3N4o5P6"]);
}

/// Digits alone are a number up to what a 64-bit integer holds; a longer run of drawn
/// digits beside a provider's name fits its key's alphabet and is no count, id or date.
#[test]
fn long_runs_of_drawn_digits_are_keys() {
    let s = scanner();
    assert_found(
        &s,
        &[
            "discord_client_secret: 37745615582634013153911565014889",
            "DISCORD_TOKEN=\"80516237491638205746193825017364\"",
        ],
    );
    assert_silent(
        &s,
        &[
            // Twenty digits and fewer: a 64-bit number (an order id, a timestamp in ns).
            "discord_order_id: 18446744073709551615",
            "discord_sent_at = 17093846152038476591",
            // Long, but no drawn digits.
            "discord_wei: 10000000000000000000000000000000",
        ],
    );
}

/// A URL parser's test vectors put URL-encoded punctuation around a placeholder password
/// (`user:pass%5B%7F@`, `tom:abc123%40%20%@`); a drawn password with encoded characters is
/// still a leak (httpx's and the url crate's WHATWG test data).
#[test]
fn encoded_punctuation_around_a_placeholder_is_a_placeholder() {
    let s = scanner();
    assert_silent(
        &s,
        &[
            "    \"href\": \"https://user:pass%5B%7F@foo/bar\",",
            "    assert str(new) == \"https://tom%40example.org:abc123%40%20%@example.org\"",
        ],
    );
    assert_found(
        &s,
        &["DATABASE_URL=postgres://app:Qz7%21kP2xW@db.internal:5432/orders"],
    );
}

/// A provider's name somewhere on a minified file's long line is not what a value far from it
/// on that line is assigned to, and a letter after a backslash is an escape's, not a key's
/// first character (caddy 997d3f6b0a: a 293 KB one-line JSON of module docs, `MaxMind` in one
/// module's docs and `\nAutoHTTPSConfig` in another's). A key beside its keyword on such a
/// line is still a leak, and so is one after an escaped newline beside its keyword.
#[test]
fn long_lines_and_escapes_bound_what_a_keyword_names() {
    let s = scanner();
    let filler = "{\"name\":\"module\",\"docs\":\"configures the module.\"},".repeat(40);
    let far = format!(
        "[{{\"docs\":\"looks up the client in MaxMind databases\"}},{filler}\
         {{\"docs\":\"AutoHTTPS configures HTTPS. Q7mZ2xLp9TkR4wNb is a made-up name\"}}]"
    );
    let escaped = "{\"docs\":\"MaxMind license:\\nAutoHTTPSConfig disables it\"}";
    assert_silent(&s, &[&far, escaped]);
    let near = format!("[{filler}{{\"maxmind_license_key\":\"Q7mZ2xLp9TkR4wNb\"}},{filler}]");
    assert_found(
        &s,
        &[&near, "MAXMIND_LICENSE_KEY=Q7mZ2xLp9TkR4wNb\\nNEXT=1"],
    );
    // A token longer than a kilobyte still runs past its keyword's zone whole (an Entra
    // refresh token is 1,300 characters and more; trufflehog's test config_1516).
    const B64U: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut drawn = |n: usize| -> String {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                B64U[(x % 64) as usize] as char
            })
            .collect()
    };
    let token = format!("0.A{}.Ag{}", drawn(64), drawn(1400));
    let long = format!("{{\"tokenType\":\"Bearer\",\"refreshToken\":\"{token}\",{filler}}}");
    assert!(
        leaks(&s, &long).iter().any(|r| r == "azure-entra-refresh"),
        "{:?}",
        leaks(&s, &long)
    );
}
