package org.headend.control.config;

import java.util.List;
import java.util.Map;

/**
 * Global settings outside any block.
 *
 * @param compressionSvc  global {@code compression} for AnyConnect tunnels ({@code svc}); on unless
 *                        {@code no compression [svc]}
 * @param compressionHttp global {@code compression} for HTTP ({@code http-comp})
 * @param customData      {@code anyconnect-custom-data TYPE NAME VALUE}: type → name → value lines (several lines
 *                        of one name are concatenated by the client, as on the ASA)
 * @param httpRedirects   {@code http redirect NAMEIF PORT} lines in configuration order
 * @param sessionLimit    {@code vpn-sessiondb max-anyconnect-premium-or-essentials-limit N}: the most sessions at
 *                        once; 0 when not set (no limit but the address pools)
 * @param loadBalancing   {@code vpn load-balancing}: the cluster this headend is a member of
 * @param sslTrustpoints  {@code ssl trust-point NAME [NAMEIF]}: nameif ({@link #EVERY_INTERFACE} for the line
 *                        without one) → the trustpoint whose identity certificate the TLS listeners there serve
 * @param ikev2Interface  {@code crypto ikev2 enable NAMEIF}: where IKEv2 clients are answered; null when off
 * @param ikev2           the IKE and ESP algorithms and the certificate of IKEv2 remote access
 */
public record GlobalSettings(boolean compressionSvc, boolean compressionHttp,
    Map<String, Map<String, List<String>>> customData, List<HttpRedirect> httpRedirects, int sessionLimit,
    LoadBalancing loadBalancing, Map<String, String> sslTrustpoints, String ikev2Interface,
    Ikev2Config ikev2)
{
    /** The key of {@code ssl trust-point NAME} without an interface in {@link #sslTrustpoints}. */
    public static final String EVERY_INTERFACE = "";

    /** The trustpoint serving {@code nameif}: its own line, else the line without an interface; null for none. */
    public String sslTrustpoint(final String nameif)
    {
        final String own = sslTrustpoints.get(nameif);
        return own != null ? own : sslTrustpoints.get(EVERY_INTERFACE);
    }

    public static final GlobalSettings DEFAULT = new GlobalSettings(true, true, Map.of(), List.of());

    /** Without a session limit. */
    public GlobalSettings(final boolean compressionSvc, final boolean compressionHttp,
        final Map<String, Map<String, List<String>>> customData, final List<HttpRedirect> httpRedirects)
    {
        this(compressionSvc, compressionHttp, customData, httpRedirects, 0);
    }

    /** Without {@code vpn load-balancing}, {@code ssl trust-point} lines and IKEv2. */
    public GlobalSettings(final boolean compressionSvc, final boolean compressionHttp,
        final Map<String, Map<String, List<String>>> customData, final List<HttpRedirect> httpRedirects,
        final int sessionLimit)
    {
        this(compressionSvc, compressionHttp, customData, httpRedirects, sessionLimit, LoadBalancing.NONE, Map.of(),
            null, Ikev2Config.NONE);
    }
}
