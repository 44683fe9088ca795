package org.headend.nativecfg.sysctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes kernel parameters under /proc/sys, e.g. {@code net.ipv4.ip_forward}.
 * <p>
 * {@code net.*} keys resolve in the network namespace of the calling thread, so a thread inside a
 * {@link org.headend.nativecfg.netns.NetworkNamespace} changes that namespace's settings. Keys are restricted to
 * {@code [a-z0-9_.-]} without empty components, so they cannot leave /proc/sys; a consequence is that interface
 * names containing a dot (VLANs like {@code eth0.100}) cannot be addressed.
 * <p>
 * Threading: any thread; each call opens, uses and closes the file.
 */
public final class Sysctl
{
    private static final Path ROOT = Path.of("/proc/sys");
    private static final int MAX_KEY_LENGTH = 255;

    private Sysctl()
    {
    }

    /**
     * @param key   dotted key, e.g. {@code net.ipv4.conf.all.rp_filter}.
     * @param value new value as the kernel parses it, e.g. {@code "1"}; one line.
     * @throws IllegalArgumentException if the key or value is not acceptable.
     * @throws UncheckedIOException     naming the key if the kernel refuses (absent key, bad value, no permission).
     */
    public static void set(final String key, final String value)
    {
        final Path path = path(key);
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0)
        {
            throw new IllegalArgumentException("sysctl value must be one line: " + key);
        }
        try
        {
            // One write() without O_CREAT: /proc/sys parses each write on its own and creates nothing.
            Files.write(path, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("sysctl " + key + "=" + value + " failed: " + ex, ex);
        }
    }

    /**
     * @param key dotted key, e.g. {@code net.ipv4.ip_forward}.
     * @return the current value without the trailing newline.
     * @throws IllegalArgumentException if the key is not acceptable.
     * @throws UncheckedIOException     naming the key if it cannot be read.
     */
    public static String get(final String key)
    {
        final Path path = path(key);
        try
        {
            return Files.readString(path, StandardCharsets.US_ASCII).strip();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("sysctl " + key + " read failed: " + ex, ex);
        }
    }

    /**
     * @param key dotted key.
     * @return the file under /proc/sys.
     * @throws IllegalArgumentException unless the key is one or more non-empty [a-z0-9_-] components joined by dots.
     */
    static Path path(final String key)
    {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.contains("..") ||
            key.startsWith(".") || key.endsWith("."))
        {
            throw new IllegalArgumentException("invalid sysctl key: " + key);
        }
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            {
                throw new IllegalArgumentException("invalid sysctl key: " + key);
            }
        }
        return ROOT.resolve(key.replace('.', '/'));
    }
}
