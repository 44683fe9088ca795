package org.headend.control.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file so that a crash at any moment leaves either the complete old or the complete new content:
 * write a temporary file in the same directory, fsync it, keep the old version as {@code NAME.prev}, rename the
 * temporary file over the target, fsync the directory so the rename itself is durable.
 */
final class AtomicFile
{
    /** Renames one file over another; a seam so tests can fail the rename. */
    @FunctionalInterface
    interface Renamer
    {
        void rename(Path from, Path to) throws IOException;
    }

    static final Renamer ATOMIC_RENAME = (from, to) -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    private AtomicFile()
    {
    }

    static void write(final Path target, final byte[] content, final Renamer renamer) throws IOException
    {
        final Path absolute = target.toAbsolutePath();
        final Path dir = absolute.getParent();
        final String name = absolute.getFileName().toString();
        final Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        Path previousTemp = null;
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (Files.exists(absolute))
            {
                previousTemp = keepPrevious(absolute, dir, name, renamer);
            }
            renamer.rename(temp, absolute);
            syncDirectory(dir);
        }
        finally
        {
            Files.deleteIfExists(temp);
            if (previousTemp != null)
            {
                Files.deleteIfExists(previousTemp);
            }
        }
    }

    /**
     * Makes {@code NAME.prev} the current content. A hard link shares the old inode, so the later rename over the
     * target leaves it untouched; where links are not possible a synced copy does the same.
     */
    private static Path keepPrevious(final Path target, final Path dir, final String name, final Renamer renamer)
        throws IOException
    {
        final Path previousTemp = dir.resolve("." + name + ".prev." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(previousTemp);
        try
        {
            Files.createLink(previousTemp, target);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            Files.copy(target, previousTemp);
            try (FileChannel channel = FileChannel.open(previousTemp, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
        }
        renamer.rename(previousTemp, dir.resolve(name + ".prev"));
        return previousTemp;
    }

    /**
     * Removes what a write killed half-way left beside {@code target} ({@code .NAME.*.tmp}); the target itself is
     * always whole. Called at load, before anything writes.
     */
    static void removeStaleTemporaries(final Path target)
    {
        final Path absolute = target.toAbsolutePath();
        final String prefix = "." + absolute.getFileName() + ".";
        try (var files = Files.list(absolute.getParent()))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                final String name = file.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(file,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS))
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException ignored)
        {
            // leftovers are harmless; the next successful write does not depend on them
        }
    }

    private static void syncDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
