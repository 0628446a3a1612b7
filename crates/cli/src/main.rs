//! `plenary`: one binary for serving, loading the demo, maintaining and verifying the
//! record, and working with negotiated texts.
#![forbid(unsafe_code)]

mod akn_cmd;
mod config;
mod exec_cmd;
mod import_cmd;
mod text_cmd;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use config::{FileConfig, Target};
use plenary_app::App;
use plenary_store::{Backend, Store, Verification};
use plenary_store_postgres::PostgresBackend;
use plenary_store_sqlite::{DATABASE_FILE, SqliteBackend};

/// Plenary: the open platform for running and following intergovernmental conferences.
#[derive(Parser, Debug)]
#[command(name = "plenary", version, about, propagate_version = true)]
struct Cli {
    /// A TOML configuration file (keys: data_dir, database_url, listen, log, admin_token).
    #[arg(long, global = true, env = "PLENARY_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log filter, e.g. `info` or `plenary=debug` (default: info).
    #[arg(long, global = true, env = "PLENARY_LOG", value_name = "FILTER")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the record over HTTP (pages, JSON API, live stream).
    Serve(ServeArgs),
    /// Load the built-in demo conference (PP-14, Busan) into a fresh store and serve it.
    Demo(DemoArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(StoreArgs),
    /// Recompute the whole hash chain: exit 0 when intact, 1 naming the first bad seq.
    Verify(StoreArgs),
    /// Recompute every view from the log and replace the stored views with the result.
    Rebuild(StoreArgs),
    /// Manage accounts: create a secretariat account, list accounts, reset a password.
    Admin(AdminArgs),
    /// Compare two revisions of an instrument, provision by provision and word by word.
    Diff(text_cmd::DiffArgs),
    /// Merge proposals on a base text into one negotiating text with brackets.
    Merge(text_cmd::MergeArgs),
    /// Convert between Akoma Ntoso, the notation and JSON.
    Convert(akn_cmd::ConvertArgs),
    /// Run commands from a JSON Lines file as the secretariat, all or nothing.
    Exec(ExecCommand),
    /// Import public records into the store: Akoma Ntoso documents, or voting records.
    #[command(subcommand)]
    Import(import_cmd::ImportWhat),
}

#[derive(Args, Debug)]
struct ExecCommand {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    exec: exec_cmd::ExecArgs,
}

/// Where the record is.
#[derive(Args, Debug, Clone)]
struct StoreArgs {
    /// Data directory of the embedded SQLite store [default: ./plenary-data].
    #[arg(
        long,
        env = "PLENARY_DATA_DIR",
        value_name = "DIR",
        conflicts_with = "database_url"
    )]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…), instead of the embedded store.
    #[arg(long, env = "PLENARY_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Args, Debug)]
struct AdminArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    action: AdminAction,
}

#[derive(Subcommand, Debug)]
enum AdminAction {
    /// Create a secretariat account; the password is read from standard input.
    CreateSecretariat {
        /// Sign-in name (3 to 64 lowercase letters, digits, '.', '_', '-').
        #[arg(long)]
        username: String,
        /// Name shown.
        #[arg(long)]
        display_name: String,
    },
    /// List the accounts and their roles.
    ListUsers,
    /// Set a new password, read from standard input; ends the account's sessions.
    ResetPassword {
        /// The account's sign-in name.
        #[arg(long)]
        username: String,
    },
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!(
            "give the password on standard input, e.g. `printf %s \"$PASSWORD\" | plenary admin ...`"
        );
    }
    Ok(password)
}

