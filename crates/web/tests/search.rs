//! Search over HTTP: the JSON API, the CSV export and the search page, on the demo
//! conference; restricted text is found only by those who may read it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use plenary_web::{WebConfig, router};
use tower::ServiceExt;

const TOKEN: &str = "secretariat-token";

/// The demo on a fresh store (PostgreSQL when PLENARY_TEST_POSTGRES_URL is set).
async fn demo_router() -> (Router, tempfile::TempDir) {
    use plenary_store_postgres::testing::{PostgresHarness, URL_VAR};
    let dir = tempfile::tempdir().unwrap();
    let store = match PostgresHarness::from_env() {
        Some(h) if std::env::var(URL_VAR).is_ok() => {
            PostgresHarness::open(&h.fresh_url().await).await.0
        }
        _ => {
            plenary_store_sqlite::testing::open_store(dir.path())
                .await
                .0
        }
    };
    let app = plenary_app::App::new(store);
    plenary_app::demo::load(&app).await.unwrap();
    let config = WebConfig {
        admin_token: Some(TOKEN.into()),
        secure_cookies: false,
        ..WebConfig::default()
    };
    (router(app, config), dir)
}

async fn get(router: &Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, String, String) {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_search_api_returns_hits_with_links_snippets_and_facet_counts() {
    let (router, _dir) = demo_router().await;
    let (status, ctype, body) = get(&router, "/api/v1/search?q=internet&limit=5", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(ctype.starts_with("application/json"), "{ctype}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let total = v["total"].as_u64().unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(total > 5 && hits.len() == 5, "{total} {}", hits.len());
    for h in hits {
        assert!(h["link"].as_str().unwrap().starts_with("/api/v1/"), "{h}");
        assert!(
            h["snippet"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["mark"] == true),
            "{h}"
        );
    }
    let kinds: u64 = v["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "kind")
        .unwrap()["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_u64().unwrap())
        .sum();
    assert_eq!(kinds, total, "facets count every hit, not the page");
    // A filter narrows: only provisions, each linked to its anchor.
    let (_, _, body) = get(
        &router,
        "/api/v1/search?q=internet&kind=provision&limit=100",
        &[],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    for h in v["hits"].as_array().unwrap() {
        assert!(h["link"].as_str().unwrap().contains("#provision-"), "{h}");
    }
}

#[tokio::test]
async fn search_results_export_as_csv() {
    let (router, _dir) = demo_router().await;
    let (_, _, json) = get(&router, "/api/v1/search?q=internet&limit=1000", &[]).await;
    let total = serde_json::from_str::<serde_json::Value>(&json).unwrap()["total"]
        .as_u64()
        .unwrap();
    for (uri, headers) in [
        ("/api/v1/search?q=internet&format=csv", vec![]),
        ("/api/v1/search?q=internet", vec![("accept", "text/csv")]),
    ] {
        let (status, ctype, body) = get(&router, uri, &headers).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ctype.starts_with("text/csv"), "{ctype}");
        assert!(body.starts_with("id,kind,title,"), "{body}");
        let rows = body.split("\r\n").filter(|l| !l.is_empty()).count() as u64;
        assert_eq!(rows, total + 1, "a header and every hit");
    }
}

#[tokio::test]
async fn a_bad_search_is_refused_naming_the_field() {
    let (router, _dir) = demo_router().await;
    for (uri, field) in [
        ("/api/v1/search", "q"),
        ("/api/v1/search?q=%22open", "q"),
        ("/api/v1/search?q=x&language=xx", "language"),
        ("/api/v1/search?q=x&status=maybe", "status"),
        ("/api/v1/search?q=x&from=30%20October", "from"),
        ("/api/v1/search?q=x&limit=many", "limit"),
        ("/api/v1/search?q=x&limit=100000", "limit"),
    ] {
        let (status, ctype, body) = get(&router, uri, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {body}");
        assert!(
            ctype.starts_with("application/problem+json"),
            "{uri}: {ctype}"
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["field"], field, "{uri}: {body}");
    }
}

#[tokio::test]
async fn restricted_text_is_found_only_by_those_who_may_read_it() {
    let (router, _dir) = demo_router().await;
    let uri = "/api/v1/search?q=%22guard%20posts%22";
    let (_, _, public) = get(&router, uri, &[]).await;
    let v: serde_json::Value = serde_json::from_str(&public).unwrap();
    assert_eq!(v["total"], 0, "{public}");
    assert!(!public.contains("guard"), "{public}");
    let (_, _, page) = get(&router, "/search?q=%22guard%20posts%22", &[]).await;
    assert!(!page.contains("<mark>guard</mark>"), "{page}");
    let bearer = format!("Bearer {TOKEN}");
    let (_, _, staff) = get(&router, uri, &[("authorization", &bearer)]).await;
    let v: serde_json::Value = serde_json::from_str(&staff).unwrap();
    assert_eq!(v["total"], 1, "{staff}");
}

#[tokio::test]
async fn the_search_page_has_a_labelled_form_facet_links_and_marked_snippets() {
    let (router, _dir) = demo_router().await;
    let (status, ctype, empty) = get(&router, "/search", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(empty.contains("<label for=\"q\">") && empty.contains("id=\"q\""));
    let (status, _, page) = get(&router, "/search?q=internet&limit=5", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<mark>Internet</mark>"), "{page}");
    assert!(
        page.contains("href=\"/search?q=internet&#38;kind=provision\""),
        "{page}"
    );
    assert!(
        page.contains("limit=5&#38;offset=5\" rel=\"next\""),
        "{page}"
    );
    assert!(page.contains("format=csv"), "{page}");
    let (status, _, bad) = get(&router, "/search?q=%22open", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("role=\"alert\"") && bad.contains("quote"),
        "{bad}"
    );
    // What was typed is escaped, never markup.
    let (_, _, escaped) = get(&router, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", &[]).await;
    assert!(!escaped.contains("<script>alert"), "{escaped}");
}
