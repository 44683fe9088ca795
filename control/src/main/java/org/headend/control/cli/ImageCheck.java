package org.headend.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.headend.control.config.AnyconnectImage;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a newly configured {@code anyconnect image} (bad-inputs #47): the file must be on {@code disk0:} (the path
 * itself is already confined by its type) and look like a client package (a zip archive); its SHA-256 is logged.
 * Images already in the running configuration are not checked again, so deleting a package file never blocks
 * other changes.
 */
public final class ImageCheck
{
    private static final Logger LOG = LoggerFactory.getLogger(ImageCheck.class);
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private ImageCheck()
    {
    }

    /** Registers the check as a veto of {@code store}. */
    public static void install(final ConfigStore store, final FlashStore flash)
    {
        store.addVeto(candidate -> check(store.current(), candidate, flash));
    }

    static String check(final HeadendConfig current, final HeadendConfig candidate, final FlashStore flash)
    {
        final Set<String> known = new HashSet<>();
        current.webvpn().images().forEach(i -> known.add(i.path()));
        for (final AnyconnectImage image : candidate.webvpn().images())
        {
            if (known.contains(image.path()))
            {
                continue;
            }
            final Path file;
            try
            {
                file = flash.resolve(image.path());
            }
            catch (final IllegalArgumentException ex)
            {
                return ex.getMessage();
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
            {
                return "%Error opening " + image.path() + " (No such file or directory)";
            }
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))
            {
                final byte[] head = in.readNBytes(ZIP_MAGIC.length);
                if (!java.util.Arrays.equals(head, ZIP_MAGIC))
                {
                    return image.path() + " is not a valid AnyConnect package";
                }
                LOG.info("anyconnect image {} accepted, sha256 {}", image.path(), ExecCommands.sha256(file));
            }
            catch (final IOException ex)
            {
                return "%Error reading " + image.path() + " (" + ex.getMessage() + ")";
            }
        }
        return null;
    }
}
