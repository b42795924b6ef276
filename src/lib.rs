//! evalmine turns a folder of French evaluation reports (PDF) into the
//! tables of a quantitative synthesis.
//!
//! The stages, in the order data flows through [`pipeline`]:
//! - [`extract`]: PDF -> pages of positioned lines, without running headers,
//!   footers, page numbers and tables of contents (in worker processes, see
//!   [`isolate`], so one hostile file cannot take the batch down);
//! - [`segment`]: lines -> paragraphs with their page, kind and heading;
//! - [`analyze`] and [`classify`]: French text -> themes and polarity;
//! - [`aggregate`]: coverage levels, synthesis counts, codes;
//! - [`output`]: tables -> Parquet and CSV.
//!
//! ```no_run
//! use evalmine::config::PipelineConfig;
//! let config = PipelineConfig::load(std::path::Path::new("pipeline.toml"))?;
//! let pipeline = evalmine::pipeline::Pipeline::build(&config, Default::default())?;
//! let outcome = pipeline.run()?;
//! println!("{}", outcome.summary());
//! # Ok::<(), evalmine::Error>(())
//! ```

pub mod aggregate;
pub mod analyze;
mod atomic;
mod cache;
pub mod classify;
pub mod config;
pub mod error;
pub mod extract;
mod hash;
pub mod ingest;
pub mod isolate;
pub mod metadata;
pub mod models;
pub mod output;
pub mod pipeline;
pub mod record;
pub mod segment;
pub mod text;

pub use error::{Error, Result};
