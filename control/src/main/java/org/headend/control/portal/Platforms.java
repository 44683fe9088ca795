package org.headend.control.portal;

import java.util.Locale;
import java.util.Set;

/** The client platforms packages are made for, and how a visitor's platform is told. */
final class Platforms
{
    /** The device-id values of desktop clients that can take a package. */
    static final Set<String> KNOWN = Set.of("win", "win-arm64", "mac-intel", "linux-64", "linux");

    private Platforms()
    {
    }

    /**
     * The package platform for a VPN client, or null when it never installs headend packages (openconnect, mobile).
     *
     * @param deviceId  {@code <device-id>} of the login, or null
     * @param userAgent its User-Agent
     */
    static String ofClient(final String deviceId, final String userAgent)
    {
        final String agent = userAgent == null ? "" : userAgent;
        if (agent.contains("OpenConnect") || deviceId == null)
        {
            return null;
        }
        final String id = deviceId.toLowerCase(Locale.ROOT);
        if (id.equals("win") && agent.toUpperCase(Locale.ROOT).contains("ARM64"))
        {
            return "win-arm64";
        }
        return KNOWN.contains(id) ? id : null;
    }

    /** The package platform a browser runs on, from its User-Agent; null when it is none of ours. */
    static String ofBrowser(final String userAgent)
    {
        final String agent = userAgent == null ? "" : userAgent;
        if (agent.contains("Android") || agent.contains("iPhone") || agent.contains("iPad"))
        {
            return null;
        }
        if (agent.contains("Windows"))
        {
            return agent.contains("ARM64") ? "win-arm64" : "win";
        }
        if (agent.contains("Macintosh") || agent.contains("Mac OS X"))
        {
            return "mac-intel";
        }
        if (agent.contains("Linux"))
        {
            return agent.contains("x86_64") || agent.contains("amd64") ? "linux-64" : "linux";
        }
        return null;
    }

    /** Words for the page. */
    static String describe(final String platform)
    {
        return switch (platform)
        {
            case "win" -> "Windows";
            case "win-arm64" -> "Windows on ARM";
            case "mac-intel" -> "macOS";
            case "linux-64" -> "Linux (64-bit)";
            default -> "Linux";
        };
    }
}