async fn admin(a: AdminArgs, file: &FileConfig) -> anyhow::Result<()> {
    use plenary_app::accounts::NewAccount;
    use plenary_domain::access::{Actor, Role};
    let target = config::target(a.store.data_dir, a.store.database_url, file)?;
    let app = App::new(open(&target, true).await?);
    let system = Actor::system();
    match a.action {
        AdminAction::CreateSecretariat {
            username,
            display_name,
        } => {
            let password = read_password()?;
            let view = app
                .create_account(
                    &system,
                    NewAccount {
                        username,
                        display_name,
                        password,
                        roles: vec![Role::Secretariat],
                    },
                )
                .await?;
            println!("created secretariat account '{}'", view.username);
        }
        AdminAction::ListUsers => {
            for a in app.list_accounts(&system).await? {
                let roles: Vec<String> = a
                    .roles
                    .iter()
                    .map(|r| serde_json::to_string(r).unwrap_or_default())
                    .collect();
                println!("{}\t{}\t{}", a.username, a.display_name, roles.join(" "));
            }
        }
        AdminAction::ResetPassword { username } => {
            let password = read_password()?;
            app.reset_password(&system, &username, &password).await?;
            println!("password of '{username}' reset; its sessions are ended");
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    http: HttpArgs,
}

#[derive(Args, Debug)]
struct HttpArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "PLENARY_LISTEN", value_name = "ADDR")]
    listen: Option<String>,
    /// Bearer token that grants the secretariat role on the API (for scripts, until
    /// accounts exist). Without it, the API is read-only.
    #[arg(
        long,
        env = "PLENARY_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,
    /// Mark session cookies Secure (when serving over TLS without a proxy that sends
    /// X-Forwarded-Proto).
    #[arg(long, env = "PLENARY_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Send Strict-Transport-Security: browsers then reach the site over HTTPS only (set
    /// it only when the site is served over TLS).
    #[arg(long, env = "PLENARY_HSTS")]
    hsts: bool,
    /// Behind a reverse proxy: limit sign-ins by the client address the proxy puts last in
    /// X-Forwarded-For, not by the proxy's own address.
    #[arg(long, env = "PLENARY_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Seconds a client has to send a request's headers, and a kept-alive connection to
    /// start its next request, before it is closed [default: 10].
    #[arg(long, env = "PLENARY_HEADER_READ_TIMEOUT", value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_read_timeout: Option<u64>,
    /// Connections open at once; more wait in the listen queue [default: 1024].
    #[arg(long, env = "PLENARY_MAX_CONNECTIONS", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// Directory of documents' files [default: `files` in the data directory].
    #[arg(long, env = "PLENARY_FILES_DIR", value_name = "DIR")]
    files_dir: Option<PathBuf>,
    /// S3 bucket of documents' files, instead of a directory (needs a build with the `s3`
    /// feature; credentials, region and endpoint come from the AWS_* variables).
    #[arg(long, env = "PLENARY_S3_BUCKET", value_name = "BUCKET")]
    s3_bucket: Option<String>,
    /// Largest file of a language version, in bytes [default: 32 MiB].
    #[arg(long, env = "PLENARY_MAX_FILE_BYTES", value_name = "BYTES")]
    max_file_bytes: Option<usize>,
}

/// The application with its file store.
fn with_files(
    app: App,
    http: &HttpArgs,
    target: &Target,
    file: &FileConfig,
) -> anyhow::Result<App> {
    let files = config::files(http.files_dir.clone(), http.s3_bucket.clone(), target, file)?;
    let store: Arc<dyn object_store::ObjectStore> = match files {
        config::Files::Local(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create the files directory {}", dir.display()))?;
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(&dir)
                    .with_context(|| format!("files directory {}", dir.display()))?,
            )
        }
        config::Files::S3(bucket) => s3(&bucket)?,
        config::Files::None => {
            tracing::warn!("no files directory or S3 bucket: file uploads are refused");
            return Ok(app);
        }
    };
    Ok(app.with_files(store))
}

#[cfg(feature = "s3")]
fn s3(bucket: &str) -> anyhow::Result<Arc<dyn object_store::ObjectStore>> {
    let s3 = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()
        .with_context(|| format!("S3 bucket {bucket}"))?;
    Ok(Arc::new(s3))
}

#[cfg(not(feature = "s3"))]
fn s3(bucket: &str) -> anyhow::Result<Arc<dyn object_store::ObjectStore>> {
    bail!(
        "S3 bucket {bucket}: this plenary was built without the `s3` feature (cargo build --features s3)"
    )
}

#[derive(Args, Debug)]
struct DemoArgs {
    /// Data directory [default: a temporary directory, removed on exit].
    #[arg(long, env = "PLENARY_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(flatten)]
    http: HttpArgs,
    /// Load the demo and exit, without serving.
    #[arg(long)]
    load_only: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let file = match FileConfig::read(cli.config.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    init_logging(cli.log.as_deref().or(file.log.as_deref()));
    match cli.command {
        Command::Diff(a) => text_cmd::diff(&a),
        Command::Merge(a) => text_cmd::merge(&a),
        Command::Convert(a) => akn_cmd::convert(&a),
        command => {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => return fail(&anyhow::anyhow!("cannot start the runtime: {e}")),
            };
            match runtime.block_on(run(command, &file)) {
                Ok(code) => code,
                Err(e) => fail(&e),
            }
        }
    }
}

fn fail(e: &anyhow::Error) -> ExitCode {
    eprintln!("plenary: {e:#}");
    ExitCode::from(2)
}

