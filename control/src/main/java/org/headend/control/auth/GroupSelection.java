package org.headend.control.auth;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;

/**
 * Which tunnel-group a login is for (docs/protocol/auth-and-portal.md §2.4, §3.3): a {@code group-url} the client
 * connected to, else the alias it picked from the list ({@code tunnel-group-list enable} and
 * {@code group-alias NAME enable}), else {@code DefaultWEBVPNGroup}. A group reachable only through its group-url has
 * no listed alias and so can never be picked by name, and tunnel-group names themselves are never accepted: only what
 * the list offers.
 *
 * @param tunnelGroup the tunnel-group the form is for
 * @param alias       its alias as offered in the list, or null (no list, or the group has no enabled alias)
 * @param options     the aliases to list, the selected one first; empty when no list is shown
 * @param error       why the wanted group was not taken (shown with the form), or null
 */
public record GroupSelection(String tunnelGroup, String alias, List<String> options, String error)
{
    /** Longest group name echoed back in an error. */
    private static final int MAX_SHOWN = 64;

    /**
     * Resolves the group of one request.
     *
     * @param config      the configuration
     * @param wanted      the {@code <group-select>} or {@code group_list} value, or null
     * @param requestPath the decoded path the request was sent to ({@code /} or a group-url path)
     * @param groupAccess the {@code <group-access>} URL of an {@code init}, or null
     */
    public static GroupSelection resolve(final HeadendConfig config, final String wanted, final String requestPath,
        final String groupAccess)
    {
        final String path = groupPath(requestPath, groupAccess);
        if (!path.isEmpty())
        {
            final TunnelGroup byUrl = byGroupUrl(config, path);
            if (byUrl != null)
            {
                return new GroupSelection(byUrl.name(), null, List.of(), null);
            }
        }
        final boolean listed = config.webvpn().tunnelGroupList();
        final String pathError = path.isEmpty() ? null : "Group \"" + shown(path.substring(1)) + "\" is not available.";
        if (listed && wanted != null)
        {
            final String[] hit = byAlias(config, wanted);
            if (hit != null)
            {
                return new GroupSelection(hit[0], hit[1], ordered(config, hit[1]), null);
            }
        }
        final String defaultAlias = firstAlias(config.defaultTunnelGroup());
        final String error = listed && wanted != null ? "Group \"" + shown(wanted) + "\" is not available." : pathError;
        return new GroupSelection(HeadendConfig.DEFAULT_TUNNEL_GROUP, listed ? defaultAlias : null,
            listed ? ordered(config, defaultAlias) : List.of(), error);
    }

    /**
     * The group an {@code auth-reply} names, when it names one the list offers; null when it names none (the login
     * context's group then stands).
     *
     * @return the selection, or null (no name, or no list: the name is ignored); a selection with an error when the
     *         name is not offered
     */
    public static GroupSelection ofReply(final HeadendConfig config, final String wanted)
    {
        if (wanted == null || !config.webvpn().tunnelGroupList())
        {
            return null;
        }
        final String[] hit = byAlias(config, wanted);
        if (hit == null)
        {
            return new GroupSelection(HeadendConfig.DEFAULT_TUNNEL_GROUP, null, List.of(),
                "Group \"" + shown(wanted) + "\" is not available.");
        }
        return new GroupSelection(hit[0], hit[1], ordered(config, hit[1]), null);
    }

    /** The same group with the list (re)built for the current configuration and an error. */
    public GroupSelection withError(final HeadendConfig config, final String text)
    {
        return new GroupSelection(tunnelGroup, alias, options.isEmpty() && alias == null ? List.of()
            : ordered(config, alias), text);
    }

    /** Exact alias first, then case-insensitive; only enabled aliases. Returns {tunnel-group, alias} or null. */
    private static String[] byAlias(final HeadendConfig config, final String wanted)
    {
        for (final TunnelGroup group : config.tunnelGroups().values())
        {
            for (final String alias : group.enabledAliases())
            {
                if (alias.equals(wanted))
                {
                    return new String[] {group.name(), alias};
                }
            }
        }
        for (final TunnelGroup group : config.tunnelGroups().values())
        {
            for (final String alias : group.enabledAliases())
            {
                if (alias.equalsIgnoreCase(wanted))
                {
                    return new String[] {group.name(), alias};
                }
            }
        }
        return null;
    }

    /** Every enabled alias, {@code selected} first (clients expect it there as well as marked). */
    private static List<String> ordered(final HeadendConfig config, final String selected)
    {
        final List<String> all = new ArrayList<>();
        if (selected != null)
        {
            all.add(selected);
        }
        for (final TunnelGroup group : config.tunnelGroups().values())
        {
            for (final String alias : group.enabledAliases())
            {
                if (!alias.equals(selected))
                {
                    all.add(alias);
                }
            }
        }
        return List.copyOf(all);
    }

    private static String firstAlias(final TunnelGroup group)
    {
        final List<String> aliases = group.enabledAliases();
        return aliases.isEmpty() ? null : aliases.getFirst();
    }

    /** The tunnel-group whose enabled group-url has this path (case-insensitive, trailing slash ignored). */
    private static TunnelGroup byGroupUrl(final HeadendConfig config, final String path)
    {
        for (final TunnelGroup group : config.tunnelGroups().values())
        {
            for (final Map.Entry<String, Boolean> url : group.groupUrls().entrySet())
            {
                if (url.getValue() && path.equalsIgnoreCase(trimPath(pathOf(url.getKey()))))
                {
                    return group;
                }
            }
        }
        return null;
    }

    /** The group part of where the client connected: the request path, else the group-access URL's path. */
    private static String groupPath(final String requestPath, final String groupAccess)
    {
        String path = requestPath == null ? "" : trimPath(requestPath);
        if (path.isEmpty() && groupAccess != null)
        {
            path = trimPath(pathOf(groupAccess));
        }
        return path;
    }

    private static String pathOf(final String url)
    {
        try
        {
            final String path = URI.create(url.strip()).getPath();
            return path == null ? "" : path;
        }
        catch (final IllegalArgumentException ex)
        {
            return "";
        }
    }

    /** {@code /eng/} → {@code /eng}; {@code /} → empty. */
    private static String trimPath(final String path)
    {
        String p = path;
        while (p.endsWith("/"))
        {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static String shown(final String text)
    {
        final String cut = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
