use clap::Parser;
use praxis_api::cli::{self, Cli, Command, UserCommand};
use praxis_api::{telemetry, Application, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // A .env file is optional; variables already set in the environment win.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("praxis: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Openapi => {
            print!("{}", praxis_api::docs::document_json());
            Ok(())
        }
        Command::Migrate => blocking(move || cli::migrate(&config)).await,
        Command::SeedDemo => blocking(move || cli::seed_demo(&config)).await,
        Command::BenchSeed {
            posts,
            comments,
            authors,
        } => blocking(move || cli::bench_seed(&config, posts, comments, authors)).await,
        Command::User {
            command: UserCommand::GrantRole { email, role },
        } => blocking(move || cli::grant_role(&config, &email, &role)).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("praxis: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    tracing::info!(config = ?config, "starting");
    let app = Application::build(config).await?;
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn blocking(f: impl FnOnce() -> anyhow::Result<()> + Send + 'static) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(f).await?
}