fn init_logging(filter: Option<&str>) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter.unwrap_or("info"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn run(command: Command, file: &FileConfig) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(a) => {
            let target = config::target(a.store.data_dir, a.store.database_url, file)?;
            let store = open(&target, true).await?;
            let app = with_files(App::new(store), &a.http, &target, file)?;
            if app.follow_shared_log().await? {
                tracing::info!("following the shared log: live updates cross app servers");
            }
            serve(app, &a.http, file).await?;
        }
        Command::Demo(a) => return demo(a, file).await,
        Command::Migrate(a) => {
            let target = config::target(a.data_dir, a.database_url, file)?;
            open(&target, true).await?;
            println!("schema up to date");
        }
        Command::Verify(a) => {
            let target = config::target(a.data_dir, a.database_url, file)?;
            return verify(&target).await;
        }
        Command::Admin(a) => admin(a, file).await?,
        Command::Rebuild(a) => {
            let target = config::target(a.data_dir, a.database_url, file)?;
            let store = open(&target, true).await?;
            let events = store.rebuild_views().await?;
            println!("views rebuilt from {events} events");
        }
        Command::Import(what) => {
            let store = what.store().clone();
            let target = config::target(store.data_dir, store.database_url, file)?;
            let app = App::new(open(&target, true).await?);
            return Ok(import_cmd::import(&app, what).await);
        }
        Command::Exec(a) => {
            let target = config::target(a.store.data_dir, a.store.database_url, file)?;
            let app = App::new(open(&target, true).await?);
            exec_cmd::exec(&app, &a.exec).await?;
        }
        Command::Diff(_) | Command::Merge(_) | Command::Convert(_) => {
            unreachable!("handled without a runtime")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the store; `create` allows a new SQLite file and runs migrations.
async fn open(target: &Target, create: bool) -> anyhow::Result<Store> {
    let backend: Arc<dyn Backend> = match target {
        Target::Sqlite(dir) => {
            if !create && !dir.join(DATABASE_FILE).is_file() {
                bail!(
                    "no Plenary record in {} (expected {DATABASE_FILE} there)",
                    dir.display()
                );
            }
            Arc::new(SqliteBackend::open(dir).await?)
        }
        Target::Postgres(url) => Arc::new(PostgresBackend::connect(url).await?),
    };
    if create {
        backend.migrate().await.context("migrating the database")?;
    }
    Ok(Store::new(backend))
}

async fn verify(target: &Target) -> anyhow::Result<ExitCode> {
    let store = open(target, false).await?;
    let started = Instant::now();
    match store.verify().await? {
        Verification::Intact(v) => {
            println!(
                "intact: {} events, head {} ({} payload bytes hashed in {:.3} s)",
                v.head.seq,
                v.head.hash,
                v.payload_bytes,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Verification::Broken(b) => {
            println!("BROKEN at seq {}: {b}", b.seq());
            Ok(ExitCode::from(1))
        }
    }
}

async fn demo(a: DemoArgs, file: &FileConfig) -> anyhow::Result<ExitCode> {
    // Keep the temporary directory alive while serving; it is removed on exit.
    let (dir, _temp) = match a.data_dir.or_else(|| file.data_dir.clone()) {
        Some(dir) => (dir, None),
        None => {
            let t = tempfile::Builder::new().prefix("plenary-demo-").tempdir()?;
            (t.path().to_owned(), Some(t))
        }
    };
    let target = Target::Sqlite(dir.clone());
    let store = open(&target, true).await?;
    let app = with_files(App::new(store), &a.http, &target, file)?;
    let head = app.head().await?;
    if head.seq == 0 {
        let started = Instant::now();
        let events = plenary_app::demo::load(&app).await?;
        tracing::info!(events, dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "demo loaded");
    } else if app
        .conference(
            &plenary_domain::access::Actor::anonymous(),
            plenary_app::demo::CONFERENCE,
        )
        .await?
        .is_some()
    {
        tracing::info!(dir = %dir.display(), "the demo is already loaded here");
    } else {
        bail!(
            "{} holds another record; give an empty or new directory for the demo",
            dir.display()
        );
    }
    if a.load_only {
        println!("demo loaded in {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    serve(app, &a.http, file).await?;
    Ok(ExitCode::SUCCESS)
}

/// How often the server looks for restrictions whose review date has come.
const LAPSE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

async fn serve(app: App, http: &HttpArgs, file: &FileConfig) -> anyhow::Result<()> {
    // At start and then hourly: a lapsed restriction shows on the register and the log.
    let _lapses = app.spawn_lapse_recorder(LAPSE_CHECK_EVERY);
    let listen = http
        .listen
        .clone()
        .or_else(|| file.listen.clone())
        .unwrap_or_else(|| config::DEFAULT_LISTEN.to_owned());
    let addr: SocketAddr = listen.parse().with_context(|| {
        format!("--listen: '{listen}' is not an address such as 127.0.0.1:8080")
    })?;
    let web = plenary_web::WebConfig {
        admin_token: http
            .admin_token
            .clone()
            .or_else(|| file.admin_token.clone()),
        secure_cookies: http.secure_cookies,
        hsts: http.hsts,
        trust_forwarded_for: http.trust_forwarded_for,
        max_file_bytes: http.max_file_bytes.or(file.max_file_bytes),
        ..plenary_web::WebConfig::default()
    };
    let defaults = plenary_web::ServeOptions::default();
    let options = plenary_web::ServeOptions {
        header_read_timeout: http
            .header_read_timeout
            .map_or(defaults.header_read_timeout, std::time::Duration::from_secs),
        max_connections: http
            .max_connections
            .map_or(defaults.max_connections, |n| n as usize),
        ..defaults
    };
    let router = plenary_web::router(app, web);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    plenary_web::serve(listener, router, options, shutdown())
        .await
        .context("serving")?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
