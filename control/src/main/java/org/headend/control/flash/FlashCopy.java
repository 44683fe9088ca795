package org.headend.control.flash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code copy SOURCE disk0:/NAME}: brings a file into the flash store from a local path of the appliance's host, an
 * {@code http(s)://} URL or a {@code tftp://} URL; {@code copy disk0:/NAME tftp://…} sends one out. The file is written under a temporary name in the store and renamed into place only when
 * complete, so a failed copy leaves nothing behind and an image in service is never half replaced. Sources are read,
 * never run; redirects are not followed; at most {@link #MAX_BYTES} are taken.
 */
public final class FlashCopy
{
    public static final long MAX_BYTES = 512L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private FlashCopy()
    {
    }

    /** Whether {@code token} is a source {@link #copy} takes: an http(s) or tftp URL, or an absolute local path. */
    public static boolean isSource(final String token)
    {
        final String lower = token.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") || TftpClient.Target.looksLike(token)
            || token.startsWith("/") && !token.contains("/../") && !token.endsWith("/..");
    }

    /**
     * Copies {@code source} to {@code destination} in {@code flash}.
     *
     * @return the number of bytes copied
     * @throws IOException with the reason
     */
    public static long copy(final String source, final FlashStore flash, final String destination)
        throws IOException
    {
        final Path target = flash.resolve(destination);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException(destination + " is a directory");
        }
        Files.createDirectories(target.getParent());
        final Path partial = target.resolveSibling("." + target.getFileName() + ".copying");
        try
        {
            final long bytes;
            try (OutputStream out = Files.newOutputStream(partial))
            {
                if (TftpClient.Target.looksLike(source))
                {
                    bytes = TftpClient.standard().get(TftpClient.Target.parse(source), out, MAX_BYTES);
                }
                else
                {
                    try (InputStream in = open(source))
                    {
                        bytes = transfer(in, out);
                    }
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return bytes;
        }
        finally
        {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * Sends {@code bytes} to a {@code tftp://} URL (an exported translation table).
     *
     * @throws IOException with the reason
     */
    public static void send(final byte[] bytes, final String url) throws IOException
    {
        TftpClient.standard().put(TftpClient.Target.parse(url), new java.io.ByteArrayInputStream(bytes), bytes.length);
    }

    /**
     * {@code copy disk0:/NAME tftp://HOST/FILE}: sends a file of the flash store to a TFTP server.
     *
     * @return the number of bytes sent
     * @throws IOException with the reason
     */
    public static long send(final FlashStore flash, final String name, final String url) throws IOException
    {
        final TftpClient.Target target = TftpClient.Target.parse(url);
        final Path file = flash.resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException("No such file on disk0:");
        }
        final long size = Files.size(file);
        if (size > MAX_BYTES)
        {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))
        {
            TftpClient.standard().put(target, in, size);
        }
        return size;
    }

    private static InputStream open(final String source) throws IOException
    {
        final String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://"))
        {
            final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
            try
            {
                final HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(source))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200)
                {
                    response.body().close();
                    throw new IOException("the server answered " + response.statusCode());
                }
                return response.body();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException("not a usable URL: " + ex.getMessage(), ex);
            }
        }
        final Path path = Path.of(source);
        if (!path.isAbsolute() || !path.normalize().equals(path))
        {
            throw new IOException("a local source must be an absolute path without . or ..");
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException("No such file (links are not followed)");
        }
        return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
    }

    private static long transfer(final InputStream in, final OutputStream out) throws IOException
    {
        final byte[] buffer = new byte[65536];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0)
        {
            total += n;
            if (total > MAX_BYTES)
            {
                throw new IOException("the source is larger than " + MAX_BYTES + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return total;
    }
}
