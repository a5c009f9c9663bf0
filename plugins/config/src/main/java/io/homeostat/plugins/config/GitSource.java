package io.homeostat.plugins.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The desired version is a path at a ref of a git repository on this machine, read with JGit (no git
 * binary, no work tree checked out: the repository's objects are read as they are). With fetch, the
 * repository's {@code origin} is fetched first.
 */
record GitSource(Path repository, String ref, String file, boolean fetch) implements DesiredSource {
    @Override
    public Desired read(Duration timeout) throws IOException {
        try (Git git = Git.open(repository.toFile())) {
            Repository repo = git.getRepository();
            if (fetch) {
                try {
                    git.fetch().setRemote("origin").setTimeout((int) Math.max(1, timeout.toSeconds())).call();
                } catch (GitAPIException e) {
                    throw new IOException("could not fetch origin of " + repository + ": " + e.getMessage(), e);
                }
            }
            ObjectId commitId = repo.resolve(ref + "^{commit}");
            if (commitId == null) {
                throw new IOException("ref " + ref + " is not in the git repository " + repository);
            }
            try (RevWalk walk = new RevWalk(repo)) {
                RevCommit commit = walk.parseCommit(commitId);
                try (TreeWalk entry = TreeWalk.forPath(repo, file, commit.getTree())) {
                    if (entry == null) {
                        throw new IOException(file + " is not in " + repository + " at " + ref + " (" + commit.abbreviate(12).name() + ")");
                    }
                    FileMode mode = entry.getFileMode(0);
                    if (!FileMode.REGULAR_FILE.equals(mode) && !FileMode.EXECUTABLE_FILE.equals(mode)) {
                        throw new IOException(file + " at " + ref + " in " + repository + " is not a regular file");
                    }
                    byte[] content;
                    try {
                        content = repo.open(entry.getObjectId(0), Constants.OBJ_BLOB).getCachedBytes(MAX_BYTES);
                    } catch (LargeObjectException e) {
                        throw new IOException(file + " at " + ref + " is larger than " + MAX_BYTES + " bytes", e);
                    }
                    return new Desired(content, "git " + repository + " " + ref + "@" + commit.abbreviate(12).name() + ":" + file);
                }
            }
        }
    }
}
