//! evalmine turns a folder of French evaluation reports (PDF) into the
//! tables of a quantitative synthesis.
//!
//! The stages, in the order data flows through [`pipeline`]:
//! - [`extract`]: PDF -> pages of positioned lines, without running headers,
//!   footers, page numbers and tables of contents;
//! - [`segment`]: lines -> paragraphs with their page, kind and heading;
//! - [`output`]: documents and paragraphs -> Parquet and CSV tables.
//!
//! ```no_run
//! use evalmine::config::PipelineConfig;
//! let config = PipelineConfig::load(std::path::Path::new("pipeline.toml"))?;
//! let outcome = evalmine::pipeline::run(&config)?;
//! println!("{}", outcome.summary());
//! # Ok::<(), evalmine::Error>(())
//! ```

pub mod aggregate;
pub mod analyze;
pub mod classify;
pub mod config;
pub mod error;
pub mod extract;
pub mod metadata;
pub mod output;
pub mod pipeline;
pub mod record;
pub mod segment;

pub use error::{Error, Result};
