package org.headend.control.flash;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.headend.control.config.grammar.ArgTypes;

/**
 * The flash store {@code disk0:}: one directory in the state directory. Paths are checked twice: by name (parts of
 * letters, digits, {@code . _ -}; never {@code ..}) and on disk (no part may be a symbolic link), so nothing outside
 * the directory is ever read, listed or deleted (bad-inputs #47, #50).
 */
public final class FlashStore
{
    public static final String DIRECTORY = "disk0";
    /** Files larger than this are not shown by {@code more}. */
    public static final long MAX_MORE_BYTES = 1 << 20;

    private final Path root;

    public FlashStore(final Path root)
    {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The store of a state directory, created when missing. */
    public static FlashStore inStateDir(final Path stateDir) throws IOException
    {
        final Path root = stateDir.resolve(DIRECTORY);
        Files.createDirectories(root);
        return new FlashStore(root);
    }

    public Path root()
    {
        return root;
    }

    /**
     * The file or directory a {@code disk0:} path names.
     *
     * @throws IllegalArgumentException when the path is malformed or leads outside the store (through {@code ..} or
     *                                  a symbolic link)
     */
    public Path resolve(final String flashPath)
    {
        final String normalized = ArgTypes.normalizeFlashPath(flashPath);
        Path path = root;
        final String rest = normalized.substring("disk0:/".length());
        if (!rest.isEmpty())
        {
            for (final String part : rest.split("/"))
            {
                path = path.resolve(part);
                if (Files.isSymbolicLink(path))
                {
                    throw new IllegalArgumentException(normalized + " is a symbolic link; links are not followed");
                }
            }
        }
        if (!path.normalize().startsWith(root))
        {
            throw new IllegalArgumentException(normalized + " is outside disk0:");
        }
        return path;
    }

    /**
     * One entry of {@code dir}.
     *
     * @param name      the file name
     * @param directory whether it is a directory
     * @param size      its size in bytes
     * @param modified  last modification, epoch milliseconds
     * @param inode     the inode number (the ASA shows a file number there), 0 when unknown
     */
    public record Entry(String name, boolean directory, long size, long modified, long inode)
    {
    }

    /** The entries of a directory, by name; links are listed as plain files and never followed. */
    public List<Entry> list(final Path dir) throws IOException
    {
        final List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
        {
            for (final Path path : stream)
            {
                final BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
                final Object key = attributes.fileKey();
                long inode = 0;
                if (key != null)
                {
                    final String text = key.toString();
                    final int at = text.indexOf("ino=");
                    if (at >= 0)
                    {
                        final int end = text.indexOf(')', at);
                        try
                        {
                            inode = Long.parseLong(text.substring(at + 4, end < 0 ? text.length() : end));
                        }
                        catch (final NumberFormatException ignored)
                        {
                            inode = 0;
                        }
                    }
                }
                entries.add(new Entry(path.getFileName().toString(), attributes.isDirectory(), attributes.size(),
                    attributes.lastModifiedTime().toMillis(), inode));
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** The file's bytes; refuses directories and files over {@link #MAX_MORE_BYTES}. */
    public byte[] read(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new NoSuchFileException(file.getFileName().toString());
        }
        if (Files.size(file) > MAX_MORE_BYTES)
        {
            throw new IOException("the file is larger than " + MAX_MORE_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /** Deletes one file (never a directory); false when there was none. */
    public boolean delete(final Path file) throws IOException
    {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            return false;
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException("is a directory");
        }
        Files.delete(file);
        return true;
    }

    /** Total and usable bytes of the file system holding the store. */
    public long[] space() throws IOException
    {
        final var store = Files.getFileStore(root);
        return new long[] {store.getTotalSpace(), store.getUsableSpace()};
    }

    /** The flash path of a file inside the store, e.g. {@code disk0:/a/b.pkg}. */
    public String flashPathOf(final Path file)
    {
        final String relative = root.relativize(file.toAbsolutePath().normalize()).toString();
        return "disk0:/" + relative;
    }
}
