//! `PipelineConfig` mirrors pipeline.toml: one section per stage, each
//! section's struct owned (and checked) by its stage, composed here. Every
//! field is documented in pipeline.toml. Unknown keys and bad values stop the
//! run before any work, naming the key and the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::aggregate::CoverageConfig;
use crate::cache::CacheConfig;
use crate::classify::ClassifyConfig;
use crate::error::{BadValue, Error, Result};
use crate::extract::ExtractConfig;
use crate::hash::{sha256_hex, short};
use crate::output::OutputConfig;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    pub input: InputConfig,
    pub output: OutputConfig,
    pub extract: ExtractConfig,
    pub classify: ClassifyConfig,
    pub coverage: CoverageConfig,
    pub cache: CacheConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// Folder scanned recursively for `*.pdf` (any case). Relative paths are
    /// taken from the folder holding the configuration file.
    pub dir: PathBuf,
    /// Documents processed at once; 0 means one per core.
    pub threads: usize,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            dir: PathBuf::from("corpus"),
            threads: 0,
        }
    }
}

impl PipelineConfig {
    /// Reads and validates a configuration file. Relative folders in it are
    /// resolved against the file's own folder.
    pub fn load(path: &Path) -> Result<PipelineConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = PipelineConfig::parse(&text, path)?;
        tracing::debug!("configuration read from {}", path.display());
        let base = path.parent().unwrap_or(Path::new(""));
        config.input.dir = base.join(&config.input.dir);
        config.output.dir = base.join(&config.output.dir);
        // No `models` key: the models/ folder beside the file when there is
        // one (as `evalmine init` writes it), else the built-in models.
        config.classify.models = match config.classify.models {
            Some(models) => Some(base.join(models)),
            None => Some(base.join("models")).filter(|m| m.is_dir()),
        };
        config.cache.dir = base.join(&config.cache.dir);
        Ok(config)
    }

    /// Parses and validates configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<PipelineConfig> {
        let config: PipelineConfig = toml::from_str(text).map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |BadValue { key, message }| Error::ConfigValue {
            path: path.to_path_buf(),
            key: key.to_string(),
            message,
        };
        self.extract.validate().map_err(bad)?;
        self.classify.validate().map_err(bad)?;
        self.coverage.validate().map_err(bad)?;
        self.output.validate().map_err(bad)?;
        Ok(())
    }

    /// A short hash of the effective configuration, written into every table
    /// so a table says how it was made.
    pub fn hash(&self) -> String {
        short(&sha256_hex(toml::to_string(self).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::TableFormat;

    fn parse(text: &str) -> Result<PipelineConfig> {
        PipelineConfig::parse(text, Path::new("pipeline.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.input.dir, PathBuf::from("corpus"));
        assert_eq!(
            c.output.formats,
            vec![TableFormat::Parquet, TableFormat::Csv]
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let err = parse("[extract]\nheader_bnd = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("header_bnd"),
            "message should name the key: {err}"
        );
        assert!(
            err.contains("pipeline.toml"),
            "message should name the file: {err}"
        );
    }

    #[test]
    fn unknown_section_is_named() {
        let err = parse("[extrakt]\n").unwrap_err().to_string();
        assert!(err.contains("extrakt"), "{err}");
    }

    #[test]
    fn out_of_range_value_is_named() {
        let err = parse("[extract]\nheader_band = 0.9\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("extract.header_band"), "{err}");
        let err = parse("[output]\nformats = []\n").unwrap_err().to_string();
        assert!(err.contains("output.formats"), "{err}");
        let err = parse("[output]\nformats = [\"xlsx\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("xlsx"), "{err}");
        let err = parse("[classify]\nunnamed_theme_threshold = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("classify.unnamed_theme_threshold"), "{err}");
    }

    #[test]
    fn hash_changes_with_settings() {
        let a = parse("").unwrap();
        let b = parse("[extract]\nheader_band = 0.1\n").unwrap();
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), parse("").unwrap().hash());
    }
}
