//! Where flows and locales are read from: a folder on disk, or the copies
//! built into the binary (`build.rs`).
//!
//! The shipped `flows/` and `locales/` are compiled in so that a copied
//! binary (`cargo install --path .`, a container image without the source
//! tree) runs from any folder. A folder on disk always wins: organisers
//! change flows and wording without recompiling. The built-in copy is used
//! only when the configured folder is the default one and does not exist
//! where Gather runs; a folder named explicitly and missing is an error.

use std::io;
use std::path::{Path, PathBuf};

mod built_in {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// A read-only tree of text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// The file system, paths as given.
    Disk,
    /// The copies built into the binary, addressed as `flows/raise.toml`,
    /// `locales/pl/gather.ftl`.
    BuiltIn,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub is_dir: bool,
}

impl Files {
    /// Which tree holds `dir`, configured as `dir` with `default` as the
    /// default value: the disk, unless `dir` is the default and missing.
    pub fn for_dir(dir: &Path, default: &str) -> Files {
        if dir == Path::new(default) && !dir.exists() && has_built_in(default) {
            Files::BuiltIn
        } else {
            Files::Disk
        }
    }

    pub fn read_to_string(&self, path: &Path) -> io::Result<String> {
        match self {
            Files::Disk => std::fs::read_to_string(path),
            Files::BuiltIn => {
                let key = key(path);
                built_in::FILES
                    .iter()
                    .find(|(name, _)| *name == key)
                    .map(|(_, text)| (*text).to_string())
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not built in"))
            }
        }
    }

    /// The entries of `dir`, in no particular order.
    pub fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        match self {
            Files::Disk => Ok(std::fs::read_dir(dir)?
                .filter_map(|e| e.ok())
                .map(|e| {
                    let path = e.path();
                    Entry {
                        is_dir: path.is_dir(),
                        path,
                    }
                })
                .collect()),
            Files::BuiltIn => {
                let prefix = format!("{}/", key(dir).trim_end_matches('/'));
                let mut out: Vec<Entry> = Vec::new();
                for (name, _) in built_in::FILES {
                    let Some(rest) = name.strip_prefix(&prefix) else {
                        continue;
                    };
                    let (first, is_dir) = match rest.split_once('/') {
                        Some((first, _)) => (first, true),
                        None => (rest, false),
                    };
                    let path = dir.join(first);
                    if !out.iter().any(|e| e.path == path) {
                        out.push(Entry { path, is_dir });
                    }
                }
                if out.is_empty() {
                    return Err(io::Error::new(io::ErrorKind::NotFound, "not built in"));
                }
                Ok(out)
            }
        }
    }

    pub fn is_file(&self, path: &Path) -> bool {
        match self {
            Files::Disk => path.is_file(),
            Files::BuiltIn => {
                let key = key(path);
                built_in::FILES.iter().any(|(name, _)| *name == key)
            }
        }
    }
}

fn has_built_in(top: &str) -> bool {
    let prefix = format!("{top}/");
    built_in::FILES
        .iter()
        .any(|(name, _)| name.starts_with(&prefix))
}

/// A relative path as the built-in table names it (`/`-separated, no `./`).
fn key(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_built_in() {
        let files = Files::BuiltIn;
        let text = files
            .read_to_string(Path::new("flows/commands.toml"))
            .unwrap();
        assert!(text.contains("[engine]"));
        let locales = files.entries(Path::new("locales")).unwrap();
        assert!(
            locales
                .iter()
                .any(|e| e.is_dir && e.path == Path::new("locales/en-GB"))
        );
        let en = files.entries(Path::new("locales/en-GB")).unwrap();
        assert!(
            en.iter()
                .any(|e| !e.is_dir && e.path == Path::new("locales/en-GB/gather.ftl"))
        );
        assert!(files.is_file(Path::new("locales/en-GB/README.md")));
        assert!(files.entries(Path::new("nowhere")).is_err());
    }

    #[test]
    fn the_built_in_copy_is_the_source_tree() {
        // Run from the crate root, as cargo runs tests: same bytes on disk.
        for (name, text) in built_in::FILES {
            let on_disk =
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
            assert_eq!(&on_disk, text, "{name}");
        }
    }

    #[test]
    fn a_folder_on_disk_wins() {
        assert_eq!(
            Files::for_dir(Path::new("/no/such/flows"), "flows"),
            Files::Disk
        );
        let here = tempfile::tempdir().unwrap();
        let flows = here.path().join("flows");
        std::fs::create_dir(&flows).unwrap();
        assert_eq!(Files::for_dir(&flows, "flows"), Files::Disk);
    }
}
