package org.headend.control.cli;

import org.headend.control.flash.FlashStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import org.headend.control.config.AnyconnectImage;
import org.headend.control.portal.ClientPackage;
import org.headend.control.portal.ProfileXml;
import org.headend.control.config.ConfigStore;
import org.headend.control.config.HeadendConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a newly configured {@code anyconnect image} (bad-inputs #47): the file must be on {@code disk0:} (the path
 * itself is already confined by its type) and be a valid client package ({@link ClientPackage}); its SHA-256 is
 * logged. A newly named {@code anyconnect profiles} file must be well-formed XML ({@link ProfileXml}).
 * Images already in the running configuration are not checked again, so deleting a package file never blocks
 * other changes.
 */
public final class ImageCheck
{
    private static final Logger LOG = LoggerFactory.getLogger(ImageCheck.class);

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
            try
            {
                if (Files.size(file) > ClientPackage.MAX_BYTES)
                {
                    return image.path() + " is not a valid AnyConnect package: larger than " + ClientPackage.MAX_BYTES
                        + " bytes";
                }
                final byte[] bytes = Files.readAllBytes(file);
                final ClientPackage pkg = ClientPackage.read(file.getFileName().toString(), bytes);
                LOG.info("anyconnect image {} accepted: {} {}, sha256 {}", image.path(), pkg.platform(), pkg.version(),
                    ExecCommands.sha256(file));
            }
            catch (final IOException ex)
            {
                return image.path() + " is not a valid AnyConnect package: " + ex.getMessage();
            }
        }
        for (final Map.Entry<String, String> profile : candidate.webvpn().profiles().entrySet())
        {
            if (profile.getValue().equals(current.webvpn().profiles().get(profile.getKey())))
            {
                continue;
            }
            try
            {
                final String problem = ProfileXml.problem(flash.read(flash.resolve(profile.getValue())));
                if (problem != null)
                {
                    return profile.getValue() + ": " + problem;
                }
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                return "%Error opening " + profile.getValue() + " (" + (ex instanceof java.nio.file.NoSuchFileException
                    ? "No such file or directory" : ex.getMessage()) + ")";
            }
        }
        return null;
    }
}
