package org.headend.control.portal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.headend.control.auth.AuthXml;
import org.headend.control.auth.ClientDelivery;
import org.headend.control.config.AnyconnectImage;
import org.headend.control.config.ClientProfileRef;
import org.headend.control.config.CustomAttributeRules;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.flash.FlashStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache the clients download from (the ASA's {@code cache:/stc}): the configured {@code anyconnect image}
 * packages, unpacked into memory with their slot numbers, and the {@code anyconnect profiles} files with their SHA-1.
 * What is served comes only from here, by exact name; nothing under disk0: is reachable any other way. A package is
 * read again when its file on disk0: changed and the configuration is applied again (re-entering
 * {@code anyconnect image}); a profile is read again whenever its file changed. A file that no longer passes the
 * checks keeps the last good copy in service. Writes come from configuration commits (one at a time, whichever
 * thread commits); readers on any thread see immutable snapshots.
 */
public final class ClientFiles implements ClientDelivery
{
    private static final Logger LOG = LoggerFactory.getLogger(ClientFiles.class);
    /** Profile names that can be a file name in a URL as they are. */
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]{0,63}");
    /** What the client shows for each optional module it is told to install. */
    private static final Map<String, String> MODULE_NAMES = Map.of("dart", "Diagnostic And Reporting Tool",
        "vpngina", "Start Before Login", "nam", "Network Access Manager", "websecurity", "Web Security",
        "iseposture", "ISE Posture", "posture", "Posture (HostScan)", "amp", "AMP Enabler", "nvm",
        "Network Visibility Module", "umbrella", "Umbrella Roaming Security");

    private final FlashStore flash;
    private volatile List<Slot> slots = List.of();
    private volatile Map<String, Profile> profiles = Map.of();

    /**
     * One image slot ({@code /CACHE/stc/N/}).
     *
     * @param number  the slot, 1 for the lowest order
     * @param image   the configuration line
     * @param pkg     the package
     * @param sha256  of the package file as read
     * @param stamp   size and modification time of the file when read
     */
    public record Slot(int number, AnyconnectImage image, ClientPackage pkg, String sha256, String stamp)
    {
    }

    /**
     * One profile ({@code /CACHE/stc/profiles/NAME.xml}).
     *
     * @param name  the profile name
     * @param path  its file on disk0:
     * @param bytes the bytes served
     * @param sha1  upper-case hex SHA-1 of the bytes
     * @param stamp size and modification time of the file when read
     * @param modified modification time, epoch milliseconds
     */
    public record Profile(String name, String path, byte[] bytes, String sha1, String stamp, long modified)
    {
    }

    public ClientFiles(final FlashStore flash)
    {
        this.flash = flash;
    }

    /** Follows a new configuration: loads new or changed images, drops removed ones; same for profiles. */
    public synchronized void apply(final HeadendConfig config)
    {
        final Map<String, Slot> old = new LinkedHashMap<>();
        slots.forEach(s -> old.put(s.image().path(), s));
        final List<Slot> next = new ArrayList<>();
        int number = 0;
        for (final AnyconnectImage image : config.webvpn().images())
        {
            number++;
            final Slot previous = old.get(image.path());
            try
            {
                final Path file = flash.resolve(image.path());
                final String stamp = stamp(file);
                if (previous != null && previous.stamp().equals(stamp))
                {
                    next.add(new Slot(number, image, previous.pkg(), previous.sha256(), stamp));
                    continue;
                }
                final byte[] bytes = readPackage(file);
                final ClientPackage pkg = ClientPackage.read(file.getFileName().toString(), bytes);
                final String sha256 = hex(digest("SHA-256", bytes), false);
                next.add(new Slot(number, image, pkg, sha256, stamp));
                LOG.info("anyconnect image {} loaded into slot {}: {} {}, sha256 {}", image.path(), number,
                    pkg.platform(), pkg.version(), sha256);
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                if (previous != null)
                {
                    LOG.warn("anyconnect image {}: {}; the copy read earlier stays in service", image.path(),
                        ex.getMessage());
                    next.add(new Slot(number, image, previous.pkg(), previous.sha256(), previous.stamp()));
                }
                else
                {
                    LOG.error("anyconnect image {} is not offered: {}", image.path(), ex.getMessage());
                }
            }
        }
        slots = List.copyOf(next);
        for (final Slot slot : slots)
        {
            final Slot first = shadowing(slot);
            if (first != null)
            {
                LOG.warn("anyconnect image {} is for {} like {} (order {}): several packages for one OS are not "
                    + "supported; only {} is offered", slot.image().path(), slot.pkg().platform(),
                    first.image().path(), first.image().order(), first.image().path());
            }
        }
        final Map<String, Profile> nextProfiles = new LinkedHashMap<>();
        for (final Map.Entry<String, String> entry : config.webvpn().profiles().entrySet())
        {
            final Profile loaded = loadProfile(entry.getKey(), entry.getValue(), profiles.get(entry.getKey()));
            if (loaded != null)
            {
                nextProfiles.put(entry.getKey(), loaded);
            }
        }
        profiles = Map.copyOf(nextProfiles);
    }

    /** The image slots in order. */
    public List<Slot> slots()
    {
        return slots;
    }

    /** The slot with this number, or null. */
    public Slot slot(final int number)
    {
        for (final Slot slot : slots)
        {
            if (slot.number() == number)
            {
                return slot;
            }
        }
        return null;
    }

    /**
     * The slot that takes {@code slot}'s platform before it (a lower order), or null. The ASA does not support two
     * packages for one OS (seed 003:719); here the first is offered and the other never is, which
     * {@code show webvpn anyconnect} and the log say.
     */
    public Slot shadowing(final Slot slot)
    {
        final Slot first = slotFor(slot.pkg().platform());
        return first == null || first.number() == slot.number() ? null : first;
    }

    /** The first slot (lowest order) whose package is for {@code platform}, or null. */
    public Slot slotFor(final String platform)
    {
        if (platform == null)
        {
            return null;
        }
        for (final Slot slot : slots)
        {
            if (slot.pkg().platform().equals(platform))
            {
                return slot;
            }
        }
        return null;
    }

    /** The profiles as cached now (what {@code dir cache:/stc/profiles} lists), refreshed from disk0: first. */
    public synchronized Map<String, Profile> profiles()
    {
        final Map<String, Profile> fresh = new LinkedHashMap<>();
        for (final Profile profile : profiles.values())
        {
            final Profile now = loadProfile(profile.name(), profile.path(), profile);
            fresh.put(profile.name(), now == null ? profile : now);
        }
        profiles = Map.copyOf(fresh);
        return new LinkedHashMap<>(fresh);
    }

    /** One profile, re-read when its file changed; null when there is none of that name. */
    public synchronized Profile profile(final String name)
    {
        final Profile cached = profiles.get(name);
        if (cached == null)
        {
            return null;
        }
        final Profile now = loadProfile(name, cached.path(), cached);
        if (now != null && now != cached)
        {
            final Map<String, Profile> next = new LinkedHashMap<>(profiles);
            next.put(name, now);
            profiles = Map.copyOf(next);
            return now;
        }
        return cached;
    }

    private Profile loadProfile(final String name, final String path, final Profile previous)
    {
        if (!PROFILE_NAME.matcher(name).matches())
        {
            LOG.error("profile {} is not offered: its name cannot be a file name in a URL", name);
            return null;
        }
        try
        {
            final Path file = flash.resolve(path);
            final String stamp = stamp(file);
            if (previous != null && previous.path().equals(path) && previous.stamp().equals(stamp))
            {
                return previous;
            }
            final byte[] bytes = flash.read(file);
            final String problem = ProfileXml.problem(bytes);
            if (problem != null)
            {
                throw new IOException(problem);
            }
            final Profile profile = new Profile(name, path, bytes, hex(digest("SHA-1", bytes), true), stamp,
                Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis());
            LOG.info("client profile {} loaded from {}: {} bytes, sha1 {}", name, path, bytes.length, profile.sha1());
            return profile;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            if (previous != null && previous.path().equals(path))
            {
                LOG.warn("client profile {} ({}): {}; the copy read earlier stays in service", name, path,
                    ex.getMessage());
                return previous;
            }
            LOG.error("client profile {} ({}) is not offered: {}", name, path, ex.getMessage());
            return null;
        }
    }

    @Override
    public Content forLogin(final HeadendConfig config, final EffectivePolicy policy, final String deviceId,
        final String userAgent)
    {
        final StringBuilder opaque = new StringBuilder();
        final Slot slot = slotFor(Platforms.ofClient(deviceId, userAgent));
        if (slot != null)
        {
            opaque.append(coreManifest(slot, policy.get(PolicyAttribute.MODULES)));
        }
        opaque.append(customAttributes(config, policy));
        final StringBuilder manifest = new StringBuilder();
        final StringBuilder hints = new StringBuilder();
        final List<ClientProfileRef> refs = new ArrayList<>(policy.get(PolicyAttribute.PROFILES));
        // VPN profiles first: openconnect, like older clients, takes the first file of the manifest
        refs.sort(java.util.Comparator.comparing(ref -> !"vpn".equals(ref.type())));
        for (final ClientProfileRef ref : refs)
        {
            final Profile profile = profile(ref.name());
            if (profile == null)
            {
                continue;
            }
            final boolean vpn = "vpn".equals(ref.type());
            if (vpn && hints.isEmpty())
            {
                hints.append("&fu:profiles/").append(profile.name()).append(".xml&fh:").append(profile.sha1());
            }
            manifest.append("<file type=\"profile\" service-type=\"").append(vpn ? "user" : ref.type())
                .append("\">\n<uri>").append(profileUri(profile)).append("</uri>\n<hash type=\"sha1\">")
                .append(profile.sha1()).append("</hash>\n</file>\n");
        }
        final String profileManifest = manifest.isEmpty() ? ""
            : "<vpn-profile-manifest>\n<vpn rev=\"1.0\">\n" + manifest + "</vpn>\n</vpn-profile-manifest>\n";
        return new Content(slot == null ? null : "/CACHE/stc/" + slot.number(), opaque.toString(), profileManifest,
            hints.toString(), slot == null ? 1 : slot.number());
    }

    /** Where a profile is downloaded from. */
    public static String profileUri(final Profile profile)
    {
        return "/CACHE/stc/profiles/" + profile.name() + ".xml";
    }

    /** {@code vpn-client-pkg-version} and {@code vpn-core-manifest} of a slot, with the policy's modules. */
    static String coreManifest(final Slot slot, final List<String> modules)
    {
        final ClientPackage pkg = slot.pkg();
        final StringBuilder xml = new StringBuilder()
            .append("<vpn-client-pkg-version><pkgversion>").append(pkg.commaVersion())
            .append("</pkgversion></vpn-client-pkg-version>\n")
            .append("<vpn-core-manifest>\n<vpn rev=\"1.0\">\n");
        if (pkg.installer() != null)
        {
            xml.append(file(pkg, "VPNCore", null, pkg.installer()));
        }
        for (final String module : modules)
        {
            final String entry = pkg.modules().get(module);
            if (entry == null)
            {
                LOG.debug("module {} is not in the package of slot {}", module, slot.number());
                continue;
            }
            xml.append(file(pkg, module, module, entry));
        }
        return xml.append("</vpn>\n</vpn-core-manifest>\n").toString();
    }

    private static String file(final ClientPackage pkg, final String id, final String module, final String entry)
    {
        final String type = entry.substring(entry.lastIndexOf('.') + 1);
        return "<file version=\"" + AuthXml.escape(pkg.version()) + "\" id=\"" + AuthXml.escape(id) + "\" is_core=\""
            + (module == null ? "yes" : "no") + "\" type=\"" + AuthXml.escape(type) + "\" action=\"install\""
            + (module == null ? "" : " module=\"" + AuthXml.escape(module) + "\"") + " os=\""
            + AuthXml.escape(pkg.platform()) + "\">\n<uri>" + AuthXml.escape(entry) + "</uri>\n<display-name>"
            + AuthXml.escape(module == null ? pkg.displayName() : MODULE_NAMES.getOrDefault(module, module))
            + "</display-name>\n</file>\n";
    }

    /**
     * {@code <custom-attr>} with the policy's {@code anyconnect-custom} values: for each type the policy names a
     * value of, the concatenated {@code anyconnect-custom-data} lines of that name, in CDATA. Types not defined by
     * {@code anyconnect-custom-attr}, names without data, and values a known type does not accept are left out.
     */
    public static String customAttributes(final HeadendConfig config, final EffectivePolicy policy)
    {
        final StringBuilder xml = new StringBuilder();
        for (final Map.Entry<String, String> entry : policy.get(PolicyAttribute.CUSTOM_ATTRIBUTES).entrySet())
        {
            final String type = entry.getKey();
            final String name = entry.getValue();
            if (name.isEmpty())
            {
                continue;
            }
            final List<String> lines = config.globals().customData().getOrDefault(type, Map.of()).get(name);
            if (!config.webvpn().customAttributeTypes().containsKey(type) || lines == null
                || !XML_NAME.matcher(type).matches())
            {
                LOG.warn("anyconnect-custom {} value {}: no such type or data; not sent", type, name);
                continue;
            }
            final String value = String.join("", lines);
            if (CustomAttributeRules.check(type, value) != null)
            {
                continue;
            }
            xml.append('<').append(type).append("><![CDATA[").append(value.replace("]]>", "]]]]><![CDATA[>"))
                .append("]]></").append(type).append(">\n");
        }
        return xml.isEmpty() ? "" : "<custom-attr>\n" + xml + "</custom-attr>\n";
    }

    private static byte[] readPackage(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException("no such file on disk0:");
        }
        if (Files.size(file) > ClientPackage.MAX_BYTES)
        {
            throw new IOException("larger than " + ClientPackage.MAX_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private static String stamp(final Path file) throws IOException
    {
        final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS);
        return attributes.size() + "@" + attributes.lastModifiedTime().toMillis() + "@" + attributes.fileKey();
    }

    static byte[] digest(final String algorithm, final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance(algorithm).digest(bytes);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(algorithm + " is a required JDK algorithm", ex);
        }
    }

    static String hex(final byte[] bytes, final boolean upper)
    {
        return upper ? HexFormat.of().withUpperCase().formatHex(bytes) : HexFormat.of().formatHex(bytes);
    }
}
