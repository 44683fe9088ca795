package org.headend.control.ike;

import java.util.Locale;
import org.headend.control.auth.GroupSelection;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;
import org.headend.control.ike.codec.Ike;

/**
 * Which tunnel-group an IKEv2 client lands in, from its IDi (the one thing a standards-based client sends before
 * authenticating). A KEY_ID, FQDN or RFC822 identity that names a tunnel-group, or one of its enabled
 * {@code group-alias}es (case-insensitive), selects it; one that is a URL or a path selects the tunnel-group whose
 * enabled {@code group-url} has that path, as the SSL login does. AnyConnect's IKEIdentity profile setting and
 * strongSwan's {@code local { id = keyid:NAME }} send such an IDi. Anything else, an address or a DN for instance,
 * lands in {@value HeadendConfig#DEFAULT_RA_GROUP}, the ASA's default for IPsec remote access
 * ({@value HeadendConfig#DEFAULT_TUNNEL_GROUP} is the SSL default, and stays the SSL login's).
 */
final class IkeTunnelGroups
{
    private IkeTunnelGroups()
    {
    }

    static TunnelGroup select(final HeadendConfig config, final int idType, final String id)
    {
        if (id == null || idType != Ike.ID_KEY_ID && idType != Ike.ID_FQDN && idType != Ike.ID_RFC822_ADDR)
        {
            return fallback(config);
        }
        final TunnelGroup named = config.tunnelGroups().get(id);
        if (named != null)
        {
            return named;
        }
        final String lower = id.toLowerCase(Locale.ROOT);
        for (final TunnelGroup group : config.tunnelGroups().values())
        {
            if (group.enabledAliases().stream().anyMatch(alias -> alias.toLowerCase(Locale.ROOT).equals(lower)))
            {
                return group;
            }
        }
        if (id.contains("://") || id.startsWith("/"))
        {
            final GroupSelection byUrl = GroupSelection.resolve(config, null, null,
                id.startsWith("/") ? "https://headend" + id : id);
            if (byUrl.error() == null)
            {
                return config.tunnelGroups().get(byUrl.tunnelGroup());
            }
        }
        return fallback(config);
    }

    private static TunnelGroup fallback(final HeadendConfig config)
    {
        return config.tunnelGroups().get(HeadendConfig.DEFAULT_RA_GROUP);
    }
}
