//! The changed files' images that analyzers read beyond the diff's lines (a source file's
//! header, a migration's rollback section, a CI file before and after), read by git on
//! another thread while the secret scan runs.
//!
//! Which files are read is the analyzers' choice (the pipeline gathers it); reading them is
//! the change source's job, so it lives here beside [`super::Snapshot`]. A file that cannot
//! be read is an [`InputError`] naming it, and its image is `None`: the other files are read
//! all the same.

use std::collections::HashMap;
use std::thread::JoinHandle;

use anyhow::Result;

use super::ChangeSet;
use crate::errors::InputError;

/// Files' contents by path; `None` when the snapshot does not have the file or it could not
/// be read.
pub type Images = HashMap<String, Option<Vec<u8>>>;

/// The images read: the post-images asked for, the pre-images asked for (keyed by the
/// file's path after the change), and the files that could not be read.
#[derive(Debug, Default)]
pub struct Read {
    pub post: Images,
    pub pre: Images,
    pub errors: Vec<InputError>,
}

/// Images being read on another thread ([`read_in_background`]).
pub struct Reader(JoinHandle<Result<Read>>);

impl Reader {
    /// Waits for the images. The error is git failing as a whole.
    pub fn join(self) -> Result<Read> {
        self.0
            .join()
            .map_err(|_| anyhow::anyhow!("reading changed files failed"))?
    }
}

/// Starts reading, from the change's snapshots, the post-images of `post` (`(path, blob id)`,
/// the id the diff gave when it gave one) and the pre-images of `pre` (`(path, path before
/// the change)`).
pub fn read_in_background(
    cs: &ChangeSet,
    post: Vec<(String, Option<String>)>,
    pre: Vec<(String, String)>,
) -> Reader {
    let (post_snapshot, pre_snapshot) = (cs.post.clone(), cs.pre.clone());
    Reader(std::thread::spawn(move || {
        let refs: Vec<(&str, Option<&str>)> = post
            .iter()
            .map(|(p, id)| (p.as_str(), id.as_deref()))
            .collect();
        let read = post_snapshot.read_many(&refs)?;
        let mut errors = Vec::new();
        let mut keep = |p: &str, r: Result<Option<Vec<u8>>>| match r {
            Ok(image) => image,
            Err(e) => {
                errors.push(InputError::new(p, &e));
                None
            }
        };
        let post: Images = post
            .into_iter()
            .map(|(p, _)| p)
            .zip(read)
            .map(|(p, r)| {
                let image = keep(&p, r);
                (p, image)
            })
            .collect();
        let refs: Vec<(&str, Option<&str>)> = pre.iter().map(|(_, b)| (b.as_str(), None)).collect();
        let read = if refs.is_empty() {
            Vec::new()
        } else {
            pre_snapshot.read_many(&refs)?
        };
        let pre: Images = pre
            .into_iter()
            .zip(read)
            .map(|((p, before), r)| (p, keep(&before, r)))
            .collect();
        Ok(Read { post, pre, errors })
    }))
}
